import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeRealtimeClients, connectSocketIo, connectWs, type UpgradeRefused } from '../support/realtime-clients.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * Throttling of wrong API keys, attacked as issue 12 describes: rotating X-Forwarded-For to dodge
 * the limit, forging a victim's address to lock the victim out, and a flood of fake addresses to
 * evict a lockout. Every test client connects from 127.0.0.1; X-Forwarded-For says the rest.
 */

const started: TestVigil[] = [];
async function vigilWith(env: Record<string, string>): Promise<TestVigil> {
  const vigil = await startTestVigil({ API_KEY: 'right-key', AUTH_FAILURE_LIMIT: '3', ...env });
  started.push(vigil);
  return vigil;
}
afterEach(async () => {
  await closeRealtimeClients();
});
afterAll(async () => {
  await Promise.all(started.map((v) => v.dispose()));
});

/** POST /api/auth/verify (changes nothing) with a key and an X-Forwarded-For chain; answers the status. */
async function verify(vigil: TestVigil, key: string, forwardedFor?: string): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(`http://127.0.0.1:${vigil.port}/api/auth/verify`, { method: 'POST', headers });
  await res.arrayBuffer();
  return res.status;
}

/** Four wrong keys: the fourth one is past AUTH_FAILURE_LIMIT=3. */
async function guessFourTimes(vigil: TestVigil, forwardedFor: (i: number) => string | undefined): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push(await verify(vigil, `guess-${i}`, forwardedFor(i)));
  return statuses;
}

describe('client address', () => {
  it('takes the client named by the proxies (TRUST_PROXY=2), not a spoofed left-most X-Forwarded-For entry', async () => {
    const vigil = await vigilWith({ TRUST_PROXY: '2' });
    // The client wrote "6.6.6.<i>"; the outer proxy appended the client's address, the inner one the outer's.
    expect(await guessFourTimes(vigil, (i) => `6.6.6.${i}, 203.0.113.7, 10.0.0.2`)).toEqual([401, 401, 401, 429]);
    expect(await verify(vigil, 'guess', '203.0.113.8, 10.0.0.2'), 'another client behind the same proxies').toBe(401);
  });

  it('takes the right-most address that is not a trusted proxy (TRUST_PROXY as CIDRs)', async () => {
    const vigil = await vigilWith({ TRUST_PROXY: '127.0.0.1/32, 10.0.0.0/8' });
    expect(await guessFourTimes(vigil, (i) => `6.6.6.${i}, 203.0.113.7, 10.1.${i}.1`)).toEqual([401, 401, 401, 429]);
    expect(await verify(vigil, 'guess', '203.0.113.9, 10.0.0.1')).toBe(401);
  });
});

describe('a guesser', () => {
  it('cannot dodge the limit by rotating X-Forwarded-For without a trusted proxy', async () => {
    const vigil = await vigilWith({});
    expect(await guessFourTimes(vigil, (i) => `198.51.100.${i}`)).toEqual([401, 401, 401, 429]);
  });

  it('cannot dodge the limit by rotating the X-Forwarded-For entries it writes itself behind a proxy', async () => {
    const vigil = await vigilWith({ TRUST_PROXY: 'true' });
    expect(await guessFourTimes(vigil, (i) => `198.51.100.${i}, 203.0.113.66`)).toEqual([401, 401, 401, 429]);
  });

  it("cannot lock a victim out by forging the victim's address", async () => {
    const vigil = await vigilWith({ TRUST_PROXY: 'true' });
    const victim = '203.0.113.50';
    // The attacker writes the victim's address; the proxy appends the attacker's own.
    for (let i = 0; i < 20; i++) await verify(vigil, `guess-${i}`, `${victim}, 198.51.100.66`);
    expect(await verify(vigil, 'guess', `198.51.100.66`), 'the attacker is throttled').toBe(429);
    expect(await verify(vigil, 'typo', victim), "the victim's own wrong key is not").toBe(401);
    expect(await verify(vigil, 'right-key', victim)).toBe(200);

    const direct = await vigilWith({});
    for (let i = 0; i < 20; i++) await verify(direct, `guess-${i}`, victim);
    expect(await verify(direct, 'right-key'), 'without a proxy the forged header is ignored, and the right key still gets in').toBe(200);
  });

  it('cannot evict a lockout with 10,000 fake addresses', async () => {
    const vigil = await vigilWith({ TRUST_PROXY: 'true' });
    const locked = '203.0.113.77';
    expect(await guessFourTimes(vigil, () => locked)).toEqual([401, 401, 401, 429]);
    const spray = Array.from({ length: 10_050 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    for (let i = 0; i < spray.length; i += 50) await Promise.all(spray.slice(i, i + 50).map((address) => verify(vigil, 'spray', address)));
    expect(await verify(vigil, 'guess', locked), 'still locked').toBe(429);
    const metrics = await (await fetch(`http://127.0.0.1:${vigil.port}/metrics`)).text();
    expect(Number(/^vigil_auth_failures_total (\d+)$/m.exec(metrics)?.[1])).toBe(4 + spray.length + 1);
  }, 120_000);

  it('never keeps the right key out while its address is throttled for wrong ones (REST, Socket.io, /ws, SSE)', async () => {
    const vigil = await vigilWith({});
    expect(await guessFourTimes(vigil, () => undefined)).toEqual([401, 401, 401, 429]);
    await expect(connectSocketIo(vigil.port, { auth: { token: 'guess' }, reconnection: false })).rejects.toThrow(/^throttled:/);
    const wrongWs = await connectWs(vigil.port, { headers: { authorization: 'Bearer guess' } }).catch((e: unknown) => e);
    expect((wrongWs as UpgradeRefused).status).toBe(429);
    expect((wrongWs as UpgradeRefused).headers['retry-after']).toMatch(/^\d+$/);

    expect(await verify(vigil, 'right-key')).toBe(200);
    const sio = await connectSocketIo(vigil.port, { auth: { token: 'right-key' }, reconnection: false });
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    const ws = await connectWs(vigil.port, { protocols: ['vigil', 'vigil.key.right-key'] });
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const sse = await fetch(`http://127.0.0.1:${vigil.port}/api/events`, { headers: { authorization: 'Bearer right-key' } });
    expect(sse.status).toBe(200);
    await sse.body?.cancel();
  });
});
