import type { Duplex } from 'node:stream';
import type { ShutdownNotice } from '../contract/events.ts';

/**
 * What the three transports share about a graceful stop: the notice they send, how a /ws close
 * says "restarting", and how a connection that arrives while Vigil stops is turned away so that
 * its client tries again (503 + Retry-After) rather than giving up (401/429 mean "refused").
 */

/** How long a client should wait before reconnecting: about what a restart of Vigil takes. */
export const DEFAULT_RETRY_AFTER_MS = 2000;

/** RFC 6455 "Service Restart": the server is restarting, the client may reconnect. */
export const RESTART_CLOSE_CODE = 1012;
export const RESTART_CLOSE_REASON = 'server restarting';

export function shutdownNotice(retryAfterMs = DEFAULT_RETRY_AFTER_MS): ShutdownNotice {
  return { reconnect: true, retryAfterMs, at: new Date().toISOString() };
}

/** Retry-After is in whole seconds. */
export const retryAfterSeconds = (retryAfterMs: number) => String(Math.max(1, Math.ceil(retryAfterMs / 1000)));

/** Answers an upgrade request with a bare HTTP status and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The answer to an upgrade that arrives while Vigil stops: come back later. */
export function refuseWhileStopping(socket: Duplex, retryAfterMs: number): void {
  refuseUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': retryAfterSeconds(retryAfterMs) });
}
