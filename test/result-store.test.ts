import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Database, rowsOf } from '../db/client.ts';
import { checkResults, endpoints, incidents } from '../db/schema/index.ts';
import { EventBus } from '../server/events/bus.ts';
import { DatabaseResultStore } from '../server/results/database-store.ts';
import { ResultWriter } from '../server/results/result-writer.ts';
import type { PendingWrite } from '../server/results/pending-write.ts';
import { storeBatch } from '../server/results/store-batch.ts';
import { MonitorRegistry } from '../server/state/monitor-registry.ts';
import { endpointRow, pendingWrite, type WriteKind } from './support/pending-writes.ts';
import { useTestDatabase } from './support/test-database.ts';

// What one batch of results does to the database (server/results/store-batch.ts) and how a race
// of two writers on one incident is settled (adopt-incident.ts): real SQL, no Vigil, no waiting.

const database = useTestDatabase();
let db: Database;
beforeAll(() => {
  db = database.db;
});

async function storedEndpoint(): Promise<string> {
  const id = randomUUID();
  await db.insert(endpoints).values(endpointRow(id));
  return id;
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

function result(endpointId: string, kind: WriteKind, second: number, incident?: PendingWrite['incident'], consecutiveFailures = 0): PendingWrite {
  const write = pendingWrite(endpointId, kind, at(second));
  return { ...write, consecutiveFailures, incident: incident === undefined ? write.incident : incident };
}

describe('storing a batch', () => {
  it('inserts every check and leaves each endpoint with its latest result', async () => {
    const a = await storedEndpoint();
    const b = await storedEndpoint();
    const batch = [result(a, 'plain', 1), result(b, 'status-changed', 2, null, 1), result(a, 'status-changed', 3, null, 1)];
    expect(await storeBatch(db, batch)).toEqual([]);
    const stored = await db
      .select()
      .from(checkResults)
      .where(inArray(checkResults.endpointId, [a, b]));
    expect(stored.map((r) => r.id).sort()).toEqual(batch.map((w) => w.check.id).sort());
    const [rowA] = await db.select().from(endpoints).where(eq(endpoints.id, a));
    expect(rowA).toMatchObject({ status: 'DOWN', consecutiveFailures: 1, lastStatusCode: 500, lastCheckedAt: at(3) });
  });

  it('writes nothing twice when a batch whose answer was lost is written again', async () => {
    const a = await storedEndpoint();
    const incidentId = randomUUID();
    const batch = [result(a, 'opened', 1, { kind: 'opened', id: incidentId, startedAt: at(1), failureCount: 3, errorMessage: null }, 3)];
    expect(await storeBatch(db, batch)).toEqual([]);
    // The incident is ours already: no conflict the second time.
    expect(await storeBatch(db, batch)).toEqual([]);
    expect(await db.select().from(checkResults).where(eq(checkResults.endpointId, a))).toHaveLength(1);
    expect(await db.select().from(incidents).where(eq(incidents.endpointId, a))).toMatchObject([{ id: incidentId, failureCount: 3, resolvedAt: null }]);
  });

  it('resolves before it opens, and never lowers a stored count nor unresolves an incident', async () => {
    const a = await storedEndpoint();
    const first = randomUUID();
    const second = randomUUID();
    await storeBatch(db, [result(a, 'opened', 1, { kind: 'opened', id: first, startedAt: at(1), failureCount: 3, errorMessage: null })]);
    // One batch resolves the first incident and opens the next one: the one-open-per-endpoint index holds.
    await storeBatch(db, [
      result(a, 'plain', 2, { kind: 'continued', id: first, failureCount: 5 }),
      result(a, 'resolved', 3, { kind: 'resolved', id: first, resolvedAt: at(3), failureCount: 5 }),
      result(a, 'opened', 6, { kind: 'opened', id: second, startedAt: at(6), failureCount: 3, errorMessage: null }),
    ]);
    // An older attempt written again late.
    await storeBatch(db, [result(a, 'plain', 2, { kind: 'continued', id: first, failureCount: 4 })]);
    const stored = rowsOf<{ id: string; failure_count: number; resolved_at: unknown }>(
      await db.execute(sql`select id, failure_count, resolved_at from incidents where endpoint_id = ${a} order by started_at`),
    );
    expect(stored.map((r) => [r.id, r.failure_count, r.resolved_at !== null])).toEqual([
      [first, 5, true],
      [second, 3, false],
    ]);
  });
});

describe('two writers open an incident for one endpoint', () => {
  it('the second adopts the stored incident and does not announce another', async () => {
    const a = await storedEndpoint();
    const here = new MonitorRegistry();
    await here.load(db);
    const elsewhere = new MonitorRegistry();
    await elsewhere.load(db);

    // Another instance opened one first.
    const theirs = randomUUID();
    await new DatabaseResultStore(db, elsewhere).write([
      result(a, 'opened', 1, { kind: 'opened', id: theirs, startedAt: at(1), failureCount: 3, errorMessage: null }, 3),
    ]);

    // Ours, opened from a state that had not seen theirs.
    const ours = randomUUID();
    here.apply(a, { status: 'DOWN', consecutiveFailures: 3, openIncident: { id: ours, startedAt: at(2), failureCount: 3, errorMessage: null } });
    const write = result(a, 'opened', 2, { kind: 'opened', id: ours, startedAt: at(2), failureCount: 3, errorMessage: null }, 3);
    const store = new DatabaseResultStore(db, here);
    await store.write([write]);

    expect(here.get(a)!.state.openIncident).toEqual({ id: theirs, startedAt: at(1), failureCount: 3, errorMessage: null, causedBy: null });
    expect(here.get(a)!.state).toMatchObject({ status: 'DOWN', consecutiveFailures: 3 });
    expect(write.events.map(([name]) => name)).toEqual(['check:completed', 'endpoint:status-changed']);
    expect(await db.select().from(incidents).where(eq(incidents.endpointId, a))).toHaveLength(1);
    // The check itself is stored.
    expect(await db.select().from(checkResults).where(eq(checkResults.id, write.check.id))).toHaveLength(1);
    expect(store.stats).toEqual({ batches: 1, written: 1, lastBatchSize: 1 });
  });
});

describe('the database store', () => {
  it('leaves out the results of endpoints deleted meanwhile', async () => {
    const a = await storedEndpoint();
    const b = await storedEndpoint();
    const registry = new MonitorRegistry();
    await registry.load(db);
    registry.remove(b);
    await db.delete(endpoints).where(eq(endpoints.id, b));
    const store = new DatabaseResultStore(db, registry);
    await store.write([result(a, 'plain', 1), result(b, 'plain', 1)]);
    expect(
      (
        await db
          .select()
          .from(checkResults)
          .where(inArray(checkResults.endpointId, [a, b]))
      ).map((r) => r.endpointId),
    ).toEqual([a]);
    expect(store.stats).toEqual({ batches: 1, written: 1, lastBatchSize: 1 });
    await store.write([result(b, 'plain', 2)]);
    expect(store.stats.batches).toBe(1);
  });
});

describe('the database store, when the registry still holds a deleted endpoint', () => {
  it('stores the rest of the batch and leaves out the results whose endpoint row is gone', async () => {
    const a = await storedEndpoint();
    const b = await storedEndpoint();
    const registry = new MonitorRegistry();
    await registry.load(db);
    // b's row is gone but the registry was not told (the race the foreign key once caught).
    await db.delete(endpoints).where(eq(endpoints.id, b));
    const store = new DatabaseResultStore(db, registry);
    await store.write([result(a, 'plain', 1), result(b, 'plain', 1), result(a, 'plain', 2)]);
    const stored = await db
      .select()
      .from(checkResults)
      .where(inArray(checkResults.endpointId, [a, b]));
    expect(stored.map((r) => r.endpointId)).toEqual([a, a]);
    expect(store.stats).toMatchObject({ written: 2, lastBatchSize: 2 });
  });
});

describe('a result the database refuses as values', () => {
  it('is set aside, counted and announced; the results of the same batch and behind it are written', async () => {
    const [a, b, c] = [await storedEndpoint(), await storedEndpoint(), await storedEndpoint()];
    const registry = new MonitorRegistry();
    await registry.load(db);
    const bus = new EventBus((error) => {
      throw error;
    });
    const heard: string[] = [];
    bus.on('check:completed', (e) => heard.push(e.checkId));
    const unwritable: string[] = [];
    const failures: unknown[] = [];
    const writer = new ResultWriter({
      store: new DatabaseResultStore(db, registry),
      bus,
      registry,
      batchSize: 100,
      gatherMs: 0,
      onFailure: (failure) => failures.push(failure.error),
      onUnwritable: ({ write }) => unwritable.push(write.check.id),
    });
    // A lone surrogate escaped into JSON: jsonb refuses it (SQLSTATE 22P02), now and at every retry.
    const poisoned = result(b, 'plain', 2);
    poisoned.check.failedAssertions = [{ index: 0, severity: 'DOWN', subject: 'body', expected: 'x', actual: '\ud800', message: '\ud800' }];
    const batch = [result(a, 'plain', 1), poisoned, result(c, 'plain', 3)];
    for (const write of batch) writer.enqueue(write);
    await writer.drain();
    const behind = result(a, 'plain', 4);
    writer.enqueue(behind);
    await writer.drain();

    const stored = await db
      .select({ id: checkResults.id })
      .from(checkResults)
      .where(inArray(checkResults.endpointId, [a, b, c]));
    expect(stored.map((r) => r.id).sort()).toEqual([batch[0]!.check.id, batch[2]!.check.id, behind.check.id].sort());
    expect(unwritable).toEqual([poisoned.check.id]);
    expect(writer.stats).toMatchObject({ unwritable: 1, dropped: 0 });
    expect(writer.pending).toBe(0);
    // Every check was announced, the refused one too (it happened; it is only not stored).
    expect(heard.sort()).toEqual([...batch, behind].map((w) => w.check.id).sort());
    expect(failures).toEqual([]);
  });
});
