import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { endpoints, incidents } from '../db/schema/index.ts';
import type { MonitorState } from '../server/domain/monitor-state.ts';
import { MonitorRegistry } from '../server/state/monitor-registry.ts';
import { endpointRow } from './support/pending-writes.ts';
import { useTestDatabase } from './support/test-database.ts';

// The registry's rule when it re-reads endpoints another instance checked until now: the stored
// state replaces the one in memory, unless memory is newer (a check recorded here meanwhile, or
// one still being written). Real SQL, no Vigil, no waiting.

const database = useTestDatabase();
let db: Database;
beforeAll(() => {
  db = database.db;
});

const startedAt = new Date('2026-01-01T00:00:00.000Z');

/** An endpoint stored DOWN with 4 failures and an open incident (as another instance left it). */
async function storedDown(): Promise<{ id: string; incidentId: string }> {
  const id = randomUUID();
  const incidentId = randomUUID();
  await db.insert(endpoints).values(endpointRow(id, { status: 'DOWN', consecutiveFailures: 4 }));
  await db.insert(incidents).values({ id: incidentId, endpointId: id, startedAt, failureCount: 4, errorMessage: 'Timeout exceeded' });
  return { id, incidentId };
}

const up: MonitorState = { status: 'UP', consecutiveFailures: 0, openIncident: null };

describe('loading and reloading the live state', () => {
  it('loads every endpoint with its stored status, failures and open incident', async () => {
    const { id, incidentId } = await storedDown();
    const registry = new MonitorRegistry();
    await registry.load(db);
    expect(registry.has(id)).toBe(true);
    expect(registry.get(id)!.state).toEqual({
      status: 'DOWN',
      consecutiveFailures: 4,
      openIncident: { id: incidentId, startedAt, failureCount: 4, errorMessage: 'Timeout exceeded', causedBy: null },
    });
  });

  it('takes the stored state when nothing happened here meanwhile', async () => {
    const registry = new MonitorRegistry();
    const id = randomUUID();
    await db.insert(endpoints).values(endpointRow(id));
    await registry.load(db);
    const { incidentId } = await (async () => {
      // Another instance checked it meanwhile: DOWN, incident open.
      await db.update(endpoints).set({ status: 'DOWN', consecutiveFailures: 3 }).where(eq(endpoints.id, id));
      const incidentId = randomUUID();
      await db.insert(incidents).values({ id: incidentId, endpointId: id, startedAt, failureCount: 3, errorMessage: null });
      return { incidentId };
    })();
    expect(await registry.reload(db, [id])).toEqual([id]);
    expect(registry.get(id)!.state).toMatchObject({ status: 'DOWN', consecutiveFailures: 3, openIncident: { id: incidentId } });
  });

  it('keeps the newer state: a check recorded while the rows were read stays, the definition is the stored one', async () => {
    const { id } = await storedDown();
    const registry = new MonitorRegistry();
    await registry.load(db);
    await db.update(endpoints).set({ name: 'renamed' }).where(eq(endpoints.id, id));
    const reloading = registry.reload(db, [id]);
    registry.apply(id, up);
    await reloading;
    expect(registry.get(id)!.state).toBe(up);
    expect(registry.get(id)!.definition.name).toBe('renamed');
  });

  it('keeps the state while a result of the endpoint is being written, when the read begins or when it ends', async () => {
    const { id } = await storedDown();
    const registry = new MonitorRegistry();
    await registry.load(db);
    registry.apply(id, up);

    await registry.reload(db, [id], () => true);
    expect(registry.get(id)!.state).toBe(up);

    let writing = true;
    const reloading = registry.reload(db, [id], () => writing);
    writing = false;
    await reloading;
    expect(registry.get(id)!.state).toBe(up);

    writing = false;
    const again = registry.reload(db, [id], () => writing);
    writing = true;
    await again;
    expect(registry.get(id)!.state).toBe(up);

    // Nothing newer here: the stored state comes back.
    await registry.reload(db, [id], () => false);
    expect(registry.get(id)!.state).toMatchObject({ status: 'DOWN', consecutiveFailures: 4 });
  });

  // A resume is committed, then applied here; a read of the rows begun before the commit (an
  // ownership claim) answered the endpoint still paused, and it was never checked. Seen in CI.
  it('reads again an endpoint whose definition changed here while its row was read: a resume (or pause) is not undone by the older row', async () => {
    for (const paused of [true, false]) {
      for (const method of ['reload', 'reloadDefinitions'] as const) {
        const id = randomUUID();
        await db.insert(endpoints).values(endpointRow(id, { paused }));
        const registry = new MonitorRegistry();
        await registry.load(db);
        const held = withFirstAnswerHeld(db);

        const reading = registry[method](held.db, [id]);
        // The change is committed after the read began, then applied here (as the services do).
        const [changed] = await db.update(endpoints).set({ paused: !paused }).where(eq(endpoints.id, id)).returning();
        registry.updateDefinition(changed!);
        held.release();

        expect(await reading).toEqual([id]);
        expect(registry.get(id)!.definition.paused, `${method} after ${paused ? 'a resume' : 'a pause'}`).toBe(!paused);
      }
    }
  });

  it('reloadDefinitions: known endpoints keep their live state, new ones get the stored state, deleted ones are not answered', async () => {
    const known = await storedDown();
    const registry = new MonitorRegistry();
    await registry.load(db);
    registry.apply(known.id, up);
    const fresh = await storedDown();
    await db.update(endpoints).set({ intervalSeconds: 30 }).where(eq(endpoints.id, known.id));

    const present = await registry.reloadDefinitions(db, [known.id, fresh.id, randomUUID()]);
    expect(present.sort()).toEqual([known.id, fresh.id].sort());
    expect(registry.get(known.id)!.state).toBe(up);
    expect(registry.get(known.id)!.definition.intervalSeconds).toBe(30);
    expect(registry.get(fresh.id)!.state).toMatchObject({ status: 'DOWN', openIncident: { id: fresh.incidentId } });
  });
});

/**
 * `db`, except that the answer to its first query (sent at once, as usual) is handed over only
 * once `release()` is called: what happens meanwhile happens while that read is in flight.
 */
function withFirstAnswerHeld(db: Database): { db: Database; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const wrap = (value: unknown): unknown => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    return new Proxy(value as object, {
      get(target, property) {
        const member = Reflect.get(target, property, target);
        if (typeof member !== 'function') return member;
        if (property === 'then' && !held) {
          held = true;
          return (onFulfilled: (v: unknown) => unknown, onRejected: (e: unknown) => unknown) =>
            member.call(target, (answer: unknown) => released.then(() => answer)).then(onFulfilled, onRejected);
        }
        if (property === 'then') return member.bind(target);
        return (...args: unknown[]) => wrap(member.apply(target, args));
      },
    });
  };
  return { db: wrap(db) as Database, release };
}
