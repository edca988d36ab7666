/**
 * Push endpoints end to end: a job's pings over HTTP (no key, no JSON), the deadline missed with
 * no ping (short periods: a second or two), an incident opened and resolved, the ping URL handed
 * out only with the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Endpoint, Incident, Page, ProblemDetails } from '../../server/contract/types.ts';
import { writableFieldsOf } from '../support/endpoints.ts';
import { unique, useRestApi } from '../support/rest-api.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

let vigil: TestVigil;
const { get } = useRestApi((v) => {
  vigil = v;
});

async function createPush(fields: Record<string, unknown> = {}): Promise<Endpoint> {
  const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: unique('job'), type: 'push', intervalSeconds: 3600, ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function pingUrlOf(endpoint: Endpoint, on = vigil, headers: Record<string, string> = {}): Promise<string> {
  const res = await on.api<{ token: string; pingUrl: string }>('GET', `/api/endpoints/${endpoint.id}/push-url`, undefined, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.pingUrl).toBe(`http://127.0.0.1:${on.port}/api/push/${res.body.token}`);
  return res.body.pingUrl;
}

const checksOf = async (endpoint: Endpoint) => (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`)).body.items;

/** Waits until the endpoint has `count` checks, newest first. */
const checksWhen = (endpoint: Endpoint, count: number) =>
  waitFor(
    async () => {
      const items = await checksOf(endpoint);
      return items.length >= count ? items : null;
    },
    10_000,
    `${count} checks`,
  );

describe('push endpoints', () => {
  it('get a secret URL made by Vigil, read redacted; the ping URL is handed out on its own route', async () => {
    const endpoint = await createPush();
    expect(endpoint).toMatchObject({ type: 'push', url: 'push:(secret)', lastPingAt: null, body: null, graceSeconds: 60, cron: null, timezone: null });
    expect(Date.parse(endpoint.nextDeadlineAt!)).toBe(Date.parse(endpoint.updatedAt) + 3600_000 + 60_000);
    const url = await pingUrlOf(endpoint);
    expect(url).toMatch(/\/api\/push\/[A-Za-z0-9_-]{32}$/);
    // The list and the events never show the token.
    const listed = (await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?q=${encodeURIComponent(endpoint.name)}`)).body.items;
    expect(JSON.stringify(listed)).not.toContain(url.split('/').pop());
  });

  it('take a ping by GET or POST without a key or a content type: UP, the last ping and the next deadline move', async () => {
    const endpoint = await createPush({ intervalSeconds: 600, graceSeconds: 30 });
    const url = await pingUrlOf(endpoint);
    const answer = await fetch(url);
    expect([answer.status, await answer.text(), answer.headers.get('cache-control')]).toEqual([200, 'OK\n', 'no-store']);
    const [check] = await checksWhen(endpoint, 1);
    expect(check).toMatchObject({ status: 'UP', statusCode: null, responseTime: 0, errorMessage: null });
    const after = await get(endpoint.id);
    expect(after.status).toBe('UP');
    expect(after.lastPingAt).toBe(check!.checkedAt);
    expect(Date.parse(after.nextDeadlineAt!)).toBe(Date.parse(check!.checkedAt) + 630_000);
    const posted = await fetch(url, { method: 'POST', body: 'backup done', headers: { 'content-type': 'text/plain' } });
    expect(posted.status).toBe(200);
    await checksWhen(endpoint, 2);
  });

  it('time a run from /start to the success, and keep what a failing job sent (exit status or /fail)', async () => {
    const endpoint = await createPush();
    const url = await pingUrlOf(endpoint);
    expect(await (await fetch(`${url}/start`)).text()).toBe('OK\n');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await fetch(url);
    const [timed] = await checksWhen(endpoint, 1);
    expect(timed!.responseTime).toBeGreaterThanOrEqual(140);

    await fetch(`${url}/fail`, { method: 'POST', body: 'pg_dump: error: connection refused\n' });
    const [failed] = await checksWhen(endpoint, 2);
    expect(failed).toMatchObject({
      status: 'DOWN',
      errorCode: 'push_failed',
      errorMessage: 'The job reported a failure',
      bodyExcerpt: 'pg_dump: error: connection refused\n',
    });

    await fetch(`${url}/3`);
    const [exit3] = await checksWhen(endpoint, 3);
    expect(exit3).toMatchObject({ status: 'DOWN', errorMessage: 'The job reported a failure (exit status 3)', errorParams: { detail: ' (exit status 3)' } });
    await fetch(`${url}/0`);
    expect((await checksWhen(endpoint, 4))[0]!.status).toBe('UP');
  });

  it('turn DOWN when the deadline passes without a ping, open an incident, and resolve it at the next ping', async () => {
    const endpoint = await createPush({ intervalSeconds: 1, graceSeconds: 1, failureThreshold: 1 });
    const url = await pingUrlOf(endpoint);
    const [late] = await checksWhen(endpoint, 1);
    expect(late).toMatchObject({ status: 'DOWN', errorCode: 'push_late', errorParams: { last: 'never' } });
    expect(late!.errorMessage).toMatch(/^No ping by \d{4}-\d\d-\d\dT[\d:.]+Z \(last ping: never\)$/);
    const open = await waitFor(async () => {
      const items = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}&status=open`)).body.items;
      return items.length > 0 ? items : null;
    });
    expect(open).toHaveLength(1);

    await fetch(url);
    await waitFor(async () => (await get(endpoint.id)).status === 'UP', 5000, 'UP after the ping');
    const resolved = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items[0]!;
    expect(resolved.resolvedAt).not.toBeNull();
    await vigil.api('POST', `/api/endpoints/${endpoint.id}/pause`);
  });

  it('refuse a ping that a page of another origin makes the browser send (403), as any write', async () => {
    const endpoint = await createPush();
    const url = await pingUrlOf(endpoint);
    const res = await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(403);
    expect(await checksOf(endpoint)).toEqual([]);
  });

  it('are not checked on request: a check now is a 400 saying its checks come from its pings', async () => {
    const endpoint = await createPush();
    const res = await vigil.api<ProblemDetails>('POST', `/api/endpoints/${endpoint.id}/check`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'id', code: 'not_for_type' }));
  });

  it('answer 404 to an unknown token and a bad signal, and take nothing while paused', async () => {
    expect((await fetch(`http://127.0.0.1:${vigil.port}/api/push/${'x'.repeat(32)}`)).status).toBe(404);
    const endpoint = await createPush({ paused: true });
    const url = await pingUrlOf(endpoint);
    expect((await fetch(`${url}/restart`)).status).toBe(404);
    expect((await fetch(`${url}/256`)).status).toBe(404);
    const paused = await fetch(url);
    expect([paused.status, await paused.text()]).toEqual([200, 'OK (paused: not recorded)\n']);
    expect(await checksOf(endpoint)).toEqual([]);
  });

  it('follow a cron expression in a time zone, and refuse what cannot work with precise 400s', async () => {
    const nightly = await createPush({ cron: '30 3 * * *', timezone: 'Asia/Seoul', graceSeconds: 1800 });
    const deadline = new Date(nightly.nextDeadlineAt!);
    // 03:30 in Seoul (UTC+9) plus 30 minutes of grace: 19:00 UTC.
    expect([deadline.getUTCHours(), deadline.getUTCMinutes()]).toEqual([19, 0]);

    const refused = async (body: Record<string, unknown>) => {
      const res = await vigil.api<ProblemDetails>('POST', '/api/endpoints', { name: unique('bad'), ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.errors!;
    };
    expect(await refused({ type: 'push', cron: '61 * * * *' })).toContainEqual(expect.objectContaining({ path: 'cron', code: 'invalid_cron' }));
    expect(await refused({ type: 'push', cron: '0 3 * * *', timezone: 'Mars/Olympus' })).toContainEqual(
      expect.objectContaining({ path: 'timezone', code: 'invalid_timezone' }),
    );
    expect(await refused({ type: 'push', timezone: 'Asia/Seoul' })).toContainEqual(
      expect.objectContaining({ path: 'timezone', code: 'timezone_without_cron' }),
    );
    expect(await refused({ url: 'http://127.0.0.1:1/', cron: '0 3 * * *' })).toContainEqual(expect.objectContaining({ path: 'cron', code: 'not_for_type' }));
    expect(await refused({ type: 'push', url: 'push:short' })).toContainEqual(expect.objectContaining({ path: 'url', code: 'invalid_url' }));
    expect(await refused({ type: 'push', body: 'x' })).toContainEqual(expect.objectContaining({ path: 'body', code: 'not_for_type' }));
    expect(await refused({ name: 'no url' })).toContainEqual(expect.objectContaining({ path: 'url', code: 'required' }));
  });

  it('keep their token through a PATCH that sends back what it read, and get a new one on request', async () => {
    const endpoint = await createPush();
    const url = await pingUrlOf(endpoint);
    const asRead = writableFieldsOf(endpoint);
    const written = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { ...asRead, graceSeconds: 120 });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(await pingUrlOf(endpoint)).toBe(url);

    const renewed = await vigil.api<{ pingUrl: string }>('POST', `/api/endpoints/${endpoint.id}/push-url`);
    expect(renewed.body.pingUrl).not.toBe(url);
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(renewed.body.pingUrl)).status).toBe(200);
  });

  it('travel through an export with secrets and import into another instance, keeping the ping URL', async () => {
    const endpoint = await createPush({ cron: '0 * * * *' });
    const token = (await pingUrlOf(endpoint)).split('/').pop()!;
    const file = (await vigil.api('GET', '/api/export?secrets=include')).body;
    const mine = { ...file, endpoints: file.endpoints.filter((e: { id: string }) => e.id === endpoint.id) };
    expect(mine.endpoints[0]).toMatchObject({ type: 'push', url: `push:${token}`, cron: '0 * * * *' });
    // Into the same instance again, under another id: the token is taken.
    const clash = await vigil.api<ProblemDetails>('POST', '/api/import', {
      ...mine,
      endpoints: [{ ...mine.endpoints[0], id: undefined, name: unique('copy') }],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toContainEqual(expect.objectContaining({ path: 'endpoints.0.url', code: 'duplicate_push_url' }));
  });
});

describe('the ping URL with API_KEY set', () => {
  let keyed: TestVigil;
  beforeAll(async () => {
    keyed = await startTestVigil({ API_KEY: 'push-test-key-0123456789' });
  });
  afterAll(async () => {
    await keyed?.dispose();
  });

  it('needs the key to be read, while the ping itself needs none', async () => {
    const auth = { authorization: 'Bearer push-test-key-0123456789' };
    const created = await keyed.api<Endpoint>('POST', '/api/endpoints', { name: 'job', type: 'push' }, auth);
    expect(created.status).toBe(201);
    expect((await keyed.api('GET', `/api/endpoints/${created.body.id}/push-url`)).status).toBe(401);
    const url = await pingUrlOf(created.body, keyed, auth);
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
  });
});
