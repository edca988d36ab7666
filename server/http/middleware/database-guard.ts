import type { MiddlewareHandler } from 'hono';
import type { DatabaseFault } from '../../../db/unavailable.ts';
import { databaseUnavailable } from '../problem.ts';

export interface DatabaseGuardOptions {
  /** The fault that makes the database unreachable now, or null. */
  unreachable: () => DatabaseFault | null;
}

/** Routes that need no database: the key, this API's document, the live streams, a check now. */
const NEEDS_NO_DATABASE = [/^\/api\/openapi\.json$/, /^\/api\/auth(\/verify)?$/, /^\/api\/events$/, /^\/api\/endpoints\/[^/]+\/check$/];

/**
 * While the database cannot be reached, answers 503 at once instead of letting requests queue on
 * the connection pool for as long as the outage lasts.
 */
export function databaseGuard(options: DatabaseGuardOptions): MiddlewareHandler {
  return async function databaseGuardMiddleware(c, next) {
    const fault = options.unreachable();
    if (!fault || NEEDS_NO_DATABASE.some((pattern) => pattern.test(c.req.path))) return next();
    return databaseUnavailable(c, fault);
  };
}
