import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Incident, Page } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, connectWs, openSse, type RealtimeClient } from '../support/realtime-clients.ts';
import { startTargetServer, type TargetRequest, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/vigil.ts';

/**
 * Several Vigil processes on one PostgreSQL: each endpoint checked by one live instance at a time,
 * taken over after a kill -9, rebalanced when an instance joins, events seen everywhere once.
 * The target server tells the instances apart by the User-Agent each sends.
 */

const INTERVAL_S = 2;
const LEASE_TTL_MS = 4000;
const ENDPOINTS = 30;
const NO_DOUBLE_MS = INTERVAL_S * 1000 * 0.4;

let target: TargetServer;
let database: TestDatabase;
const instances = new Map<string, VigilProcess>();

const start = async (id: string) => {
  const vigil = await startVigilProcess({ env: { ...database.env, INSTANCE_ID: id, LEASE_TTL_MS: String(LEASE_TTL_MS) } });
  instances.set(id, vigil);
  return vigil;
};
const api = async <T = any>(on: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await instances.get(on)!.fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? (null as T) : ((await res.json()) as T) };
};

const instanceOf = (r: TargetRequest) => /instance ([\w.-]+)\)/.exec(String(r.headers['user-agent']))?.[1] ?? '?';
const requestsOf = (path: string, since = 0) => target.requests.filter((r) => r.path === path && r.at >= since);
/** Each path's current checker: the instance of its latest request. */
const holders = (paths: string[]) => new Map(paths.map((p) => [p, instanceOf(requestsOf(p).at(-1)!)]));
/**
 * Shortest time between two requests of one endpoint. Two instances checking one endpoint would
 * both run on its grid (phase + k × interval) and meet within milliseconds; one instance alone
 * never comes back sooner than half an interval (joining the grid after a first check).
 */
const closestPair = (paths: string[], since: number) =>
  Math.min(
    ...paths.map((p) => {
      const at = requestsOf(p, since).map((r) => r.at);
      return Math.min(Infinity, ...at.slice(1).map((t, i) => t - at[i]!));
    }),
  );
/** Longest time without a request, per endpoint, from `since` to now. */
const longestGap = (paths: string[], since: number) =>
  Math.max(
    ...paths.map((p) => {
      const at = [since, ...requestsOf(p, since).map((r) => r.at), Date.now()];
      return Math.max(...at.slice(1).map((t, i) => t - at[i]!));
    }),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let paths: string[] = [];
const endpointIdByPath = new Map<string, string>();

beforeAll(async () => {
  target = await startTargetServer();
  database = await createTestDatabase();
  await Promise.all(['vigil-a', 'vigil-b', 'vigil-c'].map(start));
  paths = Array.from({ length: ENDPOINTS }, (_, i) => `/cluster-${i}`);
  for (const path of paths) {
    const res = await api<Endpoint>('vigil-a', 'POST', '/api/endpoints', { name: path, url: target.url(path), intervalSeconds: INTERVAL_S });
    expect(res.status).toBe(201);
    endpointIdByPath.set(path, res.body.id);
  }
}, 120_000);

afterAll(async () => {
  await closeRealtimeClients();
  for (const vigil of instances.values()) await vigil.kill();
  await database?.dispose();
  await target?.close();
});

describe('three instances on one PostgreSQL', () => {
  it('check each endpoint from exactly one instance at a time, and share the endpoints evenly', async () => {
    const since = Date.now() + 3000;
    await sleep(3000 + 4 * INTERVAL_S * 1000);

    for (const path of paths) {
      const checkers = new Set(requestsOf(path, since).map(instanceOf));
      expect(checkers.size, `${path} checked by ${[...checkers]}`).toBe(1);
      expect(requestsOf(path, since).length, path).toBeGreaterThanOrEqual(3);
    }
    expect(closestPair(paths, since)).toBeGreaterThan(NO_DOUBLE_MS);
    const perInstance = new Map<string, number>();
    for (const holder of holders(paths).values()) perInstance.set(holder, (perInstance.get(holder) ?? 0) + 1);
    expect([...perInstance.keys()].sort()).toEqual(['vigil-a', 'vigil-b', 'vigil-c']);
    for (const [instance, count] of perInstance) expect(count, instance).toBeGreaterThanOrEqual(4);

    // Each instance's /metrics says the same.
    let owned = 0;
    for (const [id, vigil] of instances) {
      const text = await (await vigil.fetch('/metrics')).text();
      expect(text, id).toMatch(/^vigil_cluster_instances_live 3$/m);
      expect(text, id).toMatch(/^vigil_cluster_listening 1$/m);
      const mine = Number(/^vigil_cluster_endpoints_owned (\d+)$/m.exec(text)?.[1]);
      expect(mine, id).toBe(perInstance.get(id));
      owned += mine;
    }
    expect(owned).toBe(ENDPOINTS);
  });

  it('schedule an endpoint created through A somewhere at once', async () => {
    const created = Date.now();
    const res = await api<Endpoint>('vigil-a', 'POST', '/api/endpoints', { name: 'fresh', url: target.url('/cluster-fresh'), intervalSeconds: 3600 });
    expect(res.status).toBe(201);
    await waitFor(() => requestsOf('/cluster-fresh').length > 0, 5000, 'the first check of the new endpoint');
    expect(requestsOf('/cluster-fresh')[0]!.at - created).toBeLessThan(3000);
    await sleep(1500);
    expect(requestsOf('/cluster-fresh')).toHaveLength(1);
    await api('vigil-a', 'DELETE', `/api/endpoints/${res.body.id}`);
  });

  it('deliver every event to clients of every instance exactly once, on all three transports', async () => {
    const port = Number(new URL(instances.get('vigil-a')!.url).port);
    const clients: RealtimeClient[] = [];
    const sio = await connectSocketIo(port);
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    const ws = await connectWs(port);
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const sse = await openSse(port);
    clients.push(sio, ws, sse);
    const since = Date.now();
    await sleep(3 * INTERVAL_S * 1000);

    const checkedBy = new Map<string, Set<string>>(); // endpoint id → instances that checked it meanwhile
    for (const path of paths) {
      const who = checkedBy.get(endpointIdByPath.get(path)!) ?? new Set();
      for (const r of requestsOf(path, since)) who.add(instanceOf(r));
      checkedBy.set(endpointIdByPath.get(path)!, who);
    }
    for (const client of clients) {
      const checks = client.events.filter((e) => e.event === 'check:completed').map((e) => e.data as { checkId: string; endpointId: string });
      expect(new Set(checks.map((c) => c.checkId)).size, 'each check once').toBe(checks.length);
      const seenFrom = new Set(checks.flatMap((c) => [...(checkedBy.get(c.endpointId) ?? [])]));
      expect([...seenFrom].sort(), 'checks run on every instance reach a client of A').toEqual(['vigil-a', 'vigil-b', 'vigil-c']);
      expect(checks.length).toBeGreaterThanOrEqual(ENDPOINTS * 2);
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  it('take over the endpoints of an instance killed with SIGKILL within max(2 × interval, 15 s), checking none twice, and keep incidents single', async () => {
    // A third of the endpoints fail from now on: each opens one incident (threshold 3).
    const failing = paths.filter((_, i) => i % 3 === 0);
    for (const path of failing) target.setMode(path, { kind: 'ok', status: 500 });
    await sleep(4 * INTERVAL_S * 1000);

    const before = holders(paths);
    const orphans = paths.filter((p) => before.get(p) === 'vigil-b');
    expect(orphans.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    instances.get('vigil-b')!.proc.kill('SIGKILL');
    await instances.get('vigil-b')!.exited;
    instances.delete('vigil-b');

    const bound = Math.max(2 * INTERVAL_S * 1000, 15_000);
    await waitFor(
      () => orphans.every((p) => requestsOf(p, killedAt).some((r) => instanceOf(r) !== 'vigil-b')),
      bound + 5000,
      'the orphans to be checked again',
    );
    for (const path of orphans) {
      const resumed = requestsOf(path, killedAt).find((r) => instanceOf(r) !== 'vigil-b')!;
      expect(resumed.at - killedAt, path).toBeLessThanOrEqual(bound);
    }
    await sleep(3 * INTERVAL_S * 1000);
    expect(closestPair(paths, killedAt)).toBeGreaterThan(NO_DOUBLE_MS);
    for (const path of paths) expect(['vigil-a', 'vigil-c']).toContain(instanceOf(requestsOf(path).at(-1)!));

    // Recovery resolves every incident, and none was opened twice.
    for (const path of failing) target.setMode(path, { kind: 'ok' });
    await sleep(2 * INTERVAL_S * 1000 + 1000);
    const incidents = (await api<Page<Incident>>('vigil-a', 'GET', '/api/incidents?limit=500')).body.items;
    for (const path of failing) {
      const mine = incidents.filter((i) => i.endpointId === endpointIdByPath.get(path));
      expect(mine, path).toHaveLength(1);
      expect(mine[0]!.resolvedAt, path).not.toBeNull();
    }
  });

  it('rebalance when an instance joins: the newcomer takes its share with no double check and no gap', async () => {
    const joinedAt = Date.now();
    await start('vigil-d');
    await sleep(LEASE_TTL_MS + 3 * INTERVAL_S * 1000);
    const after = holders(paths);
    const moved = paths.filter((p) => after.get(p) === 'vigil-d');
    expect(moved.length).toBeGreaterThanOrEqual(3);
    expect(closestPair(paths, joinedAt)).toBeGreaterThan(NO_DOUBLE_MS);
    // At most one interval plus one ownership tick (and scheduling slack) between two checks.
    expect(longestGap(moved, joinedAt)).toBeLessThan(INTERVAL_S * 1000 + LEASE_TTL_MS / 4 + 1500);
  });

  it('never check twice when a frozen instance wakes up after the others took its endpoints (SIGSTOP, SIGCONT)', async () => {
    const before = holders(paths);
    const frozenShare = paths.filter((p) => before.get(p) === 'vigil-d');
    expect(frozenShare.length).toBeGreaterThan(0);
    const frozenAt = Date.now();
    instances.get('vigil-d')!.proc.kill('SIGSTOP');
    await sleep(LEASE_TTL_MS + 4000);
    // Meanwhile the others took its endpoints over.
    for (const path of frozenShare)
      expect(
        requestsOf(path, frozenAt).some((r) => instanceOf(r) !== 'vigil-d'),
        path,
      ).toBe(true);
    const wokeAt = Date.now();
    instances.get('vigil-d')!.proc.kill('SIGCONT');
    await sleep(3 * INTERVAL_S * 1000);
    expect(closestPair(paths, wokeAt - INTERVAL_S * 1000)).toBeGreaterThan(NO_DOUBLE_MS);
    expect(longestGap(paths, wokeAt)).toBeLessThan(INTERVAL_S * 1000 + LEASE_TTL_MS / 4 + 1500);
    // Its timers fired at the thaw, and its fence held them back.
    const metrics = await (await instances.get('vigil-d')!.fetch('/metrics')).text();
    expect(Number(/^vigil_checks_skipped_fenced_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('hand over at once on a graceful stop (SIGTERM)', async () => {
    const before = holders(paths);
    const leaving = paths.filter((p) => before.get(p) === 'vigil-c');
    expect(leaving.length).toBeGreaterThan(0);
    const stoppedAt = Date.now();
    instances.get('vigil-c')!.proc.kill('SIGTERM');
    expect(await instances.get('vigil-c')!.exited).toEqual({ code: 0, signal: null });
    instances.delete('vigil-c');
    await sleep(3 * INTERVAL_S * 1000);
    expect(longestGap(leaving, stoppedAt)).toBeLessThan(INTERVAL_S * 1000 + LEASE_TTL_MS / 4 + 1500);
    expect(closestPair(paths, stoppedAt)).toBeGreaterThan(NO_DOUBLE_MS);
  });
});
