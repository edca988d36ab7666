/**
 * Realtime latency: from a check's completion to the event's arrival at socket.io clients.
 *
 * For each event rate R (R endpoints checked every second) and client count C, it runs Vigil
 * (embedded database), a target server and the clients in separate processes, lets it settle,
 * and reports latency p50/p99/max, events delivered per client per second, and Vigil's CPU and RSS.
 * --batch=1: the clients connect with `?batch=1` (one `events:batch` frame per tick). --slow=N: N
 * more clients that stop reading once subscribed (stalled viewers), not counted in the figures
 * but reported: whether they were kept and how many coalesced batches reached them.
 *
 * npm run bench:realtime -- --clients=1,100,1000 --rates=100,1000 --window=20 --warmup=5 [--batch=0|1] [--slow=0]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { parseMetrics } from './support/metrics.ts';
import { freePort, startFlagsOf } from './support/processes.ts';
import { sleep } from './support/waits.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const clientCounts = arg('clients', '1,100,1000').split(',').map(Number);
const rates = arg('rates', '100,1000').split(',').map(Number);
const windowS = Number(arg('window', '20'));
const warmupS = Number(arg('warmup', '5'));
/** PostgreSQL keeps Vigil's RSS about Vigil (PGlite's initdb alone peaks near 900 MB); --db=pglite to compare. */
const dbKind = arg('db', 'postgres');
const batch = arg('batch', '0') === '1' ? '1' : '0';
const slowClients = Number(arg('slow', '0'));
const pgUrl = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const databases = new Set<string>();

/** Clients per client process: one process cannot drive many hundred sockets at 1,000 events/s. */
const CLIENTS_PER_PROCESS = 250;

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
const log = (m: string) => process.stderr.write(`[realtime-bench] ${m}\n`);

function cleanup(): void {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

async function dropDatabases(): Promise<void> {
  if (databases.size === 0) return;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  for (const name of databases) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  databases.clear();
}

async function databaseEnv(): Promise<Record<string, string>> {
  if (dbKind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rt-bench-'));
    dirs.add(dir);
    return { DATA_DIR: join(dir, 'data') };
  }
  const name = `vigil_rt_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  databases.add(name);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}
process.on('SIGINT', () => {
  cleanup();
  void dropDatabases().finally(() => process.exit(130));
});
process.on('exit', cleanup);

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.stderr?.on('data', () => {});
  return child;
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return lines(child, timeoutMs)[0]!;
}

/** The first `count` lines the child prints, each as it comes. */
function lines(child: ChildProcess, timeoutMs: number, count = 1): Promise<string>[] {
  const waiting = Array.from({ length: count }, () => {
    const w = {} as { promise: Promise<string>; resolve: (line: string) => void; reject: (error: Error) => void };
    w.promise = new Promise<string>((resolve, reject) => Object.assign(w, { resolve, reject }));
    return w;
  });
  let next = 0;
  const timer = setTimeout(() => fail(new Error('timed out waiting for output')), timeoutMs);
  const fail = (error: Error) => {
    for (const w of waiting.slice(next)) w.reject(error);
    next = count;
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (next >= count) return;
    waiting[next++]!.resolve(line);
    if (next === count) clearTimeout(timer);
  });
  child.once('exit', (code) => fail(new Error(`exited with ${code} before answering`)));
  for (const w of waiting) w.promise.catch(() => {});
  return waiting.map((w) => w.promise);
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return parseMetrics(text).get(name) ?? NaN;
}

async function waitHealthy(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error('Vigil did not start');
}

interface Row {
  rate: number;
  clients: number;
  perClientPerSecond: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  cpuPercent: number;
  rssMb: number;
  disconnected: number;
  /** CPU of all client processes together (200 % = both cores). */
  clientsCpuPercent: number;
  /** Vigil's CPU time per event delivered to a measured client, beyond what it spends with no client. */
  cpuMicrosPerDelivered: number;
  /** The stalled clients still connected at the end, and the coalesced batches they got. */
  slowKept: number | null;
  slowCoalesced: number | null;
}

async function scenario(rate: number, clientsList: number[]): Promise<Row[]> {
  const target = start(['bench/target-process.ts']);
  const { origin } = JSON.parse(await firstLine(target, 20_000)) as { origin: string };
  const port = await freePort();
  // Every client process connects from 127.0.0.1: up to 1000 clients on one address.
  const vigil = start([...startFlagsOf(ROOT), 'server/main.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    REALTIME_CONNECTIONS_PER_ADDRESS: '100000',
    ...(await databaseEnv()),
  });
  await waitHealthy(port, 60_000);
  log(`rate ${rate}/s: creating ${rate} endpoints checked every second`);
  for (let i = 0; i < rate; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, rate - i) }, (_, k) =>
        fetch(`http://127.0.0.1:${port}/api/endpoints`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `rt-${i + k}`, url: `${origin}/e/${i + k}`, intervalSeconds: 1 }),
        }).then((r) => {
          if (r.status !== 201) throw new Error(`create failed: ${r.status}`);
        }),
      ),
    );
  }
  // What Vigil spends with nobody connected (running the checks): taken off, to leave the CPU of delivery.
  await sleep(warmupS * 1000);
  const idleBefore = await metric(port, 'process_cpu_seconds_total');
  const idleStart = Date.now();
  await sleep(5000);
  const idleCpuPerSecond = ((await metric(port, 'process_cpu_seconds_total')) - idleBefore) / ((Date.now() - idleStart) / 1000);
  log(`rate ${rate}/s: Vigil CPU with no client ${Math.round(idleCpuPerSecond * 100)} %`);
  const rows: Row[] = [];
  for (const clients of clientsList) {
    log(`rate ${rate}/s, ${clients} clients: connecting`);
    const processes = Math.ceil(clients / CLIENTS_PER_PROCESS);
    const clientProcess = (count: number, mode: 'measure' | 'stall') => {
      const args = [String(port), String(count), String(warmupS * 1000), String(windowS * 1000), batch, mode];
      return lines(start(['bench/realtime-client-process.ts', ...args]), (warmupS + windowS) * 1000 + 120_000, 2);
    };
    const runs = Array.from({ length: processes }, (_, p) => clientProcess(Math.min(CLIENTS_PER_PROCESS, clients - p * CLIENTS_PER_PROCESS), 'measure'));
    const slowRun = slowClients > 0 ? clientProcess(slowClients, 'stall') : null;
    let results: unknown[];
    let cpuBefore = 0;
    let t0 = 0;
    let slowResult: { clients: number; disconnected: number; coalescedBatches: number } | null = null;
    try {
      // CPU over the measured window: from when every client process has started measuring.
      await Promise.all(runs.map((r) => r[0]));
      cpuBefore = await metric(port, 'process_cpu_seconds_total');
      t0 = Date.now();
      results = (await Promise.all(runs.map((r) => r[1]))).map((l) => JSON.parse(l!));
      if (slowRun) slowResult = JSON.parse((await slowRun[1])!);
    } catch (error) {
      log(`rate ${rate}/s, ${clients} clients: FAILED (${(error as Error).message})`);
      failures.push(`${clients} clients at ${rate} events/s: ${(error as Error).message}`);
      continue;
    }
    const cpuAfter = await metric(port, 'process_cpu_seconds_total');
    const cpuSeconds = cpuAfter - cpuBefore;
    const deliverySeconds = cpuSeconds - idleCpuPerSecond * ((Date.now() - t0) / 1000);
    const rss = await metric(port, 'process_resident_memory_bytes');
    const all = results as {
      clients: number;
      received: number;
      seconds: number;
      p50: number;
      p99: number;
      max: number;
      disconnected: number;
      cpuPercent: number;
    }[];
    // Quantiles across processes: the worst process's figure (conservative), the median of their medians.
    const row: Row = {
      rate,
      clients,
      perClientPerSecond: Math.round(all.reduce((s, r) => s + r.received, 0) / clients / all[0]!.seconds),
      p50: Math.max(...all.map((r) => r.p50)),
      p99: Math.max(...all.map((r) => r.p99)),
      max: Math.max(...all.map((r) => r.max)),
      cpuPercent: Math.round((cpuSeconds / ((Date.now() - t0) / 1000)) * 100),
      cpuMicrosPerDelivered: Number(
        (
          (deliverySeconds * 1e6) /
          Math.max(
            1,
            all.reduce((s, r) => s + r.received, 0),
          )
        ).toFixed(2),
      ),
      slowKept: slowResult ? slowResult.clients - slowResult.disconnected : null,
      slowCoalesced: slowResult ? slowResult.coalescedBatches : null,
      rssMb: Math.round(rss / 1e6),
      disconnected: all.reduce((s, r) => s + r.disconnected, 0),
      clientsCpuPercent: all.reduce((s, r) => s + r.cpuPercent, 0),
    };
    log(JSON.stringify(row));
    rows.push(row);
  }
  vigil.kill('SIGTERM');
  target.kill('SIGTERM');
  await sleep(1500);
  await dropDatabases();
  return rows;
}

const rows: Row[] = [];
const failures: string[] = [];
for (const rate of rates) rows.push(...(await scenario(rate, clientCounts)));
console.log(
  `\nRealtime latency, check completion → socket.io client (window ${windowS} s after ${warmupS} s warm-up; database: ${dbKind}; batch=${batch}; stalled clients: ${slowClients})\n`,
);
console.log(
  '| events/s | clients | delivered per client/s | p50 ms | p99 ms | max ms | Vigil CPU % | Vigil delivery CPU µs per delivered event | client processes CPU % | Vigil RSS MB | dropped clients | stalled clients kept / coalesced batches |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const slow = r.slowKept === null ? '–' : `${r.slowKept} / ${r.slowCoalesced}`;
  console.log(
    `| ${r.rate} | ${r.clients} | ${r.perClientPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.cpuPercent} | ${r.cpuMicrosPerDelivered} | ${r.clientsCpuPercent} | ${r.rssMb} | ${r.disconnected} | ${slow} |`,
  );
}
for (const f of failures) console.log(`\nFailed: ${f}`);
cleanup();
process.exit(0);
