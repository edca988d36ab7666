import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs from the sources (tsx) or from the build (dist/db/*.js): the child is the file beside this one. */
const childFile = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './pglite-create-process.ts' : './pglite-create-process.js', import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** True when `dataDir` holds no database yet (PGlite would run initdb on open). */
export const needsCreating = (dataDir: string) => !existsSync(join(dataDir, 'PG_VERSION'));

/**
 * Creates the embedded database in `dataDir` in a child process that ends before Vigil opens it.
 * initdb peaks near 800 MB of WebAssembly memory, which a process never gives back: done in Vigil's
 * own process, that peak would stay resident for as long as Vigil runs.
 * Rejects with the child's last output when it fails (e.g. "Aborted()" on a full disk).
 */
export function createInChildProcess(dataDir: string): Promise<void> {
  // From the sources the child needs tsx as well; the build runs on node alone.
  const args = childFile.endsWith('.ts') ? ['--import', 'tsx', childFile, dataDir] : [childFile, dataDir];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`creating the embedded database failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
}
