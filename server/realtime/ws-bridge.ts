import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { bearerToken, type Authorize } from '../auth/api-keys.ts';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CLIENT_EVENT_NAMES, type ClientEventName, type SubscriptionAck, type WsServerFrame } from '../contract/events.ts';
import { CommandRateLimiter, RATE_LIMITED, runCommand } from './commands.ts';
import { createFrameCache } from './frames.ts';
import type { HubClient, SubscriptionHub } from './hub.ts';
import { DEFAULT_RETRY_AFTER_MS, RESTART_CLOSE_CODE, RESTART_CLOSE_REASON, refuseUpgrade, refuseWhileStopping, shutdownNotice } from './shutdown.ts';

export interface WsBridgeOptions {
  server: Server;
  hub: SubscriptionHub;
  endpointExists: (id: string) => boolean;
  /** Whether an upgrade request may connect (API key). */
  authorize: Authorize;
  path?: string;
  pingIntervalMs?: number;
  maxPayloadBytes?: number;
  /** A client that falls this far behind is disconnected rather than buffered without end. */
  maxBufferedBytes?: number;
  /** Protocol errors (bad JSON, unknown events…) after which a client is disconnected. */
  maxProtocolErrors?: number;
  /** What the shutdown notice tells clients to wait before reconnecting. */
  retryAfterMs?: number;
}

export interface WsBridge {
  clientCount(): number;
  /** From now on new connections are answered 503 (come back later); open ones stay until close(). */
  stopAccepting(): void;
  /** Sends every client the shutdown notice and closes it with 1012 (Service Restart). */
  close(): Promise<void>;
}

const knownEvents = new Set<string>(CLIENT_EVENT_NAMES);

/**
 * The native WebSocket bridge at /ws: the seed's `{ event, data }` envelope both ways, the same
 * subscriptions and acknowledgements as Socket.io (`{ event: "ack", id, data }`), ping/pong
 * keepalive. It takes only its own path's upgrades; /socket.io/ upgrades are left to engine.io.
 */
export function attachWsBridge(options: WsBridgeOptions): WsBridge {
  const path = options.path ?? '/ws';
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const maxErrors = options.maxProtocolErrors ?? 50;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 });
  const frameOf = createFrameCache();
  const alive = new WeakMap<WebSocket, boolean>();
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  let stopping = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://vigil.local');
    if (url.pathname.startsWith('/socket.io/')) return;
    if (url.pathname !== path) return refuseUpgrade(socket, 404, 'Not Found');
    if (stopping) return refuseWhileStopping(socket, retryAfterMs);
    const forwarded = request.headers['x-forwarded-for'];
    const verdict = options.authorize({
      token: bearerToken(request.headers.authorization) ?? url.searchParams.get('token') ?? undefined,
      remoteAddress: request.socket.remoteAddress,
      forwardedFor: Array.isArray(forwarded) ? forwarded[0] : forwarded,
    });
    if (!verdict.ok) {
      if (verdict.status === 401) return refuseUpgrade(socket, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer realm="vigil"' });
      return refuseUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(verdict.retryAfterSeconds ?? 60) });
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    const send = (frame: WsServerFrame | string) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        ws.terminate();
        return;
      }
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    };
    const client: HubClient = { send: (event, data) => send(frameOf(event, data)) };
    const target = options.hub.targetFor(client);
    const limiter = new CommandRateLimiter();
    let protocolErrors = 0;
    const protocolError = (message: string, id?: number | string | null) => {
      const answer: SubscriptionAck = { ok: false, error: { code: 'BAD_REQUEST', message } };
      if (id !== undefined && id !== null) send({ event: 'ack', id, data: answer });
      else send({ event: 'error', data: answer.error as { code: 'BAD_REQUEST'; message: string } });
      if (++protocolErrors >= maxErrors) ws.close(1008, 'too many protocol errors');
    };

    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      if (isBinary) return protocolError('binary frames are not supported; send JSON text');
      let frame: unknown;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return protocolError('malformed JSON');
      }
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return protocolError('a frame must be a JSON object { "event", "data", "id" }');
      const { event, data, id: rawId } = frame as { event?: unknown; data?: unknown; id?: unknown };
      const id = typeof rawId === 'number' || (typeof rawId === 'string' && rawId.length <= 100) ? rawId : null;
      if (event === 'ping') return send({ event: 'pong', data: {} });
      if (typeof event !== 'string' || !knownEvents.has(event)) {
        return protocolError(`unknown event ${JSON.stringify(event)}; expected one of ${CLIENT_EVENT_NAMES.join(', ')}`, id);
      }
      const verdict = limiter.take();
      if (verdict === 'disconnect') return ws.close(1008, 'too many commands');
      const answer = verdict === 'refuse' ? RATE_LIMITED : runCommand(event as ClientEventName, data, target, options.endpointExists);
      send({ event: 'ack', id, data: answer });
    });
    ws.on('close', () => options.hub.remove(client));
    ws.on('error', () => ws.terminate());
  });

  const keepalive = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  keepalive.unref();

  return {
    clientCount: () => wss.clients.size,
    stopAccepting: () => {
      stopping = true;
    },
    close: async () => {
      stopping = true;
      clearInterval(keepalive);
      // The upgrade listener stays: until the HTTP server closes, late upgrades get their 503.
      const notice = JSON.stringify({ event: 'server:shutdown', data: shutdownNotice(retryAfterMs) } satisfies WsServerFrame);
      for (const ws of wss.clients) {
        if (ws.readyState === ws.OPEN) ws.send(notice);
        ws.close(RESTART_CLOSE_CODE, RESTART_CLOSE_REASON);
      }
      const deadline = Date.now() + 1000;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
