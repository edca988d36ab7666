import { Hono, type MiddlewareHandler } from 'hono';
import type { PingSignal } from '../../services/push/receive-ping.ts';
import type { Services } from '../../services/index.ts';
import { problem } from '../problem.ts';

/** The most of a ping's body read (a job's log, say); the first KB is kept for a failure. */
const MAX_PING_BODY_BYTES = 10 * 1024;

/**
 * GET (or HEAD) or POST /api/push/:token[/start|/fail|/<exit status>]: what a job sends. No API key
 * (the token is the secret) and no JSON; answered `OK` as soon as the ping is in memory, so a cron
 * job's curl never waits on the database. See docs/monitor-types.md#push.
 */
export function pushRoutes(services: Services) {
  const ping = (signal: (suffix: string | undefined) => PingSignal | null) =>
    (async (c) => {
      const suffix = c.req.param('signal');
      const parsed = signal(suffix);
      if (!parsed) return problem(c, 404, `No route for ${c.req.method} /api/push/<token>/${suffix}: use /start, /fail or an exit status (0-255)`);
      const body = c.req.method === 'POST' ? await bodyOf(c.req.raw) : null;
      const outcome = await services.receivePing(c.req.param('token') ?? '', parsed, body);
      c.header('Cache-Control', 'no-store');
      return c.text(outcome === 'paused' ? 'OK (paused: not recorded)\n' : 'OK\n', 200);
    }) satisfies MiddlewareHandler;
  const signalOf = (suffix: string | undefined): PingSignal | null => {
    if (suffix === undefined) return { kind: 'success' };
    if (suffix === 'start') return { kind: 'start' };
    if (suffix === 'fail') return { kind: 'fail', exitStatus: null };
    if (/^\d{1,3}$/.test(suffix) && Number(suffix) <= 255) return Number(suffix) === 0 ? { kind: 'success' } : { kind: 'fail', exitStatus: Number(suffix) };
    return null;
  };
  const handler = ping(signalOf);
  // HEAD is answered as GET (Hono), without the body.
  return new Hono().on(['GET', 'POST'], '/:token', handler).on(['GET', 'POST'], '/:token/:signal', handler);
}

/**
 * GET /api/endpoints/:id/push-url: a push endpoint's ping URL (with its token), and POST to renew
 * the token. Both ask what editing the endpoint asks, even to read: the token lets anyone report for the job.
 */
export function pushUrlRoutes(services: Services, options: { publicUrl?: URL | undefined }) {
  const answer = (c: Parameters<MiddlewareHandler>[0], token: string) => {
    const base = options.publicUrl?.href.replace(/\/$/, '') ?? new URL(c.req.url).origin;
    c.header('Cache-Control', 'no-store');
    return c.json({ token, pingUrl: `${base}/api/push/${token}` });
  };
  return new Hono()
    .get('/:id/push-url', async (c) => answer(c, await services.pushToken(c.req.param('id'))))
    .post('/:id/push-url', async (c) => answer(c, await services.renewPushToken(c.req.param('id'))));
}

/** The body as text, at most MAX_PING_BODY_BYTES of it (the rest is not read). */
async function bodyOf(request: Request): Promise<string | null> {
  if (!request.body) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_PING_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_PING_BODY_BYTES));
}
