/**
 * CPU per check at a steady load, with a V8 CPU profile of Vigil: where the time of one check goes.
 *
 *   npm run bench:profile -- [--db=pglite|postgres|both] [--endpoints=1000] [--interval=20]
 *                            [--warmup=15] [--window=60] [--runs=1] [--prof=true|false]
 *                            [--viewer=batch|events] [--pg-url=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Per run and database: a fresh database (PGlite: DATA_DIR in a temp dir; PostgreSQL:
 * `vigil_bench_<random>`, dropped afterwards), Vigil as a child process
 * (`node <npm start's flags> [--cpu-prof --cpu-prof-dir=DIR] --import tsx server/main.ts`), the endpoints created active
 * through POST /api/endpoints against a local target (bench/target-process.ts), one Socket.io client
 * subscribed to everything (`--viewer=batch`, the default: on the batched protocol, as the dashboard;
 * `--viewer=events`: one frame per event, the seed's protocol), `--warmup` seconds, then a `--window` of seconds measured:
 *  - Vigil's CPU (utime + stime from /proc/PID/stat) divided by the checks completed in the window
 *    (vigil_check_results_written_total from /metrics);
 *  - on PostgreSQL, the CPU of the backends serving the bench database (pg_stat_activity pids,
 *    /proc/PID/stat), per check as well.
 * Then SIGTERM (Vigil writes its profile on the way out) and, with --prof (the default), the
 * profile's window summarised by bench/cpuprofile-summary.ts. With --runs=R the databases alternate
 * (pglite, postgres, pglite, …) and the medians are printed at the end. The profiler itself costs
 * CPU: compare figures of runs with the same --prof.
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { io } from 'socket.io-client';
import { postgresCpu, cpuDelta } from './checks/database.ts';
import { createEndpoints } from './checks/create-endpoints.ts';
import { cleanupAll, cleanUpOnSignals } from './support/cleanup.ts';
import { createBenchDatabase, usePostgres } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags, viewerProtocol } from './support/options.ts';
import { processCpuSeconds } from './support/proc.ts';
import { startFlagsOf, startTarget, startVigil, stopGracefully } from './support/processes.ts';
import { codeState, median, progress, ROOT, round } from './support/report.ts';
import { sleep } from './support/waits.ts';

cleanUpOnSignals('stopping children, dropping bench databases, removing temp dirs');

function parseOptions(argv: string[]) {
  const flags = parseFlags(argv, ['db', 'endpoints', 'interval', 'warmup', 'window', 'runs', 'prof', 'viewer', 'pg-url', 'help'], import.meta.url);
  const num = (key: string, fallback: number) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
    return n;
  };
  return {
    dbs: dbKinds(flags, 'both'),
    endpoints: num('endpoints', 1000),
    intervalSeconds: num('interval', 20),
    warmupS: num('warmup', 15),
    windowS: num('window', 60),
    runs: num('runs', 1),
    prof: (flags.get('prof') ?? 'true') !== 'false',
    viewer: viewerProtocol(flags),
    pgUrl: localPgUrl(flags),
  };
}

interface RunResult {
  db: 'pglite' | 'postgres';
  run: number;
  checks: number;
  checksPerS: number;
  vigilMsPerCheck: number;
  postgresMsPerCheck: number | null;
  eventsReceived: number;
  /** Results per batch written (vigil_check_result_batches_total). */
  resultsPerBatch: number;
  profile: string | null;
}

async function measure(options: ReturnType<typeof parseOptions>, kind: 'pglite' | 'postgres', run: number, origin: string): Promise<RunResult> {
  const db = await createBenchDatabase(kind, 'vigil-profile-');
  const profDir = mkdtempSync(join(os.tmpdir(), 'vigil-cpuprof-'));
  const nodeArgs = [...startFlagsOf(ROOT), ...(options.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), '--import', 'tsx', 'server/main.ts'];
  const spawnedAt = Date.now();
  const vigil = await startVigil(nodeArgs, db.env);
  try {
    progress(`${kind} run ${run}: Vigil pid ${vigil.pid}; creating ${options.endpoints} endpoints @ ${options.intervalSeconds} s`);
    await createEndpoints(vigil.base, { origin }, options.endpoints, options.intervalSeconds, false, 20);
    const batched = options.viewer === 'batch';
    const socket = io(vigil.base, { transports: ['websocket'], forceNew: true, ...(batched ? { query: { batch: '1' } } : {}) });
    let events = 0;
    if (batched) socket.on('events:batch', (frame: { events: unknown[] }) => (events += frame.events.length));
    else socket.onAny(() => events++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.once('connect', () => resolve());
    });
    const ack = await socket.timeout(10_000).emitWithAck('subscribe:all');
    if (!ack?.ok) throw new Error(`subscribe:all answered ${JSON.stringify(ack)}`);
    await sleep(options.warmupS * 1000);

    const m0 = await readMetrics(vigil.base);
    const cpu0 = processCpuSeconds(vigil.pid)!;
    const pg0 = kind === 'postgres' ? await postgresCpu(db.label) : null;
    const events0 = events;
    const windowStartS = (Date.now() - spawnedAt) / 1000;
    await sleep(options.windowS * 1000);
    const m1 = await readMetrics(vigil.base);
    const cpu1 = processCpuSeconds(vigil.pid)!;
    const pg1 = kind === 'postgres' ? await postgresCpu(db.label) : null;
    const windowEndS = (Date.now() - spawnedAt) / 1000;
    socket.close();

    const checks = m1.need('vigil_check_results_written_total') - m0.need('vigil_check_results_written_total');
    const seconds = (m1.t - m0.t) / 1000;
    const result: RunResult = {
      db: kind,
      run,
      checks,
      checksPerS: round(checks / seconds)!,
      vigilMsPerCheck: round(((cpu1 - cpu0) * 1000) / checks, 3)!,
      postgresMsPerCheck: pg0 && pg1 ? round((cpuDelta(pg0.backends, pg1.backends) * 1000) / checks, 3) : null,
      eventsReceived: events - events0,
      resultsPerBatch: round(checks / (m1.need('vigil_check_result_batches_total') - m0.need('vigil_check_result_batches_total')), 2)!,
      profile: null,
    };
    const stopped = await stopGracefully(vigil.child);
    if (stopped.code !== 0) throw new Error(`Vigil exited ${stopped.code ?? stopped.signal}: ${vigil.child.output.slice(-10).join('\n')}`);
    if (options.prof) {
      // The main thread's profile: CPU.<date>.<time>.<pid>.0.001 (a worker thread, if any, has its own).
      const file = readdirSync(profDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()[0];
      if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
      result.profile = join(profDir, file);
      const summary = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/cpuprofile-summary.ts', result.profile, `--skip=${windowStartS.toFixed(1)}`, `--until=${windowEndS.toFixed(1)}`, '--top=25'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      process.stdout.write(`\n## ${kind}, run ${run}\n\n${summary.stdout}${summary.stderr}\n`);
    }
    progress(
      `${kind} run ${run}: ${checks} checks (${result.checksPerS}/s), Vigil ${result.vigilMsPerCheck} ms/check` +
        `${result.postgresMsPerCheck !== null ? `, PostgreSQL backends ${result.postgresMsPerCheck} ms/check` : ''}, ` +
        `${result.resultsPerBatch} results per batch, ${result.eventsReceived} events to the client`,
    );
    return result;
  } finally {
    await vigil.child.kill();
    await db.dispose();
  }
}

async function main(): Promise<void> {
  const options = optionsOrExit(parseOptions);
  usePostgres(options.pgUrl);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const target = await startTarget('ok');
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      for (const kind of options.dbs) results.push(await measure(options, kind, run, target.origin));
    }
  } finally {
    await target.child.kill();
    await cleanupAll();
  }
  const code = codeState();
  process.stdout.write(
    `\nCPU per check — ${options.endpoints} endpoints @ ${options.intervalSeconds} s, one Socket.io client subscribed to all, ` +
      `${options.windowS} s window after ${options.warmupS} s warm-up, profiler ${options.prof ? 'on' : 'off'}, ` +
      `commit ${code.commit}${code.uncommittedFiles ? ` (+${code.uncommittedFiles} uncommitted files)` : ''}\n\n` +
      '| database | runs | checks/s | Vigil ms/check (median) | PostgreSQL backends ms/check (median) | each run (Vigil / PostgreSQL) |\n| --- | ---: | ---: | ---: | ---: | --- |\n',
  );
  for (const kind of options.dbs) {
    const rows = results.filter((r) => r.db === kind);
    const each = rows.map((r) => `${r.vigilMsPerCheck}${r.postgresMsPerCheck !== null ? ` / ${r.postgresMsPerCheck}` : ''}`).join(', ');
    process.stdout.write(
      `| ${kind} | ${rows.length} | ${median(rows.map((r) => r.checksPerS))} | ${round(median(rows.map((r) => r.vigilMsPerCheck)), 3)} | ` +
        `${kind === 'postgres' ? round(median(rows.map((r) => r.postgresMsPerCheck)), 3) : '–'} | ${each} |\n`,
    );
  }
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
