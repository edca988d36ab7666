import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResults, incidents as incidentsTable } from '../db/schema/index.ts';
import type { Check, Endpoint, Incident, Page, RecentChecks, Summary, Uptime } from '../server/contract/types.ts';
import type { TargetServer } from './support/target-server.ts';
import { type ApiAnswer, startTestVigil, type TestVigil, useSharedVigil, useTargetServer, waitFor } from './support/vigil.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let target: TargetServer;
let vigil: TestVigil;
let seq = 0;
/** A name no other test uses: keeps tests independent on one shared instance. */
const unique = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

useTargetServer((t) => (target = t));
useSharedVigil((v) => (vigil = v));

type CreateFields = Partial<Omit<Endpoint, 'expectedStatusCodes'>> & { path?: string; expectedStatusCodes?: (string | number)[] };

/** Creates an endpoint on its own target path; paused (no background checks) unless told otherwise. */
async function create(fields: CreateFields = {}, on: TestVigil = vigil): Promise<Endpoint> {
  const { path = `/${unique('ep')}`, ...rest } = fields;
  const res = await on.api<Endpoint>('POST', '/api/endpoints', {
    name: `Target ${path}`,
    url: target.url(path),
    intervalSeconds: 3600,
    paused: true,
    ...rest,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const pathOf = (endpoint: Endpoint) => new URL(endpoint.url).pathname;

/** Runs one check through the API; returns once the clock has moved past it, so checks never share a millisecond. */
async function checkNow(endpoint: Endpoint, on: TestVigil = vigil): Promise<Check> {
  const res = await on.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await waitFor(() => Date.now() > Date.parse(res.body.checkedAt) + 1, 1000, 'the clock to move on');
  return res.body;
}

async function get(id: string): Promise<Endpoint> {
  const res = await vigil.api<Endpoint>('GET', `/api/endpoints/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function list(query: Record<string, string> = {}): Promise<Page<Endpoint>> {
  const res = await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?${new URLSearchParams(query)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Follows nextCursor from the first page to the last; returns every page. */
async function allPages<T>(path: string, query: Record<string, string>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | null = null;
  do {
    const params: URLSearchParams = new URLSearchParams(cursor ? { ...query, cursor } : query);
    const res: ApiAnswer<Page<T>> = await vigil.api<Page<T>>('GET', `${path}?${params}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== null);
  return pages;
}

const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

function expectCheckShape(check: Check, endpointId: string) {
  expect(Object.keys(check).sort()).toEqual(['checkedAt', 'endpointId', 'errorCode', 'errorMessage', 'errorParams', 'id', 'responseTime', 'status', 'statusCode'].sort());
  expect(check.id).toMatch(UUID);
  expect(check.endpointId).toBe(endpointId);
  expect(check.checkedAt).toMatch(ISO);
  expect(Number.isInteger(check.responseTime)).toBe(true);
  expect(check.responseTime).toBeGreaterThanOrEqual(0);
}

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
      url,
      method: 'GET',
      headers: {},
      secretHeaders: [],
      body: null,
      intervalSeconds: 60,
      timeoutMs: 10000,
      expectedStatusCodes: ['200-299'],
      degradedThresholdMs: 2000,
      failureThreshold: 3,
      paused: false,
      tags: [],
      status: 'PENDING',
      lastCheckedAt: null,
      lastResponseTime: null,
      lastStatusCode: null,
      lastErrorMessage: null,
      lastErrorCode: null,
      lastErrorParams: null,
      consecutiveFailures: 0,
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

describe('GET /api/endpoints', () => {
  it('pages with limit=3 through 7 endpoints, following nextCursor to the end, with no duplicate or gap', async () => {
    const tag = unique('page');
    // Created at once, so that several share a creation millisecond and the id must break the tie.
    const created = await Promise.all(Array.from({ length: 7 }, () => create({ tags: [tag] })));

    const pages = await allPages<Endpoint>('/api/endpoints', { tag, limit: '3' });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    const seen = pages.flatMap((p) => idsOf(p.items));
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(idsOf(created).sort());
    // The pages together are the same list, in the same order, as one big page.
    expect(seen).toEqual(idsOf((await list({ tag, limit: '500' })).items));
  });

  it('ends with nextCursor null when the last page is exactly full', async () => {
    const tag = unique('full-page');
    await Promise.all(Array.from({ length: 6 }, () => create({ tags: [tag] })));

    const pages = await allPages<Endpoint>('/api/endpoints', { tag, limit: '3' });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3]);
    expect(pages[1]!.nextCursor).toBeNull();
  });

  it('lists endpoints in creation order, the same whether paged or not', async () => {
    const first = await create();
    await waitFor(() => Date.now() > Date.parse(first.createdAt));
    const second = await create();

    const all = idsOf((await list({ limit: '500' })).items);
    const paged = (await allPages<Endpoint>('/api/endpoints', { limit: '2' })).flatMap((p) => idsOf(p.items));

    expect(paged).toEqual(all);
    expect(all.indexOf(first.id)).toBeLessThan(all.indexOf(second.id));
  });

  it('answers an empty page and a null nextCursor when nothing matches', async () => {
    expect(await list({ tag: unique('nothing') })).toEqual({ items: [], nextCursor: null });
  });

  it('filters by status, one or a comma-separated list', async () => {
    const tag = unique('status');
    target.setMode(`/${tag}-down`, { kind: 'ok', status: 500 });
    target.setMode(`/${tag}-slow`, { kind: 'slow', delayMs: 60 });
    const up = await create({ tags: [tag], path: `/${tag}-up` });
    const down = await create({ tags: [tag], path: `/${tag}-down` });
    const degraded = await create({ tags: [tag], path: `/${tag}-slow`, degradedThresholdMs: 20 });
    const pending = await create({ tags: [tag] });
    await checkNow(up);
    await checkNow(down);
    await checkNow(degraded);

    const byStatus = async (status: string) => idsOf((await list({ tag, status })).items).sort();

    expect(await byStatus('UP')).toEqual([up.id]);
    expect(await byStatus('DOWN')).toEqual([down.id]);
    expect(await byStatus('DEGRADED')).toEqual([degraded.id]);
    expect(await byStatus('PENDING')).toEqual([pending.id]);
    expect(await byStatus('UP,DOWN')).toEqual([up.id, down.id].sort());
    expect(await byStatus('DOWN,DEGRADED,PENDING')).toEqual([down.id, degraded.id, pending.id].sort());
    for (const endpoint of (await list({ status: 'DOWN', limit: '500' })).items) expect(endpoint.status).toBe('DOWN');
  });

  it('filters by tag', async () => {
    const [red, blue] = [unique('red'), unique('blue')];
    const a = await create({ tags: [red] });
    const b = await create({ tags: [red, blue] });
    const c = await create({ tags: [blue] });

    expect(idsOf((await list({ tag: red })).items).sort()).toEqual([a.id, b.id].sort());
    expect(idsOf((await list({ tag: blue })).items).sort()).toEqual([b.id, c.id].sort());
  });

  it('stores and filters by tags holding commas, quotes, braces, backslashes, spaces and the word NULL', async () => {
    const marker = unique('odd');
    const odd = [`${marker},comma`, `${marker} "quoted"`, `{${marker}}`, `${marker}\\back`, 'NULL', 'null', `${marker} space`];
    const endpoint = await create({ tags: odd });

    expect(endpoint.tags).toEqual(odd);
    expect((await get(endpoint.id)).tags).toEqual(odd);
    for (const tag of odd) {
      expect(idsOf((await list({ tag, limit: '500' })).items), tag).toContain(endpoint.id);
    }
    expect(idsOf((await list({ tag: marker })).items)).toEqual([]);
  });

  it('searches q in names and URLs, ignoring case', async () => {
    const token = unique('Needle');
    const inName = await create({ name: `Orders ${token} API` });
    const inUrl = await create({ path: `/health/${token.toLowerCase()}` });
    await create({ name: 'Unrelated' });

    for (const q of [token, token.toUpperCase(), token.toLowerCase()]) {
      expect(idsOf((await list({ q })).items).sort(), q).toEqual([inName.id, inUrl.id].sort());
    }
  });

  it('treats % and _ in q literally, not as wildcards', async () => {
    const token = unique('lit').replace(/-/g, '');
    const percent = await create({ name: `${token} 100% ready` });
    await create({ name: `${token} 100x ready` });
    const underscore = await create({ name: `${token} a_b` });
    await create({ name: `${token} axb` });
    const backslash = await create({ name: `${token} c\\d` });
    await create({ name: `${token} cd` });

    expect(idsOf((await list({ q: `${token} 100%` })).items)).toEqual([percent.id]);
    expect(idsOf((await list({ q: `${token} a_b` })).items)).toEqual([underscore.id]);
    expect(idsOf((await list({ q: `${token} c\\d` })).items)).toEqual([backslash.id]);
    expect((await list({ q: `${token}%x` })).items).toEqual([]);
  });

  it('filters by paused', async () => {
    const tag = unique('paused');
    const paused = await create({ tags: [tag], paused: true });
    const running = await create({ tags: [tag], paused: false });

    expect(idsOf((await list({ tag, paused: 'true' })).items)).toEqual([paused.id]);
    expect(idsOf((await list({ tag, paused: 'false' })).items)).toEqual([running.id]);
  });

  it('combines filters', async () => {
    const tag = unique('combo');
    target.setMode(`/${tag}-down`, { kind: 'ok', status: 503 });
    const downPaused = await create({ tags: [tag], path: `/${tag}-down`, name: `${tag} alpha` });
    await create({ tags: [tag], name: `${tag} beta` });
    await checkNow(downPaused);

    expect(idsOf((await list({ tag, status: 'DOWN', paused: 'true', q: 'alpha' })).items)).toEqual([downPaused.id]);
    expect((await list({ tag, status: 'DOWN', q: 'beta' })).items).toEqual([]);
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
  it('answers 204 with no body, then 404 on GET, PATCH and DELETE', async () => {
    const endpoint = await create();

    const res = await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();

    for (const [method, body] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE'], ['POST', undefined, 'check']] as const) {
      const again = await vigil.api(method, `/api/endpoints/${endpoint.id}`, body);
      expect(again.status, method).toBe(404);
      expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
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

describe('POST /api/endpoints/:id/check', () => {
  it('runs one check now and answers 200 with the stored Check', async () => {
    const endpoint = await create();
    const hitsBefore = target.hits(pathOf(endpoint));

    const res = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);

    expect(res.status).toBe(200);
    expectCheckShape(res.body, endpoint.id);
    expect(res.body).toMatchObject({ status: 'UP', statusCode: 200, errorMessage: null });
    expect(target.hits(pathOf(endpoint))).toBe(hitsBefore + 1);
    const stored = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(stored.body.items).toEqual([res.body]);
  });

  it('answers DOWN with statusCode 500 when the target answers 500', async () => {
    const path = `/${unique('err')}`;
    target.setMode(path, { kind: 'ok', status: 500 });
    const endpoint = await create({ path });

    const check = await checkNow(endpoint);

    expectCheckShape(check, endpoint.id);
    expect(check).toMatchObject({ status: 'DOWN', statusCode: 500 });
    expect(check.errorMessage).toEqual(expect.any(String));
    expect(await get(endpoint.id)).toMatchObject({ status: 'DOWN', lastStatusCode: 500, consecutiveFailures: 1 });
  });

  it('answers DOWN with no status code and a message when the connection is reset', async () => {
    const path = `/${unique('reset')}`;
    target.setMode(path, { kind: 'reset' });
    const endpoint = await create({ path });

    const check = await checkNow(endpoint);

    expect(check).toMatchObject({ status: 'DOWN', statusCode: null });
    expect(check.errorMessage).toMatch(/\S/);
  });

  it('answers DEGRADED when the expected answer is slower than the threshold', async () => {
    const path = `/${unique('slow')}`;
    target.setMode(path, { kind: 'slow', delayMs: 80 });
    const endpoint = await create({ path, degradedThresholdMs: 30 });

    const check = await checkNow(endpoint);

    expect(check).toMatchObject({ status: 'DEGRADED', statusCode: 200 });
    expect(check.responseTime).toBeGreaterThan(30);
  });

  it('answers DOWN with "Timeout exceeded" when the target does not answer in time', async () => {
    const path = `/${unique('hang')}`;
    target.setMode(path, { kind: 'hang' });
    const endpoint = await create({ path, timeoutMs: 200, degradedThresholdMs: 100 });

    const check = await checkNow(endpoint);

    expect(check).toMatchObject({ status: 'DOWN', statusCode: null, errorMessage: 'Timeout exceeded', errorCode: 'timeout', errorParams: {} });
  });

  it.each<{ label: string; headers: Record<string, string> }>([
    { label: 'a non-Latin-1 header value', headers: { 'X-Snow': '☃' } },
    { label: 'a Content-Length that is not a number', headers: { 'Content-Length': 'abc' } },
    { label: 'a Transfer-Encoding header', headers: { 'Transfer-Encoding': 'chunked' } },
    { label: 'a Connection: upgrade header', headers: { Connection: 'upgrade' } },
    { label: 'an empty Host header', headers: { Host: '' } },
    { label: 'an Expect header', headers: { Expect: '100-continue' } },
  ])('answers a Check, not an error, for an endpoint with $label', async ({ headers }) => {
    const endpoint = await create({ headers });

    const res = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCheckShape(res.body, endpoint.id);
    if (res.body.status === 'DOWN') expect(res.body.errorMessage).toMatch(/\S/);
  });

  it('checks a paused endpoint too, and leaves it paused', async () => {
    const endpoint = await create({ paused: true });

    const check = await checkNow(endpoint);

    expect(check.status).toBe('UP');
    expect(await get(endpoint.id)).toMatchObject({ paused: true, status: 'UP' });
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

describe('GET /api/endpoints/:id/checks', () => {
  it('answers an empty page before any check', async () => {
    const endpoint = await create();
    expect((await vigil.api('GET', `/api/endpoints/${endpoint.id}/checks`)).body).toEqual({ items: [], nextCursor: null });
  });

  it('lists checks newest first and pages through them with a cursor', async () => {
    const endpoint = await create();
    const made: Check[] = [];
    for (let i = 0; i < 5; i++) made.push(await checkNow(endpoint));
    const newestFirst = idsOf(made).reverse();

    const pages = await allPages<Check>(`/api/endpoints/${endpoint.id}/checks`, { limit: '2' });

    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => idsOf(p.items))).toEqual(newestFirst);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const whole = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(whole.body.items).toEqual([...made].reverse());
    expect(whole.body.nextCursor).toBeNull();
  });

  it('filters by from and to, both inclusive', async () => {
    const endpoint = await create();
    const made: Check[] = [];
    for (let i = 0; i < 5; i++) made.push(await checkNow(endpoint));
    const [, second, third, fourth] = made as [Check, Check, Check, Check, Check];

    const between = await vigil.api<Page<Check>>(
      'GET',
      `/api/endpoints/${endpoint.id}/checks?${new URLSearchParams({ from: second.checkedAt, to: fourth.checkedAt })}`,
    );
    expect(idsOf(between.body.items)).toEqual([fourth.id, third.id, second.id]);

    const from = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks?from=${encodeURIComponent(fourth.checkedAt)}`);
    expect(idsOf(from.body.items)).toEqual([made[4]!.id, fourth.id]);

    const to = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks?to=${encodeURIComponent(second.checkedAt)}`);
    expect(idsOf(to.body.items)).toEqual([second.id, made[0]!.id]);

    const paged = await allPages<Check>(`/api/endpoints/${endpoint.id}/checks`, { from: second.checkedAt, to: fourth.checkedAt, limit: '1' });
    expect(paged.flatMap((p) => idsOf(p.items))).toEqual([fourth.id, third.id, second.id]);
  });

  it('lists only the checks of the endpoint asked for', async () => {
    const a = await create();
    const b = await create();
    await checkNow(a);
    const onlyB = await checkNow(b);
    expect((await vigil.api<Page<Check>>('GET', `/api/endpoints/${b.id}/checks`)).body.items).toEqual([onlyB]);
  });
});

describe('GET /api/checks/recent', () => {
  const recent = async (query = '') => {
    const res = await vigil.api<RecentChecks>('GET', `/api/checks/recent${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items;
  };
  const stripOf = (checks: Check[]) => checks.map((c) => ({ status: c.status, responseTime: c.responseTime, checkedAt: c.checkedAt }));

  it('gives each endpoint its newest checks first, at most perEndpoint of them', async () => {
    const downPath = `/${unique('recent-down')}`;
    const a = await create();
    const b = await create({ path: downPath });
    const aChecks: Check[] = [];
    for (let i = 0; i < 5; i++) aChecks.push(await checkNow(a));
    target.setMode(downPath, { kind: 'ok', status: 503 });
    const bChecks = [await checkNow(b)];
    target.setMode(downPath, { kind: 'ok' });
    bChecks.push(await checkNow(b));

    const items = await recent('?perEndpoint=3');

    expect(items[a.id]).toEqual(stripOf(aChecks.slice(2).reverse()));
    expect(items[b.id]).toEqual(stripOf([...bChecks].reverse()));
    expect(items[b.id]!.map((c) => c.status)).toEqual(['UP', 'DOWN']);
  });

  it('lists every endpoint, those never checked with []', async () => {
    const never = await create();
    const checked = await create();
    await checkNow(checked);

    const items = await recent();

    expect(items[never.id]).toEqual([]);
    expect(items[checked.id]).toHaveLength(1);
    const everyId = (await allPages<Endpoint>('/api/endpoints', { limit: '500' })).flatMap((p) => idsOf(p.items));
    expect(Object.keys(items).sort()).toEqual([...everyId].sort());
  });

  it('defaults to 20 checks, allows 1 to 100, and breaks ties of checkedAt by id, as the checks list does', async () => {
    const endpoint = await create();
    // 25 checks a minute apart a day ago (inside the retention), the last two in the same millisecond.
    const base = Date.now() - 86_400_000;
    await vigil.database.db.insert(checkResults).values(
      Array.from({ length: 25 }, (_, i) => ({
        id: crypto.randomUUID(),
        endpointId: endpoint.id,
        status: i % 7 === 0 ? 'DOWN' : 'UP',
        responseTime: 100 + i,
        checkedAt: new Date(base + Math.min(i, 23) * 60_000),
      })),
    );
    const listed = (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items;
    expect(listed).toHaveLength(25);

    expect((await recent())[endpoint.id]).toEqual(stripOf(listed.slice(0, 20)));
    expect((await recent('?perEndpoint=1'))[endpoint.id]).toEqual(stripOf(listed.slice(0, 1)));
    expect((await recent('?perEndpoint=100'))[endpoint.id]).toEqual(stripOf(listed));
  });

  it.each([
    ['0', 'must be at least 1'],
    ['101', 'must be at most 100'],
    ['abc', 'must be a whole number'],
    ['2.5', 'must be a whole number'],
    ['-1', 'must be a whole number'],
    ['', 'must be a whole number'],
  ])('refuses perEndpoint=%s with a 400 problem naming perEndpoint', async (value, message) => {
    const res = await vigil.api('GET', `/api/checks/recent?perEndpoint=${encodeURIComponent(value)}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, errors: [{ path: 'perEndpoint', message }] });
  });
});

describe('GET /api/endpoints/:id/uptime', () => {
  it('answers three empty windows before any check', async () => {
    const endpoint = await create();

    const res = await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);

    expect(res.status).toBe(200);
    const empty = { uptime: null, checks: 0, avgResponseTime: null };
    expect(res.body).toEqual({ '24h': empty, '7d': empty, '30d': empty });
  });

  it('counts 3 UP and 1 DOWN checks as 75 % in every window', async () => {
    const path = `/${unique('mix')}`;
    const endpoint = await create({ path });
    const made: Check[] = [];
    for (const status of [200, 500, 200, 200]) {
      target.setMode(path, { kind: 'ok', status });
      made.push(await checkNow(endpoint));
    }
    expect(made.map((c) => c.status)).toEqual(['UP', 'DOWN', 'UP', 'UP']);

    const res = await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`);

    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['24h', '30d', '7d']);
    const times = made.map((c) => c.responseTime);
    for (const window of ['24h', '7d', '30d'] as const) {
      const w = res.body[window];
      expect(w.uptime, window).toBe(75);
      expect(w.checks, window).toBe(4);
      expect(Number.isInteger(w.avgResponseTime), window).toBe(true);
      expect(w.avgResponseTime!).toBeGreaterThanOrEqual(Math.min(...times));
      expect(w.avgResponseTime!).toBeLessThanOrEqual(Math.max(...times));
    }
  });

  it('answers 0 % when every check was DOWN and 100 % when none was', async () => {
    const downPath = `/${unique('alldown')}`;
    target.setMode(downPath, { kind: 'ok', status: 502 });
    const down = await create({ path: downPath });
    const up = await create();
    for (let i = 0; i < 2; i++) {
      await checkNow(down);
      await checkNow(up);
    }

    expect((await vigil.api<Uptime>('GET', `/api/endpoints/${down.id}/uptime`)).body['24h']).toMatchObject({ uptime: 0, checks: 2 });
    expect((await vigil.api<Uptime>('GET', `/api/endpoints/${up.id}/uptime`)).body['24h']).toMatchObject({ uptime: 100, checks: 2 });
  });

  it('gives a percentage with a fraction for 2 UP out of 3', async () => {
    const path = `/${unique('third')}`;
    const endpoint = await create({ path });
    for (const status of [200, 200, 500]) {
      target.setMode(path, { kind: 'ok', status });
      await checkNow(endpoint);
    }
    const window = (await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body['7d'];
    expect(window.uptime).toBeCloseTo(66.667, 2);
    expect(window.checks).toBe(3);
  });
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
    expect(res.body).toEqual({ total: 0, up: 0, down: 0, degraded: 0, pending: 0, paused: 0, openIncidents: 0 });
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
    await waitFor(async () => (await own.api<Endpoint>('GET', `/api/endpoints/${degraded.id}`)).body.status === 'DEGRADED', 5000, 'the degraded check');

    const res = await own.api<Summary>('GET', '/api/summary');

    expect(res.body).toEqual({ total: 3, up: 1, down: 1, degraded: 1, pending: 0, paused: 0, openIncidents: 1 });
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

describe('with API_KEY set', () => {
  let locked: TestVigil;

  beforeAll(async () => {
    // These tests present many wrong keys on purpose; throttling has its own tests (api-key.test.ts).
    locked = await startTestVigil({ API_KEY: 'k1,k2', AUTH_FAILURE_LIMIT: '1000' });
  });
  afterAll(async () => {
    await locked?.dispose();
  });

  const newEndpoint = () => ({ name: 'Keyed', url: target.url(`/${unique('keyed')}`), paused: true });

  function expect401(res: { status: number; headers: Headers; body: any }) {
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 401, detail: expect.any(String) });
  }

  it('refuses a POST without a key with 401 problem+json, and stores nothing', async () => {
    expect401(await locked.api('POST', '/api/endpoints', newEndpoint()));
    expect((await locked.api<Page<Endpoint>>('GET', '/api/endpoints')).body.items).toEqual([]);
  });

  it('refuses a wrong key, a key without "Bearer " and an empty bearer with 401', async () => {
    for (const authorization of ['Bearer k3', 'Bearer k1,k2', 'Bearer ', 'k1', 'Basic azE6azE=', 'Bearer K1']) {
      expect401(await locked.api('POST', '/api/endpoints', newEndpoint(), { authorization }));
    }
    expect((await locked.api<Page<Endpoint>>('GET', '/api/endpoints')).body.items).toEqual([]);
  });

  it('accepts the Bearer scheme in any letter case, as HTTP auth schemes are case-insensitive', async () => {
    for (const authorization of ['bearer k1', 'BEARER k2']) {
      const res = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization });
      expect(res.status, authorization).toBe(201);
      await locked.api('DELETE', `/api/endpoints/${res.body.id}`, undefined, { authorization: 'Bearer k1' });
    }
  });

  it('accepts each configured key', async () => {
    const created = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k2' });
    expect(created.status).toBe(201);
    const other = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k1' });
    expect(other.status).toBe(201);
    await locked.api('DELETE', `/api/endpoints/${other.body.id}`, undefined, { authorization: 'Bearer k1' });
  });

  it('guards every mutating route and leaves the endpoint as it was', async () => {
    const created = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k1' });
    const id = created.body.id;
    const routes: [string, string, unknown?][] = [
      ['PATCH', `/api/endpoints/${id}`, { name: 'Hijacked' }],
      ['DELETE', `/api/endpoints/${id}`],
      ['POST', `/api/endpoints/${id}/check`],
      ['POST', `/api/endpoints/${id}/pause`],
      ['POST', `/api/endpoints/${id}/resume`],
    ];
    for (const [method, path, body] of routes) {
      expect401(await locked.api(method, path, body));
      expect401(await locked.api(method, path, body, { authorization: 'Bearer nope' }));
    }
    expect((await locked.api('GET', `/api/endpoints/${id}`)).body).toEqual(created.body);
    expect((await locked.api('GET', `/api/endpoints/${id}/checks`)).body).toEqual({ items: [], nextCursor: null });
  });

  it('keeps every GET open without a key', async () => {
    const created = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k2' });
    for (const path of [
      '/api/endpoints',
      `/api/endpoints/${created.body.id}`,
      `/api/endpoints/${created.body.id}/checks`,
      `/api/endpoints/${created.body.id}/uptime`,
      '/api/incidents',
      '/api/summary',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect((await locked.api('GET', path)).status, path).toBe(200);
    }
    expect(locked.errors).toEqual([]);
  });
});
