import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../server/settings.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { ROOT } from '../support/vigil-process.ts';
import { createTestDatabase, startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * SSRF: Vigil must not become a way into the cloud metadata service or link-local networks.
 * A URL naming a blocked target is refused with a 400; a name resolving to one, or a redirect
 * leading to one, fails the check without a byte sent there. Every target here is on loopback:
 * the blocked ones are either refused before any traffic or local addresses put in BLOCKED_TARGETS.
 */

/** Vigil's own User-Agent (on PostgreSQL it also names the instance). */
const VIGIL_USER_AGENT = expect.stringMatching(/^Vigil\/0\.1 \(\+health check(; instance .+)?\)$/);
const unique = () => Math.random().toString(36).slice(2, 8);

/** The endpoint count, to show that a refused write stored nothing. */
async function endpointCount(vigil: TestVigil): Promise<number> {
  return (await vigil.api('GET', '/api/summary')).body.total;
}

describe('SSRF: a URL naming a link-local or cloud-metadata target is refused with a 400, in every notation', () => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil();
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  afterEach(() => {
    expect(vigil.errors.splice(0)).toEqual([]);
  });

  it.each([
    ['169.254.169.254 (AWS, GCP, Azure… metadata)', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['169.254.169.254 in decimal', 'http://2852039166/latest/meta-data/', '169.254.169.254'],
    ['169.254.169.254 in hex', 'http://0xa9fea9fe/', '169.254.169.254'],
    ['169.254.169.254 in octal', 'http://0251.0376.0251.0376/', '169.254.169.254'],
    ['169.254.169.254 in the short form 169.254.43518', 'http://169.254.43518/', '169.254.169.254'],
    ['169.254.169.254 with a trailing dot', 'http://169.254.169.254./', '169.254.169.254'],
    ['169.254.169.254 in mixed hex, dotted', 'http://0xA9.0xFE.0xA9.0xFE/', '169.254.169.254'],
    ['169.254.169.254 percent-encoded', 'http://%31%36%39.254.169.254%2e/', '169.254.169.254'],
    ['169.254.169.254 in fullwidth digits', 'http://１６９.２５４.１６９.２５４/', '169.254.169.254'],
    ['169.254.169.254 with credentials and a port', 'http://user:pw@169.254.169.254:8080/', '169.254.169.254'],
    ['169.254.169.254 as IPv4-mapped IPv6, dotted', 'http://[::ffff:169.254.169.254]/', '169.254.169.254'],
    ['169.254.169.254 as IPv4-mapped IPv6, hex', 'http://[::ffff:a9fe:a9fe]/', '169.254.169.254'],
    ['169.254.169.254 as IPv4-mapped IPv6, written out', 'http://[0:0:0:0:0:ffff:a9fe:a9fe]/', '169.254.169.254'],
    ['169.254.169.254 as IPv4-compatible IPv6', 'http://[::a9fe:a9fe]/', '169.254.169.254'],
    ['169.254.169.254 through NAT64', 'http://[64:ff9b::a9fe:a9fe]/', '169.254.169.254'],
    ['169.254.169.254 through 6to4', 'http://[2002:a9fe:a9fe::1]/', '169.254.169.254'],
    ['an IPv6 link-local address', 'http://[fe80::1]/', 'fe80::1'],
    ['0.0.0.0 (reaches this machine)', 'http://0.0.0.0:3000/', '0.0.0.0'],
    ['0 (0.0.0.0 in short)', 'http://0/', '0.0.0.0'],
    ['the IPv6 unspecified address', 'http://[::]:3000/', '::'],
    ['Alibaba Cloud metadata 100.100.100.200', 'http://100.100.100.200/latest/meta-data/', '100.100.100.200'],
    ['AWS IPv6 metadata fd00:ec2::254', 'http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
    ['metadata.google.internal', 'http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal'],
    ['metadata.google.internal with a trailing dot', 'http://metadata.google.internal./computeMetadata/v1/', 'metadata.google.internal'],
    ['METADATA.GOOGLE.INTERNAL in capitals', 'https://METADATA.GOOGLE.INTERNAL/', 'metadata.google.internal'],
    ['metadata.google.internal in look-alike letters (IDNA)', 'http://ⓜetadata.google.internal%2E/', 'metadata.google.internal'],
    ['AWS instance-data', 'http://instance-data/latest/meta-data/', 'instance-data'],
  ])('refuses to create an endpoint on %s, storing nothing', async (_what, url, target) => {
    const before = await endpointCount(vigil);

    const res = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, url, paused: true });

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toMatchObject([
      { path: 'url', message: expect.stringMatching(/^targets .+, which is blocked by policy \(.+\); see BLOCKED_TARGETS\/ALLOWED_TARGETS$/) },
    ]);
    expect(res.body.errors[0].message).toContain(target);
    expect(await endpointCount(vigil)).toBe(before);
  });

  it('names the reason: link-local / cloud metadata', async () => {
    const res = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, url: 'http://0xa9fea9fe/', paused: true });

    expect(res.body.errors[0].message).toBe(
      'targets 169.254.169.254, which is blocked by policy (link-local / cloud metadata); see BLOCKED_TARGETS/ALLOWED_TARGETS',
    );
  });

  it('refuses a PATCH that points an endpoint at the metadata service, keeping its URL', async () => {
    const created = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, url: 'http://127.0.0.1:9/', paused: true });
    expect(created.status).toBe(201);

    const res = await vigil.api('PATCH', `/api/endpoints/${created.body.id}`, { url: 'http://[::ffff:169.254.169.254]/', paused: false });

    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'url', message: expect.stringContaining('169.254.169.254') }]);
    const stored = await vigil.api('GET', `/api/endpoints/${created.body.id}`);
    expect(stored.body).toMatchObject({ url: 'http://127.0.0.1:9/', paused: true });
  });

  it.each([
    ['a merge', ''],
    ['a dry run', '?dryRun=true'],
    ['a replace', '?mode=replace'],
  ])('refuses %s import with a metadata target anywhere in the file, importing nothing', async (_, query) => {
    const before = await endpointCount(vigil);
    const file = {
      vigil: 'endpoints',
      version: 1,
      endpoints: [
        { name: `Fine ${unique()}`, url: 'http://127.0.0.1:9/', paused: true },
        { name: `SSRF ${unique()}`, url: 'http://2852039166/latest/meta-data/iam/', paused: true },
        { name: `SSRF ${unique()}`, url: 'http://metadata.goog/', paused: true },
      ],
    };

    const res = await vigil.api('POST', `/api/import${query}`, file);

    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([
      { path: 'endpoints.1.url', message: expect.stringContaining('targets 169.254.169.254, which is blocked by policy') },
      { path: 'endpoints.2.url', message: expect.stringContaining('targets metadata.goog, which is blocked by policy') },
    ]);
    expect(await endpointCount(vigil)).toBe(before);
  });
});

describe('SSRF at connect time: resolved names and redirect hops', () => {
  // 127.0.0.3 and 127.0.0.4 play the allowed targets; 127.0.0.1 (reached through the name
  // localhost) and 127.0.0.2 play blocked ones, such as the metadata service.
  let vigil: TestVigil;
  let allowed: TargetServer;
  let otherAllowed: TargetServer;
  let blockedLiteral: TargetServer;
  let blockedByName: TargetServer;

  beforeAll(async () => {
    [allowed, otherAllowed, blockedLiteral, blockedByName] = await Promise.all([
      startTargetServer({ host: '127.0.0.3' }),
      startTargetServer({ host: '127.0.0.4' }),
      startTargetServer({ host: '127.0.0.2' }),
      startTargetServer({ host: '127.0.0.1' }),
    ]);
    vigil = await startTestVigil({
      BLOCKED_TARGETS: '127.0.0.0/8,::1',
      // ALLOWED_TARGETS wins over BLOCKED_TARGETS (and over the defaults: 169.254.10.0/24).
      ALLOWED_TARGETS: '127.0.0.3, 127.0.0.4, 169.254.10.0/24',
    });
  });
  afterAll(async () => {
    await vigil?.dispose();
    await Promise.all([allowed, otherAllowed, blockedLiteral, blockedByName].map((t) => t?.close()));
  });
  afterEach(() => {
    expect(vigil.errors.splice(0)).toEqual([]);
    // Whatever a test did, the blocked targets never received a request.
    expect(blockedLiteral.requests.splice(0)).toEqual([]);
    expect(blockedByName.requests.splice(0)).toEqual([]);
  });

  /** Creates a paused endpoint and runs one check of it now. */
  async function checkOnce(definition: Record<string, unknown>) {
    const created = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, paused: true, ...definition });
    expect(created.status).toBe(201);
    const check = await vigil.api('POST', `/api/endpoints/${created.body.id}/check`);
    expect(check.status).toBe(200);
    return check.body;
  }

  it('checks a target ALLOWED_TARGETS re-allows inside a BLOCKED_TARGETS range', async () => {
    const check = await checkOnce({ url: allowed.url('/health') });

    expect(check).toMatchObject({ status: 'UP', statusCode: 200, errorMessage: null });
    expect(allowed.hits('/health')).toBe(1);
  });

  it('accepts a URL in a default-blocked range that ALLOWED_TARGETS re-allows (created paused: never sent)', async () => {
    const res = await vigil.api('POST', '/api/endpoints', { name: `Re-allowed ${unique()}`, url: 'http://169.254.10.7/', paused: true });
    const stillBlocked = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, url: 'http://169.254.169.254/', paused: true });

    expect(res.status).toBe(201);
    expect(stillBlocked.status).toBe(400);
  });

  it('refuses a URL naming a BLOCKED_TARGETS address, in another notation too', async () => {
    const res = await vigil.api('POST', '/api/endpoints', { name: `SSRF ${unique()}`, url: 'http://0x7f000002:8080/', paused: true });

    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([
      { path: 'url', message: 'targets 127.0.0.2, which is blocked by policy (listed in BLOCKED_TARGETS); see BLOCKED_TARGETS/ALLOWED_TARGETS' },
    ]);
  });

  it('fails the check of a host name that resolves to a blocked address, without connecting (DNS-resolved SSRF)', async () => {
    const port = new URL(blockedByName.origin).port;

    const check = await checkOnce({ url: `http://localhost:${port}/latest/meta-data/` });

    expect(check).toMatchObject({ status: 'DOWN', statusCode: null, errorMessage: 'Blocked by policy: localhost → 127.0.0.1 (listed in BLOCKED_TARGETS)' });
  });

  it.each([302, 307])('fails the check when a target redirects (%i) to a blocked address, which receives nothing', async (status) => {
    allowed.setMode(`/to-blocked-${status}`, { kind: 'redirect', status, location: blockedLiteral.url('/latest/meta-data/') });

    const check = await checkOnce({ url: allowed.url(`/to-blocked-${status}`) });

    expect(check).toMatchObject({
      status: 'DOWN',
      statusCode: null,
      errorMessage: 'Blocked by policy: 127.0.0.2 (listed in BLOCKED_TARGETS) after a redirect',
    });
    expect(allowed.hits(`/to-blocked-${status}`)).toBe(1);
  });

  it('fails the check when a redirect names a host that resolves to a blocked address', async () => {
    const port = new URL(blockedByName.origin).port;
    allowed.setMode('/to-name', { kind: 'redirect', location: `http://localhost:${port}/computeMetadata/v1/` });

    const check = await checkOnce({ url: allowed.url('/to-name') });

    expect(check).toMatchObject({ status: 'DOWN', errorMessage: 'Blocked by policy: localhost → 127.0.0.1 (listed in BLOCKED_TARGETS)' });
  });

  it('fails the check when a redirect chain reaches a blocked target on its third hop', async () => {
    allowed.setMode('/chain-1', { kind: 'redirect', location: otherAllowed.url('/chain-2') });
    otherAllowed.setMode('/chain-2', { kind: 'redirect', status: 301, location: 'http://[::ffff:127.0.0.2]:' + new URL(blockedLiteral.origin).port + '/' });

    const check = await checkOnce({ url: allowed.url('/chain-1') });

    expect(check).toMatchObject({ status: 'DOWN', errorMessage: 'Blocked by policy: ::ffff:7f00:2 (127.0.0.2) (listed in BLOCKED_TARGETS) after a redirect' });
    expect(otherAllowed.hits('/chain-2')).toBe(1);
  });

  it('drops every configured header on a redirect to another origin, keeping only Vigil’s User-Agent', async () => {
    allowed.setMode('/cross', { kind: 'redirect', location: otherAllowed.url('/landing-cross') });
    const headers = {
      Authorization: 'Bearer target-secret',
      'X-Api-Key': 'key-secret',
      Cookie: 'session=secret',
      'X-Custom': 'anything',
      'User-Agent': 'MyMonitor/2',
      Host: 'internal.example',
    };

    const check = await checkOnce({ url: allowed.url('/cross'), headers });

    expect(check).toMatchObject({ status: 'UP' });
    const first = allowed.requests.findLast((r) => r.path === '/cross')!;
    expect(first.headers).toMatchObject({ authorization: 'Bearer target-secret', 'x-custom': 'anything', 'user-agent': 'MyMonitor/2' });
    const landed = otherAllowed.requests.findLast((r) => r.path === '/landing-cross')!;
    expect(Object.keys(landed.headers).sort()).toEqual(['connection', 'host', 'user-agent']);
    expect(landed.headers['user-agent']).toEqual(VIGIL_USER_AGENT);
    expect(landed.headers.host).toBe(new URL(otherAllowed.origin).host);
  });

  it('keeps the configured headers on a redirect within the same origin', async () => {
    allowed.setMode('/same', { kind: 'redirect', location: '/landing-same' });

    await checkOnce({ url: allowed.url('/same'), headers: { Authorization: 'Bearer target-secret', 'X-Custom': 'anything' } });

    const landed = allowed.requests.findLast((r) => r.path === '/landing-same')!;
    expect(landed.headers).toMatchObject({ authorization: 'Bearer target-secret', 'x-custom': 'anything', 'user-agent': VIGIL_USER_AGENT });
  });

  it.each([
    [301, 'PUT'],
    [301, 'POST'],
    [302, 'POST'],
    [302, 'PATCH'],
    [302, 'DELETE'],
    [303, 'PUT'],
  ])('never replays the body after a %i: a %s becomes a GET without body', async (status, method) => {
    allowed.setMode(`/replay-${status}-${method}`, { kind: 'redirect', status, location: `/landing-${status}-${method}` });

    await checkOnce({ url: allowed.url(`/replay-${status}-${method}`), method, headers: { 'Content-Type': 'application/json' }, body: '{"secret":"body"}' });

    const sent = allowed.requests.findLast((r) => r.path === `/replay-${status}-${method}`)!;
    expect(sent).toMatchObject({ method, body: '{"secret":"body"}' });
    const landed = allowed.requests.findLast((r) => r.path === `/landing-${status}-${method}`)!;
    expect(landed).toMatchObject({ method: 'GET', body: '' });
    expect(landed.headers['content-type']).toBeUndefined();
    expect(landed.headers['content-length']).toBeUndefined();
  });

  it('keeps the method and the body on a 307 to another origin, but not the configured headers', async () => {
    allowed.setMode('/cross-307', { kind: 'redirect', status: 307, location: otherAllowed.url('/landing-307') });

    await checkOnce({
      url: allowed.url('/cross-307'),
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer target-secret', 'X-Custom': 'anything' },
      body: '{"ping":1}',
    });

    const landed = otherAllowed.requests.findLast((r) => r.path === '/landing-307')!;
    expect(landed).toMatchObject({ method: 'POST', body: '{"ping":1}' });
    expect(Object.keys(landed.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host', 'user-agent']);
    expect(landed.headers['content-type']).toBe('application/json');
    expect(landed.headers['user-agent']).toEqual(VIGIL_USER_AGENT);
  });
});

describe('SSRF: an endpoint stored before its target was blocked', () => {
  it('is kept and can still be edited, but its checks fail as blocked by policy and reach nothing', async () => {
    const target = await startTargetServer({ host: '127.0.0.2' });
    const database = await createTestDatabase();
    let vigil = await startTestVigil({}, database);
    try {
      const created = await vigil.api('POST', '/api/endpoints', { name: 'Stored before', url: target.url('/old'), paused: true });
      expect(created.status).toBe(201);
      await vigil.stop();

      vigil = await startTestVigil({ BLOCKED_TARGETS: '127.0.0.2' }, database);
      const check = await vigil.api('POST', `/api/endpoints/${created.body.id}/check`);
      // As the dashboard's form does: the whole definition sent back, its URL unchanged.
      const renamed = await vigil.api('PATCH', `/api/endpoints/${created.body.id}`, { name: 'Stored before (blocked now)', url: target.url('/old') });
      const moved = await vigil.api('PATCH', `/api/endpoints/${created.body.id}`, { url: target.url('/new') });

      expect(check.body).toMatchObject({ status: 'DOWN', errorMessage: 'Blocked by policy: 127.0.0.2 (listed in BLOCKED_TARGETS)' });
      expect(renamed.status).toBe(200);
      expect(moved.status).toBe(400);
      expect(moved.body.errors).toMatchObject([{ path: 'url', message: expect.stringContaining('targets 127.0.0.2, which is blocked by policy') }]);
      expect(target.requests).toEqual([]);
      expect(vigil.errors).toEqual([]);
    } finally {
      await vigil.stop().catch(() => {});
      await database.dispose();
      await target.close();
    }
  });
});

describe('SSRF settings', () => {
  it.each([
    ['BLOCKED_TARGETS', '10.0.0.0/33', '"10.0.0.0/33" is not a CIDR: the prefix length must be 0 to 32'],
    ['BLOCKED_TARGETS', 'none,10.0.0.0/8', '"none" must be the only entry'],
    ['ALLOWED_TARGETS', '169.254.10.0/24, http://metadata/', '"http://metadata/" is not a CIDR, an IP address or a host name'],
    ['ALLOWED_TARGETS', '0xa9fea9fe', '"0xa9fea9fe" is not a CIDR, an IP address or a host name'],
    ['ALLOWED_TARGETS', '300.1.1.1', '"300.1.1.1" is not a valid IP address'],
  ])('refuses %s=%s, naming the entry', (name, value, message) => {
    expect(() => loadSettings({ [name]: value })).toThrow(SettingsError);
    expect(() => loadSettings({ [name]: value })).toThrow(`${name}: ${message}`);
  });

  it('reads BLOCKED_TARGETS=none as "block nothing, defaults included"', () => {
    expect(loadSettings({ BLOCKED_TARGETS: 'none' })).toMatchObject({ blockedTargets: [], blockDefaultTargets: false });
    expect(loadSettings({})).toMatchObject({ blockedTargets: [], allowedTargets: [], blockDefaultTargets: true });
  });

  it('stops Vigil at boot on a bad entry, naming it (exit code 2)', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: '/nonexistent/never-created', BLOCKED_TARGETS: '169.254.0.0/16,metadata/x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));

    expect(code).toBe(2);
    expect(stderr).toContain('BLOCKED_TARGETS: "metadata/x" is not a CIDR: "metadata" is not an IP address');
  });
});
