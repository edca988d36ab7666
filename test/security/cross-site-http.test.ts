import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { JSON_BODY_ROUTES } from '../../server/http/middleware/json-writes.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * Cross-site control of the REST API and DNS rebinding, tried over plain HTTP with every header
 * under the test's control (test/browser/cross-site.test.ts tries the same from a real page):
 * bodies a page can send without a CORS preflight (415), a page's Origin (403), and the Host
 * header a rebound name carries (421). Each attack runs against a default start and against a
 * start with API_KEY, and each must leave the endpoints as they were.
 */

const KEY = 'cross-site-test-key-0123456789abcdef';
const FOREIGN = 'http://evil.example';
const TARGET = 'http://127.0.0.1:9/never-checked';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** One request with exactly these headers (Host included: fetch() would not let a test set it). */
function send(vigil: TestVigil, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: vigil.port, method, path, headers: { host: `127.0.0.1:${vigil.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          /* HTML, Prometheus text */
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What an attack must not change: every endpoint as the API shows it. */
async function endpointsNow(vigil: TestVigil): Promise<Endpoint[]> {
  const res = await vigil.api<{ items: Endpoint[] }>('GET', '/api/endpoints?limit=100');
  expect(res.status).toBe(200);
  return res.body.items;
}

const createBody = (name: string) => JSON.stringify({ name, url: TARGET, paused: true, intervalSeconds: 3600 });
const importBody = JSON.stringify({ vigil: 'endpoints', version: 1, endpoints: [{ name: 'Planted by an attacker', url: TARGET }] });

/** Every write, as a page would aim it at endpoint `id`. */
const writes = (id: string) => [
  { what: 'create an endpoint', method: 'POST', path: '/api/endpoints', body: createBody('Planted by an attacker') },
  { what: 'rename an endpoint', method: 'PATCH', path: `/api/endpoints/${id}`, body: JSON.stringify({ name: 'Renamed by an attacker' }) },
  { what: 'replace an endpoint', method: 'PUT', path: `/api/endpoints/${id}`, body: createBody('Replaced by an attacker') },
  { what: 'delete an endpoint', method: 'DELETE', path: `/api/endpoints/${id}`, body: '' },
  { what: 'pause an endpoint', method: 'POST', path: `/api/endpoints/${id}/pause`, body: '' },
  { what: 'resume an endpoint', method: 'POST', path: `/api/endpoints/${id}/resume`, body: '' },
  { what: 'run a check (Vigil as a port scanner)', method: 'POST', path: `/api/endpoints/${id}/check`, body: '' },
  { what: 'wipe every endpoint by import', method: 'POST', path: '/api/import?mode=replace', body: importBody },
];

describe.each([
  { start: 'a default start', env: {} as Record<string, string>, key: {} as Record<string, string> },
  { start: 'a start with API_KEY', env: { API_KEY: KEY }, key: { authorization: `Bearer ${KEY}` } },
])('against $start', ({ env, key }) => {
  let vigil: TestVigil;
  let victim: Endpoint;
  let origin: string;
  let before: Endpoint[];

  beforeAll(async () => {
    vigil = await startTestVigil(env);
    origin = `http://127.0.0.1:${vigil.port}`;
    const created = await send(vigil, 'POST', '/api/endpoints', { ...key, 'content-type': 'application/json' }, createBody('Victim'));
    expect(created.status).toBe(201);
    victim = created.body;
    const other = await send(vigil, 'POST', '/api/endpoints', { ...key, 'content-type': 'application/json' }, createBody('Bystander'));
    expect(other.status).toBe(201);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  afterEach(() => {
    expect(vigil.errors.splice(0)).toEqual([]);
  });

  /** Runs `attack` and expects every endpoint unchanged after it. */
  async function leavesEverythingAsItWas(attack: () => Promise<void>) {
    before = await endpointsNow(vigil);
    await attack();
    expect(await endpointsNow(vigil)).toEqual(before);
  }

  describe('bodies a page can send without a CORS preflight (415)', () => {
    it('knows of every write route whether it reads a JSON body (a new route must be decided on)', () => {
      const BODILESS = [
        'DELETE /api/endpoints/:id',
        'POST /api/endpoints/:id/check',
        'POST /api/endpoints/:id/pause',
        'POST /api/endpoints/:id/resume',
        'POST /api/auth/verify',
        'POST /api/endpoints/:id/push-url',
        'DELETE /api/maintenance-windows/:id',
        'DELETE /api/notification-channels/:id',
        'POST /api/notification-channels/:id/test',
        'DELETE /api/status-pages/:id',
        'DELETE /api/incidents/:id/updates/:updateId',
        'DELETE /api/status-pages/:id/subscribers/:subscriberId',
        'DELETE /api/session',
        'DELETE /api/sessions',
        'DELETE /api/sessions/:id',
        'DELETE /api/users/:id',
        'DELETE /api/invites/:id',
        'DELETE /api/keys/:id',
        'POST /api/account/two-factor',
        'DELETE /api/users/:id/two-factor',
        'POST /api/users/:id/password-reset',
        'DELETE /api/users/:id/password-reset',
      ];
      // A job's pings take any body (its log, say) and no key: the token in the URL is the secret,
      // and a page of another origin is refused by the origin check like any write (below).
      const PINGS = ['POST /api/push/:token', 'POST /api/push/:token/:signal'];
      // A password status page's sign-in and its subscription forms are HTML forms a browser posts:
      // no key; a page of another origin is refused, wrong passwords and subscriptions are throttled
      // (test/security/status-page-leaks.test.ts, test/rest/status-page-subscriptions.test.ts).
      const FORMS = ['POST /status/:slug/login', 'POST /status/:slug/subscribe', 'POST /status/:slug/confirm', 'POST /status/:slug/unsubscribe'];
      const writeRoutes = [
        ...new Set(vigil.app.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method)).map((r) => `${r.method} ${r.path}`)),
      ];
      for (const route of writeRoutes) {
        const [method, path] = route.split(' ') as [string, string];
        const readsBody = JSON_BODY_ROUTES.some((r) => r.method === method && r.path.test(path.replace(':id', victim.id)));
        if (PINGS.includes(route) || FORMS.includes(route)) continue;
        expect(
          readsBody || BODILESS.includes(route),
          `${route} is neither a JSON-body route (server/http/middleware/json-writes.ts) nor known to read no body`,
        ).toBe(true);
        expect(readsBody && BODILESS.includes(route), route).toBe(false);
      }
      expect(writeRoutes.length).toBe(BODILESS.length + JSON_BODY_ROUTES.length + PINGS.length + FORMS.length);
    });

    it.each(['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'refuses every write sent as %s (CSRF without preflight), even with the right key, and changes nothing',
      async (contentType) => {
        await leavesEverythingAsItWas(async () => {
          for (const write of writes(victim.id)) {
            const res = await send(vigil, write.method, write.path, { ...key, 'content-type': contentType }, write.body);
            expect(res.status, `${write.what}: ${write.method} ${write.path}`).toBe(415);
            expect(res.headers['content-type']).toBe('application/problem+json');
            expect(res.body.detail).toContain(contentType.slice(0, 20));
            expect(res.body.detail).toContain('application/json');
          }
        });
      },
    );

    it('refuses a text/plain POST /api/import?mode=replace (one request would wipe every endpoint)', async () => {
      await leavesEverythingAsItWas(async () => {
        const res = await send(vigil, 'POST', '/api/import?mode=replace', { ...key, 'content-type': 'text/plain' }, importBody);
        expect(res.status).toBe(415);
        expect(res.body).toMatchObject({
          status: 415,
          title: 'Unsupported Media Type',
          detail: 'POST /api/import was sent with Content-Type "text/plain"; it takes a JSON body with Content-Type: application/json.',
        });
        expect(res.headers['accept-post']).toBe('application/json');
      });
    });

    it('refuses a JSON body sent without any Content-Type (a Blob without type, sendBeacon) on the writes that read a body', async () => {
      await leavesEverythingAsItWas(async () => {
        for (const [method, path, body] of [
          ['POST', '/api/endpoints', createBody('Planted')],
          ['PATCH', `/api/endpoints/${victim.id}`, JSON.stringify({ name: 'Renamed' })],
          ['POST', '/api/import?mode=replace', importBody],
        ] as const) {
          const res = await send(vigil, method, path, key, body);
          expect(res.status, `${method} ${path}`).toBe(415);
          expect(res.body.detail).toContain('no Content-Type');
        }
      });
    });

    it('takes the writes that read no body without a Content-Type, as curl sends them', async () => {
      const target = (await send(vigil, 'POST', '/api/endpoints', { ...key, 'content-type': 'application/json' }, createBody('Bodiless'))).body as Endpoint;
      expect((await send(vigil, 'POST', `/api/endpoints/${target.id}/resume`, key)).status).toBe(200);
      expect((await send(vigil, 'POST', `/api/endpoints/${target.id}/pause`, key)).body.paused).toBe(true);
      expect((await send(vigil, 'POST', `/api/endpoints/${target.id}/check`, key)).status).toBe(200);
      expect((await send(vigil, 'POST', '/api/auth/verify', key)).status).toBe(200);
      expect((await send(vigil, 'DELETE', `/api/endpoints/${target.id}`, key)).status).toBe(204);
    });

    it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/merge-patch+json'])(
      'takes JSON writes sent as %s',
      async (contentType) => {
        const created = await send(vigil, 'POST', '/api/endpoints', { ...key, 'content-type': contentType }, createBody(`As ${contentType}`));
        expect(created.status).toBe(201);
        const renamed = await send(
          vigil,
          'PATCH',
          `/api/endpoints/${created.body.id}`,
          { ...key, 'content-type': contentType },
          JSON.stringify({ name: 'Renamed' }),
        );
        expect(renamed.body.name).toBe('Renamed');
        expect((await send(vigil, 'DELETE', `/api/endpoints/${created.body.id}`, { ...key, 'content-type': contentType })).status).toBe(204);
      },
    );
  });

  describe("a page's Origin (403)", () => {
    it.each([
      [FOREIGN, 'a page of another site'],
      ['http://127.0.0.1:8080', 'a page on another port of this machine'],
      ['null', 'an opaque origin (sandboxed frame, data: URL, a page with Referrer-Policy: no-referrer)'],
    ])('refuses every JSON write from Origin %s (%s), even with the right key, and changes nothing', async (pageOrigin) => {
      await leavesEverythingAsItWas(async () => {
        for (const write of writes(victim.id)) {
          const res = await send(vigil, write.method, write.path, { ...key, origin: pageOrigin, 'content-type': 'application/json' }, write.body);
          expect(res.status, `${write.what}: ${write.method} ${write.path}`).toBe(403);
          expect(res.body).toMatchObject({ status: 403, title: 'Forbidden', detail: expect.stringContaining(pageOrigin) });
        }
      });
    });

    it('refuses a write whose browser says Sec-Fetch-Site: cross-site without sending an Origin', async () => {
      await leavesEverythingAsItWas(async () => {
        const res = await send(
          vigil,
          'POST',
          '/api/endpoints',
          { ...key, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
          createBody('Planted'),
        );
        expect(res.status).toBe(403);
      });
    });

    it('refuses a cross-site GET of the export with its secrets', async () => {
      const res = await send(vigil, 'GET', '/api/export?secrets=include', { ...key, origin: FOREIGN });
      expect(res.status).toBe(403);
      const noOrigin = await send(vigil, 'GET', '/api/export?secrets=include', key);
      expect(noOrigin.status).not.toBe(403);
    });

    it('refuses a foreign Origin before looking at the key: a page cannot spend the wrong-key allowance of its visitor’s address', async () => {
      const failures = async () => Number(/^vigil_auth_failures_total (\d+)$/m.exec((await send(vigil, 'GET', '/metrics')).body)?.[1]);
      const counted = await failures();
      for (let i = 0; i < 15; i++) {
        const res = await send(vigil, 'POST', `/api/endpoints/${victim.id}/pause`, { origin: FOREIGN, authorization: 'Bearer wrong-key' });
        expect(res.status).toBe(403);
      }
      expect(await failures()).toBe(counted);
      const checkedAt = async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${victim.id}`)).body.lastCheckedAt;
      const checkedBefore = await checkedAt();
      expect((await send(vigil, 'POST', `/api/endpoints/${victim.id}/resume`, key)).status).toBe(200);
      // Resuming checks the endpoint at once: its result is in before the next test compares the endpoints.
      await expect.poll(checkedAt, { timeout: 10_000 }).not.toBe(checkedBefore);
      expect((await send(vigil, 'POST', `/api/endpoints/${victim.id}/pause`, key)).status).toBe(200);
    });

    it('takes writes from Vigil’s own origin (the dashboard) and from callers without Origin (curl, scripts)', async () => {
      for (const headers of [{ origin }, { origin, 'sec-fetch-site': 'same-origin' }, {}, { 'sec-fetch-site': 'none' }] as Record<string, string>[]) {
        const created = await send(vigil, 'POST', '/api/endpoints', { ...key, ...headers, 'content-type': 'application/json' }, createBody('Own'));
        expect(created.status, JSON.stringify(headers)).toBe(201);
        expect((await send(vigil, 'DELETE', `/api/endpoints/${created.body.id}`, { ...key, ...headers })).status).toBe(204);
      }
    });
  });

  describe('DNS rebinding: the Host header (421)', () => {
    it.each([
      ['GET', '/api/endpoints', 'the API'],
      ['GET', `/api/endpoints/{id}`, 'one endpoint, with its stored request headers'],
      ['GET', '/api/export', 'the export'],
      ['GET', '/', 'the web app'],
      ['GET', '/endpoints/x', 'a deep link of the web app'],
      ['GET', '/api/docs', 'the API docs'],
      ['GET', '/api/openapi.json', 'the API document'],
      ['GET', '/api/events', 'the event stream'],
      ['POST', '/api/endpoints', 'a write'],
    ])('answers %s %s (%s) to Host: evil.example with 421', async (method, path) => {
      await leavesEverythingAsItWas(async () => {
        const headers = { ...key, host: `evil.example:${vigil.port}`, origin: `http://evil.example:${vigil.port}`, 'content-type': 'application/json' };
        const res = await send(vigil, method, path.replace('{id}', victim.id), headers, method === 'POST' ? createBody('Planted') : undefined);
        expect(res.status).toBe(421);
        expect(res.headers['content-type']).toBe('application/problem+json');
        expect(res.body).toMatchObject({ status: 421, title: 'Misdirected Request', detail: expect.stringContaining('evil.example') });
        expect(JSON.stringify(res.body)).not.toContain(victim.id);
      });
    });

    const ownAddress = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && !info.internal && info.family === 'IPv4')?.address;

    it.each([
      ['localhost', 'the loopback name'],
      ['127.0.0.1', 'the IPv4 loopback address'],
      ['[::1]', 'the IPv6 loopback address'],
      ['own', "this machine's address (a colleague on the LAN)"],
    ])('serves Host %s (%s)', async (name) => {
      expect(ownAddress, 'this machine has a non-loopback IPv4 address').toBeDefined();
      const host = `${name === 'own' ? ownAddress : name}:${vigil.port}`;
      for (const path of ['/api/summary', '/', '/api/docs']) {
        expect((await send(vigil, 'GET', path, { host })).status, `${host} ${path}`).toBe(200);
      }
      const created = await send(
        vigil,
        'POST',
        '/api/endpoints',
        { ...key, host, origin: `http://${host}`, 'content-type': 'application/json' },
        createBody('From the LAN'),
      );
      expect(created.status).toBe(201);
      expect((await send(vigil, 'DELETE', `/api/endpoints/${created.body.id}`, { ...key, host })).status).toBe(204);
    });

    it.each(['/healthz', '/readyz', '/metrics'])('answers the probe %s whatever the Host (docker compose and Prometheus use service names)', async (path) => {
      const res = await send(vigil, 'GET', path, { host: 'vigil:3000' });
      expect(res.status).toBe(200);
    });
  });
});

describe('with PUBLIC_URL, ALLOWED_ORIGINS and ALLOWED_HOSTS', () => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil({
      API_KEY: KEY,
      PUBLIC_URL: 'https://vigil.example.com',
      ALLOWED_ORIGINS: 'http://admin.example.test:8080',
      ALLOWED_HOSTS: 'vigil.lan, *.corp.test',
    });
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  const key = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

  it.each([
    ['vigil.example.com', "PUBLIC_URL's host"],
    ['vigil.lan:3000', 'a host of ALLOWED_HOSTS'],
    ['ops.corp.test', 'a subdomain allowed by *.corp.test'],
  ])('serves Host %s (%s)', async (host) => {
    expect((await send(vigil, 'GET', '/api/summary', { host })).status).toBe(200);
    expect((await send(vigil, 'GET', '/', { host })).status).toBe(200);
  });

  it.each(['evil.example', 'corp.test', 'vigil.example.com.evil.example'])('still refuses Host %s with 421', async (host) => {
    expect((await send(vigil, 'GET', '/api/summary', { host })).status).toBe(421);
  });

  it.each([
    ['https://vigil.example.com', "PUBLIC_URL's origin, behind a proxy that passes Host 127.0.0.1"],
    ['http://admin.example.test:8080', 'an origin of ALLOWED_ORIGINS'],
  ])('takes writes from Origin %s (%s)', async (pageOrigin) => {
    const created = await send(vigil, 'POST', '/api/endpoints', { ...key, origin: pageOrigin }, createBody('Allowed'));
    expect(created.status).toBe(201);
    expect((await send(vigil, 'DELETE', `/api/endpoints/${created.body.id}`, { ...key, origin: pageOrigin })).status).toBe(204);
  });

  it('refuses writes from other origins all the same', async () => {
    for (const pageOrigin of ['http://admin.example.test:8081', 'https://admin.example.test:8080', 'http://vigil.example.com', FOREIGN]) {
      expect((await send(vigil, 'POST', '/api/endpoints', { ...key, origin: pageOrigin }, createBody('Planted'))).status, pageOrigin).toBe(403);
    }
  });

  it("names PUBLIC_URL as the API document's server", async () => {
    const doc = await send(vigil, 'GET', '/api/openapi.json');
    expect(doc.body.servers).toEqual([{ url: 'https://vigil.example.com' }]);
  });
});
