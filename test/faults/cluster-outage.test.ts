import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { startFaultTarget, type FaultTarget } from '../support/fault-target.ts';
import type { TargetRequest } from '../support/target-server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/vigil.ts';

/**
 * Three Vigil processes share one (throwaway) PostgreSQL, which goes away for everyone for ~12 s.
 * Each instance keeps checking the endpoints it holds (results wait in memory) instead of fencing
 * itself, and once PostgreSQL is back nobody grabs the others' endpoints just because every
 * heartbeat is stale at once (a takeover needs our own heartbeat fresh for a whole TTL).
 *
 * The target tells the instances apart by the User-Agent ("… instance <id>)"). As in
 * test/postgres/cluster.test.ts, two instances checking one endpoint would both run on its grid
 * and meet within milliseconds, while one instance alone never comes back sooner than half an
 * interval: a pair of requests closer than 0.4 × interval is a double check.
 */

const INTERVAL_S = 1;
const INTERVAL_MS = INTERVAL_S * 1000;
const LEASE_TTL_MS = 4000;
const ENDPOINTS = 30;
const OUTAGE_MS = 12_000;
const WATCH_AFTER_MS = 15_000;
const NO_DOUBLE_MS = INTERVAL_MS * 0.4;
const IDS = ['vigil-a', 'vigil-b', 'vigil-c'] as const;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const instanceOf = (r: TargetRequest) => /instance ([\w.-]+)\)/.exec(String(r.headers['user-agent']))?.[1] ?? '?';

interface ClosePair {
  path: string;
  at: number;
  gapMs: number;
  from: string;
  to: string;
}

describe('three instances on one PostgreSQL that goes away for everyone', () => {
  it('keep checking what each holds during the outage, and neither double-check nor grab everything after it', async () => {
    const pg: ThrowawayPostgres = await startThrowawayPostgres();
    cleanups.push(() => pg.destroy());
    const target: FaultTarget = await startFaultTarget();
    cleanups.push(() => target.close());

    const instances = new Map<string, VigilProcess>();
    const start = async (id: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), `vigil-cluster-outage-${id}-`));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const vigil = await startVigilProcess({
        env: { DATABASE_URL: pg.url, INSTANCE_ID: id, LEASE_TTL_MS: String(LEASE_TTL_MS), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      });
      cleanups.push(() => vigil.kill());
      instances.set(id, vigil);
      return vigil;
    };
    await Promise.all(IDS.map(start));
    const a = instances.get('vigil-a')!;

    // 30 endpoints every second; a sixth fail from the start (an incident open across the outage),
    // another sixth start failing during it (incidents opened while PostgreSQL is away).
    const paths = Array.from({ length: ENDPOINTS }, (_, i) => `/co/${i}`);
    const failingFromStart = paths.filter((_, i) => i % 6 === 0);
    const failingDuringOutage = paths.filter((_, i) => i % 6 === 3);
    for (const path of failingFromStart) target.failing(path);
    const endpointIdByPath = new Map<string, string>();
    for (const path of paths) {
      const response = await a.fetch('/api/endpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: path, url: target.url(path), intervalSeconds: INTERVAL_S, timeoutMs: 2000, failureThreshold: 2 }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      endpointIdByPath.set(path, ((await response.json()) as Endpoint).id);
    }

    const requests = target.server.requests;
    const requestsOf = (path: string, from = 0, to = Infinity) => requests.filter((r) => r.path === path && r.at >= from && r.at < to);
    const holdersBetween = (from: number, to = Infinity) => {
      const byInstance = new Map<string, Set<string>>();
      for (const path of paths) {
        for (const r of requestsOf(path, from, to)) {
          const id = instanceOf(r);
          if (!byInstance.has(id)) byInstance.set(id, new Set());
          byInstance.get(id)!.add(path);
        }
      }
      return byInstance;
    };
    /** Every pair of consecutive requests of one endpoint closer than NO_DOUBLE_MS, from `since`. */
    const closePairs = (since: number): ClosePair[] =>
      paths.flatMap((path) => {
        const list = requestsOf(path, since);
        return list.slice(1).flatMap((r, i) => {
          const gapMs = r.at - list[i]!.at;
          return gapMs < NO_DOUBLE_MS ? [{ path, at: r.at, gapMs, from: instanceOf(list[i]!), to: instanceOf(r) }] : [];
        });
      });

    // Share-out done and steady: for 3 s, every endpoint checked by exactly one instance, on its
    // rhythm, each instance holding some.
    const steadySince = await waitFor(
      () => {
        const since = Date.now() - 3000;
        const byInstance = holdersBetween(since);
        const single = paths.every((p) => new Set(requestsOf(p, since).map(instanceOf)).size === 1 && requestsOf(p, since).length >= 2);
        const spread = IDS.every((id) => (byInstance.get(id)?.size ?? 0) >= 3);
        return single && spread && closePairs(since).length === 0 ? since : undefined;
      },
      40_000,
      'the endpoints to be shared out among the three instances, steadily',
    );
    const holdersBefore = new Map(paths.map((p) => [p, instanceOf(requestsOf(p).at(-1)!)]));

    // --- the outage -----------------------------------------------------------------------------
    const stopRequestedAt = Date.now();
    await pg.stop('immediate');
    const stoppedAt = Date.now();
    await sleep(3000);
    for (const path of failingDuringOutage) target.failing(path);
    await sleep(stopRequestedAt + OUTAGE_MS - Date.now());
    const startRequestedAt = Date.now();
    await pg.start();
    const startedAt = Date.now();

    const windowFrom = stoppedAt + 1000;
    const windowTo = startRequestedAt - 1000;
    const askedFor = (windowTo - windowFrom) / INTERVAL_MS;
    const outageCounts = new Map(paths.map((p) => [p, requestsOf(p, windowFrom, windowTo).length]));
    const outageCheckers = new Map(paths.map((p) => [p, [...new Set(requestsOf(p, windowFrom, windowTo).map(instanceOf))]]));

    // Failing from the start recovers a little after PostgreSQL is back: those incidents resolve.
    await sleep(3000);
    for (const path of failingFromStart) target.up(path);
    await sleep(startedAt + WATCH_AFTER_MS - Date.now());
    const watchEnd = Date.now();

    // Who holds what now, per /metrics and per the target.
    const owned = new Map<string, number>();
    const live = new Map<string, number>();
    for (const [id, vigil] of instances) {
      const text = await (await vigil.fetch('/metrics')).text();
      owned.set(id, Number(/^vigil_cluster_endpoints_owned (\d+)$/m.exec(text)?.[1]));
      live.set(id, Number(/^vigil_cluster_instances_live (\d+)$/m.exec(text)?.[1]));
    }
    const lastSeconds = holdersBetween(watchEnd - 3000, watchEnd);
    const uncheckedAtEnd = paths.filter((p) => requestsOf(p, watchEnd - 3000, watchEnd).length === 0);
    const holdersAfter = new Map(paths.map((p) => [p, instanceOf(requestsOf(p, 0, watchEnd).at(-1)!)]));
    const afterRecovery = paths.map((p) => requestsOf(p, startedAt, watchEnd));
    const movedAfterRecovery = paths.filter((_, i) => new Set(afterRecovery[i]!.map(instanceOf)).size > 1);
    const pairs = closePairs(steadySince).filter((p) => p.at < watchEnd);

    // --- stop everything, then compare what is stored with what the target answered -----------
    const exits = await Promise.all(
      [...instances.values()].map((vigil) => {
        vigil.proc.kill('SIGTERM');
        return vigil.exited;
      }),
    );
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const stored = await sql<{ endpoint_id: string; rows: number; ids: number; instants: number }[]>`
      select endpoint_id, count(*)::int as rows, count(distinct id)::int as ids, count(distinct checked_at)::int as instants
      from check_results group by endpoint_id`;
    const incidentRows = await sql<{ endpoint_id: string; open: number; total: number }[]>`
      select endpoint_id, count(*) filter (where resolved_at is null)::int as open, count(*)::int as total
      from incidents group by endpoint_id`;
    const storedBy = new Map(stored.map((r) => [r.endpoint_id, r]));
    const incidentsBy = new Map(incidentRows.map((r) => [r.endpoint_id, r]));
    const mismatches: string[] = [];
    for (const path of paths) {
      const answered = target.log(path).status.filter((s) => s === 200 || s === 500).length;
      const row = storedBy.get(endpointIdByPath.get(path)!);
      if (!row || row.rows !== answered || row.ids !== row.rows || row.instants !== row.rows) {
        mismatches.push(`${path}: target answered ${answered}, stored ${row?.rows ?? 0} rows (${row?.ids ?? 0} ids, ${row?.instants ?? 0} instants)`);
      }
    }

    const counts = [...outageCounts.values()];
    const report = {
      outage: {
        stopMs: stoppedAt - stopRequestedAt,
        startMs: startedAt - startRequestedAt,
        windowMs: windowTo - windowFrom,
        askedFor: Number(askedFor.toFixed(2)),
      },
      checksPerEndpointDuringOutage: {
        min: Math.min(...counts),
        max: Math.max(...counts),
        mean: Number((counts.reduce((s, n) => s + n, 0) / counts.length).toFixed(2)),
      },
      outageCheckedByOthers: paths.filter((p) => outageCheckers.get(p)!.some((id) => id !== holdersBefore.get(p))),
      closePairs: pairs,
      owned: Object.fromEntries(owned),
      live: Object.fromEntries(live),
      holdersBefore: Object.fromEntries(IDS.map((id) => [id, [...holdersBefore.values()].filter((h) => h === id).length])),
      holdersAfter: Object.fromEntries(IDS.map((id) => [id, [...holdersAfter.values()].filter((h) => h === id).length])),
      movedAfterRecovery: movedAfterRecovery.length,
      checksPerEndpointAfterRecovery: { min: Math.min(...afterRecovery.map((l) => l.length)), max: Math.max(...afterRecovery.map((l) => l.length)) },
      uncheckedAtEnd,
      exits,
      mismatches,
      incidents: Object.fromEntries(paths.map((p) => [p, incidentsBy.get(endpointIdByPath.get(p)!) ?? null]).filter(([, v]) => v)),
    };
    console.log('cluster outage:', JSON.stringify(report));
    const logsOf = () =>
      [...instances]
        .map(
          ([id, v]) =>
            `${id}:\n${v.logs
              .filter((l) => l.level !== 'info' && l.level !== 'debug')
              .slice(-15)
              .map((l) => JSON.stringify(l))
              .join('\n')}`,
        )
        .join('\n');
    const context = `${JSON.stringify(report, null, 1)}\n${logsOf()}`;

    // During the outage every endpoint kept being checked, by the instance that held it.
    for (const path of paths) {
      expect(outageCounts.get(path)!, `${path} during the outage\n${context}`).toBeGreaterThanOrEqual(Math.floor(askedFor * 0.8));
      expect(outageCheckers.get(path), `${path} during the outage\n${context}`).toEqual([holdersBefore.get(path)]);
    }
    // Never two instances on one endpoint: not during the outage, not in the churn after it.
    expect(
      pairs.filter((p) => p.from !== p.to),
      context,
    ).toEqual([]);
    // After recovery: everyone still holds some, all 30 are held once, and every endpoint is checked.
    for (const id of IDS) {
      expect(owned.get(id), `${id} owns\n${context}`).toBeGreaterThan(0);
      expect(live.get(id), `${id} sees live\n${context}`).toBe(3);
      expect(lastSeconds.get(id)?.size ?? 0, `${id} checks in the last 3 s\n${context}`).toBeGreaterThan(0);
    }
    expect(
      [...owned.values()].reduce((s, n) => s + n, 0),
      context,
    ).toBe(ENDPOINTS);
    expect(uncheckedAtEnd, context).toEqual([]);
    // Clean exits, and every result stored exactly once.
    expect(exits, context).toEqual(IDS.map(() => ({ code: 0, signal: null })));
    expect(mismatches, context).toEqual([]);
    // Incidents: never two open for one endpoint; one per failure episode.
    for (const path of paths) {
      const row = incidentsBy.get(endpointIdByPath.get(path)!);
      expect(row?.open ?? 0, `${path} open incidents\n${context}`).toBeLessThanOrEqual(1);
    }
    for (const path of failingFromStart) expect(incidentsBy.get(endpointIdByPath.get(path)!), path).toMatchObject({ open: 0, total: 1 });
    for (const path of failingDuringOutage) expect(incidentsBy.get(endpointIdByPath.get(path)!), path).toMatchObject({ open: 1, total: 1 });
    for (const path of paths.filter((p) => !failingFromStart.includes(p) && !failingDuringOutage.includes(p))) {
      expect(incidentsBy.get(endpointIdByPath.get(path)!), path).toBeUndefined();
    }
  }, 90_000);
});
