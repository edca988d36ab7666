import { createEffect, createRoot, createSignal, untrack } from 'solid-js';
import type { SessionInfo } from '../../../server/contract/accounts.ts';
import { describeProblem } from '../i18n/server-messages.ts';
import { navigate, pathname } from '../lib/router.ts';
import { type ApiError, type RefusalVerdict, request, useSessionSource } from '../services/api.ts';
import { socketService } from '../services/socket.service.ts';
import { doubtKey, learnKeyRequired, requestKey } from './auth.store.ts';
import { addToast, toastActionFailed } from './toast.store.ts';

/** Set by "Continue without an account for now": until an owner exists, this machine sees the dashboard instead of the set-up page. */
export const SETUP_DEFERRED = 'vigil.setup.deferred';
/** Written when this tab signs in or out, so that the other tabs of this Vigil ask again who they are. */
const SESSION_CHANGED = 'vigil.session';

function readDeferred(): boolean {
  try {
    return localStorage.getItem(SETUP_DEFERRED) === '1';
  } catch {
    return false;
  }
}

/** What GET /api/session said last; null until it answers. */
const [session, setSession] = createSignal<SessionInfo | null>(null);
/** The first GET /api/session failed (Vigil restarting, its database away): the dashboard shows as before accounts. */
const [unanswered, setUnanswered] = createSignal(false);
/** A signed-in session ended under the page (signed out elsewhere, expired, removed): the sign-in page says so. */
const [ended, setEnded] = createSignal(false);
const [deferred, setDeferred] = createSignal(false);

export { session, ended };

/** What the page shows: the set-up or sign-in page, a link's page (an invite, a password reset), the dashboard, or nothing yet. */
export type Gate = 'loading' | 'setup' | 'sign-in' | 'link' | 'app';

/**
 * Which page the caller gets (reactive):
 * 1. An invite link (/invite#token=…) or a password reset link (/reset-password#token=…) is its
 *    own page, signed in or not.
 * 2. Before an owner exists, the set-up page, at / and /setup; this machine may go on without an
 *    account once it asked to (SETUP_DEFERRED), and an API_KEY holder may too. /setup stays reachable.
 * 3. Once set up, nobody authenticated gets the sign-in page, at whatever path they asked for.
 */
export const gate = (): Gate => gateOf(session(), pathname(), deferred(), unanswered());

function gateOf(info: SessionInfo | null, path: string, deferredNow: boolean, unansweredNow: boolean): Gate {
  if (path === '/invite' || path === '/reset-password') return 'link';
  if (!info) return unansweredNow ? 'app' : 'loading';
  if (info.setupRequired) {
    const mayGoOn = info.via === 'api-key' || (info.via === 'local' && deferredNow);
    return path === '/setup' || !mayGoOn ? 'setup' : 'app';
  }
  return info.via === null ? 'sign-in' : 'app';
}

/** The signed-in person (null for API_KEY, this machine, or nobody). */
export const user = () => (session()?.via === 'session' ? (session()?.user ?? null) : null);

const RANK = { viewer: 0, editor: 1, owner: 2 } as const;

/** `edit`: change endpoints, channels, status pages, maintenance, incident updates; `manage`: people, invites, import, secrets. */
export type Ability = 'edit' | 'manage';

/**
 * Whether the caller may do what `ability` asks (reactive): the one place the dashboard decides what
 * to show; what it hides the server refuses anyway. A person (signed in, or by their personal key)
 * by their role, and not with a read-only key; API_KEY everything; this machine before set-up what
 * it may write, or everything when API_KEY is set (a write asks for the key); before GET
 * /api/session answers, everything (as before accounts).
 * @example <Show when={can('edit')}><a class="button" href="/maintenance/new">New window</a></Show>
 */
export function can(ability: Ability): boolean {
  const info = session();
  if (!info || info.via === 'api-key') return true;
  if (info.via === 'session' || info.via === 'key') return info.canWrite && RANK[info.role ?? 'viewer'] >= (ability === 'manage' ? RANK.owner : RANK.editor);
  return info.canWrite || info.keyRequired;
}

function apply(next: SessionInfo) {
  const before = untrack(session);
  if (before?.via === 'session' && next.via !== 'session') setEnded(true);
  learnKeyRequired(next.keyRequired);
  // The live connection was opened without this person's cookie (or with an ended one's): open it again.
  if (admitted && next.via === 'session' && (before?.via !== 'session' || before.user?.id !== next.user?.id)) socketService.reconnect();
  // Before the dashboard draws: its live connection opens ahead of its first reads, as before accounts.
  if (untrack(() => gateOf(next, pathname(), deferred(), false)) === 'app') admitOnce();
  setSession(next);
  setUnanswered(false);
}

let pending: Promise<SessionInfo | null> | null = null;

/** Asks the server who this page is now (one question at a time); null when it could not say. */
export function refreshSession(): Promise<SessionInfo | null> {
  pending ??= readSession().finally(() => (pending = null));
  return pending;
}

async function readSession(): Promise<SessionInfo | null> {
  const read = () => request<SessionInfo>('GET', '/api/session', undefined, { quiet: true });
  try {
    const sentKey = requestKey() !== null;
    let info = await read().catch((error: ApiError) => {
      if ((error.status === 401 || error.status === 429) && sentKey) return null;
      throw error;
    });
    // A saved key the server does not take (replaced, or too many wrong ones from here) is refused or
    // passed over: who we are without it; the live connection's refusal tells about the key.
    if (info === null || (sentKey && info.via !== 'api-key' && info.via !== 'key')) {
      doubtKey();
      info = await read();
    }
    apply(info);
    return info;
  } catch {
    if (!untrack(session)) {
      admitOnce();
      setUnanswered(true);
    }
    return null;
  }
}

/** After signing in, setting up or accepting an invite: the answer is who this page is now. */
export function signedIn(info: SessionInfo) {
  setEnded(false);
  apply(info);
  announce();
}

/** Until an owner exists, this machine uses Vigil without an account (the set-up page's quiet link to /). */
export function deferSetup() {
  try {
    localStorage.setItem(SETUP_DEFERRED, '1');
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
  setDeferred(true);
}

/** Signs this browser out; the page starts again from nothing (no data of the person stays in it). */
export async function signOut() {
  try {
    await request('DELETE', '/api/session', undefined, { quiet: true });
  } catch (error) {
    toastActionFailed(error);
    return;
  }
  announce();
  window.location.assign('/');
}

function announce() {
  try {
    localStorage.setItem(SESSION_CHANGED, String(Date.now()));
  } catch {
    // Other tabs learn it at their next refusal instead.
  }
}

/**
 * What a refusal means for the page:
 * - 403 csrf_token: the session changed under the page (signed in again in another tab): its new
 *   token, and the request once more.
 * - 403 forbidden_role: a toast saying who may, and the session again (the role may have changed).
 * - 401 without a key: the session ended, or an owner was made elsewhere; when the server now knows
 *   nobody, the sign-in page shows. Otherwise the key flow goes on as before accounts.
 */
async function refused(error: ApiError, sentKey: boolean): Promise<RefusalVerdict> {
  const problem = error.problem;
  if (error.status === 403 && problem?.code === 'csrf_token') {
    const before = untrack(session)?.csrfToken;
    const next = await refreshSession();
    return next?.csrfToken && next.csrfToken !== before ? 'retry' : 'told';
  }
  if (error.status === 403 && problem?.code === 'forbidden_role') {
    addToast('error', describeProblem(problem.code, problem.params, error.message), 6000);
    void refreshSession();
    return 'told';
  }
  if (error.status === 401 && !sentKey && untrack(session)?.via) {
    const next = await refreshSession();
    return next?.via === null ? 'told' : 'pass';
  }
  return 'pass';
}

/** Whether the dashboard has shown (its live connection and tab title started). */
let admitted = false;
let admit = () => {};

function admitOnce() {
  if (admitted) return;
  admitted = true;
  admit();
}

/**
 * Asks who this page is, lends the session's CSRF token to requests, and follows refusals and other
 * tabs. `onAdmitted` runs once, the first time the dashboard shows (the live connection, the tab's
 * counts): never for a page that only signs in. Called once, from main.tsx.
 */
export function startSession(onAdmitted: () => void) {
  admit = onAdmitted;
  setDeferred(readDeferred());
  useSessionSource({ csrfToken: () => untrack(session)?.csrfToken ?? null, refused });
  // The handshake carries the cookie: refused without a key, a signed-in session has ended.
  socketService.onRefused((refusal) => {
    if (refusal.reason === 'missing' && untrack(session)?.via === 'session') void refreshSession();
  });
  // Vigil did not answer at first (restarting): ask again once it is back.
  socketService.onSession(() => {
    if (!untrack(session)) void refreshSession();
  });
  window.addEventListener('storage', (event) => {
    if (event.key === SESSION_CHANGED) void refreshSession();
  });
  createRoot(() => {
    // Later: going on without an account, signing in.
    createEffect(() => {
      if (gate() === 'app') untrack(admitOnce);
    });
    // Set up already: /setup is the dashboard's front door.
    createEffect(() => {
      if (session()?.setupRequired === false && pathname() === '/setup') navigate('/', { replace: true });
    });
  });
  void refreshSession();
}
