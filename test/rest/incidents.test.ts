/** GET /api/incidents: opening, counting, resolving, filtering and paging incidents. */
import { describe, expect, it } from 'vitest';
import type { Check, Incident, Page } from '../../server/contract/types.ts';
import { ISO, UUID, unique, idsOf, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import type { TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get, allPages } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});

describe('GET /api/incidents', () => {
  it('lists open and resolved incidents with their endpoint name, filtered by status and endpointId', async () => {
    const resolvingPath = `/${unique('resolving')}`;
    const openPath = `/${unique('open')}`;
    target.setMode(resolvingPath, { kind: 'ok', status: 500 });
    target.setMode(openPath, { kind: 'ok', status: 503 });
    const resolving = await create({ path: resolvingPath, failureThreshold: 1, name: unique('Resolving API') });
    const stillOpen = await create({ path: openPath, failureThreshold: 1, name: unique('Open API') });
    const opening = await checkNow(resolving);
    await checkNow(stillOpen);
    target.setMode(resolvingPath, { kind: 'ok', status: 200 });
    const resolvingCheck = await checkNow(resolving);

    const incidentsOf = async (query: string) => {
      const res = await vigil.api<Page<Incident>>('GET', `/api/incidents?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items;
    };

    const [resolved] = await incidentsOf(`endpointId=${resolving.id}`);
    expect(resolved).toEqual({
      id: expect.stringMatching(UUID),
      endpointId: resolving.id,
      endpointName: resolving.name,
      startedAt: opening.checkedAt,
      resolvedAt: resolvingCheck.checkedAt,
      failureCount: 1,
      errorMessage: expect.any(String),
      errorCode: expect.any(String),
      errorParams: expect.any(Object),
      causedBy: null,
    });
    const [open] = await incidentsOf(`endpointId=${stillOpen.id}`);
    expect(open).toMatchObject({ endpointId: stillOpen.id, endpointName: stillOpen.name, resolvedAt: null, failureCount: 1 });

    const allOpen = await incidentsOf('status=open&limit=500');
    expect(idsOf(allOpen)).toContain(open!.id);
    expect(idsOf(allOpen)).not.toContain(resolved!.id);
    for (const incident of allOpen) expect(incident.resolvedAt).toBeNull();

    const allResolved = await incidentsOf('status=resolved&limit=500');
    expect(idsOf(allResolved)).toContain(resolved!.id);
    expect(idsOf(allResolved)).not.toContain(open!.id);
    for (const incident of allResolved) expect(incident.resolvedAt).toMatch(ISO);

    expect(await incidentsOf(`status=open&endpointId=${resolving.id}`)).toEqual([]);
    expect(idsOf(await incidentsOf(`status=resolved&endpointId=${resolving.id}`))).toEqual([resolved!.id]);
    expect(await incidentsOf(`endpointId=${crypto.randomUUID()}`)).toEqual([]);
  });

  it('opens an incident at exactly failureThreshold DOWN checks and counts further ones into it', async () => {
    const path = `/${unique('threshold')}`;
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await create({ path, failureThreshold: 2 });
    const incidentsOf = async () => (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;

    await checkNow(endpoint);
    expect(await incidentsOf()).toEqual([]);
    const second = await checkNow(endpoint);
    expect(await incidentsOf()).toMatchObject([{ startedAt: second.checkedAt, failureCount: 2, resolvedAt: null }]);
    await checkNow(endpoint);
    expect(await incidentsOf()).toMatchObject([{ startedAt: second.checkedAt, failureCount: 3, resolvedAt: null }]);
    expect(await get(endpoint.id)).toMatchObject({ status: 'DOWN', consecutiveFailures: 3 });
  });

  it('opens only one incident when several checks of a failing endpoint run at once', async () => {
    const path = `/${unique('stampede')}`;
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await create({ path, failureThreshold: 1 });

    const answers = await Promise.all(Array.from({ length: 8 }, () => vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`)));

    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(8);
    const incidents = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ resolvedAt: null, failureCount: 8 });
    expect(await get(endpoint.id)).toMatchObject({ status: 'DOWN', consecutiveFailures: 8 });
    expect((await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items).toHaveLength(8);
  });

  it('lists one endpoint’s incidents newest first across pages', async () => {
    const path = `/${unique('flappy')}`;
    const endpoint = await create({ path, failureThreshold: 1 });
    const starts: string[] = [];
    for (let i = 0; i < 3; i++) {
      target.setMode(path, { kind: 'ok', status: 500 });
      starts.push((await checkNow(endpoint)).checkedAt);
      target.setMode(path, { kind: 'ok', status: 200 });
      await checkNow(endpoint);
    }

    const pages = await allPages<Incident>('/api/incidents', { endpointId: endpoint.id, limit: '2' });

    expect(pages.map((p) => p.items.length)).toEqual([2, 1]);
    expect(pages.flatMap((p) => p.items.map((i) => i.startedAt))).toEqual([...starts].reverse());
  });
});

describe('recoveryThreshold', () => {
  it('keeps the incident open until that many checks in a row are not DOWN; a DOWN one starts the count again', async () => {
    const path = `/${unique('recovering')}`;
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await create({ path, failureThreshold: 1, recoveryThreshold: 2 });
    expect(endpoint.recoveryThreshold).toBe(2);
    const opening = await checkNow(endpoint);
    const openOnes = async () => (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}&status=open`)).body.items;

    target.setMode(path, { kind: 'ok', status: 200 });
    await checkNow(endpoint);
    expect(await openOnes()).toHaveLength(1);
    expect((await get(endpoint.id)).status).toBe('UP');
    target.setMode(path, { kind: 'ok', status: 500 });
    await checkNow(endpoint);
    target.setMode(path, { kind: 'ok', status: 200 });
    await checkNow(endpoint);
    expect(await openOnes()).toHaveLength(1);
    const resolving = await checkNow(endpoint);

    expect(await openOnes()).toEqual([]);
    const [incident] = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(incident).toMatchObject({ startedAt: opening.checkedAt, resolvedAt: resolving.checkedAt, failureCount: 2 });
  });

  it('is refused outside 1..100 with a precise 400', async () => {
    const res = await vigil.api('POST', '/api/endpoints', { name: 'x', url: target.url('/x'), recoveryThreshold: 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'recoveryThreshold', message: 'must be at least 1', code: 'too_small', params: { min: 1 } }]);
  });
});
