import { describe, expect, it } from 'vitest';
import { checkResults } from '../db/schema/index.ts';
import type { Check, Endpoint, Incident, IncidentDetail, Page, ProblemDetails } from '../server/contract/types.ts';
import type { TargetServer } from './support/target-server.ts';
import { type TestVigil, useSharedVigil, useTargetServer } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;
let seq = 0;
useTargetServer((t) => (target = t));
useSharedVigil((v) => (vigil = v));

/** A paused endpoint on its own target path, answering `status`. */
async function failingEndpoint(failureThreshold: number, status = 500): Promise<{ endpoint: Endpoint; path: string }> {
  const path = `/incident-${++seq}`;
  target.setMode(path, { kind: 'ok', status });
  const res = await vigil.api<Endpoint>('POST', '/api/endpoints', {
    name: `Incident ${seq}`,
    url: target.url(path),
    intervalSeconds: 3600,
    paused: true,
    failureThreshold,
  });
  expect(res.status).toBe(201);
  return { endpoint: res.body, path };
}

async function checkNow(endpoint: Endpoint): Promise<Check> {
  const res = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

async function incidentOf(endpoint: Endpoint): Promise<Incident> {
  const [incident] = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
  expect(incident).toBeDefined();
  return incident!;
}

describe('GET /api/incidents/:id', () => {
  it('answers the incident with the checks that opened and closed it, oldest first, and nothing after', async () => {
    const { endpoint, path } = await failingEndpoint(2);
    target.setMode(path, { kind: 'ok' });
    const before = await checkNow(endpoint);
    target.setMode(path, { kind: 'ok', status: 500 });
    const firstFailure = await checkNow(endpoint);
    const opening = await checkNow(endpoint);
    const during = await checkNow(endpoint);
    target.setMode(path, { kind: 'ok' });
    const closing = await checkNow(endpoint);
    await checkNow(endpoint); // after the incident: not part of it

    const incident = await incidentOf(endpoint);
    const res = await vigil.api<IncidentDetail>('GET', `/api/incidents/${incident.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...incident, checks: [before, firstFailure, opening, during, closing], omittedChecks: 0 });
    expect(res.body).toMatchObject({ startedAt: opening.checkedAt, resolvedAt: closing.checkedAt, failureCount: 3 });
  });

  it('shows the checks so far while the incident is open', async () => {
    const { endpoint } = await failingEndpoint(1, 503);
    const opening = await checkNow(endpoint);
    const next = await checkNow(endpoint);
    const incident = await incidentOf(endpoint);
    const res = await vigil.api<IncidentDetail>('GET', `/api/incidents/${incident.id}`);
    expect(res.body).toMatchObject({ resolvedAt: null, failureCount: 2, omittedChecks: 0 });
    expect(res.body.checks.map((c) => c.id)).toEqual([opening.id, next.id]);
  });

  it('keeps a long incident to the 10 checks before it and its newest 200, counting the ones left out', async () => {
    const { endpoint } = await failingEndpoint(1);
    const opening = await checkNow(endpoint);
    const start = Date.parse(opening.checkedAt);
    // 12 checks before it, 250 during it (written directly: the rules never see them).
    const row = (offsetMs: number, status: string) => ({
      id: crypto.randomUUID(),
      endpointId: endpoint.id,
      status,
      responseTime: 5,
      statusCode: status === 'UP' ? 200 : 500,
      errorMessage: null,
      checkedAt: new Date(start + offsetMs),
    });
    await vigil.database.db
      .insert(checkResults)
      .values([...Array.from({ length: 12 }, (_, i) => row(-(i + 1) * 1000, 'UP')), ...Array.from({ length: 250 }, (_, i) => row((i + 1) * 10, 'DOWN'))]);
    const incident = await incidentOf(endpoint);
    const { body } = await vigil.api<IncidentDetail>('GET', `/api/incidents/${incident.id}`);
    expect(body.checks).toHaveLength(210);
    expect(body.omittedChecks).toBe(50);
    expect(body.checks[9]!.id).toBe(opening.id);
    expect(body.checks[10]!.checkedAt).toBe(new Date(start + 51 * 10).toISOString());
    expect(body.checks.at(-1)!.checkedAt).toBe(new Date(start + 250 * 10).toISOString());
    const times = body.checks.map((c) => c.checkedAt);
    expect(times).toEqual([...times].sort());
  });

  it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
    const malformed = await vigil.api<ProblemDetails>('GET', '/api/incidents/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toMatchObject([{ path: 'id', message: 'must be a UUID' }]);
    const unknown = await vigil.api<ProblemDetails>('GET', `/api/incidents/${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
  });
});
