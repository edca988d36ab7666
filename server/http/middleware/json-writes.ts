import type { MiddlewareHandler } from 'hono';
import { problem } from '../problem.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The writes that read a JSON body (server/http/routes/); every other write reads none. */
export const JSON_BODY_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/endpoints\/?$/ },
  { method: 'PATCH', path: /^\/api\/endpoints\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/import\/?$/ },
  { method: 'POST', path: /^\/api\/maintenance-windows\/?$/ },
  { method: 'PATCH', path: /^\/api\/maintenance-windows\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/notification-channels\/?$/ },
  { method: 'PATCH', path: /^\/api\/notification-channels\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/status-pages\/?$/ },
  { method: 'PATCH', path: /^\/api\/status-pages\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/incidents\/[^/]+\/updates\/?$/ },
  { method: 'PATCH', path: /^\/api\/incidents\/[^/]+\/updates\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/setup\/?$/ },
  { method: 'POST', path: /^\/api\/session\/?$/ },
  { method: 'PATCH', path: /^\/api\/users\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/invites\/?$/ },
  { method: 'POST', path: /^\/api\/keys\/?$/ },
  { method: 'PATCH', path: /^\/api\/account\/?$/ },
  { method: 'POST', path: /^\/api\/account\/two-factor\/confirm\/?$/ },
  { method: 'POST', path: /^\/api\/account\/two-factor\/disable\/?$/ },
  { method: 'POST', path: /^\/api\/account\/recovery-codes\/?$/ },
  { method: 'POST', path: /^\/api\/invitations\/[^/]+\/?$/ },
  { method: 'POST', path: /^\/api\/password-resets\/[^/]+\/?$/ },
];

/** `application/json` or a structured `application/…+json` type, whatever its parameters (charset…). */
export function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(type);
}

export interface JsonWritesOptions {
  bodyRoutes?: readonly { method: string; path: RegExp }[];
}

/**
 * 415 for a write whose Content-Type is not JSON, and for a write to a route that reads a JSON
 * body without any Content-Type. The content types a page of another origin can send without a
 * CORS preflight (text/plain, forms, multipart; a Blob without type sends none) never reach a
 * route. Writes that read no body (DELETE, …/pause, …/check) need no Content-Type.
 * @example app.use('/api/*', jsonWrites())
 */
export function jsonWrites(options: JsonWritesOptions = {}): MiddlewareHandler {
  const bodyRoutes = options.bodyRoutes ?? JSON_BODY_ROUTES;
  return async function jsonWritesMiddleware(c, next) {
    const method = c.req.method;
    if (!WRITES.has(method)) return next();
    const sent = c.req.header('content-type')?.trim() || undefined;
    if (sent !== undefined && isJsonMediaType(sent)) return next();
    const readsBody = bodyRoutes.some((route) => route.method === method && route.path.test(c.req.path));
    if (sent === undefined && !readsBody) return next();

    if (method === 'POST' || method === 'PATCH') c.header(method === 'POST' ? 'Accept-Post' : 'Accept-Patch', 'application/json');
    const shown = sent === undefined ? 'no Content-Type' : `Content-Type "${sent.length > 100 ? `${sent.slice(0, 100)}…` : sent}"`;
    const expected = readsBody ? 'it takes a JSON body with Content-Type: application/json' : 'it takes no body: send no Content-Type, or application/json';
    return problem(c, 415, `${method} ${c.req.path} was sent with ${shown}; ${expected}.`);
  };
}
