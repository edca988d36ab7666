/**
 * The container's steps, without Docker: the server built to JavaScript, a production-only install
 * from the lock file in a clean folder, and `node dist/server/main.js` started there with a clean
 * environment (no tsx, no dev dependencies), smoke-tested on the database under test. The Dockerfile
 * is read to make sure it runs these same commands.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer, ROOT } from '../scripts/build-server.ts';
import {
  cleanEnv,
  importedPackages,
  installProduction,
  NODE_FLAGS,
  PRODUCTION_INSTALL,
  START_COMMAND,
  startBuiltServer,
  unresolvable,
  type BuiltServer,
} from '../scripts/production-folder.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { createTestDatabase, driver, waitFor, type TestDatabase } from './support/vigil.ts';

const run = promisify(execFile);
const DEV_ONLY = ['tsx', 'esbuild', 'vite', 'vitest', 'typescript', 'drizzle-kit', 'playwright-core', 'socket.io-client', 'solid-js'];

/** The Dockerfile's runtime stage (after the last FROM), its HEALTHCHECK command and its CMD. */
function readDockerfile() {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const healthcheck = /^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(runtime)?.[1];
  const cmd = /^CMD (\[.*\])\s*$/m.exec(runtime)?.[1];
  return {
    runtime,
    healthcheck: healthcheck ? (JSON.parse(healthcheck) as string[]) : undefined,
    cmd: cmd ? (JSON.parse(cmd) as string[]) : undefined,
  };
}

/** Runs the Dockerfile's HEALTHCHECK command against `server` as Docker would (in its environment); resolves with the exit code. */
async function runHealthcheck(command: string[], server: BuiltServer): Promise<number> {
  const [, ...args] = command; // "node"
  return run(process.execPath, args, { env: cleanEnv(server.env), timeout: 5_000 }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? 1,
  );
}

describe(`the production build in a clean folder (${driver})`, () => {
  let folder: string;
  let app: string;
  let target: TargetServer;
  let database: TestDatabase | undefined;
  let settings: Record<string, string>;
  let server: BuiltServer | undefined;
  let endpointId: string;
  /** Every server started here, so that a failing test can show what each one wrote and how it ended. */
  const started: BuiltServer[] = [];
  const start = async () => {
    const built = await startBuiltServer(app, settings);
    started.push(built);
    return built;
  };

  // A failing test keeps the servers' output (and their exit code or signal): printed, and written
  // to test-artifacts/production-run/<test>.log.
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async ({ task }) => {
      if (started.length === 0) return;
      const reports = (await Promise.all(started.map(async (s, i) => `[server ${i + 1} of ${started.length}] ${await s.diagnose()}`))).join('\n\n');
      const dir = join(ROOT, 'test-artifacts', 'production-run');
      const file = join(dir, `${driver}-${task.name.replace(/[^\w-]+/g, '_').slice(0, 80)}.log`);
      const errors = (task.result?.errors ?? []).map((e) => `${e.stack ?? e.message}${e.cause ? `\ncause: ${JSON.stringify(e.cause)}` : ''}`).join('\n');
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, `test: ${task.name}\nat: ${new Date().toISOString()}\n${errors}\n\n${reports}\n`);
      console.error(`"${task.name}" failed; the built server's side (also in ${file}):\n${reports}`);
    });
  });

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'vigil-production-'));
    app = join(folder, 'app');
    mkdirSync(app);
    await buildServer(join(app, 'dist'), { typeCheck: false });
    await installProduction(app);
    target = await startTargetServer();
    if (driver === 'postgres') {
      database = await createTestDatabase();
      settings = { ...database.env, SHUTDOWN_TIMEOUT_MS: '3000' };
    } else {
      // A data directory that does not exist yet: the first start of a new container.
      settings = { DATA_DIR: join(folder, 'data'), SHUTDOWN_TIMEOUT_MS: '3000' };
    }
  }, 240_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await target?.close();
    await database?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('holds production dependencies only', () => {
    const installed = (name: string) => existsSync(join(app, 'node_modules', name, 'package.json'));
    expect(['hono', 'drizzle-orm', '@electric-sql/pglite', 'postgres', 'socket.io', 'pino', 'swagger-ui-dist'].filter((n) => !installed(n))).toEqual([]);
    expect(DEV_ONLY.filter(installed)).toEqual([]);
  });

  it('can load every package the built server imports', async () => {
    const packages = importedPackages(app);
    expect(packages).toEqual(expect.arrayContaining(['hono', '@electric-sql/pglite', 'postgres']));
    expect(await unresolvable(app, [...packages, 'tsx', 'vitest'])).toEqual(['tsx', 'vitest']);
  });

  it('starts with node alone and serves health, the web app, the API docs, checks and metrics', async () => {
    server = await start();
    const { url } = server;

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<script[^>]+src="\/assets\/[^"]+\.js"/);

    const openApi = await fetch(`${url}/api/openapi.json`);
    expect(openApi.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await openApi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);
    expect((await fetch(`${url}/api/docs/swagger-ui-bundle.js`)).status).toBe(200);
    // A status page's stylesheet and script, read from beside the built code.
    for (const [file, type] of [
      ['status.css', /^text\/css/],
      ['status.js', /^text\/javascript/],
    ] as const) {
      const asset = await fetch(`${url}/status/assets/${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get('content-type'), file).toMatch(type);
    }

    const created = await fetch(`${url}/api/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Production smoke', url: target.url('/health'), intervalSeconds: 60 }),
    });
    expect(created.status).toBe(201);
    endpointId = ((await created.json()) as { id: string }).id;
    await waitFor(
      async () => ((await (await fetch(`${url}/api/endpoints/${endpointId}`)).json()) as { status: string }).status === 'UP',
      15_000,
      'the endpoint to be UP',
    );
    expect(target.hits('/health')).toBeGreaterThanOrEqual(1);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^vigil_\w+(\{[^}]*\})? \S+$/m);
  }, 120_000);

  it('passes the Dockerfile’s HEALTHCHECK while it runs', async () => {
    const { healthcheck } = readDockerfile();
    expect(healthcheck?.[0]).toBe('node');
    expect(await runHealthcheck(healthcheck!, server!)).toBe(0);
  });

  it('exits 0 on SIGTERM, after which the HEALTHCHECK fails', async () => {
    const running = server!;
    expect(await running.stop('SIGTERM')).toBe(0);
    server = undefined;
    expect(running.output()).toMatch(/SIGTERM/);
    expect(await runHealthcheck(readDockerfile().healthcheck!, running)).toBe(1);
  });

  it('keeps its endpoints across a restart on the same data', async () => {
    server = await start();
    const answer = await fetch(`${server.url}/api/endpoints/${endpointId}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { name: string }).name).toBe('Production smoke');
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);

  it('is what the Dockerfile builds and runs', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const { runtime, cmd } = readDockerfile();
    expect(dockerfile).toMatch(/^RUN npm run build:all$/m);
    expect(runtime).toContain(`RUN npm ${PRODUCTION_INSTALL.join(' ')}`);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(cmd).toEqual(START_COMMAND);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:all']).toBe('npm run build && npm run build:server');
    expect(scripts['start:prod']).toBe(START_COMMAND.join(' '));
    // `npm start` runs the sources with the same V8 flags as the container.
    expect(scripts.start).toBe(['node', ...NODE_FLAGS, '--import', 'tsx', 'server/main.ts'].join(' '));
  });
});
