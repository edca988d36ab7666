import { io, type Socket } from 'socket.io-client';
import {
  SERVER_EVENT_NAMES,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerEvents,
  type ServerToClientEvents,
  type SubscriptionAck,
} from '../../../server/contract/events.ts';
import { connection, setConnection, type KeyRefusal } from '../stores/connection.store.ts';

/**
 * The seed's options: WebSocket only, reconnect with exponential backoff 1 s → 5 s, 5 attempts.
 * Plus a 5 s connect timeout (Socket.io's default is 20 s): a proxy that accepts the WebSocket and
 * then closes it cleanly raises no error, and each attempt would otherwise hang for 20 s.
 */
export const SOCKET_OPTIONS = {
  transports: ['websocket'],
  reconnection: true,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
  reconnectionAttempts: 5,
  timeout: 5000,
} as const;

/** While WebSocket is unavailable, data is refreshed from REST this often… */
export const REST_REFRESH_MS = 10_000;
/** …and a new round of WebSocket attempts starts this often. */
export const WEBSOCKET_RETRY_MS = 30_000;
/**
 * Meanwhile /healthz is asked whether Vigil is back: this often after it said it is restarting
 * (every REST_REFRESH_MS otherwise), and a new round of attempts starts as soon as it answers.
 */
export const RESTART_PROBE_MS = 2000;
/** An older Vigil's restart disconnects Socket.io for good; the page tries again after this, plus up to as much again. */
export const SERVER_DISCONNECT_RETRY_MS = 1000;

type VigilSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventSink = <K extends ServerEventName>(name: K, data: ServerEvents[K]) => void;

/** A handshake the server refused for its API key says so in the message (server/realtime/socket-io.ts). */
function keyRefusal(error: Error & { data?: { retryAfterSeconds?: number } }, sentKey: boolean): KeyRefusal | null {
  if (error.message.startsWith('throttled:')) return { reason: 'throttled', retryAt: Date.now() + (error.data?.retryAfterSeconds ?? 60) * 1000 };
  if (error.message.startsWith('unauthorized:')) return { reason: sentKey ? 'invalid' : 'missing', retryAt: null };
  return null;
}

/**
 * The one Socket.io connection of the page. It reports its state to the connection store,
 * hands every server event to one sink, and tells listeners when a new (not recovered) session
 * starts so that they resubscribe and resync from REST.
 */
class SocketService {
  private socket: VigilSocket | null = null;
  private sink: EventSink = () => {};
  private readonly sessionListeners = new Set<(reconnect: boolean) => void>();
  private readonly refreshListeners = new Set<() => void>();
  private connectedBefore = false;
  private fallbackTimers: ReturnType<typeof setInterval>[] = [];
  private readonly refusalListeners = new Set<(refusal: KeyRefusal) => void>();
  private token: () => string | null = () => null;
  private sentKey = false;
  private throttleTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** A round of attempts started by the page (retryNow) is under way. */
  private retrying = false;
  private probing = false;
  private lastProbeFailed = false;
  private nextProbeAt = 0;

  /** Where the API key comes from; read at every handshake, so a new key counts from the next connect. */
  useToken(source: () => string | null) {
    this.token = source;
  }

  /** Called when the server refuses the connection for its key. Returns the unsubscribe function. */
  onRefused(listener: (refusal: KeyRefusal) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /** Opens the connection (once). */
  start(sink: EventSink) {
    if (this.socket) return;
    this.sink = sink;
    const auth = (send: (data: { token?: string }) => void) => {
      const token = this.token();
      this.sentKey = Boolean(token);
      send(token ? { token } : {});
    };
    // `batch=1`: the events of one short tick arrive in one `events:batch` frame (docs/realtime.md).
    const socket: VigilSocket = io({ ...SOCKET_OPTIONS, transports: [...SOCKET_OPTIONS.transports], auth, query: { batch: '1' } });
    this.socket = socket;
    this.watchBackoff(socket);

    socket.on('connect', () => {
      // Events were missed while refreshing from REST too, even before the first session.
      const reconnect = this.connectedBefore || this.fallbackTimers.length > 0;
      this.connectedBefore = true;
      this.retrying = false;
      this.stopFallback();
      setConnection({ state: 'connected', mode: 'websocket', attempt: 0, nextRetryAt: null, refusal: null, restarting: false });
      // A recovered session kept its rooms and got the missed events replayed: nothing to redo.
      if (!socket.recovered) for (const listener of this.sessionListeners) listener(reconnect);
    });
    // Sent before a graceful stop closes the connection: the close that follows is a restart.
    socket.on('server:shutdown', () => setConnection({ restarting: true }));
    socket.on('disconnect', (reason) => this.disconnected(reason));
    socket.on('connect_error', (error) => {
      console.warn('Vigil realtime connection error:', error.message);
      const refusal = keyRefusal(error, this.sentKey);
      if (refusal) this.refused(refusal);
      // Not refused: the backoff tries again (after the last attempt, reconnect_failed follows at once).
      else setConnection({ state: 'connecting' });
    });
    socket.io.on('reconnect_attempt', (attempt) => setConnection({ state: 'connecting', attempt, nextRetryAt: null }));
    socket.io.on('reconnect_failed', () => {
      this.retrying = false;
      this.startFallback();
    });

    for (const name of SERVER_EVENT_NAMES) {
      socket.on(name, ((data: ServerEvents[typeof name]) => this.sink(name, data)) as never);
    }
    socket.on('events:batch', (batch) => {
      for (const { event, data } of batch.events) this.sink(event, data as never);
      // The page fell behind and some events were left out: what it shows is reloaded from REST.
      if (batch.coalesced) this.refreshFromRest();
    });

    window.addEventListener('offline', () => {
      setConnection({ offline: true, state: 'disconnected', nextRetryAt: null, attempt: 0 });
      socket.disconnect();
    });
    window.addEventListener('online', () => {
      setConnection({ offline: false });
      this.retryNow();
    });
  }

  /** Ends the fallback and starts a fresh round of WebSocket attempts at once. */
  retryNow() {
    const socket = this.socket;
    if (!socket || socket.connected) return;
    clearTimeout(this.restartTimer);
    this.retrying = true;
    setConnection({ state: 'connecting', attempt: 1, nextRetryAt: null });
    socket.disconnect();
    socket.connect();
  }

  /** Closes the connection, even a working one, and opens a new one: the server checks the current key. */
  reconnect() {
    const socket = this.socket;
    if (!socket) return;
    clearTimeout(this.throttleTimer);
    socket.disconnect();
    setConnection({ state: 'connecting', attempt: 1, nextRetryAt: null });
    socket.connect();
  }

  get connected() {
    return this.socket?.connected ?? false;
  }

  /** `reconnect` is false for the first session of the page. Returns the unsubscribe function. */
  onSession(listener: (reconnect: boolean) => void): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /** Called every REST_REFRESH_MS while the page cannot receive events. */
  onRefresh(listener: () => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }

  /** Emits a subscription command and waits for its acknowledgement (rejects on timeout). */
  async command(
    event: 'subscribe:all' | 'unsubscribe:all' | 'subscribe:endpoint' | 'unsubscribe:endpoint',
    data: { endpointId: string } | undefined,
    timeoutMs: number,
  ): Promise<SubscriptionAck> {
    const socket = this.socket;
    if (!socket?.connected) throw new Error('not connected');
    const timed = socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, ...args: unknown[]): Promise<SubscriptionAck>;
    };
    return data === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, data);
  }

  /**
   * A transport that dropped is retried by Socket.io's backoff; a disconnect we asked for is not.
   * An older Vigil said goodbye with a Socket.io disconnect when it restarted, which Socket.io
   * takes as final: the page reconnects by itself then, rather than stay red.
   */
  private disconnected(reason: string) {
    if (reason === 'io client disconnect') return void setConnection({ state: 'disconnected' });
    if (reason !== 'io server disconnect') return void setConnection({ state: 'connecting' });
    const delay = SERVER_DISCONNECT_RETRY_MS * (1 + Math.random());
    setConnection({ state: 'connecting', restarting: true, attempt: 1, nextRetryAt: Date.now() + delay });
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (connection.offline || !this.socket || this.socket.connected) return;
      setConnection({ nextRetryAt: null });
      this.socket.connect();
    }, delay);
  }

  /**
   * In the fallback: whether Vigil answers again. When it does after a restart notice or after
   * not answering, a round of attempts starts at once instead of at the next WEBSOCKET_RETRY_MS;
   * an answer alone (say, a proxy that refuses WebSockets) starts none.
   */
  private async probeServer() {
    if (connection.offline || this.retrying || this.probing) return;
    const now = Date.now();
    if (!connection.restarting && now < this.nextProbeAt) return;
    this.nextProbeAt = now + REST_REFRESH_MS;
    this.probing = true;
    const answers = await fetch('/healthz', { cache: 'no-store' }).then(
      (response) => response.ok,
      () => false,
    );
    this.probing = false;
    const cameBack = answers && (connection.restarting || this.lastProbeFailed);
    this.lastProbeFailed = !answers;
    if (cameBack && this.fallbackTimers.length && !this.retrying) this.retryNow();
  }

  /**
   * Socket.io does not tell when its next attempt starts; the delay is drawn by its backoff right
   * before the timer is set, so reading it there gives the header an exact countdown.
   */
  private watchBackoff(socket: VigilSocket) {
    const backoff = (socket.io as unknown as { backoff?: { duration(): number; attempts: number } }).backoff;
    if (!backoff) return;
    const duration = backoff.duration.bind(backoff);
    backoff.duration = () => {
      const delay = duration();
      if (!connection.offline) setConnection({ nextRetryAt: Date.now() + delay, attempt: backoff.attempts });
      return delay;
    };
  }

  /** Tells every page to reload what it shows from REST. */
  private refreshFromRest() {
    for (const listener of this.refreshListeners) listener();
  }

  /** `retrySocket: false` when retrying cannot help (a refused key); `refreshNow: false` when the page has just loaded. */
  private startFallback(options: { retrySocket?: boolean; refreshNow?: boolean } = {}) {
    setConnection({ state: 'disconnected', mode: 'rest-refresh', nextRetryAt: null });
    if (this.fallbackTimers.length) return;
    const refresh = () => this.refreshFromRest();
    if (options.refreshNow !== false) refresh();
    this.fallbackTimers.push(setInterval(refresh, REST_REFRESH_MS));
    if (options.retrySocket !== false) {
      this.fallbackTimers.push(
        setInterval(() => {
          if (!connection.offline && !this.retrying) this.retryNow();
        }, WEBSOCKET_RETRY_MS),
        setInterval(() => void this.probeServer(), RESTART_PROBE_MS),
      );
    }
  }

  /**
   * Socket.io does not retry a refusal by its server's middleware, and we do not either until
   * something changes: a new key, the network coming back, or (throttled) the wait being over.
   * Meanwhile the page is refreshed from REST.
   */
  private refused(refusal: KeyRefusal) {
    this.retrying = false;
    this.stopFallback();
    setConnection({ attempt: 0, refusal });
    this.startFallback({ retrySocket: false, refreshNow: this.connectedBefore });
    if (refusal.retryAt) this.throttleTimer = setTimeout(() => this.retryNow(), Math.max(0, refusal.retryAt - Date.now()));
    for (const listener of this.refusalListeners) listener(refusal);
  }

  private stopFallback() {
    for (const timer of this.fallbackTimers) clearInterval(timer);
    this.fallbackTimers = [];
    this.lastProbeFailed = false;
    this.nextProbeAt = 0;
    clearTimeout(this.throttleTimer);
    clearTimeout(this.restartTimer);
  }
}

export const socketService = new SocketService();
