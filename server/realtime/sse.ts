import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ValidationError, NotFoundError } from '../domain/errors.ts';
import { createFrameCache } from './frames.ts';
import type { HubClient, SubscriptionHub } from './hub.ts';
import { bearerToken, type Authorize } from '../auth/api-keys.ts';
import { refusal } from '../http/middleware/require-key.ts';
import { remoteAddress } from '../http/remote-address.ts';
import { checkEndpointId } from './commands.ts';

export interface SseOptions {
  hub: SubscriptionHub;
  endpointExists: (id: string) => boolean;
  /** Whether a request may listen (API key from the header or ?token=). */
  authorize: Authorize;
  keepaliveMs?: number;
  /** Writes a slow reader may have pending before it is dropped. */
  maxPendingWrites?: number;
  onOpen?: (delta: 1 | -1) => void;
}

/**
 * Server-Sent Events at GET /api/events (all endpoints) or ?endpointId= (one):
 * `event: <name>` / `data: <json>`, a comment every 15 s to keep proxies from closing it.
 */
export function sseRoutes(options: SseOptions) {
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const maxPending = options.maxPendingWrites ?? 10_000;
  return new Hono().get('/api/events', async (c) => {
    const verdict = options.authorize({
      token: bearerToken(c.req.header('authorization')) ?? c.req.query('token'),
      remoteAddress: remoteAddress(c),
      forwardedFor: c.req.header('x-forwarded-for'),
    });
    if (!verdict.ok) return refusal(c, verdict);
    const endpointId = c.req.query('endpointId');
    let client: HubClient | undefined;
    let attach = () => {};
    if (endpointId !== undefined) {
      // Validate before the stream opens, so a mistake is a 400/404 answer rather than a silent stream.
      const refusal = checkEndpointId(endpointId, options.endpointExists);
      if (refusal && !refusal.ok) {
        if (refusal.error.code === 'NOT_FOUND') throw new NotFoundError('Endpoint', endpointId);
        throw new ValidationError([{ path: 'endpointId', message: refusal.error.message.replace(/^endpointId /, '') }]);
      }
      attach = () => options.hub.targetFor(client!).subscribe(endpointId);
    } else {
      attach = () => options.hub.targetFor(client!).subscribeAll();
    }

    c.header('X-Accel-Buffering', 'no');
    c.header('Cache-Control', 'no-cache, no-transform');
    return streamSSE(c, async (stream) => {
      const frameOf = createFrameCache();
      let pending = 0;
      let closed = false;
      const finished = new Promise<void>((resolve) => {
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(keepalive);
          options.hub.remove(client!);
          options.onOpen?.(-1);
          resolve();
        };
        stream.onAbort(close);
        const write = (text: string) => {
          if (closed) return;
          if (pending >= maxPending) {
            close();
            void stream.close();
            return;
          }
          pending++;
          stream.write(text).then(
            () => pending--,
            () => close(),
          );
        };
        client = {
          send: (event, data) => {
            const frame = frameOf(event, data);
            // The envelope's data part, without re-serialising: {"event":"…","data":<json>}
            write(`event: ${event}\ndata: ${frame.slice(frame.indexOf(',"data":') + 8, -1)}\n\n`);
          },
        };
        const keepalive = setInterval(() => write(': keepalive\n\n'), keepaliveMs);
        options.onOpen?.(1);
        write(': connected\nretry: 2000\n\n');
        attach();
      });
      await finished;
    });
  });
}
