import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkResults, endpoints as endpointsTable, incidents as incidentsTable } from '../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import type { Check, Endpoint, Incident, Page, ProblemDetails, SavedEndpoint } from '../server/contract/types.ts';
import { freePort } from './support/free-port.ts';
import type { TargetServer } from './support/target-server.ts';
import { type TestVigil, useSharedVigil, useTargetServer } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;
let seq = 0;
useTargetServer((t) => (target = t));
useSharedVigil((v) => (vigil = v));

async function create(fields: Record<string, unknown>): Promise<SavedEndpoint> {
  const res = await vigil.api<SavedEndpoint>('POST', '/api/endpoints', { name: `Coded ${++seq}`, intervalSeconds: 3600, paused: true, ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const checkNow = async (endpoint: Endpoint) => (await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`)).body;

describe('problem details', () => {
  it('give each field error a code and parameters beside its English message', async () => {
    const res = await vigil.api<ProblemDetails>('POST', '/api/endpoints', {
      name: 'x'.repeat(101),
      url: 'ftp://example.com/',
      timeoutMs: 50,
      expectedStatusCodes: ['299-200'],
      colour: 'red',
    });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'invalid_input' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'must be at most 100 characters', code: 'too_long', params: { max: 100 } },
        { path: 'url', message: 'must be an absolute http(s)://, tcp://, tls:// or dns: URL', code: 'invalid_url', params: {} },
        { path: 'timeoutMs', message: 'must be at least 100', code: 'too_small', params: { min: 100 } },
        { path: 'expectedStatusCodes.0', message: 'range "299-200" ends before it starts', code: 'status_range_reversed', params: { spec: '299-200' } },
        { path: 'colour', message: 'is not a known field', code: 'unknown_field', params: {} },
      ]),
    );
  });

  it('give a missing endpoint not_found with its resource and id, and malformed JSON its own code', async () => {
    const id = randomUUID();
    const missing = await vigil.api<ProblemDetails>('GET', `/api/endpoints/${id}`);
    expect(missing.body).toMatchObject({ status: 404, code: 'not_found', params: { resource: 'Endpoint', id } });

    const malformed = await fetch(`${vigil.url}/api/endpoints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    const body = (await malformed.json()) as ProblemDetails;
    expect(body.errors?.[0]).toMatchObject({ path: '', code: 'malformed_json', message: expect.stringMatching(/^malformed JSON: /) });
  });
});

describe('the degraded threshold and the timeout', () => {
  it.each([
    ['at', 1000],
    ['above', 1500],
  ])('refuses a threshold sent %s the timeout (%i ms, timeout 1000 ms) with a 400 naming degradedThresholdMs', async (_, degradedThresholdMs) => {
    const res = await vigil.api<ProblemDetails>('POST', '/api/endpoints', { name: 'Never slow', url: target.url('/x'), timeoutMs: 1000, degradedThresholdMs });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: 'degradedThresholdMs',
        message: 'must be less than timeoutMs (1000): a check is cut off at the timeout, so it could never be DEGRADED',
        code: 'degraded_not_below_timeout',
        params: { degradedThresholdMs, timeoutMs: 1000 },
      },
    ]);
  });

  it('refuses the same on PATCH, and keeps the endpoint as it was', async () => {
    const endpoint = await create({ url: target.url('/patched'), timeoutMs: 5000, degradedThresholdMs: 1000 });
    const res = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, { degradedThresholdMs: 5000 });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({ path: 'degradedThresholdMs', code: 'degraded_not_below_timeout' });
    expect((await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.degradedThresholdMs).toBe(1000);
  });

  it('accepts a short timeout with the default threshold, warning that it can never be DEGRADED', async () => {
    const endpoint = await create({ url: target.url('/short'), timeoutMs: 1000 });
    expect(endpoint.warnings).toEqual([
      {
        path: 'degradedThresholdMs',
        code: 'degraded_unreachable',
        params: { degradedThresholdMs: 2000, timeoutMs: 1000 },
        message: 'degradedThresholdMs (2000) is not below timeoutMs (1000): this endpoint can never be DEGRADED',
      },
    ]);
  });

  it('accepts a timeout longer than the interval with a warning, on create and on update, and none once it is fixed', async () => {
    const endpoint = await create({ url: target.url('/odd'), intervalSeconds: 5, timeoutMs: 10_000 });
    const warning = {
      path: 'timeoutMs',
      code: 'timeout_exceeds_interval',
      params: { timeoutMs: 10_000, intervalSeconds: 5 },
      message: expect.stringContaining('longer than the interval (5 s)'),
    };
    expect(endpoint.warnings).toEqual([warning]);

    const renamed = await vigil.api<SavedEndpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { name: 'Still odd' });
    expect(renamed.body.warnings).toEqual([warning]);

    const fixed = await vigil.api<SavedEndpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { timeoutMs: 4000 });
    expect(fixed.status).toBe(200);
    expect(fixed.body).not.toHaveProperty('warnings');
    // A read carries the endpoint only.
    expect((await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body).not.toHaveProperty('warnings');
  });
});

describe('check results against a real target', () => {
  it.each([
    ['times out', { kind: 'hang' } as const, { timeoutMs: 300, degradedThresholdMs: 100 }, 'timeout', {}, 'Timeout exceeded'],
    [
      'answers 500',
      { kind: 'ok', status: 500 } as const,
      {},
      'unexpected_status',
      { status: 500, expected: '200-299' },
      'Unexpected status code 500 (expected 200-299)',
    ],
  ])('codes a target that %s, on the check, the endpoint and the incident', async (_, mode, fields, errorCode, errorParams, errorMessage) => {
    const path = `/target-${++seq}`;
    target.setMode(path, mode);
    const endpoint = await create({ url: target.url(path), failureThreshold: 1, ...fields });

    const check = await checkNow(endpoint);
    expect(check).toMatchObject({ status: 'DOWN', errorMessage, errorCode, errorParams });

    const listed = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(listed.body.items[0]).toMatchObject({ id: check.id, errorMessage, errorCode, errorParams });
    const read = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(read.body).toMatchObject({ lastErrorMessage: errorMessage, lastErrorCode: errorCode, lastErrorParams: errorParams });
    const incidents = await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`);
    expect(incidents.body.items[0]).toMatchObject({ errorMessage, errorCode, errorParams });
  });

  it('codes a refused connection with its host and port', async () => {
    const port = await freePort();
    const endpoint = await create({ url: `http://127.0.0.1:${port}/down` });
    expect(await checkNow(endpoint)).toMatchObject({
      status: 'DOWN',
      errorMessage: `Connection refused (127.0.0.1:${port})`,
      errorCode: 'refused',
      errorParams: { host: '127.0.0.1', port },
    });
  });

  it('codes a slow answer as slow, with its time and the threshold', async () => {
    const path = `/slow-${++seq}`;
    target.setMode(path, { kind: 'slow', delayMs: 150 });
    const endpoint = await create({ url: target.url(path), degradedThresholdMs: 50 });
    const check = await checkNow(endpoint);
    expect(check).toMatchObject({ status: 'DEGRADED', errorCode: 'slow', errorParams: { responseTime: check.responseTime, threshold: 50 } });
  });

  it('gives no code to an UP check', async () => {
    const endpoint = await create({ url: target.url('/fine') });
    expect(await checkNow(endpoint)).toMatchObject({ status: 'UP', errorMessage: null, errorCode: null, errorParams: null });
  });
});

describe('rows stored before codes existed', () => {
  it('get the code of their sentence, and a sentence no code writes keeps its English text with a null code', async () => {
    const endpoint = await create({ url: target.url('/old') });
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const { db } = vigil.database;
    await db.insert(checkResults).values([
      { id: randomUUID(), endpointId: endpoint.id, status: 'DOWN', responseTime: 10_000, statusCode: null, errorMessage: 'Timeout exceeded', checkedAt: at(1) },
      { id: randomUUID(), endpointId: endpoint.id, status: 'DOWN', responseTime: 3, statusCode: null, errorMessage: 'socket hang up', checkedAt: at(2) },
    ]);
    await db
      .update(endpointsTable)
      .set({ status: 'DOWN', lastErrorMessage: 'socket hang up', lastCheckedAt: at(2) })
      .where(eq(endpointsTable.id, endpoint.id));
    await db
      .insert(incidentsTable)
      .values({ id: randomUUID(), endpointId: endpoint.id, startedAt: at(1), resolvedAt: at(3), failureCount: 2, errorMessage: 'Timeout exceeded' });

    const checks = (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items;
    expect(checks.map((c) => [c.errorMessage, c.errorCode, c.errorParams])).toEqual([
      ['socket hang up', null, null],
      ['Timeout exceeded', 'timeout', {}],
    ]);
    const read = (await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body;
    expect(read).toMatchObject({ lastErrorMessage: 'socket hang up', lastErrorCode: null, lastErrorParams: null });
    const [incident] = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(incident).toMatchObject({ errorMessage: 'Timeout exceeded', errorCode: 'timeout', errorParams: {} });
  });
});
