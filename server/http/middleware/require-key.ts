import type { MiddlewareHandler } from 'hono';
import { bearerToken, type Authorize } from '../../auth/api-keys.ts';
import { problem } from '../problem.ts';
import { clientAddressOf } from '../remote-address.ts';

export interface RequireKeyOptions {
  authorize: Authorize;
  /** Methods that need a key. */
  methods?: string[];
}

/** Refuses mutating requests that the guard does not let in (401, or 429 after repeated wrong keys). */
export function requireKey(options: RequireKeyOptions): MiddlewareHandler {
  const methods = new Set(options.methods ?? ['POST', 'PUT', 'PATCH', 'DELETE']);
  return async function requireKeyMiddleware(c, next) {
    if (!methods.has(c.req.method)) return next();
    const verdict = options.authorize({
      token: bearerToken(c.req.header('authorization')),
      address: clientAddressOf(c),
    });
    if (verdict.ok) return next();
    return refusal(c, verdict);
  };
}

/** The problem+json answer for a refused caller. */
export function refusal(c: Parameters<MiddlewareHandler>[0], verdict: Exclude<ReturnType<Authorize>, { ok: true }>): Response {
  if (verdict.status === 429) c.header('Retry-After', String(verdict.retryAfterSeconds ?? 60));
  else c.header('WWW-Authenticate', 'Bearer realm="vigil"');
  return problem(c, verdict.status, verdict.message);
}
