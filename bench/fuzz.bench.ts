/**
 * Fuzz bench (issue 12): a real Vigil process on 127.0.0.1, attacked by the REST fuzzer
 * (bench/support/fuzz-rest.ts) and the realtime fuzzer (bench/support/fuzz-realtime.ts), once
 * without API_KEY and once with it.
 *
 *   npm run bench:fuzz -- [--requests 50000] [--messages 100000] [--seed 12] [--time-limit 900] [--only rest|realtime]
 *   (or FUZZ_REQUESTS, FUZZ_MESSAGES, FUZZ_SEED, FUZZ_TIME_LIMIT_S in the environment)
 *
 * Requests and messages are split evenly between the two Vigils; each run stops at its count or
 * its share of the time limit. Valid endpoints point at a loopback target in this process, paused
 * and with long intervals; every URL the fuzzer makes up names loopback, so nothing leaves the
 * machine. Prints counts by status, 5xx, duration, Vigil's RSS before and after, whether it is
 * alive and answering /healthz, and its error-level log lines; the first offending requests when
 * there are any. Exit code 1 on any 5xx, a crash or a Vigil that stops answering; 2 on bad flags.
 * Vigil's logs go to bench/results/fuzz-<time>/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { cleanupAll, cleanUpOnSignals } from './support/cleanup.ts';
import { tempDir } from './support/databases.ts';
import { startVigilOn, type FaultVigil } from './support/fault-vigil.ts';
import { fuzzRealtime, type RealtimeFuzzReport } from './support/fuzz-realtime.ts';
import { fuzzRest, type RestFuzzReport } from './support/fuzz-rest.ts';
import { optionsOrExit, parseFlags } from './support/options.ts';
import { freePort, stopGracefully } from './support/processes.ts';
import { codeState, progress, RESULTS_DIR } from './support/report.ts';

const options = optionsOrExit((argv) => {
  // `--requests 5000` as well as `--requests=5000`.
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(arg) && next !== undefined && !next.startsWith('--')) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  const flags = parseFlags(joined, ['requests', 'messages', 'seed', 'time-limit', 'only', 'help'], import.meta.url);
  const number = (flag: string, env: string, fallback: number) => {
    const raw = flags.get(flag) ?? process.env[env];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} must be a whole number ≥ 0, got ${raw}`);
    return n;
  };
  const only = flags.get('only');
  if (only !== undefined && only !== 'rest' && only !== 'realtime') throw new Error('--only takes rest or realtime');
  return {
    requests: only === 'realtime' ? 0 : number('requests', 'FUZZ_REQUESTS', 50_000),
    messages: only === 'rest' ? 0 : number('messages', 'FUZZ_MESSAGES', 100_000),
    seed: number('seed', 'FUZZ_SEED', 12),
    timeLimitMs: number('time-limit', 'FUZZ_TIME_LIMIT_S', 900) * 1000,
  };
});

/** A loopback target that answers every check 200. */
async function startTarget(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/ok`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const rssMb = (pid: number): number | null => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
};

async function healthy(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

interface RoundResult {
  label: string;
  rest: RestFuzzReport | null;
  realtime: RealtimeFuzzReport | null;
  rssBeforeMb: number | null;
  rssAfterMb: number | null;
  alive: boolean;
  answering: boolean;
  errorLines: number;
  exit: { code: number | null; signal: string | null };
}

async function round(label: string, apiKey: string | undefined, share: number, logDir: string, targetUrl: string): Promise<RoundResult> {
  const data = tempDir('vigil-fuzz-');
  const port = await freePort();
  const env: Record<string, string> = { DATA_DIR: data.dir, ...(apiKey ? { API_KEY: apiKey } : {}) };
  const vigil: FaultVigil = await startVigilOn(port, env, logDir, `vigil-${label}`);
  progress(`${label}: Vigil ${vigil.pid} on ${vigil.base}`);
  // Measured once start-up (migrations, the first scheduler round) has settled.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rssBeforeMb = rssMb(vigil.pid);
  const timeLimitMs = Math.round((options.timeLimitMs * share) / 2);
  const requests = Math.round(options.requests * share);
  const messages = Math.round(options.messages * share);
  const rest = requests
    ? await fuzzRest({
        base: vigil.base,
        apiKey,
        targetUrl,
        requests,
        timeLimitMs,
        seed: options.seed,
        onProgress: (n) => n % 5000 === 0 && progress(`${label}: ${n} REST requests`),
      })
    : null;
  if (rest) progress(`${label}: REST done, ${rest.sent} requests in ${(rest.durationMs / 1000).toFixed(1)} s, ${rest.fiveXX} × 5xx`);
  const realtime =
    messages && vigil.child.proc.exitCode === null ? await fuzzRealtime({ base: vigil.base, apiKey, messages, timeLimitMs, seed: options.seed }) : null;
  if (realtime)
    progress(`${label}: realtime done, ${Object.values(realtime.sent).reduce((a, b) => a + b, 0)} messages in ${(realtime.durationMs / 1000).toFixed(1)} s`);
  const alive = vigil.child.proc.exitCode === null && vigil.child.proc.signalCode === null;
  const answering = alive && (await healthy(vigil.base));
  const rssAfterMb = rssMb(vigil.pid);
  const exit = await stopGracefully(vigil.child, 30_000);
  const errorLines = readFileSync(join(logDir, `vigil-${label}.log`), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"level":"error"') || line.includes('"level":"fatal"')).length;
  data.remove();
  return { label, rest, realtime, rssBeforeMb, rssAfterMb, alive, answering, errorLines, exit: { code: exit.code, signal: exit.signal } };
}

const statusList = (byStatus: Record<string, number>) =>
  Object.entries(byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');

async function main(): Promise<number> {
  // Without web/dist every page answers 503 "not built", which would read as a failure of Vigil.
  if (!existsSync(new URL('../web/dist/index.html', import.meta.url))) {
    console.error('bench:fuzz attacks the dashboard and the docs too: build them first with `npm run build`.');
    return 2;
  }
  cleanUpOnSignals('stopping Vigil and removing its data');
  const started = Date.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = join(RESULTS_DIR, `fuzz-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const target = await startTarget();
  const results: RoundResult[] = [];
  try {
    results.push(await round('open', undefined, 0.5, logDir, target.url));
    results.push(await round('api-key', `fuzz-key-${options.seed}-0123456789abcdef`, 0.5, logDir, target.url));
  } finally {
    await target.close();
  }
  const code = codeState();
  const lines = [
    `# Fuzz bench — commit ${code.commit}${code.uncommittedFiles ? ` (+${code.uncommittedFiles} uncommitted files)` : ''}, seed ${options.seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    '',
    '| Vigil | REST requests | REST statuses | REST 5xx | aborted / reset | realtime messages (sio / eio / ws / sse / upgrade) | realtime HTTP statuses | WS close codes | realtime 5xx | RSS before → after | alive, /healthz | error log lines |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const s = r.realtime?.sent;
    lines.push(
      `| ${r.label} | ${r.rest?.sent ?? 0} in ${((r.rest?.durationMs ?? 0) / 1000).toFixed(1)} s | ${r.rest ? statusList(r.rest.byStatus) : '–'} | ${r.rest?.fiveXX ?? 0} | ${r.rest ? `${r.rest.aborted} / ${r.rest.resets}` : '–'} | ${s ? `${s.socketio + s.engineio + s.ws + s.sse + s.upgrade} (${s.socketio} / ${s.engineio} / ${s.ws} / ${s.sse} / ${s.upgrade}) in ${((r.realtime!.durationMs ?? 0) / 1000).toFixed(1)} s` : '–'} | ${r.realtime ? statusList(r.realtime.byStatus) : '–'} | ${r.realtime ? statusList(r.realtime.closeCodes) : '–'} | ${r.realtime?.fiveXX ?? 0} | ${r.rssBeforeMb} → ${r.rssAfterMb} MB | ${r.alive ? 'alive' : 'DEAD'}, ${r.answering ? '200' : 'NO ANSWER'} | ${r.errorLines} |`,
    );
  }
  const offenders = results.flatMap((r) => [...(r.rest?.offenders ?? []), ...(r.realtime?.offenders ?? [])].map((o) => ({ vigil: r.label, ...o })));
  if (offenders.length) {
    lines.push('', 'First offending requests:');
    for (const o of offenders.slice(0, 10)) lines.push(`- [${o.vigil}] ${o.status}: ${o.request}\n  answer: ${o.answer}`);
  }
  const failed = results.some((r) => (r.rest?.fiveXX ?? 0) > 0 || (r.realtime?.fiveXX ?? 0) > 0 || !r.alive || !r.answering);
  lines.push('', failed ? 'FAILED: a 5xx, a crash or a Vigil that stopped answering (see above).' : 'PASSED: 0 × 5xx, no crash, /healthz answered at the end.');
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  writeFileSync(join(logDir, 'report.md'), `${text}\n`);
  writeFileSync(join(logDir, 'report.json'), JSON.stringify({ options, code, results }, null, 2));
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (error) => {
    process.stderr.write(`fuzz bench broke: ${(error as Error).stack ?? error}\n`);
    await cleanupAll();
    process.exit(1);
  });
