import { ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { CLIENT_EVENT_NAMES, type ClientEventName, type ClientToServerEvents, type ServerToClientEvents, type SubscriptionAck } from '../contract/events.ts';
import type { EventBus } from '../events/bus.ts';
import { bearerToken, type AuthorizeConnection } from '../auth/api-keys.ts';
import { cookieValue, isLocalRequest } from '../auth/authenticator.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { SessionConnections } from './session-connections.ts';
import { CommandRateLimiter, RATE_LIMITED, runCommand, type SubscriptionTarget } from './commands.ts';
import { endpointOf } from './routing.ts';
import type { ClientAddressOf } from '../http/client-address.ts';
import { originFacts, type ConnectionPolicy } from './connection-policy.ts';
import type { ConnectionLimit } from './connection-limit.ts';
import { DEFAULT_RETRY_AFTER_MS, refuseWhileStopping, retryAfterSeconds, shutdownNotice } from './shutdown.ts';
import { refuseOtherPollingMethods } from './polling-methods.ts';
import { DEFAULT_BATCH_TICK_MS, EventBatcher, type Subscription } from './batching.ts';
import { batchRequested, DEFAULT_BATCH_BEHIND_BYTES } from './batch-options.ts';

export interface SocketIoOptions {
  server: HttpServer;
  /** The events to deliver: this instance's and, on PostgreSQL, the other instances'. */
  feed: EventBus;
  endpointExists: (id: string) => boolean;
  /** Whether a handshake may connect (API key). */
  authorize: AuthorizeConnection;
  /** Host and Origin checks (cross-site WebSocket hijacking, DNS rebinding). */
  policy: ConnectionPolicy;
  /** Closes the connections of sessions that end (sign-out, expiry). */
  sessions?: SessionConnections;
  clientAddress: ClientAddressOf;
  /** Realtime connections per address, shared with the other transports. */
  connections: ConnectionLimit;
  /** A client this far behind (bytes waiting to be sent to it) is disconnected rather than buffered without end. */
  maxBufferedBytes?: number;
  /** How long a dropped client's session is kept for connection state recovery. */
  recoveryWindowMs?: number;
  maxPayloadBytes?: number;
  /** What the shutdown notice tells clients to wait before reconnecting. */
  retryAfterMs?: number;
  /** How long the events of one `events:batch` are gathered for clients that connected with `?batch=1`. */
  batchTickMs?: number;
  /** A batched client with more than this waiting is sent coalesced state once it catches up, instead of every batch. */
  batchBehindBytes?: number;
}

export const ALL_ROOM = 'all';
export const endpointRoom = (endpointId: string) => `endpoint:${endpointId}`;
/** Batched sockets subscribe in rooms of their own, so that the per-event broadcasts never reach them. */
const BATCH_PREFIX = 'batch:';
const BATCH_ENDPOINT_PREFIX = `${BATCH_PREFIX}endpoint:`;
const BATCH_ALL_ROOM = `${BATCH_PREFIX}${ALL_ROOM}`;

type VigilSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
const knownEvents = new Set<string>(CLIENT_EVENT_NAMES);

/**
 * Socket.io on Vigil's own HTTP server. Subscriptions are rooms ("all", "endpoint:<id>"); one
 * broadcast to the union of rooms reaches each socket once. Connection state recovery replays
 * what a client missed during a short drop, rooms included.
 */
export function attachSocketIo(options: SocketIoOptions) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(options.server, {
    path: '/socket.io',
    serveClient: false,
    // Upgrades for /ws belong to the native bridge: engine.io must not destroy them.
    destroyUpgrade: false,
    maxHttpBufferSize: options.maxPayloadBytes ?? 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: options.recoveryWindowMs ?? 120_000, skipMiddlewares: true },
    // Every new engine.io session, polling or WebSocket first, passes here before it exists: a page
    // of another origin or a foreign Host name gets a 403 carrying the reason, and so does an
    // address that holds its share of realtime connections.
    allowRequest: (req, callback) => {
      const allowed = options.policy.checkWrite(originFacts((name) => req.headers[name]));
      if (!allowed.ok) return callback(`forbidden: ${allowed.message}`, false);
      if (!options.connections.allows(options.clientAddress(req))) return callback(`throttled: ${options.connections.message()}`, false);
      callback(null, true);
    },
  });
  io.engine.use(refuseOtherPollingMethods);
  io.engine.on('connection', (client: { request: IncomingMessage; close(): void; once(event: 'close', listener: () => void): void }) => {
    const release = options.connections.take(options.clientAddress(client.request));
    if (release) client.once('close', release);
    else client.close();
  });

  const retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  let stopping = false;
  // While Vigil stops, a new session is turned away at the engine.io handshake: the client sees a
  // transport error and retries with its backoff (a refusal by io.use() would not be retried).
  io.engine.use((req: IncomingMessage, res: ServerResponse | unknown, next: (error?: Error) => void) => {
    if (!stopping || new URL(req.url ?? '/', 'http://vigil.local').searchParams.has('sid')) return next();
    if (res instanceof ServerResponse) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': retryAfterSeconds(retryAfterMs) });
      res.end(JSON.stringify({ code: 503, message: 'restarting: Vigil is stopping; try again shortly' }));
    } else {
      refuseWhileStopping(req.socket, retryAfterMs);
    }
  });

  io.use(async (socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : bearerToken(socket.handshake.headers.authorization);
    const verdict = await options.authorize({
      token,
      address: options.clientAddress(socket.request),
      sessionToken: cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE),
      local: isLocalRequest(socket.request.socket?.remoteAddress, socket.request.headers),
    });
    if (verdict.ok) {
      if (verdict.sessionToken) socket.data.sessionToken = verdict.sessionToken;
      return next();
    }
    // The message says which (clients show it); `data` carries it for code.
    const refused = new Error(
      verdict.status === 429
        ? `throttled: ${verdict.message}`
        : verdict.status === 503
          ? `unavailable: ${verdict.message}`
          : `unauthorized: ${verdict.message} Sign in, or pass auth: { token: "<API key>" }.`,
    );
    Object.assign(refused, { data: { status: verdict.status, retryAfterSeconds: verdict.retryAfterSeconds } });
    next(refused);
  });

  // Recovery keeps every broadcast for the whole window, even with nobody connected: skip
  // broadcasting while no socket is connected and no dropped session could still be recovered.
  // Nor while no per-event socket is in the event's rooms (batched sockets have rooms of their own).
  let recoverableUntil = 0;
  const rooms = io.of('/').adapter.rooms;
  const unsubscribeBus = options.feed.onAny((event, data) => {
    const endpointId = endpointOf(event, data);
    if (Date.now() > recoverableUntil && !rooms.has(ALL_ROOM) && !(endpointId && rooms.has(endpointRoom(endpointId)))) return;
    const to = endpointId ? [ALL_ROOM, endpointRoom(endpointId)] : [ALL_ROOM];
    (io.to(to).emit as (e: string, d: unknown) => boolean)(event, data);
  });

  const batchedSockets = new Set<VigilSocket>();
  const behindBytes = options.batchBehindBytes ?? DEFAULT_BATCH_BEHIND_BYTES;
  const batcher = new EventBatcher<VigilSocket>(
    options.feed,
    {
      members: () => batchedSockets,
      subscriptionOf: batchSubscriptionOf,
      isBehind: (socket) => bufferedBytes(socket.conn as unknown as EngineClient, behindBytes) > behindBytes,
      sendShared: (sockets, frame) => {
        // The adapter encodes a broadcast once for all its sockets; a whole room is named as the room.
        const wholeRoom = sockets.length === rooms.get(BATCH_ALL_ROOM)?.size && sockets[0]!.rooms.has(BATCH_ALL_ROOM);
        io.to(wholeRoom ? BATCH_ALL_ROOM : sockets.map((s) => s.id)).emit('events:batch', frame);
      },
    },
    options.batchTickMs ?? DEFAULT_BATCH_TICK_MS,
  );

  // A broadcast well inside the recovery window keeps every client's offset recoverable, even on
  // an endpoint page that has been quiet for longer than the window.
  const recoveryWindowMs = options.recoveryWindowMs ?? 120_000;
  const slowConsumers = dropSlowConsumers(io.engine, options.maxBufferedBytes ?? 8 * 1024 * 1024);
  const heartbeat =
    recoveryWindowMs > 0
      ? setInterval(() => io.emit('realtime:heartbeat', { at: new Date().toISOString() }), Math.max(1000, Math.floor(recoveryWindowMs / 3)))
      : undefined;
  heartbeat?.unref();

  io.on('connection', (socket: VigilSocket) => {
    const limiter = new CommandRateLimiter();
    const batched = batchRequested(socket.handshake.query.batch);
    const prefix = batched ? BATCH_PREFIX : '';
    const all = `${prefix}${ALL_ROOM}`;
    const target: SubscriptionTarget = {
      subscribeAll: () => void socket.join(all),
      unsubscribeAll: () => void socket.leave(all),
      subscribe: (id) => void socket.join(`${prefix}${endpointRoom(id)}`),
      unsubscribe: (id) => void socket.leave(`${prefix}${endpointRoom(id)}`),
      endpointCount: () => socket.rooms.size - 1 - (socket.rooms.has(all) ? 1 : 0),
    };
    if (batched) {
      batchedSockets.add(socket);
      // What was sent while it was away went to the sockets connected then: it resyncs instead.
      if (socket.recovered) socket.emit('events:batch', { events: [], coalesced: true });
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (a: SubscriptionAck) => void) : undefined;
      const verdict = limiter.take();
      if (verdict === 'disconnect') return void socket.disconnect(true);
      if (verdict === 'refuse') return ack?.(RATE_LIMITED);
      if (!knownEvents.has(event)) {
        ack?.({
          ok: false,
          error: { code: 'BAD_REQUEST', message: `unknown event "${event.slice(0, 60)}"; expected one of ${CLIENT_EVENT_NAMES.join(', ')}` },
        });
        return;
      }
      ack?.(runCommand(event as ClientEventName, args[0], target, options.endpointExists));
    });
    // Recovery needs the client to hold the offset of a broadcast it received: give it one at
    // once, so that a client dropped before any event arrived is still recovered.
    if (!socket.recovered) io.to(socket.id).emit('realtime:ready', { recovered: false });
    const forget = socket.data.sessionToken ? options.sessions?.add(socket.data.sessionToken, () => socket.disconnect(true)) : undefined;
    socket.on('disconnect', () => {
      forget?.();
      if (!batched) recoverableUntil = Math.max(recoverableUntil, Date.now() + recoveryWindowMs);
      batchedSockets.delete(socket);
      batcher.remove(socket);
    });
  });

  return {
    io,
    clientCount: () => io.engine.clientsCount,
    /** Batched clients now behind, whose events are coalesced. */
    behindCount: () => batcher.behindCount(),
    /** From now on new sessions are answered 503 (come back later); open ones stay until close(). */
    stopAccepting: () => {
      stopping = true;
    },
    /**
     * Sends every client the shutdown notice, then closes the engine.io connections: to a client
     * that is a dropped transport ("transport close"), which it retries with its backoff. (A
     * Socket.io-level disconnect would read "io server disconnect", and clients would stay away.)
     * Detaches from the HTTP server without closing it.
     */
    close: async () => {
      stopping = true;
      clearInterval(heartbeat);
      clearInterval(slowConsumers);
      unsubscribeBus();
      batcher.close();
      io.emit('server:shutdown', shutdownNotice(retryAfterMs));
      await closeEngineConnections(io.engine, 1000);
      // Not io.close(): it would also close the HTTP server, which Vigil closes itself, once.
      await io.of('/').adapter.close();
    },
  };
}

/** The subscriptions of a batched socket, read from its rooms. */
function batchSubscriptionOf(socket: VigilSocket): Subscription {
  if (socket.rooms.has(BATCH_ALL_ROOM)) return 'all';
  let endpoints: Set<string> | null = null;
  for (const room of socket.rooms) if (room.startsWith(BATCH_ENDPOINT_PREFIX)) (endpoints ??= new Set()).add(room.slice(BATCH_ENDPOINT_PREFIX.length));
  return endpoints;
}

type Engine = Server['engine'];

interface EngineClient {
  /** Packets waiting for the transport (a stalled client's pile up here). */
  writeBuffer: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/** Bytes waiting to be sent to one engine.io client, counted up to `limit`. */
function bufferedBytes(client: EngineClient, limit: number): number {
  let bytes = client.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of client.writeBuffer) {
    if (bytes > limit) break;
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 64;
  }
  return bytes;
}

/** Every second, closes the engine.io clients that have more than `limit` bytes waiting (a slow or stalled reader). */
function dropSlowConsumers(engine: Engine, limit: number): NodeJS.Timeout {
  const clients = (engine as unknown as { clients: Record<string, EngineClient> }).clients;
  const timer = setInterval(() => {
    for (const client of Object.values(clients)) {
      if (bufferedBytes(client, limit) <= limit) continue;
      const socket = client.transport?.socket;
      client.close(true);
      // A stalled reader would not answer a close frame: its WebSocket (and what it buffers) goes at once.
      socket?.terminate?.();
    }
  }, 1000);
  timer.unref();
  return timer;
}

/** Closes each engine.io connection once what was sent to it is flushed; after `graceMs`, the rest at once. */
async function closeEngineConnections(engine: Engine, graceMs: number): Promise<void> {
  const clients = (engine as unknown as { clients: Record<string, { close(discard?: boolean): void }> }).clients;
  for (const client of Object.values(clients)) client.close();
  const deadline = Date.now() + graceMs;
  while (engine.clientsCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  engine.close();
}

export type SocketIoBridge = ReturnType<typeof attachSocketIo>;
