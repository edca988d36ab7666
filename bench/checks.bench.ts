/**
 * Check-pipeline benchmark: N endpoints at a given load, on PGlite and on PostgreSQL.
 *
 *   npm run bench:checks -- [--db=pglite|postgres|both] [--endpoints=1000,10000] [--rates=100,500,1000]
 *                           [--window=30] [--warmup=10] [--start=spread|rhythm] [--cpu-prof]
 *                           [--concurrency=20] [--vigil-env=WRITE_BATCH_SIZE=500,DATABASE_POOL_SIZE=10]
 *                           [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--drop-stale]
 *                           [--vigil-node-args="--trace-gc --max-semi-space-size=32"]
 *                           [--instances=1,3] [--runs=1] [--takeover] [--stall=15]
 *
 * --instances=N runs N Vigil processes on one PostgreSQL (needs --db=postgres when N > 1): distinct
 * INSTANCE_ID (bench-1 … bench-N) and ports; the endpoints are created through bench-1 and shared out
 * by the instances themselves (server/cluster/). A list (1,3) measures each count in turn, back to
 * back; --runs=R repeats the whole list R times (interleaved: 1, 3, 1, 3, …) and adds a table of
 * medians. Rates are totals: each instance's /metrics is read and the figures are summed (checks/s,
 * CPU) or the worst is taken (lag), with a table per instance. The target also counts the checks
 * by the instance named in their User-Agent, and double checks: two checks of one endpoint closer
 * than half its interval, from the measured run's start (across instances: should be 0; by the same
 * instance right after a start or a takeover: an endpoint's first check, late, then its own grid
 * half an interval on). On PostgreSQL the heartbeats and leases are read every 0.5 s
 * (bench/support/cluster-watch.ts): an instance whose heartbeat got older than LEASE_TTL_MS while it
 * was alive is named, since the others may then check its endpoints too. --takeover (N > 1): after
 * the window, kill -9 the last instance and measure from the target's view how long until every
 * endpoint it had checked last was checked again by another (the bound is max(2 × interval, 15 s)),
 * double checks since the kill, and the survivors' checks/s over the next interval. --stall=S (N > 1):
 * after the window (before a takeover), freeze the second instance for S seconds (SIGSTOP, then
 * SIGCONT) — a process that is alive but cannot run, as under CPU starvation or a long GC — and count
 * its endpoints checked by others meanwhile and double checks until one interval + 10 s later.
 *
 * --cpu-prof writes a V8 CPU profile of each measured Vigil run next to its log (open it in Chrome
 * DevTools or speedscope); --vigil-node-args passes extra node flags to the measured Vigil only.
 *
 * --drop-stale drops `vigil_bench_*` databases nobody is connected to, left by a bench that was
 * killed with SIGKILL (the only way it cannot clean up; its children stop when their stdin closes).
 *
 * Per scenario (db × endpoints × rate, interval = endpoints / rate seconds):
 *  1. a fresh database (PGlite: DATA_DIR in a new temp dir; PostgreSQL: `vigil_bench_<random>`);
 *  2. Vigil as a child process (`node --import tsx server/main.ts`, HOST=127.0.0.1, a free PORT);
 *     the N endpoints are created through POST /api/endpoints, 20 in flight, each probing its own
 *     path `/e/<i>` of the target server (bench/target-process.ts, its own child process);
 *  3. SIGTERM (Vigil must exit 0), then Vigil is started again on the same database: the measured
 *     run is "N endpoints at start", not the creation burst. With --start=spread (default) the
 *     endpoints are created paused and unpaused in the database while Vigil is down, so that the
 *     restart uses the scheduler's phase spread (on PostgreSQL the instances' claim schedules them
 *     instead: never-checked endpoints at once); with --start=rhythm they are created active, and
 *     the restart keeps the rhythm of their last check (i.e. the rhythm of the creation burst);
 *  4. warm-up, then a measured window: /metrics at its start and end (and every second for RSS,
 *     pending, lag), CPU of Vigil (process_cpu_seconds_total), of the target and of the PostgreSQL
 *     backends (/proc), of the whole machine (/proc/stat), event-loop delay and utilisation of Vigil
 *     (bench/vigil-probe.ts);
 *     The target (TARGET_TRACK=1) counts checks per instance and double checks; checks judged DOWN or
 *     DEGRADED are counted from /metrics (the target always answers 200 at once);
 *  5. wait for the writer's pending queue to reach 0, SIGTERM, Vigil must exit 0 having finished
 *     every check; then the rows in check_results are counted directly (postgres.js / PGlite) and
 *     compared with vigil_checks_started_total (and with the requests the target received).
 *
 * Progress goes to stderr; the Markdown results table to stdout; the JSON results (and Vigil's logs)
 * to bench/results/. Child processes, bench databases and temp dirs are removed on success, failure
 * and Ctrl-C. Every wait is bounded.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { cleanupAll, cleanUpOnSignals, isAborting } from './support/cleanup.ts';
import { adminSql, createBenchDatabase, postgresVersion, usePostgres, type BenchDatabase } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { machineCpu, machineCpuPercent, processCpuSeconds, runQueueWaitMs } from './support/proc.ts';
import { trackerKilled, trackerReset, trackerStats, type DoubleCheck, type TakeoverStats } from './support/check-tracker.ts';
import { watchCluster, type ClusterSample, type ClusterWatch } from './support/cluster-watch.ts';
import { startTarget, startVigil, stopGracefully, type VigilProcess } from './support/processes.ts';
import { benchStart, cell, codeState, machineInfo, median, progress, RESULTS_DIR, round } from './support/report.ts';
import { sleep, withTimeout } from './support/waits.ts';
import { loadSettings } from '../server/settings.ts';

// ─── options ─────────────────────────────────────────────────────────────────────────────────────

interface Options {
  dbs: ('pglite' | 'postgres')[];
  endpoints: number[];
  rates: number[];
  windowS: number;
  warmupS: number;
  start: 'spread' | 'rhythm';
  cpuProf: boolean;
  concurrency: number;
  vigilEnv: Record<string, string>;
  pgUrl: string;
  dropStale: boolean;
  vigilNodeArgs: string[];
  instances: number[];
  runs: number;
  takeover: boolean;
  stallS: number;
}

function parseOptions(argv: string[]): Options {
  const known = [
    'db', 'endpoints', 'rates', 'window', 'warmup', 'start', 'cpu-prof', 'concurrency', 'vigil-env', 'pg-url', 'drop-stale', 'vigil-node-args',
    'instances', 'runs', 'takeover', 'stall', 'help',
  ];
  const flags = parseFlags(argv, known, import.meta.url);
  const list = (key: string, fallback: string) =>
    (flags.get(key) ?? fallback).split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--${key}: ${s} is not a positive integer`);
      return n;
    });
  const num = (key: string, fallback: number) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
    return n;
  };
  const dbs = dbKinds(flags, 'both');
  const start = flags.get('start') ?? 'spread';
  if (start !== 'spread' && start !== 'rhythm') throw new Error('--start must be spread or rhythm');
  const vigilEnv: Record<string, string> = {};
  for (const pair of (flags.get('vigil-env') ?? '').split(',').filter(Boolean)) {
    const [k, ...v] = pair.split('=');
    if (!k || v.length === 0) throw new Error(`--vigil-env: ${pair} is not KEY=VALUE`);
    vigilEnv[k] = v.join('=');
  }
  const pgUrl = localPgUrl(flags);
  const instances = list('instances', '1');
  if (instances.some((n) => n > 1) && dbs.includes('pglite')) {
    throw new Error('--instances above 1 needs --db=postgres: several instances share one PostgreSQL (an embedded database allows one process)');
  }
  if (instances.some((n) => n > 8)) throw new Error('--instances: at most 8 processes');
  if (flags.has('takeover') && !instances.some((n) => n > 1)) throw new Error('--takeover needs --instances above 1 (someone must take over)');
  if (flags.has('stall') && !instances.some((n) => n > 1)) throw new Error('--stall needs --instances above 1');
  return {
    dbs,
    endpoints: list('endpoints', '1000,10000'),
    rates: list('rates', '100,500,1000'),
    windowS: num('window', 30),
    warmupS: num('warmup', 10),
    start,
    cpuProf: flags.has('cpu-prof'),
    concurrency: Math.floor(num('concurrency', 20)),
    vigilEnv,
    pgUrl,
    dropStale: flags.has('drop-stale'),
    vigilNodeArgs: (flags.get('vigil-node-args') ?? '').split(' ').filter(Boolean),
    instances,
    runs: list('runs', '1')[0]!,
    takeover: flags.has('takeover'),
    stallS: flags.has('stall') ? num('stall', 15) : 0,
  };
}

cleanUpOnSignals('stopping children, dropping bench databases, removing temp dirs');

// ─── Vigil ───────────────────────────────────────────────────────────────────────────────────────

async function startVigilProcess(dbEnv: Record<string, string>, extra: { logFile: string; probeFile?: string; cpuProfDir?: string }): Promise<VigilProcess> {
  const nodeArgs = [
    ...(extra.probeFile ? options.vigilNodeArgs : []),
    ...(extra.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${extra.cpuProfDir}`] : []),
    '--import',
    'tsx',
    ...(extra.probeFile ? ['--import', './bench/vigil-probe.ts'] : []),
    'server/main.ts',
  ];
  const env = { ...(extra.probeFile ? { VIGIL_BENCH_PROBE_FILE: extra.probeFile } : {}), ...options.vigilEnv, ...dbEnv };
  return startVigil(nodeArgs, env, extra.logFile);
}

// ─── /metrics and /proc ──────────────────────────────────────────────────────────────────────────

interface Scrape {
  /** Date.now() when the answer arrived (the counters are read just before it is sent). */
  t: number;
  latencyMs: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  skipped: number;
  retries: number;
  batches: number;
  cpuS: number;
  rss: number;
  lagP50: number | null;
  lagP90: number | null;
  lagP99: number | null;
  /** Completed checks judged DOWN and DEGRADED (slower than 2 s): the bench's target always answers 200 at once, so these are Vigil's own delays and failures. */
  down: number;
  degraded: number;
  incidentsOpen: number;
  /** PostgreSQL only (null elsewhere): leases taken, handed over, lost while held; events from the other instances. */
  claimed: number | null;
  released: number | null;
  lost: number | null;
  eventsReceived: number | null;
  eventsPublished: number | null;
}

async function scrape(base: string): Promise<Scrape> {
  const { t, latencyMs, values, need } = await readMetrics(base);
  return {
    t,
    latencyMs,
    started: need('vigil_checks_started_total'),
    written: need('vigil_check_results_written_total'),
    pending: need('vigil_check_results_pending'),
    running: values.get('vigil_checks_running') ?? NaN,
    skipped: need('vigil_checks_skipped_overlap_total'),
    retries: values.get('vigil_check_result_write_retries_total') ?? NaN,
    batches: values.get('vigil_check_result_batches_total') ?? NaN,
    cpuS: need('process_cpu_seconds_total'),
    rss: need('process_resident_memory_bytes'),
    lagP50: values.get('vigil_scheduler_lag_ms{quantile="0.5"}') ?? null,
    lagP90: values.get('vigil_scheduler_lag_ms{quantile="0.9"}') ?? null,
    lagP99: values.get('vigil_scheduler_lag_ms{quantile="0.99"}') ?? null,
    down: values.get('vigil_check_duration_seconds_count{status="DOWN"}') ?? 0,
    degraded: values.get('vigil_check_duration_seconds_count{status="DEGRADED"}') ?? 0,
    incidentsOpen: values.get('vigil_incidents_open') ?? NaN,
    claimed: values.get('vigil_cluster_endpoints_claimed_total') ?? null,
    released: values.get('vigil_cluster_endpoints_released_total') ?? null,
    lost: values.get('vigil_cluster_endpoints_lost_total') ?? null,
    eventsReceived: values.get('vigil_cluster_events_received_total') ?? null,
    eventsPublished: values.get('vigil_cluster_events_published_total') ?? null,
  };
}


/** CPU seconds of the PostgreSQL backends serving `database`, and of the shared writer processes. */
async function postgresCpu(database: string): Promise<{ backends: Map<number, number>; aux: Map<number, number> }> {
  const rows = await withTimeout(
    adminSql()<{ pid: number; datname: string | null; backend_type: string }[]>`
      select pid, datname, backend_type from pg_stat_activity
      where datname = ${database} or backend_type in ('walwriter', 'checkpointer', 'background writer')`,
    10_000,
    'pg_stat_activity',
  );
  const backends = new Map<number, number>();
  const aux = new Map<number, number>();
  for (const row of rows) {
    const cpu = processCpuSeconds(row.pid);
    if (cpu === null) continue;
    (row.datname === database ? backends : aux).set(row.pid, cpu);
  }
  return { backends, aux };
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? cpu); // a backend born mid-window counts from its first sight
  return sum;
}

// ─── one scenario ────────────────────────────────────────────────────────────────────────────────

interface Sample {
  t: number;
  rssMb: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  lagP50: number | null;
  lagP99: number | null;
  scrapeMs: number;
  /** ms Vigil's main thread spent runnable but waiting for a CPU since the previous sample. */
  runQueueWaitMs: number | null;
}

type EventLoopFigures = { delayP99MsMedian: number | null; delayP99MsMax: number | null; delayMaxMs: number | null; utilisationMean: number | null };

/** One Vigil process of the measured run, as seen through its /metrics and /proc. */
interface InstanceResult {
  id: string;
  pid: number;
  achievedRate: number | null;
  writtenRate: number | null;
  /** Checks/s the target received with this instance in the User-Agent. */
  targetViewRate: number | null;
  lagP50Ms: number | null;
  lagP90Ms: number | null;
  lagP99Ms: number | null;
  /** The lag quantiles cover this instance's last 10,000 starts: about this many seconds. */
  lagCoversSeconds: number | null;
  overlapsSkippedInWindow: number;
  cpuPercent: number | null;
  rssPeakMb: number | null;
  rssFinalMb: number | null;
  pendingMaxInWindow: number;
  batchesPerSecond: number | null;
  meanBatchSize: number | null;
  writeRetries: number;
  scrapeLatencyMaxMs: number;
  runQueueWaitPercent: number | null;
  runQueueWaitMaxMsPerSecond: number | null;
  eventLoop: EventLoopFigures;
  /** Endpoints whose latest check (target's view) came from this instance, at the end of the window. */
  endpointsCheckedLast: number | null;
  /** Rows of endpoint_leases naming this instance, at the end of the window. */
  leasesHeld: number | null;
  /** The oldest its heartbeat row got while it was alive (from its start), and in the window. */
  heartbeatMaxAgeMs: number | null;
  heartbeatMaxAgeInWindowMs: number | null;
  /** Its /metrics at the end of the window (totals since its start): leases claimed, handed over, lost while held. */
  leasesClaimed: number | null;
  leasesReleased: number | null;
  leasesLost: number | null;
  /** Events/s received from the other instances through LISTEN/NOTIFY, in the window. */
  eventsReceivedRate: number | null;
  samples: Sample[];
}

interface TakeoverResult extends TakeoverStats {
  boundMs: number;
  withinBound: boolean;
  /** Doubles (target's view) from the kill to the end of the interval after the takeover. */
  doublesSinceKill: number;
  /** Survivors' checks/s (their /metrics) over one interval after the last orphan was checked again. */
  rateAfter: number | null;
  lagP99AfterMs: number | null;
  /**
   * Requests the target received minus rows stored, over the measured run: above 0, results that
   * died with the killed process; below 0, checks stored without their request reaching the target
   * (probe timeouts while overloaded). Both can happen in one run.
   */
  lostWithKilled: number | null;
}

interface StallResult {
  instance: string;
  stallMs: number;
  /** Its endpoints (those it had checked last) checked by another instance while it was frozen or after. */
  takenMeanwhile: number;
  orphans: number;
  /** From the freeze until one interval + 10 s after the thaw: double checks, and those across instances. */
  doubles: number;
  doublesAcrossInstances: number;
  /** Requests the frozen instance made after the thaw. */
  requestsAfterThaw: number;
  heartbeatMaxAgeMs: number | null;
  examples: DoubleCheck[];
  acrossExamples: DoubleCheck[];
}

interface ScenarioResult {
  db: 'pglite' | 'postgres';
  instances: number;
  run: number;
  endpoints: number;
  intervalSeconds: number;
  targetRate: number;
  start: 'spread' | 'rhythm';
  /** The code measured: other people edit the tree while a long run goes on. */
  code?: { commit: string; uncommittedFiles: number };
  ok: boolean;
  error?: string;
  createSeconds?: number | null;
  createRate?: number | null;
  restartStopMs?: number | null;
  restartExitCode?: number | null;
  windowSeconds?: number | null;
  /** Summed over the instances. */
  achievedRate?: number | null;
  writtenRate?: number | null;
  targetViewRate?: number | null;
  /** The worst instance's. */
  lagP50Ms?: number | null;
  lagP90Ms?: number | null;
  lagP99Ms?: number | null;
  lagWindow?: string;
  lagAtWindowStart?: { p50: number | null; p99: number | null };
  overlapsSkippedInWindow?: number | null;
  overlapsSkippedTotal?: number | null;
  /** Vigil processes together (100 % = one core). */
  cpuPercent?: number | null;
  /** The largest process's peak, and the peak of all processes' RSS added up. */
  rssPeakMb?: number | null;
  rssTotalPeakMb?: number | null;
  rssFinalMb?: number | null;
  pendingMaxInWindow?: number | null;
  pendingReachedZero?: boolean;
  pendingMinAfterWindow?: number | null;
  batchesPerSecond?: number | null;
  meanBatchSize?: number | null;
  writeRetries?: number | null;
  scrapeLatencyMaxMs?: number | null;
  targetCpuPercent?: number | null;
  postgresBackendsCpuPercent?: number | null;
  postgresAuxCpuPercent?: number | null;
  machineCpuPercent?: number | null;
  loadAverage1m?: number | null;
  /** Share of the window the main threads were runnable but had no CPU (worst instance). */
  runQueueWaitPercent?: number | null;
  runQueueWaitMaxMsPerSecond?: number | null;
  otherCpuPercent?: number | null;
  /** The worst instance's. */
  eventLoop?: EventLoopFigures;
  doubles?: {
    gapMs: number;
    inWindow: number;
    acrossInstancesInWindow: number;
    sinceStart: number;
    acrossInstances: number;
    minGapMs: number | null;
    minGapAcrossInstancesMs: number | null;
    examples: DoubleCheck[];
    acrossExamples: DoubleCheck[];
  };
  /** PostgreSQL: instances whose heartbeat got older than the lease TTL while they were alive (the others may take over a live instance's endpoints). */
  heartbeats?: { leaseTtlMs: number; staleWhileAlive: string[]; samples: ClusterSample[] };
  perInstance?: InstanceResult[];
  /**
   * Checks judged DOWN and DEGRADED against a target that always answers 200 at once (a check that
   * waited seconds for its turn is slow, or times out): in the window, and in the whole measured run
   * up to the stop; incidents open at the end.
   */
  notUp?: { downInWindow: number | null; degradedInWindow: number | null; down: number | null; degraded: number | null; incidentsOpenAtEnd: number | null };
  takeover?: TakeoverResult | { error: string };
  stall?: StallResult | { error: string };
  stopExitCode?: number | null;
  stopMs?: number | null;
  unfinishedAtStop?: string | null;
  startedFinal?: number | null;
  writtenFinal?: number | null;
  runningFinal?: number | null;
  rowsBefore?: number | null;
  rowsAfter?: number | null;
  rowsOfMeasuredRun?: number | null;
  /** Requests the target received in the measured run (one per check; a reused socket's retry adds one). */
  targetRequests?: number | null;
  allStored?: boolean;
  allStoredDetail?: string;
  aimMet?: boolean;
  samples?: Sample[];
  logFiles?: string[];
  cpuProfile?: string[];
}

async function createEndpoints(base: string, origin: string, count: number, intervalSeconds: number, paused: boolean): Promise<number> {
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (next < count && !isAborting()) {
      const i = next++;
      const res = await fetch(`${base}/api/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `bench ${i}`, url: `${origin}/e/${i}`, intervalSeconds, paused }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/endpoints #${i} answered ${res.status}: ${body.slice(0, 300)}`);
      done++;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`  created ${done}/${count}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  if (isAborting()) throw new Error('aborted');
  return (Date.now() - t0) / 1000;
}

async function countRows(db: BenchDatabase, unpause: boolean): Promise<number> {
  return db.direct(async (query) => {
    if (unpause) await query('update endpoints set paused = false');
    const [row] = await query('select count(*)::int as n from check_results');
    return Number(row?.n ?? NaN);
  });
}

/** Lease rows per instance (PostgreSQL, while the instances run). */
async function leasesByInstance(db: BenchDatabase): Promise<Map<string, number>> {
  return db.direct(async (query) => {
    const rows = await query('select coalesce(instance_id, \'(free)\') as id, count(*)::int as n from endpoint_leases group by 1');
    return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
  });
}

function readProbe(file: string, from: number, to: number): EventLoopFigures {
  const none = { delayP99MsMedian: null, delayP99MsMax: null, delayMaxMs: null, utilisationMean: null };
  if (!existsSync(file)) return none;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: number; elDelayP99Ms: number; elDelayMaxMs: number; tickLateMs?: number; elu: number })
    .filter((l) => l.t > from && l.t <= to + 500);
  if (lines.length === 0) return none;
  const p99s = lines.map((l) => l.elDelayP99Ms).sort((a, b) => a - b);
  return {
    delayP99MsMedian: round(p99s[Math.floor(p99s.length / 2)]),
    delayP99MsMax: round(p99s.at(-1)),
    // The worst stall: the histogram's maximum, or the lateness of the probe's own 1 s timer.
    delayMaxMs: round(Math.max(...lines.map((l) => Math.max(l.elDelayMaxMs, l.tickLateMs ?? 0)))),
    utilisationMean: round(lines.reduce((a, l) => a + l.elu, 0) / lines.length, 3),
  };
}

/** One measured Vigil process and what the bench read of it. */
interface Member {
  id: string;
  vigil: VigilProcess;
  probeFile: string;
  alive: boolean;
  samples: Sample[];
  lastWait: number | null;
  /** The latest successful scrape. */
  last?: Scrape;
}

/** Every live member's /metrics, read together. */
const scrapeAll = (members: Member[]) => Promise.all(members.map(async (m) => (m.last = await scrape(m.vigil.base))));

/** What the lag quantiles (the last 10,000 starts of a process) cover. */
function lagWindowText(started0: number, started1: number, rate: number): string {
  if (started1 <= 10_000) return `all ${started1} starts of the measured process (its start-up, the ${options.warmupS} s warm-up and the window)`;
  if (started1 - started0 >= 10_000) return `the last 10,000 starts, all inside the window (≈ its last ${round(10_000 / rate)} s)`;
  return `the last 10,000 starts: the whole window plus ≈ ${round((10_000 - (started1 - started0)) / Math.max(1, rate))} s of warm-up before it`;
}

const maxOf = (values: (number | null | undefined)[]) => {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};
const sumOf = (values: (number | null | undefined)[]) => {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
};

async function runScenario(
  kind: 'pglite' | 'postgres',
  instances: number,
  run: number,
  endpoints: number,
  rate: number,
  target: { origin: string; pid: number },
  logDir: string,
): Promise<ScenarioResult> {
  const intervalSeconds = endpoints / rate;
  const result: ScenarioResult = { db: kind, instances, run, endpoints, intervalSeconds, targetRate: rate, start: options.start, ok: false };
  const tag = `${kind}-${endpoints}-${rate}${instances > 1 || options.instances.length > 1 ? `-x${instances}` : ''}${options.runs > 1 ? `-run${run}` : ''}`;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 86_400) {
    result.error = `interval ${endpoints}/${rate} = ${intervalSeconds} s is not a whole number of seconds in 1..86400`;
    return result;
  }
  progress(`── ${kind}, ${instances} instance${instances > 1 ? 's' : ''}, ${endpoints} endpoints, ${rate} checks/s (interval ${intervalSeconds} s)${options.runs > 1 ? `, run ${run}/${options.runs}` : ''} ──`);
  result.code = codeState();
  // On PostgreSQL each process gets a known instance id: the target tells them apart by it.
  const ids = kind === 'postgres' ? Array.from({ length: instances }, (_, i) => `bench-${i + 1}`) : ['-'];
  const envOf = (db: BenchDatabase, id: string) => (kind === 'postgres' ? { ...db.env, INSTANCE_ID: id } : db.env);
  const logName = (stage: string, id: string, ext = 'log') => join(logDir, `${tag}-${stage}${instances > 1 ? `-${id}` : ''}.${ext}`);
  let db: BenchDatabase | undefined;
  let running: VigilProcess[] = [];
  let watch: ClusterWatch | undefined;
  try {
    db = await createBenchDatabase(kind, 'vigil-bench-');
    progress(`  database: ${db.label}`);

    // 1. Create the endpoints through the first of the instances.
    running = await Promise.all(ids.map((id) => startVigilProcess(envOf(db!, id), { logFile: logName('create', id) })));
    progress(`  Vigil (creation run) up on ${running.map((v) => v.base).join(', ')}; creating ${endpoints} endpoints through the first, ${options.concurrency} in flight`);
    const paused = options.start === 'spread';
    result.createSeconds = round(await createEndpoints(running[0]!.base, target.origin, endpoints, intervalSeconds, paused), 2);
    result.createRate = round(endpoints / result.createSeconds!);
    progress(`  created ${endpoints} in ${result.createSeconds} s (${result.createRate}/s); SIGTERM`);
    const restarts = await Promise.all(running.map((v) => stopGracefully(v.child)));
    running = [];
    result.restartStopMs = Math.max(...restarts.map((r) => r.ms));
    result.restartExitCode = restarts.find((r) => r.code !== 0)?.code ?? 0;
    const failedStop = restarts.find((r) => r.code !== 0);
    if (failedStop) throw new Error(`Vigil (creation run) did not exit 0 on SIGTERM: ${failedStop.code ?? failedStop.signal}`);
    progress(`  exited 0 in ${result.restartStopMs} ms${paused ? '; unpausing the endpoints in the database' : ''}; counting rows`);
    result.rowsBefore = await countRows(db, paused);

    // 2. The measured run: fresh Vigils with N endpoints at start.
    await trackerReset(target.origin, (intervalSeconds * 1000) / 2);
    const cpuProfDir = options.cpuProf ? join(logDir, `${tag}-cpuprof`) : undefined;
    if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
    const measureLogs = ids.map((id) => logName('measure', id));
    const probeFiles = ids.map((id) => logName('probe', id, 'jsonl'));
    result.logFiles = [...ids.map((id) => logName('create', id)), ...measureLogs, ...probeFiles];
    if (kind === 'postgres') watch = watchCluster(db.env.DATABASE_URL!);
    running = await Promise.all(
      ids.map((id, i) => startVigilProcess(envOf(db!, id), { logFile: measureLogs[i]!, probeFile: probeFiles[i]!, cpuProfDir })),
    );
    const members: Member[] = running.map((vigil, i) => ({ id: ids[i]!, vigil, probeFile: probeFiles[i]!, alive: true, samples: [], lastWait: runQueueWaitMs(vigil.pid) }));
    const upAt = Date.now();
    progress(`  Vigil (measured run) up on ${members.map((m) => `${m.vigil.base} (pid ${m.vigil.pid})`).join(', ')}; warm-up ${options.warmupS} s`);

    const rssTotals: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling && !isAborting()) {
        const tick = Date.now();
        let rssTotal = 0;
        await Promise.all(
          members
            .filter((m) => m.alive)
            .map(async (m) => {
              try {
                const s = await scrape(m.vigil.base);
                const now = runQueueWaitMs(m.vigil.pid);
                const wait = now !== null && m.lastWait !== null ? round(now - m.lastWait) : null;
                m.lastWait = now;
                rssTotal += s.rss / 1048576;
                m.samples.push({
                  t: s.t,
                  rssMb: round(s.rss / 1048576)!,
                  started: s.started,
                  written: s.written,
                  pending: s.pending,
                  running: s.running,
                  lagP50: s.lagP50,
                  lagP99: s.lagP99,
                  scrapeMs: s.latencyMs,
                  runQueueWaitMs: wait,
                });
              } catch (error) {
                if (m.alive) progress(`  (a /metrics poll of ${m.id} failed: ${String(error)})`);
              }
            }),
        );
        rssTotals.push(rssTotal);
        await sleep(Math.max(0, 1000 - (Date.now() - tick)));
      }
    })();

    await sleep(options.warmupS * 1000);
    if (isAborting()) throw new Error('aborted');
    result.loadAverage1m = round(os.loadavg()[0], 2);
    const wait0 = members.map((m) => runQueueWaitMs(m.vigil.pid));
    const target0 = processCpuSeconds(target.pid);
    const machine0 = machineCpu();
    const pg0 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    const [m0, track0] = await Promise.all([scrapeAll(members), trackerStats(target.origin)]);
    progress(`  window of ${options.windowS} s starts (started so far ${sumOf(m0.map((m) => m.started))}, pending ${sumOf(m0.map((m) => m.pending))}, load average ${result.loadAverage1m})`);
    await sleep(options.windowS * 1000);
    if (isAborting()) throw new Error('aborted');
    const [m1, track1] = await Promise.all([scrapeAll(members), trackerStats(target.origin)]);
    const machine1 = machineCpu();
    const target1 = processCpuSeconds(target.pid);
    const wait1 = members.map((m) => runQueueWaitMs(m.vigil.pid));
    const pg1 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    const leases = kind === 'postgres' ? await leasesByInstance(db) : undefined;
    const heartbeatsInWindow = watch?.maxHeartbeatAge(m0[0]!.t, m1[0]!.t);

    const dt = (Math.max(...m1.map((m) => m.t)) - Math.min(...m0.map((m) => m.t))) / 1000;
    const trackDt = (track1.at - track0.at) / 1000;
    result.windowSeconds = round(dt, 2);
    const perInstance: InstanceResult[] = members.map((m, i) => {
      const a = m0[i]!;
      const b = m1[i]!;
      const mdt = (b.t - a.t) / 1000;
      const inWindow = m.samples.filter((s) => s.t >= a.t && s.t <= b.t);
      const waits = inWindow.map((s) => s.runQueueWaitMs).filter((w): w is number => w !== null);
      const achievedRate = round((b.started - a.started) / mdt);
      const key = kind === 'postgres' ? m.id : '-';
      return {
        id: m.id,
        pid: m.vigil.pid,
        achievedRate,
        writtenRate: round((b.written - a.written) / mdt),
        targetViewRate: round(((track1.byInstance[key] ?? 0) - (track0.byInstance[key] ?? 0)) / trackDt),
        lagP50Ms: b.lagP50,
        lagP90Ms: b.lagP90,
        lagP99Ms: b.lagP99,
        lagCoversSeconds: b.started >= 10_000 && achievedRate ? round(10_000 / achievedRate) : null,
        overlapsSkippedInWindow: b.skipped - a.skipped,
        cpuPercent: round(((b.cpuS - a.cpuS) / mdt) * 100),
        rssPeakMb: round(Math.max(...m.samples.map((s) => s.rssMb), a.rss / 1048576, b.rss / 1048576)),
        rssFinalMb: round(b.rss / 1048576),
        pendingMaxInWindow: Math.max(a.pending, b.pending, ...inWindow.map((s) => s.pending)),
        batchesPerSecond: round((b.batches - a.batches) / mdt),
        meanBatchSize: round((b.written - a.written) / Math.max(1, b.batches - a.batches)),
        writeRetries: b.retries,
        scrapeLatencyMaxMs: Math.max(a.latencyMs, b.latencyMs, ...inWindow.map((s) => s.scrapeMs)),
        runQueueWaitPercent: wait0[i] != null && wait1[i] != null ? round(((wait1[i]! - wait0[i]!) / 1000 / mdt) * 100) : null,
        runQueueWaitMaxMsPerSecond: waits.length ? Math.max(...waits) : null,
        eventLoop: readProbe(m.probeFile, a.t, b.t),
        endpointsCheckedLast: track1.holders[key] ?? 0,
        leasesHeld: leases ? (leases.get(m.id) ?? 0) : null,
        heartbeatMaxAgeMs: null,
        heartbeatMaxAgeInWindowMs: heartbeatsInWindow?.[m.id]?.ageMs ?? null,
        leasesClaimed: b.claimed,
        leasesReleased: b.released,
        leasesLost: b.lost,
        eventsReceivedRate: b.eventsReceived !== null && a.eventsReceived !== null ? round((b.eventsReceived - a.eventsReceived) / mdt) : null,
        samples: [],
      };
    });
    result.perInstance = perInstance;
    result.achievedRate = round(sumOf(perInstance.map((p) => p.achievedRate)));
    result.writtenRate = round(sumOf(perInstance.map((p) => p.writtenRate)));
    result.targetViewRate = round((track1.requests - track0.requests) / trackDt);
    const worst = perInstance.reduce((w, p) => ((p.lagP99Ms ?? -1) > (w.lagP99Ms ?? -1) ? p : w), perInstance[0]!);
    result.lagP50Ms = maxOf(perInstance.map((p) => p.lagP50Ms));
    result.lagP90Ms = maxOf(perInstance.map((p) => p.lagP90Ms));
    result.lagP99Ms = maxOf(perInstance.map((p) => p.lagP99Ms));
    const worstIndex = perInstance.indexOf(worst);
    result.lagWindow =
      (instances > 1 ? `per instance (worst p99: ${worst.id}) ` : '') + lagWindowText(m0[worstIndex]!.started, m1[worstIndex]!.started, worst.achievedRate ?? rate);
    result.lagAtWindowStart = { p50: maxOf(m0.map((m) => m.lagP50)), p99: maxOf(m0.map((m) => m.lagP99)) };
    result.overlapsSkippedInWindow = sumOf(perInstance.map((p) => p.overlapsSkippedInWindow));
    result.overlapsSkippedTotal = sumOf(m1.map((m) => m.skipped));
    result.cpuPercent = round(sumOf(perInstance.map((p) => p.cpuPercent)));
    result.rssPeakMb = maxOf(perInstance.map((p) => p.rssPeakMb));
    result.rssTotalPeakMb = round(Math.max(...rssTotals, sumOf(m1.map((m) => m.rss / 1048576)) ?? 0));
    result.rssFinalMb = round(sumOf(perInstance.map((p) => p.rssFinalMb)));
    result.pendingMaxInWindow = maxOf(perInstance.map((p) => p.pendingMaxInWindow));
    result.batchesPerSecond = round(sumOf(perInstance.map((p) => p.batchesPerSecond)));
    result.meanBatchSize = round(sumOf(m1.map((b, i) => b.written - m0[i]!.written))! / Math.max(1, sumOf(m1.map((b, i) => b.batches - m0[i]!.batches))!));
    result.writeRetries = sumOf(m1.map((m) => m.retries));
    result.scrapeLatencyMaxMs = maxOf(perInstance.map((p) => p.scrapeLatencyMaxMs));
    result.targetCpuPercent = target0 !== null && target1 !== null ? round(((target1 - target0) / dt) * 100) : null;
    if (pg0 && pg1) {
      result.postgresBackendsCpuPercent = round((cpuDelta(pg0.backends, pg1.backends) / dt) * 100);
      result.postgresAuxCpuPercent = round((cpuDelta(pg0.aux, pg1.aux) / dt) * 100);
    }
    result.machineCpuPercent = machineCpuPercent(machine0, machine1);
    result.otherCpuPercent = round(
      result.machineCpuPercent! -
        result.cpuPercent! -
        (result.targetCpuPercent ?? 0) -
        (result.postgresBackendsCpuPercent ?? 0) -
        (result.postgresAuxCpuPercent ?? 0),
    );
    const busiest = perInstance.reduce((w, p) => ((p.eventLoop.utilisationMean ?? -1) > (w.eventLoop.utilisationMean ?? -1) ? p : w), perInstance[0]!);
    result.eventLoop = busiest.eventLoop;
    result.runQueueWaitPercent = maxOf(perInstance.map((p) => p.runQueueWaitPercent));
    result.runQueueWaitMaxMsPerSecond = maxOf(perInstance.map((p) => p.runQueueWaitMaxMsPerSecond));
    result.doubles = {
      gapMs: track1.doubleGapMs,
      inWindow: track1.doubles - track0.doubles,
      acrossInstancesInWindow: track1.doublesAcrossInstances - track0.doublesAcrossInstances,
      sinceStart: track1.doubles,
      acrossInstances: track1.doublesAcrossInstances,
      minGapMs: track1.minGapMs,
      minGapAcrossInstancesMs: track1.minGapAcrossInstancesMs,
      examples: track1.doubleExamples,
      acrossExamples: track1.acrossExamples,
    };
    progress(
      `  window: ${result.achievedRate} started/s (target saw ${result.targetViewRate}/s), ${result.writtenRate} written/s, lag p50 ${result.lagP50Ms} p99 ${result.lagP99Ms} ms (worst instance), ` +
        `CPU ${result.cpuPercent}% (target ${result.targetCpuPercent}%, PG ${result.postgresBackendsCpuPercent ?? '-'}%, machine ${result.machineCpuPercent}%), ` +
        `ELU ${result.eventLoop?.utilisationMean}, run-queue wait ${result.runQueueWaitPercent}%, pending max ${result.pendingMaxInWindow}, double checks in the window ${result.doubles.inWindow} (${result.doubles.acrossInstancesInWindow} across instances), since start ${result.doubles.sinceStart} (${result.doubles.acrossInstances} across)`,
    );
    if (instances > 1) {
      for (const p of perInstance) {
        progress(
          `    ${p.id}: ${p.achievedRate}/s (target ${p.targetViewRate}/s), lag p50 ${p.lagP50Ms} p99 ${p.lagP99Ms} ms, CPU ${p.cpuPercent}%, RSS ${p.rssPeakMb} MB, ` +
            `checked last ${p.endpointsCheckedLast} endpoints, leases ${p.leasesHeld}, run-queue wait ${p.runQueueWaitPercent}%`,
        );
      }
    }

    // 3. Optionally, freeze one instance for a while, and kill -9 one and watch the others take its endpoints over.
    if (options.stallS > 0 && instances > 1) {
      try {
        result.stall = await measureStall(members, target, intervalSeconds, options.stallS * 1000);
      } catch (error) {
        result.stall = { error: error instanceof Error ? error.message : String(error) };
        progress(`  stall FAILED: ${result.stall.error}`);
      }
    }
    let killed: { member: Member; writtenAtKill: number; downAtKill: number; degradedAtKill: number; at: number } | undefined;
    if (options.takeover && instances > 1) {
      try {
        killed = await measureTakeover(members, target, intervalSeconds, result);
      } catch (error) {
        result.takeover = { error: error instanceof Error ? error.message : String(error) };
        progress(`  takeover FAILED: ${result.takeover.error}`);
      }
    }
    polling = false;
    await withTimeout(poller, 20_000, 'the /metrics poller to finish');
    if (watch) {
      // Alive: from its start to the kill (a killed instance's heartbeat ages on, as it should).
      const leaseTtlMs = loadSettings(options.vigilEnv).leaseTtlMs;
      const untilKill = watch.maxHeartbeatAge(upAt, killed?.at ?? Infinity);
      const sinceStart = watch.maxHeartbeatAge(upAt);
      for (const p of perInstance) p.heartbeatMaxAgeMs = (killed?.member.id === p.id ? untilKill : sinceStart)[p.id]?.ageMs ?? null;
      if (result.stall && 'instance' in result.stall) result.stall.heartbeatMaxAgeMs = untilKill[result.stall.instance]?.ageMs ?? null;
      await watch.stop();
      result.heartbeats = {
        leaseTtlMs,
        staleWhileAlive: perInstance.filter((p) => (p.heartbeatMaxAgeMs ?? 0) > leaseTtlMs).map((p) => p.id),
        samples: watch.samples.map((x) => ({ ...x, t: x.t - upAt })),
      };
      watch = undefined;
      if (result.heartbeats.staleWhileAlive.length > 0) {
        progress(`  heartbeat older than the lease TTL (${leaseTtlMs} ms) while alive: ${perInstance.map((p) => `${p.id} ${p.heartbeatMaxAgeMs} ms`).join(', ')}`);
      }
    }
    for (let i = 0; i < members.length; i++) perInstance[i]!.samples = members[i]!.samples.map((s) => ({ ...s, t: s.t - upAt }));
    if (instances === 1) result.samples = perInstance[0]!.samples;

    // 4. Stop: the writers' queues must reach 0, then SIGTERM must end in exit 0 with everything written.
    const alive = members.filter((m) => m.alive);
    let pendingMin = Infinity;
    let lastScrapes: Scrape[] = [];
    const drainDeadline = Date.now() + 20_000;
    for (;;) {
      lastScrapes = await scrapeAll(alive);
      const pending = sumOf(lastScrapes.map((s) => s.pending))!;
      pendingMin = Math.min(pendingMin, pending);
      if (pending === 0 || Date.now() > drainDeadline || isAborting()) break;
      await sleep(50);
    }
    result.pendingReachedZero = lastScrapes.every((s) => s.pending === 0);
    result.pendingMinAfterWindow = pendingMin;
    result.notUp = {
      downInWindow: sumOf(m1.map((b, i) => b.down - m0[i]!.down)),
      degradedInWindow: sumOf(m1.map((b, i) => b.degraded - m0[i]!.degraded)),
      down: sumOf(lastScrapes.map((x) => x.down))! + (killed?.downAtKill ?? 0),
      degraded: sumOf(lastScrapes.map((x) => x.degraded))! + (killed?.degradedAtKill ?? 0),
      incidentsOpenAtEnd: lastScrapes[0]?.incidentsOpen ?? null,
    };
    result.startedFinal = sumOf(lastScrapes.map((s) => s.started));
    result.writtenFinal = sumOf(lastScrapes.map((s) => s.written));
    result.runningFinal = sumOf(lastScrapes.map((s) => s.running));
    progress(`  pending ${result.pendingReachedZero ? 'reached 0' : `did not reach 0 in 20 s (min ${pendingMin})`}; SIGTERM`);
    const stops = await Promise.all(alive.map((m) => stopGracefully(m.vigil.child)));
    const outputs = alive.flatMap((m) => m.vigil.child.output);
    running = [];
    const badStop = stops.find((s) => s.code !== 0);
    result.stopExitCode = badStop ? badStop.code : 0;
    result.stopMs = Math.max(...stops.map((s) => s.ms));
    result.unfinishedAtStop = outputs.find((l) => l.includes('did not finish')) ?? null;
    if (options.cpuProf && cpuProfDir) result.cpuProfile = [cpuProfDir];
    result.rowsAfter = await countRows(db, false);
    result.rowsOfMeasuredRun = result.rowsAfter - result.rowsBefore!;
    const trackEnd = await trackerStats(target.origin);
    result.targetRequests = trackEnd.requests;
    if (killed && result.takeover && 'boundMs' in result.takeover) result.takeover.lostWithKilled = trackEnd.requests - result.rowsOfMeasuredRun;
    // A killed process loses what it had not written yet: it only vouches for what it had written.
    const owed = result.startedFinal! + (killed?.writtenAtKill ?? 0);
    const lateStarts = result.rowsOfMeasuredRun - owed;
    const everyLiveFinished = lastScrapes.every((s) => s.written + s.running >= s.started);
    result.allStored = !badStop && result.unfinishedAtStop === null && everyLiveFinished && lateStarts >= 0;
    result.allStoredDetail =
      `exit ${badStop ? (badStop.code ?? badStop.signal) : 0} after ${result.stopMs} ms; at the last scrape started ${result.startedFinal} ≤ written ${result.writtenFinal} + running ${result.runningFinal}` +
      `${everyLiveFinished ? '' : ' (MISSING)'}` +
      `${killed ? `; the killed ${killed.member.id} had written ${killed.writtenAtKill}` : ''}; ` +
      `rows of the measured run ${result.rowsOfMeasuredRun} (${lateStarts >= 0 ? `${lateStarts} checks started between the last scrape and SIGTERM` : `${-lateStarts} MISSING`}); ` +
      `the target received ${trackEnd.requests} requests` +
      `${result.unfinishedAtStop ? `; ${result.unfinishedAtStop}` : ''}`;
    // "Held": the load asked for (±3 %) was started and written, lag p99 < 200 ms, nothing lost.
    result.aimMet =
      Math.abs(result.achievedRate! - rate) <= 0.03 * rate && result.writtenRate! >= 0.97 * rate && (result.lagP99Ms ?? Infinity) < 200 && result.allStored;
    result.ok = true;
    progress(`  stopped: ${result.allStoredDetail}`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    progress(`  FAILED: ${result.error}`);
  } finally {
    await watch?.stop();
    await Promise.all(running.map((v) => v.child.kill()));
    if (db) await db.dispose().catch((e) => progress(`  could not remove ${db!.label}: ${String(e)}`));
  }
  return result;
}

/**
 * SIGSTOP of the second instance for `stallMs`, then SIGCONT: alive, but silent for longer than the
 * lease TTL. From the target's view: how many of its endpoints the others checked meanwhile, and
 * double checks (two checks of one endpoint closer than half its interval) until one interval + 10 s
 * after the thaw.
 */
async function measureStall(members: Member[], target: { origin: string }, intervalSeconds: number, stallMs: number): Promise<StallResult> {
  const frozen = members[1]!;
  const before = await trackerStats(target.origin);
  frozen.alive = false; // its /metrics cannot answer meanwhile
  const stoppedAt = Date.now();
  frozen.vigil.child.proc.kill('SIGSTOP');
  // The tracker's takeover view fits: which of its endpoints did the others check meanwhile?
  const { orphans } = await trackerKilled(target.origin, frozen.id, stoppedAt);
  progress(`  SIGSTOP ${frozen.id} for ${stallMs / 1000} s (it had checked ${orphans} endpoints last)`);
  try {
    await sleep(stallMs);
  } finally {
    frozen.vigil.child.proc.kill('SIGCONT');
  }
  const thawedAt = Date.now();
  const atThaw = await trackerStats(target.origin);
  frozen.alive = true;
  await sleep(intervalSeconds * 1000 + 10_000);
  const after = await trackerStats(target.origin);
  const t = after.takeover!;
  const result: StallResult = {
    instance: frozen.id,
    stallMs: thawedAt - stoppedAt,
    takenMeanwhile: t.resumed,
    orphans,
    doubles: after.doubles - before.doubles,
    doublesAcrossInstances: after.doublesAcrossInstances - before.doublesAcrossInstances,
    requestsAfterThaw: (after.byInstance[frozen.id] ?? 0) - (atThaw.byInstance[frozen.id] ?? 0),
    heartbeatMaxAgeMs: null,
    examples: t.doubleExamples,
    acrossExamples: t.acrossExamples,
  };
  progress(
    `  thawed: the others had checked ${result.takenMeanwhile} of its ${orphans} endpoints by the end; ${result.requestsAfterThaw} checks by ${frozen.id} since; ` +
      `double checks ${result.doubles} (${result.doublesAcrossInstances} across instances)`,
  );
  return result;
}

/**
 * kill -9 of the last instance; from the target's view, the time until every endpoint it had
 * checked last was checked again by another instance, double checks meanwhile, and the survivors'
 * rate over the next interval. Returns the killed member and what it had written.
 */
async function measureTakeover(
  members: Member[],
  target: { origin: string },
  intervalSeconds: number,
  result: ScenarioResult,
): Promise<{ member: Member; writtenAtKill: number; downAtKill: number; degradedAtKill: number; at: number }> {
  const victim = members.at(-1)!;
  const survivors = members.filter((m) => m !== victim && m.alive);
  const boundMs = Math.max(2 * intervalSeconds * 1000, 15_000);
  const [lastOfVictim, before] = await Promise.all([scrape(victim.vigil.base), trackerStats(target.origin)]);
  victim.alive = false;
  const killAt = Date.now();
  victim.vigil.child.proc.kill('SIGKILL');
  const { orphans } = await trackerKilled(target.origin, victim.id, killAt);
  await withTimeout(victim.vigil.child.exited, 10_000, `${victim.id} to die after SIGKILL`);
  progress(`  kill -9 ${victim.id} (pid ${victim.vigil.pid}): it had checked ${orphans} endpoints last; waiting for the others to take them over (bound ${boundMs / 1000} s)`);

  let stats = before;
  const giveUpAt = killAt + boundMs + 30_000;
  for (;;) {
    stats = await trackerStats(target.origin);
    if ((stats.takeover?.resumed ?? 0) >= orphans || Date.now() > giveUpAt || isAborting()) break;
    await sleep(200);
  }
  const taken = stats.takeover!;
  progress(
    `  ${taken.resumed}/${orphans} checked again; kill → last ${cell(round((taken.delayMaxMs ?? NaN) / 1000, 2))} s (p50 ${cell(round((taken.delayP50Ms ?? NaN) / 1000, 2))} s), ` +
      `longest gap ${cell(round((taken.longestGapMs ?? NaN) / 1000, 2))} s; measuring the survivors for one interval`,
  );
  const afterS = Math.max(intervalSeconds, 10);
  const s0 = await scrapeAll(survivors);
  await sleep(afterS * 1000);
  const [s1, end] = await Promise.all([scrapeAll(survivors), trackerStats(target.origin)]);
  const rateAfter = sumOf(s1.map((b, i) => (b.started - s0[i]!.started) / ((b.t - s0[i]!.t) / 1000)));
  result.takeover = {
    ...end.takeover!,
    boundMs,
    withinBound: end.takeover!.resumed === orphans && (end.takeover!.delayMaxMs ?? Infinity) <= boundMs,
    doublesSinceKill: end.doubles - before.doubles,
    rateAfter: round(rateAfter),
    lagP99AfterMs: maxOf(s1.map((s) => s.lagP99)),
    lostWithKilled: null,
  };
  progress(
    `  after the takeover: ${result.takeover.rateAfter} checks/s on ${survivors.length} instances, lag p99 ${result.takeover.lagP99AfterMs} ms, ` +
      `double checks since the kill ${result.takeover.doublesSinceKill}, taken by ${JSON.stringify(result.takeover.takenBy)}`,
  );
  return { member: victim, writtenAtKill: lastOfVictim.written, downAtKill: lastOfVictim.down, degradedAtKill: lastOfVictim.degraded, at: killAt };
}

// ─── report ──────────────────────────────────────────────────────────────────────────────────────

const s1 = (ms: number | null | undefined) => cell(round((ms ?? NaN) / 1000, 1));
const doubleCells = (r: ScenarioResult) => {
  const d = r.doubles;
  return d ? `${d.acrossInstancesInWindow} / ${d.inWindow - d.acrossInstancesInWindow} | ${d.acrossInstances} / ${d.sinceStart - d.acrossInstances}` : '– | –';
};
const label = (r: ScenarioResult) => `${r.db} ×${r.instances} ${r.endpoints}@${r.targetRate}/s${options.runs > 1 ? ` run ${r.run}` : ''}`;

function markdown(results: ScenarioResult[]): string {
  const lines = [
    '| db | instances | run | endpoints | target checks/s | achieved checks/s | target saw /s | written/s | lag p50 ms | lag p99 ms | Vigil CPU % | RSS peak MB (largest / all) | PG CPU % | double checks in the window: across instances / same | since start | all stored |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    if (!r.ok) {
      lines.push(`| ${r.db} | ${r.instances} | ${r.run} | ${r.endpoints} | ${r.targetRate} | failed: ${(r.error ?? '').replace(/\|/g, '/').split('\n')[0]} | | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.db} | ${r.instances} | ${r.run} | ${r.endpoints} | ${r.targetRate} | ${cell(r.achievedRate)} | ${cell(r.targetViewRate)} | ${cell(r.writtenRate)} | ${cell(r.lagP50Ms)} | ${cell(r.lagP99Ms)} | ${cell(r.cpuPercent)} | ${cell(r.rssPeakMb)} / ${cell(r.rssTotalPeakMb)} | ${cell(r.postgresBackendsCpuPercent)} | ${doubleCells(r)} | ${r.allStored ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    'Lag: the worst instance\'s; CPU and RSS "all": the Vigil processes added up; double checks: two checks of one endpoint closer than half its interval (target\'s view), the second by another instance / by the same one; "since start": from the measured processes\' start, across / same.',
    '',
    'Diagnostics (same window; CPU % of one core, 200 % = both cores; event loop and run-queue wait: the worst instance):',
    '',
    '| db | instances | endpoints | interval s | held (±3 %, p99 < 200, stored) | overlaps skipped | pending max | pending → 0 | batches/s | mean batch | event-loop util. | event-loop delay p99 ms (median / max of 1 s slices) / worst stall ms | target CPU % | PG backends CPU % | PG writers CPU % | machine CPU % | other CPU % | load avg 1 min | Vigil run-queue wait % (max ms in 1 s) | RSS final MB | create /s | checks DOWN / DEGRADED in the window | in the whole run | incidents open at the end |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    if (!r.ok) continue;
    lines.push(
      `| ${r.db} | ${r.instances} | ${r.endpoints} | ${r.intervalSeconds} | ${r.aimMet ? 'yes' : 'no'} | ${cell(r.overlapsSkippedInWindow)} | ${cell(r.pendingMaxInWindow)} | ${r.pendingReachedZero ? 'yes' : 'no'} | ${cell(r.batchesPerSecond)} | ${cell(r.meanBatchSize)} | ${cell(r.eventLoop?.utilisationMean)} | ${cell(r.eventLoop?.delayP99MsMedian)} / ${cell(r.eventLoop?.delayP99MsMax)} / ${cell(r.eventLoop?.delayMaxMs)} | ${cell(r.targetCpuPercent)} | ${cell(r.postgresBackendsCpuPercent)} | ${cell(r.postgresAuxCpuPercent)} | ${cell(r.machineCpuPercent)} | ${cell(r.otherCpuPercent)} | ${cell(r.loadAverage1m)} | ${cell(r.runQueueWaitPercent)} (${cell(r.runQueueWaitMaxMsPerSecond)}) | ${cell(r.rssFinalMb)} | ${cell(r.createRate)} | ${cell(r.notUp?.downInWindow)} / ${cell(r.notUp?.degradedInWindow)} | ${cell(r.notUp?.down)} / ${cell(r.notUp?.degraded)} | ${cell(r.notUp?.incidentsOpenAtEnd)} |`,
    );
  }
  const clustered = results.filter((r) => r.ok && r.instances > 1);
  if (clustered.length > 0) {
    lines.push(
      '',
      'Per instance (same window):',
      '',
      '| scenario | instance | checks/s | target saw /s | lag p50 ms | lag p99 ms | lag covers s | CPU % | RSS peak MB | run-queue wait % | event-loop util. | endpoints it checked last | leases held | pending max | heartbeat max age ms (window / from start) | leases claimed / handed over / lost (from start) | events from the others /s |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of clustered) {
      for (const p of r.perInstance ?? []) {
        lines.push(
          `| ${label(r)} | ${p.id} | ${cell(p.achievedRate)} | ${cell(p.targetViewRate)} | ${cell(p.lagP50Ms)} | ${cell(p.lagP99Ms)} | ${cell(p.lagCoversSeconds)} | ${cell(p.cpuPercent)} | ${cell(p.rssPeakMb)} | ${cell(p.runQueueWaitPercent)} | ${cell(p.eventLoop.utilisationMean)} | ${cell(p.endpointsCheckedLast)} | ${cell(p.leasesHeld)} | ${cell(p.pendingMaxInWindow)} | ${cell(p.heartbeatMaxAgeInWindowMs)} / ${cell(p.heartbeatMaxAgeMs)} | ${cell(p.leasesClaimed)} / ${cell(p.leasesReleased)} / ${cell(p.leasesLost)} | ${cell(p.eventsReceivedRate)} |`,
        );
      }
    }
  }
  const takeovers = results.filter((r) => r.ok && r.takeover);
  if (takeovers.length > 0) {
    lines.push(
      '',
      'Takeover after kill -9 (target\'s view: from the kill until each endpoint the killed instance had checked last was checked by another):',
      '',
      '| scenario | killed | its endpoints | checked again | kill → last one s | p50 s | p99 s | longest unchecked gap s | bound s | within | double checks since kill (across instances) | target requests − rows | checks/s after | lag p99 after ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    );
    for (const r of takeovers) {
      const t = r.takeover!;
      if ('error' in t) {
        lines.push(`| ${label(r)} | failed: ${t.error.replace(/\|/g, '/')} | | | | | | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${label(r)} | ${t.instance} | ${t.orphans} | ${t.resumed} | ${s1(t.delayMaxMs)} | ${s1(t.delayP50Ms)} | ${s1(t.delayP99Ms)} | ${s1(t.longestGapMs)} | ${s1(t.boundMs)} | ${t.withinBound ? 'yes' : 'NO'} | ${t.doublesSinceKill} (${cell(t.doublesAcrossInstances)}) | ${cell(t.lostWithKilled)} | ${cell(t.rateAfter)} | ${cell(t.lagP99AfterMs)} |`,
      );
    }
  }
  const slowLines: string[] = [];
  for (const r of takeovers) {
    const t = r.takeover!;
    if ('error' in t || !t.slowest?.length) continue;
    const slow = t.slowest.slice(0, 5).map((o) => `${o.path} ${s1(o.delayMs)} s after the kill by ${o.by} (last checked ${s1(o.lastCheckMsBeforeKill)} s before it)`);
    slowLines.push(`- ${label(r)}, checked again last: ${slow.join('; ')}`);
  }
  if (slowLines.length > 0) lines.push('', ...slowLines);
  const stalls = results.filter((r) => r.ok && r.stall);
  if (stalls.length > 0) {
    lines.push(
      '',
      'One instance frozen (SIGSTOP … SIGCONT), alive but silent; counted until one interval + 10 s after the thaw (target\'s view):',
      '',
      '| scenario | frozen | for s | its heartbeat max age s | its endpoints | checked by others meanwhile | its checks after the thaw | double checks | across instances |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of stalls) {
      const t = r.stall!;
      if ('error' in t) {
        lines.push(`| ${label(r)} | failed: ${t.error.replace(/\|/g, '/')} | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${label(r)} | ${t.instance} | ${s1(t.stallMs)} | ${s1(t.heartbeatMaxAgeMs)} | ${t.orphans} | ${t.takenMeanwhile} | ${t.requestsAfterThaw} | ${t.doubles} | ${t.doublesAcrossInstances} |`,
      );
    }
    const examples = stalls.flatMap((r) => (r.stall && 'instance' in r.stall && r.stall.acrossExamples.length ? [`- ${label(r)}: e.g. ${JSON.stringify(r.stall.acrossExamples.slice(0, 4))}`] : []));
    if (examples.length > 0) lines.push('', 'Double checks across instances around the freeze:', '', ...examples);
  }
  if (options.runs > 1) lines.push('', ...medians(results));
  lines.push('', 'Lag quantiles (vigil_scheduler_lag_ms, read at the end of the window) cover:', '');
  for (const r of results) if (r.ok) lines.push(`- ${label(r)}: ${r.lagWindow}`);
  const doubled = results.filter((r) => r.ok && (r.doubles?.sinceStart ?? 0) > 0);
  const doubledAfterKill = takeovers.filter((r) => r.takeover && !('error' in r.takeover) && r.takeover.doubles > 0);
  if (doubled.length + doubledAfterKill.length > 0) {
    lines.push('', 'Double checks (first examples):', '');
    for (const r of doubled) {
      const d = r.doubles!;
      lines.push(`- ${label(r)}: ${d.sinceStart} since start (${d.acrossInstances} across instances), ${d.inWindow} in the window (${d.acrossInstancesInWindow} across); closest pair ${d.minGapMs} ms, across instances ${cell(d.minGapAcrossInstancesMs)} ms; e.g. ${JSON.stringify([...d.acrossExamples.slice(0, 3), ...d.examples.slice(0, 2)])}`);
    }
    for (const r of doubledAfterKill) {
      const t = r.takeover as TakeoverResult;
      lines.push(`- ${label(r)} after the kill: ${t.doubles} (${t.doublesAcrossInstances} across instances), e.g. ${JSON.stringify([...t.acrossExamples.slice(0, 3), ...t.doubleExamples.slice(0, 2)])}`);
    }
  }
  lines.push('', '"all stored":', '');
  for (const r of results) if (r.ok) lines.push(`- ${label(r)}: ${r.allStoredDetail}`);
  return lines.join('\n');
}

const sumDoubles = (rs: ScenarioResult[], f: (d: NonNullable<ScenarioResult['doubles']>) => number) => rs.reduce((a, x) => a + (x.doubles ? f(x.doubles) : 0), 0);

/** Medians over the runs of each db × instances × endpoints × rate. */
function medians(results: ScenarioResult[]): string[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    if (!r.ok) continue;
    const key = `${r.db}|${r.instances}|${r.endpoints}|${r.targetRate}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines = [
    'Medians over the runs:',
    '',
    '| db | instances | endpoints | target checks/s | runs | achieved checks/s | lag p50 ms | lag p99 ms | Vigil CPU % | RSS all MB | PG CPU % | machine CPU % | other CPU % | double checks in the window, across / same (sums) | since start (sums) | takeover: kill → last s | longest gap s | doubles after kill (sum) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const rs of groups.values()) {
    const r = rs[0]!;
    const m = (f: (x: ScenarioResult) => number | null | undefined) => cell(round(median(rs.map(f))));
    const taken = rs.map((x) => x.takeover).filter((t): t is TakeoverResult => !!t && !('error' in t));
    lines.push(
      `| ${r.db} | ${r.instances} | ${r.endpoints} | ${r.targetRate} | ${rs.length} | ${m((x) => x.achievedRate)} | ${m((x) => x.lagP50Ms)} | ${m((x) => x.lagP99Ms)} | ${m((x) => x.cpuPercent)} | ${m((x) => x.rssTotalPeakMb)} | ${m((x) => x.postgresBackendsCpuPercent)} | ${m((x) => x.machineCpuPercent)} | ${m((x) => x.otherCpuPercent)} | ${sumDoubles(rs, (d) => d.acrossInstancesInWindow)} / ${sumDoubles(rs, (d) => d.inWindow - d.acrossInstancesInWindow)} | ${sumDoubles(rs, (d) => d.acrossInstances)} / ${sumDoubles(rs, (d) => d.sinceStart - d.acrossInstances)} | ` +
        `${taken.length ? s1(median(taken.map((t) => t.delayMaxMs))) : '–'} | ${taken.length ? s1(median(taken.map((t) => t.longestGapMs))) : '–'} | ${taken.length ? taken.reduce((a, t) => a + t.doublesSinceKill, 0) : '–'} |`,
    );
  }
  return lines;
}

// ─── main ────────────────────────────────────────────────────────────────────────────────────────

let options: Options;

async function main(): Promise<void> {
  options = optionsOrExit(parseOptions);
  usePostgres(options.pgUrl);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logDir = join(RESULTS_DIR, `checks-${stamp}-logs`);
  mkdirSync(logDir, { recursive: true });
  const jsonFile = join(RESULTS_DIR, `checks-${stamp}.json`);

  const machine = machineInfo();
  if (options.dbs.includes('postgres')) {
    const admin = adminSql();
    machine.postgres = await postgresVersion();
    const stale = await withTimeout(
      admin<{ datname: string }[]>`
        select datname from pg_database d where datname like 'vigil\_bench\_%'
        and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
      15_000,
      'listing stale bench databases',
    );
    for (const { datname } of stale) {
      if (!options.dropStale) {
        progress(`note: stale bench database ${datname} (from a killed run); --drop-stale removes it`);
        continue;
      }
      await withTimeout(admin.unsafe(`drop database if exists "${datname}"`), 30_000, `dropping ${datname}`);
      progress(`dropped stale bench database ${datname}`);
    }
  }
  progress(`machine: ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}; results → ${jsonFile}`);

  const results: ScenarioResult[] = [];
  const save = () =>
    writeFileSync(jsonFile, JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, machine, results }, null, 2) + '\n');
  const target = await startTarget('track');
  progress(`target server ${target.origin} (pid ${target.pid})`);
  try {
    // Runs outermost and instance counts innermost: the counts compared run back to back.
    for (let run = 1; run <= options.runs; run++) {
      for (const kind of options.dbs) {
        for (const endpoints of options.endpoints) {
          for (const rate of options.rates) {
            for (const instances of options.instances) {
              if (isAborting()) break;
              results.push(await runScenario(kind, instances, run, endpoints, rate, target, logDir));
              save();
            }
          }
        }
      }
    }
  } finally {
    await target.child.kill();
    await cleanupAll();
  }
  save();
  if (isAborting()) return;
  process.stdout.write(
    `\nVigil check pipeline — ${machine.nproc} cores, node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}, commit ${machine.gitCommit}` +
      `${machine.gitDirtyFiles.length ? ` (+${machine.gitDirtyFiles.length} uncommitted files)` : ''}; ` +
      `window ${options.windowS} s after ${options.warmupS} s warm-up, start=${options.start}, instances ${options.instances.join(', ')}` +
      `${options.runs > 1 ? `, ${options.runs} runs` : ''}${options.takeover ? ', takeover after kill -9' : ''}\n\n`,
  );
  process.stdout.write(markdown(results) + '\n');
  progress(`JSON: ${jsonFile}; Vigil logs and event-loop probes: ${logDir}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
