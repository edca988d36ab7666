import { describe, expect, it } from 'vitest';
import { addressProblem, dnsQueryOf, dnsUrlOf, socketAddressOf, typeOfUrl } from './monitor-address.ts';

describe('monitor addresses', () => {
  it.each([
    ['https://api.example.test/health', 'http'],
    ['HTTP://x', 'http'],
    ['tcp://db:5432', 'tcp'],
    ['tls://example.test', 'tls'],
    ['dns:example.test', 'dns'],
    ['ftp://x', null],
    ['example.test', null],
  ])('takes the type of %s from its scheme: %s', (url, type) => {
    expect(typeOfUrl(url)).toBe(type);
  });

  it('reads tcp:// and tls:// addresses, tls:// on 443 by default, IPv6 without brackets', () => {
    expect(socketAddressOf('tcp://db.internal:5432')).toEqual({ host: 'db.internal', port: 5432, tls: false });
    expect(socketAddressOf('tls://example.test')).toEqual({ host: 'example.test', port: 443, tls: true });
    expect(socketAddressOf('tcp://[::1]:6379')).toEqual({ host: '::1', port: 6379, tls: false });
    expect(socketAddressOf('tcp://db')).toBeNull();
    expect(socketAddressOf('https://db:1')).toBeNull();
  });

  it.each([
    ['tcp', 'tcp://db:5432', null],
    ['tcp', 'tls://mail.example.test:993', null],
    ['tcp', 'tcp://db', 'port_required'],
    ['tcp', 'tcp://db:5432/path', 'invalid_url'],
    ['tcp', 'tcp://user:pw@db:5432', 'invalid_url'],
    ['tcp', 'https://db:5432', 'invalid_url'],
    ['tls', 'tls://example.test', null],
    ['tls', 'tcp://example.test:443', 'invalid_url'],
    ['http', 'tcp://db:5432', 'invalid_url'],
    ['dns', 'dns://127.0.0.1:5353/example.test?type=MX', null],
    ['dns', 'dns:example.test', null],
    ['dns', 'dns://resolver.example/example.test', 'resolver_not_ip'],
    ['dns', 'dns://127.0.0.1/not a name', 'invalid_dns_name'],
    ['dns', 'dns://127.0.0.1/example.test?type=ANY', 'invalid_record_type'],
    ['dns', 'dns://127.0.0.1/example.test?class=CH', 'invalid_record_class'],
    ['dns', 'dns://127.0.0.1/example.test?ttl=1', 'invalid_url'],
  ])('judges a %s endpoint at %s: %s', (type, url, code) => {
    expect(addressProblem(type as 'http', url)?.code ?? null).toBe(code);
  });

  it('reads a DNS lookup (RFC 4501), the system resolver without an authority, A by default', () => {
    expect(dnsQueryOf('dns://127.0.0.1:5353/example.test?type=mx')).toEqual({
      resolver: { host: '127.0.0.1', port: 5353 },
      name: 'example.test',
      recordType: 'MX',
    });
    expect(dnsQueryOf('dns:example.test.')).toEqual({ resolver: null, name: 'example.test', recordType: 'A' });
    expect(dnsQueryOf('dns://[::1]/example.test?type=AAAA;class=IN')).toEqual({
      resolver: { host: '::1', port: 53 },
      name: 'example.test',
      recordType: 'AAAA',
    });
  });

  it('writes back the URL it reads', () => {
    for (const url of ['dns://127.0.0.1:5353/example.test?type=MX', 'dns:example.test?type=A', 'dns://[::1]/example.test?type=TXT']) {
      expect(dnsUrlOf(dnsQueryOf(url)!)).toBe(url);
    }
  });
});
