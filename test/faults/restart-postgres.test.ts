import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultTarget, type FaultTarget } from '../support/fault-target.ts';
import { startThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/vigil.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** When the process logged that it listens (ready), epoch ms. */
const readyAt = (vigil: VigilProcess) => Date.parse(String(vigil.logs.find((l) => l.msg.startsWith('Vigil listening'))!.time));

async function setUp() {
  const pg = await startThrowawayPostgres();
  cleanups.push(() => pg.destroy());
  const target = await startFaultTarget();
  cleanups.push(() => target.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  // Default settings: no INSTANCE_ID. A 60 s interval: without a restart no check would come soon.
  const env = { DATABASE_URL: pg.url, DATA_DIR: dataDir };
  const start = async () => {
    const vigil = await startVigilProcess({ env });
    cleanups.push(() => vigil.kill());
    return vigil;
  };
  return { pg, target, dataDir, start };
}

async function createEndpoints(vigil: VigilProcess, target: FaultTarget, count: number, intervalSeconds: number) {
  for (let i = 0; i < count; i++) {
    const response = await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `e${i}`, url: target.url(`/e/${i}`), intervalSeconds }),
    });
    expect(response.status).toBe(201);
  }
}

describe('a restart on PostgreSQL with default settings', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'after %s, checks again within 2 s of being ready, under the same instance id',
    async (signal) => {
      const { target, dataDir, start } = await setUp();
      const first = await start();
      await createEndpoints(first, target, 10, 1);
      await waitFor(() => target.receivedBetween(0, Date.now(), '/e/') >= 30, 15_000, 'checks running');
      const id = readFileSync(join(dataDir, 'instance-id'), 'utf8').trim();
      const agentsBefore = new Set(target.server.requests.map((r) => r.headers['user-agent']));

      first.proc.kill(signal);
      await first.exited;
      const second = await start();
      const ready = readyAt(second);
      const firstCheck = await waitFor(
        () => target.server.requests.find((r) => r.path.startsWith('/e/') && r.at >= ready)?.at,
        10_000,
        'a check after the restart',
      );

      expect(firstCheck! - ready, `first check ${firstCheck! - ready} ms after ready`).toBeLessThanOrEqual(2000);
      expect(readFileSync(join(dataDir, 'instance-id'), 'utf8').trim()).toBe(id);
      const agentsAfter = new Set(target.server.requests.filter((r) => r.at >= ready).map((r) => r.headers['user-agent']));
      expect([...agentsAfter]).toEqual([...agentsBefore]);
      expect([...agentsAfter][0]).toContain(`instance ${id}`);
    },
    90_000,
  );

  it('gives a second process on the same DATA_DIR an id of its own while the first runs', async () => {
    const { dataDir, start } = await setUp();
    const a = await start();
    const b = await start();
    const id = readFileSync(join(dataDir, 'instance-id'), 'utf8').trim();
    const warning = b.logs.find((l) => /is used for this run only/.test(l.msg));
    expect(warning, JSON.stringify(b.logs)).toBeDefined();
    expect(String(warning!.instanceId)).not.toBe(id);
    expect(a.logs.some((l) => /is used for this run only/.test(l.msg))).toBe(false);
  }, 60_000);
});
