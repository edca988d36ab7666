/**
 * Status pages under load: a page of 100 endpoints with 90 days of history served at a fixed rate
 * (open loop), its weight, and its first (cold) render.
 *
 * Per database (PGlite in a temp dir, or a throwaway PostgreSQL database `vigil_bench_<random>`):
 *  1. Vigil starts on the empty database; --endpoints endpoints are created through the API, checked
 *     against a local target (this file run as its own process): most answer 200 (every 30 s), 3
 *     answer 500 (DOWN, an open incident each, with an update posted), 3 answer after 400 ms
 *     against a 150 ms threshold (DEGRADED), and --flip of them answer whatever the target is told
 *     (checked every second, DOWN and UP at the first result). A status page shows them all in 4
 *     sections. Once every endpoint has its first status, Vigil is stopped.
 *  2. History, written in the database directly: hourly rollups of every endpoint for the 90 days
 *     the bars show (`check_rollups_hourly`, a few hours with failures here and there) up to the
 *     current hour, `retention_state.rolled_up_to` at that hour (as the retention job leaves it), and
 *     40 resolved incidents over the 90 days with 3 updates each. PostgreSQL is ANALYZEd after.
 *  3. For each of --runs runs, Vigil is started again (its page cache empty):
 *     - cold: the first `GET /status/<slug>` (gzip): time to the first byte and to the last, and the
 *       second request's (cached) for comparison;
 *     - weight: the HTML plain and gzipped, /status/assets/status.css and status.js, page.json; and
 *       what one snapshot's HTML costs to render and gzip (the server's own functions, run in this
 *       process on the page's page.json);
 *     - --warmup s of load not measured, then the phases (--phases), back to back:
 *       steady: --rate requests/s for --seconds s of `GET /status/<slug>` with Accept-Encoding: gzip.
 *       The page cache reads the history again on the first request 60 s after a snapshot was built
 *       (its TTL): the bench waits so that this refresh falls in the middle of the window, as it
 *       does once a minute for good; "p99 away from new snapshots" leaves out the requests due
 *       within 2 s of the first answer of each new snapshot (ETag), i.e. cached serving alone.
 *       churn: the same while the --flip endpoints' target flips between 200 and 500 every
 *       --flip-seconds s (all at once, the first half a period in), so that statuses change,
 *       incidents open and close, and the page is patched, rebuilt and rendered again.
 *     Vigil is stopped gracefully after the run (its CPU profile written with --cpu-prof).
 *
 * The load is an open loop: request i is due at t0 + i / rate whatever became of the others, and its
 * latency runs from that due time to the answer's last byte, so a stall of Vigil (or of this process)
 * shows as the queue it makes instead of slowing the sender down (no coordinated omission). Requests
 * go over keep-alive connections (a node:http Agent, at most --sockets), each a first view: no
 * If-None-Match, so every answer is the whole gzipped page. The generator runs in this process on
 * the same 2 cores as Vigil, PostgreSQL and the target: its own CPU and its send lag (how late it
 * sent, p99) are reported. Answers missing 30 s after the last request was due count as errors.
 * Per phase: achieved rate (answers / time from the first due time to the last answer), latency
 * p50/p90/p99/max, errors, status codes, snapshots served (distinct ETags), on PostgreSQL the reads
 * of the history (scans of check_rollups_hourly: one per rebuild with today's plan), Vigil's CPU % and CPU ms
 * per request (/proc/<pid>/stat; 100 % = one core), its RSS (peak, sampled every 500 ms), its
 * event-loop delay p99/max over the phase (/metrics), this process's CPU, PostgreSQL's backends' CPU,
 * and everything else the machine ran ("other").
 *
 *   npm run bench:status-page -- [--db=pglite (default)|postgres|both] [--rate=1000] [--seconds=30]
 *     [--warmup=5] [--runs=1] [--sockets=64] [--endpoints=100] [--flip=10] [--flip-seconds=5]
 *     [--phases=steady,churn] [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--cpu-prof]
 *
 * --cpu-prof: Vigil runs with `node --cpu-prof` (read the profile with bench/cpuprofile-summary.ts;
 * the bench prints the seconds each phase spans in it). Markdown tables on stdout (with --runs > 1
 * also the medians), progress on stderr, details (per-second latency included) in
 * bench/results/status-page-<time>.json, Vigil's log beside it.
 */
import { apiOf } from './support/api.ts';
import { readFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { PublicStatusPage } from '../server/contract/status-pages.ts';
import { renderStatusPage } from '../server/public/status-page-html.ts';
import { renderedOnce, type Snapshot } from '../server/services/status-pages/public-cache.ts';
import { cpuDelta, postgresCpu } from './checks/database.ts';
import { cleanupAll, cleanUpOnSignals } from './support/cleanup.ts';
import { type BenchDatabase, createBenchDatabase, postgresVersion, usePostgres } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { machineCpu, machineCpuPercent, processCpuSeconds } from './support/proc.ts';
import { startChild, startFlagsOf, startVigil, stopGracefully, type ManagedChild, type VigilProcess } from './support/processes.ts';
import { cell, codeState, machineInfo, median, progress, RESULTS_DIR, round } from './support/report.ts';
import { sleep, withTimeout } from './support/waits.ts';

const ROLE_ENV = 'STATUS_PAGE_BENCH_ROLE';
/** --pg-url: the server bench databases are made on. */
let adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const SLOW_MS = 400;
const SECTIONS = ['API', 'Website', 'Payments', 'Infrastructure'];
const SLUG = 'bench';
/** PublicPageCache's ttlMs (its default): the history is read again this long after a snapshot was built. */
const TTL_MS = 60_000;
/** Requests due this close to the first answer with a new snapshot (ETag) are left out of the "cached" p99. */
const NEAR_NEW_SNAPSHOT_MS = 2000;
/** How long a phase waits for its last answers after its last request was due. */
const DRAIN_MS = 30_000;

// ─── The target (its own process) ────────────────────────────────────────────────────────────────

/**
 * `/ok/<n>` 200, `/down/<n>` 500, `/slow/<n>` 200 after SLOW_MS, `/flip/<n>` the status last set by
 * `/__flip?status=N` (200 at first). Prints `{"origin","pid"}`; stops when its stdin closes.
 */
async function runTarget(): Promise<void> {
  let flipStatus = 200;
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.on('error', () => {});
    req.resume();
    const url = new URL(req.url ?? '/', 'http://target');
    const answer = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (url.pathname === '/__flip') {
      const status = Number(url.searchParams.get('status'));
      if (status === 200 || status === 500) flipStatus = status;
      return answer(200, JSON.stringify({ status: flipStatus, requests }));
    }
    requests++;
    const kind = url.pathname.split('/')[1];
    if (kind === 'down') return answer(500, 'down');
    if (kind === 'slow') return void setTimeout(() => answer(200, 'ok'), SLOW_MS);
    if (kind === 'flip') return answer(flipStatus, flipStatus === 200 ? 'ok' : 'flip');
    return answer(200, 'ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ origin: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

interface Target {
  child: ManagedChild;
  origin: string;
  pid: number;
}

async function startOwnTarget(): Promise<Target> {
  const child = startChild('target', ['--import', 'tsx', 'bench/status-page.bench.ts'], { [ROLE_ENV]: 'target' });
  const line = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.proc.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const nl = buffer.indexOf('\n');
        if (nl >= 0) resolve(buffer.slice(0, nl));
      });
      child.exited.then(({ code }) => reject(new Error(`target exited (${code}): ${child.output.join('\n')}`)));
    }),
    30_000,
    'the target to print its origin',
  );
  return { child, origin: (JSON.parse(line) as { origin: string }).origin, pid: child.proc.pid! };
}

// ─── The bench ───────────────────────────────────────────────────────────────────────────────────

const PHASES = ['steady', 'churn'] as const;
type Phase = (typeof PHASES)[number];
type Db = 'pglite' | 'postgres';

interface Options {
  dbs: Db[];
  rate: number;
  seconds: number;
  warmup: number;
  runs: number;
  sockets: number;
  endpoints: number;
  flip: number;
  flipSeconds: number;
  phases: Phase[];
  pgUrl: string;
  cpuProf: boolean;
}

interface LoadResult {
  requests: number;
  answered: number;
  achievedPerS: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  /** How late this process sent the requests (ms after their due time): the generator's own delay. */
  sendLagMs: { p50: number | null; p99: number | null; max: number | null };
  errors: number;
  errorKinds: Record<string, number>;
  statuses: Record<string, number>;
  etags: number;
  /** p99 of the requests due more than NEAR_NEW_SNAPSHOT_MS from the first answer of each new snapshot: cached serving alone. */
  cachedOnly: { requests: number; p99: number | null; max: number | null };
  /** Seconds (of due time) at which each new snapshot was first served. */
  newSnapshotsAtS: number[];
  bytesPerAnswer: number | null;
  /** Per second of due time: answers, p99 and max latency. */
  perSecond: { s: number; n: number; p99: number | null; max: number | null }[];
}

interface PhaseResult extends LoadResult {
  db: Db;
  run: number;
  phase: Phase;
  rate: number;
  seconds: number;
  flips: number;
  vigilCpuPercent: number;
  vigilRssMb: { peak: number; mean: number };
  eventLoopMs: { p99: number | null; max: number | null };
  benchCpuPercent: number;
  postgresCpuPercent: number | null;
  machineCpuPercent: number | null;
  /** The machine's CPU less Vigil's, this process's, the target's and PostgreSQL's backends': everything else running (100 % = one core). */
  otherCpuPercent: number | null;
  vigilCpuMsPerRequest: number;
  /** PostgreSQL: scans of check_rollups_hourly in the phase (pg_stat_user_tables): with the plan of today's query, one bitmap scan per rebuild of the page's view. */
  historyReads: number | null;
  /** Seconds since Vigil's start (its CPU profile's clock, roughly) that the phase spans. */
  profileWindowS: [number, number];
}

interface Weight {
  htmlBytes: number;
  htmlGzipBytes: number;
  cssBytes: number;
  cssGzipBytes: number;
  jsBytes: number;
  jsGzipBytes: number;
  jsonBytes: number;
  jsonGzipBytes: number;
  firstViewGzipBytes: number;
  endpointsShown: number;
  daysShown: number;
  activeIncidents: number;
  pastIncidents: number;
  overall: string;
}

/** What one snapshot's HTML costs, measured in this process on the page's own page.json (medians of 20 after 10). */
interface RenderCost {
  /** renderStatusPage alone. */
  htmlMs: number;
  /** renderedOnce: the page rendered and gzipped as the server does it once per snapshot. */
  htmlAndGzipMs: number;
  /** JSON.stringify of the page (page.json's body). */
  jsonMs: number;
}

interface RunResult {
  db: Db;
  run: number;
  cold: { ttfbMs: number; totalMs: number; status: number; secondRequestMs: number; vigilReadyMs: number };
  weight: Weight;
  render: RenderCost;
  phases: PhaseResult[];
}

async function main(): Promise<void> {
  const options = optionsOrExit<Options>((argv) => {
    const flags = parseFlags(
      argv,
      ['help', 'db', 'rate', 'seconds', 'warmup', 'runs', 'sockets', 'endpoints', 'flip', 'flip-seconds', 'phases', 'pg-url', 'cpu-prof'],
      import.meta.url,
    );
    const number = (name: string, fallback: number, min = 1) => {
      const n = Number(flags.get(name) ?? fallback);
      if (!Number.isFinite(n) || n < min) throw new Error(`--${name} takes a number of at least ${min}`);
      return n;
    };
    const phases = (flags.get('phases') ?? PHASES.join(',')).split(',').filter(Boolean);
    for (const p of phases) if (!PHASES.includes(p as Phase)) throw new Error(`--phases: unknown ${p} (known: ${PHASES.join(', ')})`);
    const endpoints = Math.round(number('endpoints', 100, 8));
    if (endpoints > 500) throw new Error('--endpoints: at most 500 (a page shows at most 500)');
    const flip = Math.round(number('flip', 10, 0));
    if (flip > endpoints - 6) throw new Error(`--flip: at most --endpoints − 6 (${endpoints - 6})`);
    return {
      dbs: dbKinds(flags, 'pglite'),
      rate: number('rate', 1000),
      seconds: number('seconds', 30),
      warmup: number('warmup', 5, 0),
      runs: Math.round(number('runs', 1)),
      sockets: Math.round(number('sockets', 64)),
      endpoints,
      flip,
      flipSeconds: number('flip-seconds', 5, 0.5),
      phases: PHASES.filter((p) => phases.includes(p)),
      pgUrl: localPgUrl(flags),
      cpuProf: flags.has('cpu-prof'),
    };
  });
  usePostgres(options.pgUrl);
  adminUrl = options.pgUrl;
  cleanUpOnSignals('stopping Vigil and the target, dropping the bench database');

  const code = codeState();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results: RunResult[] = [];
  let pgVersion: string | null = null;
  try {
    const target = await startOwnTarget();
    progress(`target at ${target.origin}`);
    for (const db of options.dbs) {
      if (db === 'postgres') pgVersion = await postgresVersion();
      results.push(...(await runDatabase(db, options, target, stamp)));
    }
    await target.child.kill();
  } finally {
    await cleanupAll();
  }
  report(results, options, code);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `status-page-${stamp}.json`);
  const machine = machineInfo();
  machine.postgres = pgVersion;
  writeFileSync(file, JSON.stringify({ machine, options, argv: process.argv.slice(2), results }, null, 2));
  progress(`details: ${file}`);
  const broken = results.some((r) => r.cold.status !== 200 || r.phases.some((p) => p.errors > 0 || Object.keys(p.statuses).some((s) => s !== '200')));
  process.exit(broken ? 1 : 0);
}

// ─── One database ────────────────────────────────────────────────────────────────────────────────

interface Plan {
  kind: 'ok' | 'down' | 'slow' | 'flip';
  name: string;
  section: number;
}

/** Which endpoint is what: 3 DOWN, 3 DEGRADED, --flip flipping, the rest UP; spread over the sections. */
function endpointPlan(options: Options): Plan[] {
  const words = ['gateway', 'orders', 'search', 'accounts', 'billing', 'catalog', 'images', 'auth', 'queue', 'reports', 'checkout', 'inventory'];
  const regions = ['eu-west', 'us-east', 'ap-south'];
  return Array.from({ length: options.endpoints }, (_, i) => {
    const section = i % SECTIONS.length;
    const kind: Plan['kind'] = i < 3 ? 'down' : i < 6 ? 'slow' : i < 6 + options.flip ? 'flip' : 'ok';
    const name = `${SECTIONS[section]} ${words[i % words.length]} ${regions[i % regions.length]} #${String(i + 1).padStart(3, '0')}`;
    return { kind, name, section };
  });
}

async function runDatabase(db: Db, options: Options, target: Target, stamp: string): Promise<RunResult[]> {
  const targetOrigin = target.origin;
  const database = await createBenchDatabase(db, 'vigil-status-page-bench-');
  const results: RunResult[] = [];
  let vigil: VigilProcess | undefined;
  try {
    // ── 1. endpoints and the page, through the API ──
    vigil = await startVigil([...startFlagsOf('.'), '--import', 'tsx', 'server/main.ts'], database.env);
    const api = apiOf(vigil.base);
    const plan = endpointPlan(options);
    progress(`${db}: creating ${plan.length} endpoints (${options.flip} flipping) and the page`);
    const ids: string[] = [];
    for (let i = 0; i < plan.length; i += 25) {
      const batch = await Promise.all(
        plan.slice(i, i + 25).map(async (p, j) => {
          const n = i + j + 1;
          const body: Record<string, unknown> = {
            name: p.name,
            url: `${targetOrigin}/${p.kind}/${n}`,
            intervalSeconds: 30,
            tags: [SECTIONS[p.section]!.toLowerCase()],
          };
          if (p.kind === 'down') Object.assign(body, { intervalSeconds: 10, failureThreshold: 1 });
          if (p.kind === 'slow') Object.assign(body, { intervalSeconds: 10, degradedThresholdMs: 150, timeoutMs: 5000 });
          if (p.kind === 'flip') Object.assign(body, { intervalSeconds: 1, failureThreshold: 1, recoveryThreshold: 1 });
          return (await api<{ id: string }>('POST', '/api/endpoints', body, 201)).id;
        }),
      );
      ids.push(...batch);
    }
    await api(
      'POST',
      '/api/status-pages',
      {
        slug: SLUG,
        title: 'Acme Cloud Status',
        description: 'Live status of the Acme Cloud APIs, website, payments and infrastructure.',
        footer: 'Questions? support@acme.example',
        sections: SECTIONS.map((name, s) => ({ name, endpointIds: ids.filter((_, i) => plan[i]!.section === s) })),
      },
      201,
    );
    // Every endpoint's first status, the DOWN ones' incidents open.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const list = await api<{ items: { id: string; status: string }[] }>('GET', '/api/endpoints?limit=500');
      const status = new Map(list.items.map((e) => [e.id, e.status]));
      const waiting = plan.filter((p, i) => status.get(ids[i]!) !== { ok: 'UP', down: 'DOWN', slow: 'DEGRADED', flip: 'UP' }[p.kind]).length;
      if (waiting === 0) break;
      if (Date.now() > deadline) throw new Error(`${waiting} endpoints did not reach their status within 120 s`);
      await sleep(1000);
    }
    const open = await api<{ items: { id: string }[] }>('GET', '/api/incidents?status=open&limit=500');
    for (const incident of open.items) {
      await api(
        'POST',
        `/api/incidents/${incident.id}/updates`,
        {
          state: 'investigating',
          message: 'Requests to this service fail with HTTP 500 errors. We are investigating and will post an update within 30 minutes.',
        },
        201,
      );
    }
    progress(`${db}: ${plan.length} endpoints at their statuses, ${open.items.length} incidents open; stopping Vigil to write the history`);
    await stopGracefully(vigil.child);
    vigil = undefined;

    // ── 2. 90 days of history ──
    const seeded = await seedHistory(database);
    progress(`${db}: history written: ${JSON.stringify(seeded)}`);

    // ── 3. runs ──
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (let run = 1; run <= options.runs; run++) {
      const profDir = join(RESULTS_DIR, `status-page-${stamp}-${db}-${run}-cpuprofile`);
      const prof = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
      const startedAt = performance.now();
      const logFile = join(RESULTS_DIR, `status-page-${stamp}-${db}-${run}.log`);
      vigil = await startVigil([...startFlagsOf('.'), ...prof, '--import', 'tsx', 'server/main.ts'], database.env, logFile);
      const vigilReadyMs = performance.now() - startedAt;
      results.push(await measureRun(db, run, vigil, options, target, vigilReadyMs, startedAt));
      const stop = await stopGracefully(vigil.child);
      vigil = undefined;
      progress(`${db} run ${run}: Vigil stopped (code ${stop.code}, ${stop.ms} ms)`);
      if (options.cpuProf) {
        const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
        progress(`${db} run ${run}: CPU profile ${files.map((f) => join(profDir, f)).join(', ')}`);
      }
    }
    return results;
  } finally {
    if (vigil) await stopGracefully(vigil.child);
    await database.dispose();
  }
}

/** Rollups for the 90 days of the bars, the watermark, and resolved incidents with their updates (Vigil stopped). */
async function seedHistory(database: BenchDatabase) {
  const now = Date.now();
  const hourNow = now - (now % 3_600_000);
  const today = now - (now % 86_400_000);
  const firstHour = new Date(today - 89 * 86_400_000).toISOString();
  const lastHour = new Date(hourNow - 3_600_000).toISOString();
  const t0 = performance.now();
  return database.direct(async (query) => {
    // Per endpoint and hour: checks by its interval; about 0.3 % of hours with some failures, 0.01 %
    // with all of them failing, 0.5 % with some slow checks.
    await query(`
      insert into check_rollups_hourly (endpoint_id, hour, checks, up, degraded, down, response_time_sum)
      select e.id, h, c.checks, c.checks - c.degraded - c.down, c.degraded, c.down, (c.checks - c.down)::bigint * (40 + r.v % 120)
      from endpoints e
      cross join generate_series('${firstHour}'::timestamptz, '${lastHour}'::timestamptz, interval '1 hour') as h
      cross join lateral (select abs(hashtext(e.id::text || h::text)) % 10000 as v) r
      cross join lateral (
        select 3600 / e.interval_seconds as checks,
          case when r.v < 30 then least(3600 / e.interval_seconds, 1 + r.v % 4)
               when r.v < 33 then (3600 / e.interval_seconds) / 2
               when r.v < 34 then 3600 / e.interval_seconds else 0 end as down,
          case when r.v between 40 and 89 then least(3600 / e.interval_seconds / 2, 1 + r.v % 10) else 0 end as degraded
      ) c
      on conflict do nothing`);
    await query(`
      insert into retention_state (id, rolled_up_to, raw_pruned_before) values (1, '${new Date(hourNow).toISOString()}', null)
      on conflict (id) do update set rolled_up_to = excluded.rolled_up_to`);
    await query(`
      insert into incidents (id, endpoint_id, started_at, resolved_at, failure_count, error_message)
      select gen_random_uuid(), e.id, t.s, t.s + interval '1 minute' * (5 + (n * 37) % 175), 3, 'HTTP 500'
      from generate_series(1, 40) as n
      cross join lateral (select id from endpoints order by id offset (n * 7) % (select count(*) from endpoints) limit 1) e
      cross join lateral (select '${new Date(now).toISOString()}'::timestamptz - interval '1 hour' * (3 + n * 53) as s) t`);
    await query(`
      insert into incident_updates (id, incident_id, endpoint_id, state, message, created_at, updated_at)
      select gen_random_uuid(), i.id, i.endpoint_id, u.state, u.message,
        i.started_at + (i.resolved_at - i.started_at) * u.at, i.started_at + (i.resolved_at - i.started_at) * u.at
      from incidents i
      cross join (values
        ('investigating', 'We are seeing elevated error rates on this service and are investigating.', 0.1),
        ('identified', 'A faulty deployment was identified as the cause; it is being rolled back.', 0.5),
        ('resolved', 'The rollback is complete and error rates are back to normal. We will publish a review of this incident.', 1.0)
      ) as u(state, message, at)
      where i.resolved_at is not null`);
    if (database.kind === 'postgres') await query('analyze');
    const [counts] = await query(`select
        (select count(*)::int from check_rollups_hourly) as rollups,
        (select count(*)::int from incidents) as incidents,
        (select count(*)::int from incident_updates) as updates,
        (select count(*)::int from check_results) as raw_results`);
    return { ...counts, ms: Math.round(performance.now() - t0) };
  });
}

// ─── One run ─────────────────────────────────────────────────────────────────────────────────────

async function measureRun(
  db: Db,
  run: number,
  vigil: VigilProcess,
  options: Options,
  target: Target,
  vigilReadyMs: number,
  vigilStartedAt: number,
): Promise<RunResult> {
  const base = new URL(vigil.base);
  const pagePath = `/status/${SLUG}`;

  // Cold: the first request after the start (the cache is empty), then the second.
  const cold = await request(base, pagePath, { 'accept-encoding': 'gzip' });
  const builtAt = performance.now();
  const second = await request(base, pagePath, { 'accept-encoding': 'gzip' });
  progress(
    `${db} run ${run}: Vigil up in ${Math.round(vigilReadyMs)} ms; first page request: status ${cold.status}, first byte ${round(cold.ttfbMs)} ms, ` +
      `last ${round(cold.totalMs)} ms; the second: ${round(second.totalMs)} ms`,
  );

  // Weight.
  const plainHtml = await request(base, pagePath, {});
  const json = await request(base, `${pagePath}/page.json`, {});
  const jsonGz = await request(base, `${pagePath}/page.json`, { 'accept-encoding': 'gzip' });
  const html = plainHtml.body.toString('utf8');
  const assetUrls = [...html.matchAll(/(?:href|src)="(\/status\/assets\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const css = assetUrls.find((u) => u.includes('status.css'));
  const js = assetUrls.find((u) => u.includes('status.js'));
  if (!css || !js) throw new Error(`the page links no status.css or status.js: ${assetUrls.join(', ')}`);
  const [cssPlain, cssGz, jsPlain, jsGz] = await Promise.all([
    request(base, css, {}),
    request(base, css, { 'accept-encoding': 'gzip' }),
    request(base, js, {}),
    request(base, js, { 'accept-encoding': 'gzip' }),
  ]);
  const gzLength = (r: Answer) => {
    if (r.headers['content-encoding'] !== 'gzip') throw new Error(`${r.path}: not gzipped (${r.headers['content-encoding'] ?? 'no Content-Encoding'})`);
    return r.body.length;
  };
  const page = JSON.parse(json.body.toString('utf8')) as {
    overall: string;
    sections: { endpoints: { days: unknown[] }[] }[];
    activeIncidents: unknown[];
    pastIncidents: unknown[];
  };
  const weight: Weight = {
    htmlBytes: plainHtml.body.length,
    htmlGzipBytes: gzLength(cold),
    cssBytes: cssPlain.body.length,
    cssGzipBytes: gzLength(cssGz),
    jsBytes: jsPlain.body.length,
    jsGzipBytes: gzLength(jsGz),
    jsonBytes: json.body.length,
    jsonGzipBytes: gzLength(jsonGz),
    firstViewGzipBytes: cold.body.length + cssGz.body.length + jsGz.body.length,
    endpointsShown: page.sections.reduce((n, s) => n + s.endpoints.length, 0),
    daysShown: page.sections.reduce((n, s) => n + s.endpoints.reduce((m, e) => m + e.days.length, 0), 0),
    activeIncidents: page.activeIncidents.length,
    pastIncidents: page.pastIncidents.length,
    overall: page.overall,
  };
  progress(`${db} run ${run}: weight ${JSON.stringify(weight)}`);
  const render = renderCost(JSON.parse(json.body.toString('utf8')) as PublicStatusPage, pagePath);
  progress(`${db} run ${run}: one snapshot's HTML, in this process: ${JSON.stringify(render)}`);

  const phases: PhaseResult[] = [];
  if (options.phases[0] === 'steady') {
    // The history is read again on the first request TTL_MS after the snapshot was built: in the middle of the window.
    const wait = builtAt + TTL_MS - (options.seconds * 1000) / 2 - options.warmup * 1000 - performance.now();
    if (wait > 0) {
      progress(`${db} run ${run}: waiting ${Math.round(wait / 1000)} s, so that the once-a-minute refresh falls in the middle of the steady window`);
      await sleep(wait);
    }
  }
  if (options.warmup > 0) {
    progress(`${db} run ${run}: warm-up, ${options.warmup} s at ${options.rate}/s`);
    await openLoop(base, pagePath, options.rate, options.warmup, options.sockets);
  }
  for (const phase of options.phases) {
    progress(`${db} run ${run}: ${phase}, ${options.seconds} s at ${options.rate}/s`);
    phases.push(await measurePhase(db, run, phase, vigil, options, target, base, pagePath, vigilStartedAt));
    await sleep(1000);
  }
  return {
    db,
    run,
    cold: {
      ttfbMs: round(cold.ttfbMs)!,
      totalMs: round(cold.totalMs)!,
      status: cold.status,
      secondRequestMs: round(second.totalMs)!,
      vigilReadyMs: Math.round(vigilReadyMs),
    },
    weight,
    render,
    phases,
  };
}

/** Renders the page as the server does for each new snapshot (same code), timed in this process. */
function renderCost(page: PublicStatusPage, basePath: string): RenderCost {
  const options = { language: 'en' as const, basePath, assetVersion: 'bench', now: new Date() };
  const html: number[] = [];
  const both: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    renderStatusPage(page, options);
    if (i >= 10) html.push(performance.now() - t);
    const snapshot = { pageId: 'bench', page, version: i, builtAt: Date.now(), shown: new Map(), rendered: new Map() } as Snapshot;
    t = performance.now();
    renderedOnce(snapshot, 'html:en', () => renderStatusPage(page, options));
    if (i >= 10) both.push(performance.now() - t);
    t = performance.now();
    JSON.stringify(page);
    if (i >= 10) json.push(performance.now() - t);
  }
  return { htmlMs: round(median(html), 2)!, htmlAndGzipMs: round(median(both), 2)!, jsonMs: round(median(json), 2)! };
}

async function measurePhase(
  db: Db,
  run: number,
  phase: Phase,
  vigil: VigilProcess,
  options: Options,
  target: Target,
  base: URL,
  pagePath: string,
  vigilStartedAt: number,
): Promise<PhaseResult> {
  const dbName = db === 'postgres' ? vigilDatabaseName(vigil) : null;
  await readMetrics(vigil.base); // starts a new event-loop period
  const readsBefore = dbName ? await historyReads(dbName) : null;
  const before = {
    vigil: processCpuSeconds(vigil.pid) ?? 0,
    target: processCpuSeconds(target.pid) ?? 0,
    bench: process.cpuUsage(),
    machine: machineCpu(),
    pg: dbName ? await postgresCpu(dbName) : null,
    at: performance.now(),
  };
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const mb = rssMb(vigil.pid);
    if (mb !== null) rss.push(mb);
  }, 500);
  let flips = 0;
  let flipper: NodeJS.Timeout | undefined;
  let flipStarter: NodeJS.Timeout | undefined;
  if (phase === 'churn' && options.flip > 0) {
    let status = 200;
    const flip = () => {
      status = status === 200 ? 500 : 200;
      flips++;
      void fetch(`${target.origin}/__flip?status=${status}`).catch(() => undefined);
    };
    // Half a period in, then every period.
    flipStarter = setTimeout(
      () => {
        flip();
        flipper = setInterval(flip, options.flipSeconds * 1000);
      },
      (options.flipSeconds * 1000) / 2,
    );
  }
  const load = await openLoop(base, pagePath, options.rate, options.seconds, options.sockets);
  clearTimeout(flipStarter);
  clearInterval(flipper);
  clearInterval(sampler);
  const after = {
    vigil: processCpuSeconds(vigil.pid) ?? 0,
    target: processCpuSeconds(target.pid) ?? 0,
    bench: process.cpuUsage(),
    machine: machineCpu(),
    pg: dbName ? await postgresCpu(dbName) : null,
    at: performance.now(),
  };
  const metrics = await readMetrics(vigil.base);
  // PostgreSQL's statistics reach pg_stat_user_tables within a second of a statement.
  const readsAfter = dbName ? await sleep(1500).then(() => historyReads(dbName)) : null;
  if (phase === 'churn') {
    // Back to 200: the next phase or run starts from the same statuses.
    await fetch(`${target.origin}/__flip?status=200`);
    await sleep(3000);
  }
  const wallS = (after.at - before.at) / 1000;
  const result: PhaseResult = {
    db,
    run,
    phase,
    rate: options.rate,
    seconds: options.seconds,
    flips,
    ...load,
    vigilCpuPercent: round(((after.vigil - before.vigil) / wallS) * 100)!,
    vigilRssMb: { peak: Math.max(...rss, 0), mean: Math.round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)) },
    eventLoopMs: {
      p99: round((metrics.values.get('nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000),
      max: round((metrics.values.get('nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000),
    },
    benchCpuPercent: round(((after.bench.user + after.bench.system - before.bench.user - before.bench.system) / 1e6 / wallS) * 100)!,
    postgresCpuPercent: before.pg && after.pg ? round((cpuDelta(before.pg.backends, after.pg.backends) / wallS) * 100) : null,
    machineCpuPercent: machineCpuPercent(before.machine, after.machine),
    otherCpuPercent: null,
    historyReads: readsBefore !== null && readsAfter !== null ? readsAfter - readsBefore : null,
    vigilCpuMsPerRequest: round(((after.vigil - before.vigil) * 1000) / Math.max(1, load.answered), 3)!,
    profileWindowS: [round((before.at - vigilStartedAt) / 1000)!, round((after.at - vigilStartedAt) / 1000)!],
  };
  if (result.machineCpuPercent !== null) {
    const targetPercent = ((after.target - before.target) / wallS) * 100;
    result.otherCpuPercent = round(
      result.machineCpuPercent - result.vigilCpuPercent - result.benchCpuPercent - targetPercent - (result.postgresCpuPercent ?? 0),
    );
  }
  const worst = [...result.perSecond].sort((a, b) => (b.max ?? 0) - (a.max ?? 0)).slice(0, 5);
  progress(
    `${db} run ${run} ${phase}: ${result.answered}/${result.requests} answered, ${result.achievedPerS}/s; latency p50 ${result.latencyMs.p50} p90 ${result.latencyMs.p90} ` +
      `p99 ${result.latencyMs.p99} max ${result.latencyMs.max} ms; send lag p99 ${result.sendLagMs.p99} max ${result.sendLagMs.max} ms; errors ${result.errors} ${JSON.stringify(result.errorKinds)}; ` +
      `statuses ${JSON.stringify(result.statuses)}; ${result.etags} ETags; Vigil CPU ${result.vigilCpuPercent} %, RSS peak ${result.vigilRssMb.peak} MB; ` +
      `event loop p99 ${result.eventLoopMs.p99} max ${result.eventLoopMs.max} ms; bench CPU ${result.benchCpuPercent} %, PostgreSQL ${result.postgresCpuPercent} %, ` +
      `machine ${result.machineCpuPercent} %, other ${result.otherCpuPercent} %; ${result.vigilCpuMsPerRequest} ms of Vigil's CPU per request; ` +
      `history reads ${result.historyReads}; cached-only p99 ${result.cachedOnly.p99} ms (${result.cachedOnly.requests} requests); new snapshots at ${result.newSnapshotsAtS.join(', ')} s; flips ${flips}; worst seconds ${worst.map((w) => `${w.s}s p99 ${w.p99} max ${w.max}`).join(', ')}; ` +
      `profile window ${result.profileWindowS.join('–')} s after the start`,
  );
  return result;
}

/** Index and sequential scans of check_rollups_hourly so far: each rebuild of a page reads its history once (a ScalarArrayOp index scan would count once per id). */
async function historyReads(database: string): Promise<number | null> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await withTimeout(
      sql<
        { n: string | null }[]
      >`select (coalesce(idx_scan, 0) + coalesce(seq_scan, 0))::text as n from pg_stat_user_tables where relname = 'check_rollups_hourly'`,
      15_000,
      'pg_stat_user_tables',
    );
    return row?.n === undefined || row.n === null ? null : Number(row.n);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** The database name of a PostgreSQL Vigil (from its environment). */
function vigilDatabaseName(vigil: VigilProcess): string | null {
  try {
    const env = readFileSync(`/proc/${vigil.pid}/environ`, 'utf8').split('\0');
    const url = env.find((e) => e.startsWith('DATABASE_URL='))?.slice('DATABASE_URL='.length);
    return url ? new URL(url).pathname.slice(1) : null;
  } catch {
    return null;
  }
}

function rssMb(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────────────

interface Answer {
  path: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ttfbMs: number;
  totalMs: number;
}

/** One request on a fresh connection; the body as it came (not decompressed). */
function request(base: URL, path: string, headers: Record<string, string>): Promise<Answer> {
  return withTimeout(
    new Promise<Answer>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ host: base.hostname, port: base.port, path, headers, agent: false }, (res) => {
        const ttfbMs = performance.now() - t0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ path, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ttfbMs, totalMs: performance.now() - t0 }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    }),
    60_000,
    `GET ${path}`,
  );
}

const quantile = (sorted: ArrayLike<number>, p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

/**
 * `rate` GETs a second of `path` for `seconds`, each due at t0 + i / rate and sent then (or as soon as
 * this process gets to it), over at most `sockets` keep-alive connections; latency from the due time.
 */
async function openLoop(base: URL, path: string, rate: number, seconds: number, sockets: number): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const gapMs = 1000 / rate;
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const latency = new Float64Array(total).fill(Number.NaN);
  const sendLag = new Float64Array(total);
  const statuses = new Map<number, number>();
  const errorKinds = new Map<string, number>();
  const etags = new Set<string>();
  /** performance.now() of the first answer of each ETag after the first. */
  const newEtagAt: number[] = [];
  let bytes = 0;
  let answered = 0;
  let settled = 0;
  let lastEnd = 0;
  const t0 = performance.now() + 20;
  /** Requests not settled yet: given up on --drain s after the last one was due. */
  const pending = new Map<number, http.ClientRequest>();
  let drainTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    const settle = (i: number, error?: string) => {
      if (!pending.delete(i)) return; // settled already (an error after the end, say)
      if (error !== undefined) errorKinds.set(error, (errorKinds.get(error) ?? 0) + 1);
      if (++settled === total) resolve();
    };
    const fire = (i: number) => {
      const due = t0 + i * gapMs;
      sendLag[i] = performance.now() - due;
      const req = http.request({ host: base.hostname, port: base.port, path, agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const status = res.statusCode ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const etag = res.headers.etag;
        if (etag && !etags.has(etag)) {
          if (etags.size > 0) newEtagAt.push(performance.now());
          etags.add(etag);
        }
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
        });
        res.on('end', () => {
          const end = performance.now();
          latency[i] = end - due;
          lastEnd = Math.max(lastEnd, end);
          bytes += n;
          answered++;
          settle(i);
        });
        res.on('error', (error) => settle(i, error.message));
      });
      pending.set(i, req);
      req.on('error', (error) => settle(i, (error as NodeJS.ErrnoException).code ?? error.message));
      req.end();
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * gapMs <= now) fire(next++);
      if (next < total) setTimeout(tick, 1);
      else {
        // Whatever has no answer DRAIN_MS after the last due time counts as an error.
        drainTimer = setTimeout(() => {
          for (const req of [...pending.values()]) req.destroy(new Error(`no answer ${DRAIN_MS / 1000} s after the last request was due`));
        }, DRAIN_MS);
      }
    };
    setTimeout(tick, 20);
  });
  clearTimeout(drainTimer);
  agent.destroy();
  const done = [...latency].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const lags = [...sendLag].sort((a, b) => a - b);
  const bySecond = new Map<number, number[]>();
  for (let i = 0; i < total; i++) {
    if (Number.isNaN(latency[i]!)) continue;
    const s = Math.floor((i * gapMs) / 1000);
    let list = bySecond.get(s);
    if (!list) bySecond.set(s, (list = []));
    list.push(latency[i]!);
  }
  const r = (n: number | null) => round(n, 1);
  const clear: number[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * gapMs;
    if (!Number.isNaN(latency[i]!) && newEtagAt.every((at) => Math.abs(due - at) > NEAR_NEW_SNAPSHOT_MS)) clear.push(latency[i]!);
  }
  clear.sort((a, b) => a - b);
  return {
    requests: total,
    answered,
    achievedPerS: Math.round(answered / Math.max(0.001, (lastEnd - t0) / 1000)),
    latencyMs: { p50: r(quantile(done, 0.5)), p90: r(quantile(done, 0.9)), p99: r(quantile(done, 0.99)), max: r(done.at(-1) ?? null) },
    sendLagMs: { p50: r(quantile(lags, 0.5)), p99: r(quantile(lags, 0.99)), max: r(lags.at(-1) ?? null) },
    errors: total - answered,
    errorKinds: Object.fromEntries(errorKinds),
    statuses: Object.fromEntries([...statuses].map(([k, v]) => [String(k), v])),
    etags: etags.size,
    cachedOnly: { requests: clear.length, p99: r(quantile(clear, 0.99)), max: r(clear.at(-1) ?? null) },
    newSnapshotsAtS: newEtagAt.map((at) => round((at - t0) / 1000)!),
    bytesPerAnswer: answered === 0 ? null : Math.round(bytes / answered),
    perSecond: [...bySecond.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, list]) => {
        list.sort((a, b) => a - b);
        return { s, n: list.length, p99: r(quantile(list, 0.99)), max: r(list.at(-1) ?? null) };
      }),
  };
}

// ─── Report ──────────────────────────────────────────────────────────────────────────────────────

function report(results: RunResult[], options: Options, code: { commit: string; uncommittedFiles: number }): void {
  const name = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL');
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(
    `\nStatus page (${new Date().toISOString()}, commit ${code.commit}${code.uncommittedFiles ? ` + ${code.uncommittedFiles} uncommitted files` : ''}; ` +
      `${options.endpoints} endpoints in ${SECTIONS.length} sections, ${options.rate} requests/s for ${options.seconds} s after ${options.warmup} s, ` +
      `${options.sockets} keep-alive sockets, churn: ${options.flip} endpoints flipped every ${options.flipSeconds} s; ${options.runs} run(s))\n`,
  );
  // One row per phase: every run, then (with --runs > 1) the medians.
  const header =
    '| database | run | phase | achieved req/s | latency p50 / p90 / p99 / max ms | p99 away from new snapshots ms | errors | snapshots served | history reads | Vigil CPU % | Vigil CPU ms / request | Vigil RSS peak MB | event loop p99 / max ms | bench CPU % | PostgreSQL CPU % | other CPU % | send lag p99 ms |';
  const rule = '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const row = (db: Db, run: string, phase: Phase, v: (f: (p: PhaseResult) => number | null) => string) =>
    `| ${name(db)} | ${run} | ${phase} | ${v((p) => p.achievedPerS)} | ${v((p) => p.latencyMs.p50)} / ${v((p) => p.latencyMs.p90)} / ${v((p) => p.latencyMs.p99)} / ${v((p) => p.latencyMs.max)} | ` +
    `${v((p) => p.cachedOnly.p99)} | ${v((p) => p.errors)} | ${v((p) => p.etags)} | ${v((p) => p.historyReads)} | ${v((p) => p.vigilCpuPercent)} | ${v((p) => p.vigilCpuMsPerRequest)} | ${v((p) => p.vigilRssMb.peak)} | ` +
    `${v((p) => p.eventLoopMs.p99)} / ${v((p) => p.eventLoopMs.max)} | ${v((p) => p.benchCpuPercent)} | ${v((p) => p.postgresCpuPercent)} | ${v((p) => p.otherCpuPercent)} | ${v((p) => p.sendLagMs.p99)} |`;
  console.log(header);
  console.log(rule);
  for (const r of results) for (const p of r.phases) console.log(row(r.db, String(r.run), p.phase, (f) => cell(f(p))));
  const statuses = [...new Set(results.flatMap((r) => r.phases.flatMap((p) => Object.keys(p.statuses))))];
  console.log(`\nStatus codes: ${statuses.join(', ')}${statuses.some((x) => x !== '200') ? ' (not all 200: see the details)' : ''}.`);
  if (options.runs > 1) {
    console.log(`\nMedians of ${options.runs} runs:\n`);
    console.log(header);
    console.log(rule);
    for (const db of options.dbs) {
      for (const phase of options.phases) {
        const ps = results.filter((r) => r.db === db).flatMap((r) => r.phases.filter((p) => p.phase === phase));
        if (ps.length > 0) console.log(row(db, 'median', phase, (f) => cell(round(median(ps.map(f)), 3))));
      }
    }
  }
  console.log('\nFirst request after a start (cache empty), time to first byte / to last byte, and the second request:\n');
  console.log(
    '| database | run | Vigil up after ms | first request: first byte ms | last byte ms | second request ms | one render: HTML ms / + gzip ms (bench process) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${name(r.db)} | ${r.run} | ${r.cold.vigilReadyMs} | ${r.cold.ttfbMs} | ${r.cold.totalMs} | ${r.cold.secondRequestMs} | ${r.render.htmlMs} / ${r.render.htmlAndGzipMs} |`,
    );
  }
  if (options.runs > 1) {
    for (const db of options.dbs) {
      const rs = results.filter((r) => r.db === db);
      const m = (f: (r: RunResult) => number) => cell(round(median(rs.map(f))));
      console.log(
        `| ${name(db)} | median | ${m((r) => r.cold.vigilReadyMs)} | ${m((r) => r.cold.ttfbMs)} | ${m((r) => r.cold.totalMs)} | ${m((r) => r.cold.secondRequestMs)} | ` +
          `${m((r) => r.render.htmlMs)} / ${m((r) => r.render.htmlAndGzipMs)} |`,
      );
    }
  }
  console.log('\nPage weight (KB; run 1 of each database):\n');
  console.log(
    '| database | endpoints × days | incidents active / past | HTML | HTML gzip | status.css / gzip | status.js / gzip | first view gzip | page.json / gzip |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results.filter((x) => x.run === 1)) {
    const w = r.weight;
    console.log(
      `| ${name(r.db)} | ${w.endpointsShown} × ${Math.round(w.daysShown / Math.max(1, w.endpointsShown))} | ${w.activeIncidents} / ${w.pastIncidents} | ${kb(w.htmlBytes)} | ${kb(w.htmlGzipBytes)} | ` +
        `${kb(w.cssBytes)} / ${kb(w.cssGzipBytes)} | ${kb(w.jsBytes)} / ${kb(w.jsGzipBytes)} | ${kb(w.firstViewGzipBytes)} | ${kb(w.jsonBytes)} / ${kb(w.jsonGzipBytes)} |`,
    );
  }
}

// Last: everything above is initialised by now.
if (process.env[ROLE_ENV] === 'target') await runTarget();
else await main();
