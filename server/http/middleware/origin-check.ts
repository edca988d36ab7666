import type { Context, MiddlewareHandler } from 'hono';
import type { OriginPolicy } from '../../security/origin-policy.ts';
import { problem } from '../problem.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginCheckOptions {
  policy: OriginPolicy;
  /** Reads that hand out secrets, checked like writes (a page of another origin must not even trigger them). */
  sensitiveRead?: (c: Context) => boolean;
}

/** `GET /api/export?secrets=…`: the export with the targets' credentials in it. */
export const exportWithSecrets = (c: Context) => c.req.path === '/api/export' && c.req.query('secrets') !== undefined;

/** The reads that hand out secrets: the export with them, and a push endpoint's ping URL. */
export const sensitiveRead = (c: Context) => exportWithSecrets(c) || /^\/api\/endpoints\/[^/]+\/push-url\/?$/.test(c.req.path);

/**
 * The 403 problem+json for a request sent by a browser page of another origin, or undefined when
 * it may go on. For routes that guard themselves (a read that hands out secrets).
 * @example const refused = crossSiteRefusal(c, policy); if (refused) return refused;
 */
export function crossSiteRefusal(c: Context, policy: OriginPolicy): Response | undefined {
  const verdict = policy.checkOrigin({ origin: c.req.header('origin'), host: c.req.header('host'), fetchSite: c.req.header('sec-fetch-site') });
  return verdict.ok ? undefined : problem(c, verdict.status, verdict.message);
}

/**
 * Refuses writes (and sensitive reads) that a page of another origin makes the browser send: the
 * browser attaches that page's Origin, which must be Vigil's own or one of ALLOWED_ORIGINS. Calls
 * without Origin (curl, scripts) go on.
 * @example app.use('/api/*', originCheck({ policy, sensitiveRead: exportWithSecrets }))
 */
export function originCheck(options: OriginCheckOptions): MiddlewareHandler {
  return async function originCheckMiddleware(c, next) {
    if (!WRITES.has(c.req.method) && !options.sensitiveRead?.(c)) return next();
    return crossSiteRefusal(c, options.policy) ?? next();
  };
}
