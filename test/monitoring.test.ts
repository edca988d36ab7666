import { plainVerdict } from '../server/domain/check-rules.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEventName, ServerEvents } from '../server/contract/events.ts';
import type { Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client.ts';
import type { Check, Incident, Page } from '../server/contract/types.ts';
import { recordResult } from '../server/services/checks/record-result.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;
type Recorded = { [K in ServerEventName]: { event: K; data: ServerEvents[K] } }[ServerEventName];
let events: Recorded[];

beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  vigil = await startTestVigil();
  events = [];
  vigil.bus.onAny((event, data) => events.push({ event, data } as Recorded));
});
afterEach(async () => {
  await vigil.dispose();
  expect(vigil.errors).toEqual([]);
});

async function createEndpoint(fields: Partial<Endpoint> & { path: string }): Promise<Endpoint> {
  const { path, ...rest } = fields;
  const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, ...rest });
  expect(res.status).toBe(201);
  return res.body;
}

const eventsOf = (endpointId: string) => events.filter((e) => 'endpointId' in e.data && e.data.endpointId === endpointId);

describe('monitoring an endpoint', () => {
  it('checks a new endpoint at once and turns it UP', async () => {
    const endpoint = await createEndpoint({ path: '/up' });
    expect(endpoint.status).toBe('PENDING');
    const up = await waitFor(async () => {
      const res = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
      return res.body.status === 'UP' ? res.body : null;
    });
    expect(up.lastStatusCode).toBe(200);
    expect(up.lastResponseTime).toBeGreaterThanOrEqual(0);
    expect(up.lastCheckedAt).not.toBeNull();
    expect(up.consecutiveFailures).toBe(0);
  });
});

async function firstCheck(endpoint: Endpoint): Promise<void> {
  await waitFor(() => events.some((e) => e.event === 'check:completed' && e.data.endpointId === endpoint.id), 10_000, 'the first check');
}

async function checkNow(endpointId: string): Promise<Check> {
  const res = await vigil.api<Check>('POST', `/api/endpoints/${endpointId}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('statuses and incidents', () => {
  it('goes UP, DOWN after the target fails, opens one incident after three failures and resolves it on recovery', async () => {
    const path = '/lifecycle';
    const endpoint = await createEndpoint({ path, name: 'API Server' });
    await firstCheck(endpoint);

    target.setMode(path, { kind: 'ok', status: 500 });
    const first = await checkNow(endpoint.id);
    expect(first).toMatchObject({ status: 'DOWN', statusCode: 500, endpointId: endpoint.id });
    await checkNow(endpoint.id);
    let open = await vigil.api<Page<Incident>>('GET', '/api/incidents?status=open');
    expect(open.body.items).toHaveLength(0);
    await checkNow(endpoint.id);
    open = await vigil.api<Page<Incident>>('GET', '/api/incidents?status=open');
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0]).toMatchObject({ endpointId: endpoint.id, endpointName: 'API Server', failureCount: 3, resolvedAt: null });
    await checkNow(endpoint.id);
    open = await vigil.api<Page<Incident>>('GET', '/api/incidents?status=open');
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0]!.failureCount).toBe(4);

    target.setMode(path, { kind: 'ok' });
    const recovered = await checkNow(endpoint.id);
    expect(recovered.status).toBe('UP');
    const all = await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]!.resolvedAt).toBe(recovered.checkedAt);

    const got = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(got.body).toMatchObject({ status: 'UP', consecutiveFailures: 0, lastStatusCode: 200, lastErrorMessage: null });

    const sequence = eventsOf(endpoint.id).map((e) => e.event);
    expect(sequence).toEqual([
      'check:completed',
      'endpoint:status-changed', // PENDING → UP
      'check:completed',
      'endpoint:status-changed', // UP → DOWN
      'check:completed',
      'check:completed',
      'incident:started',
      'check:completed',
      'check:completed',
      'endpoint:status-changed',
      'incident:resolved', // DOWN → UP
    ]);
    const changes = eventsOf(endpoint.id)
      .filter((e) => e.event === 'endpoint:status-changed')
      .map((e) => e.data);
    expect(changes[1]).toEqual({
      endpointId: endpoint.id,
      endpointName: 'API Server',
      previousStatus: 'UP',
      currentStatus: 'DOWN',
      timestamp: first.checkedAt,
      responseTime: first.responseTime,
      errorMessage: first.errorMessage,
      errorCode: 'unexpected_status',
      errorParams: { status: 500, expected: '200-299' },
    });
    const started = events.find((e) => e.event === 'incident:started')!.data;
    const incident = all.body.items[0]!;
    expect(started).toEqual({
      incidentId: incident.id,
      endpointId: endpoint.id,
      endpointName: 'API Server',
      startedAt: incident.startedAt,
      failureCount: 3,
      causedBy: null,
    });
    const resolved = events.find((e) => e.event === 'incident:resolved')!.data;
    expect(resolved).toEqual({
      incidentId: incident.id,
      endpointId: endpoint.id,
      endpointName: 'API Server',
      startedAt: incident.startedAt,
      resolvedAt: recovered.checkedAt,
      durationMs: Date.parse(recovered.checkedAt) - Date.parse(incident.startedAt),
      causedBy: null,
    });
    const completed = events.filter((e) => e.event === 'check:completed' && e.data.checkId === recovered.id);
    expect(completed.map((e) => e.data)).toEqual([
      {
        checkId: recovered.id,
        endpointId: endpoint.id,
        status: 'UP',
        responseTime: recovered.responseTime,
        statusCode: 200,
        errorMessage: null,
        errorCode: null,
        errorParams: null,
        failedAssertions: [],
        certificate: null,
        maintenance: false,
        timestamp: recovered.checkedAt,
      },
    ]);
  });

  it('is DEGRADED when the answer is slower than the threshold, and DOWN with "Timeout exceeded" past the timeout', async () => {
    const path = '/slow';
    target.setMode(path, { kind: 'slow', delayMs: 300 });
    const endpoint = await createEndpoint({ path, degradedThresholdMs: 100, timeoutMs: 1000 });
    await firstCheck(endpoint);
    const slow = await checkNow(endpoint.id);
    expect(slow.status).toBe('DEGRADED');
    expect(slow.responseTime).toBeGreaterThanOrEqual(300);

    target.setMode(path, { kind: 'hang' });
    const timedOut = await checkNow(endpoint.id);
    expect(timedOut).toMatchObject({ status: 'DOWN', errorMessage: 'Timeout exceeded', statusCode: null });
    expect(timedOut.responseTime).toBeGreaterThanOrEqual(1000);
    expect(timedOut.responseTime).toBeLessThan(2000);
  });

  it('reports a refused connection as DOWN with a readable message', async () => {
    const endpoint = await createEndpoint({ path: '/x', url: 'http://127.0.0.1:1/' } as never);
    const check = await checkNow(endpoint.id);
    expect(check.status).toBe('DOWN');
    expect(check.errorMessage).toMatch(/^Connection refused/);
  });

  it('emits endpoint:status-changed only when the status really changes', async () => {
    const endpoint = await createEndpoint({ path: '/steady' });
    await firstCheck(endpoint);
    await checkNow(endpoint.id);
    await checkNow(endpoint.id);
    const changes = eventsOf(endpoint.id).filter((e) => e.event === 'endpoint:status-changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.data).toMatchObject({ previousStatus: 'PENDING', currentStatus: 'UP' });
  });

  it('opens one incident only, even when many checks of a failing endpoint finish together', async () => {
    const path = '/concurrent';
    target.setMode(path, { kind: 'ok', status: 503 });
    const endpoint = await createEndpoint({ path, failureThreshold: 1 });
    await firstCheck(endpoint);
    const checks = await Promise.all(Array.from({ length: 25 }, () => checkNow(endpoint.id)));
    expect(new Set(checks.map((c) => c.id)).size).toBe(25);
    const incidents = await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`);
    expect(incidents.body.items).toHaveLength(1);
    expect(eventsOf(endpoint.id).filter((e) => e.event === 'incident:started')).toHaveLength(1);
    const stored = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks?limit=100`);
    expect(stored.body.items).toHaveLength(26);
  });

  it('lets the database refuse a second open incident for one endpoint', async () => {
    const endpoint = await createEndpoint({ path: '/unique' });
    const insert = (id: string) =>
      vigil.database.db.execute(sql`insert into incidents (id, endpoint_id, started_at, failure_count) values (${id}::uuid, ${endpoint.id}::uuid, now(), 3)`);
    await insert('00000000-0000-4000-8000-000000000001');
    await expect(insert('00000000-0000-4000-8000-000000000002')).rejects.toThrow();
    const rows = rowsOf<{ n: number }>(await vigil.database.db.execute(sql`select count(*)::int as n from incidents where endpoint_id = ${endpoint.id}::uuid`));
    expect(Number(rows[0]!.n)).toBe(1);
  });
});

describe('storing results', () => {
  it('stores any error text exactly: quotes, backslashes, commas, braces, NULL-like words and non-Latin script', async () => {
    const endpoint = await createEndpoint({ path: '/odd-text', paused: true });
    const messages = ['say "hi"', 'C:\\path\\x', 'a,b', '{1,2}', 'NULL', '장애 발생 ✅', "it's"];
    const stored = await Promise.all(
      messages.map((errorMessage, i) =>
        recordResult(
          vigil,
          endpoint.id,
          { ...plainVerdict('DOWN', i, { errorMessage, errorCode: null, errorParams: null }), statusCode: 500 + i },
          new Date(Date.now() + i),
        ),
      ),
    );
    expect(stored.map((c) => c?.errorMessage)).toEqual(messages);
    const page = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(page.body.items.map((c) => c.errorMessage).reverse()).toEqual(messages);
    const got = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(got.body).toMatchObject({ lastErrorMessage: "it's", lastStatusCode: 506, consecutiveFailures: messages.length });
  });
});

describe('scheduling', () => {
  it('checks each endpoint on its own interval', async () => {
    const fast = await createEndpoint({ path: '/every-second', intervalSeconds: 1 });
    const slow = await createEndpoint({ path: '/every-hour', intervalSeconds: 3600 });
    await waitFor(() => target.hits('/every-second') >= 4, 8000, 'four checks of the 1 s endpoint');
    expect(target.hits('/every-hour')).toBe(1);
    expect(vigil.scheduler.isScheduled(fast.id) && vigil.scheduler.isScheduled(slow.id)).toBe(true);
  });

  it('never overlaps a check with the previous one of the same endpoint', async () => {
    const path = '/hangs';
    target.setMode(path, { kind: 'hang' });
    await createEndpoint({ path, intervalSeconds: 1, timeoutMs: 3500 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(target.hits(path)).toBe(1);
    expect(vigil.scheduler.stats.skippedOverlaps).toBeGreaterThanOrEqual(2);
  });

  it('follows PATCH, pause, resume and delete at once', async () => {
    const path = '/follow';
    const endpoint = await createEndpoint({ path, intervalSeconds: 3600 });
    await waitFor(() => target.hits(path) === 1, 5000, 'the first check');

    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { intervalSeconds: 1 });
    await waitFor(() => target.hits(path) >= 3, 5000, 'checks at the new interval');

    await vigil.api('POST', `/api/endpoints/${endpoint.id}/pause`);
    expect(vigil.scheduler.isScheduled(endpoint.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = target.hits(path);
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.hits(path)).toBe(whilePaused);

    await vigil.api('POST', `/api/endpoints/${endpoint.id}/resume`);
    await waitFor(() => target.hits(path) > whilePaused, 1500, 'a check right after resume');

    await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);
    expect(vigil.scheduler.isScheduled(endpoint.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    const afterDelete = target.hits(path);
    const deletedAt = events.findIndex((e) => e.event === 'endpoint:deleted');
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.hits(path)).toBe(afterDelete);
    expect(events.slice(deletedAt + 1).filter((e) => 'endpointId' in e.data && e.data.endpointId === endpoint.id)).toEqual([]);
  });

  it('announces create, update and delete with the stored endpoint', async () => {
    const endpoint = await createEndpoint({ path: '/crud' });
    const patched = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { name: 'Renamed' });
    await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);
    const crud = events.filter((e) => e.event.startsWith('endpoint:') && e.event !== 'endpoint:status-changed');
    expect(crud.map((e) => e.event)).toEqual(['endpoint:created', 'endpoint:updated', 'endpoint:deleted']);
    expect(crud[0]!.data).toEqual(endpoint);
    expect(crud[1]!.data).toEqual(patched.body);
    expect(crud[2]!.data).toEqual({ endpointId: endpoint.id });
  });

  it('writes nothing for endpoints deleted right after they were created and changed (their first checks race the delete)', async () => {
    // On PostgreSQL a new endpoint's lease is claimed and its row read back while it may already be
    // being deleted: once, that read brought it back and its first result failed the foreign key.
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => createEndpoint({ path: `/crud-race-${i}` })));
    await Promise.all(
      created.map(async (endpoint) => {
        await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { name: `Renamed ${endpoint.id}` });
        expect((await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`)).status).toBe(204);
      }),
    );
    await vigil.writer.drain();
    expect(vigil.writer.pending).toBe(0);
    const { body } = await vigil.api<Page<Endpoint>>('GET', '/api/endpoints?limit=100');
    expect(body.items.filter((e) => e.name.startsWith('Renamed '))).toEqual([]);
  });
});

describe('restarts', () => {
  it('keeps endpoints, checks and the open incident, schedules again and resolves the same incident', async () => {
    const path = '/restart';
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await createEndpoint({ path, failureThreshold: 2, intervalSeconds: 2 });
    const paused = await createEndpoint({ path: '/restart-paused', paused: true });
    await firstCheck(endpoint);
    await checkNow(endpoint.id);
    const before = await vigil.api<Page<Incident>>('GET', '/api/incidents?status=open');
    expect(before.body.items).toHaveLength(1);
    const checksBefore = (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items.length;

    vigil = await vigil.restart();
    events = [];
    vigil.bus.onAny((event, data) => events.push({ event, data } as Recorded));
    expect(vigil.scheduler.isScheduled(endpoint.id)).toBe(true);
    expect(vigil.scheduler.isScheduled(paused.id)).toBe(false);
    const stored = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(stored.body).toMatchObject({ status: 'DOWN', consecutiveFailures: 2 });
    expect((await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items.length).toBeGreaterThanOrEqual(checksBefore);

    target.setMode(path, { kind: 'ok' });
    await waitFor(() => events.find((e) => e.event === 'incident:resolved'), 6000, 'the scheduled check to resolve the incident');
    const all = await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]!.id).toBe(before.body.items[0]!.id);
    expect(all.body.items[0]!.resolvedAt).not.toBeNull();
  });

  it('writes every finished check before a graceful stop completes', async () => {
    const endpoints = await Promise.all(Array.from({ length: 20 }, (_, i) => createEndpoint({ path: `/drain-${i}`, intervalSeconds: 1 })));
    await waitFor(() => vigil.scheduler.stats.started >= 60, 8000, 'sixty scheduled checks');
    await vigil.stop();
    const started = vigil.scheduler.stats.started;
    // The instance that reads them back checks these endpoints too as it starts: its rows come after this.
    const stoppedAt = new Date();
    vigil = await vigil.restart();
    await vigil.scheduler.stop(0);
    let stored = 0;
    for (const e of endpoints) {
      const rows = rowsOf<{ n: number }>(
        await vigil.database.db.execute(
          sql`select count(*)::int as n from check_results where endpoint_id = ${e.id}::uuid and checked_at <= ${stoppedAt.toISOString()}::timestamptz`,
        ),
      );
      stored += Number(rows[0]!.n);
    }
    // Every started check, the immediate one at creation included, has its row.
    expect(stored).toBe(started);
  });
});
