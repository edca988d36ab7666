import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * Clickjacking, content sniffing, injected scripts and leaking referrers: every answer — web app,
 * docs, API, errors, 404s, refusals, probes, the event stream — carries the same security headers,
 * and the pages Vigil serves have nothing inline that the Content-Security-Policy would have to
 * allow (test/browser/cross-site.test.ts loads them in Chromium and counts violations).
 */

let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.dispose();
});

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  );
}

async function answer(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`http://127.0.0.1:${vigil.port}${path}`, init);
  await res.body?.cancel();
  return res;
}

describe('every answer carries the security headers', () => {
  const cases: [string, string, () => Promise<Response>, number][] = [
    ['the web app', '/', () => answer('/'), 200],
    ['a deep link of the web app', '/endpoints/x', () => answer('/endpoints/x'), 200],
    ['the API docs', '/api/docs', () => answer('/api/docs'), 200],
    ['a file of the docs', '/api/docs/init.js', () => answer('/api/docs/init.js'), 200],
    ['an API read', '/api/endpoints', () => answer('/api/endpoints'), 200],
    ['the API document', '/api/openapi.json', () => answer('/api/openapi.json'), 200],
    ['a 400', '/api/endpoints/not-a-uuid', () => answer('/api/endpoints/not-a-uuid'), 400],
    ['a 404 of the API', '/api/nothing-here', () => answer('/api/nothing-here'), 404],
    ['a missing asset', '/assets/missing-0000.js', () => answer('/assets/missing-0000.js'), 404],
    ['a 415', 'POST /api/endpoints text/plain', () => answer('/api/endpoints', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }), 415],
    [
      'a 403',
      'POST /api/endpoints from another origin',
      () => answer('/api/endpoints', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' }),
      403,
    ],
    ['a probe', '/healthz', () => answer('/healthz'), 200],
    ['the metrics', '/metrics', () => answer('/metrics'), 200],
    ['the event stream', '/api/events', () => answer('/api/events'), 200],
    ['a 304', '/ (If-None-Match)', async () => answer('/', { headers: { 'if-none-match': (await answer('/')).headers.get('etag')! } }), 304],
  ];

  it.each(cases)('%s (%s)', async (_what, _path, request, status) => {
    const res = await request();
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name), name).toBe(value);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'object-src': ["'none'"],
    });
    expect(csp['connect-src']).toEqual(["'self'", `ws://127.0.0.1:${vigil.port}`, `wss://127.0.0.1:${vigil.port}`]);
    // Plain HTTP on a private network is the usual case: HSTS is for the TLS proxy in front to set.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('names no refused host in the policy of a 421 answer', async () => {
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      request({ host: '127.0.0.1', port: vigil.port, path: '/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        expect(res.statusCode).toBe(421);
        resolve(res.headers);
      })
        .on('error', reject)
        .end();
    });
    expect(directives(String(headers['content-security-policy']))['connect-src']).toEqual(["'self'"]);
  });
});

describe('the pages need nothing inline', () => {
  it.each(['/', '/api/docs'])('%s has no inline script, style element or style attribute', async (path) => {
    const html = await (await fetch(`http://127.0.0.1:${vigil.port}${path}`)).text();
    expect(html).toMatch(/<script [^>]*src=/);
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('Swagger UI draws no validator badge (an image from validator.swagger.io)', async () => {
    const init = await (await fetch(`http://127.0.0.1:${vigil.port}/api/docs/init.js`)).text();
    expect(init).toContain('validatorUrl: null');
  });
});

describe('Cross-Origin-Opener-Policy only where browsers apply it', () => {
  /** The headers of GET / sent with this Host (fetch cannot set one) and extra headers. */
  const headersFor = (host: string, extra: Record<string, string> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      request({ host: '127.0.0.1', port: vigil.port, path: '/', headers: { host, ...extra } }, (res) => {
        res.resume();
        resolve(res.headers);
      })
        .on('error', reject)
        .end();
    });

  it('is sent to loopback pages and to https through a proxy', async () => {
    for (const host of [`localhost:${vigil.port}`, `127.0.0.1:${vigil.port}`, `[::1]:${vigil.port}`]) {
      expect((await headersFor(host))['cross-origin-opener-policy'], host).toBe('same-origin');
    }
    expect((await headersFor('vigil.lan', { 'x-forwarded-proto': 'https' }))['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('is left out on plain HTTP to another name or address, where Chromium ignores it with a console error', async () => {
    const headers = await headersFor('vigil.lan');
    expect(headers['cross-origin-opener-policy']).toBeUndefined();
    expect(headers['x-frame-options']).toBe('DENY');
  });
});
