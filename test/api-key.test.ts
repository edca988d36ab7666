import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../server/logger.ts';
import { loadSettings } from '../server/settings.ts';
import { startVigil } from '../server/vigil.ts';
import { closeRealtimeClients, connectSocketIo, connectWs, UpgradeRefused } from './support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { createTestDatabase, startTestVigil, type TestVigil } from './support/vigil.ts';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await closeRealtimeClients();
  await target?.close();
});

const endpoint = (name: string) => ({ name, url: target.url(`/${name}`), paused: true });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('repeated wrong keys from one address', () => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil({ API_KEY: 'k1,k2', AUTH_FAILURE_LIMIT: '3' });
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('never throttle a caller that presents no key at all', async () => {
    for (let i = 0; i < 8; i++) expect((await vigil.api('POST', '/api/endpoints', endpoint('nokey'))).status).toBe(401);
    expect((await vigil.api('POST', '/api/endpoints', endpoint('after-nokey'), bearer('k1'))).status).toBe(201);
  });

  it('are slowed down: past the limit every transport answers a wrong key 429 with Retry-After, and nothing is stored', async () => {
    for (let i = 0; i < 3; i++) expect((await vigil.api('POST', '/api/endpoints', endpoint('guess'), bearer(`guess-${i}`))).status).toBe(401);

    const refused = await vigil.api('POST', '/api/endpoints', endpoint('blocked'), bearer('guess-3'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(50);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests', detail: expect.stringMatching(/too many wrong API keys/i) });

    await expect(connectSocketIo(vigil.port, { auth: { token: 'guess-4' }, reconnection: false })).rejects.toThrow(/throttled/);
    const ws = await connectWs(vigil.port, { headers: bearer('guess-5') }).catch((error: unknown) => error);
    expect(ws).toBeInstanceOf(UpgradeRefused);
    expect((ws as UpgradeRefused).status).toBe(429);
    const sse = await fetch(`http://127.0.0.1:${vigil.port}/api/events?token=guess-6`);
    expect(sse.status).toBe(429);
    expect(sse.headers.get('retry-after')).toMatch(/^\d+$/);

    const names = (await vigil.api('GET', '/api/endpoints')).body.items.map((e: { name: string }) => e.name);
    expect(names).toEqual(['after-nokey']);
    expect((await vigil.api('GET', '/api/endpoints')).status, 'reads stay open').toBe(200);
  });

  it('never refuse the right key, on any transport, while its address is throttled', async () => {
    expect((await vigil.api('POST', '/api/endpoints', endpoint('right-key'), bearer('k1'))).status).toBe(201);
    const sio = await connectSocketIo(vigil.port, { auth: { token: 'k2' }, reconnection: false });
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    const ws = await connectWs(vigil.port, { headers: bearer('k1') });
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const sse = await fetch(`http://127.0.0.1:${vigil.port}/api/events?token=k1`);
    expect(sse.status).toBe(200);
    await sse.body?.cancel();
    expect((await vigil.api('POST', '/api/endpoints', endpoint('still-throttled'), bearer('guess-7'))).status).toBe(429);
  });

  it('are counted in /metrics', async () => {
    const metrics = (await vigil.api<string>('GET', '/metrics')).body;
    expect(metrics).toMatch(/^vigil_auth_failures_total 8$/m);
    expect(metrics).toMatch(/^vigil_auth_throttled_total 5$/m);
  });
});

describe('behind a reverse proxy (TRUST_PROXY=true)', () => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil({ API_KEY: 'k1', AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('throttles the client the proxy names (the right-most X-Forwarded-For entry), not everyone behind the proxy', async () => {
    const via = (client: string, key: string) => ({ ...bearer(key), 'x-forwarded-for': `198.51.100.99, ${client}` });
    for (let i = 0; i < 3; i++) await vigil.api('POST', '/api/endpoints', endpoint('x'), via('203.0.113.7', 'bad'));
    expect((await vigil.api('POST', '/api/endpoints', endpoint('x'), via('203.0.113.7', 'bad'))).status).toBe(429);
    expect((await vigil.api('POST', '/api/endpoints', endpoint('proxied-bad'), via('198.51.100.2', 'bad'))).status).toBe(401);
    expect((await vigil.api('POST', '/api/endpoints', endpoint('proxied-ok'), via('203.0.113.7', 'k1'))).status).toBe(201);
  });
});

describe('the start-up notice of an instance without an owner account', () => {
  /** The warnings of each start, in order, of Vigils started one after another on one database; `between` runs against each running one. */
  async function warningsAt(env: Record<string, string>, starts: ((vigil: { url: string }) => Promise<void>)[]): Promise<string[][]> {
    const database = await createTestDatabase();
    // Its own DATA_DIR on PostgreSQL too (the instance id is kept there): the default ./data may be another test's.
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-warnings-'));
    const all: string[][] = [];
    try {
      for (const during of starts) {
        const lines: { level: string; msg: string }[] = [];
        const settings = loadSettings({ PORT: '0', DATA_DIR: dataDir, ...database.env, ...env });
        const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
        const vigil = await startVigil(settings, { logger });
        await during({ url: `http://127.0.0.1:${vigil.port}` });
        await vigil.stop();
        expect(
          lines.some((l) => l.msg.startsWith('Vigil listening on')),
          'logs JSON lines with msg',
        ).toBe(true);
        all.push(lines.filter((l) => l.level === 'warn').map((l) => l.msg));
      }
    } finally {
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return all;
  }
  const nothing = async () => {};
  const setUp = async ({ url }: { url: string }) => {
    const res = await fetch(`${url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'a long enough password' }),
    });
    expect(res.status).toBe(201);
  };

  it('names the set-up page, and the link with its one-time token for another machine', async () => {
    const [warnings] = await warningsAt({ HOST: '0.0.0.0' }, [nothing]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^No owner account yet: open http:\/\/localhost:\d+\/setup on this machine .*\/setup#token=[\w-]{32}\). Until then only this machine may use Vigil\.$/,
      ),
    ]);
  });

  it('says that API_KEY holders may use Vigil too when a key is set', async () => {
    const [warnings] = await warningsAt({ HOST: '127.0.0.1', API_KEY: 'k1' }, [nothing]);
    expect(warnings).toEqual([expect.stringMatching(/only this machine and API_KEY holders may use Vigil/)]);
  });

  it('is not logged once an owner exists', async () => {
    const [first, second] = await warningsAt({ HOST: '0.0.0.0' }, [setUp, nothing]);
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
  });
});

describe('GET /api/auth and POST /api/auth/verify', () => {
  let keyed: TestVigil;
  let open: TestVigil;
  beforeAll(async () => {
    [keyed, open] = await Promise.all([startTestVigil({ API_KEY: 'k1,k2' }), startTestVigil()]);
  });
  afterAll(async () => {
    await Promise.all([keyed?.dispose(), open?.dispose()]);
  });

  it('tell a client whether writes need a key', async () => {
    expect((await keyed.api('GET', '/api/auth')).body).toEqual({ keyRequired: true });
    expect((await open.api('GET', '/api/auth')).body).toEqual({ keyRequired: false });
  });

  it('let a client try a key without changing anything', async () => {
    expect((await keyed.api('POST', '/api/auth/verify')).status).toBe(401);
    expect((await keyed.api('POST', '/api/auth/verify', undefined, bearer('wrong'))).status).toBe(401);
    expect((await keyed.api('POST', '/api/auth/verify', undefined, bearer('k2'))).body).toEqual({ ok: true, keyRequired: true });
    expect((await open.api('POST', '/api/auth/verify')).body).toEqual({ ok: true, keyRequired: false });
    expect((await keyed.api('GET', '/api/endpoints')).body.items).toEqual([]);
  });
});
