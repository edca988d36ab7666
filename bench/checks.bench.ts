/**
 * Check-pipeline benchmark: N endpoints at a given load, on PGlite and on PostgreSQL.
 *
 *   npm run bench:checks -- [--db=pglite|postgres|both] [--endpoints=1000,10000] [--rates=100,500,1000]
 *                           [--window=30] [--warmup=10] [--start=spread|rhythm] [--cpu-prof]
 *                           [--concurrency=20] [--vigil-env=WRITE_BATCH_SIZE=500,DATABASE_POOL_SIZE=10]
 *                           [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--drop-stale]
 *                           [--vigil-node-args="--trace-gc --max-semi-space-size=32"]
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
 *     restart uses the scheduler's phase spread; with --start=rhythm they are created active, and
 *     the restart keeps the rhythm of their last check (i.e. the rhythm of the creation burst);
 *  4. warm-up, then a measured window: /metrics at its start and end (and every second for RSS,
 *     pending, lag), CPU of Vigil (process_cpu_seconds_total), of the target and of the PostgreSQL
 *     backends (/proc), of the whole machine (/proc/stat), event-loop delay and utilisation of Vigil
 *     (bench/vigil-probe.ts);
 *  5. wait for the writer's pending queue to reach 0, SIGTERM, Vigil must exit 0 having finished
 *     every check; then the rows in check_results are counted directly (postgres.js / PGlite) and
 *     compared with vigil_checks_started_total.
 *
 * Progress goes to stderr; the Markdown results table to stdout; the JSON results (and Vigil's logs)
 * to bench/results/. Child processes, bench databases and temp dirs are removed on success, failure
 * and Ctrl-C. Every wait is bounded.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupAll, cleanUpOnSignals, isAborting } from './support/cleanup.ts';
import { adminSql, createBenchDatabase, postgresVersion, usePostgres, type BenchDatabase } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { machineCpu, machineCpuPercent, processCpuSeconds, runQueueWaitMs } from './support/proc.ts';
import { startTarget, startVigil, stopGracefully, type VigilProcess } from './support/processes.ts';
import { benchStart, cell, codeState, machineInfo, progress, RESULTS_DIR, round } from './support/report.ts';
import { sleep, withTimeout } from './support/waits.ts';

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
}

function parseOptions(argv: string[]): Options {
  const known = ['db', 'endpoints', 'rates', 'window', 'warmup', 'start', 'cpu-prof', 'concurrency', 'vigil-env', 'pg-url', 'drop-stale', 'vigil-node-args', 'help'];
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

interface ScenarioResult {
  db: 'pglite' | 'postgres';
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
  achievedRate?: number | null;
  writtenRate?: number | null;
  lagP50Ms?: number | null;
  lagP90Ms?: number | null;
  lagP99Ms?: number | null;
  lagWindow?: string;
  lagAtWindowStart?: { p50: number | null; p99: number | null };
  overlapsSkippedInWindow?: number | null;
  overlapsSkippedTotal?: number | null;
  cpuPercent?: number | null;
  rssPeakMb?: number | null;
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
  /** Share of the window Vigil's main thread was runnable but had no CPU (noisy neighbours, 2 cores). */
  runQueueWaitPercent?: number | null;
  runQueueWaitMaxMsPerSecond?: number | null;
  otherCpuPercent?: number | null;
  eventLoop?: { delayP99MsMedian: number | null; delayP99MsMax: number | null; delayMaxMs: number | null; utilisationMean: number | null };
  stopExitCode?: number | null;
  stopMs?: number | null;
  unfinishedAtStop?: string | null;
  startedFinal?: number | null;
  writtenFinal?: number | null;
  runningFinal?: number | null;
  rowsBefore?: number | null;
  rowsAfter?: number | null;
  rowsOfMeasuredRun?: number | null;
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

function readProbe(file: string, from: number, to: number): ScenarioResult['eventLoop'] {
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

async function runScenario(
  kind: 'pglite' | 'postgres',
  endpoints: number,
  rate: number,
  target: { origin: string; pid: number },
  logDir: string,
): Promise<ScenarioResult> {
  const intervalSeconds = endpoints / rate;
  const result: ScenarioResult = { db: kind, endpoints, intervalSeconds, targetRate: rate, start: options.start, ok: false };
  const tag = `${kind}-${endpoints}-${rate}`;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 86_400) {
    result.error = `interval ${endpoints}/${rate} = ${intervalSeconds} s is not a whole number of seconds in 1..86400`;
    return result;
  }
  progress(`── ${kind}, ${endpoints} endpoints, ${rate} checks/s (interval ${intervalSeconds} s) ──`);
  result.code = codeState();
  let db: BenchDatabase | undefined;
  let vigil: VigilProcess | undefined;
  try {
    db = await createBenchDatabase(kind, 'vigil-bench-');
    progress(`  database: ${db.label}`);

    // 1. Create the endpoints on a first Vigil.
    const createLog = join(logDir, `${tag}-create.log`);
    vigil = await startVigilProcess(db.env, { logFile: createLog });
    progress(`  Vigil (creation run) up on ${vigil.base}, pid ${vigil.pid}; creating ${endpoints} endpoints, ${options.concurrency} in flight`);
    const paused = options.start === 'spread';
    result.createSeconds = round(await createEndpoints(vigil.base, target.origin, endpoints, intervalSeconds, paused), 2);
    result.createRate = round(endpoints / result.createSeconds!);
    progress(`  created ${endpoints} in ${result.createSeconds} s (${result.createRate}/s); SIGTERM`);
    const restart = await stopGracefully(vigil.child);
    result.restartStopMs = restart.ms;
    result.restartExitCode = restart.code;
    vigil = undefined;
    if (restart.code !== 0) throw new Error(`Vigil (creation run) did not exit 0 on SIGTERM: ${restart.code ?? restart.signal}`);
    progress(`  exited 0 in ${restart.ms} ms${paused ? '; unpausing the endpoints in the database' : ''}; counting rows`);
    result.rowsBefore = await countRows(db, paused);

    // 2. The measured run: a fresh Vigil with N endpoints at start.
    const measureLog = join(logDir, `${tag}-measure.log`);
    const probeFile = join(logDir, `${tag}-probe.jsonl`);
    const cpuProfDir = options.cpuProf ? join(logDir, `${tag}-cpuprof`) : undefined;
    if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
    result.logFiles = [createLog, measureLog, probeFile];
    vigil = await startVigilProcess(db.env, { logFile: measureLog, probeFile, cpuProfDir });
    const upAt = Date.now();
    progress(`  Vigil (measured run) up on ${vigil.base}, pid ${vigil.pid}; warm-up ${options.warmupS} s`);

    const samples: Sample[] = [];
    let polling = true;
    let lastWait = runQueueWaitMs(vigil.pid);
    const poller = (async () => {
      while (polling && !isAborting()) {
        const tick = Date.now();
        try {
          const s = await scrape(vigil!.base);
          samples.push({
            t: s.t,
            rssMb: round(s.rss / 1048576)!,
            started: s.started,
            written: s.written,
            pending: s.pending,
            running: s.running,
            lagP50: s.lagP50,
            lagP99: s.lagP99,
            scrapeMs: s.latencyMs,
            runQueueWaitMs: (() => {
              const now = runQueueWaitMs(vigil!.pid);
              const delta = now !== null && lastWait !== null ? round(now - lastWait) : null;
              lastWait = now;
              return delta;
            })(),
          });
        } catch (error) {
          progress(`  (a /metrics poll failed: ${String(error)})`);
        }
        await sleep(Math.max(0, 1000 - (Date.now() - tick)));
      }
    })();

    await sleep(options.warmupS * 1000);
    if (isAborting()) throw new Error('aborted');
    const wait0 = runQueueWaitMs(vigil.pid);
    const target0 = processCpuSeconds(target.pid);
    const machine0 = machineCpu();
    const pg0 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    const m0 = await scrape(vigil.base);
    progress(`  window of ${options.windowS} s starts (started so far ${m0.started}, pending ${m0.pending})`);
    await sleep(options.windowS * 1000);
    if (isAborting()) throw new Error('aborted');
    const m1 = await scrape(vigil.base);
    const machine1 = machineCpu();
    const target1 = processCpuSeconds(target.pid);
    const wait1 = runQueueWaitMs(vigil.pid);
    const pg1 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    polling = false;
    await withTimeout(poller, 20_000, 'the /metrics poller to finish');

    const dt = (m1.t - m0.t) / 1000;
    const inWindow = samples.filter((s) => s.t >= m0.t && s.t <= m1.t);
    result.windowSeconds = round(dt, 2);
    result.achievedRate = round((m1.started - m0.started) / dt);
    result.writtenRate = round((m1.written - m0.written) / dt);
    result.lagP50Ms = m1.lagP50;
    result.lagP90Ms = m1.lagP90;
    result.lagP99Ms = m1.lagP99;
    result.lagWindow =
      m1.started <= 10_000
        ? `all ${m1.started} starts of the measured process (its start-up, the ${options.warmupS} s warm-up and the window)`
        : m1.started - m0.started >= 10_000
          ? `the last 10,000 starts, all inside the window (≈ its last ${round(10_000 / result.achievedRate!)} s)`
          : `the last 10,000 starts: the whole window plus ≈ ${round((10_000 - (m1.started - m0.started)) / Math.max(1, result.achievedRate!))} s of warm-up before it`;
    result.lagAtWindowStart = { p50: m0.lagP50, p99: m0.lagP99 };
    result.overlapsSkippedInWindow = m1.skipped - m0.skipped;
    result.overlapsSkippedTotal = m1.skipped;
    result.cpuPercent = round(((m1.cpuS - m0.cpuS) / dt) * 100);
    result.rssPeakMb = round(Math.max(...samples.map((s) => s.rssMb), m0.rss / 1048576, m1.rss / 1048576));
    result.rssFinalMb = round(m1.rss / 1048576);
    result.pendingMaxInWindow = Math.max(m0.pending, m1.pending, ...inWindow.map((s) => s.pending));
    result.batchesPerSecond = round((m1.batches - m0.batches) / dt);
    result.meanBatchSize = round((m1.written - m0.written) / Math.max(1, m1.batches - m0.batches));
    result.writeRetries = m1.retries;
    result.scrapeLatencyMaxMs = Math.max(m0.latencyMs, m1.latencyMs, ...inWindow.map((s) => s.scrapeMs));
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
    result.eventLoop = readProbe(probeFile, m0.t, m1.t);
    result.runQueueWaitPercent = wait0 !== null && wait1 !== null ? round(((wait1 - wait0) / 1000 / dt) * 100) : null;
    const waits = inWindow.map((s) => s.runQueueWaitMs).filter((w): w is number => w !== null);
    result.runQueueWaitMaxMsPerSecond = waits.length ? Math.max(...waits) : null;
    result.samples = samples.map((s) => ({ ...s, t: s.t - upAt }));
    progress(
      `  window: ${result.achievedRate} started/s, ${result.writtenRate} written/s, lag p50 ${m1.lagP50} p99 ${m1.lagP99} ms, ` +
        `CPU ${result.cpuPercent}% (target ${result.targetCpuPercent}%, PG ${result.postgresBackendsCpuPercent ?? '-'}%, machine ${result.machineCpuPercent}%), ` +
        `ELU ${result.eventLoop?.utilisationMean}, run-queue wait ${result.runQueueWaitPercent}%, pending max ${result.pendingMaxInWindow}`,
    );

    // 3. Stop: the writer's queue must reach 0, then SIGTERM must end in exit 0 with everything written.
    let pendingMin = Infinity;
    let last = m1;
    const drainDeadline = Date.now() + 20_000;
    for (;;) {
      last = await scrape(vigil.base);
      pendingMin = Math.min(pendingMin, last.pending);
      if (last.pending === 0 || Date.now() > drainDeadline || isAborting()) break;
      await sleep(50);
    }
    result.pendingReachedZero = last.pending === 0;
    result.pendingMinAfterWindow = pendingMin;
    result.startedFinal = last.started;
    result.writtenFinal = last.written;
    result.runningFinal = last.running;
    progress(`  pending ${result.pendingReachedZero ? 'reached 0' : `did not reach 0 in 20 s (min ${pendingMin})`}; SIGTERM`);
    const stopped = await stopGracefully(vigil.child);
    const vigilOutput = vigil.child.output;
    vigil = undefined;
    result.stopExitCode = stopped.code;
    result.stopMs = stopped.ms;
    result.unfinishedAtStop = vigilOutput.find((l) => l.includes('did not finish')) ?? null;
    if (options.cpuProf && cpuProfDir) result.cpuProfile = [cpuProfDir];
    result.rowsAfter = await countRows(db, false);
    result.rowsOfMeasuredRun = result.rowsAfter - result.rowsBefore!;
    const lateStarts = result.rowsOfMeasuredRun - result.startedFinal;
    result.allStored =
      stopped.code === 0 &&
      result.unfinishedAtStop === null &&
      result.writtenFinal + result.runningFinal >= result.startedFinal &&
      lateStarts >= 0;
    result.allStoredDetail =
      `exit ${stopped.code ?? stopped.signal} after ${stopped.ms} ms; at the last scrape started ${result.startedFinal} ≤ written ${result.writtenFinal} + running ${result.runningFinal}` +
      `${result.writtenFinal + result.runningFinal >= result.startedFinal ? '' : ' (MISSING)'}; ` +
      `rows of the measured run ${result.rowsOfMeasuredRun} (${lateStarts >= 0 ? `${lateStarts} checks started between the last scrape and SIGTERM` : `${-lateStarts} MISSING`})` +
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
    if (vigil) await vigil.child.kill();
    if (db) await db.dispose().catch((e) => progress(`  could not remove ${db!.label}: ${String(e)}`));
  }
  return result;
}

// ─── report ──────────────────────────────────────────────────────────────────────────────────────

function markdown(results: ScenarioResult[]): string {
  const lines = [
    '| db | endpoints | target checks/s | achieved checks/s | written/s | lag p50 ms | lag p99 ms | CPU % | RSS peak MB | all stored |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    if (!r.ok) {
      lines.push(`| ${r.db} | ${r.endpoints} | ${r.targetRate} | failed: ${(r.error ?? '').replace(/\|/g, '/').split('\n')[0]} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.db} | ${r.endpoints} | ${r.targetRate} | ${cell(r.achievedRate)} | ${cell(r.writtenRate)} | ${cell(r.lagP50Ms)} | ${cell(r.lagP99Ms)} | ${cell(r.cpuPercent)} | ${cell(r.rssPeakMb)} | ${r.allStored ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    'Diagnostics (same window; CPU % of one core, 200 % = both cores):',
    '',
    '| db | endpoints | interval s | held (±3 %, p99 < 200, stored) | overlaps skipped | pending max | pending → 0 | batches/s | mean batch | event-loop util. | event-loop delay p99 ms (median / max of 1 s slices) / worst stall ms | target CPU % | PG backends CPU % | machine CPU % | other CPU % | Vigil run-queue wait % (max ms in 1 s) | RSS final MB |',
    '| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    if (!r.ok) continue;
    lines.push(
      `| ${r.db} | ${r.endpoints} | ${r.intervalSeconds} | ${r.aimMet ? 'yes' : 'no'} | ${cell(r.overlapsSkippedInWindow)} | ${cell(r.pendingMaxInWindow)} | ${r.pendingReachedZero ? 'yes' : 'no'} | ${cell(r.batchesPerSecond)} | ${cell(r.meanBatchSize)} | ${cell(r.eventLoop?.utilisationMean)} | ${cell(r.eventLoop?.delayP99MsMedian)} / ${cell(r.eventLoop?.delayP99MsMax)} / ${cell(r.eventLoop?.delayMaxMs)} | ${cell(r.targetCpuPercent)} | ${cell(r.postgresBackendsCpuPercent)} | ${cell(r.machineCpuPercent)} | ${cell(r.otherCpuPercent)} | ${cell(r.runQueueWaitPercent)} (${cell(r.runQueueWaitMaxMsPerSecond)}) | ${cell(r.rssFinalMb)} |`,
    );
  }
  lines.push('', 'Lag quantiles (vigil_scheduler_lag_ms, read at the end of the window) cover:', '');
  for (const r of results) if (r.ok) lines.push(`- ${r.db} ${r.endpoints}@${r.targetRate}/s: ${r.lagWindow}`);
  lines.push('', '"all stored":', '');
  for (const r of results) if (r.ok) lines.push(`- ${r.db} ${r.endpoints}@${r.targetRate}/s: ${r.allStoredDetail}`);
  return lines.join('\n');
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
  const target = await startTarget();
  progress(`target server ${target.origin} (pid ${target.pid})`);
  try {
    for (const kind of options.dbs) {
      for (const endpoints of options.endpoints) {
        for (const rate of options.rates) {
          if (isAborting()) break;
          results.push(await runScenario(kind, endpoints, rate, target, logDir));
          save();
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
      `window ${options.windowS} s after ${options.warmupS} s warm-up, start=${options.start}\n\n`,
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
