import { describe, expect, it } from 'vitest';
import { embeddedIPv4, splitTargetList, TargetPolicy, targetEntryError, type TargetPolicySettings } from './target-policy.ts';

const policy = (settings: Partial<TargetPolicySettings> = {}) =>
  TargetPolicy.fromSettings({ blockedTargets: [], allowedTargets: [], blockDefaultTargets: true, ...settings });

describe('TargetPolicy with the defaults', () => {
  const defaults = TargetPolicy.defaults();

  it.each([
    // host as written in a URL, or as a resolver returns it → what the decision names
    ['169.254.169.254', '169.254.169.254', 'link-local / cloud metadata'],
    ['2852039166', '169.254.169.254', 'link-local / cloud metadata'],
    ['0xa9fea9fe', '169.254.169.254', 'link-local / cloud metadata'],
    ['0251.0376.0251.0376', '169.254.169.254', 'link-local / cloud metadata'],
    ['169.254.43518', '169.254.169.254', 'link-local / cloud metadata'],
    ['169.254.169.254.', '169.254.169.254', 'link-local / cloud metadata'],
    ['[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[::ffff:a9fe:a9fe]', '::ffff:a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['::ffff:169.254.169.254', '::ffff:a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[0:0:0:0:0:ffff:a9fe:a9fe]', '::ffff:a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[::a9fe:a9fe]', '::a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[::169.254.169.254]', '::a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[64:ff9b:1::169.254.169.254]', '64:ff9b:1::a9fe:a9fe (169.254.169.254)', 'link-local / cloud metadata'],
    ['[2002:a9fe:a9fe::1]', '2002:a9fe:a9fe::1 (169.254.169.254)', 'link-local / cloud metadata'],
    ['169.254.0.1', '169.254.0.1', 'link-local / cloud metadata'],
    ['[fe80::1]', 'fe80::1', 'IPv6 link-local'],
    ['FE80::1%eth0', 'fe80::1', 'IPv6 link-local'],
    ['[febf:ffff::1]', 'febf:ffff::1', 'IPv6 link-local'],
    ['100.100.100.200', '100.100.100.200', 'cloud metadata (Alibaba Cloud)'],
    ['[fd00:ec2::254]', 'fd00:ec2::254', 'cloud metadata (AWS, IPv6)'],
    ['[FD00:EC2:0::254]', 'fd00:ec2::254', 'cloud metadata (AWS, IPv6)'],
    ['0.0.0.0', '0.0.0.0', 'unspecified address ("this network")'],
    ['0', '0.0.0.0', 'unspecified address ("this network")'],
    ['0.1.2.3', '0.1.2.3', 'unspecified address ("this network")'],
    ['[::]', '::', 'unspecified address'],
    ['[0:0:0:0:0:0:0:0]', '::', 'unspecified address'],
    ['[::ffff:0.0.0.0]', '::ffff:0:0 (0.0.0.0)', 'unspecified address ("this network")'],
    ['metadata.google.internal', 'metadata.google.internal', 'cloud metadata host name (Google Cloud)'],
    ['metadata.google.internal.', 'metadata.google.internal', 'cloud metadata host name (Google Cloud)'],
    ['METADATA.Google.Internal', 'metadata.google.internal', 'cloud metadata host name (Google Cloud)'],
    ['metadata.goog', 'metadata.goog', 'cloud metadata host name (Google Cloud)'],
    ['metadata', 'metadata', 'cloud metadata host name (Google Cloud)'],
    ['instance-data', 'instance-data', 'cloud metadata host name (AWS)'],
    ['instance-data.ec2.internal', 'instance-data.ec2.internal', 'cloud metadata host name (AWS)'],
    ['metadata.tencentyun.com', 'metadata.tencentyun.com', 'cloud metadata host name (Tencent Cloud)'],
  ])('blocks %s as %s (%s)', (host, target, reason) => {
    expect(defaults.decide(host)).toEqual({ allowed: false, target, reason });
  });

  it.each([
    '127.0.0.1',
    '0x7f.1',
    '[::1]',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '[fc00::1]',
    '[fd00:ec2::253]',
    '100.100.100.201',
    '169.253.255.255',
    '169.255.0.0',
    '1.1.1.1',
    '[::ffff:127.0.0.1]',
    '[2002:7f00:1::]',
    '[fec0::1]',
    'localhost',
    'example.com',
    'metadata.google.internal.example.com',
    'my-metadata',
    'sub.metadata',
  ])('allows %s', (host) => {
    expect(defaults.decide(host)).toEqual({ allowed: true });
  });

  it('decides the host of a URL, in whatever notation the URL writes it', () => {
    expect(defaults.decideUrl('http://0251.0376.0251.0376/latest/meta-data/')).toMatchObject({ allowed: false, target: '169.254.169.254' });
    expect(defaults.decideUrl(new URL('http://[::ffff:169.254.169.254]:80/'))).toMatchObject({ allowed: false });
    expect(defaults.decideUrl('https://user:pw@Metadata.Google.Internal./computeMetadata/v1/')).toMatchObject({ allowed: false });
    expect(defaults.decideUrl('http://127.0.0.1:3000/health')).toEqual({ allowed: true });
  });
});

describe('TargetPolicy with settings', () => {
  it.each<[string, Partial<TargetPolicySettings>, string, boolean]>([
    ['ALLOWED_TARGETS re-allows part of a default range', { allowedTargets: ['169.254.10.0/24'] }, '169.254.10.7', true],
    ['… but not the rest of it', { allowedTargets: ['169.254.10.0/24'] }, '169.254.169.254', false],
    ['… in the IPv4-mapped notation too', { allowedTargets: ['169.254.10.0/24'] }, '[::ffff:169.254.10.7]', true],
    ['ALLOWED_TARGETS re-allows a default host name', { allowedTargets: ['metadata'] }, 'metadata', true],
    ['BLOCKED_TARGETS adds an address', { blockedTargets: ['127.0.0.2'] }, '127.0.0.2', false],
    ['… keeping the defaults', { blockedTargets: ['127.0.0.2'] }, '169.254.169.254', false],
    ['… and leaving the rest of the range alone', { blockedTargets: ['127.0.0.2'] }, '127.0.0.1', true],
    ['BLOCKED_TARGETS adds a CIDR, matched in every notation', { blockedTargets: ['10.0.0.0/8'] }, '167772161', false],
    ['BLOCKED_TARGETS adds an IPv6 CIDR', { blockedTargets: ['fc00::/7'] }, '[fd12::1]', false],
    ['BLOCKED_TARGETS adds ::1', { blockedTargets: ['::1'] }, '[0:0:0:0:0:0:0:1]', false],
    ['BLOCKED_TARGETS adds a host name, any case', { blockedTargets: ['Db.Corp'] }, 'db.corp.', false],
    ['a wildcard blocks the names under it', { blockedTargets: ['*.example.internal'] }, 'a.b.example.internal', false],
    ['… but not the name itself', { blockedTargets: ['*.example.internal'] }, 'example.internal', true],
    ['ALLOWED_TARGETS wins over BLOCKED_TARGETS', { blockedTargets: ['10.0.0.0/8'], allowedTargets: ['10.1.0.0/16'] }, '10.1.2.3', true],
    ['an allowed name does not allow other names', { blockedTargets: ['*.corp'], allowedTargets: ['ok.corp'] }, 'bad.corp', false],
    ['BLOCKED_TARGETS=none switches the defaults off', { blockDefaultTargets: false }, '169.254.169.254', true],
    ['… host names included', { blockDefaultTargets: false }, 'metadata.google.internal', true],
  ])('%s: %s → allowed %s', (_what, settings, host, allowed) => {
    expect(policy(settings).decide(host).allowed).toBe(allowed);
  });

  it('says which setting blocked a target', () => {
    expect(policy({ blockedTargets: ['127.0.0.2'] }).decide('127.0.0.2')).toEqual({
      allowed: false,
      target: '127.0.0.2',
      reason: 'listed in BLOCKED_TARGETS',
    });
  });
});

describe('target entries', () => {
  it.each([
    '10.0.0.0/8',
    '127.0.0.2',
    '::1',
    '[::1]',
    'fd00::/8',
    '[fd00::]/8',
    '0.0.0.0/0',
    '::/0',
    'db.internal',
    '*.example.internal',
    'Metadata.',
    'xn--bcher-kva.example',
    'bücher.example',
    'under_score.local',
  ])('accepts %s', (entry) => {
    expect(targetEntryError(entry)).toBeNull();
  });

  it.each([
    ['10.0.0.0/33', '"10.0.0.0/33" is not a CIDR: the prefix length must be 0 to 32'],
    ['fd00::/129', '"fd00::/129" is not a CIDR: the prefix length must be 0 to 128'],
    ['10.0.0.0/', '"10.0.0.0/" is not a CIDR: the prefix length must be 0 to 32'],
    ['10.0.0.0/8x', '"10.0.0.0/8x" is not a CIDR: the prefix length must be 0 to 32'],
    ['db.internal/8', '"db.internal/8" is not a CIDR: "db.internal" is not an IP address'],
    ['999.1.1.1', '"999.1.1.1" is not a valid IP address'],
    ['0xa9fea9fe', '"0xa9fea9fe" is not a CIDR, an IP address or a host name'],
    ['fe80::zz', '"fe80::zz" is not a valid IP address'],
    ['http://x.example', '"http://x.example" is not a CIDR, an IP address or a host name'],
    ['a..b', '"a..b" is not a CIDR, an IP address or a host name'],
    ['*', '"*" is not a CIDR, an IP address or a host name'],
    ['x.*.example', '"x.*.example" is not a CIDR, an IP address or a host name'],
    ['-bad.example', '"-bad.example" is not a CIDR, an IP address or a host name'],
  ])('refuses %s', (entry, message) => {
    expect(targetEntryError(entry)).toBe(message);
  });

  it('splits a list on commas, trimming and dropping blanks, with one error per bad entry', () => {
    expect(splitTargetList(' 10.0.0.0/8 ,, *.corp,10.0.0.0/99 ')).toEqual({
      entries: ['10.0.0.0/8', '*.corp', '10.0.0.0/99'],
      errors: ['"10.0.0.0/99" is not a CIDR: the prefix length must be 0 to 32'],
    });
  });
});

describe('embeddedIPv4', () => {
  it.each([
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b:1::a9fe:a9fe', '169.254.169.254'],
    ['2002:a9fe:a9fe::', '169.254.169.254'],
    ['::', null],
    ['::1', null],
    ['fe80::1', null],
    ['2001:db8::a9fe:a9fe', null],
    ['64:ff9b:2::a9fe:a9fe', null],
  ])('%s carries %s', (address, ipv4) => {
    expect(embeddedIPv4(address)).toBe(ipv4);
  });
});

describe('TargetPolicy.forVisitors (status page subscribers’ webhooks): public addresses only', () => {
  const visitors = (settings: Partial<TargetPolicySettings> = {}) =>
    TargetPolicy.forVisitors({ blockedTargets: [], allowedTargets: [], blockDefaultTargets: true, ...settings });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private network'],
    ['167772161', 'private network'],
    ['172.20.0.1', 'private network'],
    ['192.168.1.1', 'private network'],
    ['[::ffff:10.0.0.1]', 'private network'],
    ['100.64.0.1', 'shared address space'],
    ['[fd12::1]', 'unique local'],
    ['224.0.0.1', 'multicast'],
    ['localhost', 'this machine'],
    ['api.localhost', 'this machine'],
    ['169.254.169.254', 'link-local / cloud metadata'],
  ])('refuses %s (%s)', (host, reason) => {
    const decision = visitors().decide(host);
    expect(decision.allowed).toBe(false);
    expect(decision.allowed === false && decision.reason).toContain(reason);
  });

  it.each(['93.184.216.34', '[2606:2800:220:1::]', 'hooks.example.com'])('takes %s', (host) => {
    expect(visitors().decide(host)).toEqual({ allowed: true });
  });

  it('lets ALLOWED_TARGETS through, and BLOCKED_TARGETS=none does not open private ranges', () => {
    expect(visitors({ allowedTargets: ['127.0.0.1'] }).decide('127.0.0.1')).toEqual({ allowed: true });
    expect(visitors({ allowedTargets: ['127.0.0.1'] }).decide('127.0.0.2').allowed).toBe(false);
    expect(visitors({ blockDefaultTargets: false }).decide('10.0.0.1').allowed).toBe(false);
    expect(visitors({ blockedTargets: ['hooks.example.com'] }).decide('hooks.example.com').allowed).toBe(false);
  });
});
