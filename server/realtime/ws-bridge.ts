import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { bearerToken, type AuthorizeConnection } from '../auth/api-keys.ts';
import { cookieValue, isLocalRequest } from '../auth/authenticator.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { SessionConnections } from './session-connections.ts';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientAddressOf } from '../http/client-address.ts';
import { originFacts, type ConnectionPolicy } from './connection-policy.ts';
import type { ConnectionLimit } from './connection-limit.ts';
import { refuseUpgradeWithProblem } from './upgrade-refusal.ts';
import { keyFromProtocols, offeredProtocols, SUBPROTOCOL_TOKEN, WS_KEY_HINT, WS_KEY_PROTOCOL_PREFIX, WS_PROTOCOL } from './ws-key.ts';
import { CLIENT_EVENT_NAMES, type ClientEventName, type SubscriptionAck, type WsServerFrame } from '../contract/events.ts';
import { CommandRateLimiter, RATE_LIMITED, runCommand } from './commands.ts';
import { createFrameCache } from './frames.ts';
import type { HubClient, SubscriptionHub } from './hub.ts';
import { DEFAULT_RETRY_AFTER_MS, RESTART_CLOSE_CODE, RESTART_CLOSE_REASON, refuseUpgrade, refuseWhileStopping, shutdownNotice } from './shutdown.ts';
import { unfinishedMessages } from './unfinished-messages.ts';
import { batchRequested, DEFAULT_BATCH_BEHIND_BYTES } from './batch-options.ts';

export interface WsBridgeOptions {
  server: Server;
  hub: SubscriptionHub;
  endpointExists: (id: string) => boolean;
  /** Whether an upgrade request may connect (API key). */
  authorize: AuthorizeConnection;
  /** Closes the connections of sessions that end (sign-out, expiry). */
  sessions?: SessionConnections;
  /** Host and Origin checks (cross-site WebSocket hijacking, DNS rebinding). */
  policy: ConnectionPolicy;
  clientAddress: ClientAddressOf;
  /** Realtime connections per address, shared with the other transports. */
  connections: ConnectionLimit;
  /** A message whose first fragment (or first bytes) came this long ago without its end closes the client with 1008. */
  messageTimeoutMs?: number;
  path?: string;
  pingIntervalMs?: number;
  maxPayloadBytes?: number;
  /** A client that falls this far behind is disconnected rather than buffered without end. */
  maxBufferedBytes?: number;
  /** Protocol errors (bad JSON, unknown events…) after which a client is disconnected. */
  maxProtocolErrors?: number;
  /** What the shutdown notice tells clients to wait before reconnecting. */
  retryAfterMs?: number;
  /** A client connected with `?batch=1` and more than this waiting gets coalesced state once it catches up, instead of every batch. */
  batchBehindBytes?: number;
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
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? 64 * 1024,
    // Client pings are answered below, within the client's message rate limit.
    autoPong: false,
    // Only ever `vigil`: never the first offered protocol, which may be `vigil.key.<key>`.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const unfinished = unfinishedMessages({ timeoutMs: options.messageTimeoutMs ?? 10_000 });
  const frameOf = createFrameCache();
  const alive = new WeakMap<WebSocket, boolean>();
  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  let stopping = false;

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://vigil.local');
    if (url.pathname.startsWith('/socket.io/')) return;
    if (url.pathname !== path) return refuseUpgrade(socket, 404, 'Not Found');
    if (stopping) return refuseWhileStopping(socket, retryAfterMs);
    const allowed = options.policy.checkWrite(originFacts((name) => request.headers[name]));
    if (!allowed.ok) return refuseUpgradeWithProblem(socket, allowed.status, allowed.message);
    const protocols = offeredProtocols(request.headers['sec-websocket-protocol']);
    if (protocols.some((p) => !SUBPROTOCOL_TOKEN.test(p))) {
      return refuseUpgradeWithProblem(
        socket,
        400,
        `Sec-WebSocket-Protocol must list HTTP tokens (letters, digits and !#$%&'*+-.^_\`|~); a key with other characters cannot be passed as a subprotocol: send Authorization: Bearer <key>.`,
      );
    }
    const protocolKey = keyFromProtocols(protocols);
    if (protocolKey !== undefined && !protocols.includes(WS_PROTOCOL)) {
      return refuseUpgradeWithProblem(
        socket,
        400,
        `A key passed as the subprotocol ${WS_KEY_PROTOCOL_PREFIX}<key> must come with the subprotocol "${WS_PROTOCOL}", which the server answers with: new WebSocket(url, ['vigil', 'vigil.key.<key>']).`,
      );
    }
    const address = options.clientAddress(request);
    const verdict = await options.authorize({
      token: bearerToken(request.headers.authorization) ?? protocolKey,
      address,
      sessionToken: cookieValue(request.headers.cookie, SESSION_COOKIE),
      local: isLocalRequest(request.socket.remoteAddress, request.headers),
    });
    if (socket.destroyed) return;
    if (!verdict.ok) {
      if (verdict.status !== 401)
        return refuseUpgradeWithProblem(socket, verdict.status, verdict.message, { 'Retry-After': String(verdict.retryAfterSeconds ?? 60) });
      const inUrl = url.searchParams.has('token') ? ' The key in ?token= is not read on /ws.' : '';
      return refuseUpgradeWithProblem(socket, 401, `${verdict.message}${inUrl} ${WS_KEY_HINT}`, { 'WWW-Authenticate': 'Bearer realm="vigil"' });
    }
    const release = options.connections.take(address);
    if (!release) return refuseUpgradeWithProblem(socket, 429, options.connections.message(), { 'Retry-After': '10' });
    // Released when the connection closes, or now if the handshake never completes.
    socket.once('close', release);
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.once('close', release);
      // A session's connection ends with it: 4401, and the dashboard asks to sign in again.
      if (verdict.sessionToken) ws.once('close', options.sessions?.add(verdict.sessionToken, () => ws.close(4401, 'session ended')) ?? (() => {}));
      wss.emit('connection', ws, request);
    });
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(request, socket, head).catch(() => {
      if (!socket.destroyed) refuseUpgradeWithProblem(socket, 500, 'The connection could not be checked; try again.');
    });
  };
  options.server.on('upgrade', onUpgrade);

  const behindBytes = options.batchBehindBytes ?? DEFAULT_BATCH_BEHIND_BYTES;
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    alive.set(ws, true);
    const batched = batchRequested(new URL(request.url ?? '/', 'http://vigil.local').searchParams.get('batch'));
    const send = (frame: WsServerFrame | string) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        ws.terminate();
        return;
      }
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    };
    const client: HubClient = { send: (event, data) => send(frameOf(event, data)) };
    if (batched) {
      client.batched = {
        isBehind: () => ws.bufferedAmount > behindBytes,
        sendEncoded: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame, { binary: false });
        },
      };
    }
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
    // A client's pings count against its rate limit like any message (a ping flood is a flood).
    ws.on('ping', (data: Buffer) => {
      const verdict = limiter.take();
      if (verdict === 'disconnect') return ws.close(1008, 'too many messages');
      if (verdict === 'ok') ws.pong(data);
    });
    unfinished.watch(ws);
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      unfinished.completed(ws);
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
      if (event === 'ping') {
        const verdict = limiter.take();
        if (verdict === 'disconnect') return ws.close(1008, 'too many messages');
        return verdict === 'ok' ? send({ event: 'pong', data: {} }) : undefined;
      }
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
      unfinished.close();
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
