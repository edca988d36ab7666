import type {
  AccountUser,
  AuditEntry,
  Invite,
  InvitePreview,
  OwnAccount,
  PasswordReset,
  PasswordResetPreview,
  PersonalKey,
  SessionInfo,
  SessionSummary,
} from '../../../server/contract/accounts.ts';
import type { Page } from '../../../server/contract/types.ts';
import { query, request } from './api.ts';

type Role = AccountUser['role'];

/** A new account as the set-up and invite pages send it. */
export interface NewAccount {
  email: string;
  name: string;
  password: string;
}

/** POST /api/invites: the invite, with its link's token and URL (answered this once). */
export type CreatedInvite = Invite & { token: string; url: string };

/** POST /api/keys: the key, with the key itself (answered this once). */
export type CreatedKey = PersonalKey & { secret: string };

/** A new personal key: `expiresAt` an ISO 8601 time, or none (until revoked). */
export interface NewKey {
  name: string;
  scope: PersonalKey['scope'];
  expiresAt?: string;
}

/** The audit log's filters (GET /api/audit-log; docs/accounts.md#audit-log). */
export interface AuditQuery {
  actorId?: string;
  actorKind?: AuditEntry['actor']['kind'];
  action?: string;
  targetType?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

const enc = encodeURIComponent;

/**
 * The account calls of docs/accounts.md. Set-up, sign-in and invitations answer who the page is
 * now (a SessionInfo, the cookie set beside it); their refusals are the form's own (`quiet`: a
 * wrong password is a 401 that ends no session).
 */
export const accountsApi = {
  setUp: (account: NewAccount & { setupToken?: string }) => request<SessionInfo>('POST', '/api/setup', account, { quiet: true }),
  signIn: (credentials: { email: string; password: string }) => request<SessionInfo>('POST', '/api/session', credentials, { quiet: true }),
  invitation: (token: string) => request<InvitePreview>('GET', `/api/invitations/${enc(token)}`, undefined, { quiet: true }),
  accept: (token: string, account: NewAccount) => request<SessionInfo>('POST', `/api/invitations/${enc(token)}`, account, { quiet: true }),
  /** Whose password a reset link sets; 409 reset_not_valid when it has been used, replaced or has expired. */
  passwordReset: (token: string) => request<PasswordResetPreview>('GET', `/api/password-resets/${enc(token)}`, undefined, { quiet: true }),
  /** Sets the new password: the link is used up and every session of its person ends; nobody is signed in. */
  resetPassword: (token: string, password: string) => request<void>('POST', `/api/password-resets/${enc(token)}`, { password }, { quiet: true }),

  /** The signed-in person's own sessions. */
  sessions: () => request<{ items: SessionSummary[] }>('GET', '/api/sessions'),
  endSession: (id: string) => request<void>('DELETE', `/api/sessions/${enc(id)}`),
  /** Ends every other session of the signed-in person ("sign out everywhere else"); answers how many ended. */
  endOtherSessions: () => request<{ ended: number }>('DELETE', '/api/sessions'),

  // The owner's: people and invites.
  users: () => request<{ items: AccountUser[] }>('GET', '/api/users'),
  changeRole: (id: string, role: Role) => request<AccountUser>('PATCH', `/api/users/${enc(id)}`, { role }),
  removeUser: (id: string) => request<void>('DELETE', `/api/users/${enc(id)}`),
  invites: () => request<{ items: Invite[] }>('GET', '/api/invites'),
  invite: (input: { role: Role; email?: string }) => request<CreatedInvite>('POST', '/api/invites', input),
  withdrawInvite: (id: string) => request<void>('DELETE', `/api/invites/${enc(id)}`),
  /** Turns someone's two-factor sign-in off (they lost their phone). */
  resetTwoFactor: (id: string) => request<void>('DELETE', `/api/users/${enc(id)}/two-factor`),
  /** A one-time link that sets someone's password (they forgot it): its URL answered this once; it replaces their earlier one. */
  makePasswordReset: (id: string) => request<PasswordReset>('POST', `/api/users/${enc(id)}/password-reset`),
  withdrawPasswordReset: (id: string) => request<void>('DELETE', `/api/users/${enc(id)}/password-reset`),
  auditLog: (params: AuditQuery) => request<Page<AuditEntry>>('GET', `/api/audit-log${query({ ...params })}`),

  // The signed-in person's own account: name, password, two-factor sign-in.
  account: () => request<OwnAccount>('GET', '/api/account'),
  /** A new password needs the current one, and ends every other session of the person. */
  updateAccount: (changes: { name: string } | { password: string; currentPassword: string }) => request<OwnAccount>('PATCH', '/api/account', changes),
  /** Starts enrolment: a secret for the authenticator app (and its otpauth:// URL), on once confirmed. */
  beginTwoFactor: () => request<{ secret: string; otpauthUrl: string }>('POST', '/api/account/two-factor'),
  /** Turns it on with a code from the app; answers the recovery codes (this once). */
  confirmTwoFactor: (code: string) => request<{ recoveryCodes: string[] }>('POST', '/api/account/two-factor/confirm', { code }),
  disableTwoFactor: (password: string) => request<void>('POST', '/api/account/two-factor/disable', { password }),
  renewRecoveryCodes: (password: string) => request<{ recoveryCodes: string[] }>('POST', '/api/account/recovery-codes', { password }),

  // Personal API keys: one's own (an owner: everyone's with `all`).
  keys: (all = false) => request<{ items: PersonalKey[] }>('GET', `/api/keys${all ? '?all=true' : ''}`),
  createKey: (input: NewKey) => request<CreatedKey>('POST', '/api/keys', input),
  revokeKey: (id: string) => request<void>('DELETE', `/api/keys/${enc(id)}`),
};
