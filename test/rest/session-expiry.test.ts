/**
 * Sessions against a clock the test moves (server/auth/sessions.ts), on a real database of the
 * driver under test: idle and absolute expiry, how often last use is written, revocation here and
 * on another instance, and what a session is worth while the database cannot be reached.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type DatabaseHandle } from '../../db/client.ts';
import { sessions, users } from '../../db/schema/index.ts';
import type { Role } from '../../server/auth/roles.ts';
import { type SessionStoreOptions, SessionStore, type SessionUser } from '../../server/auth/sessions.ts';
import { settle } from '../support/manual-clock.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { createTestDatabase, waitFor } from '../support/vigil.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const IDLE = 30 * MINUTE;
const MAX = 8 * 60 * MINUTE;
const RECHECK = 10 * SECOND;
const FACTS = { address: '127.0.0.1', userAgent: 'session-expiry.test' };

/** A clock that moves only when told. */
class TestClock {
  at = Date.UTC(2026, 0, 1, 9);
  readonly now = () => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
}

const storeOn = (db: Database, clock: TestClock, options: Partial<SessionStoreOptions> = {}) =>
  new SessionStore(db, { idleMs: IDLE, maxMs: MAX, recheckMs: RECHECK, now: clock.now, ...options });

/** A person with an account, as a row (sessions belong to one). */
async function person(db: Database, role: Role = 'editor'): Promise<SessionUser> {
  const id = randomUUID();
  const user = { id, email: `${id}@example.test`, name: 'Someone', role };
  const now = new Date();
  await db.insert(users).values({ ...user, passwordHash: 'scrypt$unused$unused', createdAt: now, updatedAt: now });
  return user;
}

/** When the database last saw the session used (ms), or null when its row is gone. */
async function storedLastSeen(db: Database, id: string): Promise<number | null> {
  const [row] = await db.select({ lastSeenAt: sessions.lastSeenAt }).from(sessions).where(eq(sessions.id, id));
  return row ? row.lastSeenAt.getTime() : null;
}

/** A cookie value that was never given out. */
const neverIssued = () => randomBytes(32).toString('base64url');

describe('a session store with a clock', () => {
  const database = useTestDatabase();

  it('ends a session left unused for the idle time, counted from its last use, here and on a store that never saw it', async () => {
    const clock = new TestClock();
    const store = storeOn(database.db, clock);
    const { token, view } = await store.create(await person(database.db), FACTS);

    clock.advance(IDLE - 1);
    expect(await store.lookup(token), 'used just in time').not.toBeNull();
    await waitFor(async () => (await storedLastSeen(database.db, view.id)) === clock.at, 5000, 'last use written');
    clock.advance(IDLE - 1);
    expect(await store.lookup(token), 'idle time counts from the last use').not.toBeNull();
    await waitFor(async () => (await storedLastSeen(database.db, view.id)) === clock.at, 5000, 'last use written');

    clock.advance(IDLE);
    expect(await storeOn(database.db, clock).lookup(token), 'another instance reads the same last use').toBeNull();
    expect(await store.lookup(token)).toBeNull();
    await waitFor(async () => (await storedLastSeen(database.db, view.id)) === null, 5000, 'the ended session removed');
  });

  it('ends a session the maximum time after sign-in, however often it was used', async () => {
    const clock = new TestClock();
    const store = storeOn(database.db, clock);
    const { token, view } = await store.create(await person(database.db), FACTS);
    expect(view.expiresAt).toBe(clock.at + MAX);

    for (let used = 0; used < MAX - 20 * MINUTE; used += 20 * MINUTE) {
      clock.advance(20 * MINUTE);
      expect(await store.lookup(token), `used at ${used / MINUTE + 20} min`).not.toBeNull();
      // (A browser's next request comes later than this write lands: the clock here does not wait.)
      await waitFor(async () => (await storedLastSeen(database.db, view.id)) === clock.at, 5000, 'last use written');
    }
    clock.advance(view.expiresAt - clock.at - 1);
    expect(await store.lookup(token), 'a millisecond before the end').not.toBeNull();
    clock.advance(1);
    expect(await store.lookup(token)).toBeNull();
    expect(await storeOn(database.db, clock).lookup(token)).toBeNull();
  });

  it('writes the last use to the database at most once a minute', async () => {
    const clock = new TestClock();
    const store = storeOn(database.db, clock);
    const signedInAt = clock.at;
    const { token, view } = await store.create(await person(database.db), FACTS);
    /** Waits for the stored last use to be `stored`, then makes sure no write in flight moves it. */
    const expectStored = async (stored: number, what: string) => {
      await waitFor(async () => (await storedLastSeen(database.db, view.id)) === stored, 5000, what);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await settle();
      expect(await storedLastSeen(database.db, view.id), what).toBe(stored);
    };

    for (const [after, stored] of [
      [1 * SECOND, signedInAt],
      [30 * SECOND, signedInAt],
      [59 * SECOND, signedInAt],
      [60 * SECOND, signedInAt + 60 * SECOND],
      [61 * SECOND, signedInAt + 60 * SECOND],
      [119 * SECOND, signedInAt + 60 * SECOND],
      [120 * SECOND, signedInAt + 120 * SECOND],
    ] as const) {
      clock.at = signedInAt + after;
      expect(await store.lookup(token)).not.toBeNull();
      await expectStored(stored, `the stored last use after a lookup at ${after / SECOND} s`);
    }
  });

  it('ends a session revoked here at once, without waiting for the recheck', async () => {
    const clock = new TestClock();
    const store = storeOn(database.db, clock, { recheckMs: 60 * MINUTE });
    const user = await person(database.db);
    const [one, two, three] = [await store.create(user, FACTS), await store.create(user, FACTS), await store.create(user, FACTS)];
    for (const { token } of [one, two, three]) expect(await store.lookup(token)).not.toBeNull();

    expect(await store.revoke(user.id, one.view.id)).toBe(true);
    expect(await store.lookup(one.token)).toBeNull();
    expect(await store.revokeAll(user.id, two.view.id)).toBe(1);
    expect(await store.lookup(three.token)).toBeNull();
    expect(await store.lookup(two.token), 'the one kept').not.toBeNull();
    expect(await store.revoke(randomUUID(), two.view.id), "another person's session").toBe(false);
    expect(await store.lookup(two.token)).not.toBeNull();
  });

  it('refuses, within the recheck time, a session revoked in the database by another instance, and shows a role changed there', async () => {
    const clock = new TestClock();
    const here = storeOn(database.db, clock);
    const elsewhere = storeOn(database.db, clock);
    const user = await person(database.db, 'editor');
    const revoked = await here.create(user, FACTS);
    const demoted = await here.create(user, FACTS);
    expect(await here.lookup(revoked.token)).not.toBeNull();

    expect(await elsewhere.revoke(user.id, revoked.view.id)).toBe(true);
    await database.db.update(users).set({ role: 'viewer' }).where(eq(users.id, user.id));
    clock.advance(RECHECK);
    expect(await here.lookup(revoked.token)).toBeNull();
    expect((await here.lookup(demoted.token))?.user.role).toBe('viewer');
  });

  it('refuses a token that was never given out, and one that is not a token', async () => {
    const store = storeOn(database.db, new TestClock());
    expect(await store.lookup(neverIssued())).toBeNull();
    expect(await store.lookup('')).toBeNull();
    expect(await store.lookup(undefined)).toBeNull();
    expect(await store.lookup("x' or '1'='1")).toBeNull();
  });
});

describe('while the database cannot be reached', () => {
  let handle: DatabaseHandle | undefined;
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await handle?.close().catch(() => undefined);
    await dispose?.();
    handle = dispose = undefined;
  });

  it('keeps a session seen before working until it ends, and cannot vouch for one it never saw', async () => {
    const created = await createTestDatabase();
    dispose = created.dispose;
    handle = await createDatabase({ databaseUrl: created.env.DATABASE_URL, dataDir: created.env.DATA_DIR ?? 'memory://' });
    await handle.migrate();
    const clock = new TestClock();
    const store = storeOn(handle.db, clock);
    const other = storeOn(handle.db, clock);
    const user = await person(handle.db);
    const seen = await store.create(user, FACTS);
    const lookedUp = await other.create(user, FACTS);
    expect(await store.lookup(lookedUp.token)).not.toBeNull();
    const unseen = await other.create(user, FACTS);

    await handle.close();
    clock.advance(RECHECK * 3);
    expect((await store.lookup(seen.token))?.user.id, 'a session signed in here').toBe(user.id);
    expect((await store.lookup(lookedUp.token))?.user.id, 'a session looked up here before').toBe(user.id);
    await expect(store.lookup(unseen.token), 'a live session this instance never saw').rejects.toThrow();
    await expect(store.lookup(neverIssued()), 'a token never given out').rejects.toThrow();

    clock.advance(IDLE);
    expect(await store.lookup(seen.token), 'idle past its time, outage or not').toBeNull();
  });
});
