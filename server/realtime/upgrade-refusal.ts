import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers a WebSocket upgrade request with a problem+json refusal that says what to do, and closes the connection. */
export function refuseUpgradeWithProblem(socket: Duplex, status: number, detail: string, headers: Record<string, string> = {}): void {
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\n${extra}Content-Type: application/problem+json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
