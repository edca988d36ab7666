import type { Role } from '../auth/roles.ts';

/** A person with an account, as the API answers it (never the password's hash). */
export interface AccountUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  /** Whether sign-in asks for a code from an authenticator app. */
  twoFactor: boolean;
}

/** GET /api/session: what the dashboard needs to know before showing anything. */
export interface SessionInfo {
  /** No owner account yet: the dashboard shows the set-up page. */
  setupRequired: boolean;
  /** The request comes from the machine Vigil runs on (set-up needs no link from here). */
  local: boolean;
  /** Whether API_KEY is set. */
  keyRequired: boolean;
  /** Who the caller is: a signed-in person, their personal key, API_KEY, this machine before set-up, or nobody. */
  via: 'session' | 'key' | 'api-key' | 'local' | null;
  user: Pick<AccountUser, 'id' | 'email' | 'name' | 'role'> | null;
  role: Role | null;
  /** Whether the caller may change anything at all (not a viewer, not a read-only key); routes may ask more of the role. */
  canWrite: boolean;
  /** Echo it as X-CSRF-Token on every write the session cookie authenticates. */
  csrfToken: string | null;
  /** When the session ends at the latest, and when it ends if unused (ISO 8601). */
  expiresAt: string | null;
  idleExpiresAt: string | null;
  /** Sign-in through an OpenID Connect provider is offered (GET /api/auth/oidc/start), under this name; null: not set up. */
  oidc: { name: string } | null;
}

/** One signed-in browser of the caller (GET /api/sessions). */
export interface SessionSummary {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  address: string;
  userAgent: string;
  /** The session of this request. */
  current: boolean;
}

/** An open invite (GET /api/invites); its link's token is answered once, when it is made. */
export interface Invite {
  id: string;
  role: Role;
  /** When set, only this address may accept. */
  email: string | null;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

/** What an invite link offers, as its page shows it (GET /api/invitations/:token). */
export interface InvitePreview {
  role: Role;
  email: string | null;
  invitedBy: string;
  expiresAt: string;
}

/** A password reset link as made (POST /api/users/:id/password-reset); its token and URL are answered this once. */
export interface PasswordReset {
  userId: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** Whose password a reset link sets, as its page shows it (GET /api/password-resets/:token). */
export interface PasswordResetPreview {
  email: string;
  name: string;
  /** Who made the link. */
  createdBy: string;
  expiresAt: string;
}

/** One entry of the audit log (GET /api/audit-log). */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string | null; name: string; kind: 'session' | 'key' | 'api-key' | 'local' | 'anonymous' };
  /** e.g. endpoint.created, channel.updated, user.role-changed, session.signed-in, session.sign-in-failed */
  action: string;
  target: { type: string; id: string | null; name: string | null } | null;
  address: string;
  details: Record<string, unknown>;
}

/** A personal API key as listed (GET /api/keys); the key itself is answered once, when made. */
export interface PersonalKey {
  id: string;
  name: string;
  /** The key's first characters (vk_AbCd), to tell keys apart. */
  prefix: string;
  scope: 'read' | 'write';
  expiresAt: string | null;
  expired: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedAddress: string | null;
  /** Whose key it is. */
  userId: string;
  userEmail: string | null;
}

/** The caller's own account (GET /api/account). */
export interface OwnAccount extends AccountUser {
  recoveryCodesLeft: number;
  /** False for an account made through single sign-on: it signs in at its provider, with no password (nor two-factor sign-in) here. */
  hasPassword: boolean;
}
