import type { AccountUser, Invite, InvitePreview, SessionInfo, SessionSummary } from '../../../server/contract/accounts.ts';
import { request } from './api.ts';

type Role = AccountUser['role'];

/** A new account as the set-up and invite pages send it. */
export interface NewAccount {
  email: string;
  name: string;
  password: string;
}

/** POST /api/invites: the invite, with its link's token and URL (answered this once). */
export type CreatedInvite = Invite & { token: string; url: string };

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
};
