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
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS as TEST_CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browser.ts';
import { en } from '../web/src/i18n/messages.ts';
import { assertNotAborting, cleanupAll, cleanUpOnSignals, isAborting, onCleanup } from './support/cleanup.ts';
import { createBenchDatabase, postgresVersion, usePostgres, type BenchDatabase } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { allProcesses, machineCpu, machineCpuPercent, mainThread, procStat, processTreeCpu, type ProcStat } from './support/proc.ts';
import { startTarget, startVigil, type TargetProcess, type VigilProcess } from './support/processes.ts';
import { benchStart, cell, codeState, machineInfo, median, progress, RESULTS_DIR, ROOT, round } from './support/report.ts';
import { sleep, withTimeout } from './support/waits.ts';

// ─── options ─────────────────────────────────────────────────────────────────────────────────────

const DIST = join(ROOT, 'web', 'dist');

interface Options {
  dbs: ('pglite' | 'postgres')[];
  runs: number;
  endpoints: number;
  intervalSeconds: number;
  windowS: number;
  settleS: number;
  steadyTimeoutS: number;
  renderTimeoutS: number;
  concurrency: number;
  quietWaitS: number;
  quietBelow: number;
  build: boolean;
  profile: boolean;
  consistency: boolean;
  pgUrl: string;
  chromiumPath: string;
  /** The dashboard's query string (its order and grouping; the card view is what the bench measures). */
  query: string;
}

function parseOptions(argv: string[]): Options {
  const known = [
    'db', 'runs', 'endpoints', 'quiet-wait', 'quiet-below', 'interval', 'window', 'settle', 'steady-timeout', 'render-timeout', 'concurrency',
    'build', 'profile', 'no-consistency', 'pg-url', 'chromium', 'query', 'help',
  ];
  const flags = parseFlags(argv, known, import.meta.url);
  const num = (key: string, fallback: number, min = 1) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${key} must be a number ≥ ${min}`);
    return n;
  };
  const dbs = dbKinds(flags, 'pglite');
  const pgUrl = localPgUrl(flags);
  return {
    dbs,
    runs: Math.floor(num('runs', 1)),
    endpoints: Math.floor(num('endpoints', 2000)),
    intervalSeconds: Math.floor(num('interval', 4)),
    windowS: num('window', 10),
    settleS: num('settle', 0, 0),
    steadyTimeoutS: num('steady-timeout', 60),
    renderTimeoutS: num('render-timeout', 120),
    concurrency: Math.floor(num('concurrency', 20)),
    quietWaitS: num('quiet-wait', 180, 0),
    quietBelow: num('quiet-below', 40),
    build: flags.has('build'),
    profile: flags.has('profile'),
    consistency: !flags.has('no-consistency'),
    pgUrl,
    chromiumPath: flags.get('chromium') ?? CHROMIUM_PATH,
    query: flags.get('query') ?? '',
  };
}

/** A window starts once the page's median delivery lag is under this (or --steady-timeout passed). */
const RECOVERED_LAG_MS = 1_000;

/** The tests' Chromium flags, and what the bench reads: precise memory figures, and gc() for the forced GC. */
const CHROMIUM_ARGS = [...TEST_CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'];

// ─── small helpers ───────────────────────────────────────────────────────────────────────────────

const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : round(bytes / 1048576, 2));

cleanUpOnSignals('closing the browser, stopping children, dropping bench databases, removing temp dirs');

// ─── Vigil ───────────────────────────────────────────────────────────────────────────────────────

async function startVigilProcess(dbEnv: Record<string, string>): Promise<VigilProcess> {
  // bench/vigil-probe.ts (no probe file given) only makes Vigil stop when the bench's pipe closes.
  return startVigil(['--import', 'tsx', '--import', './bench/vigil-probe.ts', 'server/main.ts'], { WEBHOOK_URL: '', ...dbEnv });
}

// ─── /metrics and /proc ──────────────────────────────────────────────────────────────────────────

interface Scrape {
  t: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  cpuS: number;
  rss: number;
  socketioClients: number | null;
  lagP99: number | null;
}

async function scrape(base: string): Promise<Scrape> {
  const { t, values, need } = await readMetrics(base);
  return {
    t,
    started: need('vigil_checks_started_total'),
    written: need('vigil_check_results_written_total'),
    pending: need('vigil_check_results_pending'),
    running: values.get('vigil_checks_running') ?? NaN,
    cpuS: need('process_cpu_seconds_total'),
    rss: need('process_resident_memory_bytes'),
    socketioClients: values.get('vigil_realtime_clients{transport="socketio"}') ?? null,
    lagP99: values.get('vigil_scheduler_lag_ms{quantile="0.99"}') ?? null,
  };
}

interface CpuSnapshot {
  t: number;
  vigilS: number;
  vigilMain: { cpuS: number; waitS: number } | null;
  targetS: number | null;
  benchS: number;
  machine: { busy: number; total: number };
  all: Map<number, ProcStat>;
  mine: Set<number>;
  browser: Map<number, { cpuS: number; type: string }>;
  rendererMain: Map<number, { cpuS: number; waitS: number }>;
}

function cpuSnapshot(vigilCpuS: number, vigilPid: number, targetPid: number, browserPid: number | null): CpuSnapshot {
  const usage = process.cpuUsage();
  const all = allProcesses();
  const browser = browserPid ? processTreeCpu(browserPid, all) : new Map<number, { cpuS: number; type: string }>();
  const rendererMain = new Map<number, { cpuS: number; waitS: number }>();
  for (const [pid, p] of browser) {
    if (p.type !== 'renderer') continue;
    const m = mainThread(pid);
    if (m) rendererMain.set(pid, m);
  }
  return {
    t: Date.now(),
    vigilS: vigilCpuS,
    vigilMain: mainThread(vigilPid),
    targetS: procStat(targetPid)?.cpuS ?? null,
    benchS: (usage.user + usage.system) / 1e6,
    machine: machineCpu(),
    all,
    mine: new Set([process.pid, vigilPid, targetPid, ...browser.keys()]),
    browser,
    rendererMain,
  };
}

interface CpuPercents {
  vigil: number | null;
  browser: number | null;
  /** The busiest renderer over the window: the dashboard's own. */
  renderer: number | null;
  /** That renderer's main thread: CPU %, and % of the window it was runnable but had no CPU (starved by the machine). */
  rendererMainThread: number | null;
  rendererMainThreadWaiting: number | null;
  /** Vigil's main thread: % of the window runnable but waiting for a CPU. */
  vigilMainThreadWaiting: number | null;
  browserByType: Record<string, number>;
  target: number | null;
  benchProcess: number | null;
  machine: number | null;
  /** machine − Vigil − browser − target − bench: everything else on the machine (other people's work, PostgreSQL, the kernel). */
  other: number | null;
  /** The processes behind "other" that used the most CPU in the window. */
  otherTop: { pid: number; cpu: number; cmd: string }[];
}

function cpuPercents(a: CpuSnapshot, b: CpuSnapshot): CpuPercents {
  const dt = (b.t - a.t) / 1000;
  const pct = (s: number | null) => (s === null ? null : round((s / dt) * 100));
  let browser = 0;
  let renderer = 0;
  let rendererPid: number | null = null;
  const byType: Record<string, number> = {};
  for (const [pid, after] of b.browser) {
    const before = a.browser.get(pid)?.cpuS ?? after.cpuS; // a process born mid-window counts from its first sight
    const d = after.cpuS - before;
    browser += d;
    byType[after.type] = (byType[after.type] ?? 0) + d;
    if (after.type === 'renderer' && d >= renderer) {
      renderer = d;
      rendererPid = pid;
    }
  }
  const m0 = rendererPid === null ? undefined : a.rendererMain.get(rendererPid);
  const m1 = rendererPid === null ? undefined : b.rendererMain.get(rendererPid);
  const machine = machineCpuPercent(a.machine, b.machine);
  const vigil = pct(b.vigilS - a.vigilS);
  const target = a.targetS !== null && b.targetS !== null ? pct(b.targetS - a.targetS) : null;
  const benchProcess = pct(b.benchS - a.benchS);
  const others: { pid: number; d: number }[] = [];
  for (const [pid, after] of b.all) {
    if (b.mine.has(pid) || a.mine.has(pid)) continue;
    const before = a.all.get(pid)?.cpuS ?? 0; // born in the window: all its CPU is the window's
    if (after.cpuS - before > 0) others.push({ pid, d: after.cpuS - before });
  }
  const otherTop = others
    .sort((x, y) => y.d - x.d)
    .slice(0, 5)
    .map(({ pid, d }) => {
      let cmd = b.all.get(pid)?.comm ?? '?';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 100) || readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        /* gone */
      }
      return { pid, cpu: pct(d)!, cmd };
    });
  return {
    otherTop,
    other: machine === null ? null : round(machine - (vigil ?? 0) - (b.browser.size ? pct(browser)! : 0) - (target ?? 0) - (benchProcess ?? 0)),
    vigil,
    browser: b.browser.size ? pct(browser) : null,
    renderer: b.browser.size ? pct(renderer) : null,
    rendererMainThread: m0 && m1 ? pct(m1.cpuS - m0.cpuS) : null,
    rendererMainThreadWaiting: m0 && m1 ? pct(m1.waitS - m0.waitS) : null,
    vigilMainThreadWaiting: a.vigilMain && b.vigilMain ? pct(b.vigilMain.waitS - a.vigilMain.waitS) : null,
    browserByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, pct(v)!])),
    target,
    benchProcess,
    machine,
  };
}

// ─── REST ────────────────────────────────────────────────────────────────────────────────────────

interface EndpointRow {
  id: string;
  status: string;
  paused: boolean;
  lastCheckedAt: string | null;
}

async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs `fn` over 0..count-1 with `concurrency` in flight; progress every 5 s. */
async function inParallel(count: number, what: string, fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (next < count) {
      assertNotAborting();
      const i = next++;
      await fn(i);
      done++;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`  ${what} ${done}/${count}`);
      }
    }
  };
  await withTimeout(Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker)), 600_000, what);
  return (Date.now() - t0) / 1000;
}

async function allEndpoints(base: string): Promise<EndpointRow[]> {
  const all: EndpointRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body: { items: EndpointRow[]; nextCursor: string | null } = await api(base, 'GET', `/api/endpoints?limit=500${q}`);
    all.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return all;
}

// ─── the page's own instruments (an init script: plain JS, nothing compiled by tsx) ──────────────

function pageInstruments(expectedCards: number): string {
  return `(() => {
  if (window.__vigilBench) return;
  // tsx compiles bench functions with esbuild's keepNames; should one ever reach the page, this keeps it working.
  if (!window.__name) window.__name = (f) => f;
  const N = ${expectedCards};
  const B = (window.__vigilBench = {
    N,
    mutations: 0, gridMutations: 0, childList: 0, attributes: 0, characterData: 0, addedNodes: 0, removedNodes: 0,
    longTasks: [], loafs: [], frames: [],
    firstRender: null, maxCards: 0, gridSeenMs: null, firstCardMs: null, lastIncomplete: null,
  });
  let grid = null;
  const cards = document.getElementsByClassName('card');
  const incomplete = () => {
    if (cards.length < N) return 'only ' + cards.length + ' .card elements';
    const ids = new Set();
    for (const card of cards) {
      const id = card.getAttribute('data-endpoint-id');
      if (!id) return 'a .card without data-endpoint-id';
      if (!card.closest('.grid')) return 'a .card outside .grid';
      ids.add(id);
      const name = card.querySelector('.card-name');
      if (!(name ? name.textContent : card.textContent).trim()) return 'a card without its name';
      const badge = card.querySelector('.badge');
      if (badge && !badge.textContent.trim()) return 'a card without its status text';
    }
    if (ids.size < N) return ids.size + ' distinct data-endpoint-id';
    return null;
  };
  // \`at\`: when the mutation batch (or frame) that completed the grid was seen, before verifying it.
  const check = (at) => {
    if (B.firstRender) return;
    if (!grid || !grid.isConnected) {
      grid = document.querySelector('.grid');
      if (grid && B.gridSeenMs === null) B.gridSeenMs = performance.now();
    }
    const n = cards.length;
    if (n > B.maxCards) B.maxCards = n;
    if (n > 0 && B.firstCardMs === null) B.firstCardMs = performance.now();
    if (n < N) return;
    const why = incomplete();
    B.lastIncomplete = why;
    if (why) return;
    const fr = (B.firstRender = { domMs: at, verifiedMs: performance.now(), cards: n, paintedMs: null });
    // After the next frame's rendering work (style, layout, paint): rAF, then a task.
    requestAnimationFrame(() => setTimeout(() => (fr.paintedMs = performance.now()), 0));
  };
  new MutationObserver((records) => {
    const at = performance.now();
    B.mutations += records.length;
    if (grid && !grid.isConnected) grid = document.querySelector('.grid');
    for (const r of records) {
      B[r.type]++;
      if (r.type === 'childList') {
        B.addedNodes += r.addedNodes.length;
        B.removedNodes += r.removedNodes.length;
      }
      if (grid && grid.contains(r.target)) B.gridMutations++;
    }
    check(at);
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { B.longTaskError = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.loafs.push({
          start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: (e.scripts || []).map((s) => ({
            invoker: s.invoker, type: s.invokerType, fn: s.sourceFunctionName, url: s.sourceURL, pos: s.sourceCharPosition,
            duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration,
          })),
        });
        if (B.loafs.length > 5000) B.loafs.splice(0, 1000);
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) { B.loafError = String(e); }
  // Socket.io event packets as the page's JavaScript receives them (the network count comes from CDP,
  // which sees frames before a busy main thread gets to them), and each check's delivery lag:
  // Date.now() at dispatch − the check's completion (timestamp + responseTime, same machine clock).
  // One check in four is sampled for the lag (plenty at hundreds a second, and cheap).
  B.wsEvents = 0;
  B.lags = [];
  let checks = 0;
  const onMessage = (e) => {
    const d = e.data;
    if (typeof d !== 'string' || d.charCodeAt(0) !== 52 || d.charCodeAt(1) !== 50) return;
    B.wsEvents++;
    if (!d.startsWith('42["check:completed"') || (checks++ & 3) !== 0) return;
    const ts = d.indexOf('"timestamp":"');
    const rt = d.indexOf('"responseTime":');
    if (ts < 0 || rt < 0 || B.lags.length >= 1000000) return;
    const completed = Date.parse(d.slice(ts + 13, d.indexOf('"', ts + 13))) + parseInt(d.slice(rt + 15, rt + 30), 10);
    if (completed === completed) B.lags.push(performance.now(), Date.now() - completed);
  };
  /** Median delivery lag of the checks the page's JS received in the last \`ms\` (null: none). */
  B.recentLag = (ms) => {
    const since = performance.now() - ms;
    const v = [];
    for (let i = B.lags.length - 2; i >= 0 && B.lags[i] >= since; i -= 2) v.push(B.lags[i + 1]);
    if (!v.length) return null;
    v.sort((a, b) => a - b);
    return v[v.length >> 1];
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = new Proxy(NativeWebSocket, {
    construct(target, args, newTarget) {
      const ws = Reflect.construct(target, args, newTarget);
      ws.addEventListener('message', onMessage);
      return ws;
    },
  });
  const frames = B.frames;
  const loop = (t) => {
    if (frames.length < 500000) frames.push(t);
    check(performance.now());
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);

  B.mark = () => ({
    now: performance.now(), wsEvents: B.wsEvents, mutations: B.mutations, gridMutations: B.gridMutations, childList: B.childList,
    attributes: B.attributes, characterData: B.characterData, addedNodes: B.addedNodes, removedNodes: B.removedNodes,
  });
  B.windowStats = (from, to) => {
    const q = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : null);
    const tasks = B.longTasks.filter(([s, d]) => s + d > from && s < to).map(([s, d]) => d).sort((a, b) => a - b);
    const gaps = [];
    let prev = null;
    for (const t of frames) {
      if (t < from) { prev = null; continue; }
      if (t > to) break;
      if (prev !== null) gaps.push(t - prev);
      prev = t;
    }
    gaps.sort((a, b) => a - b);
    const loafs = B.loafs.filter((l) => l.start + l.duration > from && l.start < to);
    const loafSorted = loafs.slice().sort((a, b) => b.duration - a.duration);
    // Where the long animation frames went: scripts (by invoker) vs style/layout/paint.
    const byInvoker = {};
    let scriptMs = 0, renderMs = 0, layoutMs = 0;
    for (const l of loafs) {
      const end = l.start + l.duration;
      if (l.renderStart) renderMs += end - l.renderStart;
      if (l.styleAndLayoutStart) layoutMs += end - l.styleAndLayoutStart;
      for (const s of l.scripts) {
        scriptMs += s.duration;
        const key = (s.type || '') + ' ' + (s.invoker || '') + (s.fn ? ' → ' + s.fn : '') + (s.url ? ' @' + s.url.replace(location.origin, '') + ':' + s.pos : '');
        byInvoker[key] = (byInvoker[key] || 0) + s.duration;
      }
    }
    const lags = [];
    for (let i = 0; i < B.lags.length; i += 2) if (B.lags[i] >= from && B.lags[i] <= to) lags.push(B.lags[i + 1]);
    lags.sort((a, b) => a - b);
    return {
      deliveryLagMs: { count: lags.length, p50: q(lags, 0.5), p99: q(lags, 0.99), max: lags.length ? lags[lags.length - 1] : null },
      longTasks: { count: tasks.length, maxMs: tasks.length ? tasks[tasks.length - 1] : null, totalMs: tasks.reduce((a, b) => a + b, 0),
        blockingMs: tasks.reduce((a, b) => a + Math.max(0, b - 50), 0) },
      frames: { count: gaps.length + 1, p50: q(gaps, 0.5), p90: q(gaps, 0.9), p99: q(gaps, 0.99), max: gaps.length ? gaps[gaps.length - 1] : null,
        over50: gaps.filter((g) => g > 50).length, over100: gaps.filter((g) => g > 100).length },
      loaf: {
        count: loafs.length, maxMs: loafSorted[0] ? loafSorted[0].duration : null,
        scriptMs, renderPhaseMs: renderMs, styleAndLayoutMs: layoutMs,
        topInvokers: Object.entries(byInvoker).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => ({ invoker: k, ms: Math.round(v) })),
        longest: loafSorted.slice(0, 3),
      },
    };
  };
  B.snapshot = () => ({
    cards: document.getElementsByClassName('card').length,
    stripItems: document.querySelectorAll('.strip > *').length,
    toasts: document.querySelectorAll('[data-sonner-toast]').length,
    elements: document.getElementsByTagName('*').length,
    usedJSHeapSize: performance.memory ? performance.memory.usedJSHeapSize : null,
  });
})();`;
}

const PAGE_NAV_INFO = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const res = performance.getEntriesByType('resource').map((e) => ({
    url: e.name.replace(location.origin, ''), type: e.initiatorType, start: e.startTime, end: e.responseEnd,
    transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  }));
  return {
    responseEnd: nav ? nav.responseEnd : null,
    domInteractive: nav ? nav.domInteractive : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
    load: nav ? nav.loadEventEnd : null,
    firstContentfulPaint: fcp ? fcp.startTime : null,
    resources: res,
  };
})()`;

interface WindowStats {
  deliveryLagMs: { count: number; p50: number | null; p99: number | null; max: number | null };
  longTasks: { count: number; maxMs: number | null; totalMs: number; blockingMs: number };
  frames: { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null; over50: number; over100: number };
  loaf: {
    count: number;
    maxMs: number | null;
    scriptMs: number;
    renderPhaseMs: number;
    styleAndLayoutMs: number;
    topInvokers: { invoker: string; ms: number }[];
    longest: unknown[];
  };
}

interface PageMark {
  now: number;
  wsEvents: number;
  mutations: number;
  gridMutations: number;
  childList: number;
  attributes: number;
  characterData: number;
  addedNodes: number;
  removedNodes: number;
}

interface HeapReading {
  usedMb: number | null;
  totalMb: number | null;
  embedderMb: number | null;
  domNodes: number | null;
  documents: number | null;
  jsEventListeners: number | null;
  elements: number | null;
  cards: number | null;
  stripItems: number | null;
  toasts: number | null;
  /** The whole reading; the forced GC; the page snapshot (queues behind whatever the page's main thread has to do). */
  ms: number;
  gcMs: number;
  snapshotMs: number;
}

// ─── the browser ─────────────────────────────────────────────────────────────────────────────────

interface BrowserHandle {
  browser: Browser;
  pid: number | null;
  close(): Promise<void>;
}

async function launchBrowser(): Promise<BrowserHandle> {
  const browser = await withTimeout(
    // The bench handles signals itself (Playwright's own handlers would exit before the databases are dropped).
    chromium.launch({
      executablePath: options.chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    }),
    90_000,
    'launching Chromium',
  );
  let pid: number | null = null;
  try {
    const session = await browser.newBrowserCDPSession();
    const info = (await withTimeout(session.send('SystemInfo.getProcessInfo'), 10_000, 'SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    pid = info.processInfo.find((p) => p.type === 'browser')?.id ?? null;
    await session.detach().catch(() => {});
  } catch (error) {
    progress(`  (could not read the browser's pid: ${String(error)}; browser CPU will be missing)`);
  }
  const handle: BrowserHandle = {
    browser,
    pid,
    close: async () => {
      done();
      const tree = pid ? [...processTreeCpu(pid, allProcesses()).keys()] : [];
      try {
        await withTimeout(browser.close(), 15_000, 'closing Chromium');
      } catch (error) {
        progress(`  (${String(error)}; killing the browser's processes)`);
      }
      for (const p of tree) {
        try {
          process.kill(p, 0);
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone, as it should be */
        }
      }
    },
  };
  const done = onCleanup('browsers', () => handle.close());
  return handle;
}

/** Socket.io event frames (`42…`) the page received, by event name. */
class FrameCounter {
  total = 0;
  byName: Record<string, number> = {};
  sockets = 0;
  closes: { at: number; url: string }[] = [];
  /** Arrival times of the last frames, for the steady-rate check. */
  recent: number[] = [];

  attach(page: Page): void {
    page.on('websocket', (ws) => {
      this.sockets++;
      ws.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8', 0, 64);
        if (text.charCodeAt(0) !== 52 || text.charCodeAt(1) !== 50) return; // "42": a Socket.io EVENT packet
        this.total++;
        const name = /^42(?:\/[^,]*,)?\d*\["([^"]+)"/.exec(text)?.[1] ?? '?';
        this.byName[name] = (this.byName[name] ?? 0) + 1;
        this.recent.push(Date.now());
        if (this.recent.length > 20_000) this.recent.splice(0, 10_000);
      });
      ws.on('close', () => this.closes.push({ at: Date.now(), url: ws.url() }));
    });
  }

  snapshot(): { t: number; total: number; byName: Record<string, number> } {
    return { t: Date.now(), total: this.total, byName: { ...this.byName } };
  }

  ratePerSecond(overMs: number): number {
    const since = Date.now() - overMs;
    let n = 0;
    for (let i = this.recent.length - 1; i >= 0 && this.recent[i]! >= since; i--) n++;
    return n / (overMs / 1000);
  }
}

async function readHeap(page: Page, cdp: CDPSession): Promise<HeapReading> {
  const t0 = Date.now();
  // One call is enough: V8 answers it with a low-memory notification, i.e. full GCs until nothing more is freed.
  await withTimeout(cdp.send('HeapProfiler.collectGarbage'), 60_000, 'HeapProfiler.collectGarbage');
  const gcMs = Date.now() - t0;
  const usage = (await withTimeout(cdp.send('Runtime.getHeapUsage'), 30_000, 'Runtime.getHeapUsage')) as {
    usedSize: number;
    totalSize: number;
    embedderHeapUsedSize?: number;
  };
  const dom = (await withTimeout(cdp.send('Memory.getDOMCounters'), 30_000, 'Memory.getDOMCounters')) as {
    documents: number;
    nodes: number;
    jsEventListeners: number;
  };
  const t1 = Date.now();
  const snap = (await withTimeout(page.evaluate('window.__vigilBench.snapshot()'), 60_000, 'page snapshot')) as {
    cards: number;
    stripItems: number;
    toasts: number;
    elements: number;
  };
  return {
    usedMb: mb(usage.usedSize),
    totalMb: mb(usage.totalSize),
    embedderMb: mb(usage.embedderHeapUsedSize ?? null),
    domNodes: dom.nodes,
    documents: dom.documents,
    jsEventListeners: dom.jsEventListeners,
    elements: snap.elements,
    cards: snap.cards,
    stripItems: snap.stripItems,
    toasts: snap.toasts,
    ms: Date.now() - t0,
    gcMs,
    snapshotMs: Date.now() - t1,
  };
}

// ─── CPU profile of the page (--profile) ─────────────────────────────────────────────────────────

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function summariseProfile(profile: CpuProfile, origin: string): { totalMs: number; byFunction: { fn: string; selfMs: number; pct: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (!node) continue;
    total += dt;
    const f = node.callFrame;
    const key = f.url
      ? `${f.functionName || '(anonymous)'} ${f.url.replace(origin, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`
      : f.functionName || '(anonymous)';
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const byFunction = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([fn, ms]) => ({ fn, selfMs: round(ms)!, pct: round((ms / Math.max(1, total)) * 100)! }));
  return { totalMs: round(total)!, byFunction };
}

// ─── one run ─────────────────────────────────────────────────────────────────────────────────────

interface WindowResult {
  label: string;
  seconds: number;
  /** Socket.io event frames that reached the page's WebSocket (CDP's count, bench clock). */
  events: number;
  eventsPerSecond: number | null;
  /** The same frames as the page's JavaScript got them (its message listener, page clock): the page's real intake. */
  pageEvents: number;
  pageEventsPerSecond: number | null;
  /** Median delivery lag over the 2 s before the window, and how long the bench waited for it to come under 1 s. */
  lagAtStartMs: number | null;
  waitedForPageS: number;
  /** Frames received but not yet handed to the page's JavaScript when the window ended. */
  backlogAtEnd: number;
  /** How long `page.evaluate` took to answer at the window's end: queueing behind a busy main thread. */
  markRoundTripMs: number;
  statusChangedPerSecond: number | null;
  checkCompletedPerSecond: number | null;
  eventsByName: Record<string, number>;
  mutations: number;
  mutationsPerEvent: number | null;
  gridMutationsPerEvent: number | null;
  mutationsByType: { childList: number; attributes: number; characterData: number; addedNodes: number; removedNodes: number };
  stats: WindowStats;
  heapAfter: HeapReading | null;
  cpu: CpuPercents;
  vigil: { checksStartedPerSecond: number | null; writtenPerSecond: number | null; lagP99Ms: number | null; rssMb: number | null };
  profile?: { file: string; totalMs: number; byFunction: { fn: string; selfMs: number; pct: number }[] };
}

interface RunResult {
  db: 'pglite' | 'postgres';
  run: number;
  ok: boolean;
  error?: string;
  code?: { commit: string; uncommittedFiles: number };
  browserPid?: number | null;
  endpoints: number;
  intervalSeconds: number;
  targetEventsPerSecond: number;
  /** Machine CPU % (200 % = both cores) over the 5 s before the run started, and how long the bench waited for it. */
  machineBeforeRun?: { cpuPercent: number | null; waitedSeconds: number; quiet: boolean };
  createSeconds?: number | null;
  render?: {
    firstFullRenderMs: number | null;
    /** When the bench's own check of the 2,000 cards (ids, names, status texts) finished: its cost is not in firstFullRenderMs. */
    firstFullRenderVerifiedMs: number | null;
    /** After the next frame's rendering (rAF, then a task); it includes the bench's verification (verifiedMs − firstFullRenderMs). */
    firstFullRenderPaintedMs: number | null;
    gridSeenMs: number | null;
    firstCardMs: number | null;
    domContentLoadedMs: number | null;
    loadMs: number | null;
    firstContentfulPaintMs: number | null;
    apiDataInMs: number | null;
    renderAfterDataMs: number | null;
    api: { url: string; start: number; end: number; transfer: number; decoded: number }[];
    longestTaskMs: number | null;
    longTasksOver50: number;
    loafTopInvokers: { invoker: string; ms: number }[];
    mutations: number;
  };
  transferred?: {
    entry: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null } | null;
    scripts: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null }[];
    styles: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null }[];
    jsWireBytes: number;
    jsGzipBytes: number;
  };
  heapAfterRender?: HeapReading | null;
  resumeSeconds?: number | null;
  steady?: { reached: boolean; afterSeconds: number; startedPerSecond: number | null; framesPerSecond: number | null };
  windows?: WindowResult[];
  heapGrowthW1toW2Mb?: number | null;
  heapGrowthW1toW2Pct?: number | null;
  domNodeGrowthW1toW2?: number | null;
  stripItemGrowthW1toW2?: number | null;
  consistency?: {
    checked: number;
    caughtUp: boolean;
    /** From Vigil drained (nothing running or pending) to the page having taken every event it received. */
    catchUpSeconds: number | null;
    timeMismatches: number;
    stripMismatches: number;
    statusTextMismatches: number;
    examples: unknown[];
    countsHeader: Record<string, string> | null;
  } | null;
  socketCloses?: { at: number; url: string }[];
  websockets?: number;
  consoleErrors?: string[];
  failedResponses?: string[];
  vigilLogTail?: string[];
}

/** Waits (bounded) until the machine's CPU stays under --quiet-below % for 5 s. */
async function waitForQuiet(): Promise<{ cpuPercent: number | null; waitedSeconds: number; quiet: boolean }> {
  const t0 = Date.now();
  let cpuPercent: number | null = null;
  let noted = false;
  for (;;) {
    const a = machineCpu();
    await sleep(5_000);
    assertNotAborting();
    const b = machineCpu();
    cpuPercent = machineCpuPercent(a, b);
    const quiet = cpuPercent !== null && cpuPercent < options.quietBelow;
    const waitedSeconds = round((Date.now() - t0) / 1000)!;
    if (quiet || Date.now() - t0 >= options.quietWaitS * 1000) {
      progress(`  machine CPU ${cpuPercent}% over the last 5 s${quiet ? '' : ` — still busy after ${waitedSeconds} s, going ahead`}`);
      return { cpuPercent, waitedSeconds, quiet };
    }
    if (!noted) progress(`  machine busy (${cpuPercent}% CPU): waiting up to ${options.quietWaitS} s for < ${options.quietBelow}%`);
    noted = true;
  }
}

async function runOnce(kind: 'pglite' | 'postgres', run: number, logDir: string): Promise<RunResult> {
  const n = options.endpoints;
  const result: RunResult = {
    db: kind,
    run,
    ok: false,
    endpoints: n,
    intervalSeconds: options.intervalSeconds,
    targetEventsPerSecond: n / options.intervalSeconds,
  };
  progress(`── ${kind}, run ${run}: ${n} endpoints every ${options.intervalSeconds} s → ${result.targetEventsPerSecond} status changes/s ──`);
  result.machineBeforeRun = await waitForQuiet();
  result.code = codeState();
  let db: BenchDatabase | undefined;
  let vigil: VigilProcess | undefined;
  let target: TargetProcess | undefined;
  let browser: BrowserHandle | undefined;
  const consoleErrors: string[] = [];
  const failedResponses: string[] = [];
  try {
    target = await startTarget('flip');
    db = await createBenchDatabase(kind, 'vigil-dash-bench-');
    vigil = await startVigilProcess(db.env);
    progress(`  target ${target.origin} (pid ${target.pid}); Vigil ${vigil.base} (pid ${vigil.pid}) on ${db.label}`);

    // 1. The endpoints, paused.
    const ids: string[] = new Array(n);
    result.createSeconds = round(
      await inParallel(n, 'created', async (i) => {
        const e = await api<{ id: string }>(vigil!.base, 'POST', '/api/endpoints', {
          name: `bench ${String(i).padStart(5, '0')}`,
          url: `${target!.origin}/e/${i}`,
          intervalSeconds: options.intervalSeconds,
          failureThreshold: 100,
          paused: true,
        });
        ids[i] = e.id;
      }),
      2,
    );
    progress(`  created ${n} paused endpoints in ${result.createSeconds} s`);

    // 2. The page, opened while all is quiet.
    browser = await launchBrowser();
    result.browserPid = browser.pid;
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.addInitScript({ content: pageInstruments(n) });
    const frames = new FrameCounter();
    frames.attach(page);
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && consoleErrors.length < 50) consoleErrors.push(`${m.type()}: ${m.text().slice(0, 300)}`);
    });
    page.on('pageerror', (e) => consoleErrors.length < 50 && consoleErrors.push(`pageerror: ${e.message.slice(0, 300)}`));
    page.on('requestfailed', (r) => failedResponses.length < 50 && failedResponses.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`));
    const assets: Promise<{ url: string; kind: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null; body: string }>[] = [];
    let documentHtml = '';
    page.on('response', (res) => {
      const url = res.url();
      if (res.status() >= 400 && failedResponses.length < 50) failedResponses.push(`${res.request().method()} ${url.replace(vigil!.base, '')} → ${res.status()}`);
      const type = res.request().resourceType();
      if (type !== 'script' && type !== 'stylesheet' && type !== 'document') return;
      assets.push(
        (async () => {
          const body = await res.body();
          const sizes = await res.request().sizes().catch(() => null);
          if (type === 'document') documentHtml = body.toString('utf8');
          return {
            url: url.replace(vigil!.base, ''),
            kind: type,
            wireBytes: sizes?.responseBodySize ?? null,
            decodedBytes: body.byteLength,
            gzipBytes: gzipSync(body).byteLength,
            encoding: (await res.headerValue('content-encoding')) ?? null,
            body: type === 'document' ? body.toString('utf8') : '',
          };
        })(),
      );
    });
    const cdp = await context.newCDPSession(page);

    progress(`  opening ${vigil.base}/ in Chromium (pid ${browser.pid ?? '?'})`);
    await withTimeout(page.goto(`${vigil.base}/${options.query ? `?${options.query}` : ''}`, { waitUntil: 'load', timeout: 60_000 }), 70_000, 'the dashboard to load');
    const renderDeadline = Date.now() + options.renderTimeoutS * 1000;
    type RenderState = { firstRender: { domMs: number; verifiedMs: number; paintedMs: number | null } | null; maxCards: number; lastIncomplete: string | null };
    let state: RenderState;
    for (;;) {
      assertNotAborting();
      state = (await withTimeout(
        page.evaluate('({ firstRender: window.__vigilBench.firstRender, maxCards: window.__vigilBench.maxCards, lastIncomplete: window.__vigilBench.lastIncomplete })'),
        30_000,
        'reading the render state',
      )) as RenderState;
      if (state.firstRender?.paintedMs) break;
      if (Date.now() > renderDeadline) {
        const text = ((await page.evaluate('document.body ? document.body.innerText.slice(0, 400) : ""').catch(() => '')) as string).replace(/\s+/g, ' ');
        throw new Error(
          `the dashboard did not render ${n} cards within ${options.renderTimeoutS} s (at most ${state.maxCards} .card elements seen` +
            `${state.lastIncomplete ? `; ${state.lastIncomplete}` : ''}). Failed requests: ${failedResponses.join('; ') || 'none'}. ` +
            `Console: ${consoleErrors.slice(0, 5).join(' | ') || 'nothing'}. Page text: ${text}`,
        );
      }
      await sleep(100);
    }
    await sleep(1_000); // let the first render's trailing work and observers settle
    const nav = (await page.evaluate(PAGE_NAV_INFO)) as {
      domContentLoaded: number | null;
      load: number | null;
      firstContentfulPaint: number | null;
      resources: { url: string; type: string; start: number; end: number; transfer: number; encoded: number; decoded: number }[];
    };
    const fr = state.firstRender!;
    const renderMark = (await page.evaluate('window.__vigilBench.mark()')) as PageMark;
    const loadStats = (await page.evaluate(`window.__vigilBench.windowStats(0, ${fr.paintedMs})`)) as WindowStats;
    const apiCalls = nav.resources.filter((r) => r.url.startsWith('/api/') && r.start < fr.domMs);
    const apiDataIn = apiCalls.length ? Math.max(...apiCalls.map((r) => r.end)) : null;
    result.render = {
      firstFullRenderMs: round(fr.domMs),
      firstFullRenderVerifiedMs: round(fr.verifiedMs),
      firstFullRenderPaintedMs: round(fr.paintedMs),
      gridSeenMs: round((await page.evaluate('window.__vigilBench.gridSeenMs')) as number | null),
      firstCardMs: round((await page.evaluate('window.__vigilBench.firstCardMs')) as number | null),
      domContentLoadedMs: round(nav.domContentLoaded),
      loadMs: round(nav.load),
      firstContentfulPaintMs: round(nav.firstContentfulPaint),
      apiDataInMs: round(apiDataIn),
      renderAfterDataMs: apiDataIn === null ? null : round(fr.domMs - apiDataIn),
      api: apiCalls.map((r) => ({ url: r.url, start: round(r.start)!, end: round(r.end)!, transfer: r.transfer, decoded: r.decoded })),
      longestTaskMs: round(loadStats.longTasks.maxMs),
      longTasksOver50: loadStats.longTasks.count,
      loafTopInvokers: loadStats.loaf.topInvokers,
      mutations: renderMark.mutations,
    };
    const assetList = await withTimeout(Promise.all(assets), 30_000, 'reading the response bodies');
    const entryPath = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(documentHtml)?.[1] ?? null;
    const strip = ({ body: _body, kind: _kind, ...rest }: (typeof assetList)[number]) => rest;
    const scripts = assetList.filter((a) => a.kind === 'script').map(strip);
    result.transferred = {
      entry: scripts.find((s) => entryPath !== null && s.url === entryPath) ?? null,
      scripts,
      styles: assetList.filter((a) => a.kind === 'stylesheet').map(strip),
      jsWireBytes: scripts.reduce((a, s) => a + (s.wireBytes ?? 0), 0),
      jsGzipBytes: scripts.reduce((a, s) => a + s.gzipBytes, 0),
    };
    result.heapAfterRender = await readHeap(page, cdp);
    progress(
      `  first full render ${result.render.firstFullRenderMs} ms (data in at ${result.render.apiDataInMs} ms, painted ${result.render.firstFullRenderPaintedMs} ms; ` +
        `DCL ${result.render.domContentLoadedMs}, load ${result.render.loadMs}); longest task ${result.render.longestTaskMs ?? '< 50'} ms; ` +
        `heap ${result.heapAfterRender.usedMb} MB, ${result.heapAfterRender.domNodes} DOM nodes`,
    );
    const clients = (await scrape(vigil.base)).socketioClients;
    if (clients !== null && clients < 1) progress(`  WARNING: Vigil counts ${clients} Socket.io clients: the page is not connected`);

    // 3. Start the flow: resume every endpoint.
    result.resumeSeconds = round(
      await inParallel(n, 'resumed', async (i) => {
        await api(vigil!.base, 'POST', `/api/endpoints/${ids[i]}/resume`);
      }),
      2,
    );
    progress(`  resumed ${n} endpoints in ${result.resumeSeconds} s; waiting for a steady ${result.targetEventsPerSecond} checks/s`);
    const rate = result.targetEventsPerSecond;
    const steadyStart = Date.now();
    let inRow = 0;
    let last = await scrape(vigil.base);
    let startedPerSecond: number | null = null;
    let framesPerSecond: number | null = null;
    while (Date.now() - steadyStart < options.steadyTimeoutS * 1000) {
      assertNotAborting();
      await sleep(1_000);
      const now = await scrape(vigil.base);
      startedPerSecond = (now.started - last.started) / ((now.t - last.t) / 1000);
      framesPerSecond = frames.ratePerSecond(1_000);
      last = now;
      // Steady = Vigil runs the asked load; whether the page keeps up with it is what the windows measure.
      const ok = Math.abs(startedPerSecond - rate) <= 0.1 * rate;
      inRow = ok ? inRow + 1 : 0;
      if (inRow >= 3 && Date.now() - steadyStart >= options.intervalSeconds * 1000) break;
    }
    result.steady = {
      reached: inRow >= 3,
      afterSeconds: round((Date.now() - steadyStart) / 1000)!,
      startedPerSecond: round(startedPerSecond),
      framesPerSecond: round(framesPerSecond),
    };
    progress(
      `  ${result.steady.reached ? 'steady' : 'NOT steady'} after ${result.steady.afterSeconds} s: ${result.steady.startedPerSecond} checks/s, ` +
        `${result.steady.framesPerSecond} event frames/s at the page`,
    );
    if (options.settleS > 0) {
      progress(`  settling ${options.settleS} s more`);
      await sleep(options.settleS * 1000);
      assertNotAborting();
    }

    // 4. The measured windows.
    const windowLabels = ['window 1', 'window 2', ...(options.profile ? ['profiled'] : [])];
    result.windows = [];
    for (const label of windowLabels) {
      assertNotAborting();
      const profiled = label === 'profiled';
      // A window starts with the page current: after the heap reading (a forced full GC) it may be
      // seconds behind. Wait (at most --steady-timeout s) until the checks it receives are < 1 s old.
      const recoverStart = Date.now();
      let lagAtStartMs: number | null = null;
      for (;;) {
        lagAtStartMs = (await withTimeout(page.evaluate('window.__vigilBench.recentLag(2000)'), 60_000, 'the page lag')) as number | null;
        if ((lagAtStartMs !== null && lagAtStartMs <= RECOVERED_LAG_MS) || Date.now() - recoverStart > options.steadyTimeoutS * 1000) break;
        await sleep(500);
      }
      const waitedForPageS = round((Date.now() - recoverStart) / 1000)!;
      if (lagAtStartMs === null || lagAtStartMs > RECOVERED_LAG_MS) {
        progress(`  the page is still ${lagAtStartMs ?? '?'} ms behind after ${waitedForPageS} s; ${label} starts anyway`);
      }
      if (profiled) {
        await withTimeout(cdp.send('Profiler.enable'), 10_000, 'Profiler.enable');
        await withTimeout(cdp.send('Profiler.setSamplingInterval', { interval: 200 }), 10_000, 'Profiler.setSamplingInterval');
        await withTimeout(cdp.send('Profiler.start'), 10_000, 'Profiler.start');
      }
      const m0 = await scrape(vigil.base);
      const c0 = cpuSnapshot(m0.cpuS, vigil.pid, target.pid, browser.pid);
      const p0 = (await withTimeout(page.evaluate('window.__vigilBench.mark()'), 30_000, 'page mark')) as PageMark;
      const f0 = frames.snapshot();
      progress(`  ${label}: ${options.windowS} s`);
      await sleep(options.windowS * 1000);
      assertNotAborting();
      const f1 = frames.snapshot();
      const tMark = Date.now();
      const p1 = (await withTimeout(page.evaluate('window.__vigilBench.mark()'), 30_000, 'page mark')) as PageMark;
      const markRoundTripMs = Date.now() - tMark;
      const backlogAtEnd = frames.total - p1.wsEvents;
      const m1 = await scrape(vigil.base);
      const c1 = cpuSnapshot(m1.cpuS, vigil.pid, target.pid, browser.pid);
      let profile: WindowResult['profile'];
      if (profiled) {
        const { profile: raw } = (await withTimeout(cdp.send('Profiler.stop'), 60_000, 'Profiler.stop')) as unknown as { profile: CpuProfile };
        await cdp.send('Profiler.disable').catch(() => {});
        const file = join(logDir, `${kind}-run${run}-page.cpuprofile`);
        writeFileSync(file, JSON.stringify(raw));
        profile = { file, ...summariseProfile(raw, vigil.base) };
      }
      const heapAfter = profiled ? null : await readHeap(page, cdp);
      // Long tasks and long frames are reported a little after they end: read them after the heap.
      const stats = (await withTimeout(page.evaluate(`window.__vigilBench.windowStats(${p0.now}, ${p1.now})`), 30_000, 'window stats')) as WindowStats;
      const seconds = (f1.t - f0.t) / 1000;
      const events = f1.total - f0.total;
      const pageEvents = p1.wsEvents - p0.wsEvents;
      const pageSeconds = (p1.now - p0.now) / 1000;
      const byName: Record<string, number> = {};
      for (const [k, v] of Object.entries(f1.byName)) byName[k] = v - (f0.byName[k] ?? 0);
      const w: WindowResult = {
        label,
        seconds: round(seconds, 2)!,
        events,
        eventsPerSecond: round(events / seconds),
        statusChangedPerSecond: round((byName['endpoint:status-changed'] ?? 0) / seconds),
        checkCompletedPerSecond: round((byName['check:completed'] ?? 0) / seconds),
        eventsByName: byName,
        mutations: p1.mutations - p0.mutations,
        lagAtStartMs: round(lagAtStartMs, 0),
        waitedForPageS,
        pageEvents,
        pageEventsPerSecond: round(pageEvents / pageSeconds),
        backlogAtEnd,
        markRoundTripMs,
        // Mutations and events both counted inside the page between the same two marks.
        mutationsPerEvent: pageEvents ? round((p1.mutations - p0.mutations) / pageEvents, 2) : null,
        gridMutationsPerEvent: pageEvents ? round((p1.gridMutations - p0.gridMutations) / pageEvents, 2) : null,
        mutationsByType: {
          childList: p1.childList - p0.childList,
          attributes: p1.attributes - p0.attributes,
          characterData: p1.characterData - p0.characterData,
          addedNodes: p1.addedNodes - p0.addedNodes,
          removedNodes: p1.removedNodes - p0.removedNodes,
        },
        stats,
        heapAfter,
        cpu: cpuPercents(c0, c1),
        vigil: {
          checksStartedPerSecond: round((m1.started - m0.started) / ((m1.t - m0.t) / 1000)),
          writtenPerSecond: round((m1.written - m0.written) / ((m1.t - m0.t) / 1000)),
          lagP99Ms: m1.lagP99,
          rssMb: mb(m1.rss),
        },
        ...(profile ? { profile } : {}),
      };
      result.windows.push(w);
      progress(
        `  ${label}: ${w.events} events at the socket (${w.eventsPerSecond}/s; status-changed ${w.statusChangedPerSecond}/s), ${w.pageEventsPerSecond}/s into the page's JS ` +
          `(backlog at the end ${backlogAtEnd}, evaluate answered in ${markRoundTripMs} ms), delivery lag p50 ${round(stats.deliveryLagMs.p50)} p99 ${round(stats.deliveryLagMs.p99)} ms, ` +
          `${w.mutationsPerEvent} mutations/event, ` +
          `longest task ${stats.longTasks.maxMs === null ? '< 50' : round(stats.longTasks.maxMs)} ms (${stats.longTasks.count} > 50 ms), ` +
          `frame gap p50 ${round(stats.frames.p50)} p99 ${round(stats.frames.p99)} max ${round(stats.frames.max)} ms; ` +
          `heap ${heapAfter?.usedMb ?? '-'} MB; CPU Vigil ${w.cpu.vigil}%, browser ${w.cpu.browser}% (renderer ${w.cpu.renderer}%, its main thread ${w.cpu.rendererMainThread}% ` +
          `and ${w.cpu.rendererMainThreadWaiting}% waiting for a CPU), machine ${w.cpu.machine}%, other ${w.cpu.other}% ` +
          `(${w.cpu.otherTop.slice(0, 2).map((o) => `${o.cmd.slice(0, 40)} ${o.cpu}%`).join(', ')})`,
      );
      if (profile) progress(`  profile: ${profile.file}; top: ${profile.byFunction.slice(0, 5).map((f) => `${f.fn} ${f.pct}%`).join(', ')}`);
    }
    const [w1, w2] = result.windows;
    if (w1?.heapAfter?.usedMb != null && w2?.heapAfter?.usedMb != null) {
      result.heapGrowthW1toW2Mb = round(w2.heapAfter.usedMb - w1.heapAfter.usedMb, 2);
      result.heapGrowthW1toW2Pct = round(((w2.heapAfter.usedMb - w1.heapAfter.usedMb) / w1.heapAfter.usedMb) * 100);
      result.domNodeGrowthW1toW2 = (w2.heapAfter.domNodes ?? 0) - (w1.heapAfter.domNodes ?? 0);
      result.stripItemGrowthW1toW2 = (w2.heapAfter.stripItems ?? 0) - (w1.heapAfter.stripItems ?? 0);
    }
    result.socketCloses = frames.closes;
    result.websockets = frames.sockets;

    // 5. Consistency: pause everything, let Vigil drain, then compare the cards with REST.
    if (options.consistency) {
      progress(`  consistency: pausing ${n} endpoints, then comparing every card with REST`);
      await inParallel(n, 'paused', async (i) => {
        await api(vigil!.base, 'POST', `/api/endpoints/${ids[i]}/pause`);
      });
      const drainDeadline = Date.now() + 30_000;
      for (;;) {
        const m = await scrape(vigil.base);
        if ((m.running === 0 || Number.isNaN(m.running)) && m.pending === 0) break;
        if (Date.now() > drainDeadline) {
          progress('  (Vigil did not drain within 30 s; comparing anyway)');
          break;
        }
        await sleep(200);
      }
      // The page may be seconds behind: wait until its JavaScript has had every frame the socket
      // received and nothing new came for 2 s, then two animation frames for the last batch.
      const drainedAt = Date.now();
      let lastTotal = -1;
      let quietSince = Date.now();
      let caughtUp = false;
      while (Date.now() - drainedAt < 180_000) {
        assertNotAborting();
        const inPage = (await withTimeout(page.evaluate('window.__vigilBench.wsEvents'), 60_000, 'the page event count')) as number;
        if (frames.total !== lastTotal) {
          lastTotal = frames.total;
          quietSince = Date.now();
        }
        if (inPage >= frames.total && Date.now() - quietSince >= 2_000) {
          caughtUp = true;
          break;
        }
        await sleep(250);
      }
      await withTimeout(page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))'), 30_000, 'two frames');
      const catchUpSeconds = round((Date.now() - drainedAt) / 1000);
      if (!caughtUp) progress('  (the page was still receiving events 180 s after Vigil drained; comparing anyway)');
      const rest = await allEndpoints(vigil.base);
      const cards = (await withTimeout(
        page.evaluate(`Array.from(document.querySelectorAll('.card[data-endpoint-id]')).map((c) => {
          const strip = c.querySelectorAll('.strip > *');
          const last = strip.length ? strip[strip.length - 1] : null;
          const time = c.querySelector('time.card-time, time');
          const badge = c.querySelector('.badge');
          return { id: c.getAttribute('data-endpoint-id'), status: c.getAttribute('data-status'), badge: badge ? badge.textContent.trim() : null,
            datetime: time ? time.getAttribute('datetime') : null, lastStrip: last ? last.getAttribute('data-status') : null, stripLength: strip.length };
        })`),
        30_000,
        'reading the cards',
      )) as { id: string; status: string | null; badge: string | null; datetime: string | null; lastStrip: string | null; stripLength: number }[];
      const countsHeader = (await page
        .evaluate(`Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map((e) => [e.getAttribute('data-count'), e.textContent.trim()]))`)
        .catch(() => null)) as Record<string, string> | null;
      const byId = new Map(rest.map((e) => [e.id, e]));
      let timeMismatches = 0;
      let stripMismatches = 0;
      let statusTextMismatches = 0;
      const examples: unknown[] = [];
      for (const card of cards) {
        const e = byId.get(card.id);
        if (!e) continue;
        const timeOk = (card.datetime ?? null) === (e.lastCheckedAt ?? null);
        const stripOk = card.lastStrip === null || card.lastStrip === e.status;
        const expected = e.paused ? 'PAUSED' : e.status;
        // The card's data-status (its colour and icon) and the word its badge says.
        const statusOk = card.status === expected && card.badge === en[`status.${expected}` as keyof typeof en];
        if (!timeOk) timeMismatches++;
        if (!stripOk) stripMismatches++;
        if (!statusOk) statusTextMismatches++;
        if ((!timeOk || !stripOk || !statusOk) && examples.length < 5) examples.push({ card, rest: e });
      }
      result.consistency = { checked: cards.length, caughtUp, catchUpSeconds, timeMismatches, stripMismatches, statusTextMismatches, examples, countsHeader };
      progress(
        `  consistency (page caught up ${catchUpSeconds} s after Vigil drained${caughtUp ? '' : ', NOT all events taken'}): ${cards.length} cards; last-check time differs on ${timeMismatches}, newest strip square on ${stripMismatches}, ` +
          `status on ${statusTextMismatches}; counts header ${JSON.stringify(countsHeader)}`,
      );
    }
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    progress(`  FAILED: ${result.error}`);
    if (vigil) result.vigilLogTail = vigil.child.output.slice(-30);
  } finally {
    result.consoleErrors = consoleErrors;
    result.failedResponses = failedResponses;
    if (browser) await browser.close();
    if (vigil) await vigil.child.kill();
    if (target) await target.child.kill();
    if (db) await db.dispose().catch((e) => progress(`  could not remove ${db!.label}: ${String(e)}`));
  }
  return result;
}

// ─── report ──────────────────────────────────────────────────────────────────────────────────────

const kb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : round(bytes / 1024, 1));

function markdown(results: RunResult[]): string {
  const ok = results.filter((r) => r.ok);
  const lines: string[] = [];
  lines.push(
    '**First render** (ms from navigation start; quiet: every endpoint paused)',
    '',
    '| db | run | first full render ms | painted ms | API data in ms | render after data ms | DCL ms | load ms | longest task during load ms | entry JS KB gzip (wire) | all JS KB gzip | heap after render MB | DOM nodes | machine CPU % before the run |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const renderRow = (db: string, run: string, r: Partial<RunResult>) =>
    `| ${db} | ${run} | ${cell(r.render?.firstFullRenderMs)} | ${cell(r.render?.firstFullRenderPaintedMs)} | ${cell(r.render?.apiDataInMs)} | ` +
    `${cell(r.render?.renderAfterDataMs)} | ${cell(r.render?.domContentLoadedMs)} | ${cell(r.render?.loadMs)} | ` +
    `${r.render ? (r.render.longestTaskMs ?? '< 50') : '–'} | ${cell(kb(r.transferred?.entry?.gzipBytes))} (${cell(kb(r.transferred?.entry?.wireBytes))}) | ` +
    `${cell(kb(r.transferred?.jsGzipBytes))} | ${cell(r.heapAfterRender?.usedMb)} | ${cell(r.heapAfterRender?.domNodes)} | ${cell(r.machineBeforeRun?.cpuPercent)} |`;
  for (const r of results) {
    if (!r.ok) {
      lines.push(`| ${r.db} | ${r.run} | failed: ${(r.error ?? '').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 300)} | | | | | | | | | | | |`);
      continue;
    }
    lines.push(renderRow(r.db, String(r.run), r));
  }
  for (const db of options.dbs) {
    const rs = ok.filter((r) => r.db === db);
    if (rs.length < 2) continue;
    const m = (f: (r: RunResult) => number | null | undefined, d = 1) => round(median(rs.map(f)), d);
    lines.push(
      renderRow(db, `median of ${rs.length}`, {
        render: {
          firstFullRenderMs: m((r) => r.render?.firstFullRenderMs),
          firstFullRenderPaintedMs: m((r) => r.render?.firstFullRenderPaintedMs),
          apiDataInMs: m((r) => r.render?.apiDataInMs),
          renderAfterDataMs: m((r) => r.render?.renderAfterDataMs),
          domContentLoadedMs: m((r) => r.render?.domContentLoadedMs),
          loadMs: m((r) => r.render?.loadMs),
          longestTaskMs: m((r) => r.render?.longestTaskMs),
        } as RunResult['render'],
        transferred: rs[0]!.transferred,
        heapAfterRender: { usedMb: m((r) => r.heapAfterRender?.usedMb, 2), domNodes: m((r) => r.heapAfterRender?.domNodes) } as HeapReading,
      }),
    );
  }

  lines.push(
    '',
    `**Live flow** (${options.windowS} s windows on the same page, one after the other; events = Socket.io event frames: at the socket (CDP) and as the page's JavaScript got them; ` +
      'delivery lag = page JS receives a check:completed − the check completed; mutations per event counted in the page; CPU % of one core, machine = both cores = 200 %, other = machine − Vigil − browser − target − bench)',
    '',
    '| db | run | window | events/s at socket (status-changed/s) | events/s into page JS (backlog at end) | delivery lag p50 / p99 ms (lag at start) | DOM mutations/event (in .grid) | longest task ms (tasks > 50 ms) | frame gap p50 / p99 / max ms | heap after MB | DOM nodes | Vigil CPU % | browser CPU % (renderer) | renderer main thread CPU % / waiting for a CPU % | machine CPU % (other) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const windowRow = (db: string, run: string, w: Partial<WindowResult>) =>
    `| ${db} | ${run} | ${w.label} | ${cell(w.eventsPerSecond)} (${cell(w.statusChangedPerSecond)}) | ${cell(w.pageEventsPerSecond)} (${cell(w.backlogAtEnd)}) | ` +
    `${cell(round(w.stats?.deliveryLagMs.p50, 0))} / ${cell(round(w.stats?.deliveryLagMs.p99, 0))} (${cell(w.lagAtStartMs)}) | ${cell(w.mutationsPerEvent)} (${cell(w.gridMutationsPerEvent)}) | ` +
    `${w.stats ? (w.stats.longTasks.maxMs === null ? '< 50' : round(w.stats.longTasks.maxMs)) : '–'} (${cell(w.stats?.longTasks.count)}) | ` +
    `${cell(round(w.stats?.frames.p50))} / ${cell(round(w.stats?.frames.p99))} / ${cell(round(w.stats?.frames.max))} | ` +
    `${cell(w.heapAfter?.usedMb)} | ${cell(w.heapAfter?.domNodes)} | ${cell(w.cpu?.vigil)} | ${cell(w.cpu?.browser)} (${cell(w.cpu?.renderer)}) | ${cell(w.cpu?.rendererMainThread)} / ${cell(w.cpu?.rendererMainThreadWaiting)} | ${cell(w.cpu?.machine)} (${cell(w.cpu?.other)}) |`;
  for (const r of ok) for (const w of r.windows ?? []) lines.push(windowRow(r.db, String(r.run), w));
  for (const db of options.dbs) {
    const rs = ok.filter((r) => r.db === db);
    if (rs.length < 2) continue;
    for (const label of ['window 1', 'window 2']) {
      const ws = rs.map((r) => r.windows?.find((w) => w.label === label)).filter((w): w is WindowResult => !!w);
      const m = (f: (w: WindowResult) => number | null | undefined, d = 1) => round(median(ws.map(f)), d);
      const longest = m((w) => w.stats.longTasks.maxMs ?? 0);
      lines.push(
        windowRow(db, `median of ${ws.length}`, {
          label,
          eventsPerSecond: m((w) => w.eventsPerSecond),
          statusChangedPerSecond: m((w) => w.statusChangedPerSecond),
          pageEventsPerSecond: m((w) => w.pageEventsPerSecond),
          backlogAtEnd: m((w) => w.backlogAtEnd, 0)!,
          mutationsPerEvent: m((w) => w.mutationsPerEvent, 2),
          gridMutationsPerEvent: m((w) => w.gridMutationsPerEvent, 2),
          stats: {
            deliveryLagMs: { p50: m((w) => w.stats.deliveryLagMs.p50), p99: m((w) => w.stats.deliveryLagMs.p99) },
            longTasks: { maxMs: longest !== null && longest < 50 ? null : longest, count: m((w) => w.stats.longTasks.count)! },
            frames: { p50: m((w) => w.stats.frames.p50), p99: m((w) => w.stats.frames.p99), max: m((w) => w.stats.frames.max) },
          } as WindowStats,
          heapAfter: { usedMb: m((w) => w.heapAfter?.usedMb, 2), domNodes: m((w) => w.heapAfter?.domNodes) } as HeapReading,
          cpu: {
            vigil: m((w) => w.cpu.vigil),
            browser: m((w) => w.cpu.browser),
            renderer: m((w) => w.cpu.renderer),
            rendererMainThread: m((w) => w.cpu.rendererMainThread),
            rendererMainThreadWaiting: m((w) => w.cpu.rendererMainThreadWaiting),
            machine: m((w) => w.cpu.machine),
            other: m((w) => w.cpu.other),
          } as CpuPercents,
        }),
      );
    }
  }

  lines.push(
    '',
    '**Heap over a second window** (after a forced GC at the end of each window) and consistency after the flow',
    '',
    '| db | run | heap w1 → w2 MB | growth MB (%) | DOM nodes growth | strip squares growth | toasts in DOM w1 → w2 | forced GC after w1 / w2 s | steady flow reached | page caught up s after Vigil drained | cards whose last-check time / newest square / status differs from REST |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  );
  for (const r of ok) {
    const [w1, w2] = r.windows ?? [];
    lines.push(
      `| ${r.db} | ${r.run} | ${cell(w1?.heapAfter?.usedMb)} → ${cell(w2?.heapAfter?.usedMb)} | ${cell(r.heapGrowthW1toW2Mb)} (${cell(r.heapGrowthW1toW2Pct)}) | ` +
        `${cell(r.domNodeGrowthW1toW2)} | ${cell(r.stripItemGrowthW1toW2)} | ${cell(w1?.heapAfter?.toasts)} → ${cell(w2?.heapAfter?.toasts)} | ${cell(round((w1?.heapAfter?.gcMs ?? NaN) / 1000))} / ${cell(round((w2?.heapAfter?.gcMs ?? NaN) / 1000))} | ${r.steady?.reached ? `yes, after ${r.steady.afterSeconds} s` : `no (${r.steady?.startedPerSecond} checks/s, ${r.steady?.framesPerSecond} frames/s)`} | ` +
        `${r.consistency ? `${r.consistency.catchUpSeconds}${r.consistency.caughtUp ? '' : ' (not all)'}` : '–'} | ` +
        `${r.consistency ? `${r.consistency.timeMismatches} / ${r.consistency.stripMismatches} / ${r.consistency.statusTextMismatches} of ${r.consistency.checked}` : '–'} |`,
    );
  }
  const profiled = ok.flatMap((r) => (r.windows ?? []).filter((w) => w.profile).map((w) => ({ r, w })));
  for (const { r, w } of profiled) {
    lines.push('', `**Page CPU profile** (${r.db} run ${r.run}, a third ${options.windowS} s window; ${w.profile!.file}): self time`, '');
    lines.push('| function | self ms | % |', '| --- | ---: | ---: |');
    for (const f of w.profile!.byFunction.slice(0, 15)) lines.push(`| \`${f.fn.replace(/\|/g, '/')}\` | ${f.selfMs} | ${f.pct} |`);
  }
  return lines.join('\n');
}

// ─── main ────────────────────────────────────────────────────────────────────────────────────────

let options: Options;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function main(): Promise<void> {
  options = optionsOrExit(parseOptions);
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
    writeFileSync(jsonFile, JSON.stringify({ startedAt: new Date(benchStart).toISOString(), options, chromiumArgs: CHROMIUM_ARGS, machine, results }, null, 2) + '\n');
  try {
    for (const kind of options.dbs) {
      for (let run = 1; run <= options.runs; run++) {
        if (isAborting()) break;
        results.push(await runOnce(kind, run, logDir));
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
  process.stdout.write(markdown(results) + '\n');
  progress(`JSON: ${jsonFile}`);
  process.exitCode = results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll().catch(() => {});
  process.exit(1);
});
