import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/** The TCP peer of a request served by @hono/node-server (undefined under other runtimes). */
export function remoteAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
