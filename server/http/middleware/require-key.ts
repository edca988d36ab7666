import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problem } from '../problem.ts';

export interface RequireKeyOptions {
  /** Accepted keys; empty means open. */
  keys?: string[];
  /** Methods that need a key. */
  methods?: string[];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header (the scheme in any letter case). */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = /^bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

/** Whether `presented` equals one of `keys`, compared in constant time. */
export function keyMatches(presented: string | undefined, keys: readonly string[]): boolean {
  if (!presented) return false;
  const given = digest(presented);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, digest(key)) || ok;
  return ok;
}

/** Refuses mutating requests that do not present `Authorization: Bearer <key>`. */
export function requireKey(options: RequireKeyOptions = {}): MiddlewareHandler {
  const keys = options.keys ?? [];
  const methods = new Set(options.methods ?? ['POST', 'PUT', 'PATCH', 'DELETE']);
  return async function requireKeyMiddleware(c, next) {
    if (keys.length === 0 || !methods.has(c.req.method)) return next();
    const presented = bearerToken(c.req.header('authorization'));
    if (!keyMatches(presented, keys)) {
      c.header('WWW-Authenticate', 'Bearer realm="vigil"');
      return problem(c, 401, presented ? 'The API key is not valid.' : 'This call needs an API key: Authorization: Bearer <key>.');
    }
    return next();
  };
}
