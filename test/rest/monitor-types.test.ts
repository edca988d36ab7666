/**
 * TCP and DNS endpoints end to end: REST in, a real TCP server or a real DNS server on 127.0.0.1
 * (started here) checked, the result judged, stored, announced, exported and imported back.
 * (TLS endpoints, which need a CA the Vigil process trusts: test/tls-certificates.test.ts.)
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, EndpointsFile, ImportResult, ProblemDetails } from '../../server/contract/types.ts';
import { type DnsServer, startDnsServer } from '../support/dns-server.ts';
import { freePort } from '../support/free-port.ts';
import { checkCompletedEvent, connectSocketIo } from '../support/realtime-clients.ts';
import { unique, useRestApi } from '../support/rest-api.ts';
import type { TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
const { create, checkNow, get } = useRestApi((v) => {
  vigil = v;
});

/** A Redis-like server (`PING` → `+PONG`), an SMTP-like one that greets first, and one that never says anything. */
const tcp = { pong: 0, banner: 0, silent: 0, closed: 0 };
const servers: net.Server[] = [];
let dns: DnsServer;

async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    // Read what comes even when not answering it: a socket never read never sees the peer's end, and keeps the server open.
    socket.resume();
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  tcp.pong = await tcpServer((socket) => socket.on('data', (data) => data.toString().includes('PING') && socket.write('+PONG\r\n')));
  tcp.banner = await tcpServer((socket) => socket.write('220 mail.example.test ESMTP ready\r\n'));
  tcp.silent = await tcpServer(() => {});
  tcp.closed = await freePort();
  dns = await startDnsServer({
    records: {
      'api.example.test': [
        { type: 'A', value: '192.0.2.10' },
        { type: 'A', value: '192.0.2.11' },
      ],
      'example.test': [
        { type: 'MX', priority: 10, exchange: 'mail.example.test' },
        { type: 'TXT', value: 'v=spf1 -all' },
      ],
      'v4only.example.test': [{ type: 'A', value: '192.0.2.20' }],
    },
    codes: { 'broken.example.test': 2 },
    silent: ['slow.example.test'],
  });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await dns?.close();
});

const at = (name: string, type = 'A') => `dns://127.0.0.1:${dns.port}/${name}?type=${type}`;

async function refused(body: Record<string, unknown>): Promise<ProblemDetails> {
  const res = await vigil.api<ProblemDetails>('POST', '/api/endpoints', { name: unique('refused'), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  return res.body;
}

describe('tcp endpoints', () => {
  it('are UP once connected, the type following the tcp:// URL; no status code, the connect time as response time', async () => {
    const endpoint = await create({ url: `tcp://127.0.0.1:${tcp.banner}` });
    expect(endpoint).toMatchObject({ type: 'tcp', url: `tcp://127.0.0.1:${tcp.banner}`, body: null, headers: {} });
    const check = await checkNow(endpoint);
    expect(check).toMatchObject({ status: 'UP', statusCode: null, errorMessage: null, certificate: null });
    expect(check.responseTime).toBeLessThan(1000);
  });

  it('send their text and judge the reply with body assertions: UP on +PONG, DOWN naming what came instead', async () => {
    const reply = [{ source: 'body' as const, property: null, comparison: 'contains' as const, target: '+PONG', severity: 'DOWN' as const }];
    const pong = await create({ type: 'tcp', url: `tcp://127.0.0.1:${tcp.pong}`, body: 'PING\r\n', assertions: reply });
    expect(await checkNow(pong)).toMatchObject({ status: 'UP', bodyExcerpt: null });

    const banner = await create({ type: 'tcp', url: `tcp://127.0.0.1:${tcp.banner}`, body: 'PING\r\n', assertions: reply });
    const check = await checkNow(banner);
    expect(check).toMatchObject({
      status: 'DOWN',
      errorCode: 'assertion',
      errorMessage: 'body: expected to contain "+PONG", got no match',
      bodyExcerpt: '220 mail.example.test ESMTP ready\r\n',
    });
    expect(check.failedAssertions).toHaveLength(1);
  });

  it('wait no longer than the timeout for a reply that never comes, and say nothing came', async () => {
    const endpoint = await create({
      url: `tcp://127.0.0.1:${tcp.silent}`,
      timeoutMs: 300,
      degradedThresholdMs: 200,
      assertions: [{ source: 'body', property: null, comparison: 'matches', target: '^220 ', severity: 'DOWN' }],
    });
    const started = Date.now();
    const check = await checkNow(endpoint);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(check).toMatchObject({ status: 'DOWN', errorMessage: 'body: expected to match /^220 /, got no match', bodyExcerpt: null });
  });

  it('are DOWN with "Connection refused" on a closed port', async () => {
    const check = await checkNow(await create({ url: `tcp://127.0.0.1:${tcp.closed}` }));
    expect(check).toMatchObject({ status: 'DOWN', errorCode: 'refused', errorMessage: `Connection refused (127.0.0.1:${tcp.closed})` });
  });

  it('are refused with precise 400s: no port, headers, an HTTP source, a cloud-metadata address', async () => {
    expect((await refused({ url: 'tcp://127.0.0.1' })).errors).toContainEqual(expect.objectContaining({ path: 'url', code: 'port_required' }));
    expect((await refused({ url: `tcp://127.0.0.1:${tcp.pong}`, headers: { 'X-A': '1' } })).errors).toContainEqual(
      expect.objectContaining({ path: 'headers', code: 'not_for_type', message: 'must be empty for a tcp endpoint: only HTTP requests have headers' }),
    );
    const json = await refused({ url: `tcp://127.0.0.1:${tcp.pong}`, assertions: [{ source: 'json', property: '$.a', comparison: 'exists' }] });
    expect(json.errors).toContainEqual(
      expect.objectContaining({
        path: 'assertions.0.source',
        code: 'source_not_for_type',
        message: 'must be one of body, responseTime, certificateDays for a tcp endpoint',
      }),
    );
    const certificate = await refused({
      url: `tcp://127.0.0.1:${tcp.pong}`,
      assertions: [{ source: 'certificateDays', comparison: 'greaterThan', target: 1 }],
    });
    expect(certificate.errors).toContainEqual(expect.objectContaining({ path: 'assertions.0.source', code: 'needs_https' }));
    expect((await refused({ url: 'tcp://169.254.169.254:80' })).errors).toContainEqual(expect.objectContaining({ path: 'url', code: 'blocked_target' }));
    expect((await refused({ type: 'tcp', url: 'https://127.0.0.1/' })).errors).toContainEqual(expect.objectContaining({ path: 'url', code: 'invalid_url' }));
  });

  it('can be an http endpoint changed by PATCH (the type following the new URL), and back', async () => {
    const endpoint = await create({});
    const toTcp = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { url: `tcp://127.0.0.1:${tcp.pong}` });
    expect(toTcp.status, JSON.stringify(toTcp.body)).toBe(200);
    expect(toTcp.body.type).toBe('tcp');
    expect((await checkNow(toTcp.body)).status).toBe('UP');
    const back = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { url: endpoint.url });
    expect(back.body.type).toBe('http');
  });
});

describe('dns endpoints', () => {
  it('look up through the given resolver: UP with records, which body assertions see one per line', async () => {
    const endpoint = await create({
      url: at('api.example.test'),
      assertions: [{ source: 'body', property: null, comparison: 'contains', target: '192.0.2.11', severity: 'DOWN' }],
    });
    expect(endpoint.type).toBe('dns');
    const check = await checkNow(endpoint);
    expect(check).toMatchObject({ status: 'UP', statusCode: null, errorMessage: null });
    expect(dns.questions).toContain('api.example.test A');
  });

  it('show the records of a check that is not UP, MX as `priority exchange`', async () => {
    const endpoint = await create({
      url: at('example.test', 'MX'),
      assertions: [{ source: 'body', property: null, comparison: 'equals', target: '20 backup.example.test', severity: 'DEGRADED' }],
    });
    const check = await checkNow(endpoint);
    expect(check).toMatchObject({
      status: 'DEGRADED',
      errorMessage: 'body: expected "20 backup.example.test", got "10 mail.example.test"',
      bodyExcerpt: '10 mail.example.test',
    });
  });

  it('are DOWN on NXDOMAIN, SERVFAIL or no record of the type, naming the lookup', async () => {
    expect(await checkNow(await create({ url: at('nowhere.example.test') }))).toMatchObject({
      status: 'DOWN',
      errorCode: 'dns_code',
      errorParams: { type: 'A', name: 'nowhere.example.test', code: 'NXDOMAIN' },
      errorMessage: 'DNS A lookup of nowhere.example.test answered NXDOMAIN',
    });
    expect((await checkNow(await create({ url: at('broken.example.test') }))).errorMessage).toBe('DNS A lookup of broken.example.test answered SERVFAIL');
    expect(await checkNow(await create({ url: at('v4only.example.test', 'AAAA') }))).toMatchObject({
      status: 'DOWN',
      errorCode: 'dns_no_answer',
      errorMessage: 'No AAAA record for v4only.example.test',
    });
  });

  it('take a dnsCode assertion instead of the NOERROR rule: a name that must not exist is UP on NXDOMAIN', async () => {
    const gone = [{ source: 'dnsCode' as const, property: null, comparison: 'equals' as const, target: 'NXDOMAIN', severity: 'DOWN' as const }];
    expect((await checkNow(await create({ url: at('retired.example.test'), assertions: gone }))).status).toBe('UP');
    const stillThere = await checkNow(await create({ url: at('api.example.test'), assertions: gone }));
    expect(stillThere).toMatchObject({ status: 'DOWN', errorMessage: 'DNS code: expected "NXDOMAIN", got "NOERROR"' });
  });

  it('time out on a resolver that never answers, within the timeout', async () => {
    const endpoint = await create({ url: at('slow.example.test'), timeoutMs: 300, degradedThresholdMs: 200 });
    const started = Date.now();
    expect(await checkNow(endpoint)).toMatchObject({ status: 'DOWN', errorCode: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('are refused with precise 400s: a resolver named by host name, a bad name, an unknown type, a bad DNS code, a body', async () => {
    expect((await refused({ url: 'dns://resolver.example.test/api.example.test' })).errors).toContainEqual(
      expect.objectContaining({ path: 'url', code: 'resolver_not_ip' }),
    );
    expect((await refused({ url: 'dns://127.0.0.1/bad..name' })).errors).toContainEqual(expect.objectContaining({ path: 'url', code: 'invalid_dns_name' }));
    expect((await refused({ url: 'dns://127.0.0.1/example.test?type=ANY' })).errors).toContainEqual(
      expect.objectContaining({ path: 'url', code: 'invalid_record_type' }),
    );
    const code = await refused({ url: at('example.test'), assertions: [{ source: 'dnsCode', comparison: 'equals', target: 'GONE' }] });
    expect(code.errors).toContainEqual(expect.objectContaining({ path: 'assertions.0.target', code: 'invalid_dns_code' }));
    expect((await refused({ url: at('example.test'), body: 'x' })).errors).toContainEqual(expect.objectContaining({ path: 'body', code: 'not_for_type' }));
  });
});

describe('every type', () => {
  it('is announced with check:completed like an http check (certificate null outside tls checks)', async () => {
    const endpoint = await create({ url: at('api.example.test') });
    const client = await connectSocketIo(vigil.port);
    try {
      expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
      const check = await checkNow(endpoint);
      const event = await checkCompletedEvent(client, check.id);
      expect(event).toMatchObject({ endpointId: endpoint.id, status: 'UP', statusCode: null, certificate: null });
    } finally {
      await client.close();
    }
  });

  it('travels through export and import with its type and URL; a file from before types imports as http', async () => {
    const made = [
      await create({ name: unique('tcp'), url: `tcp://127.0.0.1:${tcp.pong}`, body: 'PING\r\n' }),
      await create({ name: unique('dns'), url: at('example.test', 'MX') }),
      await create({ name: unique('tls'), url: 'tls://127.0.0.1:1', certificateWarningDays: 30 }),
    ];
    const exported = await vigil.api<EndpointsFile>('GET', '/api/export');
    const entries = exported.body.endpoints.filter((e) => made.some((m) => m.id === e.id));
    expect(entries.map((e) => [e.type, e.url, e.certificateWarningDays])).toEqual(made.map((m) => [m.type, m.url, m.certificateWarningDays]));

    const reimport = await vigil.api<ImportResult>('POST', '/api/import?dryRun=true', { ...exported.body, endpoints: entries });
    expect(reimport.body.unchanged).toBe(3);

    const { type: _, certificateWarningDays: __, ...old } = entries[0]!;
    const legacy = { ...old, id: undefined, name: unique('legacy'), url: 'http://127.0.0.1:1/legacy', body: null };
    const imported = await vigil.api<ImportResult>('POST', '/api/import', { vigil: 'endpoints', version: 1, endpoints: [legacy] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const created = await get(imported.body.items[0]!.id!);
    expect(created).toMatchObject({ type: 'http', certificateWarningDays: 14 });
  });
});
