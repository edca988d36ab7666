/** Checks over REST: one now, the list of an endpoint, the recent strip of every endpoint. */
import { describe, expect, it } from 'vitest';
import { checkResults } from '../../db/schema/index.ts';
import type { Check, Endpoint, Page, RecentChecks } from '../../server/contract/types.ts';
import { unique, idsOf, pathOf, expectCheckShape, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import type { TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get, allPages } = useRestApi((v, t) => {
  vigil = v;
  target = t;
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

  it.each<{ label: string; headers: Record<string, string>; judged: Partial<Check> }>([
    // The probe refuses to send it.
    { label: 'a non-Latin-1 header value', headers: { 'X-Snow': '☃' }, judged: { status: 'DOWN', statusCode: null, errorCode: 'invalid_request' } },
    // The target's HTTP parser drops the connection.
    { label: 'a Content-Length that is not a number', headers: { 'Content-Length': 'abc' }, judged: { status: 'DOWN', statusCode: null, errorCode: 'reset' } },
    { label: 'a Transfer-Encoding header', headers: { 'Transfer-Encoding': 'chunked' }, judged: { status: 'UP', statusCode: 200 } },
    { label: 'a Connection: upgrade header', headers: { Connection: 'upgrade' }, judged: { status: 'UP', statusCode: 200 } },
    { label: 'an empty Host header', headers: { Host: '' }, judged: { status: 'UP', statusCode: 200 } },
    { label: 'an Expect header', headers: { Expect: '100-continue' }, judged: { status: 'UP', statusCode: 200 } },
  ])('answers a Check, not an error, for an endpoint with $label: $judged.status', async ({ headers, judged }) => {
    const endpoint = await create({ headers });

    const res = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCheckShape(res.body, endpoint.id);
    expect(res.body).toMatchObject(judged);
    if (res.body.status === 'DOWN') expect(res.body.errorMessage).toMatch(/\S/);
  });

  it('checks a paused endpoint too, and leaves it paused', async () => {
    const endpoint = await create({ paused: true });

    const check = await checkNow(endpoint);

    expect(check.status).toBe('UP');
    expect(await get(endpoint.id)).toMatchObject({ paused: true, status: 'UP' });
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
  const stripOf = (checks: Check[]) =>
    checks.map((c) => ({ status: c.status, responseTime: c.responseTime, maintenance: c.maintenance, checkedAt: c.checkedAt }));

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
