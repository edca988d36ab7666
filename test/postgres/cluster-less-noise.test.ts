/**
 * Maintenance windows and dependencies on several instances sharing one PostgreSQL: a window made
 * on one is known to all at once (reads, statuses, the next check wherever it runs), and each
 * endpoint's entering and leaving is announced once, by the instance that checks it, to the
 * clients of every instance; a parent checked on one instance is known DOWN on the other, where
 * its children's incidents are blamed on it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Incident, MaintenanceWindow, Page } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, quietFor, type Received, subscribeToAll } from '../support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { createTestDatabase, startTestVigil, type TestDatabase, type TestVigil, waitFor } from '../support/vigil.ts';

let target: TargetServer;
let database: TestDatabase;
let a: TestVigil;
let b: TestVigil;
const endpoints: Endpoint[] = [];

beforeAll(async () => {
  target = await startTargetServer();
  database = await createTestDatabase();
  // Short leases: the endpoints are shared out between A and B within a second or two.
  const env = { LEASE_TTL_MS: '2000' };
  a = await startTestVigil(env, database);
  b = await startTestVigil(env, database);
  for (let i = 0; i < 6; i++) {
    const res = await a.api<Endpoint>('POST', '/api/endpoints', { name: `shared ${i}`, url: target.url(`/shared-${i}`), intervalSeconds: 1, tags: ['fleet'] });
    endpoints.push(res.body);
  }
  // Both instances check some of them.
  await waitFor(() => a.scheduler.snapshot().scheduled > 0 && b.scheduler.snapshot().scheduled > 0, 15_000, 'the endpoints shared out');
  await waitFor(async () => (await b.api<Page<Endpoint>>('GET', '/api/endpoints?status=UP&tag=fleet')).body.items.length === 6, 10_000, 'all UP');
});
afterEach(async () => {
  await closeRealtimeClients();
  expect([...a.errors, ...b.errors]).toEqual([]);
});
afterAll(async () => {
  await closeRealtimeClients();
  for (const vigil of [b, a]) await vigil?.stop();
  await database?.dispose();
  await target?.close();
});

const about = (events: Received[], name: string) =>
  events
    .filter((e) => e.event === name)
    .map((e) => e.data.endpointId as string)
    .sort();

describe('maintenance windows on two instances', () => {
  it('made on A, put every covered endpoint in maintenance on both, announced once each to the clients of both', async () => {
    const onA = await subscribeToAll(await connectSocketIo(a.port));
    const onB = await subscribeToAll(await connectSocketIo(b.port));
    const window = await a.api<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: 'fleet upgrade',
      tags: ['fleet'],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(window.status).toBe(201);
    const ids = endpoints.map((e) => e.id).sort();
    for (const client of [onA, onB]) await waitFor(() => about(client.events, 'maintenance:started').length === 6, 5000, 'six maintenance:started');

    // B knows the window too: its reads show it, and the statuses it reads are MAINTENANCE.
    const onBWindow = await waitFor(async () => {
      const res = await b.api<MaintenanceWindow>('GET', `/api/maintenance-windows/${window.body.id}`);
      return res.status === 200 ? res.body : null;
    });
    expect(onBWindow).toEqual(window.body);
    const listed = (await b.api<Page<Endpoint>>('GET', '/api/endpoints?tag=fleet')).body.items;
    expect(listed.map((e) => e.status)).toEqual(Array(6).fill('MAINTENANCE'));

    // Checks go on on both instances, marked, without a status change announced.
    await quietFor(1500);
    for (const client of [onA, onB]) {
      expect(about(client.events, 'maintenance:started')).toEqual(ids);
      const marked = client.events.filter((e) => e.event === 'check:completed' && ids.includes(e.data.endpointId));
      expect(marked.length).toBeGreaterThan(0);
      expect(marked.every((e) => e.data.maintenance === true)).toBe(true);
      const changes = client.events.filter((e) => e.event === 'endpoint:status-changed');
      expect(changes.map((e) => e.data.currentStatus)).toEqual(Array(6).fill('MAINTENANCE'));
    }

    // Deleted on B: A's endpoints leave it too, announced once.
    expect((await b.api('DELETE', `/api/maintenance-windows/${window.body.id}`)).status).toBe(204);
    for (const client of [onA, onB]) await waitFor(() => about(client.events, 'maintenance:ended').length === 6, 5000, 'six maintenance:ended');
    await quietFor(500);
    for (const client of [onA, onB]) {
      expect(about(client.events, 'maintenance:ended')).toEqual(ids);
      expect(client.events.filter((e) => e.event === 'endpoint:status-changed').map((e) => e.data.currentStatus)).toEqual([
        ...Array(6).fill('MAINTENANCE'),
        ...Array(6).fill('UP'),
      ]);
    }
    expect((await a.api<Page<Endpoint>>('GET', '/api/endpoints?status=UP&tag=fleet')).body.items).toHaveLength(6);
  });
});

describe('dependencies on two instances', () => {
  it("blame a child's incident on its parent checked by the other instance", async () => {
    const parent = (await a.api<Endpoint>('POST', '/api/endpoints', { name: 'core', url: target.url('/core'), intervalSeconds: 1, failureThreshold: 1 })).body;
    // Ten children: some are checked where the parent is not.
    const children: Endpoint[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await b.api<Endpoint>('POST', '/api/endpoints', {
        name: `child ${i}`,
        url: target.url(`/child-${i}`),
        intervalSeconds: 1,
        failureThreshold: 2,
        parentId: parent.id,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      children.push(res.body);
    }
    const checkedBy = (id: string) => (a.scheduler.isScheduled(id) ? 'a' : b.scheduler.isScheduled(id) ? 'b' : null);
    await waitFor(() => [parent, ...children].every((e) => checkedBy(e.id) !== null), 15_000, 'every endpoint placed');
    const elsewhere = children.filter((c) => checkedBy(c.id) !== checkedBy(parent.id));
    expect(elsewhere.length).toBeGreaterThan(0);

    target.setMode('/core', { kind: 'ok', status: 503 });
    await waitFor(async () => (await b.api<Endpoint>('GET', `/api/endpoints/${parent.id}`)).body.status === 'DOWN', 10_000, 'the parent DOWN');
    for (let i = 0; i < 10; i++) target.setMode(`/child-${i}`, { kind: 'ok', status: 503 });
    const incidents = await waitFor(
      async () => {
        const open = (await a.api<Page<Incident>>('GET', '/api/incidents?status=open&limit=100')).body.items;
        const ofChildren = open.filter((i) => children.some((c) => c.id === i.endpointId));
        return ofChildren.length === 10 ? ofChildren : null;
      },
      15_000,
      'ten incidents of the children',
    );
    const parentIncident = (await a.api<Page<Incident>>('GET', `/api/incidents?endpointId=${parent.id}&status=open`)).body.items[0];
    for (const incident of incidents) expect(incident.causedBy).toEqual({ endpointId: parent.id, endpointName: 'core', incidentId: parentIncident!.id });
    target.setMode('/core', { kind: 'ok' });
    for (let i = 0; i < 10; i++) target.setMode(`/child-${i}`, { kind: 'ok' });
  });
});
