import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Who may address Vigil, and from which web pages.
 *
 * - `Host` (every request): a browser tricked by DNS rebinding sends the attacker's name, so only
 *   names known to be Vigil's are served: loopback names and addresses, this machine's own
 *   addresses, PUBLIC_URL's host and ALLOWED_HOSTS. A request without Host (not a browser) passes.
 * - `Origin` (writes and realtime connections): a browser always sends it on those; it must be the
 *   origin the request was addressed to (its Host), PUBLIC_URL's origin or one of ALLOWED_ORIGINS.
 *   A request without Origin (curl, scripts, server-side clients) passes: the web page attack
 *   this defends against always carries one.
 *
 * @example
 * const policy = new OriginPolicy({ publicUrl: new URL('https://vigil.example.com'), allowedOrigins: [], allowedHosts: [] });
 * policy.checkHost('evil.example:3000') // { ok: false, status: 421, … }
 * policy.checkOrigin({ origin: 'https://evil.example', host: '127.0.0.1:3000' }) // { ok: false, status: 403, … }
 */
export interface OriginPolicyOptions {
  publicUrl?: URL | undefined;
  /** Exact origins (`https://admin.example.com`) that may write and connect besides Vigil's own. */
  allowedOrigins: readonly string[];
  /** Host names (`vigil.lan`, `*.example.com` for subdomains, `*` for any) served besides the defaults. */
  allowedHosts: readonly string[];
  /** This machine's addresses (default: os.networkInterfaces(), re-read at most every 10 s on a miss). */
  ownAddresses?: () => Iterable<string>;
  now?: () => number;
}

export type PolicyVerdict = { ok: true } | { ok: false; status: 403 | 421; message: string };

export interface OriginFacts {
  /** The Origin header, if any. */
  origin: string | undefined;
  /** The Host header the request was addressed to. */
  host: string | undefined;
  /** The Sec-Fetch-Site header, if any: a browser that says `cross-site` or `same-site` but sends no Origin is refused all the same. */
  fetchSite?: string | undefined;
}

const OK: PolicyVerdict = { ok: true };
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const REFRESH_MS = 10_000;

export class OriginPolicy {
  readonly #exactHosts = new Set<string>();
  readonly #hostSuffixes: string[] = [];
  readonly #anyHost: boolean;
  readonly #origins = new Set<string>();
  readonly #ownAddresses: () => Iterable<string>;
  readonly #now: () => number;
  #own = new Set<string>();
  #ownReadAt = -Infinity;

  constructor(options: OriginPolicyOptions) {
    this.#anyHost = options.allowedHosts.includes('*');
    for (const entry of options.allowedHosts) {
      const name = normalizeName(entry);
      if (name.startsWith('*.')) this.#hostSuffixes.push(name.slice(1));
      else if (name !== '*') this.#exactHosts.add(name);
    }
    if (options.publicUrl) {
      this.#exactHosts.add(normalizeName(options.publicUrl.hostname));
      this.#origins.add(options.publicUrl.origin);
    }
    for (const origin of options.allowedOrigins) this.#origins.add(new URL(origin).origin);
    this.#ownAddresses = options.ownAddresses ?? interfaceAddresses;
    this.#now = options.now ?? Date.now;
  }

  /** 421 unless the request's Host names Vigil (see the class comment). */
  checkHost(host: string | undefined): PolicyVerdict {
    if (host === undefined || host === '' || this.#anyHost) return OK;
    const name = hostName(host);
    if (name !== undefined && this.#knownName(name)) return OK;
    const shown = host.length > 100 ? `${host.slice(0, 100)}…` : host;
    return {
      ok: false,
      status: 421,
      message: `This Vigil does not answer to the host name "${shown}". Add it to ALLOWED_HOSTS, or set PUBLIC_URL to the address people use.`,
    };
  }

  /** 403 when a browser page of another origin writes or connects (see the class comment). */
  checkOrigin(facts: OriginFacts): PolicyVerdict {
    if (facts.origin === undefined) {
      if (facts.fetchSite !== 'cross-site' && facts.fetchSite !== 'same-site') return OK;
      return {
        ok: false,
        status: 403,
        message: `Requests from pages of another ${facts.fetchSite === 'cross-site' ? 'site' : 'origin'} (Sec-Fetch-Site: ${facts.fetchSite}, no Origin) are refused.`,
      };
    }
    if (this.#origins.has(facts.origin) || (facts.host !== undefined && sameHost(facts.origin, facts.host))) return OK;
    const shown = facts.origin.length > 100 ? `${facts.origin.slice(0, 100)}…` : facts.origin;
    return {
      ok: false,
      status: 403,
      message: `Requests from pages of another origin (${shown}) are refused. Add it to ALLOWED_ORIGINS if it should control this Vigil.`,
    };
  }

  /** Both checks: what a write or a realtime connection must pass. */
  checkWrite(facts: OriginFacts): PolicyVerdict {
    const host = this.checkHost(facts.host);
    return host.ok ? this.checkOrigin(facts) : host;
  }

  #knownName(name: string): boolean {
    if (isLoopbackHost(name) || name === '::' || name === '0.0.0.0') return true;
    if (this.#exactHosts.has(name) || this.#hostSuffixes.some((suffix) => name.endsWith(suffix))) return true;
    return isIP(name) !== 0 && this.#isOwnAddress(name);
  }

  #isOwnAddress(address: string): boolean {
    if (this.#own.has(address)) return true;
    // A miss re-reads the interfaces (an address may have been added since), at most every 10 s.
    if (this.#now() - this.#ownReadAt < REFRESH_MS) return false;
    this.#ownReadAt = this.#now();
    this.#own = new Set([...this.#ownAddresses()].map((a) => normalizeName(a)));
    return this.#own.has(address);
  }
}

/** The host name of a Host header value ("example.com:3000", "[::1]:3000"), lower-cased, without a trailing dot. */
export function hostName(host: string): string | undefined {
  const match = /^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/.exec(host) ?? /^([^:[\]\s/@]+)(?::\d{1,5})?$/.exec(host);
  return match ? normalizeName(match[1]!) : undefined;
}

function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  // One spelling per IPv6 address (0:0:0:0:0:0:0:1 is ::1, ::ffff:127.0.0.1 is ::ffff:7f00:1), as interfaces list them.
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

/** Whether a browser Origin is the origin a request with this Host was addressed to (either scheme: a TLS proxy may sit in front). */
function sameHost(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  const addressed = host.toLowerCase();
  return url.host === (addressed.endsWith(defaultPort) ? addressed.slice(0, -defaultPort.length) : addressed);
}

/**
 * Whether a host name as `hostName()` gives it is this machine by definition: the localhost names,
 * 127.0.0.0/8 and ::1 (what browsers count as potentially trustworthy over plain HTTP).
 */
export function isLoopbackHost(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || (isIP(name) !== 0 && isLoopbackAddress(name));
}

/** `address` is canonical (see normalizeName): IPv4-mapped IPv6 addresses read ::ffff:7f00:1. */
function isLoopbackAddress(address: string): boolean {
  if (address === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(address);
  if (mapped) return parseInt(mapped[1]!, 16) >> 8 === 127;
  return isIP(address) === 4 && address.startsWith('127.');
}

function* interfaceAddresses(): Iterable<string> {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) yield info.address.replace(/%.*$/, '');
  }
}
