import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Check, Endpoint, Incident } from '../../server/contract/types.ts';
import { startFaultTarget } from '../support/fault-target.ts';
import { startThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/vigil.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const KILLS = 3;
const ENDPOINTS = 60;

async function json<T>(vigil: VigilProcess, path: string): Promise<T> {
  const response = await vigil.fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Check ids stored for some endpoints, as REST reads them from the database (committed). */
async function storedCheckIds(vigil: VigilProcess, endpoints: Endpoint[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const endpoint of endpoints) {
    const page = await json<{ items: Check[] }>(vigil, `/api/endpoints/${endpoint.id}/checks?limit=1000`);
    for (const check of page.items) ids.add(check.id);
  }
  return ids;
}

async function killNineTimes(env: Record<string, string>) {
  const target = await startFaultTarget();
  cleanups.push(() => target.close());
  const start = async () => {
    const vigil = await startVigilProcess({ env });
    cleanups.push(() => vigil.kill());
    return vigil;
  };
  let vigil = await start();
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    // A third of them fail, so that incidents open (and stay open) across the kills.
    if (i % 3 === 0) target.failing(`/k/${i}`);
    const response = await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `k${i}`, url: target.url(`/k/${i}`), intervalSeconds: 1, failureThreshold: 2 }),
    });
    expect(response.status).toBe(201);
    endpoints.push((await response.json()) as Endpoint);
  }
  const sample = endpoints.filter((_, i) => i % 6 === 0 || i % 6 === 1);
  const lost: string[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const before = target.totals().received;
    await waitFor(() => target.totals().received >= before + ENDPOINTS * 2, 20_000, 'two rounds of checks');
    const committed = await storedCheckIds(vigil, sample);
    // Flip some endpoints between kills: incidents resolve and open again.
    for (let i = kill % 3; i < ENDPOINTS; i += 9) (target.log(`/k/${i}`).status.at(-1) === 500 ? target.up : target.failing)(`/k/${i}`);
    vigil.proc.kill('SIGKILL');
    await vigil.exited;
    vigil = await start();
    const after = await storedCheckIds(vigil, sample);
    for (const id of committed) if (!after.has(id)) lost.push(id);
  }
  await waitFor(() => target.totals().received >= ENDPOINTS * 2, 20_000);
  const open = await json<{ items: Incident[] }>(vigil, '/api/incidents?status=open&limit=500');
  const perEndpoint = new Map<string, number>();
  for (const incident of open.items) perEndpoint.set(incident.endpointId, (perEndpoint.get(incident.endpointId) ?? 0) + 1);
  return { lost, doubleOpen: [...perEndpoint].filter(([, n]) => n > 1), openCount: open.items.length };
}

describe(`kill -9 ×${KILLS} while ${ENDPOINTS} endpoints are checked every second`, () => {
  it('on PGlite: no committed result lost, never two open incidents for one endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-kill9-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(inject('pgliteTemplateDir'), join(dir, 'data'), { recursive: true });
    const outcome = await killNineTimes({ DATA_DIR: join(dir, 'data') });
    expect(outcome.lost).toEqual([]);
    expect(outcome.doubleOpen).toEqual([]);
    expect(outcome.openCount).toBeGreaterThan(5);
  }, 120_000);

  it('on PostgreSQL: no committed result lost, never two open incidents for one endpoint', async () => {
    const pg = await startThrowawayPostgres();
    cleanups.push(() => pg.destroy());
    const dir = mkdtempSync(join(tmpdir(), 'vigil-kill9-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const outcome = await killNineTimes({ DATABASE_URL: pg.url, DATA_DIR: dir });
    expect(outcome.lost).toEqual([]);
    expect(outcome.doubleOpen).toEqual([]);
    expect(outcome.openCount).toBeGreaterThan(5);
  }, 120_000);
});
