/**
 * The floor under Vigil's CPU per check: what a bare Node process spends per keep-alive HTTP GET to
 * the bench target (its own process), with nothing else to do, when the requests are started in
 * ticks of T ms (T = 20 ms: one request per wakeup at 50 requests/s; 250 ms: Vigil's slot grid).
 * It shows how much of a check's CPU on this machine is the process waking up rather than the
 * request itself (docs/performance.md).
 *
 * npm run bench:http-floor -- [--rates=50,1000] [--ticks=20,250] [--window=20] [--warmup=5] [--runs=3]
 * Prints one Markdown row per rate and tick: CPU per request (median of the runs, and each run).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { optionsOrExit, parseFlags } from './support/options.ts';
import { startTarget } from './support/processes.ts';

function parseOptions(argv: string[]) {
  const flags = parseFlags(argv, ['rates', 'ticks', 'window', 'warmup', 'runs', 'help'], import.meta.url);
  const numbers = (name: string, fallback: string) => {
    const values = (flags.get(name) ?? fallback).split(',').map(Number);
    if (values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`--${name} takes positive numbers`);
    return values;
  };
  const [windowS, warmupS, runs] = [numbers('window', '20')[0]!, numbers('warmup', '5')[0]!, numbers('runs', '3')[0]!];
  return { rates: numbers('rates', '50,1000'), ticks: numbers('ticks', '20,250'), windowS, warmupS, runs };
}

if (process.argv[2] === '--client') {
  // The measured process: only the HTTP client, its timer and its agent.
  const [origin, rate, tick, warmupS, windowS] = [
    process.argv[3]!,
    Number(process.argv[4]),
    Number(process.argv[5]),
    Number(process.argv[6]),
    Number(process.argv[7]),
  ];
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  let done = 0;
  let next = 0;
  const perTick = (rate * tick) / 1000;
  let owed = 0; // 12.5 per tick: 12 and 13 in turns
  const timer = setInterval(() => {
    for (owed += perTick; owed >= 1; owed--) {
      const req = http.request(`${origin}/floor/${next++ % 1000}`, { agent, headers: { 'user-agent': 'http-floor' } }, (res) => {
        res.resume();
        res.on('end', () => done++);
      });
      req.on('error', () => {});
      req.end();
    }
  }, tick);
  setTimeout(() => {
    const cpu0 = process.cpuUsage();
    const done0 = done;
    setTimeout(() => {
      const cpu = process.cpuUsage(cpu0);
      clearInterval(timer);
      agent.destroy();
      process.send!({ requests: done - done0, cpuMs: (cpu.user + cpu.system) / 1000 });
      process.disconnect();
    }, windowS * 1000);
  }, warmupS * 1000);
} else {
  const { rates, ticks, windowS, warmupS, runs } = optionsOrExit(parseOptions);
  const target = await startTarget();
  const self = fileURLToPath(import.meta.url);
  const measure = (rate: number, tick: number) =>
    new Promise<{ requests: number; cpuMs: number }>((resolve, reject) => {
      const child = fork(self, ['--client', target.origin, String(rate), String(tick), String(warmupS), String(windowS)], { execArgv: ['--import', 'tsx'] });
      child.once('message', (m) => resolve(m as { requests: number; cpuMs: number }));
      child.once('exit', (code) => code !== 0 && reject(new Error(`client exited with ${code}`)));
    });
  console.log('| requests/s | tick ms | requests per tick | CPU per request, ms (median) | each run |');
  console.log('| ---: | ---: | ---: | ---: | --- |');
  try {
    for (const rate of rates) {
      // The ticks take turns within each run, so that the machine's noise falls on all of them.
      const each = new Map<number, number[]>(ticks.map((t) => [t, []]));
      for (let r = 0; r < runs; r++) {
        for (const tick of ticks) {
          const { requests, cpuMs } = await measure(rate, tick);
          each.get(tick)!.push(cpuMs / requests);
        }
      }
      for (const [tick, values] of each) {
        const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
        console.log(`| ${rate} | ${tick} | ${(rate * tick) / 1000} | ${median.toFixed(3)} | ${values.map((v) => v.toFixed(3)).join(', ')} |`);
      }
    }
  } finally {
    target.child.proc.kill('SIGTERM');
  }
}
