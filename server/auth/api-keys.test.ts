import { describe, expect, it } from 'vitest';
import { ApiKeyGuard, bearerToken, parseApiKeys } from './api-keys.ts';

function guardAt(keys: string[], options: { failureLimit?: number; trustProxy?: boolean; maxTrackedAddresses?: number } = {}) {
  let now = 1_000_000;
  const guard = new ApiKeyGuard(keys, { failureLimit: options.failureLimit ?? 3, windowMs: 60_000, now: () => now, ...options });
  return { guard, advance: (ms: number) => (now += ms) };
}
const from = (remoteAddress: string, token?: string, forwardedFor?: string) => ({ token, remoteAddress, forwardedFor });

describe('API keys', () => {
  it.each([
    ['', []],
    ['k1', ['k1']],
    [' k1 , k2 ,, ', ['k1', 'k2']],
  ])('reads API_KEY %j as %j', (setting, keys) => {
    expect(parseApiKeys(setting)).toEqual(keys);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer  abc ', 'abc'],
    ['Bearer ', undefined],
    ['Basic abc', undefined],
    [undefined, undefined],
  ])('takes the token of %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('lets everyone in when no key is configured', () => {
    const { guard } = guardAt([]);
    expect(guard.enabled).toBe(false);
    expect(guard.authorize(from('1.1.1.1'))).toEqual({ ok: true });
    expect(guard.authorize(from('1.1.1.1', 'anything'))).toEqual({ ok: true });
  });

  it('accepts each configured key and refuses others with 401', () => {
    const { guard } = guardAt(['k1', 'k2']);
    expect(guard.authorize(from('a', 'k1'))).toEqual({ ok: true });
    expect(guard.authorize(from('a', 'k2'))).toEqual({ ok: true });
    for (const token of ['k3', 'k1,k2', 'K1', 'k', 'k1 ']) {
      expect(guard.authorize(from(`addr-${token}`, token)), token).toMatchObject({ ok: false, status: 401 });
    }
    expect(guard.authorize(from('a'))).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/needs an API key/) });
  });

  it('refuses an address that presented too many wrong keys, even with the right key, until the window ends', () => {
    const { guard, advance } = guardAt(['k1'], { failureLimit: 3 });
    for (let i = 0; i < 3; i++) expect(guard.authorize(from('10.0.0.9', 'guess'))).toMatchObject({ status: 401 });
    advance(20_000);
    expect(guard.authorize(from('10.0.0.9', 'k1'))).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 40 });
    expect(guard.authorize(from('10.0.0.10', 'k1')), 'another address is not affected').toEqual({ ok: true });
    advance(40_000);
    expect(guard.authorize(from('10.0.0.9', 'k1'))).toEqual({ ok: true });
    expect(guard.rejected).toBe(3);
    expect(guard.throttled).toBe(1);
  });

  it('does not count a missing key as a failure (a dashboard waiting for its key is no attack)', () => {
    const { guard } = guardAt(['k1'], { failureLimit: 2 });
    for (let i = 0; i < 50; i++) expect(guard.authorize(from('b'))).toMatchObject({ status: 401 });
    expect(guard.authorize(from('b', 'k1'))).toEqual({ ok: true });
  });

  it('uses X-Forwarded-For only when told to trust the proxy', () => {
    const direct = guardAt(['k1'], { failureLimit: 1 }).guard;
    direct.authorize(from('proxy', 'bad', 'client-1'));
    expect(direct.authorize(from('proxy', 'k1', 'client-2')), 'all callers share the proxy address').toMatchObject({ status: 429 });

    const proxied = guardAt(['k1'], { failureLimit: 1, trustProxy: true }).guard;
    proxied.authorize(from('proxy', 'bad', 'client-1, proxy'));
    expect(proxied.authorize(from('proxy', 'k1', 'client-1'))).toMatchObject({ status: 429 });
    expect(proxied.authorize(from('proxy', 'k1', 'client-2'))).toEqual({ ok: true });
  });

  it('forgets the oldest addresses beyond its bound, so memory stays flat under a spray of addresses', () => {
    const { guard } = guardAt(['k1'], { failureLimit: 1, maxTrackedAddresses: 100 });
    for (let i = 0; i < 1000; i++) guard.authorize(from(`10.1.${i >> 8}.${i & 255}`, 'bad'));
    expect(guard.authorize(from('10.1.0.0', 'k1')), 'the first address was forgotten').toEqual({ ok: true });
    expect(guard.authorize(from('10.1.3.231', 'k1')), 'the last one is still refused').toMatchObject({ status: 429 });
  });
});
