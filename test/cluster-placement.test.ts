import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.ts';
import { endpoints } from '../db/schema/index.ts';
import { clusterPlacement } from '../server/cluster/cluster-placement.ts';
import { ownerOf } from '../server/cluster/rendezvous.ts';
import { parseEndpointCreate } from '../server/domain/endpoint-input.ts';
import { MonitorRegistry } from '../server/state/monitor-registry.ts';
import { useTestDatabase } from './support/test-database.ts';

/**
 * The lease rules of several instances on one database, tick by tick: each test drives the ticks
 * (wake, settled) and this process's clock by hand, and ages another instance's heartbeat in the
 * database instead of waiting for it. A TTL of a minute keeps the ownership's own timers out of
 * the way. Real SQL: PGlite here, PostgreSQL in the postgres project.
 */
const TTL = 60_000;

const database = useTestDatabase();

const stops: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  await database.db.execute(sql`truncate endpoints, endpoint_leases, vigil_instances cascade`);
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Stored endpoints, hourly (nothing comes due during a test unless asked). */
async function storeEndpoints(count: number, lastCheckedAt: Date | null = null): Promise<string[]> {
  const now = new Date();
  const rows = Array.from({ length: count }, () => ({
    id: randomUUID(),
    ...parseEndpointCreate({ name: 'x', url: 'http://example.test/', intervalSeconds: 3600 }),
    createdAt: now,
    updatedAt: now,
    lastCheckedAt,
  }));
  await database.db.insert(endpoints).values(rows);
  return rows.map((r) => r.id).sort();
}

/** One Vigil's placement on the shared database: its registry, its clock, the checks it ran. */
async function instance(instanceId: string) {
  const registry = new MonitorRegistry();
  await registry.load(database.db);
  const clock = { at: Date.now(), now: () => clock.at };
  const runs: string[] = [];
  const hanging = new Map<string, () => void>();
  const errors: unknown[] = [];
  const { placement, ownership } = clusterPlacement({
    db: database.db,
    instanceId,
    leaseTtlMs: TTL,
    registry,
    // Nothing is ever queued here: a handover's drain is immediate.
    writer: { drain: async () => true, hasPending: () => false },
    checks: {
      run: (id) => {
        runs.push(id);
        return hanging.has(id) ? new Promise<void>((resolve) => hanging.set(id, resolve)) : Promise.resolve();
      },
    },
    onTickError: (error) => errors.push(error),
    clock,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const release of hanging.values()) release();
    await placement.stop(0);
  };
  stops.push(async () => {
    await stop();
    expect(errors).toEqual([]);
  });
  return {
    instanceId,
    placement,
    ownership,
    registry,
    clock,
    runs,
    /** Makes the next check of `id` hang until released. */
    hang: (id: string) => hanging.set(id, () => {}),
    release: (id: string) => {
      hanging.get(id)?.();
      hanging.delete(id);
    },
    /** One whole tick: heartbeat, hand over, claim, drop what was lost. */
    tick: async () => {
      ownership.wake();
      await ownership.settled();
    },
    /** Killed: no more ticks or heartbeats, nothing handed over (its heartbeat ages in the database). */
    kill: stop,
  };
}

/** Who holds each endpoint, as the database says. */
async function holders(): Promise<Map<string, string | null>> {
  const rows = rowsOf<{ endpoint_id: string; instance_id: string | null }>(
    await database.db.execute(sql`select endpoint_id, instance_id from endpoint_leases`),
  );
  return new Map(rows.map((r) => [r.endpoint_id, r.instance_id]));
}

const ageHeartbeat = (instanceId: string) =>
  database.db.execute(sql`update vigil_instances set heartbeat_at = now() - interval '1 hour' where id = ${instanceId}`);

const afterTimers = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('several instances on one database', () => {
  it('shares the endpoints out over the live instances by rendezvous hashing, each held by exactly one', async () => {
    const ids = await storeEndpoints(12);
    const a = await instance('vigil-a');
    await a.placement.start();
    expect(a.ownership.stats.owned).toBe(12);
    expect(ids.every((id) => a.placement.scheduler.isScheduled(id))).toBe(true);

    const b = await instance('vigil-b');
    await b.placement.start();
    const live = ['vigil-a', 'vigil-b'];
    const bShare = ids.filter((id) => ownerOf(id, live) === 'vigil-b');
    expect(bShare.length).toBeGreaterThan(0);
    // A holds them and is alive: B's claim fails until A hands them over (between checks).
    expect(b.ownership.stats.owned).toBe(0);
    expect([...(await holders()).values()].every((holder) => holder === 'vigil-a')).toBe(true);
    // B is their rightful holder already: it says so (a change made on B is not reloaded from A).
    expect(bShare.every((id) => b.placement.checksHere(id))).toBe(true);

    await a.tick();
    expect(a.ownership.stats).toMatchObject({ owned: 12 - bShare.length, released: bShare.length, liveInstances: 2 });
    expect(bShare.some((id) => a.placement.checksHere(id) || a.placement.scheduler.isScheduled(id))).toBe(false);
    await b.tick();
    expect(b.ownership.stats).toMatchObject({ owned: bShare.length, claimed: bShare.length });

    const held = await holders();
    for (const id of ids) {
      const owner = ownerOf(id, live);
      expect(held.get(id), id).toBe(owner);
      expect(a.placement.scheduler.isScheduled(id)).toBe(owner === 'vigil-a');
      expect(b.placement.scheduler.isScheduled(id)).toBe(owner === 'vigil-b');
    }
  });

  it('hands an endpoint over only between checks: not while a check of it runs', async () => {
    const ids = await storeEndpoints(12);
    const a = await instance('vigil-a');
    await a.placement.start();
    const moving = ids.filter((id) => ownerOf(id, ['vigil-a', 'vigil-b']) === 'vigil-b');
    const busy = moving[0]!;
    a.hang(busy);
    a.placement.schedule(busy, 3600, { immediately: true });
    await afterTimers();
    expect(a.placement.scheduler.isRunning(busy)).toBe(true);

    const b = await instance('vigil-b');
    await b.placement.start();
    await a.tick();
    await b.tick();
    expect((await holders()).get(busy)).toBe('vigil-a');
    expect(a.placement.scheduler.isScheduled(busy)).toBe(true);
    expect(b.ownership.stats.owned).toBe(moving.length - 1);

    a.release(busy);
    await afterTimers();
    await a.tick();
    await b.tick();
    expect((await holders()).get(busy)).toBe('vigil-b');
    expect(a.placement.scheduler.isScheduled(busy)).toBe(false);
    expect(b.placement.scheduler.isScheduled(busy)).toBe(true);
    expect(a.runs.filter((id) => id === busy)).toHaveLength(1);
  });

  it('takes over the endpoints of a dead instance once its own heartbeat has been fresh for a whole TTL, overdue ones within 2 s', async () => {
    const ids = await storeEndpoints(6, new Date(Date.now() - 2 * 3_600_000));
    const a = await instance('vigil-a');
    await a.placement.start();
    await a.kill();
    await ageHeartbeat('vigil-a');

    const b = await instance('vigil-b');
    await b.placement.start();
    expect(b.ownership.liveInstances()).toEqual(['vigil-b']);
    // A just-started instance might be the first back after an outage, when every heartbeat is stale.
    for (let beat = 1; beat < 4; beat++) {
      b.clock.at += TTL / 4;
      await b.tick();
      expect(b.ownership.stats.owned, `after ${beat} quarters of the TTL`).toBe(0);
    }
    b.clock.at += TTL / 4;
    await b.tick();
    expect(b.ownership.stats.owned).toBe(6);
    expect([...(await holders()).values()].every((holder) => holder === 'vigil-b')).toBe(true);
    for (const id of ids) expect(b.placement.scheduler.nextRunAt(id)! - Date.now()).toBeLessThanOrEqual(2000);
  });

  it('never takes an endpoint from a live instance, however long it has been beating', async () => {
    await storeEndpoints(6);
    const a = await instance('vigil-a');
    await a.placement.start();
    const b = await instance('vigil-b');
    await b.placement.start();
    // A takes no ticks (it stalls but its heartbeat row is still fresh): B may not take A's leases.
    for (let beat = 0; beat < 8; beat++) {
      b.clock.at += TTL / 4;
      await b.tick();
    }
    expect(b.ownership.stats.owned).toBe(0);
    expect([...(await holders()).values()].every((holder) => holder === 'vigil-a')).toBe(true);
  });

  it('lets the others take over at once after a graceful leave', async () => {
    await storeEndpoints(6);
    const a = await instance('vigil-a');
    await a.placement.start();
    await a.placement.stop(0);
    await a.placement.leave();
    const b = await instance('vigil-b');
    await b.placement.start();
    expect(b.ownership.stats.owned).toBe(6);
  });

  it('drops an endpoint whose lease was taken away while it stalled, and counts it lost', async () => {
    const ids = await storeEndpoints(3);
    const a = await instance('vigil-a');
    await a.placement.start();
    const taken = ids[0]!;
    await database.db.execute(sql`update endpoint_leases set instance_id = 'vigil-x' where endpoint_id = ${taken}::uuid`);
    await a.tick();
    expect(a.ownership.stats).toMatchObject({ owned: 2, lost: 1 });
    expect(a.placement.scheduler.isScheduled(taken)).toBe(false);
    // Not taken back at once either: A's heartbeat has not been fresh for a whole TTL yet.
    expect((await holders()).get(taken)).toBe('vigil-x');
  });

  it('holds scheduled checks back after a silence long enough for others to take over, until its leases are read again', async () => {
    const [id] = await storeEndpoints(1);
    const a = await instance('vigil-a');
    await a.placement.start();
    // Frozen for 0.6 TTL: nothing ran, no heartbeat.
    a.clock.at += TTL * 0.6;
    a.placement.schedule(id!, 3600, { immediately: true });
    await afterTimers();
    expect(a.runs).toEqual([]);
    expect(a.placement.scheduler.stats.skippedGated).toBe(1);
    // A tick: the heartbeat finds the silence, the leases are read again, and A holds them still.
    await a.tick();
    a.placement.schedule(id!, 3600, { immediately: true });
    await afterTimers();
    expect(a.runs).toEqual([id]);
  });

  it('claims an endpoint created here at once and checks it at once; leaves one another instance holds to it', async () => {
    await storeEndpoints(4);
    const a = await instance('vigil-a');
    await a.placement.start();
    const b = await instance('vigil-b');
    await b.placement.start();
    await a.tick();
    await b.tick();

    const [created] = await storeEndpoints(1);
    for (const vigil of [a, b]) await vigil.registry.reloadDefinitions(database.db, [created!]);
    const holder = ownerOf(created!, ['vigil-a', 'vigil-b']) === 'vigil-a' ? a : b;
    const other = holder === a ? b : a;
    other.placement.schedule(created!, 3600, { immediately: true });
    holder.placement.schedule(created!, 3600, { immediately: true });
    await holder.ownership.settled();
    await afterTimers();
    expect(holder.runs).toEqual([created]);
    expect(other.placement.scheduler.isScheduled(created!)).toBe(false);
    expect((await holders()).get(created!)).toBe(holder.instanceId);
  });

  it('has a check on request start from the stored state when another instance holds the live one, unless one of ours is on its way', async () => {
    const ids = await storeEndpoints(8);
    const a = await instance('vigil-a');
    await a.placement.start();
    const b = await instance('vigil-b');
    await b.placement.start();
    await a.tick();
    await b.tick();
    const ofA = ids.find((id) => ownerOf(id, ['vigil-a', 'vigil-b']) === 'vigil-a')!;
    expect(a.placement.needsStoredState(ofA)).toBe(false);
    expect(b.placement.needsStoredState(ofA)).toBe(true);

    let finishFirst!: () => void;
    const first = b.placement.checkingNow(ofA, () => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = b.placement.checkingNow(ofA, async () => {
      expect(b.placement.needsStoredState(ofA)).toBe(false);
    });
    await second;
    expect(b.placement.needsStoredState(ofA)).toBe(false);
    finishFirst();
    await first;
    expect(b.placement.needsStoredState(ofA)).toBe(true);
  });

  it('forgets an endpoint deleted elsewhere: no schedule, no hold', async () => {
    const ids = await storeEndpoints(2);
    const a = await instance('vigil-a');
    await a.placement.start();
    a.placement.forget(ids[0]!);
    expect(a.placement.scheduler.isScheduled(ids[0]!)).toBe(false);
    expect(a.ownership.stats.owned).toBe(1);
  });
});
