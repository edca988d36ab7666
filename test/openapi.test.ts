import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_PERMISSIONS } from '../server/auth/route-permissions.ts';
import { SESSION_COOKIE } from '../server/auth/sessions.ts';
import type { AccountUser, Invite, SessionInfo, SessionSummary } from '../server/contract/accounts.ts';
import type { Endpoint, Incident } from '../server/contract/types.ts';
import { codeAt, stepAt } from '../server/auth/totp.ts';
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
/** Routes answered only when OIDC_* are set (not here): single sign-on. */
const ONLY_WITH_OIDC = new Set(['GET /api/auth/oidc/start', 'GET /api/auth/oidc/callback']);
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const toTablePath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

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
        .map((method) => `${method.toUpperCase()} ${path}`)
        // This Vigil has no OIDC_* settings: single sign-on's routes are not there.
        .filter((route) => !ONLY_WITH_OIDC.has(toTablePath(route))),
    );
    expect(new Set(answered).size).toBeGreaterThanOrEqual(20);
    expect([...new Set(answered)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('marks exactly the routes that are not public as needing a session or key', () => {
    const needs: Record<string, string> = { read: 'viewer', edit: 'editor', manage: 'owner', account: 'a signed-in person' };
    const tabled = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const route = `${method.toUpperCase()} ${toTablePath(path)}`;
        // A job's ping is answered before authentication (the token in its URL is the secret); the
        // public side (status pages, badges) and the probes are outside /api: anyone may call them.
        const checked = path.startsWith('/api/') && !path.startsWith('/api/push/');
        const permission = checked ? ROUTE_PERMISSIONS[route] : 'public';
        expect(permission, `${route} is in ROUTE_PERMISSIONS`).toBeDefined();
        if (checked) tabled.add(route);
        if (permission === 'public') {
          expect(op.security, route).toEqual([]);
          continue;
        }
        // A person's own account (sessions, keys) is reached by their session only: no key.
        expect(op.security, route).toEqual(permission === 'account' ? [{ session: [] }] : [{ bearer: [] }, { session: [] }]);
        expect(Object.keys(op.responses), route).toEqual(expect.arrayContaining(['401', '403', '429']));
        expect(op.description, route).toMatch(new RegExp(`Needs: ${needs[permission!]}[ .]`));
      }
    }
    // And every route of the table is documented (but the docs page, which is not part of the API).
    expect([...tabled].sort()).toEqual(
      Object.keys(ROUTE_PERMISSIONS)
        .filter((route) => !NOT_API.has(route))
        .sort(),
    );
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
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
    const csv = await fetch(`http://127.0.0.1:${vigil.port}/api/reports/uptime?from=${new Date(Date.now() - 86_400_000).toISOString()}&format=csv`);
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
  it('for the accounts routes: set-up, sign-in, sessions, own account, keys, people, invites and the audit log', async () => {
    // A Vigil of its own: once it has an owner, keyless calls from this machine are nobody's.
    const accounts = await startTestVigil({ API_KEY: 'k2' });
    try {
      const apiKey = { authorization: 'Bearer k2' };
      const call = async <T = any>(status: number, method: string, docPath: string, url: string, body?: unknown, headers: Json = {}) => {
        const res = await accounts.api<T>(method, url, body, headers);
        expect(res.status, `${method} ${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(status);
        expectDocumented(docPath, method, res);
        return res;
      };
      const cookieOf = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });
      /** An answer that signs a browser in: documented, with the cookie its operation says it sets; the browser's headers. */
      const signingIn = async (status: number, method: string, docPath: string, url: string, body: unknown) => {
        const res = await call<SessionInfo>(status, method, docPath, url, body);
        expect(Object.keys(doc.paths[docPath][method.toLowerCase()].responses[String(status)].headers ?? {})).toEqual(['Set-Cookie']);
        const cookie = res.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
        const token = cookie?.slice(SESSION_COOKIE.length + 1).split(';', 1)[0];
        expect(token, 'the answer sets the session cookie').toBeTruthy();
        return { user: res.body.user!, token: token!, csrfToken: res.body.csrfToken!, headers: { ...cookieOf(token!), 'x-csrf-token': res.body.csrfToken! } };
      };
      let emails = 0;
      const uniqueEmail = (label: string) => `${label}-${++emails}@example.test`;
      const PASSWORD = 'correct horse battery staple';

      // Before set-up: this machine reads (API_KEY is set), the key does everything, nobody else may.
      const before = (await call<SessionInfo>(200, 'GET', '/api/session', '/api/session')).body;
      expect(before).toMatchObject({ setupRequired: true, local: true, via: 'local', role: 'viewer', canWrite: false, user: null });
      expect((await call<SessionInfo>(200, 'GET', '/api/session', '/api/session', undefined, apiKey)).body).toMatchObject({ via: 'api-key', role: 'owner' });
      await call(401, 'GET', '/api/users', '/api/users');
      await call(400, 'POST', '/api/setup', '/api/setup', { email: 'not an address', password: 'short' });

      const ownerEmail = uniqueEmail('owner');
      const owner = await signingIn(201, 'POST', '/api/setup', '/api/setup', { email: ownerEmail, name: 'The Owner', password: PASSWORD });
      await call(409, 'POST', '/api/setup', '/api/setup', { email: uniqueEmail('second'), password: PASSWORD });
      const after = (await call<SessionInfo>(200, 'GET', '/api/session', '/api/session')).body;
      expect(after).toMatchObject({ setupRequired: false, via: null, user: null, role: null, canWrite: false, csrfToken: null });
      const mine = (await call<SessionInfo>(200, 'GET', '/api/session', '/api/session', undefined, owner.headers)).body;
      expect(mine).toMatchObject({ via: 'session', role: 'owner', user: { email: ownerEmail, name: 'The Owner' }, csrfToken: owner.csrfToken });

      // Sign-in: a wrong password, then a second browser.
      await call(401, 'POST', '/api/session', '/api/session', { email: ownerEmail, password: 'not the password' });
      await call(400, 'POST', '/api/session', '/api/session', { email: ownerEmail });
      const laptop = await signingIn(200, 'POST', '/api/session', '/api/session', { email: ownerEmail, password: PASSWORD });
      const sessions = (await call<{ items: SessionSummary[] }>(200, 'GET', '/api/sessions', '/api/sessions', undefined, owner.headers)).body.items;
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((session) => session.current)).toHaveLength(1);
      await call(401, 'GET', '/api/sessions', '/api/sessions');
      await call(403, 'GET', '/api/sessions', '/api/sessions', undefined, apiKey);

      // Invites: made, listed, previewed and accepted; refused without the CSRF token, or with a wrong role.
      await call(403, 'POST', '/api/invites', '/api/invites', { role: 'editor' }, cookieOf(owner.token));
      await call(400, 'POST', '/api/invites', '/api/invites', { role: 'boss', colour: 'red' }, owner.headers);
      const made = (await call<Invite & { token: string; url: string }>(201, 'POST', '/api/invites', '/api/invites', { role: 'editor' }, owner.headers)).body;
      const forOne = (
        await call<Invite & { token: string }>(201, 'POST', '/api/invites', '/api/invites', { role: 'viewer', email: 'someone@example.test' }, apiKey)
      ).body;
      expect((await call<{ items: Invite[] }>(200, 'GET', '/api/invites', '/api/invites', undefined, owner.headers)).body.items.map((i) => i.id)).toEqual([
        made.id,
        forOne.id,
      ]);
      const preview = (await call(200, 'GET', '/api/invitations/{token}', `/api/invitations/${made.token}`)).body;
      expect(preview).toMatchObject({ role: 'editor', email: null, invitedBy: ownerEmail });
      await call(409, 'GET', '/api/invitations/{token}', '/api/invitations/no-such-link');
      await call(400, 'POST', '/api/invitations/{token}', `/api/invitations/${made.token}`, { email: uniqueEmail('editor'), password: 'short' });
      const editorEmail = uniqueEmail('editor');
      const editor = await signingIn(201, 'POST', '/api/invitations/{token}', `/api/invitations/${made.token}`, {
        email: editorEmail,
        name: 'An Editor',
        password: PASSWORD,
      });
      await call(409, 'POST', '/api/invitations/{token}', `/api/invitations/${made.token}`, { email: uniqueEmail('late'), password: PASSWORD });
      await call(204, 'DELETE', '/api/invites/{id}', `/api/invites/${forOne.id}`, undefined, owner.headers);
      await call(404, 'DELETE', '/api/invites/{id}', `/api/invites/${forOne.id}`, undefined, owner.headers);

      // People: listed by an owner only, roles changed, the last owner kept.
      const people = (await call<{ items: AccountUser[] }>(200, 'GET', '/api/users', '/api/users', undefined, owner.headers)).body.items;
      expect(people.map((person) => [person.email, person.role])).toEqual([
        [ownerEmail, 'owner'],
        [editorEmail, 'editor'],
      ]);
      const refused = await call(403, 'GET', '/api/users', '/api/users', undefined, editor.headers);
      expect(refused.body).toMatchObject({ code: 'forbidden_role', params: { role: 'editor', needs: 'manage' } });
      const demoted = (await call<AccountUser>(200, 'PATCH', '/api/users/{id}', `/api/users/${editor.user.id}`, { role: 'viewer' }, owner.headers)).body;
      expect(demoted).toMatchObject({ id: editor.user.id, role: 'viewer' });
      await call(400, 'PATCH', '/api/users/{id}', `/api/users/${editor.user.id}`, { role: 'boss' }, owner.headers);
      await call(404, 'PATCH', '/api/users/{id}', `/api/users/${crypto.randomUUID()}`, { role: 'viewer' }, owner.headers);
      await call(409, 'PATCH', '/api/users/{id}', `/api/users/${owner.user.id}`, { role: 'editor' }, owner.headers);
      await call(409, 'DELETE', '/api/users/{id}', `/api/users/${owner.user.id}`, undefined, owner.headers);

      // Sessions ended: one by id, then every other one.
      const other = sessions.find((session) => !session.current)!;
      await call(204, 'DELETE', '/api/sessions/{id}', `/api/sessions/${encodeURIComponent(other.id)}`, undefined, owner.headers);
      await call(404, 'DELETE', '/api/sessions/{id}', `/api/sessions/${encodeURIComponent(other.id)}`, undefined, owner.headers);
      await call(401, 'GET', '/api/sessions', '/api/sessions', undefined, laptop.headers);
      await signingIn(200, 'POST', '/api/session', '/api/session', { email: ownerEmail, password: PASSWORD });
      expect((await call<{ ended: number }>(200, 'DELETE', '/api/sessions', '/api/sessions', undefined, owner.headers)).body).toEqual({ ended: 1 });

      // One's own account, and two-factor sign-in: enrolled, asked for at sign-in, recovery codes, reset by an owner.
      await call(200, 'GET', '/api/account', '/api/account', undefined, owner.headers);
      await call(200, 'PATCH', '/api/account', '/api/account', { name: 'The Owner Herself' }, owner.headers);
      await call(400, 'PATCH', '/api/account', '/api/account', { password: 'a new long password', currentPassword: 'wrong' }, owner.headers);
      await call(409, 'POST', '/api/account/two-factor/confirm', '/api/account/two-factor/confirm', { code: '123456' }, owner.headers);
      const { secret } = (await call(200, 'POST', '/api/account/two-factor', '/api/account/two-factor', undefined, owner.headers)).body;
      await call(400, 'POST', '/api/account/two-factor/confirm', '/api/account/two-factor/confirm', { code: 'nope' }, owner.headers);
      const confirmed = (
        await call(
          200,
          'POST',
          '/api/account/two-factor/confirm',
          '/api/account/two-factor/confirm',
          { code: codeAt(secret, stepAt(Date.now())) },
          owner.headers,
        )
      ).body;
      await call(409, 'POST', '/api/account/two-factor', '/api/account/two-factor', undefined, owner.headers);
      expect((await call(200, 'GET', '/api/account', '/api/account', undefined, owner.headers)).body).toMatchObject({ twoFactor: true, recoveryCodesLeft: 10 });
      await call(401, 'POST', '/api/session', '/api/session', { email: ownerEmail, password: PASSWORD });
      await signingIn(200, 'POST', '/api/session', '/api/session', { email: ownerEmail, password: PASSWORD, recoveryCode: confirmed.recoveryCodes[0] });
      await call(200, 'POST', '/api/account/recovery-codes', '/api/account/recovery-codes', { password: PASSWORD }, owner.headers);
      await call(400, 'POST', '/api/account/two-factor/disable', '/api/account/two-factor/disable', { password: 'not it' }, owner.headers);
      await call(204, 'DELETE', '/api/users/{id}/two-factor', `/api/users/${owner.user.id}/two-factor`, undefined, owner.headers);
      await call(404, 'DELETE', '/api/users/{id}/two-factor', `/api/users/${crypto.randomUUID()}/two-factor`, undefined, owner.headers);
      await call(409, 'POST', '/api/account/recovery-codes', '/api/account/recovery-codes', { password: PASSWORD }, owner.headers);
      await call(204, 'POST', '/api/account/two-factor/disable', '/api/account/two-factor/disable', { password: PASSWORD }, owner.headers);

      // Personal keys: made, listed (the owner's, everyone's), used, revoked.
      await call(400, 'POST', '/api/keys', '/api/keys', { name: '', scope: 'all' }, owner.headers);
      const key = (await call(201, 'POST', '/api/keys', '/api/keys', { name: 'Deploys', scope: 'write' }, owner.headers)).body;
      await call(200, 'GET', '/api/keys', '/api/keys', undefined, owner.headers);
      await call(200, 'GET', '/api/keys', '/api/keys?all=true', undefined, owner.headers);
      const byKey = { authorization: `Bearer ${key.secret}` };
      expect((await call<SessionInfo>(200, 'GET', '/api/session', '/api/session', undefined, byKey)).body).toMatchObject({ via: 'key', role: 'owner' });
      await call(403, 'GET', '/api/keys', '/api/keys', undefined, byKey);
      await call(204, 'DELETE', '/api/keys/{id}', `/api/keys/${key.id}`, undefined, owner.headers);
      await call(404, 'DELETE', '/api/keys/{id}', `/api/keys/${key.id}`, undefined, owner.headers);

      // The audit log, a page at a time.
      await waitFor(async () => ((await accounts.api('GET', '/api/audit-log', undefined, apiKey)).body.items as unknown[]).length >= 5);
      const first = (await call(200, 'GET', '/api/audit-log', '/api/audit-log?limit=2', undefined, owner.headers)).body;
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      await call(200, 'GET', '/api/audit-log', `/api/audit-log?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, undefined, owner.headers);
      await call(200, 'GET', '/api/audit-log', `/api/audit-log?actorId=${owner.user.id}&action=user.role-changed`, undefined, apiKey);
      await call(400, 'GET', '/api/audit-log', '/api/audit-log?actorKind=robot', undefined, owner.headers);
      await call(403, 'GET', '/api/audit-log', '/api/audit-log', undefined, editor.headers);

      await call(204, 'DELETE', '/api/users/{id}', `/api/users/${editor.user.id}`, undefined, owner.headers);
      await call(404, 'DELETE', '/api/users/{id}', `/api/users/${editor.user.id}`, undefined, owner.headers);
      await call(204, 'DELETE', '/api/session', '/api/session', undefined, owner.headers);
      await call(401, 'GET', '/api/users', '/api/users', undefined, owner.headers);
      expect(accounts.errors).toEqual([]);
    } finally {
      await accounts.dispose();
    }
  });
});
