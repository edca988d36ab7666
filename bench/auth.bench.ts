/**
 * What accounts cost a request: one REST read (GET /api/summary) answered for each kind of caller —
 * API_KEY (the only check before accounts), a signed-in browser's session cookie, a personal API
 * key — at a fixed concurrency over keep-alive connections; and what a sign-in costs (scrypt).
 * Vigil from the sources as `npm start` runs it, on a fresh database; the callers take turns within
 * each run, so that the machine's noise falls on all of them alike.
 *
 *   npm run bench:auth -- [--db=pglite] [--requests=4000] [--concurrency=8] [--runs=3] [--signins=30]
 *
 * Prints one Markdown row per caller (medians over the runs): requests/s, p50 and p99 answer time,
 * Vigil's CPU per request; and the sign-in's p50 and p99. Every answer must be 200: the run fails otherwise.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { assertNotAborting } from './support/cleanup.ts';
import { createBenchDatabase } from './support/databases.ts';
import { dbKinds, optionsOrExit, parseFlags } from './support/options.ts';
import { processCpuSeconds } from './support/proc.ts';
import { startFlagsOf, startVigil, stopGracefully } from './support/processes.ts';
import { codeState, median, round } from './support/report.ts';

function parseOptions(argv: string[]) {
  const flags = parseFlags(argv, ['db', 'requests', 'concurrency', 'runs', 'signins', 'help'], import.meta.url);
  const number = (name: string, fallback: number) => {
    const n = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes a positive whole number`);
    return n;
  };
  return {
    dbs: dbKinds(flags, 'pglite'),
    requests: number('requests', 4000),
    concurrency: number('concurrency', 8),
    runs: number('runs', 3),
    signins: number('signins', 30),
  };
}

const options = optionsOrExit(parseOptions);
const API_KEY = 'bench-auth-api-key-0123456789abcdef';
const OWNER = { email: 'bench@example.test', name: 'Bench Owner', password: 'a bench password of some length' };

/** One answer: its status, its Set-Cookie lines and its JSON body. */
async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, cookies: res.headers.getSetCookie(), body: text ? JSON.parse(text) : null };
}

/** `count` GETs of `path` with `headers`, `concurrency` at a time over keep-alive; each one's answer time. */
async function load(base: string, path: string, headers: Record<string, string>, count: number, concurrency: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const times: number[] = [];
  let started = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(base + path, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`GET ${path} answered ${res.statusCode}`));
          times.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', reject);
    });
  const lane = async () => {
    while (started < count) {
      started++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    agent.destroy();
  }
  return times;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const lines: string[] = [];
for (const kind of options.dbs) {
  assertNotAborting();
  const db = await createBenchDatabase(kind, 'vigil-auth-bench-');
  const vigil = await startVigil([...startFlagsOf('.'), '--import', 'tsx', 'server/main.ts'], {
    ...db.env,
    API_KEY,
    AUTH_FAILURE_LIMIT: '10000',
  });
  try {
    const bearer = { authorization: `Bearer ${API_KEY}` };
    const made = await call(vigil.base, 'POST', '/api/setup', bearer, OWNER);
    if (made.status !== 201) throw new Error(`set-up answered ${made.status}: ${JSON.stringify(made.body)}`);
    const cookie = made.cookies.find((line) => line.startsWith('vigil_session='))!.split(';')[0]!;
    const key = await call(vigil.base, 'POST', '/api/keys', { cookie, 'x-csrf-token': made.body.csrfToken }, { name: 'bench', scope: 'read' });
    if (key.status !== 201) throw new Error(`POST /api/keys answered ${key.status}: ${JSON.stringify(key.body)}`);
    for (let i = 0; i < 20; i++) {
      const created = await call(vigil.base, 'POST', '/api/endpoints', bearer, { name: `e${i}`, url: `http://127.0.0.1:9/${i}`, paused: true });
      if (created.status !== 201) throw new Error(`POST /api/endpoints answered ${created.status}`);
    }
    const callers: [string, Record<string, string>][] = [
      ['API_KEY (Bearer)', bearer],
      ['session cookie', { cookie }],
      ['personal key (Bearer vk_…)', { authorization: `Bearer ${key.body.secret}` }],
    ];
    const results = new Map<string, { rps: number; p50: number; p99: number; cpuMs: number }[]>();
    for (let run = 0; run < options.runs; run++) {
      // A different caller first in each run: warm-up and drift fall on each in turn.
      for (let i = 0; i < callers.length; i++) {
        const [name, headers] = callers[(run + i) % callers.length]!;
        await load(vigil.base, '/api/summary', headers, 500, options.concurrency);
        const cpu0 = processCpuSeconds(vigil.pid) ?? Number.NaN;
        const t0 = performance.now();
        const times = await load(vigil.base, '/api/summary', headers, options.requests, options.concurrency);
        const seconds = (performance.now() - t0) / 1000;
        const cpuS = (processCpuSeconds(vigil.pid) ?? Number.NaN) - cpu0;
        times.sort((a, b) => a - b);
        const row = { rps: options.requests / seconds, p50: percentile(times, 50), p99: percentile(times, 99), cpuMs: (cpuS * 1000) / options.requests };
        results.set(name, [...(results.get(name) ?? []), row]);
        process.stderr.write(`${kind} run ${run + 1} ${name}: ${Math.round(row.rps)} req/s, p50 ${round(row.p50, 2)} ms\n`);
      }
    }
    const signIns: number[] = [];
    for (let i = 0; i < options.signins; i++) {
      const t0 = performance.now();
      const answer = await call(vigil.base, 'POST', '/api/session', {}, { email: OWNER.email, password: OWNER.password });
      if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}`);
      signIns.push(performance.now() - t0);
    }
    signIns.sort((a, b) => a - b);

    lines.push(
      `\n${kind === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'}: GET /api/summary, ${options.requests} requests × ${options.runs} runs, ${options.concurrency} at a time (medians of the runs)\n`,
    );
    lines.push('| caller | requests/s | p50 ms | p99 ms | Vigil CPU ms per request |', '| --- | ---: | ---: | ---: | ---: |');
    for (const [name] of callers) {
      const rows = results.get(name)!;
      const m = (pick: (r: (typeof rows)[number]) => number, digits: number) => round(median(rows.map(pick)), digits);
      lines.push(
        `| ${name} | ${Math.round(m((r) => r.rps, 0) ?? 0).toLocaleString('en')} | ${m((r) => r.p50, 2)} | ${m((r) => r.p99, 2)} | ${m((r) => r.cpuMs, 3)} |`,
      );
    }
    lines.push(
      `\nSign-in (POST /api/session, scrypt N=2^14, one at a time, ${options.signins}): p50 ${round(percentile(signIns, 50), 1)} ms, p99 ${round(percentile(signIns, 99), 1)} ms`,
    );
  } finally {
    await stopGracefully(vigil.child);
    await db.dispose();
  }
}
const code = codeState();
console.log(`bench:auth at ${code.commit}${code.uncommittedFiles ? ` (+${code.uncommittedFiles} uncommitted files)` : ''}`);
console.log(lines.join('\n'));
