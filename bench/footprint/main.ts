/**
 * Footprint benchmark: Vigil's memory, CPU per check and start time on PGlite and on PostgreSQL,
 * beside the goals of issue 15.
 *
 *   npm run bench:footprint -- [--db=pglite|postgres|both] [--window=60] [--warmup=25] [--starts=5]
 *                              [--endpoints=1000] [--interval=20] [--no-fast] [--runs=1]
 *                              [--vigil-root=DIR] [--after-root=DIR] [--main=server/main.ts]
 *                              [--pg-url=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Per database (PGlite: DATA_DIR in a new temp dir; PostgreSQL: a throwaway `vigil_bench_<random>`
 * database, dropped at the end), with Vigil as its own process (`node --import tsx server/main.ts`,
 * HOST=127.0.0.1, a free PORT) and a local target (bench/target-process.ts, its own process):
 *  1. first start (creates the database): time to /readyz 200 and VmHWM of that start, and the
 *     highest VmHWM of Vigil's child processes meanwhile (sampled every 5 ms; PGlite's database is
 *     created in a child process that exits before Vigil opens it);
 *  2. --starts=N later starts on the existing, empty database: time to /readyz 200 (median), idle
 *     VmRSS 5 s after ready and VmHWM (medians), each stopped with SIGTERM;
 *  3. --endpoints endpoints at --interval seconds (1,000 @ 20 s = 50 checks/s) created through
 *     POST /api/endpoints, each probing its own path of the target; SIGTERM, start again (VmHWM of
 *     a later start with the endpoints), --warmup seconds, then a --window seconds window without a
 *     viewer and one with a viewer (bench/realtime-client-process.ts: one Socket.io client
 *     subscribed to everything, in its own process; --viewer=batch, the default, on the batched
 *     protocol as the dashboard, --viewer=events one frame per event): VmRSS read every second (median), CPU
 *     (utime+stime of /proc/<pid>/stat) per check completed (vigil_check_duration_seconds_count in
 *     /metrics); on PostgreSQL also the CPU of the backends connected to the bench database
 *     (pg_stat_activity, /proc) per check;
 *  4. unless --no-fast: the intervals set to 1 s in the database while Vigil is down (1,000 checks/s),
 *     start, --warmup, one window: CPU per check, the "no worse than today" row.
 * VmHWM "overall" is the highest of the process that ran every step from 3 on.
 *
 * --runs=R repeats everything R times, alternating the trees when --vigil-root is given: DIR is
 * another checkout (e.g. `git archive <commit> | tar -x -C DIR` with node_modules linked in) run
 * as "before", the working tree as "after", in turns (before, after, before, …) in one session; the
 * table shows the median of each figure per tree. --after-root=DIR measures another tree than this
 * one as "after". --main=dist/server/main.js runs each tree's build (`npm run build:server`, run by
 * node alone, as the Docker image does) instead of the sources through tsx (~35 MB more RSS).
 *
 * Progress goes to stderr, the Markdown table (figure, goal, PASS/MISS) to stdout, the JSON to
 * bench/results/footprint-<stamp>.json. Children, databases and temp dirs are removed on success,
 * failure and Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postgresCpu } from '../checks/database.ts';
import { cleanupAll, cleanUpOnSignals, isAborting } from '../support/cleanup.ts';
import { createBenchDatabase, postgresVersion, usePostgres } from '../support/databases.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags, viewerProtocol } from '../support/options.ts';
import { startChild, startTarget, stopGracefully, type TargetProcess } from '../support/processes.ts';
import { benchStart, machineInfo, median, progress, RESULTS_DIR, ROOT } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import { createEndpoints } from '../checks/create-endpoints.ts';
import { type Figures, markdown } from './report.ts';
import { measureWindow, memoryMb, type RunningVigil, startVigilTimed } from './vigil.ts';

cleanUpOnSignals('stopping children, dropping bench databases, removing temp dirs');

interface Options {
  dbs: ('pglite' | 'postgres')[];
  windowS: number;
  warmupS: number;
  starts: number;
  endpoints: number;
  interval: number;
  fast: boolean;
  runs: number;
  vigilRoot: string | null;
  afterRoot: string;
  main: string;
  viewer: 'batch' | 'events';
  pgUrl: string;
}

function parseOptions(argv: string[]): Options {
  const flags = parseFlags(
    argv,
    ['help', 'db', 'window', 'warmup', 'starts', 'endpoints', 'interval', 'no-fast', 'runs', 'vigil-root', 'after-root', 'main', 'viewer', 'pg-url'],
    import.meta.url,
  );
  const positive = (name: string, fallback: number) => {
    const v = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
    return v;
  };
  return {
    dbs: dbKinds(flags, 'both'),
    windowS: positive('window', 60),
    warmupS: positive('warmup', 25),
    starts: positive('starts', 5),
    endpoints: positive('endpoints', 1000),
    interval: positive('interval', 20),
    fast: !flags.has('no-fast'),
    runs: positive('runs', 1),
    vigilRoot: flags.has('vigil-root') ? resolve(flags.get('vigil-root')!) : null,
    afterRoot: resolve(flags.get('after-root') ?? ROOT),
    main: flags.get('main') ?? 'server/main.ts',
    viewer: viewerProtocol(flags),
    pgUrl: localPgUrl(flags),
  };
}

const options = optionsOrExit(parseOptions);

async function stop(vigil: RunningVigil, what: string): Promise<void> {
  const exit = await stopGracefully(vigil.child, 60_000);
  if (exit.code !== 0) throw new Error(`Vigil (${what}) did not exit 0 on SIGTERM: ${exit.code ?? exit.signal}\n${vigil.child.output.slice(-20).join('\n')}`);
}

/** One Socket.io viewer in its own process for `seconds` (it connects, subscribes to all, stays), on the --viewer protocol. */
function startViewer(port: number, seconds: number) {
  const batch = options.viewer === 'batch' ? '1' : '0';
  return startChild('viewer', ['--import', 'tsx', 'bench/realtime-client-process.ts', String(port), '1', '0', String(seconds * 1000 + 600_000), batch], {});
}

async function measure(kind: 'pglite' | 'postgres', tree: string, root: string, target: TargetProcess, logDir: string): Promise<Figures> {
  const db = await createBenchDatabase(kind, 'vigil-footprint-');
  const log = (step: string) => join(logDir, `${tree}-${kind}-${step}.log`);
  const figures: Figures = { kind, tree, root };
  try {
    const pgCpu =
      kind === 'postgres'
        ? async () => {
            const { backends } = await postgresCpu(db.label);
            let sum = 0;
            for (const cpu of backends.values()) sum += cpu;
            return sum;
          }
        : undefined;

    progress(`${tree} ${kind}: first start (creates the database)`);
    const first = await startVigilTimed(root, options.main, db.env, log('first'));
    await sleep(2000);
    figures.firstStartMs = first.readyMs;
    figures.firstStartHwmMb = memoryMb(first.pid)?.hwm;
    figures.firstStartChildHwmMb = first.childHwmMb;
    await stop(first, 'first start');

    const starts: { ms: number; idle: number; hwm: number }[] = [];
    for (let i = 0; i < options.starts && !isAborting(); i++) {
      const vigil = await startVigilTimed(root, options.main, db.env, log(`start-${i}`));
      await sleep(5000);
      const m = memoryMb(vigil.pid)!;
      starts.push({ ms: vigil.readyMs, idle: m.rss, hwm: m.hwm });
      await stop(vigil, `start ${i + 1}`);
    }
    figures.startMs = median(starts.map((s) => s.ms)) ?? undefined;
    figures.idleRssMb = median(starts.map((s) => s.idle)) ?? undefined;
    figures.laterStartHwmMb = median(starts.map((s) => s.hwm)) ?? undefined;
    progress(`${tree} ${kind}: start ${Math.round(figures.startMs ?? NaN)} ms, idle ${Math.round(figures.idleRssMb ?? NaN)} MB`);

    progress(`${tree} ${kind}: creating ${options.endpoints} endpoints @ ${options.interval} s`);
    const creator = await startVigilTimed(root, options.main, db.env, log('create'));
    await createEndpoints(creator.base, target, options.endpoints, options.interval, false, 20);
    await stop(creator, 'creating endpoints');

    const vigil = await startVigilTimed(root, options.main, db.env, log('steady'));
    figures.loadedStartHwmMb = memoryMb(vigil.pid)?.hwm;
    progress(`${tree} ${kind}: warm-up ${options.warmupS} s, then ${options.windowS} s without a viewer`);
    await sleep(options.warmupS * 1000);
    figures.noViewer = await measureWindow(vigil, options.windowS, pgCpu);
    const viewer = startViewer(vigil.port, options.windowS + options.warmupS);
    await withTimeout(
      new Promise<void>((ok, fail) => {
        const check = setInterval(() => {
          if (viewer.output.some((l) => l.includes('connected and subscribed'))) ok();
          else if (viewer.proc.exitCode !== null) fail(new Error(`viewer exited: ${viewer.output.join('\n')}`));
          else return;
          clearInterval(check);
        }, 100);
      }),
      30_000,
      'the viewer to subscribe',
    );
    progress(`${tree} ${kind}: ${options.windowS} s with one viewer`);
    await sleep(5000);
    figures.viewer = await measureWindow(vigil, options.windowS, pgCpu);
    await viewer.kill();
    figures.overallHwmMb = memoryMb(vigil.pid)?.hwm;
    await stop(vigil, 'steady');

    if (options.fast && !isAborting()) {
      await db.direct((query) => query('update endpoints set interval_seconds = 1'));
      const fast = await startVigilTimed(root, options.main, db.env, log('fast'));
      progress(`${tree} ${kind}: ${options.endpoints} endpoints @ 1 s, warm-up ${options.warmupS} s, window ${options.windowS} s`);
      await sleep(options.warmupS * 1000);
      figures.fast = await measureWindow(fast, options.windowS, pgCpu);
      await stop(fast, '1 s intervals');
    }
  } finally {
    await db.dispose();
  }
  return figures;
}

async function main(): Promise<void> {
  usePostgres(options.pgUrl);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logDir = join(RESULTS_DIR, `footprint-${stamp}-logs`);
  mkdirSync(logDir, { recursive: true });
  const jsonFile = join(RESULTS_DIR, `footprint-${stamp}.json`);
  const machine = machineInfo();
  if (options.dbs.includes('postgres')) machine.postgres = await postgresVersion();
  progress(`machine: ${machine.nproc} cores, node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}; results → ${jsonFile}`);

  const trees: [string, string][] = options.vigilRoot
    ? [
        ['before', options.vigilRoot],
        ['after', options.afterRoot],
      ]
    : [['this tree', options.afterRoot]];
  const results: Figures[] = [];
  const save = () => writeFileSync(jsonFile, `${JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, machine, results }, null, 2)}\n`);
  const target = await startTarget('ok');
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const kind of options.dbs) {
        for (const [tree, root] of trees) {
          if (isAborting()) break;
          results.push(await measure(kind, tree, root, target, logDir));
          save();
        }
      }
    }
  } finally {
    await target.child.kill();
    await cleanupAll();
  }
  if (isAborting()) return;
  process.stdout.write(
    `\nVigil footprint — ${machine.nproc} cores, node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}, commit ${machine.gitCommit}` +
      `${machine.gitDirtyFiles.length ? ` (+${machine.gitDirtyFiles.length} uncommitted files)` : ''}; ${options.endpoints} endpoints @ ${options.interval} s, ` +
      `window ${options.windowS} s after ${options.warmupS} s, ${options.starts} starts, ${options.runs} run(s)\n\n`,
  );
  process.stdout.write(
    `${markdown(
      results,
      trees.map(([t]) => t),
    )}\n`,
  );
  progress(`JSON: ${jsonFile}; Vigil logs: ${logDir}`);
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
