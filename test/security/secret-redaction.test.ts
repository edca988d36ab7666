import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Endpoint, EndpointsFile, ImportResult, Page, ProblemDetails } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, connectWs, openSse, subscribeToAll, type RealtimeClient, type Received } from '../support/realtime-clients.ts';
import { writableFieldsOf } from '../support/endpoints.ts';
import { startTargetServer, type TargetRequest, type TargetServer } from '../support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * Reading target credentials back out of Vigil: stored request headers (Authorization, API keys,
 * cookies, headers an endpoint marks secret) and URL passwords must never leave it through a
 * read (REST, export, events on every transport, webhooks, metrics, logs), while checks keep
 * sending them and writes that send the redaction marker back keep them.
 */

const MARKER = '(secret)';
const KEY = 'secret-redaction-test-key-0123456789abcdef';
const SECRET = {
  bearer: 'bearer-7f3a9c1e5b2d4f60',
  apiKey: 'apikey-1c9e7b3d5f2a4e68',
  cookie: 'cookie-4b8d2f6a0c1e3a57',
  tenant: 'tenant-9e5c1a7d3b0f2c84',
  password: 'pw-2d6f0b4e8a1c5e93',
};
const SECRET_VALUES = Object.values(SECRET);

/** Every secret found in `anything` (as its JSON text): the list a test wants empty. */
const leaked = (anything: unknown) => {
  const text = typeof anything === 'string' ? anything : JSON.stringify(anything);
  return SECRET_VALUES.filter((secret) => text.includes(secret));
};

let target: TargetServer;
let vigil: TestVigil;
let seq = 0;
const unique = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

/** An endpoint with every kind of secret: rule-matched headers, one marked secret, the URL password. */
const secretDefinition = (path: string) => ({
  name: unique('Billing API'),
  url: `http://monitor:${SECRET.password}@127.0.0.1:${new URL(target.origin).port}${path}`,
  headers: {
    'X-Api-Key': SECRET.apiKey,
    Cookie: `sid=${SECRET.cookie}`,
    'X-Tenant': SECRET.tenant,
    Accept: 'application/json',
  },
  secretHeaders: ['x-tenant'],
  intervalSeconds: 3600,
  paused: true,
});

/** What a read must show for `secretDefinition`. */
const redactedHeaders = { 'X-Api-Key': MARKER, Cookie: MARKER, 'X-Tenant': MARKER, Accept: 'application/json' };
const redactedUrl = (path: string) => `http://monitor:${MARKER}@127.0.0.1:${new URL(target.origin).port}${path}`;
const basicAuth = (password: string) => `Basic ${Buffer.from(`monitor:${password}`).toString('base64')}`;

async function create(on: TestVigil, body: Record<string, unknown>): Promise<Endpoint> {
  const res = await on.api<Endpoint>('POST', '/api/endpoints', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function checkNow(on: TestVigil, id: string): Promise<Check> {
  const res = await on.api<Check>('POST', `/api/endpoints/${id}/check`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The newest request the target received on `path`. */
const lastRequest = (path: string): TargetRequest | undefined => target.requests.filter((r) => r.path === path).at(-1);

beforeAll(async () => {
  target = await startTargetServer();
  vigil = await startTestVigil({ WEBHOOK_URL: `${target.origin}/webhook` });
});
afterAll(async () => {
  await closeRealtimeClients();
  await vigil?.dispose();
  await target?.close();
});
afterEach(async () => {
  await closeRealtimeClients();
  expect(leaked(vigil.errors)).toEqual([]);
});

describe('reads show that a secret is set, never its value', () => {
  let endpoint: Endpoint;
  const path = '/billing';

  beforeAll(async () => {
    endpoint = await create(vigil, secretDefinition(path));
  });

  it('answers a create without the secrets it was given', () => {
    expect(endpoint.headers).toEqual(redactedHeaders);
    expect(endpoint.url).toBe(redactedUrl(path));
    expect(endpoint.secretHeaders).toEqual(['x-tenant']);
    expect(leaked(endpoint)).toEqual([]);
  });

  it('shows secrets as the marker in GET /api/endpoints and GET /api/endpoints/:id', async () => {
    const list = await vigil.api<Page<Endpoint>>('GET', '/api/endpoints?limit=500');
    const one = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(list.body.items.find((e) => e.id === endpoint.id)).toMatchObject({ headers: redactedHeaders, url: redactedUrl(path) });
    expect(one.body).toMatchObject({ headers: redactedHeaders, url: redactedUrl(path) });
    expect(leaked(list.body)).toEqual([]);
    expect(leaked(one.body)).toEqual([]);
  });

  it('finds nothing when searching for a URL password (no letter-by-letter oracle through ?q=)', async () => {
    for (const q of [SECRET.password, SECRET.password.slice(0, 4), `monitor:${SECRET.password.slice(0, 3)}`]) {
      const res = await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?q=${encodeURIComponent(q)}`);
      expect(
        res.body.items.map((e) => e.id),
        q,
      ).toEqual([]);
    }
    const byHost = await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?q=${encodeURIComponent(`127.0.0.1:${new URL(target.origin).port}${path}`)}`);
    expect(byHost.body.items.map((e) => e.id)).toContain(endpoint.id);
  });

  it('still sends the real values to the target', async () => {
    await checkNow(vigil, endpoint.id);
    const received = lastRequest(path)!;
    expect(received.headers).toMatchObject({
      'x-api-key': SECRET.apiKey,
      cookie: `sid=${SECRET.cookie}`,
      'x-tenant': SECRET.tenant,
      accept: 'application/json',
      authorization: basicAuth(SECRET.password),
    });
  });

  it('leaves secrets out of /metrics and the OpenAPI document', async () => {
    const metrics = await vigil.api<string>('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(leaked(metrics.body)).toEqual([]);
    const openapi = await vigil.api('GET', '/api/openapi.json');
    expect(leaked(openapi.body)).toEqual([]);
    expect(openapi.body.components.schemas.Endpoint.properties.secretHeaders).toMatchObject({ type: 'array' });
    expect(openapi.body.components.schemas.Endpoint.description).toContain(MARKER);
    expect(openapi.body.paths['/api/export'].get.parameters).toEqual([
      expect.objectContaining({ name: 'secrets', in: 'query', schema: { enum: ['redact', 'include'], default: 'redact' } }),
    ]);
  });
});

describe('secret query parameters', () => {
  it('shows a secret query value as the marker, keeps it through a write-back, and sends the real one', async () => {
    const path = `/${unique('query')}`;
    const endpoint = await create(vigil, { name: unique('Query'), url: target.url(`${path}?api_key=${SECRET.apiKey}&page=2`), paused: true });
    expect(endpoint.url).toBe(target.url(`${path}?api_key=${MARKER}&page=2`));
    const edited = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { url: endpoint.url.replace('page=2', 'page=3') });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.url).toBe(target.url(`${path}?api_key=${MARKER}&page=3`));

    await checkNow(vigil, endpoint.id);
    expect(lastRequest(path)!.url).toBe(`${path}?api_key=${SECRET.apiKey}&page=3`);
    expect(vigil.registry.get(endpoint.id)!.definition.url).toBe(target.url(`${path}?api_key=${SECRET.apiKey}&page=3`));
    const searched = await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?q=${encodeURIComponent(SECRET.apiKey.slice(0, 6))}`);
    expect(searched.body.items.map((e) => e.id)).not.toContain(endpoint.id);
    expect(leaked((await vigil.api('GET', `/api/endpoints/${endpoint.id}`)).body)).toEqual([]);
  });
});

describe('secrets by the rule and by the override', () => {
  it.each([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['Cookie', true],
    ['Set-Cookie', true],
    ['X-Auth-Token', true],
    ['X-API-KEY', true],
    ['X-Client-Secret', true],
    ['X-Password', true],
    ['X-Passwd', true],
    ['X-Session-Id', true],
    ['X-Credential', true],
    ['Accept', false],
    ['X-Request-Id', false],
    ['User-Agent', false],
  ])('redacts %s: %s', async (name, secret) => {
    const endpoint = await create(vigil, { name: unique('Rule'), url: target.url('/rule'), headers: { [name]: 'v4lue' }, paused: true });
    expect(endpoint.headers[name]).toBe(secret ? MARKER : 'v4lue');
  });

  it('redacts a header that secretHeaders names, in any letter case, and shows it again once unmarked', async () => {
    const endpoint = await create(vigil, {
      name: unique('Override'),
      url: target.url('/override'),
      headers: { 'X-Tenant': 'acme-7' },
      secretHeaders: ['X-TENANT'],
      paused: true,
    });
    expect(endpoint.headers).toEqual({ 'X-Tenant': MARKER });
    const unmarked = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { secretHeaders: [] });
    expect(unmarked.body.headers).toEqual({ 'X-Tenant': 'acme-7' });
  });

  it('refuses a secretHeaders entry that is not a header name', async () => {
    const res = await vigil.api<ProblemDetails>('POST', '/api/endpoints', { name: unique('Bad'), url: target.url('/bad'), secretHeaders: ['not a header'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'secretHeaders.0', message: 'is not a valid header name' }]);
  });
});

describe('updates keep what they do not replace', () => {
  it('keeps every secret through a PATCH that leaves them out, and through one that sends back what it read', async () => {
    const path = `/${unique('keep')}`;
    const endpoint = await create(vigil, secretDefinition(path));

    const renamed = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { name: unique('Renamed') });
    expect(renamed.status).toBe(200);
    // A client that reads, edits one field and writes every field back.
    const asRead = writableFieldsOf((await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body);
    const writtenBack = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { ...asRead, timeoutMs: 4000 });
    expect(writtenBack.status, JSON.stringify(writtenBack.body)).toBe(200);
    expect(writtenBack.body).toMatchObject({ headers: redactedHeaders, url: redactedUrl(path), timeoutMs: 4000 });

    await checkNow(vigil, endpoint.id);
    expect(lastRequest(path)!.headers).toMatchObject({
      'x-api-key': SECRET.apiKey,
      cookie: `sid=${SECRET.cookie}`,
      'x-tenant': SECRET.tenant,
      authorization: basicAuth(SECRET.password),
    });
  });

  it('replaces a secret sent with a new value, and removes one left out of a sent headers map', async () => {
    const path = `/${unique('replace')}`;
    const endpoint = await create(vigil, secretDefinition(path));

    const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, {
      headers: { 'X-Api-Key': 'apikey-rotated', 'X-Tenant': MARKER, Accept: 'text/plain' },
      url: redactedUrl(path).replace(`monitor:${MARKER}`, 'monitor:pw-rotated'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.headers).toEqual({ 'X-Api-Key': MARKER, 'X-Tenant': MARKER, Accept: 'text/plain' });

    await checkNow(vigil, endpoint.id);
    const received = lastRequest(path)!;
    expect(received.headers).toMatchObject({
      'x-api-key': 'apikey-rotated',
      'x-tenant': SECRET.tenant,
      accept: 'text/plain',
      authorization: basicAuth('pw-rotated'),
    });
    expect(received.headers.cookie).toBeUndefined();
  });

  it('refuses to carry a stored secret to another origin (pointing the URL at a host of the attacker to receive it)', async () => {
    const path = `/${unique('move')}`;
    const endpoint = await create(vigil, { name: unique('Move'), url: target.url(path), headers: { Authorization: `Bearer ${SECRET.bearer}` }, paused: true });
    const elsewhere = await startTargetServer({ host: '127.0.0.2' });
    try {
      const moved = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, { url: elsewhere.url('/steal'), paused: false });
      expect(moved.status).toBe(400);
      expect(moved.body.errors).toMatchObject([
        {
          path: 'headers.Authorization',
          message: expect.stringContaining(`is a secret stored for ${target.origin}, and the URL now points to another origin (${elsewhere.origin})`),
        },
      ]);
      const withMarker = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, {
        url: elsewhere.url('/steal'),
        headers: { Authorization: MARKER },
      });
      expect(withMarker.status).toBe(400);
      expect((await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.url).toBe(target.url(path));

      // Given again (or removed), the move is fine.
      const given = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, {
        url: elsewhere.url('/moved'),
        headers: { Authorization: 'Bearer for-the-new-host' },
      });
      expect(given.status, JSON.stringify(given.body)).toBe(200);
      await checkNow(vigil, endpoint.id);
      expect(elsewhere.requests.map((r) => r.headers.authorization)).toEqual(['Bearer for-the-new-host']);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses the marker where there is no stored value to keep, naming the field', async () => {
    const refused = await vigil.api<ProblemDetails>('POST', '/api/endpoints', {
      name: unique('Marker'),
      url: `http://monitor:${MARKER}@127.0.0.1:9/x`,
      headers: { Authorization: MARKER },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toMatchObject([
      { path: 'headers.Authorization', message: expect.stringContaining('holds the redaction marker "(secret)", not a value') },
      { path: 'url', message: expect.stringContaining('holds the redaction marker "(secret)", not a value') },
    ]);

    const endpoint = await create(vigil, { name: unique('NoSecret'), url: target.url('/no-secret'), paused: true });
    const patched = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, { headers: { 'X-Api-Key': MARKER } });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toMatchObject([
      { path: 'headers.X-Api-Key', message: expect.stringContaining('there is no stored value of this header to keep') },
    ]);
  });
});

describe('events never carry secrets', () => {
  it('announces every change and check on Socket.io, /ws and SSE with secrets redacted, and webhooks carry none', async () => {
    const path = `/${unique('events')}`;
    const clients: [string, RealtimeClient][] = [
      ['socket.io', await subscribeToAll(await connectSocketIo(vigil.port))],
      ['/ws', await subscribeToAll(await connectWs(vigil.port))],
      ['sse', await openSse(vigil.port)],
    ];

    const endpoint = await create(vigil, { ...secretDefinition(path), failureThreshold: 1 });
    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { name: unique('Renamed') });
    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { headers: { 'X-Api-Key': MARKER, Cookie: MARKER, 'X-Tenant': MARKER, Accept: 'text/html' } });
    target.setMode(path, { kind: 'ok', status: 500 });
    await checkNow(vigil, endpoint.id); // DOWN: status change and an incident
    target.setMode(path, { kind: 'ok' });
    await checkNow(vigil, endpoint.id); // UP: resolved
    await vigil.api('POST', `/api/endpoints/${endpoint.id}/pause`);
    await vigil.api('POST', `/api/endpoints/${endpoint.id}/resume`);
    await vigil.api('DELETE', `/api/endpoints/${endpoint.id}`);

    const wanted = [
      'endpoint:created',
      'endpoint:updated',
      'check:completed',
      'endpoint:status-changed',
      'incident:started',
      'incident:resolved',
      'endpoint:deleted',
    ];
    for (const [name, client] of clients) {
      const about = () => client.events.filter((e: Received) => (e.data.id ?? e.data.endpointId) === endpoint.id);
      await waitFor(() => about().some((e) => e.event === 'endpoint:deleted'), 10_000, `endpoint:deleted on ${name}`);
      expect(new Set(about().map((e) => e.event)), name).toEqual(new Set(wanted));
      for (const event of about().filter((e) => e.event === 'endpoint:created' || e.event === 'endpoint:updated')) {
        expect(event.data.url, name).toBe(redactedUrl(path));
        expect(
          Object.values(event.data.headers).filter((v) => v !== 'application/json' && v !== 'text/html'),
          name,
        ).toEqual([MARKER, MARKER, MARKER]);
      }
      expect(leaked(client.events), name).toEqual([]);
    }

    const deliveries = () => target.requests.filter((r) => r.path === '/webhook').map((r) => JSON.parse(r.body));
    await waitFor(() => deliveries().some((d) => d.event === 'incident:resolved' && d.data.endpointId === endpoint.id), 10_000, 'the webhook deliveries');
    expect(
      deliveries()
        .filter((d) => d.data.endpointId === endpoint.id)
        .map((d) => d.event),
    ).toEqual(expect.arrayContaining(['endpoint:status-changed', 'incident:started', 'incident:resolved']));
    expect(leaked(deliveries())).toEqual([]);
  });
});

describe('export and import', () => {
  let endpoint: Endpoint;
  const path = '/transfer';

  beforeAll(async () => {
    endpoint = await create(vigil, { ...secretDefinition(path), headers: { ...secretDefinition(path).headers, Authorization: `Bearer ${SECRET.bearer}` } });
  });

  it('leaves secrets out of the export by default', async () => {
    const res = await vigil.api<EndpointsFile>('GET', '/api/export');
    expect(res.status).toBe(200);
    expect(res.body.endpoints.find((e) => e.id === endpoint.id)).toMatchObject({
      url: redactedUrl(path),
      headers: { ...redactedHeaders, Authorization: MARKER },
      secretHeaders: ['x-tenant'],
    });
    expect(leaked(res.body)).toEqual([]);
  });

  it('hands secrets out with ?secrets=include, not to be cached', async () => {
    const res = await vigil.api<EndpointsFile>('GET', '/api/export?secrets=include');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.endpoints.find((e) => e.id === endpoint.id)).toMatchObject({
      url: `http://monitor:${SECRET.password}@127.0.0.1:${new URL(target.origin).port}${path}`,
      headers: { 'X-Api-Key': SECRET.apiKey, Authorization: `Bearer ${SECRET.bearer}` },
    });
  });

  it('refuses ?secrets= values it does not know, naming the parameter', async () => {
    const res = await vigil.api<ProblemDetails>('GET', '/api/export?secrets=yes');
    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'secrets', message: 'must be redact or include' }]);
  });

  it('refuses the export with secrets to a page of another origin', async () => {
    const res = await vigil.api<ProblemDetails>('GET', '/api/export?secrets=include', undefined, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(leaked(res.body)).toEqual([]);
  });

  it('imports its own redacted export back as unchanged: the marker keeps every stored secret', async () => {
    const file = (await vigil.api<EndpointsFile>('GET', '/api/export')).body;
    const res = await vigil.api<ImportResult>('POST', '/api/import', file);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.find((i) => i.id === endpoint.id)?.action).toBe('unchanged');
    await checkNow(vigil, endpoint.id);
    expect(lastRequest(path)!.headers).toMatchObject({ authorization: `Bearer ${SECRET.bearer}`, 'x-api-key': SECRET.apiKey });
  });

  it('moves secrets to a fresh Vigil through an export with secrets, and its checks send them', async () => {
    const file = (await vigil.api<EndpointsFile>('GET', '/api/export?secrets=include')).body;
    const fresh = await startTestVigil();
    try {
      const res = await fresh.api<ImportResult>('POST', '/api/import', { ...file, endpoints: file.endpoints.filter((e) => e.id === endpoint.id) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.created).toBe(1);
      const before = target.requests.length;
      await checkNow(fresh, endpoint.id);
      const received = target.requests.slice(before).find((r) => r.path === path)!;
      expect(received.headers).toMatchObject({ authorization: `Bearer ${SECRET.bearer}`, 'x-api-key': SECRET.apiKey, 'x-tenant': SECRET.tenant });
      expect(leaked((await fresh.api('GET', `/api/endpoints/${endpoint.id}`)).body)).toEqual([]);
    } finally {
      await fresh.dispose();
    }
  });

  it('refuses a redacted export into a fresh Vigil, naming each field that holds the marker', async () => {
    const file = (await vigil.api<EndpointsFile>('GET', '/api/export')).body;
    const fresh = await startTestVigil();
    try {
      const index = file.endpoints.findIndex((e) => e.id === endpoint.id);
      const res = await fresh.api<ProblemDetails>('POST', '/api/import', file);
      expect(res.status).toBe(400);
      const advice =
        'holds the redaction marker "(secret)", not a value, and there is no stored value of this header to keep; export with ?secrets=include to move secrets';
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: `endpoints.${index}.headers.Authorization`, message: advice }),
          expect.objectContaining({ path: `endpoints.${index}.url`, message: expect.stringContaining('export with ?secrets=include to move secrets') }),
        ]),
      );
      expect((await fresh.api<Page<Endpoint>>('GET', '/api/endpoints')).body.items).toEqual([]);
    } finally {
      await fresh.dispose();
    }
  });
});

describe('with API_KEY set', () => {
  let keyed: TestVigil;
  let endpoint: Endpoint;

  beforeAll(async () => {
    keyed = await startTestVigil({ API_KEY: KEY });
    const res = await keyed.api<Endpoint>(
      'POST',
      '/api/endpoints',
      { name: 'Keyed', url: target.url('/keyed'), headers: { Authorization: `Bearer ${SECRET.bearer}` }, paused: true },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(201);
    endpoint = res.body;
  });
  afterAll(async () => {
    await keyed?.dispose();
  });

  it('reads without the key show the marker', async () => {
    const one = await keyed.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
    expect(one.status).toBe(200);
    expect(one.body.headers).toEqual({ Authorization: MARKER });
    const file = await keyed.api<EndpointsFile>('GET', '/api/export');
    expect(file.status).toBe(200);
    expect(leaked(file.body)).toEqual([]);
  });

  it.each<[string, Record<string, string>]>([
    ['without the key', {}],
    ['with a wrong key', { authorization: 'Bearer not-the-key' }],
  ])('refuses the export with secrets %s (401), though other reads are open', async (_, headers) => {
    const res = await keyed.api<ProblemDetails>('GET', '/api/export?secrets=include', undefined, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="vigil"');
    expect(leaked(res.body)).toEqual([]);
  });

  it('hands secrets out to the key', async () => {
    const res = await keyed.api<EndpointsFile>('GET', '/api/export?secrets=include', undefined, { authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(200);
    expect(res.body.endpoints[0]!.headers).toEqual({ Authorization: `Bearer ${SECRET.bearer}` });
  });
});
