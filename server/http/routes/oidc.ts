import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type OidcAttempt, type OidcClient, safeNext } from '../../auth/oidc.ts';
import { AccessError } from '../../domain/errors.ts';
import type { Accounts, SignedIn } from '../../services/accounts/accounts.ts';
import { isLocal } from '../middleware/access.ts';
import { clientAddressOf } from '../remote-address.ts';

/** The cookie that carries a sign-in attempt from the start to the callback. */
export const OIDC_COOKIE = 'vigil_oidc';
const ATTEMPT_SECONDS = 600;

export interface OidcRouteOptions {
  oidc: OidcClient;
  accounts: Accounts;
  publicUrl: URL | undefined;
  /** Sets the session cookie of a sign-in (the same as a password sign-in). */
  startSession: (c: Context, result: SignedIn) => void;
  /** Told why the provider could not be used (unreachable, a wrong secret, a refused token): the operator's log. */
  onTrouble: (what: string, error: unknown) => void;
}

/**
 * GET /api/auth/oidc/start → the provider; GET /api/auth/oidc/callback → back with a session,
 * or to `/?signin-error=<code>` (oidc_state, oidc_failed, oidc_email_unverified, oidc_no_account).
 */
export function oidcRoutes(options: OidcRouteOptions) {
  const origin = (c: Context) => options.publicUrl?.href.replace(/\/$/, '') ?? new URL(c.req.url).origin;
  const secure = (c: Context) => origin(c).startsWith('https:');
  const redirectUri = (c: Context) => `${origin(c)}/api/auth/oidc/callback`;
  const failed = (c: Context, code: string, email?: string | null) => {
    c.set('audit', { action: 'session.sign-in-failed', targetName: email ?? null, details: { method: 'oidc', reason: code } });
    deleteCookie(c, OIDC_COOKIE, { path: '/api/auth/oidc', secure: secure(c) });
    return c.redirect(`/?signin-error=${code}`, 302);
  };

  return new Hono()
    .get('/auth/oidc/start', async (c) => {
      let started: Awaited<ReturnType<OidcClient['start']>>;
      try {
        started = await options.oidc.start(redirectUri(c), safeNext(c.req.query('next')));
      } catch (error) {
        options.onTrouble('cannot start a sign-in through the OpenID Connect provider', error);
        return failed(c, 'oidc_failed');
      }
      setCookie(c, OIDC_COOKIE, Buffer.from(JSON.stringify(started.attempt)).toString('base64url'), {
        path: '/api/auth/oidc',
        httpOnly: true,
        sameSite: 'Lax',
        secure: secure(c),
        maxAge: ATTEMPT_SECONDS,
      });
      c.header('Cache-Control', 'no-store');
      return c.redirect(started.url.href, 302);
    })
    .get('/auth/oidc/callback', async (c) => {
      const attempt = attemptOf(getCookie(c, OIDC_COOKIE));
      if (!attempt || c.req.query('state') !== attempt.state) return failed(c, 'oidc_state');
      const callbackUrl = new URL(c.req.url);
      // The provider redirected to the public address: check the code against that one.
      const expected = new URL(redirectUri(c));
      callbackUrl.protocol = expected.protocol;
      callbackUrl.host = expected.host;
      let identity: Awaited<ReturnType<OidcClient['finish']>>;
      try {
        identity = await options.oidc.finish(callbackUrl, attempt);
      } catch (error) {
        options.onTrouble('the OpenID Connect provider did not confirm a sign-in', error);
        return failed(c, 'oidc_failed');
      }
      try {
        const result = await options.accounts.signInWithOidc(
          identity,
          { address: clientAddressOf(c), userAgent: c.req.header('user-agent') ?? '', local: isLocal(c) },
          options.oidc.settings.newUserRole,
        );
        deleteCookie(c, OIDC_COOKIE, { path: '/api/auth/oidc', secure: secure(c) });
        options.startSession(c, result);
        return c.redirect(attempt.next, 302);
      } catch (error) {
        if (error instanceof AccessError) return failed(c, error.code, identity.email);
        throw error;
      }
    });
}

function attemptOf(cookie: string | undefined): OidcAttempt | null {
  if (!cookie) return null;
  try {
    const value = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')) as Partial<OidcAttempt>;
    if (typeof value.state !== 'string' || typeof value.nonce !== 'string' || typeof value.verifier !== 'string') return null;
    return { state: value.state, nonce: value.nonce, verifier: value.verifier, next: safeNext(value.next) };
  } catch {
    return null;
  }
}
