/** Endpoints over REST: create, read, change, delete, pause and resume. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkResults, incidents as incidentsTable } from '../../db/schema/index.ts';
import type { Endpoint, Incident, Page } from '../../server/contract/types.ts';
import { ISO, UUID, unique, idsOf, pathOf, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { waitFor, type TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get, list } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});

describe('POST /api/endpoints', () => {
  it('creates an endpoint from a name and a URL, answering 201, a Location header and every default of the contract', async () => {
    const url = target.url(`/${unique('defaults')}`);
    const before = Date.now();

    const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'API Server', url });

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const endpoint = res.body;
    expect(endpoint.id).toMatch(UUID);
    expect(res.headers.get('location')).toMatch(new RegExp(`/api/endpoints/${endpoint.id}$`));
    expect(endpoint).toEqual({
      id: endpoint.id,
      name: 'API Server',
      type: 'http',
      url,
      method: 'GET',
      headers: {},
      secretHeaders: [],
      body: null,
      intervalSeconds: 60,
      retryIntervalSeconds: null,
      timeoutMs: 10000,
      expectedStatusCodes: ['200-299'],
      degradedThresholdMs: 2000,
      certificateWarningDays: 14,
      graceSeconds: 60,
      cron: null,
      timezone: null,
      failureThreshold: 3,
      recoveryThreshold: 1,
      slaTarget: null,
      assertions: [],
      paused: false,
      tags: [],
      parentId: null,
      status: 'PENDING',
      lastCheckedAt: null,
      lastResponseTime: null,
      lastStatusCode: null,
      lastErrorMessage: null,
      lastErrorCode: null,
      lastErrorParams: null,
      consecutiveFailures: 0,
      certificateExpiresAt: null,
      lastPingAt: null,
      nextDeadlineAt: null,
      maintenance: null,
      createdAt: endpoint.createdAt,
      updatedAt: endpoint.updatedAt,
    });
    expect(endpoint.createdAt).toMatch(ISO);
    expect(endpoint.updatedAt).toBe(endpoint.createdAt);
    expect(Date.parse(endpoint.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(endpoint.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('answers at the Location it gives the same endpoint it created', async () => {
    const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Located', url: target.url(`/${unique('loc')}`), paused: true });
    const location = new URL(res.headers.get('location')!, vigil.url).pathname;

    const fetched = await vigil.api<Endpoint>('GET', location);

    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('keeps every field it was given', async () => {
    const fields = {
      name: 'Zürich ☃ Orders API',
      url: target.url(`/${unique('full')}?verbose=1`),
      method: 'POST',
      headers: { 'X-Trace': 'abc', Accept: 'application/json' },
      body: '{"ping":true}',
      intervalSeconds: 86400,
      timeoutMs: 60000,
      expectedStatusCodes: ['200', '201-204', '418'],
      degradedThresholdMs: 1,
      failureThreshold: 100,
      paused: true,
      tags: ['prod', 'eu'],
    } as const;

    const res = await vigil.api<Endpoint>('POST', '/api/endpoints', fields);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(fields);
    expect(await get(res.body.id)).toEqual(res.body);
  });

  it('accepts the smallest allowed values', async () => {
    const endpoint = await create({ intervalSeconds: 1, timeoutMs: 100, failureThreshold: 1, degradedThresholdMs: 1, name: 'x' });
    expect(endpoint).toMatchObject({ intervalSeconds: 1, timeoutMs: 100, failureThreshold: 1, degradedThresholdMs: 1, name: 'x' });
  });

  it('normalises status codes given as numbers to strings', async () => {
    const endpoint = await create({ expectedStatusCodes: [200, '300-399', 404] });

    expect(endpoint.expectedStatusCodes).toEqual(['200', '300-399', '404']);
    expect((await get(endpoint.id)).expectedStatusCodes).toEqual(['200', '300-399', '404']);
  });
});

describe('GET /api/endpoints/:id', () => {
  it('answers the endpoint as it was created', async () => {
    const endpoint = await create({ tags: ['one'] });
    expect(await get(endpoint.id)).toEqual(endpoint);
  });

  it('shows the last check once one ran', async () => {
    const endpoint = await create();
    const check = await checkNow(endpoint);

    expect(await get(endpoint.id)).toMatchObject({
      status: 'UP',
      lastCheckedAt: check.checkedAt,
      lastResponseTime: check.responseTime,
      lastStatusCode: 200,
      lastErrorMessage: null,
      consecutiveFailures: 0,
    });
  });
});

describe('PATCH /api/endpoints/:id', () => {
  it('changes only the fields it is given, keeps the others and moves updatedAt', async () => {
    const endpoint = await create({ tags: ['a'], headers: { 'X-A': '1' } });
    await waitFor(() => Date.now() > Date.parse(endpoint.updatedAt) + 1);

    const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { name: 'Renamed', timeoutMs: 5000, tags: ['b', 'c'] });

    expect(res.status).toBe(200);
    expect({ ...res.body, updatedAt: null }).toEqual({ ...endpoint, name: 'Renamed', timeoutMs: 5000, tags: ['b', 'c'], updatedAt: null });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(endpoint.updatedAt));
    expect(res.body.createdAt).toBe(endpoint.createdAt);
    expect(await get(endpoint.id)).toEqual(res.body);
  });

  it('accepts an empty object and changes no field', async () => {
    const endpoint = await create();

    const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, {});

    expect(res.status).toBe(200);
    expect({ ...res.body, updatedAt: null }).toEqual({ ...endpoint, updatedAt: null });
  });

  it('sets a body and method together, then clears the body again', async () => {
    const endpoint = await create();

    const withBody = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { method: 'PUT', body: 'x=1' });
    expect(withBody.status).toBe(200);
    expect(withBody.body).toMatchObject({ method: 'PUT', body: 'x=1' });

    const cleared = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { method: 'HEAD', body: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ method: 'HEAD', body: null });
  });

  it('normalises status codes given as numbers, as on creation', async () => {
    const endpoint = await create();
    const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { expectedStatusCodes: [204, '300-302'] });
    expect(res.body.expectedStatusCodes).toEqual(['204', '300-302']);
  });

  it('judges the next check with the new rules at once', async () => {
    const path = `/${unique('teapot')}`;
    target.setMode(path, { kind: 'ok', status: 418 });
    const endpoint = await create({ path });
    expect((await checkNow(endpoint)).status).toBe('DOWN');

    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { expectedStatusCodes: ['418'] });

    expect((await checkNow(endpoint)).status).toBe('UP');
  });
});

describe('PATCH and the schedule', () => {
  it('checks at the new interval at once when intervalSeconds is shortened', async () => {
    const endpoint = await create({ paused: false, intervalSeconds: 3600 });
    await waitFor(async () => (await get(endpoint.id)).lastCheckedAt !== null, 10_000, 'the first check');
    const hitsBefore = target.hits(pathOf(endpoint));

    const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { intervalSeconds: 1 });
    expect(res.status).toBe(200);

    await waitFor(() => target.hits(pathOf(endpoint)) >= hitsBefore + 2, 8_000, 'two checks at the 1 s interval');
    expect((await vigil.api<Endpoint>('POST', `/api/endpoints/${endpoint.id}/pause`)).body.paused).toBe(true);
  });
});

describe('DELETE /api/endpoints/:id', () => {
  it('answers 204 with no body, then 404 on GET, PATCH, DELETE and a check now', async () => {
    const endpoint = await create();

    const res = await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();

    for (const [method, suffix, body] of [
      ['GET', ''],
      ['PATCH', '', { name: 'x' }],
      ['DELETE', ''],
      ['POST', '/check'],
    ] as const) {
      const again = await vigil.api(method, `/api/endpoints/${endpoint.id}${suffix}`, body);
      expect(again.status, `${method} /api/endpoints/:id${suffix}`).toBe(404);
      expect(again.headers.get('content-type'), `${method} /api/endpoints/:id${suffix}`).toMatch(/^application\/problem\+json/);
    }
    expect(idsOf((await list({ limit: '500' })).items)).not.toContain(endpoint.id);
  });

  it('deletes its checks and incidents with it', async () => {
    const path = `/${unique('doomed')}`;
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await create({ path, failureThreshold: 1 });
    await checkNow(endpoint);
    await checkNow(endpoint);
    expect((await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items).toHaveLength(1);

    expect((await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`)).status).toBe(204);

    expect((await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items).toEqual([]);
    expect((await vigil.api('GET', `/api/endpoints/${endpoint.id}/checks`)).status).toBe(404);
    expect((await vigil.api('GET', `/api/endpoints/${endpoint.id}/uptime`)).status).toBe(404);
    const db = vigil.database.db;
    expect(await db.select().from(checkResults).where(eq(checkResults.endpointId, endpoint.id))).toEqual([]);
    expect(await db.select().from(incidentsTable).where(eq(incidentsTable.endpointId, endpoint.id))).toEqual([]);
  });
});

describe('POST /api/endpoints/:id/pause and /resume', () => {
  it('answers the endpoint with paused flipped each way', async () => {
    const endpoint = await create({ paused: true, intervalSeconds: 3600 });

    const resumed = await vigil.api<Endpoint>('POST', `/api/endpoints/${endpoint.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: endpoint.id, name: endpoint.name, paused: false });
    expect((await get(endpoint.id)).paused).toBe(false);

    const paused = await vigil.api<Endpoint>('POST', `/api/endpoints/${endpoint.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: endpoint.id, paused: true });
    expect((await get(endpoint.id)).paused).toBe(true);
  });

  it('is idempotent: pausing a paused endpoint answers it paused', async () => {
    const endpoint = await create({ paused: true });
    const res = await vigil.api<Endpoint>('POST', `/api/endpoints/${endpoint.id}/pause`);
    expect(res.status).toBe(200);
    expect(res.body.paused).toBe(true);
  });

  it('checks a resumed endpoint at once', async () => {
    const endpoint = await create({ paused: true, intervalSeconds: 3600 });
    expect(target.hits(pathOf(endpoint))).toBe(0);

    await vigil.api('POST', `/api/endpoints/${endpoint.id}/resume`);

    await waitFor(async () => (await get(endpoint.id)).status === 'UP', 10_000, 'the check after resuming');
    expect(target.hits(pathOf(endpoint))).toBeGreaterThanOrEqual(1);
    await vigil.api('POST', `/api/endpoints/${endpoint.id}/pause`);
  });
});
