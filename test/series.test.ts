import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.ts';
import type { Check, Endpoint, ResponseSeries } from '../server/contract/types.ts';
import { bucketSeconds } from '../server/domain/series-query.ts';
import { getResponseSeries } from '../server/services/checks/series.ts';
import { DAY_MS, floorHour, HOUR_MS } from '../server/services/retention/hours.ts';
import { RetentionJob } from '../server/services/retention/retention-job.ts';
import { endpointInput, postEndpoint } from './support/endpoints.ts';
import type { TargetServer } from './support/target-server.ts';
import { driver, type TestVigil, useTargetServer, useVigilPerTest } from './support/vigil.ts';

const MINUTE_MS = 60_000;
const RANGE_MS = { '1h': HOUR_MS, '6h': 6 * HOUR_MS, '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS } as const;

let target: TargetServer;
useTargetServer((t) => (target = t));
// Each test runs the retention job itself, as of a time it chooses.
const startVigil = useVigilPerTest((vigil) => vigil.retention.stop());

const createEndpoint = (v: TestVigil, name: string, fields: Partial<Endpoint> = {}) => postEndpoint(v, endpointInput(target, `/${name}`, { name, ...fields }));

/** Results every 10 minutes for `days`, newest at `newest`: mostly UP, every 10th DOWN, every 7th DEGRADED. */
async function seedChecks(v: TestVigil, endpointId: string, newest: Date, days: number): Promise<void> {
  await v.database.db.execute(sql`
    insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
    select gen_random_uuid(), ${endpointId}::uuid,
      case when n % 10 = 3 then 'DOWN' when n % 7 = 1 then 'DEGRADED' else 'UP' end,
      20 + (n * 37) % 500, case when n % 10 = 3 then 503 else 200 end, null,
      ${newest.toISOString()}::timestamptz - n * interval '10 minutes'
    from generate_series(${Math.round((days * DAY_MS) / (10 * MINUTE_MS)) - 1}::int, 0, -1) as n`);
}

const rawCount = async (v: TestVigil, endpointId: string) =>
  Number(rowsOf<{ n: number }>(await v.database.db.execute(sql`select count(*)::int as n from check_results where endpoint_id = ${endpointId}::uuid`))[0]?.n);

/** The answer's schema in the served OpenAPI document, as a validator. */
async function documentedSchema(v: TestVigil) {
  const doc = (await v.api('GET', '/api/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const schema = doc.paths['/api/endpoints/{id}/series'].get.responses['200'].content['application/json'].schema;
  return ajv.compile({ ...schema, components: doc.components });
}

const sum = (series: ResponseSeries, field: 'checks' | 'up' | 'degraded' | 'down') => series.points.reduce((n, p) => n + p[field], 0);

describe('GET /api/endpoints/:id/series', () => {
  it.each(Object.keys(RANGE_MS) as (keyof typeof RANGE_MS)[])(
    'spans exactly range=%s up to now for a brand-new endpoint, with no points yet',
    async (range) => {
      const v = await startVigil();
      const endpoint = await createEndpoint(v, 'brand-new');
      const validate = await documentedSchema(v);
      const before = Date.now();
      const res = await v.api<ResponseSeries>('GET', `/api/endpoints/${endpoint.id}/series?range=${range}`);
      expect(res.status).toBe(200);
      expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
      expect(res.body.range).toBe(range);
      expect(res.body.points).toEqual([]);
      const to = Date.parse(res.body.to);
      expect(to).toBeGreaterThanOrEqual(before - 5);
      expect(to).toBeLessThanOrEqual(Date.now() + 5);
      expect(to - Date.parse(res.body.from)).toBe(RANGE_MS[range]);
      expect(res.body.bucketSeconds).toBe(bucketSeconds(range));
    },
  );

  it('spans the last 24 hours without ?range', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'brand-new');
    expect((await v.api<ResponseSeries>('GET', `/api/endpoints/${endpoint.id}/series`)).body.range).toBe('24h');
  });

  it('counts real checks, UP and DOWN, in the bucket they fell in, averaging only the answered ones', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'real-checks');
    target.setMode('/real-checks', { kind: 'ok' });
    const up = await v.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
    target.setMode('/real-checks', { kind: 'ok', status: 500 });
    const down = await v.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
    expect([up.body.status, down.body.status]).toEqual(['UP', 'DOWN']);

    const res = await v.api<ResponseSeries>('GET', `/api/endpoints/${endpoint.id}/series?range=1h`);
    expect(res.status).toBe(200);
    expect(res.body.bucketSeconds).toBe(10);
    expect(sum(res.body, 'checks')).toBe(2);
    expect(sum(res.body, 'up')).toBe(1);
    expect(sum(res.body, 'down')).toBe(1);
    const upPoint = res.body.points.find((p) => p.up === 1)!;
    const downOnly = res.body.points.find((p) => p.down === 1 && p.up === 0);
    expect(upPoint.avgResponseTime).toBe(up.body.responseTime);
    // A bucket of DOWN checks only has no response time: it is shown as DOWN, not as a fast answer.
    if (downOnly) expect(downOnly.avgResponseTime).toBeNull();
    for (const p of res.body.points) {
      const at = Date.parse(p.at);
      expect(at % 10_000).toBe(0);
      const checkedAt = Date.parse(p.up ? up.body.checkedAt : down.body.checkedAt);
      if (p.checks === 1) expect(checkedAt - at).toBeLessThan(10_000);
    }
  });

  it('serves 7 and 30 days from the hourly rollups once raw results are pruned (CHECK_RETENTION_DAYS=1), answering the same as before', async () => {
    const v = await startVigil({ CHECK_RETENTION_DAYS: '1' });
    const endpoint = await createEndpoint(v, 'rolled-up', { intervalSeconds: 600 });
    const now = new Date(floorHour(new Date()).getTime() + 30 * MINUTE_MS);
    await seedChecks(v, endpoint.id, new Date(now.getTime() - 5 * MINUTE_MS), 40);
    const series = (range: '7d' | '30d' | '24h') => getResponseSeries({ db: v.database.db }, endpoint.id, { range }, now);
    const before = { '7d': await series('7d'), '30d': await series('30d'), '24h': await series('24h') };

    await new RetentionJob(v.database.db, { checkRetentionDays: 1, rollupRetentionDays: 400, vacuum: driver === 'pglite', pauseMs: 0 }).runOnce(now);

    expect(await rawCount(v, endpoint.id)).toBeLessThan(24 * 6 + 6);
    for (const range of ['7d', '30d', '24h'] as const) expect(await series(range)).toEqual(before[range]);
    const month = before['30d'];
    expect(month.bucketSeconds).toBe(3600);
    // Every hour of the 30 days had checks: one point per hour, from the hour that holds `from`.
    expect(month.points).toHaveLength(30 * 24 + 1);
    expect(month.points[0]!.at).toBe(floorHour(new Date(month.from)).toISOString());
    expect(sum(month, 'checks')).toBe(30 * 24 * 6 + 3);
    expect(sum(month, 'down')).toBeGreaterThan(0);
    expect(sum(month, 'degraded')).toBeGreaterThan(0);
    expect(sum(month, 'up') + sum(month, 'degraded') + sum(month, 'down')).toBe(sum(month, 'checks'));
    // 24 h stays on raw results, in 5-minute buckets.
    expect(before['24h'].bucketSeconds).toBe(300);
    expect(sum(before['24h'], 'checks')).toBe(144);
  });

  it('refuses an unknown range, a malformed id and an unknown endpoint with precise problems', async () => {
    const v = await startVigil();
    const endpoint = await createEndpoint(v, 'bad-input');
    const badRange = await v.api('GET', `/api/endpoints/${endpoint.id}/series?range=2h`);
    expect(badRange.status).toBe(400);
    expect(badRange.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(badRange.body.errors).toEqual([
      { path: 'range', message: 'must be one of 1h, 6h, 24h, 7d, 30d', code: 'invalid_choice', params: { allowed: '1h, 6h, 24h, 7d, 30d' } },
    ]);
    expect((await v.api('GET', `/api/endpoints/${endpoint.id}/series?range=`)).status).toBe(400);
    const badId = await v.api('GET', '/api/endpoints/not-a-uuid/series?range=1h');
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([expect.objectContaining({ path: 'id', message: 'must be a UUID' })]);
    expect((await v.api('GET', '/api/endpoints/00000000-0000-4000-8000-000000000000/series?range=1h')).status).toBe(404);
  });
});
