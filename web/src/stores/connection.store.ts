import { createStore } from 'solid-js/store';

export type ConnectionState = 'connected' | 'connecting' | 'disconnected';
/** How the page learns about changes: pushed over WebSocket, or refreshed from REST when that failed. */
export type ConnectionMode = 'websocket' | 'rest-refresh';

/** The server refused the realtime connection for its API key: none sent, a wrong one, or too many wrong ones. */
export interface KeyRefusal {
  reason: 'missing' | 'invalid' | 'throttled';
  /** When the server lets this address try again (throttled only, epoch ms). */
  retryAt: number | null;
}

export interface Connection {
  state: ConnectionState;
  mode: ConnectionMode;
  /** The reconnect attempt in progress or next (1-based), 0 while connected. */
  attempt: number;
  maxAttempts: number;
  /** When the next reconnect attempt starts (epoch ms), if one is scheduled. */
  nextRetryAt: number | null;
  /** The browser says there is no network. */
  offline: boolean;
  /** Set while the server refuses the connection for its key; cleared on connect. */
  refusal: KeyRefusal | null;
  /** The server said it is restarting (its shutdown notice, or an older server's disconnect); cleared on connect. */
  restarting: boolean;
}

const [connection, setConnection] = createStore<Connection>({
  state: 'connecting',
  mode: 'websocket',
  attempt: 0,
  maxAttempts: 5,
  nextRetryAt: null,
  offline: !navigator.onLine,
  refusal: null,
  restarting: false,
});

export { connection, setConnection };
