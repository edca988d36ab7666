/**
 * Dependencies: an endpoint's parentId, validated (exists, no loops), cleared when the parent goes,
 * carried by import and export; an incident opened while the parent is DOWN or in maintenance is
 * blamed on it, in the incident, its events and the webhook (which stays quiet about it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint, EndpointsFile, Incident, IncidentDetail, Page, ProblemDetails } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, received, subscribeToAll } from '../support/realtime-clients.ts';
import { unique, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});
afterEach(closeRealtimeClients);

const refused = async (method: string, path: string, body: unknown) => {
  const res = await vigil.api<ProblemDetails>(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  return res.body.errors ?? [];
};
const openIncidentOf = async (endpoint: Endpoint, on = vigil) =>
  (await on.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}&status=open`)).body.items[0];

describe('parentId', () => {
  it('names an existing endpoint; the child reads it back, and loses it when the parent is deleted', async () => {
    const parent = await create();
    const child = await create({ parentId: parent.id.toUpperCase() });
    expect(child.parentId).toBe(parent.id);
    expect((await get(child.id)).parentId).toBe(parent.id);
    const client = await subscribeToAll(await connectSocketIo(vigil.port));
    expect((await vigil.api('DELETE', `/api/endpoints/${parent.id}`)).status).toBe(204);
    const updated = await received(client, (e) => e.event === 'endpoint:updated' && e.data.id === child.id, "the child's update");
    expect(updated.data.parentId).toBeNull();
    expect((await get(child.id)).parentId).toBeNull();
  });

  it('refuses an unknown parent, the endpoint itself, a loop and a malformed id, and keeps what was stored', async () => {
    const a = await create();
    const b = await create({ parentId: a.id });
    expect(await refused('POST', '/api/endpoints', { name: unique('x'), url: target.url('/x'), parentId: randomUUID() })).toEqual([
      expect.objectContaining({ path: 'parentId', code: 'unknown_endpoint' }),
    ]);
    expect(await refused('PATCH', `/api/endpoints/${a.id}`, { parentId: a.id })).toEqual([expect.objectContaining({ path: 'parentId', code: 'self_parent' })]);
    expect(await refused('PATCH', `/api/endpoints/${a.id}`, { parentId: b.id })).toEqual([
      expect.objectContaining({ path: 'parentId', code: 'parent_cycle', params: { id: b.id, name: b.name } }),
    ]);
    expect(await refused('PATCH', `/api/endpoints/${a.id}`, { parentId: 'db' })).toEqual([expect.objectContaining({ path: 'parentId', code: 'invalid_uuid' })]);
    expect((await get(a.id)).parentId).toBeNull();
    expect((await get(b.id)).parentId).toBe(a.id);
  });

  it('lists the endpoints depending on one with ?parentId=', async () => {
    const parent = await create();
    const children = [await create({ parentId: parent.id }), await create({ parentId: parent.id })];
    await create();
    const listed = (await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?parentId=${parent.id}`)).body.items;
    expect(listed.map((e) => e.id)).toEqual(children.map((c) => c.id));
    expect((await vigil.api<ProblemDetails>('GET', '/api/endpoints?parentId=nope')).body.errors).toEqual([
      expect.objectContaining({ path: 'parentId', code: 'invalid_uuid' }),
    ]);
  });
});

describe('an incident while the parent is down', () => {
  it('is blamed on the parent and its open incident, in the incident, its events and its detail', async () => {
    const parentPath = `/${unique('router')}`;
    const childPath = `/${unique('service')}`;
    const parent = await create({ path: parentPath, failureThreshold: 1 });
    const child = await create({ path: childPath, failureThreshold: 2, parentId: parent.id });
    const client = await subscribeToAll(await connectSocketIo(vigil.port));
    target.setMode(parentPath, { kind: 'ok', status: 502 });
    target.setMode(childPath, { kind: 'ok', status: 502 });
    await checkNow(parent);
    const parentIncident = await openIncidentOf(parent);
    expect(parentIncident?.causedBy).toBeNull();
    await checkNow(child);
    await checkNow(child);

    const cause = { endpointId: parent.id, endpointName: parent.name, incidentId: parentIncident!.id };
    const started = await received(client, (e) => e.event === 'incident:started' && e.data.endpointId === child.id, "the child's incident");
    expect(started.data.causedBy).toEqual(cause);
    const incident = await openIncidentOf(child);
    expect(incident?.causedBy).toEqual(cause);
    expect((await vigil.api<IncidentDetail>('GET', `/api/incidents/${incident!.id}`)).body.causedBy).toEqual(cause);

    // It keeps its cause to the end, whatever the parent does meanwhile.
    target.setMode(parentPath, { kind: 'ok' });
    await checkNow(parent);
    target.setMode(childPath, { kind: 'ok' });
    await checkNow(child);
    const resolved = await received(client, (e) => e.event === 'incident:resolved' && e.data.endpointId === child.id, "the child's resolution");
    expect(resolved.data.causedBy).toEqual(cause);
  });

  it('is its own when the parent is UP', async () => {
    const path = `/${unique('alone')}`;
    const parent = await create();
    await checkNow(parent);
    const child = await create({ path, failureThreshold: 1, parentId: parent.id });
    target.setMode(path, { kind: 'ok', status: 500 });
    await checkNow(child);
    expect((await openIncidentOf(child))?.causedBy).toBeNull();
    target.setMode(path, { kind: 'ok' });
    await checkNow(child);
  });

  it('is blamed on a parent in maintenance (no incident of the parent to name)', async () => {
    const path = `/${unique('behind')}`;
    const parent = await create({ paused: false, intervalSeconds: 3600 });
    await waitFor(async () => (await get(parent.id)).status === 'UP', 5000, 'the parent UP');
    const window = await vigil.api<{ id: string }>('POST', '/api/maintenance-windows', {
      name: 'parent work',
      endpointIds: [parent.id],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await waitFor(async () => (await get(parent.id)).status === 'MAINTENANCE', 3000, 'the parent in maintenance');
    const child = await create({ path, failureThreshold: 1, parentId: parent.id });
    target.setMode(path, { kind: 'ok', status: 503 });
    await checkNow(child);
    expect((await openIncidentOf(child))?.causedBy).toEqual({ endpointId: parent.id, endpointName: parent.name, incidentId: null });
    target.setMode(path, { kind: 'ok' });
    await checkNow(child);
    await vigil.api('DELETE', `/api/maintenance-windows/${window.body.id}`);
  });
});

describe('dependencies in the export file', () => {
  it('travel with the endpoints: a parent may come later in the file; a loop in the file is refused', async () => {
    const own = await startTestVigil();
    try {
      const [parentId, childId] = [randomUUID(), randomUUID()];
      const file = {
        vigil: 'endpoints',
        version: 1,
        endpoints: [
          { id: childId, name: 'Checkout', url: target.url('/checkout'), paused: true, parentId },
          { id: parentId, name: 'Gateway', url: target.url('/gateway'), paused: true },
        ],
      };
      const res = await own.api('POST', '/api/import', file);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await own.api<Endpoint>('GET', `/api/endpoints/${childId}`)).body.parentId).toBe(parentId);
      const exported = (await own.api<EndpointsFile>('GET', '/api/export')).body;
      expect(exported.endpoints.map((e) => [e.id, e.parentId])).toEqual([
        [childId, parentId],
        [parentId, null],
      ]);
      expect((await own.api<{ unchanged: number }>('POST', '/api/import', exported)).body.unchanged).toBe(2);

      const loop = { ...file, endpoints: [file.endpoints[0], { ...file.endpoints[1], parentId: childId }] };
      const refusedLoop = await own.api<ProblemDetails>('POST', '/api/import', loop);
      expect(refusedLoop.status).toBe(400);
      expect(refusedLoop.body.errors?.map((e) => e.code)).toContain('parent_cycle');
      expect((await own.api<Endpoint>('GET', `/api/endpoints/${parentId}`)).body.parentId).toBeNull();
      expect(own.errors).toEqual([]);
    } finally {
      await own.dispose();
    }
  });
});

describe('the webhook of a child whose parent is down', () => {
  it('posts the parent status change and incident, and nothing of the child', async () => {
    const posted: { event: string; data: { endpointId: string } }[] = [];
    const receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        posted.push(JSON.parse(raw));
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const own = await startTestVigil({ WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
    try {
      const make = async (name: string, path: string, fields: Record<string, unknown> = {}) =>
        (await own.api<Endpoint>('POST', '/api/endpoints', { name, url: target.url(path), paused: true, failureThreshold: 1, ...fields })).body;
      const parentPath = `/${unique('db')}`;
      const childPath = `/${unique('api')}`;
      const parent = await make('Database', parentPath);
      const child = await make('API', childPath, { parentId: parent.id });
      const check = (e: Endpoint) => own.api('POST', `/api/endpoints/${e.id}/check`);
      await check(parent);
      await check(child);
      // (A first UP is no recovery: nothing is posted of it.)
      target.setMode(parentPath, { kind: 'ok', status: 500 });
      await check(parent);
      await waitFor(() => posted.length === 2, 5000, "the parent's DOWN and incident");
      await waitFor(async () => (await own.api<Endpoint>('GET', `/api/endpoints/${parent.id}`)).body.status === 'DOWN');
      target.setMode(childPath, { kind: 'ok', status: 500 });
      await check(child);
      target.setMode(childPath, { kind: 'ok' });
      await check(child);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(posted.map((p) => [p.event, p.data.endpointId])).toEqual([
        ['endpoint:status-changed', parent.id],
        ['incident:started', parent.id],
      ]);
      const incidents = (await own.api<Page<Incident>>('GET', `/api/incidents?endpointId=${child.id}`)).body.items;
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.causedBy?.endpointId).toBe(parent.id);
      target.setMode(parentPath, { kind: 'ok' });
      expect(own.errors).toEqual([]);
    } finally {
      await own.dispose();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
