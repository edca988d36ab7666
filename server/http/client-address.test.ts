import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../settings.ts';
import { clientAddress, normalizeAddress, parseTrustProxy, type TrustProxy } from './client-address.ts';

const trust = (setting: string) => parseTrustProxy(setting) as TrustProxy;

describe('TRUST_PROXY', () => {
  it.each([
    ['false', { kind: 'none' }],
    ['0', { kind: 'none' }],
    ['true', { kind: 'hops', hops: 1 }],
    ['1', { kind: 'hops', hops: 1 }],
    ['2', { kind: 'hops', hops: 2 }],
  ])('reads %j as %j', (setting, expected) => {
    expect(parseTrustProxy(setting)).toEqual(expected);
  });

  it('reads a list of proxy addresses, CIDRs and range names', () => {
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.5, ::1, fd00::/8, loopback')).toMatchObject({
      kind: 'addresses',
      entries: ['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8', 'loopback'],
    });
  });

  it('fails at boot on a bad value, naming the setting', () => {
    expect(() => loadSettings({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(SettingsError);
    expect(() => loadSettings({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: "yes" is not an IP address or CIDR/);
    expect(loadSettings({}).trustProxy).toEqual({ kind: 'none' });
    expect(() => loadSettings({ REALTIME_CONNECTIONS_PER_ADDRESS: '0' })).toThrow(/REALTIME_CONNECTIONS_PER_ADDRESS/);
  });

  it.each(['yes', '10.0.0.0/33', 'fd00::/129', '10.0.0/8', '1.2.3.4/8/2', 'proxy.lan', '101', ','])('refuses %j with a reason', (setting) => {
    expect(typeof parseTrustProxy(setting)).toBe('string');
  });
});

describe('the client address', () => {
  it('is the TCP peer without a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('::ffff:203.0.113.9', '198.51.100.1', trust('false'))).toBe('203.0.113.9');
  });

  it('is the right-most entry behind one proxy; a spoofed left-most entry is ignored', () => {
    expect(clientAddress('10.0.0.1', 'spoofed-1.2.3.4, 6.6.6.6, 203.0.113.7', trust('true'))).toBe('203.0.113.7');
  });

  it('skips as many entries as there are hops', () => {
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', trust('2'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '203.0.113.7', trust('3')), 'a shorter chain: its left-most entry, added by a proxy').toBe('203.0.113.7');
  });

  it('walks left past trusted proxies only, with a CIDR list', () => {
    const proxies = trust('10.0.0.0/8, 127.0.0.1');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3', proxies)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7');
    expect(clientAddress('198.51.100.5', '203.0.113.7', proxies), 'an untrusted peer is the client').toBe('198.51.100.5');
    expect(clientAddress('10.0.0.1', '10.0.0.5, 10.0.0.6', proxies), 'all proxies: the left-most').toBe('10.0.0.5');
    expect(clientAddress('10.0.0.1', 'garbage, 10.0.0.6', proxies), 'garbage ends the walk at the proxy that wrote it').toBe('10.0.0.6');
  });

  it.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['1.2.3.4:5678', '1.2.3.4'],
    ['[2001:DB8::1]:443', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['unknown', undefined],
  ])('normalizes %j to %j', (raw, address) => {
    expect(normalizeAddress(raw)).toBe(address);
  });
});
