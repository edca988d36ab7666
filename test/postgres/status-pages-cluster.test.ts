import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicStatusPage, StatusPage } from '../../server/contract/status-pages.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createTestDatabase, type TestDatabase, waitFor } from '../support/vigil.ts';

/**
 * Status pages on two Vigil processes sharing one PostgreSQL: a page made on one is served by the
 * other (its custom domain too) within a moment, each shows the statuses of endpoints the other
 * checks as they change, and a change or deletion made on either reaches the other.
 */

let target: TargetServer;
let database: TestDatabase;
const instances: VigilProcess[] = [];
const endpoints: Endpoint[] = [];

async function api<T = unknown>(on: VigilProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await on.fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** GET with a Host of our choosing (fetch sends the URL's). */
function getAs(on: VigilProcess, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, on.url);
    http
      .get({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const shown = async (on: VigilProcess, path = '/status/fleet/page.json', host?: string): Promise<PublicStatusPage | number> => {
  if (host) {
    const res = await getAs(on, path, host);
    return res.status === 200 ? (JSON.parse(res.body) as PublicStatusPage) : res.status;
  }
  const res = await on.fetch(path);
  return res.status === 200 ? ((await res.json()) as PublicStatusPage) : res.status;
};

beforeAll(async () => {
  [target, database] = await Promise.all([startTargetServer(), createTestDatabase()]);
  for (const id of ['pages-a', 'pages-b']) instances.push(await startVigilProcess({ env: { ...database.env, INSTANCE_ID: id, LEASE_TTL_MS: '4000' } }));
  for (let i = 0; i < 6; i++) {
    const made = await api<Endpoint>(instances[0]!, 'POST', '/api/endpoints', {
      name: `Service ${i}`,
      url: target.url(`/svc/${i}`),
      intervalSeconds: 1,
      failureThreshold: 1,
    });
    expect(made.status).toBe(201);
    endpoints.push(made.body);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((v) => v.kill()));
  await target?.close();
  await database?.dispose();
});

describe('status pages on several instances', () => {
  it('serves a page made on one instance from the other, with every status live, and follows changes made on either', { timeout: 90_000 }, async () => {
    const [a, b] = instances as [VigilProcess, VigilProcess];
    const made = await api<StatusPage>(a, 'POST', '/api/status-pages', {
      slug: 'fleet',
      title: 'Fleet',
      customDomain: 'status.fleet.test',
      sections: [{ name: 'All', endpointIds: endpoints.map((e) => e.id) }],
    });
    expect(made.status).toBe(201);
    const onB = await waitFor(
      async () => {
        const page = await shown(b);
        return typeof page === 'object' && page.sections[0]!.endpoints.every((e) => e.status === 'UP') ? page : undefined;
      },
      15_000,
      'the page on B with every endpoint UP',
    );
    expect(onB.title).toBe('Fleet');
    expect(await shown(b, '/page.json', 'status.fleet.test')).toMatchObject({ slug: 'fleet' });

    // Both instances check some of the endpoints; every failure shows on both pages.
    for (let i = 0; i < 6; i++) target.setMode(`/svc/${i}`, { kind: 'ok', status: 500 });
    for (const on of [a, b]) {
      await waitFor(
        async () => {
          const page = await shown(on);
          return typeof page === 'object' && page.overall === 'major_outage' && page.sections[0]!.endpoints.every((e) => e.status === 'DOWN');
        },
        15_000,
        `every endpoint DOWN on ${on === a ? 'A' : 'B'}`,
      );
    }
    for (let i = 0; i < 6; i++) target.setMode(`/svc/${i}`, { kind: 'ok', status: 200 });
    for (const on of [a, b]) {
      await waitFor(
        async () => {
          const page = await shown(on);
          return typeof page === 'object' && page.overall === 'operational' && page.pastIncidents.length === 6;
        },
        15_000,
        `every endpoint back, the incidents in the history, on ${on === a ? 'A' : 'B'}`,
      );
    }

    expect((await api(b, 'PATCH', `/api/status-pages/${made.body.id}`, { title: 'Fleet status' })).status).toBe(200);
    await waitFor(
      async () => {
        const page = await shown(a);
        return typeof page === 'object' && page.title === 'Fleet status';
      },
      10_000,
      'the new title on A',
    );
    expect((await api(a, 'DELETE', `/api/status-pages/${made.body.id}`)).status).toBe(204);
    await waitFor(async () => (await shown(b)) === 404, 10_000, 'the page gone from B');
    // Its domain is no longer served by either.
    expect((await getAs(b, '/', 'status.fleet.test')).status).toBe(421);
  });
});
