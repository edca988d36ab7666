/** The REST API with API_KEY set: every mutating route needs a key, every GET stays open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Page } from '../../server/contract/types.ts';
import { unique } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil, useTargetServer } from '../support/vigil.ts';

let target: TargetServer;
useTargetServer((t) => (target = t));

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

  it.each([
    ['a wrong key', 'Bearer k3'],
    ['the configured list as one key', 'Bearer k1,k2'],
    ['an empty bearer', 'Bearer '],
    ['a key without "Bearer "', 'k1'],
    ['the Basic scheme', 'Basic azE6azE='],
    ['a key in the wrong letter case', 'Bearer K1'],
  ])('refuses %s (%s) with 401, and stores nothing', async (_, authorization) => {
    expect401(await locked.api('POST', '/api/endpoints', newEndpoint(), { authorization }));
    expect((await locked.api<Page<Endpoint>>('GET', '/api/endpoints')).body.items).toEqual([]);
  });

  it.each(['bearer k1', 'BEARER k2'])('accepts the Bearer scheme in any letter case (%s), as HTTP auth schemes are case-insensitive', async (authorization) => {
    const res = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization });
    expect(res.status).toBe(201);
    await locked.api('DELETE', `/api/endpoints/${res.body.id}`, undefined, { authorization: 'Bearer k1' });
  });

  it('accepts each configured key', async () => {
    const created = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k2' });
    expect(created.status).toBe(201);
    const other = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k1' });
    expect(other.status).toBe(201);
    await locked.api('DELETE', `/api/endpoints/${other.body.id}`, undefined, { authorization: 'Bearer k1' });
  });

  it.each<[string, string, unknown?]>([
    ['PATCH', '', { name: 'Hijacked' }],
    ['DELETE', ''],
    ['POST', '/check'],
    ['POST', '/pause'],
    ['POST', '/resume'],
  ])('guards %s /api/endpoints/:id%s and leaves the endpoint as it was', async (method, suffix, body) => {
    const created = await locked.api<Endpoint>('POST', '/api/endpoints', newEndpoint(), { authorization: 'Bearer k1' });
    const id = created.body.id;
    const path = `/api/endpoints/${id}${suffix}`;
    expect401(await locked.api(method, path, body));
    expect401(await locked.api(method, path, body, { authorization: 'Bearer nope' }));
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
