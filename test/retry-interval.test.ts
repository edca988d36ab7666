/** retryIntervalSeconds, with a real Vigil and a real target: checked sooner while DOWN, back to the interval once it is not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Page, Check } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;

beforeAll(async () => {
  target = await startTargetServer();
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.dispose();
  await target?.close();
});

const checksOf = async (endpoint: Endpoint) => (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks?limit=1000`)).body.items;

describe('retryIntervalSeconds', () => {
  it('checks a DOWN endpoint at its retry interval, and a recovering one until its incident resolves, then goes back to its interval', async () => {
    target.setMode('/retried', { kind: 'ok', status: 503 });
    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'Retried',
      url: target.url('/retried'),
      intervalSeconds: 3600,
      retryIntervalSeconds: 1,
      failureThreshold: 3,
      recoveryThreshold: 2,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.retryIntervalSeconds).toBe(1);

    // Checked at once (DOWN), then every second: the incident opens at the third failure, seconds later, not hours.
    await waitFor(async () => (await checksOf(created.body)).length >= 3, 6000, 'three checks a second apart');
    const failing = (await checksOf(created.body)).reverse();
    expect(failing.slice(0, 3).map((c) => c.status)).toEqual(['DOWN', 'DOWN', 'DOWN']);
    const gaps = failing.slice(1, 3).map((c, i) => Date.parse(c.checkedAt) - Date.parse(failing[i]!.checkedAt));
    // One interval on, on the endpoint's grid of phases (server/scheduler/scheduler.ts): 0.5 to 1.5 s.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(450);
    for (const gap of gaps) expect(gap).toBeLessThan(2500);
    const incidents = await vigil.api<Page<{ resolvedAt: string | null }>>('GET', `/api/incidents?endpointId=${created.body.id}`);
    expect(incidents.body.items).toHaveLength(1);

    target.setMode('/retried', { kind: 'ok' });
    // Recovering: still at the retry interval until the second check in a row that is not DOWN resolves the incident.
    const resolved = async () =>
      (await vigil.api<Page<{ resolvedAt: string | null }>>('GET', `/api/incidents?endpointId=${created.body.id}`)).body.items[0]?.resolvedAt;
    await waitFor(resolved, 6000, 'the incident resolved by the second check that is UP');
    const checks = await checksOf(created.body);
    expect(checks.slice(0, 2).map((c) => c.status)).toEqual(['UP', 'UP']);
    expect(await resolved()).toBe(checks[0]!.checkedAt);
    const countAtRecovery = checks.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // Back at 3600 s: no further check.
    expect((await checksOf(created.body)).length).toBe(countAtRecovery);
    expect(vigil.errors).toEqual([]);
  });

  it('takes null to mean the interval, and is refused outside 1..86400 or as text', async () => {
    const bad = await vigil.api('POST', '/api/endpoints', { name: 'x', url: target.url('/x'), retryIntervalSeconds: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'retryIntervalSeconds', message: 'must be at least 1', code: 'too_small', params: { min: 1 } }]);
    const text = await vigil.api('POST', '/api/endpoints', { name: 'x', url: target.url('/x'), retryIntervalSeconds: '10' });
    expect(text.status).toBe(400);
    const none = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'y', url: target.url('/y'), paused: true, retryIntervalSeconds: null });
    expect(none.body.retryIntervalSeconds).toBeNull();
  });
});
