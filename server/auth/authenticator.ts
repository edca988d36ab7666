import type { IncomingHttpHeaders } from 'node:http';
import { databaseFault } from '../../db/unavailable.ts';
import type { ApiKeyGuard } from './api-keys.ts';
import { PersonalKeys, type PersonalKeyView } from './personal-keys.ts';
import type { Principal } from './roles.ts';
import type { SessionStore, SessionView } from './sessions.ts';

/** What a transport knows about a caller (REST, Socket.io, /ws and SSE alike). */
export interface Credentials {
  /** A key presented as a Bearer header, Socket.io `auth.token`, the /ws subprotocol or SSE's `?token=`. */
  token: string | undefined;
  /** The session cookie's value. */
  sessionToken: string | undefined;
  /** The client's address (TRUST_PROXY applied). */
  address: string;
  /** Whether the request comes from this machine itself, not through a proxy (see `isLocalRequest`). */
  local: boolean;
}

export type Authentication =
  | { ok: true; principal: Principal | null; session?: SessionView }
  | { ok: false; status: 401 | 429 | 503; message: string; retryAfterSeconds?: number };

/** Whether an owner account exists yet (server/services/accounts/owner-state.ts). */
export interface OwnerState {
  exists(): Promise<boolean>;
}

export const API_KEY_PRINCIPAL: Principal = { kind: 'api-key', userId: null, name: 'API_KEY', role: 'owner', canWrite: true, realtime: true };

/**
 * Tells who is calling, from a key, a session cookie, or where the call comes from:
 * 1. A Bearer key is a personal key (`vk_…`: its person's role, narrowed by its scope), or API_KEY
 *    (full rights), or refused: 401, then 429 for an address guessing. Without API_KEY set, a
 *    presented key that is not a personal key is ignored (as before accounts).
 * 2. A session cookie is a signed-in person with their role. A dead cookie counts as none.
 * 3. Until an owner account exists, this machine's own keyless calls act as before accounts: with
 *    every right, or with API_KEY set, reading REST only. Everyone else must hold API_KEY.
 * 4. Otherwise nobody: routes that are not public answer 401.
 */
export class Authenticator {
  constructor(
    private readonly deps: {
      keys: ApiKeyGuard;
      personalKeys: PersonalKeys;
      sessions: SessionStore;
      owner: OwnerState;
    },
  ) {}

  async authenticate(credentials: Credentials): Promise<Authentication> {
    if (credentials.token && PersonalKeys.looksLikeKey(credentials.token)) {
      let key: PersonalKeyView | null;
      try {
        key = await this.deps.personalKeys.lookup(credentials.token, credentials.address);
      } catch (error) {
        if (!databaseFault(error)) throw error;
        return { ok: false, status: 503, retryAfterSeconds: 5, message: 'The key cannot be checked while the database is unavailable; try again shortly.' };
      }
      return key ? { ok: true, principal: keyPrincipal(key) } : this.deps.keys.refuse(credentials.address);
    }
    if (credentials.token && this.deps.keys.enabled) {
      const verdict = this.deps.keys.authorize({ token: credentials.token, address: credentials.address });
      return verdict.ok ? { ok: true, principal: API_KEY_PRINCIPAL } : verdict;
    }
    if (credentials.sessionToken) {
      let session: SessionView | null;
      try {
        session = await this.deps.sessions.lookup(credentials.sessionToken);
      } catch (error) {
        if (!databaseFault(error)) throw error;
        return { ok: false, status: 503, retryAfterSeconds: 5, message: 'The session cannot be checked while the database is unavailable; try again shortly.' };
      }
      if (session) return { ok: true, principal: principalOf(session), session };
    }
    if (credentials.local && !(await this.deps.owner.exists())) {
      const open = !this.deps.keys.enabled;
      return { ok: true, principal: { kind: 'local', userId: null, name: 'this machine', role: open ? 'owner' : 'viewer', canWrite: open, realtime: open } };
    }
    return { ok: true, principal: null };
  }
}

export function principalOf(session: SessionView): Principal {
  return {
    kind: 'session',
    userId: session.user.id,
    name: session.user.email,
    role: session.user.role,
    canWrite: true,
    realtime: true,
    session: { id: session.id, csrfToken: session.csrfToken },
  };
}

function keyPrincipal(key: PersonalKeyView): Principal {
  return {
    kind: 'key',
    userId: key.user.id,
    name: `${key.user.email} (key "${key.name}")`,
    role: key.user.role,
    canWrite: key.scope === 'write',
    realtime: true,
  };
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Whether a request comes from this machine itself: its TCP peer is a loopback address and no
 * proxy forwarded it (a proxy on the same machine connects from loopback too, and says so).
 */
export function isLocalRequest(peerAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  return LOOPBACK.test(peerAddress ?? '') && FORWARDED.every((name) => headers[name] === undefined);
}

/** The session cookie's value in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
