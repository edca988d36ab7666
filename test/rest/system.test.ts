/** Routes about the instance: probes, the OpenAPI document, the summary. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Summary } from '../../server/contract/types.ts';
import { unique, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});

describe('probes', () => {
  it('answers GET /healthz with 200 {status:"ok"}', async () => {
    const res = await vigil.api('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers GET /readyz with 200 while the database answers', async () => {
    expect((await vigil.api('GET', '/readyz')).status).toBe(200);
  });

  it('answers GET /metrics in Prometheus text format, with vigil_endpoints', async () => {
    const res = await vigil.api<string>('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.body).toContain('vigil_endpoints');
    expect(res.body).toMatch(/^# TYPE vigil_endpoints gauge$/m);
    for (const line of res.body.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/);
    }
  });
});

describe('GET /api/openapi.json', () => {
  it('answers an OpenAPI 3.1 document describing every route of the contract', async () => {
    const res = await vigil.api<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(res.body.openapi).toMatch(/^3\.1(\.\d+)?$/);
    const routes: [string, string][] = [
      ['/api/endpoints', 'get'],
      ['/api/endpoints', 'post'],
      ['/api/endpoints/{id}', 'get'],
      ['/api/endpoints/{id}', 'patch'],
      ['/api/endpoints/{id}', 'delete'],
      ['/api/endpoints/{id}/check', 'post'],
      ['/api/endpoints/{id}/pause', 'post'],
      ['/api/endpoints/{id}/resume', 'post'],
      ['/api/endpoints/{id}/checks', 'get'],
      ['/api/endpoints/{id}/uptime', 'get'],
      ['/api/checks/recent', 'get'],
      ['/api/incidents', 'get'],
      ['/api/summary', 'get'],
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
    ];
    for (const [path, method] of routes) expect(res.body.paths?.[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });
});

describe('GET /api/summary', () => {
  let own: TestVigil;

  beforeAll(async () => {
    own = await startTestVigil();
  });
  afterAll(async () => {
    await own?.dispose();
  });

  it('answers all zeros on an empty instance', async () => {
    const res = await own.api<Summary>('GET', '/api/summary');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ total: 0, up: 0, down: 0, degraded: 0, pending: 0, maintenance: 0, paused: 0, openIncidents: 0 });
  });

  it('counts endpoints by status, paused ones and open incidents', async () => {
    const downPath = `/${unique('sum-down')}`;
    const slowPath = `/${unique('sum-slow')}`;
    target.setMode(downPath, { kind: 'ok', status: 500 });
    target.setMode(slowPath, { kind: 'slow', delayMs: 60 });
    const up = await create({}, own);
    const down = await create({ path: downPath, failureThreshold: 1 }, own);
    const degraded = await create({ path: slowPath, degradedThresholdMs: 20 }, own);
    for (const endpoint of [up, down, degraded]) expect((await own.api('POST', `/api/endpoints/${endpoint.id}/resume`)).status).toBe(200);
    // Each endpoint's first check is recorded (their order is not the point here: the counting is).
    const statusOf = async (endpoint: Endpoint) => (await own.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.status;
    await waitFor(async () => (await statusOf(degraded)) === 'DEGRADED', 5000, 'the degraded check');
    await waitFor(async () => (await statusOf(down)) === 'DOWN' && (await statusOf(up)) === 'UP', 5000, 'the up and down checks');

    const res = await own.api<Summary>('GET', '/api/summary');

    expect(res.body).toEqual({ total: 3, up: 1, down: 1, degraded: 1, pending: 0, maintenance: 0, paused: 0, openIncidents: 1 });
    const metrics = await own.api<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/^vigil_endpoints\{status="UP"\} 1$/m);
    expect(metrics.body).toMatch(/^vigil_endpoints\{status="DOWN"\} 1$/m);
    expect(own.errors).toEqual([]);
  });

  it('counts a paused endpoint as paused only, never by its status (the dashboard’s rule): never checked, or DOWN before it was paused', async () => {
    const downPath = `/${unique('sum-paused-down')}`;
    target.setMode(downPath, { kind: 'ok', status: 500 });
    const before = (await own.api<Summary>('GET', '/api/summary')).body;
    await create({}, own);
    await checkNow(await create({ path: downPath }, own), own);

    const after = (await own.api<Summary>('GET', '/api/summary')).body;

    expect(after).toEqual({ ...before, total: before.total + 2, paused: before.paused + 2 });
    expect(after.up + after.down + after.degraded + after.pending + after.paused).toBe(after.total);
    expect(own.errors).toEqual([]);
  });
});
