import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { SessionStore, SessionView } from '../../auth/sessions.ts';
import { SESSION_COOKIE } from '../../auth/sessions.ts';
import type { SessionInfo, SessionSummary } from '../../contract/accounts.ts';
import { bodyObject } from '../../domain/account-input.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Accounts, SignedIn } from '../../services/accounts/accounts.ts';
import type { Invites } from '../../services/accounts/invites.ts';
import type { PasswordResets } from '../../services/accounts/password-resets.ts';
import type { AuditLog } from '../../services/audit/audit-log.ts';
import type { PersonalKeys } from '../../auth/personal-keys.ts';
import { isLocal } from '../middleware/access.ts';
import { readJson } from '../read-json.ts';
import { clientAddressOf } from '../remote-address.ts';

export interface AccountRouteOptions {
  accounts: Accounts;
  invites: Invites;
  passwordResets: PasswordResets;
  sessions: SessionStore;
  personalKeys: PersonalKeys;
  audit: AuditLog;
  /** Whether API_KEY is set. */
  keyRequired: boolean;
  /** A session unused this long ends. */
  idleMs: number;
  /** Where people reach Vigil: an https:// PUBLIC_URL makes the cookie Secure. */
  publicUrl: URL | undefined;
  /** The single sign-on button's label, when OIDC_* are set. */
  oidcName: string | undefined;
}

/**
 * Set-up, sign-in and sign-out, the caller's sessions, and the owner's list of people
 * (docs/accounts.md). What each route asks is in server/auth/route-permissions.ts.
 */
export function accountRoutes(options: AccountRouteOptions) {
  const { accounts, sessions } = options;
  const facts = (c: Context) => ({ address: clientAddressOf(c), userAgent: c.req.header('user-agent') ?? '', local: isLocal(c) });
  const signedIn = (c: Context, result: SignedIn, status: 200 | 201) => {
    startSession(c, result, options.publicUrl);
    return c.json(
      sessionInfo(result.session, {
        setupRequired: false,
        local: isLocal(c),
        keyRequired: options.keyRequired,
        idleMs: options.idleMs,
        oidc: options.oidcName,
      }),
      status,
    );
  };
  /** Where links point: PUBLIC_URL, else the origin the request came to. */
  const baseOf = (c: Context) => options.publicUrl?.href.replace(/\/$/, '') ?? new URL(c.req.url).origin;
  const ownSession = (c: Context) => {
    const principal = c.get('principal')!;
    return { userId: principal.userId!, current: principal.session?.id };
  };

  return new Hono()
    .get('/session', async (c) => {
      c.header('Cache-Control', 'no-store');
      const principal = c.get('principal');
      const session = c.get('session');
      const base = {
        setupRequired: await accounts.setupRequired(),
        local: isLocal(c),
        keyRequired: options.keyRequired,
        idleMs: options.idleMs,
        oidc: options.oidcName,
      };
      if (session) return c.json(sessionInfo(session, base));
      const info: SessionInfo = {
        setupRequired: base.setupRequired,
        local: base.local,
        keyRequired: base.keyRequired,
        via: principal?.kind ?? null,
        user: null,
        role: principal?.role ?? null,
        canWrite: (principal?.canWrite ?? false) && principal?.role !== 'viewer',
        csrfToken: null,
        expiresAt: null,
        idleExpiresAt: null,
        oidc: base.oidc ? { name: base.oidc } : null,
      };
      return c.json(info);
    })
    .post('/setup', async (c) => {
      // API_KEY is the bootstrap key: its holder may make the owner from anywhere, as this machine may.
      const viaKey = c.get('principal')?.kind === 'api-key';
      return signedIn(c, await accounts.setUp(bodyObject(await readJson(c)), { ...facts(c), local: isLocal(c) || viaKey }), 201);
    })
    .post('/session', async (c) => signedIn(c, await accounts.signIn(bodyObject(await readJson(c)), facts(c)), 200))
    .delete('/session', async (c) => {
      const session = c.get('session');
      if (session) await sessions.revoke(session.user.id, session.id);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecure(c, options.publicUrl) });
      return c.body(null, 204);
    })
    .get('/sessions', async (c) => {
      const { userId, current } = ownSession(c);
      c.header('Cache-Control', 'no-store');
      return c.json({ items: (await sessions.listOf(userId)).map((view) => summaryOf(view, current)) });
    })
    .delete('/sessions', async (c) => {
      // Sign out everywhere else: this browser stays signed in (DELETE /api/session signs it out too).
      const { userId, current } = ownSession(c);
      return c.json({ ended: await sessions.revokeAll(userId, current) });
    })
    .delete('/sessions/:id', async (c) => {
      const { userId } = ownSession(c);
      const id = c.req.param('id');
      if (!(await sessions.revoke(userId, id))) throw new NotFoundError('Session', id.slice(0, 100));
      return c.body(null, 204);
    })
    .get('/users', async (c) => c.json({ items: await accounts.list() }))
    .patch('/users/:id', async (c) => c.json(await accounts.changeRole(userId(c), bodyObject(await readJson(c)))))
    .delete('/users/:id', async (c) => {
      await accounts.remove(userId(c));
      return c.body(null, 204);
    })
    .post('/users/:id/password-reset', async (c) => {
      const { email, ...made } = await options.passwordResets.create(c.get('principal')!, userId(c));
      c.set('audit', { targetName: email });
      c.header('Cache-Control', 'no-store');
      return c.json({ ...made, url: `${baseOf(c)}/reset-password#token=${made.token}` }, 201);
    })
    .delete('/users/:id/password-reset', async (c) => {
      await options.passwordResets.withdraw(userId(c));
      return c.body(null, 204);
    })
    .get('/invites', async (c) => c.json({ items: await options.invites.list() }))
    .post('/invites', async (c) => {
      const invite = await options.invites.create(c.get('principal')!, await readJson(c));
      c.header('Cache-Control', 'no-store');
      return c.json({ ...invite, url: `${baseOf(c)}/invite#token=${invite.token}` }, 201);
    })
    .delete('/invites/:id', async (c) => {
      const id = c.req.param('id');
      if (!UUID_PATTERN.test(id)) throw new NotFoundError('Invite', id.slice(0, 100));
      await options.invites.withdraw(id);
      return c.body(null, 204);
    })
    .get('/keys', async (c) => {
      const principal = c.get('principal')!;
      const everyone = c.req.query('all') === 'true' && principal.role === 'owner';
      c.header('Cache-Control', 'no-store');
      return c.json({ items: await options.personalKeys.list(everyone ? null : principal.userId) });
    })
    .post('/keys', async (c) => {
      c.header('Cache-Control', 'no-store');
      const principal = c.get('principal')!;
      return c.json(await options.personalKeys.create({ userId: principal.userId!, role: principal.role }, await readJson(c)), 201);
    })
    .delete('/keys/:id', async (c) => {
      const principal = c.get('principal')!;
      const id = c.req.param('id');
      if (!UUID_PATTERN.test(id)) throw new NotFoundError('Key', id.slice(0, 100));
      await options.personalKeys.revoke(id, principal.userId!, principal.role === 'owner');
      return c.body(null, 204);
    })
    .get('/audit-log', async (c) => c.json(await options.audit.list(c.req.query())))
    .get('/invitations/:token', async (c) => c.json(await options.invites.preview(c.req.param('token'))))
    .post('/invitations/:token', async (c) => signedIn(c, await options.invites.accept(c.req.param('token'), await readJson(c), facts(c)), 201))
    .get('/password-resets/:token', async (c) => c.json(await options.passwordResets.preview(c.req.param('token'))))
    .post('/password-resets/:token', async (c) => {
      const done = await options.passwordResets.use(c.req.param('token'), await readJson(c));
      c.set('audit', { targetId: done.userId, targetName: done.email });
      return c.body(null, 204);
    });
}

/** The :id of a user route, or 404 when it is not a UUID (it names nobody). */
function userId(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!UUID_PATTERN.test(id)) throw new NotFoundError('User', id.slice(0, 100));
  return id;
}

/** Whether cookies get `Secure`: served over https, or reached at an https PUBLIC_URL. */
const isSecure = (c: Context, publicUrl: URL | undefined) => publicUrl?.protocol === 'https:' || new URL(c.req.url).protocol === 'https:';

/** Sets the session cookie of a sign-in, and tells the audit log who signed in and how. */
export function startSession(c: Context, result: SignedIn, publicUrl: URL | undefined): void {
  c.set('audit', {
    actor: { kind: 'session', userId: result.user.id, name: result.user.email },
    targetId: result.user.id,
    targetName: result.user.email,
    details: result.method ? { method: result.method } : {},
  });
  setCookie(c, SESSION_COOKIE, result.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecure(c, publicUrl),
    maxAge: Math.floor((result.session.expiresAt - Date.now()) / 1000),
  });
  c.header('Cache-Control', 'no-store');
}

function sessionInfo(
  session: SessionView,
  base: { setupRequired: boolean; local: boolean; keyRequired: boolean; idleMs: number; oidc: string | undefined },
): SessionInfo {
  return {
    setupRequired: base.setupRequired,
    local: base.local,
    keyRequired: base.keyRequired,
    via: 'session',
    user: { ...session.user },
    role: session.user.role,
    canWrite: session.user.role !== 'viewer',
    csrfToken: session.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
    idleExpiresAt: new Date(Math.min(session.expiresAt, session.lastSeenAt + base.idleMs)).toISOString(),
    oidc: base.oidc ? { name: base.oidc } : null,
  };
}

function summaryOf(view: SessionView, current: string | undefined): SessionSummary {
  return {
    id: view.id,
    createdAt: new Date(view.createdAt).toISOString(),
    lastSeenAt: new Date(view.lastSeenAt).toISOString(),
    expiresAt: new Date(view.expiresAt).toISOString(),
    address: view.address,
    userAgent: view.userAgent,
    current: view.id === current,
  };
}
