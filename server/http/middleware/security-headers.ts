import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { hostName, isLoopbackHost, type OriginPolicy } from '../../security/origin-policy.ts';

/** A Host header value safe to repeat in a header (name or [IPv6], optional port). */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The realtime transports of the host the page was loaded from, when it is one Vigil serves. CSP
 * Level 3 lets 'self' match ws:/wss: of the same host (Chromium, Firefox), older Safari does not:
 * both are named.
 */
function sameHostSockets(policy: OriginPolicy) {
  return (c: Context): string => {
    const host = c.req.header('host');
    return host && PLAIN_HOST.test(host) && policy.checkHost(host).ok ? `ws://${host} wss://${host}` : '';
  };
}

export interface SecurityHeadersOptions {
  /** The Host names served (a refused one is not repeated in the policy). */
  policy: OriginPolicy;
  /** Whether the answer is a status page, whose logo may be an image of any https: or http: site. */
  isStatusPage?: (c: Context) => boolean;
}

/**
 * The same headers on every answer (web app, docs, API, errors, 404s):
 * - a Content-Security-Policy that runs only scripts and styles served by Vigil (the dashboard and
 *   Swagger UI have no inline script or style), connects only back to Vigil, and cannot be framed;
 * - nosniff, no framing, no opener or embedding across origins;
 * - Referrer-Policy `same-origin`: targets linked from the dashboard do not learn Vigil's address,
 *   yet the dashboard's own writes carry their Origin (`no-referrer` would make them `Origin: null`,
 *   which the origin check refuses);
 * - no Strict-Transport-Security: Vigil is usually served over plain HTTP on a private network;
 *   a TLS proxy in front sets it for its own domain.
 * @example app.use(securityHeaders({ policy }))
 */
export function securityHeaders(options: SecurityHeadersOptions): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', (c: Context) => (options.isStatusPage?.(c) ? 'https: http:' : '')],
      connectSrc: ["'self'", sameHostSockets(options.policy)],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    strictTransportSecurity: false,
  });
  return async function securityHeadersMiddleware(c, next) {
    await headers(c, next);
    // Chromium ignores COOP on a plain-HTTP page that is not localhost (a LAN address, say) and
    // reports that as a console error on every load: send it only where it takes effect.
    if (!isPotentiallyTrustworthy(c)) c.res.headers.delete('Cross-Origin-Opener-Policy');
  };
}

/** Whether the page's origin is one browsers trust with COOP: https (through a proxy), or loopback. */
function isPotentiallyTrustworthy(c: Context): boolean {
  if (/^https\b/i.test(c.req.header('x-forwarded-proto') ?? '')) return true;
  const name = hostName(c.req.header('host') ?? '');
  return name !== undefined && isLoopbackHost(name);
}
