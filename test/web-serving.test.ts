import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

/** A built web app of known content, so these tests do not depend on what web/ holds today. */
const INDEX = `<!doctype html><html><head><title>Vigil</title><script type="module" src="/assets/app-3f2a9c.js"></script></head><body><div id="app"></div></body></html>`;
const APP_JS = `export const words = ${JSON.stringify('vigil watches endpoints '.repeat(200))};\n`;
const SMALL_CSS = 'body{margin:0}\n';
const ICON = '<svg xmlns="http://www.w3.org/2000/svg"/>';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with node:http, sending exactly the path and headers given (fetch would normalise the path and ask for gzip). */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (answer: RawAnswer) => answer.body.toString('utf8');
const problemOf = (answer: RawAnswer) => {
  expect(answer.headers['content-type']).toBe('application/problem+json');
  return JSON.parse(text(answer));
};

let webDir: string;
let vigil: TestVigil;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'vigil-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), INDEX);
  writeFileSync(join(webDir, 'assets', 'app-3f2a9c.js'), APP_JS);
  writeFileSync(join(webDir, 'assets', 'app-77b1e0.css'), SMALL_CSS);
  writeFileSync(join(webDir, 'icon.svg'), ICON);
  vigil = await startTestVigil({}, undefined, { webDir });
});
afterAll(async () => {
  await vigil?.dispose();
  if (webDir) rmSync(webDir, { recursive: true, force: true });
});
afterEach(() => {
  expect(vigil.errors.splice(0)).toEqual([]);
});

describe('the web app', () => {
  it('serves index.html at / as HTML that browsers must revalidate, with an ETag that answers 304', async () => {
    const res = await raw(vigil.port, '/');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(text(res)).toBe(INDEX);
    const again = await raw(vigil.port, '/', { 'If-None-Match': res.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it.each(['/endpoints/3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01', '/endpoints/new', '/incidents', '/incidents?status=open', '/some/deep/link.html'])(
    'answers the deep link %s with index.html, so a reload lands in the app',
    async (path) => {
      const res = await raw(vigil.port, path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(text(res)).toBe(INDEX);
    },
  );

  it('answers HEAD on a deep link with the headers of index.html and no body', async () => {
    const res = await raw(vigil.port, '/endpoints/new', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    expect(res.body.length).toBe(0);
  });

  it('serves a hashed asset as immutable for a year, with its type and exact bytes', async () => {
    const res = await raw(vigil.port, '/assets/app-3f2a9c.js');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(text(res)).toBe(APP_JS);
    const css = await raw(vigil.port, '/assets/app-77b1e0.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves other files of the build, outside /assets/, as revalidated rather than immutable', async () => {
    const res = await raw(vigil.port, '/icon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(text(res)).toBe(ICON);
  });

  it.each(['/assets/app-000000.js', '/assets/', '/assets/nested/missing.css'])(
    'answers a missing asset %s with 404 problem+json, not index.html',
    async (path) => {
      const res = await raw(vigil.port, path);
      expect(res.status).toBe(404);
      expect(problemOf(res)).toMatchObject({ status: 404, title: 'Not Found' });
    },
  );

  it.each([
    ['an encoded slash', '/assets/..%2f..%2fpackage.json'],
    ['an encoded slash at the root', '/..%2F..%2Fpackage.json'],
    ['encoded backslashes', '/assets/..%5c..%5cpackage.json'],
    ['a NUL byte', '/assets/app-3f2a9c.js%00.css'],
    ['malformed percent-encoding', '/assets/%E0%A4%A'],
  ])('refuses a path with %s as 400 problem+json naming the path', async (_, path) => {
    const res = await raw(vigil.port, path);
    expect(res.status).toBe(400);
    expect(problemOf(res)).toMatchObject({ status: 400, errors: [{ path: 'path', message: expect.any(String) }] });
  });

  it.each(['/../package.json', '/assets/../../package.json', '/%2e%2e/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/server/main.ts'])(
    'never answers a file from outside the build for %s: the app’s index.html instead',
    async (path) => {
      const res = await raw(vigil.port, path);
      // The URL parser removes dot segments first, so these land inside the app, on a page route.
      expect(res.status).toBe(200);
      expect(text(res)).toBe(INDEX);
      expect(text(res)).not.toMatch(/"name": "vigil"|startVigil/);
    },
  );
});

describe('server paths are never the web app', () => {
  it.each(['/api/nope', '/api', '/api/endpoints/3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01/nope', '/ws', '/healthz/extra', '/metrics/x', '/readyz/x'])(
    'answers GET %s with a problem+json 404',
    async (path) => {
      const res = await raw(vigil.port, path);
      expect(res.status).toBe(404);
      expect(problemOf(res)).toMatchObject({ status: 404, detail: expect.stringContaining(path) });
    },
  );

  it('leaves /socket.io/ to Socket.io', async () => {
    const res = await raw(vigil.port, '/socket.io/?EIO=4&transport=polling');
    expect(res.status).toBe(200);
    expect(text(res)).toMatch(/^0\{"sid":/);
  });

  it('still answers /healthz, /metrics and the REST API', async () => {
    expect(JSON.parse(text(await raw(vigil.port, '/healthz')))).toEqual({ status: 'ok' });
    expect(text(await raw(vigil.port, '/metrics'))).toMatch(/^vigil_endpoints/m);
    expect((await raw(vigil.port, '/api/summary')).status).toBe(200);
  });
});

describe('compression', () => {
  let target: TargetServer;

  beforeAll(async () => {
    target = await startTargetServer();
  });
  afterAll(async () => {
    await target?.close();
  });

  it('sends a JS asset gzipped to a client that accepts gzip, and as it is to one that does not', async () => {
    const packed = await raw(vigil.port, '/assets/app-3f2a9c.js', { 'Accept-Encoding': 'gzip, deflate, br' });

    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers.vary).toMatch(/accept-encoding/i);
    expect(packed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
    expect(packed.body.length).toBeLessThan(Buffer.byteLength(APP_JS) / 4);
    expect(gunzipSync(packed.body).toString('utf8')).toBe(APP_JS);

    const refused = await raw(vigil.port, '/assets/app-3f2a9c.js', { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(text(refused)).toBe(APP_JS);
  });

  it('gives the gzipped and the plain form of a file different ETags', async () => {
    const packed = await raw(vigil.port, '/assets/app-3f2a9c.js', { 'Accept-Encoding': 'gzip' });
    const plain = await raw(vigil.port, '/assets/app-3f2a9c.js');
    expect(packed.headers.etag).not.toBe(plain.headers.etag);
    expect((await raw(vigil.port, '/assets/app-3f2a9c.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': packed.headers.etag! })).status).toBe(304);
  });

  it('leaves files under 1 KB uncompressed', async () => {
    const res = await raw(vigil.port, '/assets/app-77b1e0.css', { 'Accept-Encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(text(res)).toBe(SMALL_CSS);
  });

  it('gzips a large /api/endpoints answer to the same JSON, and leaves small answers alone', async () => {
    for (let i = 0; i < 30; i++) {
      const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: `Gzip ${i}`, url: target.url(`/gzip-${i}`), paused: true, tags: ['gzip'] });
      expect(created.status).toBe(201);
    }
    const plain = await raw(vigil.port, '/api/endpoints?tag=gzip&limit=100');
    const packed = await raw(vigil.port, '/api/endpoints?tag=gzip&limit=100', { 'Accept-Encoding': 'gzip' });

    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(10_000);
    expect(packed.status).toBe(200);
    expect(packed.headers['content-type']).toMatch(/^application\/json/);
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
    expect(packed.body.length).toBeLessThan(plain.body.length / 4);
    const unpacked = JSON.parse(gunzipSync(packed.body).toString('utf8'));
    expect(unpacked).toEqual(JSON.parse(text(plain)));
    expect(unpacked.items).toHaveLength(30);

    const small = await raw(vigil.port, '/healthz', { 'Accept-Encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(text(small))).toEqual({ status: 'ok' });
  });

  it('keeps streaming Server-Sent Events to a client that accepts gzip: each event arrives on its own, uncompressed', async () => {
    const frames: string[] = [];
    let response: http.IncomingMessage | undefined;
    const req = http.request({
      host: '127.0.0.1',
      port: vigil.port,
      path: '/api/events',
      headers: { 'Accept-Encoding': 'gzip', Accept: 'text/event-stream' },
      agent: false,
    });
    req.on('response', (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => frames.push(chunk));
    });
    req.on('error', () => {});
    req.end();
    try {
      await waitFor(() => frames.join('').includes(': connected'), 5000, 'the connected comment');
      expect(response!.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(response!.headers['content-encoding']).toBeUndefined();

      const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Streamed', url: target.url('/streamed'), paused: true });
      await waitFor(() => frames.join('').includes(created.body.id), 5000, 'endpoint:created on the open stream');
      const renamed = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${created.body.id}`, { name: 'Streamed again' });
      expect(renamed.status).toBe(200);
      await waitFor(() => frames.join('').includes('Streamed again'), 5000, 'endpoint:updated on the open stream');

      expect(response!.complete).toBe(false);
      expect(frames.join('')).toMatch(/event: endpoint:created\ndata: \{.*"name":"Streamed".*\}\n\n/);
    } finally {
      req.destroy();
    }
  });
});

describe('without a built web app', () => {
  let bare: TestVigil;
  let emptyDir: string;

  beforeAll(async () => {
    emptyDir = mkdtempSync(join(tmpdir(), 'vigil-noweb-'));
    bare = await startTestVigil({}, undefined, { webDir: join(emptyDir, 'dist') });
  });
  afterAll(async () => {
    await bare?.dispose();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it.each(['/', '/endpoints/new'])('starts, and answers %s with 503 text saying to run npm run build', async (path) => {
    const res = await raw(bare.port, path);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(text(res)).toContain('npm run build');
  });

  it('still answers a missing asset with 404 and the API as usual', async () => {
    expect((await raw(bare.port, '/assets/app.js')).status).toBe(404);
    expect((await raw(bare.port, '/healthz')).status).toBe(200);
    expect((await bare.api('GET', '/api/summary')).status).toBe(200);
    expect(bare.errors).toEqual([]);
  });
});
