import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Incident } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type ApiAnswer, type TestVigil } from './support/vigil.ts';

type Json = Record<string, any>;

let target: TargetServer;
let vigil: TestVigil;
let doc: Json;

beforeAll(async () => {
  [target, vigil] = await Promise.all([startTargetServer(), startTestVigil({ API_KEY: 'k1' })]);
  doc = (await vigil.api('GET', '/api/openapi.json')).body;
});
afterAll(async () => {
  await vigil?.dispose();
  await target?.close();
});

/** Routes that are not part of the REST API: the web app, its fallback, and the docs page itself. */
const NOT_API = new Set(['GET /*', 'GET /api/docs', 'GET /api/docs/:file']);
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document by the standard schema', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('describes every route the server answers, and nothing it does not', () => {
    const answered = vigil.app.routes
      .filter((r) => r.method !== 'ALL' && !NOT_API.has(`${r.method} ${r.path}`))
      .map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(answered).size).toBeGreaterThanOrEqual(20);
    expect([...new Set(answered)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('marks exactly the mutating operations as needing the key', () => {
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const keyed = Array.isArray(op.security) && op.security.length > 0;
        // GET /api/events needs the key when API_KEY is set; GET /api/export does for ?secrets=include, and so does a ping URL.
        // A job's ping needs none: the token in its URL is the secret.
        const isPing = path.startsWith('/api/push/');
        // The public side (status pages, their sign-in, badges) needs none: anyone may read it.
        const isPublic = path.startsWith('/status/') || path.startsWith('/badge/');
        expect(keyed, `${method} ${path}`).toBe(
          !isPing && !isPublic && (method !== 'get' || path === '/api/events' || path === '/api/export' || path.endsWith('/push-url')),
        );
        if (keyed) expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '429']));
      }
    }
  });
});

describe('answers match the documented schemas', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const key = { authorization: 'Bearer k1' };

  /** Validates an answer against the document's schema for its path, method and status. */
  function expectDocumented(path: string, method: string, res: ApiAnswer<unknown>) {
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} is documented`).toBeDefined();
    const response = op.responses[String(res.status)];
    expect(response, `${method} ${path} documents status ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`).toBeDefined();
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
    if (res.status === 204) return;
    const schema = response.content?.[type]?.schema;
    expect(schema, `${method} ${path} ${res.status} documents ${type}`).toBeDefined();
    const validate = ajv.compile({ ...schema, components: doc.components });
    const ok = validate(res.body);
    expect(validate.errors ?? [], `${method} ${path} ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`).toEqual([]);
    expect(ok).toBe(true);
  }

  it('for every route, in success and in error', async () => {
    const call = async (method: string, docPath: string, url: string, body?: unknown, headers: Json = key) => {
      const res = await vigil.api(method, url, body, headers);
      expectDocumented(docPath, method, res);
      return res;
    };
    const failing = `/failing-${Date.now()}`;
    target.setMode(failing, { kind: 'ok', status: 503 });
    const created = (
      await call('POST', '/api/endpoints', '/api/endpoints', {
        name: 'Documented',
        url: target.url(failing),
        intervalSeconds: 3600,
        failureThreshold: 1,
        headers: { 'x-a': '1' },
        tags: ['docs'],
      })
    ).body as Endpoint;
    const id = created.id;
    await call('POST', '/api/endpoints/{id}/check', `/api/endpoints/${id}/check`);
    await waitFor(async () => ((await vigil.api('GET', `/api/incidents?endpointId=${id}`)).body.items as Incident[]).length === 1);

    await call('GET', '/api/endpoints', '/api/endpoints?limit=1');
    await call('GET', '/api/endpoints', '/api/endpoints?status=nope');
    await call('GET', '/api/endpoints/{id}', `/api/endpoints/${id}`);
    await call('GET', '/api/endpoints/{id}', '/api/endpoints/not-a-uuid');
    await call('GET', '/api/endpoints/{id}', `/api/endpoints/${crypto.randomUUID()}`);
    await call('PATCH', '/api/endpoints/{id}', `/api/endpoints/${id}`, { name: 'Documented too' });
    await call('PATCH', '/api/endpoints/{id}', `/api/endpoints/${id}`, { intervalSeconds: 0 });
    await call('PATCH', '/api/endpoints/{id}', `/api/endpoints/${id}`, { name: 'x' }, {});
    await call('POST', '/api/endpoints/{id}/pause', `/api/endpoints/${id}/pause`);
    await call('POST', '/api/endpoints/{id}/resume', `/api/endpoints/${id}/resume`);
    await call('GET', '/api/endpoints/{id}/checks', `/api/endpoints/${id}/checks?limit=1`);
    await call('GET', '/api/endpoints/{id}/uptime', `/api/endpoints/${id}/uptime`);
    await call('GET', '/api/endpoints/{id}/series', `/api/endpoints/${id}/series?range=7d`);
    await call('GET', '/api/endpoints/{id}/series', `/api/endpoints/${id}/series?range=2h`);
    await call('GET', '/api/checks/recent', '/api/checks/recent?perEndpoint=2');
    await call('GET', '/api/incidents', '/api/incidents');
    await call('GET', '/api/incidents', '/api/incidents?status=open');
    const [incident] = (await vigil.api('GET', `/api/incidents?endpointId=${id}`)).body.items as Incident[];
    await call('GET', '/api/incidents/{id}', `/api/incidents/${incident!.id}`);
    await call('GET', '/api/incidents/{id}', '/api/incidents/not-a-uuid');
    await call('GET', '/api/incidents/{id}', `/api/incidents/${crypto.randomUUID()}`);
    await call('GET', '/api/summary', '/api/summary');
    await call('GET', '/api/incidents/{id}/updates', `/api/incidents/${incident!.id}/updates`);
    await call('GET', '/api/incidents/{id}/updates', `/api/incidents/${crypto.randomUUID()}/updates`);
    const update = (
      await call('POST', '/api/incidents/{id}/updates', `/api/incidents/${incident!.id}/updates`, { state: 'investigating', message: 'Looking into it' })
    ).body as { id: string };
    await call('POST', '/api/incidents/{id}/updates', `/api/incidents/${incident!.id}/updates`, { state: 'fixed', message: '' });
    await call('PATCH', '/api/incidents/{id}/updates/{updateId}', `/api/incidents/${incident!.id}/updates/${update.id}`, { state: 'identified' });
    await call('PATCH', '/api/incidents/{id}/updates/{updateId}', `/api/incidents/${incident!.id}/updates/${crypto.randomUUID()}`, { state: 'identified' });
    const statusPage = (
      await call('POST', '/api/status-pages', '/api/status-pages', {
        slug: 'documented',
        title: 'Documented',
        sections: [{ name: 'All', endpointIds: [id] }],
      })
    ).body as { id: string };
    await call('POST', '/api/status-pages', '/api/status-pages', { slug: 'documented', title: 'Again' });
    await call('POST', '/api/status-pages', '/api/status-pages', { slug: 'Not a slug', title: '' });
    await call('GET', '/api/status-pages', '/api/status-pages');
    await call('GET', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`);
    await call('GET', '/api/status-pages/{id}', `/api/status-pages/${crypto.randomUUID()}`);
    await call('PATCH', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`, { visibility: 'password', password: 'long enough secret' });
    await call('PATCH', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`, { visibility: 'password', password: 'short' });
    await call('GET', '/api/reports/uptime', `/api/reports/uptime?from=${new Date(Date.now() - 86_400_000).toISOString()}`);
    await call('GET', '/api/reports/uptime', '/api/reports/uptime?from=yesterday');
    const csv = await fetch(`http://127.0.0.1:${vigil.port}/api/reports/uptime?from=2026-01-01T00:00:00Z&format=csv`);
    expect(Object.keys(doc.paths['/api/reports/uptime'].get.responses['200'].content)).toContain(csv.headers.get('content-type')!.split(';')[0]);
    await csv.body?.cancel();
    await call('PATCH', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`, { visibility: 'public' });
    // The public side: each answer's type is one its operation documents.
    const publicAnswers: [string, string, number][] = [
      ['/status/{slug}', '/status/documented', 200],
      ['/status/{slug}', '/status/nothing-here', 404],
      ['/status/{slug}/page.json', '/status/documented/page.json', 200],
      ['/status/{slug}/feed.atom', '/status/documented/feed.atom', 200],
      ['/status/{slug}/feed.rss', '/status/documented/feed.rss', 200],
      ['/status/{slug}/badge.svg', '/status/documented/badge.svg', 200],
      ['/status/assets/{file}', '/status/assets/status.css', 200],
      ['/status/assets/{file}', '/status/assets/status.js', 200],
      ['/badge/endpoints/{id}/status.svg', `/badge/endpoints/${id}/status.svg`, 200],
      ['/badge/endpoints/{id}/uptime.svg', `/badge/endpoints/${id}/uptime.svg?period=7d`, 200],
      ['/badge/endpoints/{id}/response.svg', `/badge/endpoints/${crypto.randomUUID()}/response.svg`, 404],
    ];
    for (const [docPath, url, status] of publicAnswers) {
      const res = await fetch(`http://127.0.0.1:${vigil.port}${url}`);
      expect(res.status, url).toBe(status);
      const documented = doc.paths[docPath].get.responses[String(status)].content;
      expect(Object.keys(documented), url).toContain(res.headers.get('content-type')!.split(';')[0]);
      if (res.headers.get('content-type')!.startsWith('application/json')) {
        const validate = ajv.compile({ ...documented['application/json'].schema, components: doc.components });
        expect(validate(await res.json()), url).toBe(true);
      } else await res.body?.cancel();
    }
    const stream = await fetch(`http://127.0.0.1:${vigil.port}/status/documented/events`);
    expect(Object.keys(doc.paths['/status/{slug}/events'].get.responses['200'].content)).toEqual([stream.headers.get('content-type')!.split(';')[0]]);
    await stream.body?.cancel();
    const login = await fetch(`http://127.0.0.1:${vigil.port}/status/documented/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: 'x' }),
      redirect: 'manual',
    });
    expect(Object.keys(doc.paths['/status/{slug}/login'].post.responses)).toContain(String(login.status));
    await login.body?.cancel();
    // Subscriptions: the admin list, a removal of nobody, and each public route's refusal.
    await call('GET', '/api/status-pages/{id}/subscribers', `/api/status-pages/${statusPage.id}/subscribers?kind=webhook`);
    await call('GET', '/api/status-pages/{id}/subscribers', `/api/status-pages/${statusPage.id}/subscribers?limit=0`);
    await call('DELETE', '/api/status-pages/{id}/subscribers/{subscriberId}', `/api/status-pages/${statusPage.id}/subscribers/${crypto.randomUUID()}`);
    const publicWrites: [string, 'get' | 'post', string, RequestInit][] = [
      [
        '/status/{slug}/subscribe',
        'post',
        '/status/documented/subscribe',
        { body: JSON.stringify({ webhookUrl: 'https://example.com/' }), headers: { 'content-type': 'application/json' } },
      ],
      ['/status/{slug}/subscribe', 'post', '/status/documented/subscribe', { body: new URLSearchParams({ email: 'nope' }) }],
      ['/status/{slug}/subscription', 'get', '/status/documented/subscription?token=nope', {}],
      ['/status/{slug}/confirm', 'post', '/status/documented/confirm?token=nope', {}],
      ['/status/{slug}/unsubscribe', 'get', '/status/documented/unsubscribe?token=nope', {}],
      ['/status/{slug}/unsubscribe', 'post', '/status/documented/unsubscribe?token=nope', {}],
    ];
    for (const [docPath, method, url, init] of publicWrites) {
      const res = await fetch(`http://127.0.0.1:${vigil.port}${url}`, { method: method.toUpperCase(), ...init });
      const documented = doc.paths[docPath][method].responses[String(res.status)];
      expect(documented, `${method} ${url} ${res.status}`).toBeDefined();
      expect(Object.keys(documented.content), url).toContain(res.headers.get('content-type')!.split(';')[0]);
      await res.body?.cancel();
    }
    await call('DELETE', '/api/incidents/{id}/updates/{updateId}', `/api/incidents/${incident!.id}/updates/${update.id}`);
    await call('DELETE', '/api/incidents/{id}/updates/{updateId}', `/api/incidents/${incident!.id}/updates/${update.id}`);
    await call('DELETE', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`);
    await call('DELETE', '/api/status-pages/{id}', `/api/status-pages/${statusPage.id}`);
    const window = (
      await call('POST', '/api/maintenance-windows', '/api/maintenance-windows', {
        name: 'Documented window',
        endpointIds: [id],
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      })
    ).body as { id: string };
    await call('POST', '/api/maintenance-windows', '/api/maintenance-windows', { name: 'Not coherent', cron: '0 2 * * *' });
    await call('GET', '/api/maintenance-windows', '/api/maintenance-windows?active=true');
    await call('GET', '/api/maintenance-windows', '/api/maintenance-windows?active=maybe');
    await call('GET', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${window.id}`);
    await call('GET', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${crypto.randomUUID()}`);
    await call('PATCH', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${window.id}`, {
      kind: 'recurring',
      cron: '0 2 * * *',
      durationMinutes: 60,
      startsAt: null,
      endsAt: null,
    });
    await call('PATCH', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${window.id}`, { durationMinutes: -1 });
    await call('GET', '/api/endpoints/{id}', `/api/endpoints/${id}`);
    await call('GET', '/api/endpoints/{id}/checks', `/api/endpoints/${id}/checks?limit=1`);
    await call('GET', '/api/summary', '/api/summary');
    await call('DELETE', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${window.id}`);
    await call('DELETE', '/api/maintenance-windows/{id}', `/api/maintenance-windows/${window.id}`);
    const push = (await call('POST', '/api/endpoints', '/api/endpoints', { name: 'Documented job', type: 'push' })).body as Endpoint;
    await call('GET', '/api/endpoints/{id}/push-url', `/api/endpoints/${push.id}/push-url`);
    const { token } = (await call('POST', '/api/endpoints/{id}/push-url', `/api/endpoints/${push.id}/push-url`)).body as { token: string };
    await call('GET', '/api/endpoints/{id}/push-url', `/api/endpoints/${id}/push-url`);
    await call('GET', '/api/push/{token}', `/api/push/${token}`);
    await call('POST', '/api/push/{token}/{signal}', `/api/push/${token}/fail`, 'log');
    await call('GET', '/api/push/{token}/{signal}', `/api/push/${token}/start`);
    await call('GET', '/api/push/{token}', `/api/push/${'x'.repeat(32)}`);
    await call('POST', '/api/push/{token}', `/api/push/${token}`);
    const channel = (
      await call('POST', '/api/notification-channels', '/api/notification-channels', {
        name: 'Documented channel',
        type: 'webhook',
        config: { url: target.url('/documented-hook'), secret: 'hush' },
        endpointIds: [id],
        reminder: { everyMinutes: 60, max: 2 },
      })
    ).body as { id: string };
    await call('POST', '/api/notification-channels', '/api/notification-channels', { name: 'Bad', type: 'slack', config: {} });
    await call('GET', '/api/notification-channels', '/api/notification-channels');
    await call('GET', '/api/notification-channels/{id}', `/api/notification-channels/${channel.id}`);
    await call('GET', '/api/notification-channels/{id}', `/api/notification-channels/${crypto.randomUUID()}`);
    await call('PATCH', '/api/notification-channels/{id}', `/api/notification-channels/${channel.id}`, {
      config: { url: target.url('/documented-hook'), secret: '(secret)' },
    });
    await call('PATCH', '/api/notification-channels/{id}', `/api/notification-channels/${channel.id}`, { groupSeconds: -1 });
    await call('POST', '/api/notification-channels/{id}/test', `/api/notification-channels/${channel.id}/test`);
    await waitFor(async () => ((await vigil.api('GET', `/api/notification-channels/${channel.id}/deliveries`)).body.items as unknown[]).length > 0);
    await call('GET', '/api/notification-channels/{id}/deliveries', `/api/notification-channels/${channel.id}/deliveries?limit=1`);
    await call('GET', '/api/notification-channels/{id}/deliveries', `/api/notification-channels/${channel.id}/deliveries?limit=0`);
    await call('DELETE', '/api/notification-channels/{id}', `/api/notification-channels/${channel.id}`);
    await call('DELETE', '/api/notification-channels/{id}', `/api/notification-channels/${channel.id}`);
    await call('GET', '/api/auth', '/api/auth');
    await call('POST', '/api/auth/verify', '/api/auth/verify');
    await call('POST', '/api/auth/verify', '/api/auth/verify', undefined, {});
    const exported = (await call('GET', '/api/export', '/api/export')).body;
    await call('POST', '/api/import', '/api/import', exported);
    await call('POST', '/api/import', '/api/import', { vigil: 'endpoints', version: 1, endpoints: [{ name: '' }] });
    await call('GET', '/healthz', '/healthz');
    await call('GET', '/readyz', '/readyz');
    await call('GET', '/api/openapi.json', '/api/openapi.json');
    await call('DELETE', '/api/endpoints/{id}', `/api/endpoints/${id}`);
    await call('DELETE', '/api/endpoints/{id}', `/api/endpoints/${id}`);
    const metrics = await fetch(`http://127.0.0.1:${vigil.port}/metrics`);
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual([metrics.headers.get('content-type')!.split(';')[0]]);
    const events = await fetch(`http://127.0.0.1:${vigil.port}/api/events?token=k1`);
    expect(Object.keys(doc.paths['/api/events'].get.responses['200'].content)).toEqual([events.headers.get('content-type')!.split(';')[0]]);
    await events.body?.cancel();
  });
});
