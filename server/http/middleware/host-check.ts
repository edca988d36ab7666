import type { MiddlewareHandler } from 'hono';
import type { OriginPolicy } from '../../security/origin-policy.ts';
import { problem } from '../problem.ts';

export interface HostCheckOptions {
  policy: OriginPolicy;
  /**
   * Paths served whatever the Host (GET and HEAD only). By default the probes: container health
   * checks and Prometheus reach Vigil by a service name (`http://vigil:3000/metrics`) or an address
   * no setting lists, and what a DNS-rebinding page could read there is counts and "ok".
   */
  exempt?: RegExp;
  /**
   * The custom domains of status pages: a Host naming one reaches those paths alone (its page,
   * feeds, badges), never the API or the dashboard.
   */
  pageHost?: { isPageHost: (host: string | undefined) => boolean; paths: RegExp };
}

const PROBES = /^\/(?:healthz|readyz|metrics)$/;

/**
 * Answers 421 to a request addressed to a host name that is not Vigil's: a page that rebinds its
 * own name to Vigil's address sends that name, and must neither read nor write anything.
 * @example app.use(hostCheck({ policy }))
 */
export function hostCheck(options: HostCheckOptions): MiddlewareHandler {
  const exempt = options.exempt ?? PROBES;
  return async function hostCheckMiddleware(c, next) {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && exempt.test(c.req.path)) return next();
    const host = c.req.header('host');
    const verdict = options.policy.checkHost(host);
    if (verdict.ok) return next();
    if (
      options.pageHost?.isPageHost(host) &&
      (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'POST') &&
      options.pageHost.paths.test(c.req.path)
    ) {
      return next();
    }
    return problem(c, verdict.status, verdict.message);
  };
}
