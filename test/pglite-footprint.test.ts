import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, rowsOf } from '../db/client.ts';
import { startVigilProcess, type VigilProcess } from './support/vigil-process.ts';
import { createPgliteTestDatabase, type TestDatabase } from './support/vigil.ts';

// The embedded database's memory: initdb's peak must not stay in the serving process, and the
// buffer pool is sized for a monitor (issue 15; figures in bench/README.md, "Footprint").
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0)) await undo().catch(() => {});
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const vmKb = (pid: number, key: 'VmHWM' | 'VmRSS') => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe('the embedded database footprint', () => {
  it("creates a new database in another process: Vigil's own memory never holds initdb's peak", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-footprint-'));
    dirs.push(dir);
    const vigil: VigilProcess = await startVigilProcess({ env: { DATA_DIR: join(dir, 'data') }, startTimeoutMs: 120_000 });
    cleanups.push(() => vigil.kill());
    expect((await vigil.fetch('/readyz')).status).toBe(200);
    expect(
      (
        await vigil.fetch('/api/endpoints', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"name":"a","url":"http://127.0.0.1:9/","paused":true}',
        })
      ).status,
    ).toBe(201);
    // In-process initdb peaked at ~900 MB and stayed; the serving process now stays near 300 MB.
    expect(vmKb(vigil.proc.pid!, 'VmHWM') / 1024).toBeLessThan(500);
    vigil.proc.kill('SIGTERM');
    expect((await vigil.exited).code).toBe(0);

    const again = await startVigilProcess({ env: { DATA_DIR: join(dir, 'data') } });
    cleanups.push(() => again.kill());
    const endpoints = await (await again.fetch('/api/endpoints')).json();
    expect(endpoints.items.map((e: { name: string }) => e.name)).toEqual(['a']);
  });

  it('opens existing data directories with the buffer pool sized for a monitor', async () => {
    const database: TestDatabase = createPgliteTestDatabase();
    cleanups.push(() => database.dispose());
    const handle = await createDatabase({ dataDir: database.env.DATA_DIR! });
    cleanups.unshift(() => handle.close());
    const [row] = rowsOf<{ shared_buffers: string }>(await handle.db.execute(sql`show shared_buffers`));
    expect(row?.shared_buffers).toBe('16MB');
  });

  it('keeps memory:// in memory, with the same settings', async () => {
    const handle = await createDatabase({ dataDir: 'memory://' });
    cleanups.push(() => handle.close());
    await handle.migrate();
    const [row] = rowsOf<{ shared_buffers: string }>(await handle.db.execute(sql`show shared_buffers`));
    expect(row?.shared_buffers).toBe('16MB');
  });
});
