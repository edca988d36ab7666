import { describe, expect, it } from 'vitest';
import { hostName, OriginPolicy, type OriginPolicyOptions } from './origin-policy.ts';

const OWN = ['192.168.1.20', 'fe80::1c2b:3cff:fe4d:5e6f', '10.0.0.7'];

function policy(options: Partial<OriginPolicyOptions> = {}) {
  return new OriginPolicy({ allowedOrigins: [], allowedHosts: [], ownAddresses: () => OWN, ...options });
}

describe('hostName', () => {
  it.each([
    ['localhost:3000', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['vigil.lan.:3000', 'vigil.lan'],
    ['127.0.0.1:3000', '127.0.0.1'],
    ['[::1]:3000', '::1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[::FFFF:127.0.0.1]:80', '::ffff:7f00:1'],
    ['evil.example', 'evil.example'],
  ])('reads "%s" as %s', (host, name) => {
    expect(hostName(host)).toBe(name);
  });

  it.each(['', 'a b', 'user@host', 'host/path', 'host:port', 'host:123456', '[::1', '::1', '[not-ip]'])('finds no host name in "%s"', (host) => {
    expect(hostName(host)).toBeUndefined();
  });
});

describe('checkHost (DNS rebinding)', () => {
  it.each<[string | undefined, string]>([
    ['localhost:3000', 'a loopback name'],
    ['localhost', 'a loopback name without port'],
    ['app.localhost:3000', 'a name under .localhost (browsers resolve it to loopback themselves)'],
    ['127.0.0.1:3000', 'the IPv4 loopback address'],
    ['127.8.9.10:3000', 'any 127/8 address'],
    ['[::1]:3000', 'the IPv6 loopback address'],
    ['[0:0:0:0:0:0:0:1]:3000', 'the IPv6 loopback address, written out'],
    ['[::ffff:127.0.0.1]:3000', 'the IPv4-mapped loopback address'],
    ['[::ffff:7f00:1]:3000', 'the IPv4-mapped loopback address, in hex'],
    ['192.168.1.20:3000', "one of this machine's addresses"],
    ['[fe80::1c2b:3cff:fe4d:5e6f]:3000', "one of this machine's IPv6 addresses"],
    ['0.0.0.0:3000', 'the unspecified address (it reaches this machine)'],
    [undefined, 'no Host at all (HTTP/1.0, not a browser)'],
  ])('serves Host %s: %s', (host) => {
    expect(policy().checkHost(host)).toEqual({ ok: true });
  });

  it.each([
    ['evil.example:3000', 'a name rebound to this address'],
    ['evil.example', 'a name without port'],
    ['localhost.evil.example', 'a name that only starts like loopback'],
    ['evillocalhost:3000', 'a name that only ends like localhost'],
    ['192.168.1.21:3000', 'an address that is not this machine’s'],
    ['[::ffff:c0a8:115]:3000', 'an IPv4-mapped address that is not this machine’s'],
    ['a b', 'a malformed Host'],
    ['vigil.example.com@evil.example', 'a Host with credentials'],
  ])('refuses Host %s with 421: %s', (host) => {
    const verdict = policy().checkHost(host);
    expect(verdict).toMatchObject({ ok: false, status: 421 });
    expect(verdict.ok || verdict.message).toContain('ALLOWED_HOSTS');
  });

  it.each([
    [{ publicUrl: new URL('https://vigil.example.com') }, 'vigil.example.com', true],
    [{ publicUrl: new URL('https://vigil.example.com') }, 'VIGIL.example.com:443', true],
    [{ publicUrl: new URL('https://vigil.example.com') }, 'other.example.com', false],
    [{ allowedHosts: ['vigil.lan'] }, 'vigil.lan:3000', true],
    [{ allowedHosts: ['vigil.lan'] }, 'vigil.lan.', true],
    [{ allowedHosts: ['vigil.lan'] }, 'sub.vigil.lan', false],
    [{ allowedHosts: ['*.example.com'] }, 'a.b.example.com', true],
    [{ allowedHosts: ['*.example.com'] }, 'example.com', false],
    [{ allowedHosts: ['*.example.com'] }, 'evilexample.com', false],
    [{ allowedHosts: ['[2001:db8::1]'] }, '[2001:DB8:0:0:0:0:0:1]:3000', true],
    [{ allowedHosts: ['*'] }, 'anything.example', true],
    [{ allowedHosts: ['vigil'] }, 'vigil:3000', true],
  ])('with %o, Host %s is served: %s', (options, host, served) => {
    expect(policy(options).checkHost(host).ok).toBe(served);
  });

  it("re-reads this machine's addresses on a miss, at most every 10 s", () => {
    let now = 0;
    const addresses = ['192.168.1.20'];
    let reads = 0;
    const p = policy({
      now: () => now,
      ownAddresses: () => {
        reads++;
        return [...addresses];
      },
    });
    expect(p.checkHost('192.168.1.30').ok).toBe(false);
    addresses.push('192.168.1.30'); // a new interface address
    now = 5_000;
    expect(p.checkHost('192.168.1.30').ok).toBe(false);
    expect(reads).toBe(1);
    now = 10_001;
    expect(p.checkHost('192.168.1.30').ok).toBe(true);
    expect(reads).toBe(2);
    expect(p.checkHost('192.168.1.30').ok).toBe(true);
    expect(reads).toBe(2);
  });
});

type OriginRow = [string | undefined, string | undefined, string | undefined, string];

describe('checkOrigin (cross-site requests)', () => {
  it.each<OriginRow>([
    [undefined, '127.0.0.1:3000', undefined, 'no Origin: curl, scripts'],
    [undefined, '127.0.0.1:3000', 'same-origin', 'no Origin, same origin by Sec-Fetch-Site'],
    [undefined, '127.0.0.1:3000', 'none', 'no Origin, typed in by the user'],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', undefined, 'the origin addressed'],
    ['http://localhost:3000', 'localhost:3000', undefined, 'the origin addressed, by name'],
    ['http://[::1]:3000', '[::1]:3000', undefined, 'the origin addressed, IPv6'],
    ['https://vigil.example.com', 'vigil.example.com', undefined, 'behind a TLS proxy that keeps the Host'],
    ['https://vigil.example.com', 'vigil.example.com:443', undefined, 'with the default port in Host'],
    ['http://vigil.lan', 'vigil.lan:80', undefined, 'with the default HTTP port in Host'],
    ['https://vigil.example.com', '127.0.0.1:3000', undefined, "PUBLIC_URL's origin behind a proxy that rewrites Host"],
    ['http://localhost:5173', '127.0.0.1:3000', undefined, 'one of ALLOWED_ORIGINS (the Vite dev server)'],
  ])('lets Origin %s write to Host %s (Sec-Fetch-Site %s): %s', (origin, host, fetchSite) => {
    const p = policy({ publicUrl: new URL('https://vigil.example.com'), allowedOrigins: ['http://localhost:5173'] });
    expect(p.checkOrigin({ origin, host, fetchSite })).toEqual({ ok: true });
  });

  it.each<OriginRow>([
    ['http://evil.example', '127.0.0.1:3000', undefined, 'a page of another site'],
    ['http://127.0.0.1:8080', '127.0.0.1:3000', undefined, 'a page on another port of the same machine'],
    ['http://localhost:3000', '127.0.0.1:3000', undefined, 'the same server under another name'],
    ['null', '127.0.0.1:3000', undefined, 'an opaque origin (sandboxed frame, data: URL, no-referrer form)'],
    ['http://127.0.0.1:3000.evil.example', '127.0.0.1:3000', undefined, 'a name that starts like the origin'],
    ['file://', '127.0.0.1:3000', undefined, 'a file: page'],
    ['http://127.0.0.1:3000', undefined, undefined, 'an Origin without Host to compare it with'],
    [undefined, '127.0.0.1:3000', 'cross-site', 'no Origin, yet cross-site by Sec-Fetch-Site'],
    [undefined, '127.0.0.1:3000', 'same-site', 'no Origin, yet from another origin by Sec-Fetch-Site'],
  ])('refuses Origin %s to Host %s (Sec-Fetch-Site %s) with 403: %s', (origin, host, fetchSite) => {
    expect(policy({ allowedOrigins: ['http://localhost:5173'] }).checkOrigin({ origin, host, fetchSite })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('checkWrite', () => {
  it('refuses a foreign Host first (421), then a foreign Origin (403)', () => {
    const p = policy();
    expect(p.checkWrite({ origin: 'http://evil.example:3000', host: 'evil.example:3000' })).toMatchObject({ status: 421 });
    expect(p.checkWrite({ origin: 'http://evil.example', host: '127.0.0.1:3000' })).toMatchObject({ status: 403 });
    expect(p.checkWrite({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).toEqual({ ok: true });
  });

  it('with ALLOWED_HOSTS=*, a rebound page passes as its own origin (documented: * turns the Host check off)', () => {
    expect(policy({ allowedHosts: ['*'] }).checkWrite({ origin: 'http://evil.example:3000', host: 'evil.example:3000' })).toEqual({ ok: true });
  });
});
