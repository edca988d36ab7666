import { createStore } from 'solid-js/store';

export type ConnectionState = 'connected' | 'connecting' | 'disconnected';
/** How the page learns about changes: pushed over WebSocket, or refreshed from REST when that failed. */
export type ConnectionMode = 'websocket' | 'rest-refresh';

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
}

const [connection, setConnection] = createStore<Connection>({
  state: 'connecting',
  mode: 'websocket',
  attempt: 0,
  maxAttempts: 5,
  nextRetryAt: null,
  offline: !navigator.onLine,
});

export { connection, setConnection };
