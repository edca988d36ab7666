import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of Vigil may say who the client is (TRUST_PROXY):
 * - `none`: the TCP peer is the client; X-Forwarded-For is ignored.
 * - `hops`: exactly this many proxies stand in front of Vigil, and nothing reaches it otherwise.
 * - `addresses`: the proxies are the peers whose address is in this list.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; entries: readonly string[]; list: BlockList };

export const TRUST_NO_PROXY: TrustProxy = { kind: 'none' };

/** Names for common proxy ranges, as Express has them. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Reads TRUST_PROXY: `false`/`0` (no proxy), `true` (one proxy), a hop count (`2`), or a
 * comma-separated list of proxy addresses and CIDRs (`10.0.0.0/8, ::1`, also `loopback`,
 * `linklocal`, `uniquelocal`). Answers the reason as a string when the value is not one of these.
 * @example parseTrustProxy('10.0.0.0/8,127.0.0.1') // { kind: 'addresses', … }
 */
export function parseTrustProxy(value: string): TrustProxy | string {
  const setting = value.trim().toLowerCase();
  if (setting === 'false' || setting === '0') return TRUST_NO_PROXY;
  if (setting === 'true') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    return hops <= 100 ? { kind: 'hops', hops } : `"${value}" is too many proxies (at most 100)`;
  }
  const entries = setting
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'must be true, false, a number of proxies, or proxy addresses/CIDRs';
  const list = new BlockList();
  for (const entry of entries) {
    for (const range of NAMED_RANGES[entry] ?? [entry]) {
      const problem = addRange(list, range);
      if (problem) return `"${entry}" ${problem}; expected true, false, a number of proxies, or addresses/CIDRs such as 10.0.0.0/8, ::1, loopback`;
    }
  }
  return { kind: 'addresses', entries, list };
}

function addRange(list: BlockList, range: string): string | undefined {
  const [address = '', prefix, ...rest] = range.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return 'is not an IP address or CIDR';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return undefined;
  }
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) return `has a prefix length out of range for IPv${family}`;
  list.addSubnet(address, bits, type);
  return undefined;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; an address written with a port ("1.2.3.4:5678", "[::1]:80") → the address; undefined when it is not an IP address. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) === 0 ? undefined : address;
}

function isTrusted(trust: Extract<TrustProxy, { kind: 'addresses' }>, address: string): boolean {
  return trust.list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address: the right-most X-Forwarded-For address not added by a trusted proxy.
 * 1. Without a trusted proxy, or when the TCP peer is not one, the peer is the client.
 * 2. The chain reads [XFF entries…, peer]; each proxy appended the address it was reached from.
 * 3. With a hop count, the entry that many places left of the peer is the client (the left-most
 *    one if the chain is shorter: it was still added by a trusted proxy).
 * 4. With addresses, walk left from the peer while the entry is a trusted proxy; the first other
 *    entry is the client. An entry that is not an address ends the walk at the proxy that wrote it.
 * The left-most, client-written entries are never taken unless the trusted proxies vouch for them.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy): string {
  const tcpPeer = normalizeAddress(peer) ?? peer ?? 'unknown';
  if (trust.kind === 'none' || !forwardedFor) return tcpPeer;
  if (trust.kind === 'addresses' && !isTrusted(trust, tcpPeer)) return tcpPeer;
  const chain = forwardedFor.split(',').map((entry) => entry.trim());
  let client = tcpPeer;
  if (trust.kind === 'hops') {
    // chain[chain.length - 1] is one hop left of the peer.
    for (let i = chain.length - 1; i >= Math.max(0, chain.length - trust.hops); i--) {
      const address = normalizeAddress(chain[i]);
      if (address === undefined) return client;
      client = address;
    }
    return client;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = normalizeAddress(chain[i]);
    if (address === undefined) return client;
    client = address;
    if (!isTrusted(trust, address)) return client;
  }
  return client;
}

/** The client address of a Node request (REST, SSE, Socket.io handshakes and /ws upgrades alike). */
export type ClientAddressOf = (request: IncomingMessage) => string;

/** `clientAddress` of a Node request under one TRUST_PROXY setting. */
export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  return (request) => {
    const forwarded = request.headers['x-forwarded-for'];
    return clientAddress(request.socket?.remoteAddress, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trust);
  };
}
