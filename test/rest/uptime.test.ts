/** GET /api/endpoints/:id/uptime: the three windows' percentages. */
import { describe, expect, it } from 'vitest';
import type { Check, Uptime } from '../../server/contract/types.ts';
import { unique, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import type { TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});

describe('GET /api/endpoints/:id/uptime', () => {
  it('answers three empty windows before any check', async () => {
    const endpoint = await create();

    const res = await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);

    expect(res.status).toBe(200);
    const empty = { uptime: null, checks: 0, avgResponseTime: null };
    expect(res.body).toEqual({ '24h': empty, '7d': empty, '30d': empty });
  });

  it('counts 3 UP and 1 DOWN checks as 75 % in every window', async () => {
    const path = `/${unique('mix')}`;
    const endpoint = await create({ path });
    const made: Check[] = [];
    for (const status of [200, 500, 200, 200]) {
      target.setMode(path, { kind: 'ok', status });
      made.push(await checkNow(endpoint));
    }
    expect(made.map((c) => c.status)).toEqual(['UP', 'DOWN', 'UP', 'UP']);

    const res = await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);

    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['24h', '30d', '7d']);
    const times = made.map((c) => c.responseTime);
    for (const window of ['24h', '7d', '30d'] as const) {
      const w = res.body[window];
      expect(w.uptime, window).toBe(75);
      expect(w.checks, window).toBe(4);
      expect(Number.isInteger(w.avgResponseTime), window).toBe(true);
      expect(w.avgResponseTime!).toBeGreaterThanOrEqual(Math.min(...times));
      expect(w.avgResponseTime!).toBeLessThanOrEqual(Math.max(...times));
    }
  });

  it('answers 0 % when every check was DOWN and 100 % when none was', async () => {
    const downPath = `/${unique('alldown')}`;
    target.setMode(downPath, { kind: 'ok', status: 502 });
    const down = await create({ path: downPath });
    const up = await create();
    for (let i = 0; i < 2; i++) {
      await checkNow(down);
      await checkNow(up);
    }

    expect((await vigil.api<Uptime>('GET', `/api/endpoints/${down.id}/uptime`)).body['24h']).toMatchObject({ uptime: 0, checks: 2 });
    expect((await vigil.api<Uptime>('GET', `/api/endpoints/${up.id}/uptime`)).body['24h']).toMatchObject({ uptime: 100, checks: 2 });
  });

  it('gives a percentage with a fraction for 2 UP out of 3', async () => {
    const path = `/${unique('third')}`;
    const endpoint = await create({ path });
    for (const status of [200, 200, 500]) {
      target.setMode(path, { kind: 'ok', status });
      await checkNow(endpoint);
    }
    const window = (await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body['7d'];
    expect(window.uptime).toBeCloseTo(66.667, 2);
    expect(window.checks).toBe(3);
  });
});
