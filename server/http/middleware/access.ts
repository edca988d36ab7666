import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { bearerToken } from '../../auth/api-keys.ts';
import { isLocalRequest, type Authenticator } from '../../auth/authenticator.ts';
import { type RouteMatch, routeOf } from '../../auth/route-permissions.ts';
import { isWrite, refusalOf, type Permission, type Principal } from '../../auth/roles.ts';
import { sameSecret } from '../../auth/passwords.ts';
import { SESSION_COOKIE, type SessionView } from '../../auth/sessions.ts';
import { problem } from '../problem.ts';
import { clientAddressOf, incomingOf } from '../remote-address.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is calling (set by `access`); null: nobody authenticated. */
    principal: Principal | null;
    /** The caller's session, when a cookie authenticated them. */
    session: SessionView | undefined;
    /** The request comes from this machine itself (set by `access`). */
    local: boolean;
    /** The permission table's route of this request, once `access` looked it up (the audit log reads it too). */
    route: RouteMatch | undefined;
  }
}

/** The header a cookie-authenticated write must carry, holding the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

export interface AccessOptions {
  authenticator: Authenticator;
  /** Whether an owner account exists yet (the 401's wording). */
  setupRequired: () => Promise<boolean>;
  /**
   * Whether any request may count as this machine's (false under TRUST_PROXY: a proxy on the same
   * machine connects from loopback, and may not say so).
   */
  localRequests: boolean;
}

/** Whether the request comes from this machine itself (see isLocalRequest), as `access` found. */
export const isLocal = (c: Context) => c.get('local') === true;

/**
 * Authenticates every /api request (a key, the session cookie, or this machine before set-up) and
 * checks what its route asks (server/auth/route-permissions.ts): 401 for nobody, 403 for a role or
 * key scope that may not, 403 `csrf_token` for a cookie-authenticated write without the session's
 * X-CSRF-Token. A route no table entry names is an owner's only.
 */
export function access(options: AccessOptions): MiddlewareHandler {
  return async function accessMiddleware(c, next) {
    const incoming = incomingOf(c);
    const local = options.localRequests && incoming !== undefined && isLocalRequest(incoming.socket?.remoteAddress, incoming.headers);
    c.set('local', local);
    const verdict = await options.authenticator.authenticate({
      token: bearerToken(c.req.header('authorization')),
      sessionToken: getCookie(c, SESSION_COOKIE),
      address: clientAddressOf(c),
      local,
    });
    const route = routeOf(c.req.method, c.req.path);
    c.set('route', route);
    const permission = route?.permission ?? 'manage';
    if (!verdict.ok) {
      // A public route answers whoever calls (sign-in with a stale key in the header, set-up while
      // the database is away): the credentials it could not accept are not its business.
      if (permission === 'public') {
        c.set('principal', null);
        return next();
      }
      if (verdict.retryAfterSeconds !== undefined) c.header('Retry-After', String(verdict.retryAfterSeconds));
      if (verdict.status === 401) c.header('WWW-Authenticate', 'Bearer realm="vigil"');
      return problem(c, verdict.status, verdict.message);
    }
    c.set('principal', verdict.principal);
    c.set('session', verdict.session);
    const refused = await refusal(c, permission, options);
    return refused ?? next();
  };
}

/**
 * The answer refusing this request what `permission` asks, or undefined when it may go on. For
 * routes asking more than their table entry in some cases (an export with secrets).
 * @example const refused = await refusal(c, 'manage'); if (refused) return refused;
 */
export async function refusal(c: Context, permission: Permission, options?: Pick<AccessOptions, 'setupRequired'>): Promise<Response | undefined> {
  if (permission === 'public') return undefined;
  const principal = c.get('principal');
  if (!principal) return unauthenticated(c, options ? await options.setupRequired() : false);
  const reason = refusalOf(principal, permission, c.req.method);
  if (reason !== null) {
    // This machine's keyless calls with API_KEY set are refused as they were before accounts: 401.
    if (principal.kind === 'local') return unauthenticated(c, false, 'This needs an API key: Authorization: Bearer <key>.');
    if (principal.kind === 'key' && !principal.canWrite && isWrite(c.req.method)) return problem(c, 403, reason, { code: 'key_read_only' });
    if (permission === 'account') return problem(c, 403, reason, { code: 'session_required' });
    return problem(c, 403, reason, { code: 'forbidden_role', params: { role: principal.role, needs: permission } });
  }
  if (principal.session && isWrite(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER), principal.session.csrfToken)) {
    return problem(c, 403, 'A write signed in by cookie must carry the X-CSRF-Token header that GET /api/session answers.', { code: 'csrf_token' });
  }
  return undefined;
}

function unauthenticated(c: Context, setupRequired: boolean, message?: string): Response {
  c.header('WWW-Authenticate', 'Bearer realm="vigil"');
  if (setupRequired) {
    return problem(
      c,
      401,
      "Vigil has no owner account yet: create it at /setup from the machine Vigil runs on (or with the set-up link in Vigil's log), or send Authorization: Bearer <API_KEY>.",
      { code: 'setup_required' },
    );
  }
  return problem(c, 401, message ?? 'Sign in, or send Authorization: Bearer <key>.');
}
