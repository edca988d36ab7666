import type { Context, MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import { normalizeAddress, type ClientAddressOf } from './client-address.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The client's address under TRUST_PROXY, set by `resolveClientAddress`. */
    clientAddress: string;
  }
}

/** The Node request behind a context served by @hono/node-server (undefined under other runtimes). */
export function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/** The TCP peer of a request served by @hono/node-server (undefined under other runtimes). */
export function remoteAddress(c: Context): string | undefined {
  return incomingOf(c)?.socket?.remoteAddress;
}

/** Resolves each request's client address once (server/http/client-address.ts), for every route and middleware. */
export function resolveClientAddress(addressOf: ClientAddressOf): MiddlewareHandler {
  return async function resolveClientAddressMiddleware(c, next) {
    const incoming = incomingOf(c);
    if (incoming) c.set('clientAddress', addressOf(incoming));
    await next();
  };
}

/** The client's address: as resolved under TRUST_PROXY, else the TCP peer (X-Forwarded-For is never trusted by default). */
export function clientAddressOf(c: Context): string {
  const remote = remoteAddress(c);
  return c.get('clientAddress') ?? normalizeAddress(remote) ?? remote ?? 'unknown';
}
