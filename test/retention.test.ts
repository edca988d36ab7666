import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.ts';
import type { Check, Uptime } from '../server/contract/types.ts';
import { getUptime } from '../server/services/checks/uptime.ts';
import { DAY_MS, floorHour, HOUR_MS } from '../server/services/retention/hours.ts';
import { RetentionJob, type RetentionBatch, type RetentionOptions } from '../server/services/retention/retention-job.ts';
import { deleteCheckResultsBatch } from '../server/services/retention/prune-check-results.ts';
import { rollUpNextHours } from '../server/services/retention/roll-up-checks.ts';
import { loadSettings, SettingsError } from '../server/settings.ts';
import { endpointInput, postEndpoint } from './support/endpoints.ts';
import type { TargetServer } from './support/target-server.ts';
import { driver, type TestVigil, useTargetServer, useVigilPerTest } from './support/vigil.ts';

const MINUTE_MS = 60_000;
/** Seeded results are 10 minutes apart, 5 minutes off the window edges (so a test's few seconds move no result across one). */
const SPACING_MS = 10 * MINUTE_MS;
const SEEDED_DAYS = 40;

let target: TargetServer;
useTargetServer((t) => (target = t));
/** A Vigil whose own retention job is stopped: each test runs a job of its own, as of a time it chooses. */
const startVigil = useVigilPerTest((vigil) => vigil.retention.stop());

function jobFor(v: TestVigil, options: Partial<RetentionOptions> = {}): RetentionJob {
  return new RetentionJob(v.database.db, {
    checkRetentionDays: v.settings.checkRetentionDays,
    rollupRetentionDays: v.settings.rollupRetentionDays,
    vacuum: driver === 'pglite',
    pauseMs: 0,
    ...options,
  });
}

const createEndpoint = (v: TestVigil, name: string) => postEndpoint(v, endpointInput(target, `/${name}`, { name }));

/**
 * Writes `days` of results for an endpoint straight into the database, oldest first as Vigil does,
 * newest at `newest`, one every 10 minutes, with a mix of UP, DEGRADED and DOWN and varied response times (`salt` varies
 * the mix between endpoints). Resolves with the number written.
 */
async function seedChecks(v: TestVigil, endpointId: string, newest: Date, days = SEEDED_DAYS, salt = 0): Promise<number> {
  const count = Math.round((days * DAY_MS) / SPACING_MS);
  await v.database.db.execute(sql`
    insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
    select gen_random_uuid(), ${endpointId}::uuid,
      case when (n + ${salt}) % 10 = 3 then 'DOWN' when (n + ${salt}) % 7 = 1 then 'DEGRADED' else 'UP' end,
      20 + ((n + ${salt}) * 37) % 500,
      case when (n + ${salt}) % 10 = 3 then 503 else 200 end, null,
      ${newest.toISOString()}::timestamptz - n * interval '10 minutes'
    from generate_series(${count - 1}::int, 0, -1) as n`);
  return count;
}

async function scalar(v: TestVigil, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = rowsOf<{ value: number | string }>(await v.database.db.execute(query));
  return Number(row?.value);
}

const rawCount = (v: TestVigil, endpointId: string, before?: Date) =>
  scalar(
    v,
    sql`select count(*)::int as value from check_results where endpoint_id = ${endpointId}::uuid
      ${before ? sql`and checked_at < ${before.toISOString()}::timestamptz` : sql``}`,
  );

/** Every rollup row of an endpoint, oldest first. */
async function rollupsOf(v: TestVigil, endpointId: string) {
  const result = await v.database.db.execute(sql`
    select (extract(epoch from hour) * 1000)::float8 as hour, checks, up, degraded, down, response_time_sum::float8 as response_time_sum
    from check_rollups_hourly where endpoint_id = ${endpointId}::uuid order by hour`);
  return rowsOf<{ hour: number; checks: number; up: number; degraded: number; down: number; response_time_sum: number }>(result);
}

/** What the hourly rollups of an endpoint must hold, computed from its raw results. */
async function hourlyFromRaw(v: TestVigil, endpointId: string, before: Date) {
  const result = await v.database.db.execute(sql`
    select (extract(epoch from date_trunc('hour', checked_at, 'UTC')) * 1000)::float8 as hour, count(*)::int as checks,
      count(*) filter (where status = 'UP')::int as up, count(*) filter (where status = 'DEGRADED')::int as degraded,
      count(*) filter (where status = 'DOWN')::int as down,
      coalesce(sum(response_time) filter (where status <> 'DOWN'), 0)::float8 as response_time_sum
    from check_results where endpoint_id = ${endpointId}::uuid and checked_at < ${before.toISOString()}::timestamptz
    group by 1 order by 1`);
  return rowsOf<{ hour: number }>(result);
}

const uptimeAt = (v: TestVigil, endpointId: string, now: Date) => getUptime({ db: v.database.db }, endpointId, now);

describe('retention of check results', () => {
  it('deletes raw results older than CHECK_RETENTION_DAYS, keeps the newer ones, and rolls up every pruned hour first', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'thirty-days');
    const now = new Date();
    const seeded = await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const cutoff = floorHour(new Date(now.getTime() - 30 * DAY_MS));
    const olderThanCutoff = await rawCount(v, endpoint.id, cutoff);
    const watermark = floorHour(new Date(now.getTime() - 5 * MINUTE_MS));
    const expectedRollups = await hourlyFromRaw(v, endpoint.id, watermark);
    expect(olderThanCutoff).toBeGreaterThan(1000);

    const report = await jobFor(v).runOnce(now);

    expect(report.rawRowsPruned).toBe(olderThanCutoff);
    expect(report.rawPrunedBefore).toEqual(cutoff);
    expect(await rawCount(v, endpoint.id, cutoff)).toBe(0);
    expect(await rawCount(v, endpoint.id)).toBe(seeded - olderThanCutoff);
    // Every hour from the oldest result up to the last completed one (the 5-minute grace) is rolled up, pruned or not.
    expect(report.hoursRolledUp).toBe(
      (watermark.getTime() - floorHour(new Date(now.getTime() - 5 * MINUTE_MS - SEEDED_DAYS * DAY_MS + SPACING_MS)).getTime()) / HOUR_MS,
    );
    expect(await rollupsOf(v, endpoint.id)).toEqual(expectedRollups);
    const rolledChecks = (await rollupsOf(v, endpoint.id)).filter((r) => r.hour < cutoff.getTime()).reduce((sum, r) => sum + r.checks, 0);
    expect(rolledChecks).toBe(olderThanCutoff);
  });

  it('answers the same uptime for 24 h, 7 and 30 days after pruning as before', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'same-uptime');
    const other = await createEndpoint(v, 'other-endpoint');
    await seedChecks(v, endpoint.id, new Date(Date.now() - 5 * MINUTE_MS));
    await seedChecks(v, other.id, new Date(Date.now() - 5 * MINUTE_MS), SEEDED_DAYS, 5);
    const before = await v.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);
    const otherBefore = await v.api<Uptime>('GET', `/api/endpoints/${other.id}/uptime`);
    expect(before.body['30d'].checks).toBe(30 * 144);
    expect(before.body['30d'].uptime).toBeGreaterThan(80);
    expect(before.body['30d'].uptime).toBeLessThan(95);

    const report = await jobFor(v).runOnce();
    expect(report.rawRowsPruned).toBeGreaterThan(0);

    const after = await v.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect((await v.api<Uptime>('GET', `/api/endpoints/${other.id}/uptime`)).body).toEqual(otherBefore.body);
  });

  it('keeps uptime exact with CHECK_RETENTION_DAYS=1, the 7 and 30 day windows coming from rollups', async () => {
    const v = await startVigil({ CHECK_RETENTION_DAYS: '1' });
    const endpoint = await createEndpoint(v, 'one-day');
    // On the hour: every window starts on an hour boundary, so whole-hour rollups cover it exactly.
    const now = floorHour(new Date());
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const before = await uptimeAt(v, endpoint.id, now);

    const report = await jobFor(v).runOnce(now);

    expect(report.rawPrunedBefore).toEqual(new Date(now.getTime() - DAY_MS));
    expect(await rawCount(v, endpoint.id)).toBe(144);
    expect(await uptimeAt(v, endpoint.id, now)).toEqual(before);
    expect(before['7d'].checks).toBe(7 * 144);
    // And an hour later, with the hour just gone pruned as well.
    const later = new Date(now.getTime() + HOUR_MS);
    const beforeLater = await uptimeAt(v, endpoint.id, later);
    await jobFor(v).runOnce(later);
    expect(await rawCount(v, endpoint.id)).toBe(138);
    expect(await uptimeAt(v, endpoint.id, later)).toEqual(beforeLater);
  });

  it('starts a window that reaches past the raw results on an hour boundary', async () => {
    const v = await startVigil({ CHECK_RETENTION_DAYS: '1' });
    const endpoint = await createEndpoint(v, 'hour-boundary');
    const now = new Date(floorHour(new Date()).getTime() + 30 * MINUTE_MS);
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const since = new Date(now.getTime() - 7 * DAY_MS);
    // Before pruning, the 7-day window starts at `since`, half past the hour; after, at the hour before it.
    const fromTheHour = await scalar(
      v,
      sql`select count(*)::int as value from check_results where endpoint_id = ${endpoint.id}::uuid
        and checked_at >= ${floorHour(since).toISOString()}::timestamptz and checked_at <= ${now.toISOString()}::timestamptz`,
    );
    const before = await uptimeAt(v, endpoint.id, now);
    expect(fromTheHour - before['7d'].checks).toBe(3);

    await jobFor(v).runOnce(now);

    const after = await uptimeAt(v, endpoint.id, now);
    expect(after['7d'].checks).toBe(fromTheHour);
    expect(after['24h']).toEqual(before['24h']);
  });

  it('changes nothing when run again', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'idempotent');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const job = jobFor(v);
    await job.runOnce(now);
    const rollups = await rollupsOf(v, endpoint.id);
    const raw = await rawCount(v, endpoint.id);
    const uptime = await uptimeAt(v, endpoint.id, now);

    const again = await job.runOnce(now);
    const byAnotherJob = await jobFor(v).runOnce(now);

    const nothingDone = { hoursRolledUp: 0, rawRowsPruned: 0, rollupRowsPruned: 0 };
    expect({ again, byAnotherJob }).toMatchObject({ again: nothingDone, byAnotherJob: nothingDone });
    expect(await rollupsOf(v, endpoint.id)).toEqual(rollups);
    expect(await rawCount(v, endpoint.id)).toBe(raw);
    expect(await uptimeAt(v, endpoint.id, now)).toEqual(uptime);
  });

  it('deletes at most batchSize rows per statement, only from the span it is given', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'batches');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const cutoff = floorHour(new Date(now.getTime() - 30 * DAY_MS));
    const toPrune = await rawCount(v, endpoint.id, cutoff);
    const span = { from: new Date(cutoff.getTime() - 3 * HOUR_MS), to: new Date(cutoff.getTime() - 2 * HOUR_MS) };
    const inSpan = () =>
      scalar(
        v,
        sql`select count(*)::int as value from check_results
        where checked_at >= ${span.from.toISOString()}::timestamptz and checked_at < ${span.to.toISOString()}::timestamptz`,
      );
    expect(await inSpan()).toBe(6);

    expect(await deleteCheckResultsBatch(v.database.db, span.from, span.to, 4)).toBe(4);
    expect(await inSpan()).toBe(2);
    expect(await rawCount(v, endpoint.id, cutoff)).toBe(toPrune - 4);
    expect(await deleteCheckResultsBatch(v.database.db, span.from, span.to, 4)).toBe(2);

    while (await rollUpNextHours(v.database.db, { now, graceMs: 5 * MINUTE_MS, maxHours: 24 }));
    const report = await jobFor(v, { batchSize: 4 }).runOnce(now);
    expect(report.rawRowsPruned).toBe(toPrune - 6);
    expect(report.deleteBatches).toBeGreaterThanOrEqual((toPrune - 6) / 4);
    expect(await rawCount(v, endpoint.id, cutoff)).toBe(0);
  });

  it('reclaims the space of deleted rows, so that the table stops growing', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'vacuum');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const heapBytes = () => scalar(v, sql`select pg_relation_size('check_results')::float8 as value`);
    const before = await heapBytes();

    const report = await jobFor(v, { vacuum: true }).runOnce(now);
    // As many new results as were pruned: they fit in the space the pruned ones left.
    await seedChecks(v, endpoint.id, new Date(now.getTime() + 10 * DAY_MS), report.rawRowsPruned / 144);

    expect(report.rawRowsPruned).toBeGreaterThan(1400);
    // Without the VACUUM the heap would grow by about a quarter.
    expect(await heapBytes()).toBeLessThanOrEqual(before * 1.02);
  });

  it('rolls up at most maxHours hours per transaction, carrying on from where the last one stopped', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'catch-up');
    const now = new Date();
    const newest = new Date(now.getTime() - 5 * MINUTE_MS);
    await seedChecks(v, endpoint.id, newest, 2);
    const oldestHour = floorHour(new Date(newest.getTime() - 2 * DAY_MS + SPACING_MS)).getTime();
    const expected = await hourlyFromRaw(v, endpoint.id, floorHour(newest));
    const options = { now, graceMs: 5 * MINUTE_MS, maxHours: 5 };

    const first = await rollUpNextHours(v.database.db, options);
    expect(first).toMatchObject({ from: new Date(oldestHour), to: new Date(oldestHour + 5 * HOUR_MS), complete: true });
    expect(await rollupsOf(v, endpoint.id)).toEqual(expected.slice(0, 5));
    const second = await rollUpNextHours(v.database.db, options);
    expect(second).toMatchObject({ from: new Date(oldestHour + 5 * HOUR_MS), to: new Date(oldestHour + 10 * HOUR_MS), complete: true });
    expect(await rollupsOf(v, endpoint.id)).toEqual(expected.slice(0, 10));

    while (await rollUpNextHours(v.database.db, options));
    expect(await rollupsOf(v, endpoint.id)).toEqual(expected);
  });

  it('steps over weeks without results in one transaction', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'gap');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 25 * DAY_MS), 1);
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS), 1);
    const expected = await hourlyFromRaw(v, endpoint.id, floorHour(new Date(now.getTime() - 5 * MINUTE_MS)));
    const rollups: RetentionBatch[] = [];

    await jobFor(v, { onBatch: (b) => b.step === 'rollup' && rollups.push(b) }).runOnce(now);

    // A day at a time, the 24 empty days alone would take 24 transactions.
    expect(rollups.length).toBeLessThan(16);
    expect(await rollupsOf(v, endpoint.id)).toEqual(expected);
    // Two seeded days, 25 days apart: 47 to 49 whole hours, depending on the minute the test runs.
    expect(expected.length).toBeGreaterThanOrEqual(47);
  });

  it('rolls up an hour a few endpoints at a time, moving the watermark only once all are done', async () => {
    const v = await startVigil();
    const ids = [];
    for (const name of ['chunk-a', 'chunk-b', 'chunk-c']) ids.push((await createEndpoint(v, name)).id);
    const now = new Date(floorHour(new Date()).getTime() + 10 * MINUTE_MS);
    const lastHour = floorHour(now).getTime() - HOUR_MS;
    for (const id of ids) await seedChecks(v, id, new Date(lastHour + HOUR_MS - 5 * MINUTE_MS), 1 / 24);
    const options = { now, graceMs: 5 * MINUTE_MS, maxHours: 1, maxEndpoints: 2 };
    const state = () => scalar(v, sql`select (extract(epoch from rolled_up_to) * 1000)::float8 as value from retention_state`);

    const first = await rollUpNextHours(v.database.db, options);
    expect(first).toMatchObject({ from: new Date(lastHour), endpoints: 2, totalEndpoints: 3, rows: 12, complete: false });
    expect(await state()).toBe(lastHour);
    const uptimeMidway = await uptimeAt(v, ids[0]!, now);
    const second = await rollUpNextHours(v.database.db, { ...options, resume: first!.next });

    expect(second).toMatchObject({ from: new Date(lastHour), endpoints: 1, rows: 6, complete: true, next: null });
    expect(await state()).toBe(lastHour + HOUR_MS);
    for (const id of ids) expect((await rollupsOf(v, id)).map((r) => r.checks)).toEqual([6]);
    expect(uptimeMidway['24h'].checks).toBe(6);
    expect(await uptimeAt(v, ids[0]!, now)).toEqual(uptimeMidway);
  });

  it('counts a check written after the run', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'after-the-run');
    await seedChecks(v, endpoint.id, new Date(Date.now() - 5 * MINUTE_MS));
    await jobFor(v).runOnce();
    const before = (await v.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body;

    const check = await v.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
    expect(check.body.status).toBe('UP');

    const after = (await v.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body;
    for (const window of ['24h', '7d', '30d'] as const) {
      expect(after[window].checks, window).toBe(before[window].checks + 1);
      expect(after[window].uptime!, window).toBeGreaterThan(before[window].uptime!);
    }
  });

  it('leaves the hour in progress, and the few minutes after an hour, to raw results', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'grace');
    const now = new Date(floorHour(new Date()).getTime() + 3 * MINUTE_MS);
    await seedChecks(v, endpoint.id, new Date(now.getTime() - MINUTE_MS), 1);

    await jobFor(v).runOnce(now);

    // 3 minutes into the hour, the hour before is still in its 5-minute grace: not rolled up yet.
    const newest = (await rollupsOf(v, endpoint.id)).at(-1)!;
    expect(newest.hour).toBe(now.getTime() - 3 * MINUTE_MS - 2 * HOUR_MS);
    await jobFor(v).runOnce(new Date(now.getTime() + 3 * MINUTE_MS));
    expect((await rollupsOf(v, endpoint.id)).at(-1)!.hour).toBe(now.getTime() - 3 * MINUTE_MS - HOUR_MS);
  });

  it('deletes rollups older than ROLLUP_RETENTION_DAYS', async () => {
    const v = await startVigil({ CHECK_RETENTION_DAYS: '2', ROLLUP_RETENTION_DAYS: '35' });
    const endpoint = await createEndpoint(v, 'old-rollups');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const cutoff = floorHour(new Date(now.getTime() - 35 * DAY_MS)).getTime();

    const report = await jobFor(v, { batchSize: 50 }).runOnce(now);

    const rollups = await rollupsOf(v, endpoint.id);
    expect(rollups[0]!.hour).toBe(cutoff);
    expect(report.rollupRowsPruned).toBeGreaterThan(100);
    expect(report.rollupRowsPruned + rollups.length).toBe(report.hoursRolledUp);
  });

  it('deletes the rollups of a deleted endpoint', async () => {
    const v = await startVigil();
    const gone = await createEndpoint(v, 'deleted');
    const kept = await createEndpoint(v, 'kept');
    await seedChecks(v, gone.id, new Date(Date.now() - 5 * MINUTE_MS), 3);
    await seedChecks(v, kept.id, new Date(Date.now() - 5 * MINUTE_MS), 3);
    await jobFor(v).runOnce();
    expect((await rollupsOf(v, gone.id)).length).toBeGreaterThan(70);

    expect((await v.api('DELETE', `/api/endpoints/${gone.id}`)).status).toBe(204);

    expect(await rollupsOf(v, gone.id)).toEqual([]);
    expect((await rollupsOf(v, kept.id)).length).toBeGreaterThan(70);
  });

  it('stops between batches when told to, and the next run finishes the work', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'stopping');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const toPrune = await rawCount(v, endpoint.id, floorHour(new Date(now.getTime() - 30 * DAY_MS)));
    const expected = await hourlyFromRaw(v, endpoint.id, floorHour(new Date(now.getTime() - 5 * MINUTE_MS)));
    const job = jobFor(v, { batchSize: 100, pauseMs: 20, maxHoursPerTransaction: 24 });

    const run = job.runOnce(now);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await job.stop();
    const stopped = await run;

    expect(stopped.rawRowsPruned).toBeLessThan(toPrune);
    const finished = await jobFor(v).runOnce(now);
    expect(stopped.rawRowsPruned + finished.rawRowsPruned).toBe(toPrune);
    expect(stopped.hoursRolledUp + finished.hoursRolledUp).toBe(expected.length);
    expect(await rollupsOf(v, endpoint.id)).toEqual(expected);
  });

  it('does each hour once when two jobs share the database', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'two-instances');
    const now = new Date();
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS));
    const toPrune = await rawCount(v, endpoint.id, floorHour(new Date(now.getTime() - 30 * DAY_MS)));
    const expected = await hourlyFromRaw(v, endpoint.id, floorHour(new Date(now.getTime() - 5 * MINUTE_MS)));

    const reports = await Promise.all([jobFor(v, { batchSize: 200 }).runOnce(now), jobFor(v, { batchSize: 200 }).runOnce(now)]);
    // Whichever was locked out stopped early; a later run completes what it left.
    const rest = await jobFor(v).runOnce(now);

    const all = [...reports, rest];
    expect(all.reduce((sum, r) => sum + r.hoursRolledUp, 0)).toBe(expected.length);
    expect(all.reduce((sum, r) => sum + r.rawRowsPruned, 0)).toBe(toPrune);
  });
});

describe('retention settings', () => {
  it.each([
    ['CHECK_RETENTION_DAYS', '0'],
    ['CHECK_RETENTION_DAYS', '1.5'],
    ['ROLLUP_RETENTION_DAYS', '0'],
    ['ROLLUP_RETENTION_DAYS', 'forever'],
    ['ROLLUP_RETENTION_DAYS', '29'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(SettingsError);
    expect(() => loadSettings({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });

  it('refuses rollups kept for less time than the raw results they sum up', () => {
    expect(() => loadSettings({ CHECK_RETENTION_DAYS: '90', ROLLUP_RETENTION_DAYS: '60' })).toThrow(
      /ROLLUP_RETENTION_DAYS: must be at least CHECK_RETENTION_DAYS \(90\)/,
    );
  });

  it('keeps raw results 30 days and rollups 400 days unless told otherwise', () => {
    expect(loadSettings({})).toMatchObject({ checkRetentionDays: 30, rollupRetentionDays: 400 });
    expect(loadSettings({ CHECK_RETENTION_DAYS: '7', ROLLUP_RETENTION_DAYS: '90' })).toMatchObject({ checkRetentionDays: 7, rollupRetentionDays: 90 });
  });
});
