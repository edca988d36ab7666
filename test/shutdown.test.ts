import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, rowsOf } from '../db/client.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startVigilProcess, type VigilProcess } from './support/vigil-process.ts';
import { createTestDatabase, waitFor, type TestDatabase } from './support/vigil.ts';

// Vigil as a real process receiving real signals, on the database under test.
let target: TargetServer;
let database: TestDatabase;
let vigil: VigilProcess | undefined;

beforeAll(async () => {
  target = await startTargetServer();
});
afterEach(async () => {
  await vigil?.kill();
  vigil = undefined;
  await database?.dispose();
});
afterAll(async () => {
  await target?.close();
});

async function start(env: Record<string, string> = {}) {
  database = await createTestDatabase();
  vigil = await startVigilProcess({ env: { ...database.env, SHUTDOWN_TIMEOUT_MS: '5000', ...env } });
  return vigil;
}

async function createEndpoints(count: number, prefix: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const path = `/${prefix}-${i + j}`;
        const res = await vigil!.fetch('/api/endpoints', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: path, url: target.url(path), intervalSeconds: 1, ...extra }),
        });
        expect(res.status).toBe(201);
        paths.push(path);
      }),
    );
  }
  return paths;
}

/** Check results stored, read after Vigil has exited. */
async function storedChecks(): Promise<number> {
  const handle = await createDatabase({ databaseUrl: database.env.DATABASE_URL, dataDir: database.env.DATA_DIR ?? '', maxConnections: 1 });
  try {
    return Number(rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from check_results`))[0]!.n);
  } finally {
    await handle.close();
  }
}

describe('a stop signal under load', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s loses no finished check: every request the targets answered has its stored result', async (signal) => {
    const prefix = `load-${signal}-${Date.now()}`;
    for (let i = 0; i < 150; i++) target.setMode(`/${prefix}-${i}`, { kind: 'slow', delayMs: 400 });
    await start();
    const paths = await createEndpoints(150, prefix);
    const hits = () => paths.reduce((n, p) => n + target.hits(p), 0);
    const inFlight = () => target.requests.filter((r) => r.path.startsWith(`/${prefix}-`) && Date.now() - r.at < 350).length;
    await waitFor(() => hits() >= 300 && inFlight() >= 20, 30_000, 'checks running under load');

    const inFlightAtSignal = inFlight();
    const signalledAt = Date.now();
    vigil!.proc.kill(signal);
    const exit = await vigil!.exited;
    const stopMs = Date.now() - signalledAt;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(inFlightAtSignal).toBeGreaterThanOrEqual(20);
    expect(stopMs, 'running checks finish within the shutdown timeout').toBeLessThan(5000);
    expect(vigil!.logs.map((l) => l.msg)).toEqual(expect.arrayContaining([`${signal} received: finishing running checks, then stopping`, 'stopped']));
    expect(vigil!.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    // Nothing was cut short: the targets saw exactly as many requests as there are results.
    expect(await storedChecks()).toBe(hits());
  });

  it('stops within the shutdown timeout when a check hangs, abandons it without recording a DOWN result, says so once, and exits 0', async () => {
    const prefix = `hang-${Date.now()}`;
    target.setMode(`/${prefix}-0`, { kind: 'hang' });
    await start({ SHUTDOWN_TIMEOUT_MS: '1500' });
    await createEndpoints(1, prefix, { timeoutMs: 60_000 });
    await waitFor(() => target.hits(`/${prefix}-0`) >= 1, 10_000, 'the hanging check to start');

    const signalledAt = Date.now();
    vigil!.proc.kill('SIGTERM');
    const exit = await vigil!.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - signalledAt).toBeLessThan(1500 + 4000);
    const abandoned = vigil!.logs.filter((l) => /abandoned/.test(l.msg));
    expect(abandoned).toEqual([
      expect.objectContaining({
        level: 'warn',
        abandoned: 1,
        msg: expect.stringMatching(/1 checks did not finish within SHUTDOWN_TIMEOUT_MS \(1500 ms\) and were abandoned, not recorded/),
      }),
    ]);
    expect(vigil!.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    // The check was cut off by the shutdown, not failed by its target: nothing is stored for it.
    expect(await storedChecks()).toBe(0);
  });
});
