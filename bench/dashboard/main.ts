/**
 * Dashboard benchmark: the live dashboard in headless Chromium with 2,000 endpoints and 500 status
 * changes a second.
 *
 *   npm run bench:dashboard -- [--db=pglite|postgres|both] [--runs=1] [--endpoints=2000] [--interval=4]
 *                              [--window=10] [--settle=0] [--steady-timeout=60] [--render-timeout=120]
 *                              [--concurrency=20] [--quiet-wait=180] [--quiet-below=40] [--build] [--profile] [--no-consistency]
 *                              [--query=order=problems&group=tag]
 *                              [--pg-url=postgres://postgres@127.0.0.1:5432/postgres]
 *                              [--chromium=/usr/bin/chromium]
 *
 * The machine is shared: before each run the bench waits (at most --quiet-wait s, 0 = not at all) until
 * the whole machine's CPU stays under --quiet-below % (of one core; 2 cores = 200 %) for 5 s, and
 * reports what it saw. Each window also reports what the rest of the machine used ("other").
 *
 * Per run (each run starts from nothing: fresh database, Vigil, target and browser):
 *  1. a flipping target (bench/target-process.ts with TARGET_FLIP=1, its own process: every path answers 200, 500,
 *     200, … in turn) and Vigil as a child process (`node --import tsx server/main.ts`, HOST=127.0.0.1,
 *     a free PORT; PGlite in a fresh temp DATA_DIR, or a fresh `vigil_bench_<random>` database);
 *  2. N endpoints (default 2,000) created paused through POST /api/endpoints, `--concurrency` in
 *     flight, each on its own target path `/e/<i>`, intervalSeconds 4, failureThreshold 100 (never
 *     an incident): once resumed, every check flips its endpoint UP ↔ DOWN, i.e. N / interval =
 *     500 `check:completed` + 500 `endpoint:status-changed` events a second;
 *  3. Chromium (playwright-core, /usr/bin/chromium, 1280×800) opens the dashboard while everything is
 *     paused. An init script measures inside the page: the time from navigation start to all N
 *     `.card[data-endpoint-id]` elements in the DOM with their texts filled (MutationObserver, checked
 *     at each mutation batch and each animation frame), DOM mutation records (MutationObserver on the
 *     document: subtree, childList + attributes + characterData), long tasks and long animation
 *     frames (PerformanceObserver, buffered) and the gap between animation frames (rAF loop). The
 *     navigation's own timings, the API calls' timings and the JS transferred (entry chunk and all
 *     scripts: bytes on the wire, decoded, and gzip of the decoded body) are read too;
 *  4. JS heap after a forced full GC (CDP HeapProfiler.collectGarbage → Runtime.getHeapUsage), with the
 *     DOM counters (Memory.getDOMCounters), after the first render;
 *  5. every endpoint resumed (POST /api/endpoints/:id/resume, `--concurrency` in flight); wait until
 *     the flow is steady (Vigil's checks started per second within ±10 % of the target for 3 s in a
 *     row, and at least one interval since the resumes; at most --steady-timeout s), then --settle s more;
 *  6. window 1 and window 2 (--window s each, on the same page, one after the other with the heap
 *     reading in between): Socket.io event frames received by the page (page.on('websocket') →
 *     framereceived, payloads starting with `42`) and, separately, as its JavaScript got them (a
 *     message listener on each WebSocket the page opens; the difference is the page's backlog), the
 *     delivery lag of check:completed (page JS receives it − the check completed), DOM mutations per
 *     event, longest task, frame gaps, heap after each window (forced GC), CPU of
 *     Vigil (process_cpu_seconds_total), of the browser (every Chromium process, /proc), of the
 *     target and of the whole machine (/proc/stat). With --profile a third window records a CPU
 *     profile of the page (CDP Profiler) and lists where its main thread spent its time;
 *  7. consistency: every endpoint paused again, Vigil drained, the page caught up (its JavaScript has
 *     had every frame the socket received, at most 180 s); then each card's last-check time
 *     (`time.card-time[datetime]`) and its strip's newest square must match what REST says; counted
 *     mismatches mean the page missed or misapplied events (skip with --no-consistency).
 *
 * The web app must be built (web/dist): `npm run build` first, or pass --build. Progress goes to
 * stderr, the Markdown tables to stdout, the JSON to bench/results/dashboard-<timestamp>.json.
 * The browser, child processes, bench databases and temp dirs are removed on success, failure and
 * Ctrl-C; every wait is bounded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cleanupAll, cleanUpOnSignals, isAborting } from '../support/cleanup.ts';
import { postgresVersion, usePostgres } from '../support/databases.ts';
import { optionsOrExit } from '../support/options.ts';
import { benchStart, machineInfo, progress, RESULTS_DIR, ROOT } from '../support/report.ts';
import { CHROMIUM_ARGS, DIST, parseOptions } from './options.ts';
import { markdown } from './report.ts';
import type { RunResult } from './results.ts';
import { runOnce } from './run.ts';

cleanUpOnSignals('closing the browser, stopping children, dropping bench databases, removing temp dirs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function main(): Promise<void> {
  const options = optionsOrExit(parseOptions);
  usePostgres(options.pgUrl);
  if (!existsSync(options.chromiumPath)) {
    process.stderr.write(`no Chromium at ${options.chromiumPath} (apt-get install chromium, or --chromium=PATH)\n`);
    process.exit(2);
  }
  if (options.build) {
    progress('npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (build.status !== 0) {
      process.stderr.write(`npm run build failed (${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}\n`);
      process.exit(1);
    }
  }
  if (!existsSync(join(DIST, 'index.html'))) {
    process.stderr.write('web/dist/index.html is missing: run `npm run build` first (or pass --build)\n');
    process.exit(2);
  }
  const builtAt = statSync(join(DIST, 'index.html')).mtimeMs;
  const sourcesAt = Math.max(newestMtime(join(ROOT, 'web', 'src')), statSync(join(ROOT, 'web', 'index.html')).mtimeMs);
  const buildStale = sourcesAt > builtAt;
  if (buildStale) progress('WARNING: web/src has changed since web/dist was built; the bench measures the build (run `npm run build` or pass --build)');

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonFile = join(RESULTS_DIR, `dashboard-${stamp}.json`);
  const logDir = join(RESULTS_DIR, `dashboard-${stamp}-logs`);
  if (options.profile) mkdirSync(logDir, { recursive: true });

  const chromiumVersion = spawnSync(options.chromiumPath, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? null;
  const machine = {
    ...machineInfo({ chromium: chromiumVersion }),
    build: {
      files: readdirSync(join(DIST, 'assets')),
      builtAt: new Date(builtAt).toISOString(),
      stale: buildStale,
      // gzip of every built chunk as it sits on disk (zlib default level), for comparison with the wire.
      assetsGzipBytes: Object.fromEntries(
        readdirSync(join(DIST, 'assets'))
          .filter((f) => /\.(js|css)$/.test(f))
          .map((f) => [f, gzipSync(readFileSync(join(DIST, 'assets', f))).byteLength]),
      ),
    },
  };
  if (options.dbs.includes('postgres')) {
    machine.postgres = await postgresVersion();
  }
  progress(
    `machine: ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, ${machine.chromium}, PostgreSQL ${machine.postgres ?? '-'}; results → ${jsonFile}`,
  );

  const results: RunResult[] = [];
  const save = () =>
    writeFileSync(
      jsonFile,
      JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, chromiumArgs: CHROMIUM_ARGS, machine, results }, null, 2) + '\n',
    );
  try {
    for (const kind of options.dbs) {
      for (let run = 1; run <= options.runs; run++) {
        if (isAborting()) break;
        results.push(await runOnce(options, kind, run, logDir));
        save();
      }
    }
  } finally {
    await cleanupAll();
  }
  save();
  if (isAborting()) return;
  process.stdout.write(
    `\nVigil dashboard — ${options.endpoints} endpoints every ${options.intervalSeconds} s (${options.endpoints / options.intervalSeconds} status changes/s), ` +
      `${machine.chromium ?? 'Chromium'} headless 1280×800, ${machine.nproc} cores, node ${machine.node}, commit ${machine.gitCommit}` +
      `${machine.gitDirtyFiles.length ? ` (+${machine.gitDirtyFiles.length} uncommitted files)` : ''}${buildStale ? ', web/dist OLDER than web/src' : ''}` +
      `${options.settleS ? `; ${options.settleS} s of flow before window 1` : ''}${options.query ? `; dashboard at /?${options.query}` : ''}\n\n`,
  );
  process.stdout.write(markdown(results, options) + '\n');
  progress(`JSON: ${jsonFile}`);
  process.exitCode = results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
