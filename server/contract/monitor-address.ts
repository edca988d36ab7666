import { DNS_RECORD_TYPES, type DnsRecordType, type MonitorType } from './types.ts';

/**
 * What an endpoint's URL says for each monitor type, as the API validates it and the dashboard's
 * form composes it: one copy. Pure (no Node modules), so the web app imports it too.
 */

/** A TCP or TLS address: `tcp://host:port` (plain) or `tls://host:port` (TLS, port 443 by default). */
export interface SocketAddress {
  host: string;
  port: number;
  tls: boolean;
}

/** A DNS lookup: `dns://resolver[:port]/name?type=MX`, or `dns:name?type=MX` for the system's resolver (RFC 4501). */
export interface DnsQuery {
  /** The resolver's address and port; null: the system's (/etc/resolv.conf). */
  resolver: { host: string; port: number } | null;
  name: string;
  recordType: DnsRecordType;
}

export interface AddressProblem {
  message: string;
  code: string;
}

/** The type a URL's scheme implies: http and https → http, tcp, dns, tls → tls; null for any other. */
export function typeOfUrl(url: string): MonitorType | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'tcp' || scheme === 'dns' || scheme === 'tls' || scheme === 'push') return scheme;
  return null;
}

/** A push endpoint's URL: `push:` and its token (22 to 64 of A-Z a-z 0-9 _ -), or the redaction marker in its place. */
export const PUSH_URL = /^push:(?:[A-Za-z0-9_-]{22,64}|\(secret\))$/;

/** The token of a push endpoint's URL; null for any other URL. */
export function pushTokenOf(url: string): string | null {
  return url.startsWith('push:') && PUSH_URL.test(url) && !url.endsWith('(secret)') ? url.slice(5) : null;
}

const EXAMPLES: Record<MonitorType, string> = {
  http: 'an absolute http:// or https:// URL',
  tcp: 'tcp://host:port, or tls://host:port for TLS',
  dns: 'dns://resolver/name?type=A, or dns:name?type=A for the system resolver',
  tls: 'tls://host:port',
  push: 'push:<token> (leave it out: Vigil makes one)',
};

/** What is wrong with `url` for an endpoint of `type`; null when nothing is. */
export function addressProblem(type: MonitorType, url: string): AddressProblem | null {
  const invalid = { message: `must be ${EXAMPLES[type]}`, code: 'invalid_url' };
  if (type === 'push') return PUSH_URL.test(url) ? null : invalid;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid;
  }
  switch (type) {
    case 'http':
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? null : invalid;
    case 'tcp':
    case 'tls': {
      if (type === 'tcp' && parsed.protocol === 'tcp:' && parsed.hostname !== '' && parsed.port === '') {
        return { message: 'must name a port: tcp://host:port', code: 'port_required' };
      }
      const address = socketAddressOf(url);
      if (!address || (type === 'tls' && !address.tls)) return invalid;
      if (parsed.pathname !== '' && parsed.pathname !== '/') return { message: 'must name only a host and a port (no path)', code: 'invalid_url' };
      if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
        return { message: 'must name only a host and a port (no query, fragment or user)', code: 'invalid_url' };
      }
      return null;
    }
    case 'dns':
      return dnsQueryProblem(url);
  }
}

/** The host and port of a `tcp://` or `tls://` URL; null for any other. */
export function socketAddressOf(url: string): SocketAddress | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const tls = parsed.protocol === 'tls:';
  if ((parsed.protocol !== 'tcp:' && !tls) || parsed.hostname === '') return null;
  const port = parsed.port === '' ? (tls ? 443 : 0) : Number(parsed.port);
  if (!(port >= 1 && port <= 65_535)) return null;
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port, tls };
}

/** The lookup a `dns:` URL asks for; null when it is not one (see `dnsQueryProblem`). */
export function dnsQueryOf(url: string): DnsQuery | null {
  return parseDns(url).query;
}

function dnsQueryProblem(url: string): AddressProblem | null {
  return parseDns(url).problem;
}

const NAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function parseDns(url: string): { query: DnsQuery; problem: null } | { query: null; problem: AddressProblem } {
  const fail = (message: string, code = 'invalid_url') => ({ query: null, problem: { message, code } }) as const;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`must be ${EXAMPLES.dns}`);
  }
  if (parsed.protocol !== 'dns:') return fail(`must be ${EXAMPLES.dns}`);
  if (parsed.username !== '' || parsed.password !== '' || parsed.hash !== '') return fail('must not hold a user, a password or a fragment');
  let resolver: DnsQuery['resolver'] = null;
  let name = parsed.pathname;
  if (parsed.host !== '') {
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (!isIpAddress(host)) return fail('must name the resolver by its IP address (dns://192.0.2.53/name)', 'resolver_not_ip');
    resolver = { host, port: parsed.port === '' ? 53 : Number(parsed.port) };
    name = name.replace(/^\//, '');
  } else if (url.toLowerCase().startsWith('dns://')) {
    // dns:///name: an empty authority, the system's resolver.
    name = name.replace(/^\//, '');
  }
  try {
    name = decodeURIComponent(name);
  } catch {
    return fail('must name a valid host name to look up');
  }
  if (!NAME.test(name)) return fail('must name a valid host name to look up (dns://resolver/example.com)', 'invalid_dns_name');
  let recordType: DnsRecordType = 'A';
  for (const [key, value] of new URLSearchParams(parsed.search.replaceAll(';', '&'))) {
    if (key.toLowerCase() === 'type') {
      const upper = value.toUpperCase() as DnsRecordType;
      if (!DNS_RECORD_TYPES.includes(upper)) return fail(`type must be one of ${DNS_RECORD_TYPES.join(', ')}`, 'invalid_record_type');
      recordType = upper;
    } else if (key.toLowerCase() === 'class') {
      if (value.toUpperCase() !== 'IN') return fail('class must be IN', 'invalid_record_class');
    } else {
      return fail(`takes only type= and class= in its query, not ${key}=`, 'invalid_url');
    }
  }
  return { query: { resolver, name: name.replace(/\.$/, ''), recordType }, problem: null };
}

/** The URL of a lookup, as the form composes it. */
export function dnsUrlOf(query: DnsQuery): string {
  const resolver = query.resolver
    ? `//${query.resolver.host.includes(':') ? `[${query.resolver.host}]` : query.resolver.host}${query.resolver.port === 53 ? '' : `:${query.resolver.port}`}/`
    : '';
  return `dns:${resolver}${query.name}?type=${query.recordType}`;
}

function isIpAddress(host: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)) return host.split('.').every((part) => Number(part) <= 255);
  return host.includes(':') && /^[0-9a-f:.]+$/i.test(host);
}
