import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, type ApiAnswer, type TestVigil } from './support/vigil.ts';

/**
 * Bad input never hurts: every refused request answers a problem+json naming what is wrong,
 * changes no stored data, and leaves the server answering. No case may produce a 500.
 */

let target: TargetServer;
let vigil: TestVigil;
/** Paused fixtures (no background checks), so the stored data only changes when a request changes it. */
let plain: Endpoint;
let withBody: Endpoint;

beforeAll(async () => {
  target = await startTargetServer();
  vigil = await startTestVigil();
  const ok = async <T>(answer: Promise<ApiAnswer<T>>, status: number): Promise<T> => {
    const res = await answer;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  plain = await ok(vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Plain GET', url: target.url('/plain'), paused: true, tags: ['fixture'] }), 201);
  withBody = await ok(
    vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'POST with body',
      url: target.url('/with-body'),
      method: 'POST',
      body: '{"ping":1}',
      failureThreshold: 1,
      paused: true,
    }),
    201,
  );
  target.setMode('/with-body', { kind: 'ok', status: 500 });
  // A check each, and an open incident, so that "nothing changed" covers them too.
  await ok(vigil.api('POST', `/api/endpoints/${plain.id}/check`), 200);
  await ok(vigil.api('POST', `/api/endpoints/${withBody.id}/check`), 200);
});
afterAll(async () => {
  await vigil?.dispose();
  await target?.close();
});
afterEach(() => {
  // A refused request is the client's mistake: nothing may have been logged as an unexpected error.
  // (Taken out of the list, so that one failing case does not fail every later one.)
  expect(vigil.errors.splice(0)).toEqual([]);
});

/** Everything a client can read: compared before and after each refused request. */
async function snapshot() {
  const read = async (path: string) => {
    const res = await vigil.api('GET', path);
    expect(res.status, path).toBe(200);
    return res.body;
  };
  // The full list holds every field of every endpoint, the fixtures included.
  const [endpoints, plainChecks, withBodyChecks, incidents] = await Promise.all([
    read('/api/endpoints?limit=500'),
    read(`/api/endpoints/${plain.id}/checks`),
    read(`/api/endpoints/${withBody.id}/checks`),
    read('/api/incidents?limit=500'),
  ]);
  return { endpoints, plainChecks, withBodyChecks, incidents };
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

/**
 * Sends a request that must be refused with `status`; checks the problem document, that an error
 * names `field` (or one of several acceptable fields, or a sub-path of it), that the stored data is
 * unchanged, and that the server still answers.
 */
async function expectRefused(send: () => Promise<ApiAnswer<unknown>>, status: number, field?: string | string[]): Promise<Problem> {
  const before = await snapshot();
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = res.body as Problem;
  expect(problem).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code: expect.stringMatching(/^[a-z_]+$/),
  });
  expect(problem.detail).not.toBe('');
  if (problem.errors !== undefined) {
    expect(Array.isArray(problem.errors)).toBe(true);
    for (const error of problem.errors) {
      expect(error).toEqual({ path: expect.any(String), message: expect.any(String), code: expect.stringMatching(/^[a-z_]+$/), params: expect.any(Object) });
    }
  }
  if (field !== undefined) {
    const wanted = Array.isArray(field) ? field : [field];
    const paths = (problem.errors ?? []).map((e) => e.path);
    const named = paths.some((p) => wanted.some((f) => p === f || p.startsWith(`${f}.`)));
    expect(named, `errors ${JSON.stringify(problem.errors)} should name ${wanted.join(' or ')}`).toBe(true);
  }
  expect(await snapshot()).toEqual(before);
  const health = await vigil.api('GET', '/healthz');
  expect(health.status).toBe(200);
  return problem;
}

const post = (body: unknown) => () => vigil.api('POST', '/api/endpoints', body);
const patch = (id: string, body: unknown) => () => vigil.api('PATCH', `/api/endpoints/${id}`, body);
const valid = () => ({ name: 'Valid name', url: target.url('/never-stored') });
const with_ = (field: string, value: unknown) => ({ ...valid(), [field]: value });

/** Field values that are each wrong on their own (type or range); shared by POST and PATCH. */
const BAD_FIELDS: { field: string; value: unknown; why: string }[] = [
  { field: 'name', value: 42, why: 'a number' },
  { field: 'name', value: null, why: 'null' },
  { field: 'name', value: '', why: 'empty' },
  { field: 'name', value: '   ', why: 'blank' },
  { field: 'name', value: 'x'.repeat(101), why: '101 characters' },
  { field: 'name', value: ['API'], why: 'an array' },
  { field: 'url', value: 42, why: 'a number' },
  { field: 'url', value: null, why: 'null' },
  { field: 'url', value: '', why: 'empty' },
  { field: 'url', value: 'ftp://x', why: 'ftp' },
  { field: 'url', value: 'javascript:alert(1)', why: 'javascript:' },
  { field: 'url', value: 'file:///etc/passwd', why: 'file:' },
  { field: 'url', value: '/x', why: 'relative' },
  { field: 'url', value: 'example.com/health', why: 'without a scheme' },
  { field: 'url', value: 'http://', why: 'without a host' },
  { field: 'url', value: `http://example.com/${'a'.repeat(3000)}`, why: '3000+ characters' },
  { field: 'method', value: 'GOT', why: 'unknown' },
  { field: 'method', value: 1, why: 'a number' },
  { field: 'method', value: null, why: 'null' },
  { field: 'headers', value: 'X-A: 1', why: 'a string' },
  { field: 'headers', value: ['X-A', '1'], why: 'an array' },
  { field: 'headers', value: null, why: 'null' },
  { field: 'headers', value: { 'X-A': 1 }, why: 'a number value' },
  { field: 'headers', value: { 'X-A': null }, why: 'a null value' },
  { field: 'headers', value: { 'X-A': ['1'] }, why: 'an array value' },
  { field: 'headers', value: { 'bad name': 'v' }, why: 'a name with a space' },
  { field: 'headers', value: { 'X-A': 'a\r\nX-Injected: 1' }, why: 'a value with a line break' },
  { field: 'body', value: 5, why: 'a number' },
  { field: 'body', value: { a: 1 }, why: 'an object' },
  { field: 'intervalSeconds', value: '60', why: 'a string' },
  { field: 'intervalSeconds', value: 0, why: '0' },
  { field: 'intervalSeconds', value: 86401, why: '86401' },
  { field: 'intervalSeconds', value: 1.5, why: '1.5' },
  { field: 'intervalSeconds', value: -1, why: '-1' },
  { field: 'intervalSeconds', value: null, why: 'null' },
  { field: 'intervalSeconds', value: true, why: 'a boolean' },
  { field: 'timeoutMs', value: 99, why: '99' },
  { field: 'timeoutMs', value: 60001, why: '60001' },
  { field: 'timeoutMs', value: '1000', why: 'a string' },
  { field: 'timeoutMs', value: 100.5, why: 'a fraction' },
  { field: 'expectedStatusCodes', value: [], why: 'empty' },
  { field: 'expectedStatusCodes', value: ['abc'], why: 'not a code' },
  { field: 'expectedStatusCodes', value: ['600'], why: 'above 599' },
  { field: 'expectedStatusCodes', value: [600], why: 'the number 600' },
  { field: 'expectedStatusCodes', value: ['99'], why: 'below 100' },
  { field: 'expectedStatusCodes', value: ['299-200'], why: 'a reversed range' },
  { field: 'expectedStatusCodes', value: ['2xx'], why: 'a class pattern' },
  { field: 'expectedStatusCodes', value: [200.5], why: 'a fraction' },
  { field: 'expectedStatusCodes', value: [null], why: 'a null item' },
  { field: 'expectedStatusCodes', value: '200-299', why: 'a string, not a list' },
  { field: 'degradedThresholdMs', value: 0, why: '0' },
  { field: 'degradedThresholdMs', value: -5, why: 'negative' },
  { field: 'degradedThresholdMs', value: '2000', why: 'a string' },
  { field: 'failureThreshold', value: 0, why: '0' },
  { field: 'failureThreshold', value: 101, why: '101' },
  { field: 'failureThreshold', value: 2.5, why: 'a fraction' },
  { field: 'failureThreshold', value: '3', why: 'a string' },
  { field: 'paused', value: 'yes', why: '"yes"' },
  { field: 'paused', value: 1, why: '1' },
  { field: 'paused', value: null, why: 'null' },
  { field: 'tags', value: 'prod', why: 'a string' },
  { field: 'tags', value: [1], why: 'a number item' },
  { field: 'tags', value: [''], why: 'an empty item' },
  { field: 'tags', value: null, why: 'null' },
];

describe('POST /api/endpoints with a body that is not an endpoint', () => {
  it.each([
    { label: 'malformed JSON', raw: '{"name": "x",' },
    { label: 'JSON with a trailing comma', raw: '{"name": "x", "url": "http://example.com",}' },
    { label: 'an empty body', raw: '' },
    { label: 'a blank body', raw: '  \n ' },
    { label: 'a JSON array', raw: '[{"name":"x","url":"http://example.com"}]' },
    { label: 'a JSON string', raw: '"http://example.com"' },
    { label: 'JSON null', raw: 'null' },
    { label: 'a JSON number', raw: '42' },
    { label: 'JSON true', raw: 'true' },
    { label: 'deeply nested arrays', raw: `{"name":"x","url":"http://example.com","tags":${'['.repeat(50_000)}${']'.repeat(50_000)}}` },
  ])('answers 400 to $label', async ({ raw }) => {
    await expectRefused(() => vigil.api('POST', '/api/endpoints', raw), 400);
  });

  it('answers 400 to a request without any body', async () => {
    await expectRefused(() => vigil.api('POST', '/api/endpoints', undefined, { 'content-type': 'application/json' }), 400);
  });

  it.each([
    ['name', { url: 'http://example.com' }],
    ['url', { name: 'No URL' }],
  ])('answers 400 naming %s when it is missing', async (field, body) => {
    await expectRefused(post(body), 400, field);
  });

  it('names every wrong field at once', async () => {
    const problem = await expectRefused(post({ name: 1, url: 2, intervalSeconds: 0 }), 400);
    expect(problem.errors!.map((e) => e.path).sort()).toEqual(['intervalSeconds', 'name', 'url']);
  });
});

describe('POST /api/endpoints with a wrong field', () => {
  it.each(BAD_FIELDS)('answers 400 naming $field when it is $why', async ({ field, value }) => {
    await expectRefused(post(with_(field, value)), 400, field);
  });

  it('answers 400 naming intervalSeconds when it overflows to Infinity', async () => {
    const raw = `{"name":"Huge","url":"http://example.com","intervalSeconds":1e400}`;
    await expectRefused(() => vigil.api('POST', '/api/endpoints', raw), 400, 'intervalSeconds');
  });

  it.each([
    { field: 'body', value: 'x'.repeat(65_537), why: 'longer than 65536 characters' },
    { field: 'headers', value: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v'])), why: '51 headers' },
    { field: 'tags', value: Array.from({ length: 21 }, (_, i) => `t${i}`), why: '21 tags' },
    { field: 'tags', value: ['x'.repeat(51)], why: 'a 51-character tag' },
    { field: 'expectedStatusCodes', value: Array.from({ length: 21 }, (_, i) => String(200 + i)), why: '21 codes' },
  ])('answers 400 naming $field when it is $why', async ({ field, value }) => {
    const body = field === 'body' ? { ...with_(field, value), method: 'POST' } : with_(field, value);
    await expectRefused(post(body), 400, field);
  });

  it.each(['colour', 'interval', 'Name'])('answers 400 naming the unknown field %s', async (field) => {
    await expectRefused(post(with_(field, 'x')), 400, field);
  });

  it.each([
    ['id', randomUUID()],
    ['status', 'UP'],
    ['lastCheckedAt', new Date().toISOString()],
    ['lastResponseTime', 5],
    ['lastStatusCode', 200],
    ['lastErrorMessage', null],
    ['consecutiveFailures', 0],
    ['createdAt', new Date().toISOString()],
    ['updatedAt', new Date().toISOString()],
  ])('answers 400 naming the read-only field %s', async (field, value) => {
    await expectRefused(post(with_(field, value)), 400, field);
  });

  it('refuses a __proto__ key as an unknown field and pollutes nothing', async () => {
    const raw = `{"name":"Proto","url":"http://example.com","__proto__":{"paused":true,"polluted":1}}`;
    await expectRefused(() => vigil.api('POST', '/api/endpoints', raw), 400, '__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    { label: 'a GET (the default method)', extra: {} },
    { label: 'an explicit GET', extra: { method: 'GET' } },
    { label: 'a HEAD', extra: { method: 'HEAD' } },
  ])('answers 400 naming body when $label has a body', async ({ extra }) => {
    await expectRefused(post({ ...valid(), ...extra, body: 'payload' }), 400, 'body');
  });

  it.each([
    { field: 'name', value: 'a\u0000b' },
    { field: 'url', value: 'http://example.com/a\u0000b' },
    { field: 'body', value: 'a\u0000b', method: 'POST' },
    { field: 'tags', value: ['a\u0000b'] },
  ])('answers 400 naming $field when it holds a NUL character', async ({ field, value, method }) => {
    await expectRefused(post({ ...with_(field, value), ...(method ? { method } : {}) }), 400, field);
  });
});

describe('PATCH /api/endpoints/:id with wrong input', () => {
  it.each(BAD_FIELDS)('answers 400 naming $field when it is $why, and changes nothing', async ({ field, value }) => {
    await expectRefused(patch(plain.id, { [field]: value }), 400, field);
  });

  it.each([
    { field: 'name', value: 'a\u0000b' },
    { field: 'url', value: 'http://example.com/a\u0000b' },
    { field: 'tags', value: ['a\u0000b'] },
  ])('answers 400 naming $field when it holds a NUL character, and changes nothing', async ({ field, value }) => {
    await expectRefused(patch(plain.id, { [field]: value }), 400, field);
  });

  it('answers 400 naming body when a new body holds a NUL character, and changes nothing', async () => {
    await expectRefused(patch(withBody.id, { body: 'a\u0000b' }), 400, 'body');
  });

  it('changes nothing when one field of several is wrong', async () => {
    await expectRefused(patch(plain.id, { name: 'Would be renamed', tags: ['new'], timeoutMs: 99 }), 400, 'timeoutMs');
  });

  it.each([
    { label: 'malformed JSON', raw: '{"name":' },
    { label: 'an empty body', raw: '' },
    { label: 'a JSON array', raw: '[]' },
    { label: 'a JSON string', raw: '"name"' },
    { label: 'JSON null', raw: 'null' },
  ])('answers 400 to $label', async ({ raw }) => {
    await expectRefused(() => vigil.api('PATCH', `/api/endpoints/${plain.id}`, raw), 400);
  });

  it('answers 400 naming an unknown field', async () => {
    await expectRefused(patch(plain.id, { colour: 'red' }), 400, 'colour');
  });

  it.each([
    ['id', randomUUID()],
    ['status', 'DOWN'],
    ['consecutiveFailures', 9],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
  ])('answers 400 naming the read-only field %s', async (field, value) => {
    await expectRefused(patch(plain.id, { [field]: value }), 400, field);
  });

  it('answers 400 when a new method would leave a body on a GET', async () => {
    await expectRefused(patch(withBody.id, { method: 'GET' }), 400, ['body', 'method']);
  });

  it('answers 400 when a new body would go on a GET', async () => {
    await expectRefused(patch(plain.id, { body: 'payload' }), 400, ['body', 'method']);
  });

  it('answers 400 when a new method would leave a body on a HEAD', async () => {
    await expectRefused(patch(withBody.id, { method: 'HEAD' }), 400, ['body', 'method']);
  });
});

/**
 * Sends one request on a connection of its own (not the shared keep-alive pool of fetch), writing
 * the body in 16 KiB chunks; with `chunked`, without a Content-Length.
 */
function sendAlone(method: string, path: string, body: string, chunked = false): Promise<ApiAnswer<unknown>> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', connection: 'close' };
    if (!chunked) headers['content-length'] = payload.length;
    const req = http.request({ host: '127.0.0.1', port: vigil.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
        resolve({ status: res.statusCode!, headers: responseHeaders, body: text ? JSON.parse(text) : null });
      });
      res.on('error', reject);
    });
    // The server may answer and close before it read everything: that is its right.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (let i = 0; i < payload.length; i += 16 * 1024) req.write(payload.subarray(i, i + 16 * 1024));
    req.end();
  });
}

/**
 * Sends `request` (raw HTTP/1.1, keep-alive by default) on one socket; resolves with everything the
 * server sent, once it closed the socket (closedByServer) or after 5 s of keeping it open.
 */
function sendRaw(request: string): Promise<{ answer: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(vigil.port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closedByServer: false });
    }, 5000);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closedByServer: true });
    });
    // The server may close while the rest of a large body is still being written.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.write(request);
  });
}

describe('a request body larger than 256 KiB', () => {
  const huge = () => JSON.stringify({ ...valid(), method: 'POST', body: 'x'.repeat(300 * 1024) });

  it('answers 413 to a POST', async () => {
    await expectRefused(() => sendAlone('POST', '/api/endpoints', huge()), 413);
  });

  it('answers 413 to a PATCH', async () => {
    await expectRefused(() => sendAlone('PATCH', `/api/endpoints/${withBody.id}`, JSON.stringify({ body: 'x'.repeat(300 * 1024) })), 413);
  });

  it('answers 413 when sent in chunks without a Content-Length', async () => {
    await expectRefused(() => sendAlone('POST', '/api/endpoints', huge(), true), 413);
  });

  it('announces Connection: close with a 413 on a keep-alive connection, and closes it: the rest of the body is never read', async () => {
    const body = huge();
    const request = `POST /api/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

    const { answer, closedByServer } = await sendRaw(request);

    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.split('\r\n\r\n')[0]).toMatch(/^connection: close\r?$/im);
    expect(closedByServer).toBe(true);
  });
});

const ID_ROUTES: { method: string; suffix: string; body?: unknown }[] = [
  { method: 'GET', suffix: '' },
  { method: 'PATCH', suffix: '', body: { name: 'Renamed' } },
  { method: 'DELETE', suffix: '' },
  { method: 'POST', suffix: '/check' },
  { method: 'POST', suffix: '/pause' },
  { method: 'POST', suffix: '/resume' },
  { method: 'GET', suffix: '/checks' },
  { method: 'GET', suffix: '/uptime' },
];

describe.each(ID_ROUTES)('an :id that is not a UUID on $method /api/endpoints/:id$suffix', (route) => {
  it.each([
    ['abc', 'abc'],
    ['123', '123'],
    ['null', 'null'],
    ['a UUID with a character more', `${randomUUID()}0`],
    ['a UUID a character short', randomUUID().slice(0, 35)],
    ['a UUID ending in g', randomUUID().replace(/[0-9a-f]$/, 'g')],
    ['a UUID without hyphens', `${randomUUID().replace(/-/g, '')}`],
    ['an SQL injection', encodeURIComponent("1' or '1'='1")],
    ['an encoded snowman', '%E2%98%83'],
    ['a broken percent-encoding', '%ZZ'],
  ])('answers 400 naming id, never 500, to %s', async (_, id) => {
    await expectRefused(() => vigil.api(route.method, `/api/endpoints/${id}${route.suffix}`, route.body), 400, 'id');
  });
});

describe('an unknown UUID', () => {
  it.each(ID_ROUTES)('answers 404 on $method /api/endpoints/:id$suffix', async (route) => {
    const problem = await expectRefused(() => vigil.api(route.method, `/api/endpoints/${randomUUID()}${route.suffix}`, route.body), 404);
    expect(problem.title).toBe('Not Found');
  });

  it('answers 404 for an upper-case unknown UUID too', async () => {
    await expectRefused(() => vigil.api('GET', `/api/endpoints/${randomUUID().toUpperCase()}`), 404);
  });

  it('answers 404 to a PATCH with an empty object', async () => {
    await expectRefused(patch(randomUUID(), {}), 404);
  });
});

describe('list queries with wrong parameters', () => {
  const forged = (text: string) => Buffer.from(text).toString('base64url');

  it.each([
    ['/api/endpoints?limit=0', 'limit'],
    ['/api/endpoints?limit=501', 'limit'],
    ['/api/endpoints?limit=abc', 'limit'],
    ['/api/endpoints?limit=-1', 'limit'],
    ['/api/endpoints?limit=1.5', 'limit'],
    ['/api/endpoints?limit=99999999999999999999999', 'limit'],
    ['/api/endpoints?status=FOO', 'status'],
    ['/api/endpoints?status=UP,FOO', 'status'],
    ['/api/endpoints?paused=yes', 'paused'],
    ['/api/endpoints?cursor=garbage', 'cursor'],
    [`/api/endpoints?cursor=${forged('not a date|not a uuid')}`, 'cursor'],
    [`/api/endpoints?q=${'x'.repeat(201)}`, 'q'],
    [`/api/endpoints/${'{id}'}/checks?from=notadate`, 'from'],
    [`/api/endpoints/${'{id}'}/checks?to=yesterday`, 'to'],
    [`/api/endpoints/${'{id}'}/checks?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z`, 'from'],
    [`/api/endpoints/${'{id}'}/checks?limit=0`, 'limit'],
    [`/api/endpoints/${'{id}'}/checks?limit=1001`, 'limit'],
    [`/api/endpoints/${'{id}'}/checks?cursor=garbage`, 'cursor'],
    ['/api/incidents?status=closed', 'status'],
    ['/api/incidents?status=OPEN,resolved', 'status'],
    ['/api/incidents?endpointId=notauuid', 'endpointId'],
    ['/api/incidents?limit=0', 'limit'],
    ['/api/incidents?limit=501', 'limit'],
    ['/api/incidents?cursor=garbage', 'cursor'],
  ])('answers 400 to %s naming %s', async (path, field) => {
    await expectRefused(() => vigil.api('GET', path.replace('{id}', plain.id)), 400, field);
  });

  it.each([
    { route: '/api/endpoints', label: 'year -1 (BC)', text: `-000001-01-01T00:00:00.000Z|${randomUUID()}` },
    { route: '/api/endpoints', label: 'year 0', text: `0000-01-01T00:00:00.000Z|${randomUUID()}` },
    { route: '/api/endpoints/{id}/checks', label: 'year -1 (BC)', text: `-000001-01-01T00:00:00.000Z|${randomUUID()}` },
    { route: '/api/incidents', label: 'year 0', text: `0000-06-01T00:00:00.000Z|${randomUUID()}` },
  ])('refuses on $route a forged cursor dated $label with a 400 naming cursor', async ({ route, text }) => {
    await expectRefused(() => vigil.api('GET', `${route.replace('{id}', plain.id)}?cursor=${forged(text)}`), 400, 'cursor');
  });

  it.each([
    ['from', '0000-01-01T00:00:00Z'],
    ['to', '0000-12-31'],
  ])('refuses checks?%s=%s (year 0) with a 400 naming it', async (field, value) => {
    await expectRefused(() => vigil.api('GET', `/api/endpoints/${plain.id}/checks?${field}=${value}`), 400, field);
  });

  it.each([
    ['q', '/api/endpoints?q=a%00b'],
    ['tag', '/api/endpoints?tag=a%00b'],
  ])('refuses a NUL character in %s with a 400 naming it', async (field, url) => {
    await expectRefused(() => vigil.api('GET', url), 400, field);
  });

  it('names the parameter even when the endpoint of /checks does not exist', async () => {
    await expectRefused(() => vigil.api('GET', `/api/endpoints/${randomUUID()}/checks?limit=abc`), 400, 'limit');
  });
});

describe('an unknown route', () => {
  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/endpoint'],
    ['POST', '/api/incidents/x'],
    ['POST', '/nope'], // (GET /nope is a deep link of the web app: it answers index.html)
    ['GET', '/healthz/nope'],
    ['POST', `/api/endpoints/{id}/explode`],
    ['GET', `/api/endpoints/{id}/checks/extra`],
  ])('answers %s %s with a 404 problem', async (method, path) => {
    await expectRefused(() => vigil.api(method, path.replace('{id}', plain.id), method === 'POST' ? {} : undefined), 404);
  });

  it.each([
    ['PUT', '/api/endpoints/{id}'],
    ['DELETE', '/api/endpoints'],
    ['PATCH', '/api/endpoints'],
    ['POST', '/api/summary'],
  ])('answers %s %s, a method the route does not have, with a 404 problem', async (method, path) => {
    await expectRefused(() => vigil.api(method, path.replace('{id}', plain.id), method === 'DELETE' ? undefined : { name: 'x' }), 404);
  });
});

describe('after all these mistakes', () => {
  it('still creates, reads and deletes an endpoint normally', async () => {
    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { ...valid(), paused: true });
    expect(created.status).toBe(201);
    expect((await vigil.api('GET', `/api/endpoints/${created.body.id}`)).body).toEqual(created.body);
    expect((await vigil.api('DELETE', `/api/endpoints/${created.body.id}`)).status).toBe(204);
    expect((await vigil.api('GET', '/readyz')).status).toBe(200);
  });
});
