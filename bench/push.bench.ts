/**
 * Push endpoints under load: N push endpoints, each pinged once per interval by a pinger (this
 * process, keep-alive HTTP), for a window; Vigil's deadline watch runs beside (every endpoint's
 * deadline looked at each interval). Reports pings/s taken and written, the ping's answer time,
 * the scheduler's lag, and Vigil's CPU per ping, on each database.
 *
 *   npm run bench:push -- [--db=both] [--endpoints=1000] [--rate=1000] [--window=30] [--warmup=10]
 *
 * Every ping must be answered 200, and no deadline may be missed (no DOWN check): the run fails otherwise.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { assertNotAborting } from './support/cleanup.ts';
import { createBenchDatabase } from './support/databases.ts';
import { readMetrics } from './support/metrics.ts';
import { dbKinds, optionsOrExit, parseFlags } from './support/options.ts';
import { processCpuSeconds } from './support/proc.ts';
import { startFlagsOf, startVigil, stopGracefully } from './support/processes.ts';
import { sleep } from './support/waits.ts';

function parseOptions(argv: string[]) {
  const flags = parseFlags(argv, ['db', 'endpoints', 'rate', 'window', 'warmup', 'help'], import.meta.url);
  const number = (name: string, fallback: number) => {
    const n = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes a positive whole number`);
    return n;
  };
  const endpoints = number('endpoints', 1000);
  const rate = number('rate', 1000);
  const interval = endpoints / rate;
  if (!Number.isInteger(interval)) throw new Error(`--endpoints / --rate must be a whole number of seconds (${interval})`);
  return { dbs: dbKinds(flags, 'both'), endpoints, rate, interval, windowS: number('window', 30), warmupS: number('warmup', 10) };
}

const options = optionsOrExit(parseOptions);
const rows: string[] = [];

for (const kind of options.dbs) {
  assertNotAborting();
  const db = await createBenchDatabase(kind, 'vigil-push-bench-');
  const vigil = await startVigil([...startFlagsOf('.'), '--import', 'tsx', 'server/main.ts'], db.env);
  try {
    // 1. The endpoints: every ping expected each interval, with 4 intervals of grace (the deadline is looked at each interval).
    const urls: string[] = [];
    for (let i = 0; i < options.endpoints; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, options.endpoints - i) }, async (_, j) => {
          const created = await fetch(`${vigil.base}/api/endpoints`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              name: `job ${i + j}`,
              type: 'push',
              intervalSeconds: options.interval,
              graceSeconds: 4 * options.interval,
              failureThreshold: 1,
            }),
          });
          if (created.status !== 201) throw new Error(`create answered ${created.status}: ${await created.text()}`);
          const { id } = (await created.json()) as { id: string };
          const { pingUrl } = (await (await fetch(`${vigil.base}/api/endpoints/${id}/push-url`)).json()) as { pingUrl: string };
          return pingUrl;
        }),
      );
      urls.push(...batch);
    }

    // 2. The pinger: each endpoint once per interval, spread over it, in 20 ms ticks.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const answerMs: number[] = [];
    let sent = 0;
    let failed = 0;
    const failures = new Map<string, number>();
    const fail = (why: string) => {
      failed++;
      failures.set(why, (failures.get(why) ?? 0) + 1);
    };
    let measuring = false;
    const tickMs = 20;
    const perTick = (options.rate * tickMs) / 1000;
    let owed = 0;
    let next = 0;
    const ping = (url: string, t0: number, firstTry: boolean): void => {
      const req = http.request(url, { agent, method: 'GET' }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
          if (measuring) answerMs.push(performance.now() - t0);
        });
      });
      req.on('error', (error: Error & { code?: string }) => {
        // A keep-alive socket the server closed as it was reused (as a job's curl would not have one): once more, fresh.
        if (firstTry && req.reusedSocket && error.code === 'ECONNRESET') ping(url, t0, false);
        else fail(error.code ?? error.message);
      });
      req.end();
    };
    const pinger = setInterval(() => {
      for (owed += perTick; owed >= 1; owed--) {
        const url = urls[next++ % urls.length]!;
        const t0 = performance.now();
        sent++;
        ping(url, t0, true);
      }
    }, tickMs);

    await sleep(options.warmupS * 1000);
    const m0 = await readMetrics(vigil.base);
    const cpu0 = processCpuSeconds(vigil.pid)!;
    const sent0 = sent;
    measuring = true;
    await sleep(options.windowS * 1000);
    measuring = false;
    const m1 = await readMetrics(vigil.base);
    const cpu1 = processCpuSeconds(vigil.pid)!;
    const sent1 = sent;
    clearInterval(pinger);
    agent.destroy();

    const dt = (m1.t - m0.t) / 1000;
    const pingsPerS = (sent1 - sent0) / dt;
    const written = (m1.need('vigil_check_results_written_total') - m0.need('vigil_check_results_written_total')) / dt;
    const watched = (m1.need('vigil_checks_started_total') - m0.need('vigil_checks_started_total')) / dt;
    const cpuMsPerPing = ((cpu1 - cpu0) * 1000) / (sent1 - sent0);
    answerMs.sort((a, b) => a - b);
    const q = (p: number) => answerMs[Math.min(answerMs.length - 1, Math.floor(p * answerMs.length))] ?? NaN;
    const down = await fetch(`${vigil.base}/api/summary`).then((r) => r.json() as Promise<{ down: number }>);
    const lagP99 = m1.values.get('vigil_scheduler_lag_ms{quantile="0.99"}') ?? NaN;
    rows.push(
      `| ${kind} | ${options.endpoints} | ${options.interval} | ${pingsPerS.toFixed(1)} | ${written.toFixed(1)} | ${watched.toFixed(1)} | ${q(0.5).toFixed(1)} / ${q(0.99).toFixed(1)} | ${lagP99} | ${(((cpu1 - cpu0) / dt) * 100).toFixed(1)} | ${cpuMsPerPing.toFixed(3)} | ${failed} | ${down.down} |`,
    );
    if (failed > 0) console.log(`${kind}: pings not OK: ${JSON.stringify(Object.fromEntries(failures))}`);
    if (failed > 0 || down.down > 0) process.exitCode = 1;
  } finally {
    await stopGracefully(vigil.child);
    await db.dispose();
  }
}

console.log(`\nPush endpoints pinged once per interval (${options.windowS} s window after ${options.warmupS} s; ${new Date().toISOString()}):\n`);
console.log(
  '| db | endpoints | interval s | pings/s sent | results written/s | deadline looks/s | ping answer ms p50 / p99 | lag p99 ms | Vigil CPU % | Vigil CPU ms / ping | pings not OK | endpoints DOWN |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
