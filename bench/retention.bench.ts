/**
 * Retention benchmark: how fast old check results are rolled up and pruned, how long the longest
 * single transaction holds the database, and what rollups do to the uptime query.
 *
 *   node --import tsx bench/retention.bench.ts -- [--db=pglite|postgres|both] [--runs=3]
 *                     [--pglite-rows=200000] [--postgres-rows=1000000] [--endpoints=100]
 *                     [--batch-size=5000] [--pg-url=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Per database and run, on a fresh database (PGlite in a temp dir; PostgreSQL `vigil_bench_<random>`):
 *  1. prune: `--endpoints` endpoints checked every 60 s; N old results (--pglite-rows /
 *     --postgres-rows) older than the retention (1 day here) and one day of fresh ones after
 *     them, inserted in time order as Vigil appends them (PostgreSQL then ANALYZEd, as autovacuum
 *     would; PGlite never is). Then one run of the RetentionJob with its defaults (6 hours per
 *     rollup transaction, 5,000 rows per delete, 50 ms between them; on PGlite the VACUUM after),
 *     every transaction timed through onBatch. Meanwhile one row is inserted every 20 ms, as the
 *     result writer would, and its latency recorded (what a check result waits), and the event-loop
 *     delay is sampled (PGlite runs in-process: its statements stall Vigil's event loop).
 *  2. uptime: one endpoint checked every 60 s for 30 days (43,200 results); GET …/uptime's query
 *     timed 30 times each (after 3 unmeasured) with the pre-rollup SQL (raw results only, kept here
 *     for comparison), with the current code before the first job run, and after it.
 *
 * Progress goes to stderr, a Markdown table of the medians over the runs to stdout, the JSON results
 * to bench/results/retention-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createDatabase, rowsOf, type Database, type DatabaseHandle } from '../db/client.ts';
import { getUptime } from '../server/services/checks/uptime.ts';
import { DAY_MS, floorHour } from '../server/services/retention/hours.ts';
import { RetentionJob, type RetentionBatch } from '../server/services/retention/retention-job.ts';
import { cleanupAll, cleanUpOnSignals, isAborting, onCleanup } from './support/cleanup.ts';
import { createBenchDatabase, postgresVersion, usePostgres } from './support/databases.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { benchStart, cell, machineInfo, median, progress, RESULTS_DIR, round } from './support/report.ts';
import { sleep } from './support/waits.ts';

interface Options {
  dbs: ('pglite' | 'postgres')[];
  runs: number;
  rows: { pglite: number; postgres: number };
  endpoints: number;
  batchSize: number;
}

const options = optionsOrExit<Options>((argv) => {
  const flags = parseFlags(argv, ['help', 'db', 'runs', 'pglite-rows', 'postgres-rows', 'endpoints', 'batch-size', 'pg-url'], import.meta.url);
  const int = (name: string, fallback: number) => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  const dbs = dbKinds(flags, 'both');
  if (dbs.includes('postgres')) usePostgres(localPgUrl(flags));
  return {
    dbs,
    runs: int('runs', 3),
    rows: { pglite: int('pglite-rows', 200_000), postgres: int('postgres-rows', 1_000_000) },
    endpoints: int('endpoints', 100),
    batchSize: int('batch-size', 5000),
  };
});

const RETENTION_DAYS = 1;

interface RunResult {
  db: 'pglite' | 'postgres';
  run: number;
  oldRows: number;
  freshRows: number;
  seedS: number;
  rollup: { hours: number; transactions: number; totalMs: number; longestMs: number; each: [rows: number, ms: number][] };
  prune: { rows: number; batches: number; totalMs: number; medianBatchMs: number; longestBatchMs: number; rowsPerS: number; rowsPerSWithPauses: number };
  vacuumMs: number | null;
  writerDuringJob: { inserts: number; medianMs: number; maxMs: number };
  eventLoopDelayMs: { p99: number; max: number };
  tableMbBefore: number;
  tableMbAfterPrune: number;
  uptime: { rows: number; oldSqlMs: number; beforeRollupMs: number; afterRollupMs: number; sameAnswer: boolean };
}

async function main() {
  cleanUpOnSignals('dropping bench databases');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonFile = join(RESULTS_DIR, `retention-${stamp}.json`);
  const machine = machineInfo();
  if (options.dbs.includes('postgres')) machine.postgres = await postgresVersion();
  progress(`machine: ${machine.nproc} cores, node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}; results → ${jsonFile}`);
  const results: RunResult[] = [];
  const save = () => writeFileSync(jsonFile, JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, machine, results }, null, 2) + '\n');
  try {
    for (const kind of options.dbs) {
      for (let run = 1; run <= options.runs && !isAborting(); run++) {
        results.push(await measure(kind, run));
        save();
      }
    }
  } finally {
    await cleanupAll();
  }
  printTable(results);
}

async function openDatabase(kind: 'pglite' | 'postgres'): Promise<{ handle: DatabaseHandle; dispose(): Promise<void> }> {
  const bench = await createBenchDatabase(kind, 'vigil-retention-bench-');
  const handle = await createDatabase({ databaseUrl: bench.env.DATABASE_URL, dataDir: bench.env.DATA_DIR ?? '', maxConnections: 4 });
  const undo = onCleanup('handles', () => handle.close());
  await handle.migrate();
  return {
    handle,
    dispose: async () => {
      undo();
      await handle.close();
      await bench.dispose();
    },
  };
}

async function measure(kind: 'pglite' | 'postgres', run: number): Promise<RunResult> {
  const oldRows = options.rows[kind];
  const freshRows = options.endpoints * 1440 * RETENTION_DAYS;
  const now = new Date();
  const { handle, dispose } = await openDatabase(kind);
  const db = handle.db;
  try {
    // ── 1. prune ──
    progress(`${kind} run ${run}: seeding ${oldRows} old + ${freshRows} fresh results of ${options.endpoints} endpoints`);
    const endpointIds = await createEndpoints(db, options.endpoints);
    const stepMs = 60_000 / options.endpoints;
    // Old rows end exactly where the retention does: the fresh ones follow.
    const start = new Date(floorHour(new Date(now.getTime() - RETENTION_DAYS * DAY_MS)).getTime() - oldRows * stepMs);
    const seedStarted = performance.now();
    await seedInOrder(db, endpointIds, start, stepMs, oldRows + freshRows);
    if (kind === 'postgres') await db.execute(sql`analyze check_results`);
    const seedS = (performance.now() - seedStarted) / 1000;
    const tableMbBefore = await tableMb(db);

    progress(`${kind} run ${run}: rolling up and pruning (the job, default batches and pauses)`);
    const batches: RetentionBatch[] = [];
    const job = new RetentionJob(db, {
      checkRetentionDays: RETENTION_DAYS,
      rollupRetentionDays: 400,
      batchSize: options.batchSize,
      vacuum: kind === 'pglite',
      onBatch: (batch) => batches.push(batch),
    });
    const writer = startWriterProbe(db, endpointIds[0]!, now);
    // PGlite runs inside this process: a long statement stalls the event loop (HTTP, sockets, timers) too.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const report = await job.runOnce(now);
    loopDelay.disable();
    const writerLatencies = await writer.stop();
    const tableMbAfterPrune = await tableMb(db);
    if (report.rawRowsPruned !== oldRows) throw new Error(`pruned ${report.rawRowsPruned} rows, expected ${oldRows}`);
    const rollups = batches.filter((b) => b.step === 'rollup');
    const prunes = batches.filter((b) => b.step === 'prune-results');
    const pruneWallMs = prunes.at(-1)!.startedAt + prunes.at(-1)!.ms - prunes[0]!.startedAt;
    const pruneStatementMs = sum(prunes.map((b) => b.ms));

    // ── 2. uptime ──
    progress(`${kind} run ${run}: uptime over 43,200 results`);
    await db.execute(sql`truncate check_results, check_rollups_hourly, retention_state`);
    const [uptimeEndpoint] = await createEndpoints(db, 1);
    const uptimeRows = 30 * 1440;
    await seedInOrder(db, [uptimeEndpoint!], new Date(now.getTime() - 30 * DAY_MS + 30_000), 60_000, uptimeRows);
    if (kind === 'postgres') await db.execute(sql`analyze`);
    const oldSqlMs = await timeQuery(() => oldUptimeSql(db, uptimeEndpoint!, now));
    const beforeAnswer = await getUptime({ db }, uptimeEndpoint!, now);
    const beforeRollupMs = await timeQuery(() => getUptime({ db }, uptimeEndpoint!, now));
    await new RetentionJob(db, { checkRetentionDays: 30, rollupRetentionDays: 400, pauseMs: 0 }).runOnce(now);
    const afterAnswer = await getUptime({ db }, uptimeEndpoint!, now);
    const afterRollupMs = await timeQuery(() => getUptime({ db }, uptimeEndpoint!, now));

    const result: RunResult = {
      db: kind,
      run,
      oldRows,
      freshRows,
      seedS: round(seedS)!,
      rollup: {
        hours: report.hoursRolledUp,
        transactions: rollups.length,
        totalMs: round(sum(rollups.map((b) => b.ms)))!,
        longestMs: round(Math.max(...rollups.map((b) => b.ms)))!,
        each: rollups.map((b) => [b.count, round(b.ms)!]),
      },
      prune: {
        rows: report.rawRowsPruned,
        batches: prunes.length,
        totalMs: round(pruneStatementMs)!,
        medianBatchMs: round(median(prunes.map((b) => b.ms)))!,
        longestBatchMs: round(Math.max(...prunes.map((b) => b.ms)))!,
        rowsPerS: Math.round(report.rawRowsPruned / (pruneStatementMs / 1000)),
        rowsPerSWithPauses: Math.round(report.rawRowsPruned / (pruneWallMs / 1000)),
      },
      vacuumMs: kind === 'pglite' ? round(report.vacuumMs) : null,
      writerDuringJob: { inserts: writerLatencies.length, medianMs: round(median(writerLatencies), 2)!, maxMs: round(Math.max(...writerLatencies))! },
      eventLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6)!, max: round(loopDelay.max / 1e6)! },
      tableMbBefore,
      tableMbAfterPrune,
      uptime: {
        rows: uptimeRows,
        oldSqlMs: round(oldSqlMs, 2)!,
        beforeRollupMs: round(beforeRollupMs, 2)!,
        afterRollupMs: round(afterRollupMs, 2)!,
        sameAnswer:
          JSON.stringify(beforeAnswer) === JSON.stringify(afterAnswer) &&
          JSON.stringify(afterAnswer) === JSON.stringify(await oldUptimeSql(db, uptimeEndpoint!, now)),
      },
    };
    progress(`${kind} run ${run}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await dispose();
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function createEndpoints(db: Database, count: number): Promise<string[]> {
  const result = await db.execute(sql`
    insert into endpoints (id, name, url, method, headers, interval_seconds, timeout_ms, expected_status_codes,
      degraded_threshold_ms, failure_threshold, paused, created_at, updated_at)
    select gen_random_uuid(), 'bench ' || n, 'http://127.0.0.1:9/' || n, 'GET', '{}', 60, 10000, '{200-299}', 2000, 3, true, now(), now()
    from generate_series(1, ${count}::int) as n
    returning id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** `count` results, one every `stepMs` from `start`, round-robin over the endpoints, in time order (as Vigil appends them). */
async function seedInOrder(db: Database, endpointIds: string[], start: Date, stepMs: number, count: number): Promise<void> {
  const ids = `{${endpointIds.join(',')}}`;
  for (let from = 0; from < count; from += 100_000) {
    const to = Math.min(count, from + 100_000) - 1;
    await db.execute(sql`
      insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
      select gen_random_uuid(), (${ids}::uuid[])[1 + n % ${endpointIds.length}::int],
        case when n % 50 = 7 then 'DOWN' when n % 13 = 2 then 'DEGRADED' else 'UP' end,
        20 + (n * 37) % 400, case when n % 50 = 7 then 503 else 200 end, null,
        ${start.toISOString()}::timestamptz + n * ${stepMs}::float8 * interval '1 millisecond'
      from generate_series(${from}::int, ${to}::int) as n`);
  }
}

async function tableMb(db: Database): Promise<number> {
  const [row] = rowsOf<{ bytes: number }>(await db.execute(sql`select pg_total_relation_size('check_results')::float8 as bytes`));
  return round(Number(row?.bytes) / 1024 ** 2)!;
}

/** One insert every 20 ms, as the result writer would do while the job runs; resolves with their latencies. */
function startWriterProbe(db: Database, endpointId: string, now: Date): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = performance.now();
      await db.execute(sql`
        insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
        values (gen_random_uuid(), ${endpointId}::uuid, 'UP', 10, 200, null, ${now.toISOString()}::timestamptz)`);
      latencies.push(performance.now() - t);
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return latencies;
    },
  };
}

/** Median of 30 timed calls, after 3 unmeasured ones. */
async function timeQuery(query: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await query();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await query();
    times.push(performance.now() - t);
  }
  return median(times)!;
}

/** The uptime query before rollups (raw results only), for comparison. */
async function oldUptimeSql(db: Database, endpointId: string, now: Date) {
  const since = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const windows = { '24h': 1, '7d': 7, '30d': 30 } as const;
  const columns = Object.entries(windows).map(([key, days]) => {
    const inWindow = sql`checked_at > ${since(days)}::timestamptz`;
    return sql`count(*) filter (where ${inWindow})::int as "${sql.raw(key)}_checks",
      count(*) filter (where ${inWindow} and status <> 'DOWN')::int as "${sql.raw(key)}_up",
      avg(response_time) filter (where ${inWindow} and status <> 'DOWN')::float8 as "${sql.raw(key)}_avg"`;
  });
  await db.execute(sql`select 1 from endpoints where id = ${endpointId}::uuid`);
  const result = await db.execute(sql`
    select ${sql.join(columns, sql`, `)}
    from check_results
    where endpoint_id = ${endpointId}::uuid and checked_at > ${since(30)}::timestamptz and checked_at <= ${now.toISOString()}::timestamptz`);
  const row = rowsOf<Record<string, number | null>>(result)[0]!;
  const windowOf = (key: string) => {
    const checks = Number(row[`${key}_checks`] ?? 0);
    const up = Number(row[`${key}_up`] ?? 0);
    const avg = row[`${key}_avg`];
    return {
      uptime: checks === 0 ? null : Math.round((up / checks) * 100_000) / 1000,
      checks,
      avgResponseTime: avg === null || avg === undefined ? null : Math.round(Number(avg)),
    };
  };
  return { '24h': windowOf('24h'), '7d': windowOf('7d'), '30d': windowOf('30d') };
}

function printTable(results: RunResult[]): void {
  const lines = [
    '| database | old rows | prune rows/s (batches only) | rows/s (with the job pauses) | median batch ms | longest batch ms | rollup: hours / longest tx ms | VACUUM ms | insert latency during job, median / max ms | event-loop delay during job, p99 / max ms | uptime ms: raw SQL / before rollup / after | same answer |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const kind of options.dbs) {
    const rs = results.filter((r) => r.db === kind);
    if (rs.length === 0) continue;
    const m = (pick: (r: RunResult) => number | null) => cell(round(median(rs.map(pick)), 1));
    lines.push(
      `| ${kind} (${rs.length} runs, medians) | ${rs[0]!.oldRows} | ${m((r) => r.prune.rowsPerS)} | ${m((r) => r.prune.rowsPerSWithPauses)} | ${m((r) => r.prune.medianBatchMs)} | ${m((r) => r.prune.longestBatchMs)} | ${rs[0]!.rollup.hours} / ${m((r) => r.rollup.longestMs)} | ${m((r) => r.vacuumMs)} | ${m((r) => r.writerDuringJob.medianMs)} / ${m((r) => r.writerDuringJob.maxMs)} | ${m((r) => r.eventLoopDelayMs.p99)} / ${m((r) => r.eventLoopDelayMs.max)} | ${m((r) => r.uptime.oldSqlMs)} / ${m((r) => r.uptime.beforeRollupMs)} / ${m((r) => r.uptime.afterRollupMs)} | ${rs.every((r) => r.uptime.sameAnswer)} |`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
