import { describe, expect, it } from 'vitest';
import { ApiKeyGuard, bearerToken, parseApiKeys, throttleKey } from './api-keys.ts';

function guardAt(keys: string[], options: { failureLimit?: number; maxTrackedAddresses?: number } = {}) {
  let now = 1_000_000;
  const guard = new ApiKeyGuard(keys, { failureLimit: options.failureLimit ?? 3, windowMs: 60_000, now: () => now, ...options });
  return { guard, advance: (ms: number) => (now += ms) };
}
const from = (address: string, token?: string) => ({ token, address });

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

  it('answers wrong keys 429 past the limit, until the window ends, and lets the right key in all along', () => {
    const { guard, advance } = guardAt(['k1'], { failureLimit: 3 });
    for (let i = 0; i < 3; i++) expect(guard.authorize(from('10.0.0.9', 'guess'))).toMatchObject({ status: 401 });
    advance(20_000);
    expect(guard.authorize(from('10.0.0.9', 'guess'))).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 40 });
    expect(guard.authorize(from('10.0.0.9', 'k1')), 'the right key from the throttled address').toEqual({ ok: true });
    expect(guard.authorize(from('10.0.0.10', 'guess')), 'another address is not affected').toMatchObject({ status: 401 });
    advance(40_000);
    expect(guard.authorize(from('10.0.0.9', 'guess'))).toMatchObject({ status: 401 });
    expect(guard.rejected).toBe(6);
    expect(guard.throttled).toBe(1);
  });

  it('does not count a missing key as a failure (a dashboard waiting for its key is no attack)', () => {
    const { guard } = guardAt(['k1'], { failureLimit: 2 });
    for (let i = 0; i < 50; i++) expect(guard.authorize(from('b'))).toMatchObject({ status: 401 });
    expect(guard.authorize(from('b', 'bad'))).toMatchObject({ status: 401 });
  });

  it('counts IPv6 callers by /64, so one host cannot rotate through its own addresses', () => {
    const { guard } = guardAt(['k1'], { failureLimit: 2 });
    for (let i = 1; i <= 2; i++) guard.authorize(from(`2001:db8:1:2::${i}`, 'bad'));
    expect(guard.authorize(from('2001:db8:1:2:ffff:1:2:3', 'bad'))).toMatchObject({ status: 429 });
    expect(guard.authorize(from('2001:db8:1:3::1', 'bad')), 'the next /64').toMatchObject({ status: 401 });
    expect(throttleKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(throttleKey('10.1.2.3')).toBe('10.1.2.3');
  });

  it('stays bounded under a spray of addresses, forgetting counting addresses before any lockout', () => {
    const { guard } = guardAt(['k1'], { failureLimit: 2, maxTrackedAddresses: 100 });
    for (let i = 0; i < 3; i++) guard.authorize(from('10.9.9.9', 'bad'));
    for (let i = 0; i < 1000; i++) guard.authorize(from(`10.1.${i >> 8}.${i & 255}`, 'bad'));
    expect(guard.trackedAddresses).toBeLessThanOrEqual(101);
    expect(guard.authorize(from('10.9.9.9', 'bad')), 'the lockout survived').toMatchObject({ status: 429 });
    expect(guard.authorize(from('10.1.0.0', 'bad')), 'a counting address was forgotten').toMatchObject({ status: 401 });
  });

  it('keeps every lockout when the table is full of them: new addresses share one overflow bucket', () => {
    const { guard, advance } = guardAt(['k1'], { failureLimit: 1, maxTrackedAddresses: 100 });
    for (let i = 0; i < 100; i++) for (let j = 0; j < 2; j++) guard.authorize(from(`10.2.0.${i}`, 'bad'));
    for (let i = 0; i < 10_000; i++) guard.authorize(from(`10.3.${i >> 8}.${i & 255}`, 'bad'));
    for (let i = 0; i < 100; i++) expect(guard.authorize(from(`10.2.0.${i}`, 'bad')), `10.2.0.${i}`).toMatchObject({ status: 429 });
    expect(guard.authorize(from('10.4.0.1', 'bad')), 'a new address lands in the throttled overflow').toMatchObject({ status: 429 });
    expect(guard.authorize(from('10.4.0.1', 'k1')), 'whose right key still gets in').toEqual({ ok: true });
    expect(guard.trackedAddresses).toBe(101);
    advance(60_000);
    expect(guard.authorize(from('10.4.0.2', 'bad')), 'expired lockouts make room again').toMatchObject({ status: 401 });
  });
});
