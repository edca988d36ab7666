/**
 * Accounts for tests (docs/accounts.md): the owner set up, people invited and signed in, and the
 * headers each of them calls the API with — the session cookie, and on writes its CSRF token.
 * @example
 * const owner = await setUpOwner(vigil);
 * const viewer = await invitePerson(vigil, owner, 'viewer');
 * await vigil.api('POST', '/api/endpoints', input, owner.headers);
 */
import { expect } from 'vitest';
import type { Role } from '../../server/auth/roles.ts';
import { SESSION_COOKIE } from '../../server/auth/sessions.ts';
import type { SessionInfo } from '../../server/contract/accounts.ts';
import { createLogger } from '../../server/logger.ts';
import { loadSettings } from '../../server/settings.ts';
import { startVigil, type Vigil } from '../../server/vigil.ts';
import { apiOf, createTestDatabase, type ApiAnswer, type TestVigil } from './vigil.ts';

/** A password every test person has (long enough, not their email). */
export const PASSWORD = 'correct horse battery staple';

let people = 0;
/** An email address no other test person has. */
export const uniqueEmail = (label = 'person') => `${label}-${++people}-${Math.random().toString(36).slice(2, 8)}@example.test`;

/** A browser signed in as someone. */
export interface SignedIn {
  user: NonNullable<SessionInfo['user']>;
  /** The cookie's value. */
  token: string;
  /** What GET /api/session answers this browser as csrfToken. */
  csrfToken: string;
  /** The cookie and the CSRF token: what this browser's requests carry (a GET ignores the token). */
  headers: Record<string, string>;
  /** The raw Set-Cookie line of the sign-in. */
  setCookie: string;
}

/** The Cookie header of a browser holding this session token. */
export const cookieOf = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

/** The session cookie's Set-Cookie line in an answer, if any. */
export function sessionSetCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

/** The session token an answer sets, if any (an empty value, as sign-out sends, counts as none). */
export function sessionTokenOf(headers: Headers): string | undefined {
  const line = sessionSetCookie(headers);
  return line?.slice(SESSION_COOKIE.length + 1).split(';', 1)[0] || undefined;
}

/** The browser an answer to a sign-in, set-up or accepted invite signed in; fails the test unless it did. */
export function signedInBy(answer: ApiAnswer<SessionInfo>, status: number): SignedIn {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const token = sessionTokenOf(answer.headers);
  expect(token, 'the answer sets the session cookie').toBeTruthy();
  expect(answer.body.csrfToken).toEqual(expect.any(String));
  return {
    user: answer.body.user!,
    token: token!,
    csrfToken: answer.body.csrfToken!,
    headers: { ...cookieOf(token!), 'x-csrf-token': answer.body.csrfToken! },
    setCookie: sessionSetCookie(answer.headers)!,
  };
}

/** Creates the owner account from this machine (loopback, no proxy headers) and signs them in. */
export async function setUpOwner(vigil: Pick<TestVigil, 'api'>, email = uniqueEmail('owner'), password = PASSWORD): Promise<SignedIn> {
  return signedInBy(await vigil.api<SessionInfo>('POST', '/api/setup', { email, password, name: 'The Owner' }), 201);
}

/** Signs an existing person in again: another browser. */
export async function signIn(vigil: Pick<TestVigil, 'api'>, email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<SignedIn> {
  return signedInBy(await vigil.api<SessionInfo>('POST', '/api/session', { email, password }, headers), 200);
}

/** An invite link's token, made by `owner` for `role` (and only for `email`, when given). */
export async function invite(vigil: Pick<TestVigil, 'api'>, owner: SignedIn, role: Role, email?: string): Promise<{ id: string; token: string; url: string }> {
  const made = await vigil.api('POST', '/api/invites', { role, ...(email ? { email } : {}) }, owner.headers);
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body;
}

/** A new person with `role`, invited by `owner`, who accepted and is signed in. */
export async function invitePerson(vigil: Pick<TestVigil, 'api'>, owner: SignedIn, role: Role, email = uniqueEmail(role)): Promise<SignedIn> {
  const { token } = await invite(vigil, owner, role);
  return signedInBy(await vigil.api<SessionInfo>('POST', `/api/invitations/${token}`, { email, password: PASSWORD }), 201);
}

/** One line of Vigil's log. */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A Vigil whose whole log (from level info) the test can read: what an operator sees on stdout. */
export interface LoggedVigil {
  vigil: Vigil;
  lines: LogLine[];
  api: TestVigil['api'];
  dispose(): Promise<void>;
}

/**
 * Starts a Vigil on a fresh database and keeps its log: startTestVigil keeps errors only, and the
 * set-up link (`…/setup#token=…`) is a warning.
 */
export async function startLoggedVigil(env: Record<string, string> = {}): Promise<LoggedVigil> {
  const database = await createTestDatabase();
  const settings = loadSettings({ HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT_MS: '3000', ...database.env, ...env });
  const lines: LogLine[] = [];
  const vigil = await startVigil(settings, { logger: createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) }) });
  const api = apiOf(vigil.port);
  return {
    vigil,
    lines,
    api,
    dispose: async () => {
      await vigil.stop();
      await database.dispose();
    },
  };
}

/** The set-up link's token as the log shows it, or undefined. */
export function setupTokenIn(lines: LogLine[]): string | undefined {
  for (const line of lines) {
    const match = /\/setup#token=([A-Za-z0-9_-]+)/.exec(line.msg);
    if (match) return match[1];
  }
  return undefined;
}
