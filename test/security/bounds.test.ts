import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeRealtimeClients, openSse } from '../support/realtime-clients.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * Bounds: no request, however large, deep, slow or cut short, gets a 500, overflows the stack,
 * fills the answer or the log, or holds a connection for long.
 */

let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await closeRealtimeClients();
  await vigil?.dispose();
});
afterEach(() => {
  // Refusing bad input is not an error of Vigil's: nothing may have been logged at error level.
  expect(vigil.errors.splice(0)).toEqual([]);
});

const TARGET = 'http://127.0.0.1:9/never-checked';
const endpoint = (extra: Record<string, unknown> = {}) => ({ name: `Bounds ${Math.random().toString(36).slice(2, 8)}`, url: TARGET, paused: true, ...extra });
const importOf = (entries: unknown[]) => ({ vigil: 'endpoints', version: 1, endpoints: entries });

/** POSTs a raw JSON text and answers status, parsed body and the body's size in bytes. */
async function postRaw(path: string, text: string) {
  const res = await fetch(`http://127.0.0.1:${vigil.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  const raw = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(raw), body: JSON.parse(raw), type: res.headers.get('content-type') };
}

const manyHeaders = (count: number, value: (i: number) => unknown) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, value(i)]));

async function stillServing() {
  const res = await vigil.api('GET', '/healthz');
  expect(res.status).toBe(200);
  const list = await vigil.api('GET', '/api/endpoints?limit=1');
  expect(list.status).toBe(200);
}

describe('huge and deep JSON', () => {
  it('refuses an import whose one entry holds 150,000 header values with a quick 400 (no stack overflow), and keeps serving', async () => {
    const started = Date.now();
    const res = await postRaw('/api/import', JSON.stringify(importOf([endpoint({ headers: manyHeaders(150_000, (i) => i) })])));
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.errors).toMatchObject([{ path: 'endpoints.0.headers', message: expect.stringMatching(/at most 1,000 are accepted|at most 50 headers/) }]);
    await stillServing();
  });

  it('refuses 150,000 header values on POST /api/endpoints too: 413, as the body (2 MB) is past BODY_LIMIT_BYTES before a key is counted', async () => {
    const res = await postRaw('/api/endpoints', JSON.stringify(endpoint({ headers: manyHeaders(150_000, () => 1) })));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    await stillServing();
  });

  it('refuses JSON nested 10,000 levels deep with a 400 naming the depth', async () => {
    const text = `{"name":"deep","url":"${TARGET}","headers":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await postRaw('/api/endpoints', text);
    expect(res.status).toBe(400);
    // The outer object is level 1: the 32nd bracket of the headers is level 33.
    expect(res.body.errors).toMatchObject([{ path: '', message: `JSON nested more than 32 levels deep (at character ${text.indexOf('[') + 32})` }]);
    const imported = await postRaw('/api/import', `{"vigil":"endpoints","version":1,"endpoints":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(imported.status).toBe(400);
    expect(imported.body.detail).toMatch(/nested more than 32 levels/);
    await stillServing();
  });

  it('refuses a lone surrogate ("\\ud800", valid JSON but no text the database can store) in any string or field name', async () => {
    for (const [text, path] of [
      ['{"name":"ab\\udda8","url":"http://127.0.0.1:9/"}', 'name'],
      ['{"name":"ok","url":"http://127.0.0.1:9/","method":"POST","body":"\\ud800"}', 'body'],
      ['{"name":"ok","url":"http://127.0.0.1:9/","headers":{"x-a":"\\udfff"}}', 'headers.x-a'],
      ['{"name":"ok","url":"http://127.0.0.1:9/","\\ud800":1}', ''],
    ]) {
      const res = await postRaw('/api/endpoints', text!);
      expect(res.status, text).toBe(400);
      const code = path === '' ? 'invalid_unicode_field_name' : 'invalid_unicode';
      expect(res.body.errors, text).toMatchObject([
        { path, message: expect.stringMatching(/not valid Unicode.*lone surrogate U\+D[89A-F][0-9A-F]{2} at \d+/), code },
      ]);
    }
    // A pair is an emoji, and fine.
    expect((await postRaw('/api/endpoints', JSON.stringify(endpoint({ name: 'ok \ud83d\ude80' })))).status).toBe(201);
    await stillServing();
  });

  it('does not count brackets inside strings as nesting', async () => {
    const res = await vigil.api('POST', '/api/endpoints', endpoint({ name: '[[[[{{{{'.repeat(10), body: null }));
    expect(res.status).toBe(201);
  });

  it('refuses an object of more than 1,000 keys and an array of more than 100,000 items anywhere, by path', async () => {
    const keys = await postRaw(
      '/api/endpoints',
      JSON.stringify(endpoint({ tags: [Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 1]))] })),
    );
    expect(keys.status).toBe(400);
    expect(keys.body.errors).toMatchObject([
      { path: 'tags.0', message: 'holds 1,001 keys; at most 1,000 are accepted in any JSON body', code: 'too_many_keys', params: { max: 1000, count: 1001 } },
    ]);
    const items = await postRaw('/api/endpoints', JSON.stringify(endpoint({ tags: Array.from({ length: 100_001 }, () => 0) })));
    expect(items.status).toBe(400);
    expect(items.body.errors).toMatchObject([
      {
        path: 'tags',
        message: 'holds 100,001 items; at most 100,000 are accepted in any JSON body',
        code: 'too_many_items',
        params: { max: 100_000, count: 100_001 },
      },
    ]);
  });

  it('refuses 150,000 tags or status codes by their count, before looking at each', async () => {
    const { parseEndpointCreate } = await import('../../server/domain/endpoint-input.ts');
    // The domain itself, for callers that do not come through readJson.
    expect(() => parseEndpointCreate(endpoint({ tags: Array.from({ length: 150_000 }, () => 1) }))).toThrow('tags: at most 20 tags (this has 150,000)');
    expect(() => parseEndpointCreate(endpoint({ expectedStatusCodes: Array.from({ length: 150_000 }, () => 'x') }))).toThrow(
      'expectedStatusCodes: must list at most 20 codes or ranges (this has 150,000)',
    );
  });
});

describe('error lists', () => {
  it('answers 20,000 bad headers with one small 400 that counts them, on create and on import', async () => {
    const headers = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`h${i}`, 1]));
    const res = await postRaw('/api/endpoints', JSON.stringify(endpoint({ headers })));
    expect(res.status).toBe(400);
    expect(res.bytes).toBeLessThan(20_000);
    expect(res.body.errors).toMatchObject([{ path: 'headers', message: 'holds 20,000 keys; at most 1,000 are accepted in any JSON body' }]);
    const imported = await postRaw('/api/import', JSON.stringify(importOf([endpoint({ headers })])));
    expect(imported.status).toBe(400);
    expect(imported.bytes).toBeLessThan(20_000);
    expect(imported.body.errors).toMatchObject([{ path: 'endpoints.0.headers', message: expect.stringContaining('20,000 keys') }]);
  });

  it('lists at most 100 errors and then how many more there were, on any route', async () => {
    // 900 unknown fields: each one an error.
    const extra = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`unknown${i}`, i]));
    const res = await postRaw('/api/endpoints', JSON.stringify({ ...endpoint(), ...extra }));
    expect(res.status).toBe(400);
    expect(res.bytes).toBeLessThan(20_000);
    expect(res.body.errors).toHaveLength(101);
    expect(res.body.errors.slice(0, 100).every((e: { message: string }) => e.message === 'is not a known field')).toBe(true);
    expect(res.body.errors[100]).toMatchObject({ path: '', message: '…and 800 more errors' });
    expect(res.body.detail).toMatch(/…and 800 more errors$/);
  });

  it('lists at most 100 errors of an import of 10,000 bad entries, in under 20 KB', async () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ name: `e${i}`, url: 'not a url', intervalSeconds: 0 }));
    const res = await postRaw('/api/import', JSON.stringify(importOf(entries)));
    expect(res.status).toBe(400);
    expect(res.bytes).toBeLessThan(20_000);
    expect(res.body.errors).toHaveLength(101);
    expect(res.body.errors[100]).toMatchObject({ path: '', message: '…and 19,900 more errors' });
  });

  it('shortens a path that echoes a 100,000-character field name', async () => {
    const res = await postRaw('/api/endpoints', JSON.stringify({ ...endpoint(), ['x'.repeat(100_000)]: 1 }));
    expect(res.status).toBe(400);
    expect(res.bytes).toBeLessThan(2000);
    expect(res.body.errors).toMatchObject([{ path: `${'x'.repeat(199)}…`, message: 'is not a known field' }]);
  });
});

describe('headers of an endpoint', () => {
  it('refuses more than 50 headers, naming the count', async () => {
    const res = await vigil.api('POST', '/api/endpoints', endpoint({ headers: manyHeaders(51, () => 'v') }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'headers', message: 'at most 50 headers (this has 51)' }]);
    expect((await vigil.api('POST', '/api/endpoints', endpoint({ headers: manyHeaders(50, () => 'v') }))).status).toBe(201);
  });

  it('refuses headers whose names and values hold more than 16 KB together, on create, update and import', async () => {
    const big = { 'x-a': 'a'.repeat(8000), 'x-b': 'b'.repeat(8000), 'x-c': 'c'.repeat(400) };
    const message = 'must hold at most 16384 characters of names and values together (these hold 16,409)';
    const created = await vigil.api('POST', '/api/endpoints', endpoint({ headers: big }));
    expect(created.status).toBe(400);
    expect(created.body.errors).toMatchObject([{ path: 'headers', message }]);

    const ok = await vigil.api('POST', '/api/endpoints', endpoint({ headers: { 'x-a': 'a'.repeat(8000), 'x-b': 'b'.repeat(8000) } }));
    expect(ok.status).toBe(201);
    const patched = await vigil.api('PATCH', `/api/endpoints/${ok.body.id}`, { headers: big });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toMatchObject([{ path: 'headers', message }]);
    expect((await vigil.api('GET', `/api/endpoints/${ok.body.id}`)).body.headers['x-c']).toBeUndefined();

    const imported = await vigil.api('POST', '/api/import', importOf([endpoint({ headers: big })]));
    expect(imported.status).toBe(400);
    expect(imported.body.errors).toMatchObject([{ path: 'endpoints.0.headers', message }]);
  });
});

describe('names and tags are displayable', () => {
  it.each([
    ['a right-to-left override', 'invoice\u202Etxt.exe', 'U+202E at 8'],
    ['a left-to-right embedding', '\u202Aabc', 'U+202A at 1'],
    ['a first-strong isolate', 'ab\u2068c\u2069', 'U+2068 at 3'],
    ['a pop-directional isolate', 'abc\u2069', 'U+2069 at 4'],
    ['an escape (terminal colours)', 'ok\u001b[31mred', 'U+001B at 3'],
    ['a line break inside', 'line\nbreak', 'U+000A at 5'],
    ['a NUL', 'a\u0000b', 'U+0000 at 2'],
    ['DEL', 'a\u007fb', 'U+007F at 2'],
    ['a C1 control', 'a\u0085b', 'U+0085 at 2'],
    ['an override after an emoji (positions count characters)', '🚀\u202Eab', 'U+202E at 2'],
  ])('refuses %s in a name and in a tag', async (_what, text, where) => {
    const message = `must not contain control or bidirectional-override characters (${where})`;
    const named = await vigil.api('POST', '/api/endpoints', endpoint({ name: text }));
    expect(named.status).toBe(400);
    expect(named.body.errors).toMatchObject([{ path: 'name', message }]);
    const tagged = await vigil.api('POST', '/api/endpoints', endpoint({ tags: ['fine', text] }));
    expect(tagged.status).toBe(400);
    expect(tagged.body.errors).toMatchObject([{ path: 'tags.1', message }]);
  });

  it('refuses them on update and import too, and changes nothing', async () => {
    const created = await vigil.api('POST', '/api/endpoints', endpoint({ name: 'Plain name' }));
    const patched = await vigil.api('PATCH', `/api/endpoints/${created.body.id}`, { name: 'evil\u202Egnp.exe', tags: ['\u2066x'] });
    expect(patched.status).toBe(400);
    expect(patched.body.errors.map((e: { path: string }) => e.path)).toEqual(['name', 'tags.0']);
    expect((await vigil.api('GET', `/api/endpoints/${created.body.id}`)).body.name).toBe('Plain name');
    const imported = await vigil.api('POST', '/api/import', importOf([endpoint({ name: 'x\u202Dy' })]));
    expect(imported.status).toBe(400);
    expect(imported.body.errors).toMatchObject([{ path: 'endpoints.0.name', message: expect.stringContaining('U+202D at 2') }]);
  });

  it('keeps Korean, emoji, right-to-left script with its marks, and accents', async () => {
    for (const name of ['결제 API 상태', '🚀 Launch ✅', 'שלום\u200F API', 'مرحبا\u061C', 'Café Zürich', '👩🏽‍💻 team']) {
      const res = await vigil.api('POST', '/api/endpoints', endpoint({ name, tags: [name.slice(0, 10)] }));
      expect(res.status, name).toBe(201);
      expect(res.body.name).toBe(name);
    }
  });
});

describe('aborted uploads', () => {
  // Node reports these as ECONNRESET, which once made Vigil take the database for unreachable
  // and answer 503 to everyone: the test asserts it goes on serving.
  it.each([
    [
      'a body of announced length',
      (path: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"half`,
    ],
    [
      'a chunked body',
      (path: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"name":"\r\n`,
    ],
  ])('leaves no error-level log line, and the database taken as up, when a client disconnects in the middle of %s', async (_what, head) => {
    for (const path of ['/api/endpoints', '/api/import', '/api/endpoints/00000000-0000-4000-8000-000000000000']) {
      const conn = rawConnection(vigil.port);
      await conn.connected;
      conn.socket.write(head(path).replace('POST /api/endpoints/0', 'PATCH /api/endpoints/0'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      conn.socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stillServing();
    expect((await vigil.api('GET', '/readyz')).status).toBe(200);
  });
});

describe('Socket.io polling', () => {
  it.each(['PUT', 'OPTIONS', 'DELETE', 'PATCH'])('answers %s on a live polling session with a 405, not the bare 500 of engine.io', async (method) => {
    const handshake = await fetch(`http://127.0.0.1:${vigil.port}/socket.io/?EIO=4&transport=polling`);
    const sid = /"sid":"([^"]+)"/.exec(await handshake.text())?.[1];
    expect(sid).toBeTruthy();
    const res = await fetch(`http://127.0.0.1:${vigil.port}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method,
      body: method === 'OPTIONS' ? undefined : '40',
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await res.json()).toMatchObject({ status: 405, detail: `Socket.io polling takes GET and POST, not ${method}.` });
  });
});

describe('the log of an aborted request', () => {
  it('is one debug line without a stack, where a real failure stays an error with its stack', async () => {
    const { createLogger, errorReporter } = await import('../../server/logger.ts');
    const lines: Record<string, unknown>[] = [];
    const report = errorReporter(createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line)) }), 'request failed');
    // What node's IncomingMessage reports when the client disconnects mid-body.
    report(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    report(new TypeError('a bug'));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'request failed: the client closed the connection before the request was complete'],
      ['error', 'request failed'],
    ]);
    expect(JSON.stringify(lines[0])).not.toMatch(/stack/);
    expect((lines[1]!.err as { stack: string }).stack).toMatch(/TypeError: a bug/);
  });
});

/** A raw HTTP/1.1 connection: what the server wrote, and when it closed. */
function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  socket.on('error', () => {});
  return { socket, closed, received: () => received, connected: new Promise((resolve) => socket.once('connect', resolve)) };
}

describe('slow requests (REQUEST_TIMEOUT_MS)', () => {
  let slow: TestVigil;
  beforeAll(async () => {
    slow = await startTestVigil({ REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await slow?.dispose();
  });
  afterEach(() => {
    expect(slow.errors.splice(0)).toEqual([]);
  });

  it('ends a request whose body stalls, closing the connection after the timeout', async () => {
    const conn = rawConnection(slow.port);
    await conn.connected;
    const started = Date.now();
    conn.socket.write(`POST /api/endpoints HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
    const closedAt = await Promise.race([conn.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 10_000))]);
    expect(closedAt, 'the connection was not closed').toBeGreaterThan(0);
    expect(closedAt - started).toBeGreaterThanOrEqual(900);
    expect(closedAt - started).toBeLessThan(5000);
    expect(conn.received()).not.toMatch(/^HTTP\/1\.1 5/);
  });

  it('ends a request whose headers stall', async () => {
    const conn = rawConnection(slow.port);
    await conn.connected;
    const started = Date.now();
    conn.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const closedAt = await Promise.race([conn.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 10_000))]);
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - started).toBeLessThan(5000);
  });

  it('keeps an SSE stream open well past the request timeout', async () => {
    const reader = await openSse(slow.port);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    let ended = false;
    void reader.ended.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    // Still delivering: an endpoint created now reaches it.
    const created = await slow.api('POST', '/api/endpoints', endpoint());
    await waitFor(() => reader.events.some((e) => e.event === 'endpoint:created' && e.data.id === created.body.id), 5000, 'the event over SSE');
    await reader.close();
  });

  it('keeps an idle keep-alive connection usable past the request timeout', async () => {
    const conn = rawConnection(slow.port);
    await conn.connected;
    const request = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\n\r\n`;
    conn.socket.write(request);
    await waitFor(() => conn.received().includes('"ok"'), 5000, 'the first answer');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    conn.socket.write(request);
    await waitFor(() => conn.received().split('HTTP/1.1 200').length === 3, 5000, 'the second answer on the same connection');
    conn.socket.destroy();
  });
});
