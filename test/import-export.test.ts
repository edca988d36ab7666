import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, EndpointsFile, ImportResult, MaintenanceWindow, ProblemDetails } from '../server/contract/types.ts';
import { closeRealtimeClients, openSse, type RealtimeClient } from './support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type ApiAnswer, type TestVigil } from './support/vigil.ts';

const DEFINITION_FIELDS = [
  'name',
  'type',
  'url',
  'method',
  'headers',
  'secretHeaders',
  'body',
  'intervalSeconds',
  'retryIntervalSeconds',
  'timeoutMs',
  'expectedStatusCodes',
  'degradedThresholdMs',
  'certificateWarningDays',
  'graceSeconds',
  'cron',
  'timezone',
  'failureThreshold',
  'recoveryThreshold',
  'slaTarget',
  'assertions',
  'paused',
  'tags',
  'parentId',
];

let target: TargetServer;
let seq = 0;
/** A label no other test uses, so that tests sharing an instance stay independent. */
const unique = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target?.close();
});
afterEach(async () => {
  await closeRealtimeClients();
});

/** An import file holding `endpoints` as they are given. */
const fileOf = (endpoints: unknown[]): Record<string, unknown> => ({ vigil: 'endpoints', version: 1, endpoints });

async function create(on: TestVigil, fields: Record<string, unknown>): Promise<Endpoint> {
  const res = await on.api<Endpoint>('POST', '/api/endpoints', { intervalSeconds: 3600, paused: true, ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function exportFrom(on: TestVigil, query = ''): Promise<EndpointsFile> {
  const res = await on.api<EndpointsFile>('GET', `/api/export${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function importInto(on: TestVigil, file: unknown, query = '', headers: Record<string, string> = {}): Promise<ImportResult> {
  const res = await on.api<ImportResult>('POST', `/api/import${query}`, file, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function refusedImport(on: TestVigil, body: unknown, query = ''): Promise<ApiAnswer<ProblemDetails>> {
  const res = await on.api<ProblemDetails>('POST', `/api/import${query}`, body);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return res;
}

async function get(on: TestVigil, id: string): Promise<Endpoint> {
  const res = await on.api<Endpoint>('GET', `/api/endpoints/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const definitionOf = (endpoint: Endpoint) => Object.fromEntries(DEFINITION_FIELDS.map((k) => [k, endpoint[k as keyof Endpoint]]));

/** The endpoint:* events a client received (check events left out). */
const endpointEvents = (client: RealtimeClient) => client.events.filter((e) => e.event.startsWith('endpoint:') && e.event !== 'endpoint:status-changed');

/**
 * Creates a marker endpoint and waits until `client` has its endpoint:created: every event emitted
 * before it has then arrived too, so what the client holds is complete.
 */
async function settle(on: TestVigil, client: RealtimeClient): Promise<void> {
  const marker = await create(on, { name: unique('marker'), url: target.url('/marker') });
  await waitFor(() => client.events.some((e) => e.event === 'endpoint:created' && e.data.id === marker.id), 5000, 'the marker event');
  const index = client.events.findIndex((e) => e.event === 'endpoint:created' && e.data.id === marker.id);
  client.events.splice(index, 1);
  expect((await on.api('DELETE', `/api/endpoints/${marker.id}`)).status).toBe(204);
  await waitFor(() => client.events.some((e) => e.event === 'endpoint:deleted' && e.data.endpointId === marker.id), 5000, 'the marker deletion');
  client.events.splice(
    client.events.findIndex((e) => e.event === 'endpoint:deleted' && e.data.endpointId === marker.id),
    1,
  );
}

describe('moving a setup from one instance to another', () => {
  let source: TestVigil;
  let destination: TestVigil;
  let file: EndpointsFile;
  let created: Endpoint[];
  let paths: string[];

  beforeAll(async () => {
    [source, destination] = await Promise.all([startTestVigil(), startTestVigil()]);
    paths = ['/move-a', '/move-b', '/move-c', '/move-paused'].map((p) => `${p}-${unique('p')}`);
    created = [
      await create(source, { name: 'Orders API', url: target.url(paths[0]), intervalSeconds: 1, paused: false, tags: ['prod', 'shop'] }),
      await create(source, {
        name: 'Webhook receiver',
        url: target.url(paths[1]),
        method: 'POST',
        headers: { 'X-Token': 'secret', Accept: 'application/json' },
        body: '{"ping":true}',
        intervalSeconds: 2,
        paused: false,
        expectedStatusCodes: ['200-299', 404],
        timeoutMs: 5000,
        degradedThresholdMs: 800,
        failureThreshold: 5,
        assertions: [{ source: 'header', property: 'content-type', comparison: 'contains', target: 'text', severity: 'DEGRADED' }],
      }),
      await create(source, { name: 'Status page', url: target.url(paths[2]), method: 'HEAD', intervalSeconds: 1, paused: false }),
      await create(source, { name: 'Old service', url: target.url(paths[3]), paused: true }),
    ];
  });
  afterAll(async () => {
    await Promise.all([source?.dispose(), destination?.dispose()]);
  });
  afterEach(() => {
    expect([...source.errors.splice(0), ...destination.errors.splice(0)]).toEqual([]);
  });

  it('exports every definition, in creation order, as a file to download, without status or history', async () => {
    const res = await source.api<EndpointsFile>('GET', '/api/export');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="vigil-endpoints-${res.body.exportedAt.slice(0, 10)}.json"`);
    expect(res.body).toEqual({ vigil: 'endpoints', version: 1, exportedAt: expect.any(String), endpoints: expect.any(Array), maintenanceWindows: [] });
    expect(Math.abs(Date.parse(res.body.exportedAt) - Date.now())).toBeLessThan(10_000);
    expect(res.body.endpoints).toEqual(created.map((e) => ({ id: e.id, ...definitionOf(e) })));
    for (const entry of res.body.endpoints) expect(Object.keys(entry).sort()).toEqual(['id', ...DEFINITION_FIELDS].sort());
    // Secrets stay out of the default export; a move to another instance asks for them.
    expect(res.body.endpoints[1]!.headers).toEqual({ 'X-Token': '(secret)', Accept: 'application/json' });
    file = await exportFrom(source, '?secrets=include');
    expect(file.endpoints[1]!.headers).toEqual({ 'X-Token': 'secret', Accept: 'application/json' });
  });

  it('imports the file into a fresh instance with the same ids and definitions, and checks them there', async () => {
    const sse = await openSse(destination.port);
    const result = await importInto(destination, file);

    expect(result).toEqual({
      mode: 'merge',
      dryRun: false,
      created: 4,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      items: created.map((e) => ({ id: e.id, name: e.name, action: 'created' })),
      maintenanceWindows: { created: 0, updated: 0, unchanged: 0, deleted: 0 },
    });
    const moved = await exportFrom(destination, '?secrets=include');
    expect(moved.endpoints).toEqual(file.endpoints);
    const listed = await destination.api<{ items: Endpoint[] }>('GET', '/api/endpoints');
    expect(listed.body.items.map((e) => e.id)).toEqual(created.map((e) => e.id));

    // The active ones are scheduled and checked by the destination, the paused one is not (on
    // PostgreSQL an endpoint is scheduled once its lease is claimed, a moment after the import).
    for (const endpoint of created.slice(0, 3)) {
      await waitFor(() => destination.scheduler.isScheduled(endpoint.id), 5000, `${endpoint.name} scheduled`);
      await waitFor(async () => (await get(destination, endpoint.id)).lastCheckedAt, 10_000, `a check of ${endpoint.name}`);
    }
    expect(destination.scheduler.isScheduled(created[3]!.id)).toBe(false);
    expect(target.hits(paths[3]!)).toBe(0);
    const webhookRequest = target.requests.find((r) => r.path === paths[1]);
    expect(webhookRequest).toMatchObject({ method: 'POST', body: '{"ping":true}', headers: { 'x-token': 'secret' } });

    // Every creation was announced with the stored endpoint.
    await settle(destination, sse);
    const announced = endpointEvents(sse);
    expect(announced.map((e) => [e.event, e.data.id])).toEqual(created.map((e) => ['endpoint:created', e.id]));
    expect(announced.map((e) => definitionOf(e.data))).toEqual(created.map(definitionOf));
  });

  it('changes nothing and announces nothing when the same file is imported again', async () => {
    const before = await Promise.all(created.map((e) => get(destination, e.id)));
    const sse = await openSse(destination.port);

    const result = await importInto(destination, file);

    expect(result).toMatchObject({ created: 0, updated: 0, unchanged: 4, deleted: 0 });
    expect(result.items.map((i) => [i.id, i.action])).toEqual(created.map((e) => [e.id, 'unchanged']));
    const after = await Promise.all(created.map((e) => get(destination, e.id)));
    expect(after.map((e) => e.updatedAt)).toEqual(before.map((e) => e.updatedAt));
    await settle(destination, sse);
    expect(endpointEvents(sse)).toEqual([]);
  });

  it('imports its own export back as all unchanged', async () => {
    const result = await importInto(source, await exportFrom(source));
    expect(result).toMatchObject({ created: 0, updated: 0, unchanged: 4, deleted: 0 });
  });
});

describe('importing into a running instance', () => {
  let vigil: TestVigil;

  beforeAll(async () => {
    vigil = await startTestVigil({ IMPORT_BODY_LIMIT_BYTES: String(2 * 1024 * 1024) });
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  afterEach(() => {
    expect(vigil.errors.splice(0)).toEqual([]);
  });

  const total = async () => (await vigil.api<{ total: number }>('GET', '/api/summary')).body.total;

  it('updates the one endpoint of the same name, keeping its id, and its checks move to the new URL', async () => {
    const name = unique('Orders');
    const [oldPath, newPath] = [`/${unique('old')}`, `/${unique('new')}`];
    const existing = await create(vigil, { name, url: target.url(oldPath), intervalSeconds: 1, paused: false });
    await waitFor(() => target.hits(oldPath) > 0, 5000, 'a check of the old URL');
    const sse = await openSse(vigil.port);

    const result = await importInto(vigil, fileOf([{ name, url: target.url(newPath), intervalSeconds: 1 }]));

    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 0, items: [{ id: existing.id, name, action: 'updated' }] });
    const updated = await get(vigil, existing.id);
    expect(updated.url).toBe(target.url(newPath));
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(existing.updatedAt));
    await waitFor(() => target.hits(newPath) >= 1, 5000, 'a check of the new URL');
    const oldHits = target.hits(oldPath);
    await waitFor(() => target.hits(newPath) >= 3, 5000, 'two more checks of the new URL');
    expect(target.hits(oldPath)).toBe(oldHits);

    await settle(vigil, sse);
    expect(endpointEvents(sse).map((e) => [e.event, e.data.id, e.data.url])).toEqual([['endpoint:updated', existing.id, target.url(newPath)]]);
    await vigil.api('DELETE', `/api/endpoints/${existing.id}`);
  });

  it('pauses, resumes and re-times endpoints as PATCH does', async () => {
    const path = `/${unique('sched')}`;
    const endpoint = await create(vigil, { name: unique('Sched'), url: target.url(path), intervalSeconds: 1, paused: false });
    const entry = (fields: Record<string, unknown>) => fileOf([{ ...definitionOf(endpoint), id: endpoint.id, ...fields }]);

    expect(await importInto(vigil, entry({ paused: true }))).toMatchObject({ updated: 1 });
    expect(vigil.scheduler.isScheduled(endpoint.id)).toBe(false);
    expect(vigil.registry.get(endpoint.id)?.definition.paused).toBe(true);

    const hits = target.hits(path);
    expect(await importInto(vigil, entry({ paused: false, intervalSeconds: 2 }))).toMatchObject({ updated: 1 });
    expect(vigil.scheduler.isScheduled(endpoint.id)).toBe(true);
    // Resumed: checked at its own phase within its interval (imports spread their checks).
    expect(vigil.scheduler.nextRunAt(endpoint.id)! - Date.now()).toBeLessThan(2100);
    await waitFor(() => target.hits(path) > hits, 5000, 'the check after resuming');

    expect(await importInto(vigil, entry({ intervalSeconds: 3600 }))).toMatchObject({ updated: 1 });
    expect(vigil.scheduler.nextRunAt(endpoint.id)! - Date.now()).toBeGreaterThan(3_590_000);
    expect(vigil.registry.get(endpoint.id)?.definition.intervalSeconds).toBe(3600);
    await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);
  });

  it('updates every field of a definition, and finds the result unchanged the next time', async () => {
    const endpoints = [
      await create(vigil, { name: unique('Every'), url: target.url('/every'), tags: ['a'] }),
      await create(vigil, { name: unique('Field'), url: target.url('/field'), headers: { 'X-Old': '1' } }),
    ];
    const wanted = endpoints.map((e, i) => ({
      id: e.id,
      name: unique(`Renamed${i}`),
      type: 'http',
      url: target.url(`/every-v2-${i}`),
      method: 'PUT',
      headers: { 'X-Zeta': 'z', Authorization: 'Bearer t', 'X-A': `${i}` },
      secretHeaders: ['X-Zeta'],
      body: '{"v":2}',
      intervalSeconds: 900 + i,
      retryIntervalSeconds: 30 + i,
      timeoutMs: 2500,
      expectedStatusCodes: ['204', '300-399', '200'],
      degradedThresholdMs: 1500,
      certificateWarningDays: 30 + i,
      graceSeconds: 90 + i,
      cron: null,
      timezone: null,
      failureThreshold: 7,
      recoveryThreshold: 2 + i,
      slaTarget: i === 0 ? null : 99.95,
      assertions: [{ source: 'json', property: `$.items[${i}]`, comparison: 'exists', target: null, severity: 'DOWN' }],
      paused: true,
      tags: ['zulu', 'alpha', `t${i}`],
      parentId: null,
    }));

    expect(await importInto(vigil, fileOf(wanted))).toMatchObject({ updated: 2, unchanged: 0 });
    for (const [i, endpoint] of endpoints.entries()) {
      const { id: _id, ...definition } = wanted[i]!;
      // Read back with its secrets redacted (by the rule, and by secretHeaders); checks use the values.
      expect(definitionOf(await get(vigil, endpoint.id))).toEqual({
        ...definition,
        headers: { 'X-Zeta': '(secret)', Authorization: '(secret)', 'X-A': `${i}` },
      });
      expect(vigil.registry.get(endpoint.id)?.definition.headers).toEqual(definition.headers);
    }
    expect(await importInto(vigil, fileOf(wanted))).toMatchObject({ updated: 0, unchanged: 2 });
  });

  it('renames an endpoint found by its id, whatever the letter case of the id', async () => {
    const endpoint = await create(vigil, { name: unique('Before'), url: target.url('/rename') });
    const name = unique('After');

    const result = await importInto(vigil, fileOf([{ ...definitionOf(endpoint), id: endpoint.id.toUpperCase(), name }]));

    expect(result.items).toEqual([{ id: endpoint.id, name, action: 'updated' }]);
    expect((await get(vigil, endpoint.id)).name).toBe(name);
  });

  it('updates the endpoint of the same name when the id in the file is unknown here', async () => {
    const endpoint = await create(vigil, { name: unique('Shop'), url: target.url('/shop') });
    const file = fileOf([{ ...definitionOf(endpoint), id: randomUUID(), url: target.url('/shop-v2') }]);

    expect((await importInto(vigil, file)).items).toEqual([{ id: endpoint.id, name: endpoint.name, action: 'updated' }]);
    expect((await importInto(vigil, file)).items).toEqual([{ id: endpoint.id, name: endpoint.name, action: 'unchanged' }]);
  });

  it('creates an entry whose name is new here, with its own id or a new one, and checks it', async () => {
    const [withId, withoutId] = [randomUUID(), undefined];
    const path = `/${unique('fresh')}`;
    const result = await importInto(
      vigil,
      fileOf([
        { id: withId, name: unique('Fresh'), url: target.url(path), intervalSeconds: 1 },
        { id: withoutId, name: unique('Fresh'), url: target.url('/fresh-paused'), paused: true },
      ]),
    );

    expect(result).toMatchObject({
      created: 2,
      items: [
        { id: withId, action: 'created' },
        { id: expect.any(String), action: 'created' },
      ],
    });
    const second = await get(vigil, result.items[1]!.id!);
    expect(second).toMatchObject({ status: 'PENDING', method: 'GET', intervalSeconds: 60, expectedStatusCodes: ['200-299'], paused: true });
    await waitFor(() => target.hits(path) > 0, 5000, 'a check of the created endpoint');
    await waitFor(async () => (await get(vigil, withId)).lastCheckedAt, 5000, 'its stored check');
  });

  it('accepts entries that share a name when each has its id, and finds them again by id', async () => {
    const name = unique('Twin');
    const file = fileOf([
      { id: randomUUID(), name, url: target.url('/twin-1'), paused: true },
      { id: randomUUID(), name, url: target.url('/twin-2'), paused: true },
    ]);
    expect(await importInto(vigil, file)).toMatchObject({ created: 2 });
    expect(await importInto(vigil, file)).toMatchObject({ created: 0, unchanged: 2 });
  });

  it('refuses malformed JSON and files of the wrong shape, storing nothing', async () => {
    const count = await total();
    const entry = { name: unique('Shape'), url: target.url('/shape') };
    const cases: [unknown, string, RegExp][] = [
      ['{"vigil": "endpoints", "version": 1, "endpoints": [', '', /malformed JSON/],
      ['', '', /empty/],
      [[entry], '', /not a bare array/],
      [{ version: 1, endpoints: [entry] }, 'vigil', /endpoints/],
      [{ vigil: 'monitors', version: 1, endpoints: [entry] }, 'vigil', /endpoints/],
      [{ vigil: 'endpoints', version: 2, endpoints: [entry] }, 'version', /must be 1/],
      [{ vigil: 'endpoints', version: 1 }, 'endpoints', /required/],
      [{ vigil: 'endpoints', version: 1, endpoints: { 0: entry } }, 'endpoints', /array/],
      [{ vigil: 'endpoints', version: 1, endpoints: [entry], extra: true }, 'extra', /not a known field/],
      [{ vigil: 'endpoints', version: 1, exportedAt: 'yesterday', endpoints: [entry] }, 'exportedAt', /ISO 8601/],
      [{ vigil: 'endpoints', version: 1, endpoints: ['x'] }, 'endpoints.0', /object/],
    ];
    for (const [body, path, message] of cases) {
      const res = await refusedImport(vigil, typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
    }
    expect(await total()).toBe(count);
  });

  it('refuses a file with a bad field in entry 3, naming every bad field, and stores none of its entries', async () => {
    const existing = await create(vigil, { name: unique('Kept'), url: target.url('/kept') });
    const good = (i: number) => ({ name: unique(`Entry${i}`), url: target.url(`/entry-${i}`) });
    const file = fileOf([
      { ...definitionOf(existing), url: target.url('/changed') },
      { ...good(1), colour: 'red' },
      { ...good(2), body: 'x' },
      { ...good(3), url: 'ftp://example.com/' },
      { ...good(4), intervalSeconds: 0, headers: { 'Bad Header': 'x' } },
      good(5),
    ]);
    const count = await total();

    const res = await refusedImport(vigil, file, '?mode=replace');

    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([
      { path: 'endpoints.1.colour', message: 'is not a known field' },
      { path: 'endpoints.2.body', message: 'must be null when method is GET' },
      { path: 'endpoints.3.url', message: 'must be an absolute http(s)://, tcp://, tls:// or dns: URL' },
      { path: 'endpoints.4.headers.Bad Header', message: 'is not a valid header name' },
      { path: 'endpoints.4.intervalSeconds', message: 'must be at least 1' },
    ]);
    expect(await total()).toBe(count);
    expect((await get(vigil, existing.id)).url).toBe(existing.url);
  });

  it('refuses a file that holds the same id twice, or an id-less name twice', async () => {
    const count = await total();
    const id = randomUUID();
    const sameId = await refusedImport(
      vigil,
      fileOf([
        { id, name: unique('A'), url: target.url('/a') },
        { name: unique('B'), url: target.url('/b') },
        { id: id.toUpperCase(), name: unique('C'), url: target.url('/c') },
      ]),
    );
    expect(sameId.status).toBe(400);
    expect(sameId.body.errors).toMatchObject([{ path: 'endpoints.2.id', message: expect.stringMatching(/endpoints\.0/) }]);

    const name = unique('Same');
    const sameName = await refusedImport(
      vigil,
      fileOf([
        { name, url: target.url('/same-1') },
        { id: randomUUID(), name, url: target.url('/same-2') },
      ]),
    );
    expect(sameName.status).toBe(400);
    expect(sameName.body.errors).toMatchObject([{ path: 'endpoints.1.name', message: expect.stringMatching(/endpoints\.0/) }]);
    expect(await total()).toBe(count);
  });

  it('refuses an entry whose name matches several endpoints here, naming it', async () => {
    const name = unique('Ambiguous');
    const twins = [await create(vigil, { name, url: target.url('/amb-1') }), await create(vigil, { name, url: target.url('/amb-2') })];
    const count = await total();

    const res = await refusedImport(
      vigil,
      fileOf([
        { name: unique('Other'), url: target.url('/o') },
        { name, url: target.url('/amb-3') },
      ]),
    );

    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'endpoints.1.name', message: expect.stringContaining(twins[0]!.id) }]);
    expect(await total()).toBe(count);
    // With the id, the entry is no longer ambiguous.
    expect((await importInto(vigil, fileOf([{ id: twins[1]!.id, name, url: target.url('/amb-3') }]))).items).toEqual([
      { id: twins[1]!.id, name, action: 'updated' },
    ]);
  });

  it('refuses more than 10,000 entries, and a body over IMPORT_BODY_LIMIT_BYTES', async () => {
    const count = await total();
    const many = Array.from({ length: 10_001 }, (_, i) => ({ name: `n${i}`, url: 'http://h.example/' }));
    const tooMany = await refusedImport(vigil, fileOf(many));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toMatchObject([{ path: 'endpoints', message: expect.stringMatching(/at most 10000/) }]);

    const huge = fileOf([{ name: unique('Huge'), url: target.url('/huge'), body: null, tags: [], headers: { 'X-Pad': 'x'.repeat(8000) } }]);
    (huge.endpoints as unknown[]).push(
      ...Array.from({ length: 300 }, (_, i) => ({ name: `pad${i}`, url: target.url('/pad'), headers: { 'X-Pad': 'x'.repeat(8000) } })),
    );
    const tooLarge = await refusedImport(vigil, huge);
    expect(tooLarge.status).toBe(413);
    expect(await total()).toBe(count);
  });

  it('takes a file larger than BODY_LIMIT_BYTES, which only limits the other routes', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({
      name: unique(`big-${i}`),
      url: target.url('/big'),
      paused: true,
      headers: { 'X-Pad': 'x'.repeat(8000) },
    }));
    const file = fileOf(entries);
    expect(JSON.stringify(file).length).toBeGreaterThan(256 * 1024);
    expect((await importInto(vigil, file)).created).toBe(40);
    const single = await vigil.api('POST', '/api/endpoints', { name: 'x', url: target.url('/x'), body: 'x'.repeat(300 * 1024) });
    expect(single.status).toBe(413);
    expect(single.body.detail).toMatch(/BODY_LIMIT_BYTES/);
  });

  it('describes both routes in the OpenAPI document, the file from the schema that validates it', async () => {
    const res = await vigil.api<any>('GET', '/api/openapi.json');
    expect(res.body.paths['/api/export'].get).toBeDefined();
    expect(res.body.paths['/api/import'].post.parameters.map((p: { name: string }) => p.name)).toEqual(['mode', 'dryRun']);
    const importFile = res.body.components.schemas.ImportFile;
    expect(importFile.required).toEqual(['vigil', 'version', 'endpoints']);
    expect(importFile.properties.endpoints.maxItems).toBe(10_000);
    expect(Object.keys(importFile.properties.endpoints.items.properties).sort()).toEqual(['id', ...DEFINITION_FIELDS].sort());
  });

  it('refuses unknown modes and dryRun values', async () => {
    const file = fileOf([{ name: unique('Q'), url: target.url('/q') }]);
    const mode = await refusedImport(vigil, file, '?mode=overwrite');
    expect(mode.status).toBe(400);
    expect(mode.body.errors).toMatchObject([{ path: 'mode', message: 'must be merge or replace' }]);
    const dryRun = await refusedImport(vigil, file, '?dryRun=yes');
    expect(dryRun.status).toBe(400);
    expect(dryRun.body.errors).toMatchObject([{ path: 'dryRun', message: 'must be true or false' }]);
  });
});

describe('replace mode and dry runs', () => {
  let vigil: TestVigil;

  beforeAll(async () => {
    vigil = await startTestVigil();
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  afterEach(() => {
    expect(vigil.errors.splice(0)).toEqual([]);
  });

  it('answers what an import would do and changes nothing when dryRun=true', async () => {
    const kept = await create(vigil, { name: 'Kept', url: target.url('/dry-kept') });
    const changed = await create(vigil, { name: 'Changed', url: target.url('/dry-changed') });
    const dropped = await create(vigil, { name: 'Dropped', url: target.url('/dry-dropped') });
    const before = await exportFrom(vigil);
    const sse = await openSse(vigil.port);
    const file = fileOf([
      { ...definitionOf(kept), id: kept.id },
      { ...definitionOf(changed), url: target.url('/dry-changed-v2') },
      { name: 'New', url: target.url('/dry-new') },
    ]);

    const result = await importInto(vigil, file, '?mode=replace&dryRun=true');

    expect(result).toEqual({
      mode: 'replace',
      dryRun: true,
      created: 1,
      updated: 1,
      unchanged: 1,
      deleted: 1,
      items: [
        { id: kept.id, name: 'Kept', action: 'unchanged' },
        { id: changed.id, name: 'Changed', action: 'updated' },
        { id: null, name: 'New', action: 'created' },
        { id: dropped.id, name: 'Dropped', action: 'deleted' },
      ],
      maintenanceWindows: { created: 0, updated: 0, unchanged: 0, deleted: 0 },
    });
    expect((await exportFrom(vigil)).endpoints).toEqual(before.endpoints);
    await settle(vigil, sse);
    expect(endpointEvents(sse)).toEqual([]);
    expect(vigil.registry.has(dropped.id)).toBe(true);
  });

  it('deletes, in replace mode, every endpoint the file does not hold, with its schedule, and announces it', async () => {
    const before = await exportFrom(vigil);
    const [kept, changed, dropped] = before.endpoints;
    const dropPath = `/${unique('dropped-active')}`;
    const active = await create(vigil, { name: 'Active, dropped', url: target.url(dropPath), intervalSeconds: 1, paused: false });
    await waitFor(() => target.hits(dropPath) > 0, 5000, 'a check of the endpoint to drop');
    const sse = await openSse(vigil.port);
    const file = fileOf([kept, { ...changed, url: target.url('/replace-changed') }, { name: 'New', url: target.url('/replace-new') }]);

    const result = await importInto(vigil, file, '?mode=replace');

    expect(result).toMatchObject({ mode: 'replace', dryRun: false, created: 1, updated: 1, unchanged: 1, deleted: 2 });
    expect(result.items.slice(3)).toEqual([
      { id: dropped!.id, name: 'Dropped', action: 'deleted' },
      { id: active.id, name: 'Active, dropped', action: 'deleted' },
    ]);
    expect((await vigil.api('GET', `/api/endpoints/${dropped!.id}`)).status).toBe(404);
    expect((await vigil.api('GET', `/api/endpoints/${active.id}`)).status).toBe(404);
    expect(vigil.scheduler.isScheduled(active.id)).toBe(false);
    expect(vigil.registry.has(active.id)).toBe(false);
    const after = await exportFrom(vigil);
    expect(after.endpoints.map((e) => e.name)).toEqual(['Kept', 'Changed', 'New']);

    await settle(vigil, sse);
    expect(endpointEvents(sse).map((e) => e.event)).toEqual(['endpoint:updated', 'endpoint:created', 'endpoint:deleted', 'endpoint:deleted']);
    expect(
      endpointEvents(sse)
        .slice(2)
        .map((e) => e.data),
    ).toEqual([{ endpointId: dropped!.id }, { endpointId: active.id }]);
  });

  it('empties the instance when a file with no endpoints is imported in replace mode', async () => {
    const result = await importInto(vigil, fileOf([]), '?mode=replace');
    expect(result).toMatchObject({ created: 0, updated: 0, unchanged: 0, deleted: 3 });
    expect((await exportFrom(vigil)).endpoints).toEqual([]);
  });
});

describe('with API_KEY set', () => {
  let vigil: TestVigil;

  beforeAll(async () => {
    vigil = await startTestVigil({ API_KEY: 'first-key,second-key' });
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('refuses an import without the key, accepts it with the key, and exports without one', async () => {
    const file = fileOf([{ name: 'Keyed', url: target.url('/keyed') }]);

    const missing = await vigil.api<ProblemDetails>('POST', '/api/import', file);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await vigil.api('POST', '/api/import', file, { authorization: 'Bearer wrong-key' })).status).toBe(401);
    expect((await exportFrom(vigil)).endpoints).toEqual([]);

    expect(await importInto(vigil, file, '', { authorization: 'Bearer second-key' })).toMatchObject({ created: 1 });
    expect((await exportFrom(vigil)).endpoints.map((e) => e.name)).toEqual(['Keyed']);
  });
});

describe('maintenance windows in the file', () => {
  let source: TestVigil;
  let destination: TestVigil;

  beforeAll(async () => {
    [source, destination] = await Promise.all([startTestVigil(), startTestVigil()]);
  });
  afterAll(async () => {
    await Promise.all([source?.dispose(), destination?.dispose()]);
  });
  afterEach(() => {
    expect([...source.errors.splice(0), ...destination.errors.splice(0)]).toEqual([]);
  });

  const windowsOf = async (on: TestVigil) => (await on.api<{ items: MaintenanceWindow[] }>('GET', '/api/maintenance-windows')).body.items;

  it('travel with the endpoints they name: same ids and definitions, on at once where they are on, announced', async () => {
    const api = await create(source, { name: 'Windowed API', url: target.url('/windowed'), paused: false });
    const made = await source.api<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: 'Now',
      endpointIds: [api.id],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const nightly = await source.api<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: 'Nightly',
      description: '백업',
      tags: ['db'],
      // Twelve hours from now in Seoul (UTC+9): never going on while the test runs, whatever the time of day.
      cron: `0 ${(new Date().getUTCHours() + 9 + 12) % 24} * * *`,
      durationMinutes: 45,
      timezone: 'Asia/Seoul',
    });
    const file = await exportFrom(source);
    expect(file.maintenanceWindows).toEqual(
      [made.body, nightly.body].map(({ active: _a, currentPeriod: _c, nextPeriod: _n, createdAt: _ca, updatedAt: _u, ...definition }) => definition),
    );

    const sse = await openSse(destination.port);
    const result = await importInto(destination, file);
    expect(result.maintenanceWindows).toEqual({ created: 2, updated: 0, unchanged: 0, deleted: 0 });
    expect((await exportFrom(destination)).maintenanceWindows).toEqual(file.maintenanceWindows);
    expect((await windowsOf(destination)).map((w) => [w.id, w.active])).toEqual([
      [made.body.id, true],
      [nightly.body.id, false],
    ]);
    await waitFor(async () => (await get(destination, api.id)).status === 'MAINTENANCE', 5000, 'the imported endpoint in maintenance');
    await waitFor(() => sse.events.filter((e) => e.event === 'maintenance:created').length === 2, 5000, 'two maintenance:created');

    // Again: unchanged. Changed in the file: updated. Left out of a merge: kept.
    expect((await importInto(destination, file)).maintenanceWindows).toMatchObject({ unchanged: 2 });
    const renamed = { ...file, maintenanceWindows: [{ ...file.maintenanceWindows[1]!, durationMinutes: 60 }] };
    expect((await importInto(destination, renamed)).maintenanceWindows).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 0 });
    expect((await windowsOf(destination)).map((w) => w.durationMinutes)).toEqual([null, 60]);
    const { maintenanceWindows: _left, ...withoutWindows } = file;
    expect((await importInto(destination, withoutWindows, '?mode=replace')).maintenanceWindows).toEqual({ created: 0, updated: 0, unchanged: 0, deleted: 0 });
    expect(await windowsOf(destination)).toHaveLength(2);
    // Given, in replace mode, the file's list is the whole list.
    const dry = await importInto(destination, { ...file, maintenanceWindows: [] }, '?mode=replace&dryRun=true');
    expect(dry.maintenanceWindows).toEqual({ created: 0, updated: 0, unchanged: 0, deleted: 2 });
    expect(await windowsOf(destination)).toHaveLength(2);
    expect((await importInto(destination, { ...file, maintenanceWindows: [] }, '?mode=replace')).maintenanceWindows).toMatchObject({ deleted: 2 });
    expect(await windowsOf(destination)).toEqual([]);
    // (Its first check here is spread over the next minute, as for any import: PENDING until then.)
    expect(await get(destination, api.id)).toMatchObject({ status: 'PENDING', maintenance: null });
  });

  it('refuse a window naming an endpoint neither here nor in the file, or a bad field, storing nothing of the file', async () => {
    const fresh = { name: unique('fresh'), url: target.url('/fresh'), id: randomUUID() };
    const window = { name: 'w', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString() };
    const unknown = randomUUID();
    const res = await refusedImport(destination, { ...fileOf([fresh]), maintenanceWindows: [{ ...window, endpointIds: [fresh.id, unknown] }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'maintenanceWindows.0.endpointIds.1', code: 'unknown_endpoint' })]);
    const bad = await refusedImport(destination, { ...fileOf([fresh]), maintenanceWindows: [{ ...window, endsAt: window.startsAt, endpointIds: [fresh.id] }] });
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'maintenanceWindows.0.endsAt', code: 'ends_before_start' })]);
    expect((await destination.api('GET', `/api/endpoints/${fresh.id}`)).status).toBe(404);
    expect(await windowsOf(destination)).toEqual([]);
    // The endpoint in the same file makes the window valid.
    const ok = await importInto(destination, { ...fileOf([fresh]), maintenanceWindows: [{ ...window, endpointIds: [fresh.id] }] });
    expect(ok).toMatchObject({ created: 1, maintenanceWindows: { created: 1 } });
  });
});
