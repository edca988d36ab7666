import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.ts';
import type { Check, RecentChecks } from '../server/contract/types.ts';
import { uptime24hOfAll } from '../server/services/checks/uptime-24h.ts';
import { floorHour, HOUR_MS } from '../server/services/retention/hours.ts';
import { rollUpNextHours } from '../server/services/retention/roll-up-checks.ts';
import { endpointInput, postEndpoint } from './support/endpoints.ts';
import type { TargetServer } from './support/target-server.ts';
import { type TestVigil, useTargetServer, useVigilPerTest } from './support/vigil.ts';

const MINUTE_MS = 60_000;

let target: TargetServer;
useTargetServer((t) => (target = t));
const startVigil = useVigilPerTest((vigil) => vigil.retention.stop());

const createEndpoint = (v: TestVigil, name: string) => postEndpoint(v, endpointInput(target, `/${name}`, { name }));

/** `hours` of results, one every 7 minutes up to `newest`, every `downEvery`-th one DOWN. */
async function seedChecks(v: TestVigil, endpointId: string, newest: Date, hours: number, downEvery: number) {
  const count = Math.floor((hours * HOUR_MS) / (7 * MINUTE_MS));
  await v.database.db.execute(sql`
    insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
    select gen_random_uuid(), ${endpointId}::uuid,
      case when n % ${downEvery} = 0 then 'DOWN' when n % 5 = 1 then 'DEGRADED' else 'UP' end,
      30 + n % 200, 200, null, ${newest.toISOString()}::timestamptz - n * interval '7 minutes'
    from generate_series(${count - 1}::int, 0, -1) as n`);
}

/** What counting every raw result in [since, now] gives. */
async function rawCounts(v: TestVigil, endpointId: string, since: Date, now: Date) {
  const [row] = rowsOf<{ checks: number; up: number }>(
    await v.database.db.execute(sql`
      select count(*)::int as checks, (count(*) filter (where status <> 'DOWN'))::int as up from check_results
      where endpoint_id = ${endpointId}::uuid and checked_at >= ${since.toISOString()}::timestamptz and checked_at <= ${now.toISOString()}::timestamptz`),
  );
  return row!;
}

async function rollUpEverything(v: TestVigil, now: Date) {
  while (await rollUpNextHours(v.database.db, { now, graceMs: 5 * MINUTE_MS, maxHours: 24 }));
}

describe('uptime over 24 hours for every endpoint (GET /api/checks/recent → uptime24h)', () => {
  it('counts the checks since the start of the hour 23 hours ago, the same from raw results as from rollups plus raw', async () => {
    const v = await startVigil();
    const a = await createEndpoint(v, 'uptime-a');
    const b = await createEndpoint(v, 'uptime-b');
    const never = await createEndpoint(v, 'uptime-never');
    const now = new Date();
    await seedChecks(v, a.id, new Date(now.getTime() - MINUTE_MS), 40, 4);
    await seedChecks(v, b.id, new Date(now.getTime() - 2 * MINUTE_MS), 30, 9);
    const since = new Date(floorHour(now).getTime() - 23 * HOUR_MS);
    const expectedA = await rawCounts(v, a.id, since, now);
    const expectedB = await rawCounts(v, b.id, since, now);
    expect(expectedA.checks).toBeGreaterThan(190);
    expect(expectedA.up).toBeLessThan(expectedA.checks);

    const fromRaw = await uptime24hOfAll(v.database.db, now);
    await rollUpEverything(v, now);
    const [state] = rowsOf<{ rolled_up_to: Date | string }>(await v.database.db.execute(sql`select rolled_up_to from retention_state`));
    // The rollups now cover all but the last hour or so: most of the window comes from them.
    expect(new Date(state!.rolled_up_to).getTime()).toBeGreaterThan(now.getTime() - 2 * HOUR_MS);
    const fromRollups = await uptime24hOfAll(v.database.db, now);

    for (const [source, result] of Object.entries({ fromRaw, fromRollups })) {
      expect(result.since, source).toEqual(since);
      expect(result.byEndpoint[a.id], source).toEqual({ ...expectedA, through: new Date(now.getTime() - MINUTE_MS).toISOString() });
      expect(result.byEndpoint[b.id], source).toEqual({ ...expectedB, through: new Date(now.getTime() - 2 * MINUTE_MS).toISOString() });
      expect(result.byEndpoint[never.id], source).toEqual({ checks: 0, up: 0, through: null });
    }
  });

  it('answers the counts beside the strips, and a new check moves them and their `through`', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'uptime-live');
    target.setMode('/uptime-live', { kind: 'ok', status: 500 });
    const down = (await v.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`)).body;
    target.setMode('/uptime-live', { kind: 'ok' });
    const up = (await v.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`)).body;
    expect([down.status, up.status]).toEqual(['DOWN', 'UP']);

    const res = await v.api<RecentChecks>('GET', '/api/checks/recent?perEndpoint=1');

    expect(res.status).toBe(200);
    expect(res.body.items[endpoint.id]).toEqual([{ status: 'UP', responseTime: up.responseTime, maintenance: false, checkedAt: up.checkedAt }]);
    expect(res.body.uptime24h).toEqual({ [endpoint.id]: { checks: 2, up: 1, through: up.checkedAt } });
    expect(Date.parse(res.body.uptime24hSince)).toBe(floorHour(new Date()).getTime() - 23 * HOUR_MS);
  });
});
