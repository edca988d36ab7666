import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../server/settings.ts';
import { startVigil } from '../server/vigil.ts';
import { createLogger } from '../server/logger.ts';
import { startVigilProcess } from './support/vigil-process.ts';
import { createPgliteTestDatabase, startTestVigil, type TestDatabase, type TestVigil } from './support/vigil.ts';

// The embedded database serves one Vigil: a second one on the same DATA_DIR must refuse to start.
let database: TestDatabase;
const running: TestVigil[] = [];
afterEach(async () => {
  for (const v of running.splice(0)) await v.stop().catch(() => {});
  await database?.dispose();
});

const startOn = async (db: TestDatabase) => {
  const vigil = await startTestVigil({}, db);
  running.push(vigil);
  return vigil;
};
const secondStart = (db: TestDatabase) => startVigil(loadSettings({ HOST: '127.0.0.1', PORT: '0', ...db.env }), { logger: createLogger('silent') });
const lockFile = (db: TestDatabase) => join(db.env.DATA_DIR!, 'vigil.lock');
/** The pid of a process that has just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('the embedded database', () => {
  it('refuses a second Vigil on the same data directory, saying why, and the first carries on', async () => {
    database = createPgliteTestDatabase();
    const first = await startOn(database);

    await expect(secondStart(database)).rejects.toThrow(
      /Another Vigil \(pid \d+ on .+\) is using the embedded database in .+ to run several, point them all at one PostgreSQL with DATABASE_URL/,
    );
    expect((await first.api('POST', '/api/endpoints', { name: 'still mine', url: 'http://127.0.0.1:9/', paused: true })).status).toBe(201);
    expect((await first.api('GET', '/readyz')).status).toBe(200);

    await first.stop();
    expect(existsSync(lockFile(database)), 'a graceful stop releases the lock').toBe(false);
    const next = await startOn(database);
    expect((await next.api('GET', '/api/endpoints')).body.items.map((e: { name: string }) => e.name)).toEqual(['still mine']);
  });

  it('takes over a lock left by a process that died (kill -9), or left on another host and not touched for 30 s', async () => {
    database = createPgliteTestDatabase();
    writeFileSync(lockFile(database), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    const first = await startOn(database);
    await first.stop();

    writeFileSync(lockFile(database), JSON.stringify({ pid: 1, host: 'another-host', startedAt: '2026-01-01T00:00:00Z' }));
    await expect(secondStart(database), 'a fresh lock of another host').rejects.toThrow(/pid 1 on another-host/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(database), old, old);
    await startOn(database);
  });

  it('refuses it when the first Vigil is another process, and exits 1 with that message', async () => {
    database = createPgliteTestDatabase();
    const first = await startVigilProcess({ env: database.env });
    try {
      await expect(secondStart(database)).rejects.toThrow(new RegExp(`Another Vigil \\(pid ${first.proc.pid} `));
      const second = await startVigilProcess({ env: database.env }).catch((error: Error) => error);
      expect(String(second)).toMatch(/Vigil exited before listening[\s\S]*"level":"fatal"[\s\S]*Another Vigil/);
      expect((await first.fetch('/readyz')).status).toBe(200);
    } finally {
      first.proc.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
    }
  });
});
