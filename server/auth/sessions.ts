import { randomBytes } from 'node:crypto';
import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { sessions, users } from '../../db/schema/index.ts';
import { RecheckedCache } from './rechecked-cache.ts';
import { digestOf } from './secret-tokens.ts';
import type { Role } from './roles.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'vigil_session';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** A live session as the authenticator sees it. */
export interface SessionView {
  id: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  address: string;
  userAgent: string;
  user: SessionUser;
}

export interface SessionTimes {
  /** A session unused this long ends (SESSION_IDLE_MINUTES). */
  idleMs: number;
  /** A session ends this long after sign-in, however used (SESSION_MAX_HOURS). */
  maxMs: number;
}

export interface SessionStoreOptions extends SessionTimes {
  now?: () => number;
  /** How long a looked-up session is trusted from memory before the database is asked again (revocation elsewhere shows within it). */
  recheckMs?: number;
  /** Sessions kept in memory at most. */
  capacity?: number;
}

/** The stored id of a cookie's token: its SHA-256 (a stolen table holds no usable cookie). */
export const sessionIdOf = digestOf;

const TOUCH_EVERY_MS = 60_000;
const COOKIE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions in the database, the ones in use also in memory (a RecheckedCache: a revocation or role
 * change on another instance shows here within `recheckMs`, at once on this one; through a database
 * outage a session seen before goes on being accepted until it expires).
 * - Sign-in makes a fresh random token (never one the browser brought: no fixation).
 * - Idle and absolute expiry are checked at every lookup; last use is written at most once a minute.
 */
export class SessionStore {
  private readonly cache: RecheckedCache<SessionView>;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cache = new RecheckedCache({ recheckMs: options.recheckMs ?? 10_000, capacity: options.capacity ?? 10_000 });
  }

  /** Starts a session for a user; answers the cookie's token (shown once, stored hashed). */
  async create(user: SessionUser, facts: { address: string; userAgent: string }): Promise<{ token: string; view: SessionView }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const view: SessionView = {
      id: sessionIdOf(token),
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.options.maxMs,
      address: facts.address,
      userAgent: facts.userAgent.slice(0, 300),
      user,
    };
    await this.db.insert(sessions).values({
      id: view.id,
      userId: user.id,
      csrfToken: view.csrfToken,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(view.expiresAt),
      address: view.address,
      userAgent: view.userAgent,
    });
    this.cache.remember(view.id, view, now);
    // Ended sessions go when new ones start: the table holds about the live ones.
    await this.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, new Date(now)), lt(sessions.lastSeenAt, new Date(now - this.options.idleMs))))
      .catch(() => undefined);
    return { token, view };
  }

  /** The live session of a cookie's token, or null (unknown, revoked, idle too long or past its end). Throws when the database cannot say. */
  async lookup(token: string | undefined): Promise<SessionView | null> {
    if (!token || !COOKIE_TOKEN.test(token)) return null;
    const id = sessionIdOf(token);
    const now = this.now();
    // The last use written once a minute may not have landed yet: the later one counts.
    const view = await this.cache.get(
      id,
      now,
      () => this.read(id),
      (fresh, remembered) => {
        fresh.lastSeenAt = Math.max(fresh.lastSeenAt, remembered.lastSeenAt);
      },
    );
    return view && this.live(view, now);
  }

  /** The user's live sessions, newest first. */
  async listOf(userId: string): Promise<SessionView[]> {
    const rows = await this.db.select().from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.userId, userId));
    const now = this.now();
    return rows
      .map((row) => viewOf(row))
      .filter((view) => !this.endedAt(view, now))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ends one session of a user; false when it was not theirs or not live. */
  async revoke(userId: string, id: string): Promise<boolean> {
    this.cache.delete(id);
    const gone = await this.db
      .delete(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    return gone.length > 0;
  }

  /** Ends every session of a user but `keep` (sign out everywhere else); answers how many ended. */
  async revokeAll(userId: string, keep?: string): Promise<number> {
    this.cache.forgetUser(userId, keep);
    const condition = keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId);
    const gone = await this.db.delete(sessions).where(condition).returning({ id: sessions.id });
    return gone.length;
  }

  /** Forgets what memory holds of a user's sessions (their role or name changed): the next lookup reads it again. */
  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
  }

  private async read(id: string): Promise<SessionView | null> {
    const [row] = await this.db.select().from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, id)).limit(1);
    return row ? viewOf(row) : null;
  }

  private live(view: SessionView, now: number): SessionView | null {
    if (this.endedAt(view, now)) {
      this.cache.delete(view.id);
      void this.db
        .delete(sessions)
        .where(eq(sessions.id, view.id))
        .catch(() => undefined);
      return null;
    }
    if (now - view.lastSeenAt >= TOUCH_EVERY_MS) {
      view.lastSeenAt = now;
      void this.db
        .update(sessions)
        .set({ lastSeenAt: new Date(now) })
        .where(eq(sessions.id, view.id))
        .catch(() => undefined);
    }
    return view;
  }

  private endedAt(view: SessionView, now: number): boolean {
    return now >= view.expiresAt || now - view.lastSeenAt >= this.options.idleMs;
  }
}

function viewOf(row: { sessions: typeof sessions.$inferSelect; users: typeof users.$inferSelect }): SessionView {
  return {
    id: row.sessions.id,
    csrfToken: row.sessions.csrfToken,
    createdAt: row.sessions.createdAt.getTime(),
    lastSeenAt: row.sessions.lastSeenAt.getTime(),
    expiresAt: row.sessions.expiresAt.getTime(),
    address: row.sessions.address,
    userAgent: row.sessions.userAgent,
    user: { id: row.users.id, email: row.users.email, name: row.users.name, role: row.users.role as Role },
  };
}
