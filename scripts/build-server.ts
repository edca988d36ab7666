/**
 * Builds the server for `node` alone (npm run build:server): TypeScript → JavaScript by
 * tsconfig.build.json, then the files the built code looks for beside itself, so the same relative
 * paths work in dist/ as in the sources:
 *   db/migrations → dist/db/migrations   (db/client.ts: ./migrations)
 *   web/dist      → dist/web/dist        (server/http/routes/web.ts: ../../../web/dist)
 *   server/public/assets → dist/server/public/assets   (the status page's CSS and script: server/http/routes/public-status.ts)
 * Usage: node --import tsx scripts/build-server.ts [outDir]   (default dist/; run `npm run build` first)
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

export class BuildError extends Error {}

export interface BuildOptions {
  /**
   * false skips tsc's type check (--noCheck): the same JavaScript in about half the CPU time, for
   * the test that repeats the build while `npm run typecheck` checks types anyway. Default true.
   */
  typeCheck?: boolean;
}

/** Writes the built server to `outDir` (emptied first); resolves when it is complete. */
export async function buildServer(outDir = join(ROOT, 'dist'), options: BuildOptions = {}): Promise<void> {
  const webDist = join(ROOT, 'web', 'dist');
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new BuildError('web/dist is missing: run `npm run build` (the web app) before `npm run build:server`.');
  }
  if (resolve(outDir) === resolve(ROOT)) throw new BuildError('outDir must not be the project root');
  rmSync(outDir, { recursive: true, force: true });
  try {
    const noCheck = options.typeCheck === false ? ['--noCheck'] : [];
    await run(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, ...noCheck], { cwd: ROOT });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new BuildError(`tsc failed:\n${stdout}${stderr}`);
  }
  cpSync(join(ROOT, 'db', 'migrations'), join(outDir, 'db', 'migrations'), { recursive: true });
  cpSync(webDist, join(outDir, 'web', 'dist'), { recursive: true });
  cpSync(join(ROOT, 'server', 'public', 'assets'), join(outDir, 'server', 'public', 'assets'), { recursive: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = resolve(process.argv[2] ?? join(ROOT, 'dist'));
  buildServer(outDir).then(
    () => console.log(`built the server into ${outDir} (start it with: node ${join(outDir, 'server', 'main.js')})`),
    (error) => {
      console.error(error instanceof BuildError ? error.message : error);
      process.exit(1);
    },
  );
}
