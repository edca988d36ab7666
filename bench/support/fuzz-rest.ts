/**
 * The REST fuzzer: valid endpoint, import, query, path and header inputs, mutated (wrong types,
 * huge, deep, odd Unicode, unknown and prototype-polluting keys, duplicate keys, truncated or
 * mangled JSON, wrong content types, random methods and paths, bodies cut off mid-upload), sent
 * to a running Vigil over raw node:http. Only 127.0.0.1 is ever addressed, and every URL an
 * endpoint may be given points at loopback (in several notations), so no check leaves the machine.
 */
import http from 'node:http';
import { oddValue, randomText, Rng, ODD_STRINGS } from './fuzz-random.ts';

export interface RestFuzzOptions {
  /** http://127.0.0.1:<port> */
  base: string;
  /** The API key of this Vigil, when it has one: sent right, wrong or not at all. */
  apiKey?: string;
  /** The loopback target valid endpoints point at. */
  targetUrl: string;
  requests: number;
  /** Stops early after this long. */
  timeLimitMs: number;
  seed: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send only this many bytes of the body, then disconnect (an aborted upload). */
  cutAfter?: number;
}

export interface Offender {
  request: string;
  status: number | string;
  answer: string;
}

export interface RestFuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  fiveXX: number;
  /** Requests cut off on purpose, and connections the server reset (a 413 that closes, say). */
  aborted: number;
  resets: number;
  /** The first requests that took over 2 s to answer. */
  slowest: { ms: number; status: string; request: string }[];
  /** Requests node's own client refused to send (drawn, not counted as sent). */
  unsendable: number;
  offenders: Offender[];
  durationMs: number;
}

/** Percent-encoding that survives lone surrogates (as the invalid UTF-8 they would be). */
const enc = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};

const UUID = () => '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';
const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PATCH', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'FOO', 'PROPFIND', 'M-SEARCH'];
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/vnd.api+json',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json, text/plain',
  '',
  '*/*',
  'garbage',
];

/** Loopback in the notations URL parsers disagree about: never an address off this machine. */
function loopbackUrl(rng: Rng, targetUrl: string): string {
  const port = new URL(targetUrl).port;
  const host = rng.pick(['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '[::1]', '[::ffff:127.0.0.1]', 'localhost', '127.0.0.1']);
  const path = rng.pick(['/', '/ok', '/a?b=c', `/${enc(rng.pick(ODD_STRINGS))}`, '/#frag', '/%zz', '/' + 'p'.repeat(rng.int(1, 3000))]);
  return rng.pick([`http://${host}:${port}${path}`, `https://${host}:${port}${path}`, `http://user:pass@${host}:${port}${path}`, targetUrl]);
}

/** A URL that is not one a check may take: wrong schemes, no host, odd forms. Still no real host. */
function badUrl(rng: Rng): unknown {
  return rng.pick([
    '',
    'not a url',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ftp://127.0.0.1/',
    'http://',
    'http:///x',
    '//127.0.0.1/',
    'http://[::1',
    'http://127.0.0.1:99999/',
    'http://a b/',
    'data:text/plain,hi',
    123,
    null,
    ['http://127.0.0.1/'],
  ]);
}

function validEndpoint(rng: Rng, targetUrl: string): Record<string, unknown> {
  const method = rng.pick(['GET', 'POST', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  return {
    name: `fuzz ${rng.int(0, 1e9)} ${rng.chance(0.3) ? rng.pick(['결제', '🚀', 'Café', 'שלום']) : ''}`.trim(),
    url: rng.chance(0.8) ? targetUrl : loopbackUrl(rng, targetUrl),
    method,
    headers: rng.chance(0.5) ? { 'x-fuzz': String(rng.int(0, 100)), Authorization: 'Bearer target-secret' } : {},
    body: method === 'GET' || method === 'HEAD' ? null : rng.chance(0.5) ? '{"ping":1}' : null,
    // Long intervals and paused: the fuzz must not turn into a load test of the checker.
    intervalSeconds: rng.int(300, 86_400),
    timeoutMs: rng.int(100, 5000),
    expectedStatusCodes: rng.pick([['200-299'], [200, 204], ['2xx'], ['200', '301-399']]),
    degradedThresholdMs: rng.int(1, 99), // below any timeout (at least 100): a threshold at or above it is a 400
    failureThreshold: rng.int(1, 10),
    paused: true,
    tags: rng.chance(0.5) ? ['fuzz', rng.pick(['a', 'b', '태그', '🏷'])] : [],
  };
}

const FIELDS = [
  'name',
  'url',
  'method',
  'headers',
  'body',
  'intervalSeconds',
  'timeoutMs',
  'expectedStatusCodes',
  'degradedThresholdMs',
  'failureThreshold',
  'paused',
  'tags',
  'secretHeaders',
  'id',
];

/** One to three changes to a valid endpoint. */
function mutateEndpoint(rng: Rng, endpoint: Record<string, unknown>): Record<string, unknown> {
  const e: Record<string, unknown> = { ...endpoint };
  for (let n = rng.int(1, 3); n > 0; n--) {
    const field = rng.pick(FIELDS);
    switch (rng.int(0, 9)) {
      case 0:
        delete e[field];
        break;
      case 1:
        e[rng.pick(['__proto__', 'constructor', 'prototype', 'extra', '', 'Name', 'name '])] = oddValue(rng);
        break;
      case 2:
        e.headers = rng.pick([
          { __proto__: 'x' },
          JSON.parse('{"__proto__": {"polluted": "yes"}, "x-a": "b"}'),
          { constructor: 'x', prototype: 'y' },
          Object.fromEntries(Array.from({ length: rng.int(40, 60) }, (_, i) => [`x-h${i}`, 'v'])),
          Object.fromEntries(Array.from({ length: rng.int(1, 4) }, () => [rng.pick([...ODD_STRINGS, 'x-ok']), rng.pick([...ODD_STRINGS, 'ok', 1, null])])),
          { 'x-big': 'v'.repeat(rng.int(8000, 9000)), 'x-big2': 'w'.repeat(rng.int(8000, 9000)) },
          ['x-a', 'b'],
          'x-a: b',
        ]);
        break;
      case 3:
        e.url = rng.chance(0.5) ? badUrl(rng) : loopbackUrl(rng, String(endpoint.url));
        break;
      case 4:
        e.tags = rng.pick([
          [rng.pick(ODD_STRINGS)],
          Array.from({ length: rng.int(19, 25) }, (_, i) => `t${i}`),
          'a,b',
          [1, 2],
          [[]],
          [{}],
          Array.from({ length: 3 }, () => randomText(rng, rng.int(1, 60))),
        ]);
        break;
      case 5:
        e.name = rng.chance(0.5) ? rng.pick(ODD_STRINGS) : randomText(rng, rng.int(0, 120));
        break;
      case 6:
        e.expectedStatusCodes = rng.pick([
          [],
          ['600'],
          ['99-100'],
          ['300-200'],
          ['2xx', 'abc'],
          [200.5],
          200,
          '200',
          Array.from({ length: 25 }, () => '200'),
          [null],
        ]);
        break;
      case 7:
        e.method = rng.pick(['get', 'CONNECT', 'TRACE', '', 1, null, 'G\nET', 'FOO']);
        break;
      case 8:
        e[rng.pick(['intervalSeconds', 'timeoutMs', 'degradedThresholdMs', 'failureThreshold'])] = rng.pick([
          ...[0, -1, 0.5, 1e308, 2 ** 53 + 2],
          '60',
          null,
          true,
          [60],
          { n: 60 },
        ]);
        break;
      default:
        e[field] = oddValue(rng);
    }
  }
  return e;
}

/** JSON text as the mutation asks: pretty, duplicated keys, truncated, with garbage, deep, not JSON. */
function encodeBody(rng: Rng, value: unknown): Buffer {
  const text = JSON.stringify(value) ?? 'null';
  switch (rng.int(0, 14)) {
    case 0:
      return Buffer.from(text.slice(0, rng.int(0, text.length)));
    case 1:
      // Duplicate keys: the last one wins in JSON.parse; the first was the valid one.
      return Buffer.from(text.replace(/^\{/, `{"name":${JSON.stringify(rng.pick(ODD_STRINGS))},"url":1,`));
    case 2:
      return Buffer.from(`${text}${rng.pick(['garbage', '}', ',', '\u0000', ' ', '\n{}'])}`);
    case 3:
      return Buffer.from(`\uFEFF${text}`);
    case 4:
      return Buffer.concat([Buffer.from(text.slice(0, 10)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), Buffer.from(text.slice(10))]);
    case 5:
      return Buffer.from(
        rng.pick([
          '',
          ' ',
          'null',
          '[]',
          '0',
          '"str"',
          'true',
          '{}',
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
          'NaN',
          '{a:1}',
          "{'a':1}",
        ]),
      );
    case 6:
      return Buffer.from(`${'['.repeat(rng.int(33, 50_000))}${rng.chance(0.5) ? ']'.repeat(10) : ''}`);
    case 7:
      return Buffer.from(`{"a":${'{"a":'.repeat(rng.int(30, 5000))}1${'}'.repeat(rng.int(0, 5000))}}`);
    case 8:
      return Buffer.from(JSON.stringify(value, null, rng.int(1, 8)));
    case 9:
      return Buffer.from(`name=${enc(String((value as { name?: unknown })?.name))}&url=x`);
    default:
      return Buffer.from(text);
  }
}

function query(rng: Rng, keys: readonly string[]): string {
  const parts: string[] = [];
  for (let n = rng.int(0, 4); n > 0; n--) {
    const key = rng.chance(0.85) ? rng.pick(keys) : rng.pick(['__proto__', 'constructor', 'x', 'token', '', 'limit[]', 'a%zz']);
    const value = rng.pick([
      '',
      '1',
      '0',
      '-1',
      '100',
      '101',
      '1e9',
      '1.5',
      'NaN',
      'abc',
      'true',
      'false',
      'merge',
      'replace',
      'open',
      'resolved',
      'up',
      'DOWN',
      '2026-01-01T00:00:00Z',
      '2026-13-45',
      UUID(),
      '%zz',
      '%00',
      enc(rng.pick(ODD_STRINGS)),
      'x'.repeat(rng.int(1, 9000)),
    ]);
    parts.push(`${key}=${value}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One request: a target resource, a method, maybe a body, maybe odd headers. */
function nextRequest(rng: Rng, o: RestFuzzOptions, knownIds: string[]): FuzzRequest {
  const id = () =>
    rng.chance(0.5) && knownIds.length
      ? rng.pick(knownIds)
      : rng.pick([
          UUID(),
          'not-a-uuid',
          '',
          '..',
          '%2e%2e',
          '00000000-0000-0000-0000-000000000000',
          enc(rng.pick(ODD_STRINGS)),
          'x'.repeat(rng.int(1, 5000)),
          '3F1C0E0A-9C1B-4A8E-8F5E-2B7A1D4C9E01',
        ]);
  const route = rng.int(0, 19);
  let method = rng.chance(0.85) ? '' : rng.pick(METHODS);
  let path: string;
  let body: unknown;
  if (route <= 5) {
    path = `/api/endpoints${query(rng, ['status', 'tag', 'q', 'limit', 'cursor'])}`;
    method ||= rng.chance(0.7) ? 'POST' : 'GET';
    body = rng.chance(0.2) ? validEndpoint(rng, o.targetUrl) : mutateEndpoint(rng, validEndpoint(rng, o.targetUrl));
  } else if (route <= 8) {
    path = `/api/endpoints/${id()}${rng.pick(['', '', '/checks', '/uptime', '/check', '/incidents', '/'])}${query(rng, ['from', 'to', 'limit', 'cursor'])}`;
    method ||= rng.pick(['GET', 'PATCH', 'PATCH', 'DELETE', 'POST']);
    const patch = mutateEndpoint(rng, validEndpoint(rng, o.targetUrl));
    body = rng.chance(0.3) ? Object.fromEntries(Object.entries(patch).slice(0, rng.int(0, 3))) : patch;
  } else if (route <= 11) {
    path = `/api/import${query(rng, ['mode', 'dryRun'])}`;
    method ||= 'POST';
    const entries = Array.from({ length: rng.int(0, 6) }, () =>
      rng.chance(0.5) ? validEndpoint(rng, o.targetUrl) : mutateEndpoint(rng, validEndpoint(rng, o.targetUrl)),
    );
    const doc: Record<string, unknown> = { vigil: 'endpoints', version: 1, endpoints: entries };
    if (rng.chance(0.4)) doc[rng.pick(['vigil', 'version', 'endpoints', 'exportedAt', 'extra', '__proto__'])] = oddValue(rng);
    if (rng.chance(0.03))
      doc.endpoints = [{ ...validEndpoint(rng, o.targetUrl), headers: Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`h${i}`, i])) }];
    // Replace mode deletes what the fuzz made; dry runs and merges the rest of the time.
    if (!/mode=replace/.test(path) || rng.chance(0.5)) path += `${path.includes('?') ? '&' : '?'}dryRun=${rng.pick(['true', 'true', 'false'])}`;
    body = doc;
  } else if (route <= 13) {
    path =
      rng.pick(['/api/incidents', '/api/checks', '/api/summary', '/api/export', '/api/auth', '/api/auth/verify', '/api/openapi.json']) +
      query(rng, ['status', 'endpointId', 'limit', 'cursor', 'secrets', 'from', 'to']);
    method ||= rng.pick(['GET', 'GET', 'POST']);
    if (method !== 'GET') body = oddValue(rng);
  } else if (route <= 15) {
    path =
      rng.pick([
        '/healthz',
        '/readyz',
        '/metrics',
        '/docs',
        '/docs/',
        '/',
        '/index.html',
        '/assets/x.js',
        '/favicon.ico',
        '/endpoints/123',
        '/api',
        '/api/',
        '/ws',
        '/socket.io/',
        '/api/events',
      ]) + query(rng, ['endpointId', 'token', 'EIO', 'transport']);
    method ||= 'GET';
  } else {
    path = rng.pick([
      `/${enc(randomText(rng, rng.int(1, 30)))}`,
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%00.js',
      '//api//endpoints',
      '/api/endpoints/../import',
      '/API/ENDPOINTS',
      `/${'a/'.repeat(rng.int(1, 2000))}`,
      '/%',
      '/%zz',
      '/api/endpoints%2f',
      '/\u00e9',
      `/api/endpoints/${UUID()}/checks/${UUID()}`,
    ]);
    method ||= rng.pick(METHODS);
    if (rng.chance(0.3)) body = oddValue(rng);
  }

  const headers: Record<string, string> = {};
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    headers['content-type'] = rng.chance(0.8) ? 'application/json' : rng.pick(CONTENT_TYPES);
  } else body = undefined;
  if (o.apiKey) {
    const auth = rng.int(0, 9);
    if (auth <= 6) headers.authorization = `Bearer ${o.apiKey}`;
    else if (auth === 7)
      headers.authorization = rng.pick(['Bearer wrong', 'Basic YTpi', `bearer ${o.apiKey}`, 'Bearer', `Bearer ${o.apiKey} x`, `Bearer ${'k'.repeat(5000)}`]);
  } else if (rng.chance(0.05)) headers.authorization = rng.pick(['Bearer anything', 'Basic YTpi']);
  if (rng.chance(0.1)) headers.origin = rng.pick(['http://evil.example', 'null', `http://127.0.0.1:${new URL(o.base).port}`, 'http://localhost:1', 'garbage']);
  if (rng.chance(0.05)) headers.host = rng.pick(['evil.example', 'localhost', '127.0.0.1', '[::1]', 'a'.repeat(300), '127.0.0.1:1']);
  if (rng.chance(0.05)) headers['x-forwarded-for'] = rng.pick(['1.2.3.4', '127.0.0.1, 10.0.0.1', 'garbage', '::1', '1.2.3.4, '.repeat(200)]);
  if (rng.chance(0.05))
    headers[rng.pick(['accept', 'accept-encoding', 'last-event-id', 'if-none-match', 'range', 'cookie'])] = rng.pick([
      '*/*',
      'gzip, br',
      'identity;q=0',
      'bytes=0-1,5-',
      'x'.repeat(rng.int(1, 8000)),
      'text/event-stream',
      '"etag"',
      'a=b; c=d',
    ]);
  const encoded = body === undefined ? undefined : encodeBody(rng, body);
  const cutAfter = encoded && encoded.length > 1 && rng.chance(0.01) ? rng.int(0, encoded.length - 1) : undefined;
  return { method, path, headers, body: encoded, cutAfter };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const ignore = () => {};

/** Sends one request; its status, or 'aborted'/'reset'. */
function send(base: URL, r: FuzzRequest): Promise<{ status: number | 'aborted' | 'reset' | 'unsendable'; answer: string; id?: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body) headers['content-length'] = r.body.length;
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: '127.0.0.1',
        port: base.port,
        method: r.method,
        path: r.path,
        headers,
        agent: r.cutAfter !== undefined ? false : agent,
        timeout: 60_000,
      });
    } catch (error) {
      // A request node's client will not send (a raw non-ASCII path): counted apart, never sent.
      return resolve({ status: 'unsendable', answer: String(error) });
    }
    req.on('response', (res) => {
      // A stream (SSE) never ends by itself: its status is the answer.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        req.destroy();
        return resolve({ status: res.statusCode ?? 0, answer: '' });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const answer = Buffer.concat(chunks).toString('utf8').slice(0, 2000);
        const id = res.statusCode === 201 ? /"id":"([0-9a-f-]{36})"/.exec(answer)?.[1] : undefined;
        resolve({ status: res.statusCode ?? 0, answer, id });
      });
      res.on('error', () => resolve({ status: 'reset', answer: '' }));
    });
    // A server that answers early (413, 400) and closes while the body is still being written
    // leaves an EPIPE on a socket the request may no longer own: the answer is already counted.
    req.on('socket', (socket) => {
      if (!socket.listeners('error').includes(ignore)) socket.on('error', ignore);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: r.cutAfter !== undefined ? 'aborted' : 'reset', answer: String(error) }));
    if (r.cutAfter !== undefined && r.body) {
      req.write(r.body.subarray(0, r.cutAfter));
      setTimeout(() => {
        req.destroy();
        resolve({ status: 'aborted', answer: '' });
      }, 20);
      return;
    }
    req.end(r.body);
  });
}

/** One line a person can replay with curl. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body ? ` body(${r.body.length} B)=${JSON.stringify(r.body.subarray(0, 300).toString('utf8'))}` : '';
  return `${r.method} ${r.path.slice(0, 300)} headers=${JSON.stringify(r.headers).slice(0, 300)}${body}${r.cutAfter !== undefined ? ` cut after ${r.cutAfter} B` : ''}`;
}

/** Runs the REST fuzzer until `requests` are sent or `timeLimitMs` has passed. */
export async function fuzzRest(o: RestFuzzOptions): Promise<RestFuzzReport> {
  const base = new URL(o.base);
  const started = Date.now();
  const report: RestFuzzReport = { sent: 0, byStatus: {}, fiveXX: 0, aborted: 0, resets: 0, unsendable: 0, slowest: [], offenders: [], durationMs: 0 };
  const knownIds: string[] = [];
  const root = new Rng(o.seed);
  let issued = 0;
  const worker = async (w: number) => {
    const rng = root.fork(w);
    while (issued < o.requests && Date.now() - started < o.timeLimitMs) {
      const r = nextRequest(rng, o, knownIds);
      const t0 = Date.now();
      const { status, answer, id } = await send(base, r);
      const ms = Date.now() - t0;
      if (ms > 2000 && report.slowest.length < 10) report.slowest.push({ ms, status: String(status), request: describeRequest(r) });
      if (status === 'unsendable') {
        report.unsendable++;
        continue;
      }
      issued++;
      report.sent++;
      if (id && knownIds.length < 500) knownIds.push(id);
      if (status === 'aborted') report.aborted++;
      else if (status === 'reset') report.resets++;
      else {
        report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
        if (status >= 500) {
          report.fiveXX++;
          if (report.offenders.length < 10) report.offenders.push({ request: describeRequest(r), status, answer: answer.slice(0, 500) });
        }
      }
      if (report.sent % 1000 === 0) o.onProgress?.(report.sent);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 12 }, (_, w) => worker(w)));
  report.durationMs = Date.now() - started;
  return report;
}
