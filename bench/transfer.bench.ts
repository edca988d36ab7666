/**
 * Import and export speed: GET /api/export and POST /api/import, through REST.
 * npm run bench:transfer -- [pglite|postgres|both] [runs]
 * Per database and size: a fresh Vigil; import N new endpoints (paused, so no checks run), import the
 * same file again (all unchanged), import it with every URL changed (N updates), export; medians of runs.
 */
import { randomUUID } from 'node:crypto';
import { cleanupAll } from './support/cleanup.ts';
import { createBenchDatabase } from './support/databases.ts';
import { createLogger } from '../server/logger.ts';
import { loadSettings } from '../server/settings.ts';
import { startVigil } from '../server/vigil.ts';

const kinds = (process.argv[2] ?? 'both') === 'both' ? (['pglite', 'postgres'] as const) : [process.argv[2] as 'pglite' | 'postgres'];
const runs = Number(process.argv[3] ?? 3);
const sizes = [1000, 10_000];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function fileOf(n: number, urlSuffix = '') {
  return {
    vigil: 'endpoints',
    version: 1,
    endpoints: Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      name: `Service ${i}`,
      url: `https://service-${i}.example.com/health${urlSuffix}`,
      method: 'GET',
      headers: { Accept: 'application/json' },
      body: null,
      intervalSeconds: 60,
      timeoutMs: 10000,
      expectedStatusCodes: ['200-299'],
      degradedThresholdMs: 2000,
      failureThreshold: 3,
      paused: true,
      tags: ['bench', `group-${i % 10}`],
    })),
  };
}

async function timed(fn: () => Promise<Response>): Promise<{ ms: number; text: string; status: number }> {
  const t0 = performance.now();
  const res = await fn();
  const text = await res.text();
  return { ms: performance.now() - t0, text, status: res.status };
}

const rows: string[] = [];
try {
  for (const kind of kinds) {
    for (const n of sizes) {
      const results = { create: [] as number[], unchanged: [] as number[], update: [] as number[], exp: [] as number[], bytes: 0 };
      for (let r = 0; r < runs; r++) {
        const db = await createBenchDatabase(kind, 'vigil-transfer-');
        const vigil = await startVigil(loadSettings({ HOST: '127.0.0.1', PORT: '0', ...db.env }), { logger: createLogger('error') });
        try {
          const file = fileOf(n);
          const body = JSON.stringify(file);
          const changed = JSON.stringify({ ...file, endpoints: file.endpoints.map((e) => ({ ...e, url: `${e.url}?v=2` })) });
          const post = (b: string) => () => fetch(`${vigil.url}/api/import`, { method: 'POST', body: b, headers: { 'content-type': 'application/json' } });
          const check = (x: { status: number; text: string }, expect: string) => {
            if (x.status !== 200 || !x.text.includes(expect)) throw new Error(`${x.status} ${x.text.slice(0, 300)}`);
          };
          const a = await timed(post(body));
          check(a, `"created":${n}`);
          const b = await timed(post(body));
          check(b, `"unchanged":${n}`);
          const c = await timed(post(changed));
          check(c, `"updated":${n}`);
          const e = await timed(() => fetch(`${vigil.url}/api/export`));
          if (e.status !== 200 || JSON.parse(e.text).endpoints.length !== n) throw new Error('export');
          results.create.push(a.ms);
          results.unchanged.push(b.ms);
          results.update.push(c.ms);
          results.exp.push(e.ms);
          results.bytes = e.text.length;
          console.error(
            `${kind} ${n} run ${r + 1}: create ${a.ms.toFixed(0)} ms, unchanged ${b.ms.toFixed(0)}, update ${c.ms.toFixed(0)}, export ${e.ms.toFixed(0)} (${(body.length / 1e6).toFixed(2)} MB in, ${(e.text.length / 1e6).toFixed(2)} MB out)`,
          );
        } finally {
          await vigil.stop();
          await db.dispose();
        }
      }
      rows.push(
        `| ${kind} | ${n.toLocaleString('en')} | ${median(results.create).toFixed(0)} | ${median(results.unchanged).toFixed(0)} | ${median(results.update).toFixed(0)} | ${median(results.exp).toFixed(0)} | ${(results.bytes / 1e6).toFixed(2)} |`,
      );
    }
  }
  console.log(
    '| database | endpoints | import, all new (ms) | same file again, all unchanged (ms) | every URL changed (ms) | export (ms) | export size (MB) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
} finally {
  await cleanupAll();
}
