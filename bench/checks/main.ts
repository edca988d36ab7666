/**
 * Check-pipeline benchmark: N endpoints at a given load, on PGlite and on PostgreSQL.
 *
 *   npm run bench:checks -- [--db=pglite|postgres|both] [--endpoints=1000,10000] [--rates=100,500,1000]
 *                           [--window=30] [--warmup=10] [--start=spread|rhythm] [--cpu-prof]
 *                           [--concurrency=20] [--vigil-env=WRITE_BATCH_SIZE=500,DATABASE_POOL_SIZE=10]
 *                           [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--drop-stale]
 *                           [--vigil-node-args="--trace-gc --max-semi-space-size=32"]
 *                           [--instances=1,3] [--runs=1] [--takeover] [--stall=15] [--checks=plain,assertions,tcp,dns,mix]
 *                           [--maintenance=20]
 *
 * --checks=assertions gives every endpoint 3 assertions (status code 200, the content-type header
 * contains "json", the JSONPath $.status equals "ok") on a target path answering a small JSON
 * document; tcp makes every endpoint a TCP check (connect, send `PING e<i>`, expect `+PONG` from the
 * target's TCP server); dns a DNS check (e<i>.bench.test, A, through the target's DNS server on
 * 127.0.0.1); mix a third of each of assertions, tcp and dns. A list (plain,assertions) measures each
 * kind in turn, back to back, for comparison. TCP and DNS checks carry no User-Agent: the target
 * counts them with no instance, so run them with one instance.
 *
 * --maintenance=N holds N maintenance windows during the run: one always on over half the endpoints
 * (their checks are marked, their statuses MAINTENANCE), the others over other tags and not on, so
 * that every check looks at all N (compare with a run without).
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
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupAll, cleanUpOnSignals, isAborting } from '../support/cleanup.ts';
import { adminSql, postgresVersion, usePostgres } from '../support/databases.ts';
import { optionsOrExit } from '../support/options.ts';
import { startTarget } from '../support/processes.ts';
import { benchStart, machineInfo, progress, RESULTS_DIR } from '../support/report.ts';
import { withTimeout } from '../support/waits.ts';
import { parseOptions } from './options.ts';
import { markdown } from './report.ts';
import type { ScenarioResult } from './results.ts';
import { runScenario } from './scenario.ts';

cleanUpOnSignals('stopping children, dropping bench databases, removing temp dirs');

async function main(): Promise<void> {
  const options = optionsOrExit(parseOptions);
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
  const save = () => writeFileSync(jsonFile, JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, machine, results }, null, 2) + '\n');
  const target = await startTarget('track');
  progress(`target server ${target.origin} (pid ${target.pid})`);
  try {
    // Runs outermost and instance counts innermost: the counts compared run back to back.
    for (let run = 1; run <= options.runs; run++) {
      for (const kind of options.dbs) {
        for (const endpoints of options.endpoints) {
          for (const rate of options.rates) {
            for (const checks of options.checks) {
              for (const instances of options.instances) {
                if (isAborting()) break;
                results.push(await runScenario(options, kind, instances, run, endpoints, rate, checks, target, logDir));
                save();
              }
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
  process.stdout.write(markdown(results, options) + '\n');
  progress(`JSON: ${jsonFile}; Vigil logs and event-loop probes: ${logDir}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
