/**
 * npm run smoke:prod — the container's steps in a temporary folder, smoke-tested and measured:
 *   1. build the server (scripts/build-server.ts; the web app must be built: `npm run build`)
 *   2. production-only install from the lock file beside it (timed)
 *   3. `node --max-semi-space-size=1 dist/server/main.js` (START_COMMAND) with a clean environment: first start on an empty database,
 *      one endpoint checked against a local target until UP, SIGTERM → exit 0
 *   4. five more cold starts on the same data: time to the first 200 of /readyz, RSS once ready
 * and prints the folder's size. Options: --postgres <admin URL> runs on a throwaway database on
 * that server instead of the embedded one; --keep leaves the folder in place.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { startTargetServer } from '../test/support/target-server.ts';
import { buildServer } from './build-server.ts';
import { importedPackages, installProduction, startBuiltServer, unresolvable, type BuiltServer } from './production-folder.ts';

const { values: options } = parseArgs({ options: { postgres: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const COLD_STARTS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kib = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;

function check(condition: unknown, what: string, server?: BuiltServer): asserts condition {
  if (!condition) throw new Error(`smoke test failed: ${what}${server ? `\n--- server output ---\n${server.output()}` : ''}`);
}

/** A throwaway database on the PostgreSQL server at `adminUrl`; `drop` removes it. */
async function throwawayDatabase(adminUrl: string) {
  const name = `vigil_smoke_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function main() {
  const folder = mkdtempSync(join(tmpdir(), 'vigil-smoke-'));
  const app = join(folder, 'app');
  mkdirSync(app);
  const target = await startTargetServer();
  const database = options.postgres ? await throwawayDatabase(options.postgres) : undefined;
  const settings: Record<string, string> = database ? { DATABASE_URL: database.url } : { DATA_DIR: join(folder, 'data') };
  try {
    let t = performance.now();
    await buildServer(join(app, 'dist'));
    const buildMs = performance.now() - t;
    const installMs = await installProduction(app);
    const missing = await unresolvable(app, importedPackages(app));
    check(missing.length === 0, `the built server imports packages the production install lacks: ${missing.join(', ')}`);

    const first = await startBuiltServer(app, settings);
    const { url } = first;
    for (const path of ['/healthz', '/readyz', '/api/openapi.json', '/api/docs', '/api/docs/swagger-ui-bundle.js', '/']) {
      check((await fetch(url + path)).status === 200, `GET ${path} is 200`, first);
    }
    const created = await fetch(`${url}/api/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Production smoke', url: target.url('/health') }),
    });
    check(created.status === 201, `POST /api/endpoints is 201 (got ${created.status})`, first);
    const { id } = (await created.json()) as { id: string };
    t = performance.now();
    for (;;) {
      const { status } = (await (await fetch(`${url}/api/endpoints/${id}`)).json()) as { status: string };
      if (status === 'UP') break;
      check(performance.now() - t < 15_000, 'the endpoint is UP within 15 s', first);
      await new Promise((r) => setTimeout(r, 50));
    }
    check(/^vigil_/m.test(await (await fetch(`${url}/metrics`)).text()), '/metrics has vigil_ lines', first);
    check((await first.stop('SIGTERM')) === 0, 'SIGTERM → exit 0', first);

    const readyMs: number[] = [];
    const rssKiB: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const server = await startBuiltServer(app, settings);
      readyMs.push(server.readyMs);
      rssKiB.push(server.rssKiB());
      check((await fetch(`${server.url}/api/endpoints/${id}`)).status === 200, 'the endpoint is still there after a restart', server);
      check((await server.stop('SIGTERM')) === 0, 'SIGTERM → exit 0', server);
    }

    const modulesKiB = kib(join(app, 'node_modules'));
    const distKiB = kib(join(app, 'dist'));
    console.log(`smoke test passed (${database ? 'PostgreSQL' : 'embedded PGlite'})`);
    console.table({
      'server build (tsc + copies)': `${Math.round(buildMs)} ms`,
      'production install (npm ci --omit=dev)': `${Math.round(installMs)} ms`,
      'node_modules + dist': `${mib(modulesKiB + distKiB)} (node_modules ${mib(modulesKiB)}, dist ${mib(distKiB)})`,
      'first start to /readyz (new database)': `${Math.round(first.readyMs)} ms`,
      [`cold start to /readyz, median of ${COLD_STARTS}`]: `${Math.round(median(readyMs))} ms (${readyMs.map(Math.round).join(', ')})`,
      'RSS when ready, median': mib(median(rssKiB)),
    });
  } finally {
    await target.close();
    await database?.drop();
    if (options.keep) console.log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
