import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createFrameCache } from './frames.ts';
import type { HubClient, SubscriptionHub } from './hub.ts';
import { getCookie } from 'hono/cookie';
import { bearerToken, type AuthorizeConnection } from '../auth/api-keys.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { SessionConnections } from './session-connections.ts';
import { isLocal } from '../http/middleware/access.ts';
import { refusal } from '../http/middleware/require-key.ts';
import { clientAddressOf } from '../http/remote-address.ts';
import { problem } from '../http/problem.ts';
import { originFacts, type ConnectionPolicy } from './connection-policy.ts';
import type { ConnectionLimit } from './connection-limit.ts';
import { endpointIdError } from './commands.ts';
import { DEFAULT_RETRY_AFTER_MS, shutdownNotice } from './shutdown.ts';
import type { ShutdownNotice } from '../contract/events.ts';

export interface SseOptions {
  hub: SubscriptionHub;
  endpointExists: (id: string) => boolean;
  /**
   * Whether a request may listen: the key from the Authorization header or, for EventSource (which
   * cannot set headers), from ?token= — the one place a key is read from a URL.
   */
  authorize: AuthorizeConnection;
  /** Closes the streams of sessions that end (sign-out, expiry). */
  sessions?: SessionConnections;
  /** Host and Origin checks (a page of another origin, DNS rebinding). */
  policy: ConnectionPolicy;
  /** Realtime connections per address, shared with the other transports. */
  connections: ConnectionLimit;
  keepaliveMs?: number;
  /** Writes a slow reader may have pending before it is dropped. */
  maxPendingWrites?: number;
  onOpen?: (delta: 1 | -1) => void;
  /** What the shutdown notice tells readers to wait before reconnecting (also its `retry:`). */
  retryAfterMs?: number;
}

export interface SseTransport {
  /** GET /api/events, to mount on the app. */
  routes: Hono;
  /** From now on a new reader gets the shutdown notice and an ended stream (EventSource comes back by itself). */
  stopAccepting(): void;
  /** Sends every open stream the shutdown notice with a `retry:` line, then ends it. */
  close(): Promise<void>;
}

/** The notice as one SSE block; `retry:` sets how long EventSource waits before reconnecting. */
const shutdownBlock = (notice: ShutdownNotice) => `retry: ${notice.retryAfterMs}\nevent: server:shutdown\ndata: ${JSON.stringify(notice)}\n\n`;

/**
 * Server-Sent Events at GET /api/events (all endpoints) or ?endpointId= (one):
 * `event: <name>` / `data: <json>`, a comment every 15 s to keep proxies from closing it.
 */
export function sseRoutes(options: SseOptions): SseTransport {
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const maxPending = options.maxPendingWrites ?? 10_000;
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  /** Ends one open stream with the notice; resolves once it has ended. */
  const streams = new Set<(notice: ShutdownNotice) => Promise<void>>();
  let stopping = false;

  const routes = new Hono().get('/api/events', async (c) => {
    const allowed = options.policy.checkWrite(originFacts((name) => c.req.header(name)));
    if (!allowed.ok) return problem(c, allowed.status, allowed.message);
    const address = clientAddressOf(c);
    const verdict = await options.authorize({
      token: bearerToken(c.req.header('authorization')) ?? c.req.query('token'),
      address,
      sessionToken: getCookie(c, SESSION_COOKIE),
      local: isLocal(c),
    });
    if (!verdict.ok) return refusal(c, verdict);
    // A 503 would make EventSource give up for good; a stream that says "come back" and ends does not.
    if (stopping) return c.body(shutdownBlock(shutdownNotice(retryAfterMs)), 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const endpointId = c.req.query('endpointId');
    let client: HubClient | undefined;
    let attach = () => {};
    if (endpointId !== undefined) {
      // Validate before the stream opens, so a mistake is a 400/404 answer rather than a silent stream.
      const refused = endpointIdError(endpointId, options.endpointExists);
      if (refused) throw refused;
      attach = () => options.hub.targetFor(client!).subscribe(endpointId);
    } else {
      attach = () => options.hub.targetFor(client!).subscribeAll();
    }

    // Hono runs this handler for HEAD too and drops the body unread: no stream, no slot, no reader.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const release = options.connections.take(address);
    if (!release) {
      c.header('Retry-After', '10');
      return problem(c, 429, options.connections.message());
    }
    c.header('X-Accel-Buffering', 'no');
    c.header('Cache-Control', 'no-cache, no-transform');
    return streamSSE(c, async (stream) => {
      const frameOf = createFrameCache();
      let pending = 0;
      let closed = false;
      let shutdown: ((notice: ShutdownNotice) => Promise<void>) | undefined;
      const finished = new Promise<void>((resolve) => {
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(keepalive);
          release();
          options.hub.remove(client!);
          options.onOpen?.(-1);
          streams.delete(shutdown!);
          resolve();
        };
        stream.onAbort(close);
        const forget = verdict.sessionToken
          ? options.sessions?.add(verdict.sessionToken, () => {
              close();
              void stream.close();
            })
          : undefined;
        if (forget) stream.onAbort(forget);
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
        shutdown = async (notice) => {
          if (closed) return;
          const written = stream.write(shutdownBlock(notice));
          close(); // the handler returns, and Hono ends the response after the notice
          await written;
        };
        streams.add(shutdown);
        const keepalive = setInterval(() => write(': keepalive\n\n'), keepaliveMs);
        options.onOpen?.(1);
        write(': connected\nretry: 2000\n\n');
        attach();
      });
      await finished;
    });
  });

  return {
    routes,
    stopAccepting: () => {
      stopping = true;
    },
    close: async () => {
      stopping = true;
      const notice = shutdownNotice(retryAfterMs);
      await Promise.all([...streams].map((end) => end(notice)));
    },
  };
}
