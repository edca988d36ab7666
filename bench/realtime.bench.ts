/**
 * Realtime latency: from a check's completion to the event's arrival at socket.io clients.
 *
 * For each event rate R (R endpoints checked every second) and client count C, it runs Vigil
 * (embedded database), a target server and the clients in separate processes, lets it settle,
 * and reports latency p50/p99/max, events delivered per client per second, and Vigil's CPU and RSS.
 *
 * npm run bench:realtime -- --clients=1,100,1000 --rates=100,1000 --window=20 --warmup=5
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { parseMetrics } from './support/metrics.ts';
import { freePort } from './support/processes.ts';
import { sleep } from './support/waits.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const clientCounts = arg('clients', '1,100,1000').split(',').map(Number);
const rates = arg('rates', '100,1000').split(',').map(Number);
const windowS = Number(arg('window', '20'));
const warmupS = Number(arg('warmup', '5'));
/** PostgreSQL keeps Vigil's RSS about Vigil (PGlite's initdb alone peaks near 900 MB); --db=pglite to compare. */
const dbKind = arg('db', 'postgres');
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
  return new Promise((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for output')), timeoutMs);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolveLine(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before answering`)));
  });
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
}

async function scenario(rate: number, clientsList: number[]): Promise<Row[]> {
  const target = start(['bench/target-process.ts']);
  const { origin } = JSON.parse(await firstLine(target, 20_000)) as { origin: string };
  const port = await freePort();
  // Every client process connects from 127.0.0.1: up to 1000 clients on one address.
  const vigil = start(['server/main.ts'], { PORT: String(port), HOST: '127.0.0.1', REALTIME_CONNECTIONS_PER_ADDRESS: '100000', ...(await databaseEnv()) });
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
  const rows: Row[] = [];
  for (const clients of clientsList) {
    log(`rate ${rate}/s, ${clients} clients: connecting`);
    const processes = Math.ceil(clients / CLIENTS_PER_PROCESS);
    const runs = Array.from({ length: processes }, (_, p) => {
      const count = Math.min(CLIENTS_PER_PROCESS, clients - p * CLIENTS_PER_PROCESS);
      const child = start(['bench/realtime-client-process.ts', String(port), String(count), String(warmupS * 1000), String(windowS * 1000)]);
      return firstLine(child, (warmupS + windowS) * 1000 + 120_000).then((l) => JSON.parse(l));
    });
    // CPU over (roughly) the measured window: clients connect, warm up, then measure.
    await sleep(2000);
    const cpuBefore = await metric(port, 'process_cpu_seconds_total');
    const t0 = Date.now();
    let results: unknown[];
    try {
      results = await Promise.all(runs);
    } catch (error) {
      log(`rate ${rate}/s, ${clients} clients: FAILED (${(error as Error).message})`);
      failures.push(`${clients} clients at ${rate} events/s: ${(error as Error).message}`);
      continue;
    }
    const cpuAfter = await metric(port, 'process_cpu_seconds_total');
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
      cpuPercent: Math.round(((cpuAfter - cpuBefore) / ((Date.now() - t0) / 1000)) * 100),
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
console.log(`\nRealtime latency, check completion → socket.io client (window ${windowS} s after ${warmupS} s warm-up; database: ${dbKind})\n`);
console.log(
  '| events/s | clients | delivered per client/s | p50 ms | p99 ms | max ms | Vigil CPU % | client processes CPU % | Vigil RSS MB | dropped clients |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.rate} | ${r.clients} | ${r.perClientPerSecond} | ${r.p50} | ${r.p99} | ${r.max} | ${r.cpuPercent} | ${r.clientsCpuPercent} | ${r.rssMb} | ${r.disconnected} |`,
  );
}
for (const f of failures) console.log(`\nFailed: ${f}`);
cleanup();
process.exit(0);
