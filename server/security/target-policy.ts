/**
 * Which targets Vigil may send checks to (its SSRF policy).
 *
 * Monitoring private services is Vigil's job, so private ranges (10/8, 172.16/12, 192.168/16,
 * 127/8, ::1, fc00::/7) are allowed; what is refused by default is what no health check needs and
 * an attacker wants: link-local and cloud-metadata addresses and host names, and the unspecified
 * addresses. The operator widens or narrows this with two settings:
 *
 * - `BLOCKED_TARGETS` adds entries to the defaults; `BLOCKED_TARGETS=none` (alone) blocks nothing,
 *   defaults included.
 * - `ALLOWED_TARGETS` wins over both, e.g. `ALLOWED_TARGETS=169.254.10.0/24`.
 *
 * An entry is a CIDR (`10.0.0.0/8`, `fd00::/8`), one address (`127.0.0.2`, `::1`) or a host name
 * (`db.internal`; `*.example.internal` for every name under it, not the name itself). Names and
 * addresses are decided apart: a name in a URL is checked against the name entries, and every
 * address it resolves to against the address entries (so allowing a name does not allow the
 * addresses it resolves to).
 *
 * An IPv6 address that carries an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
 * `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and `64:ff9b:1::a.b.c.d`, 6to4 `2002:AABB:CCDD::`) is
 * judged as both: it is allowed if either form is allowed, else blocked if either form is blocked.
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type TargetDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** The address or name refused, as shown to users ("::ffff:a9fe:a9fe (169.254.169.254)"). */
      target: string;
      /** Why, in a few words ("link-local / cloud metadata", "listed in BLOCKED_TARGETS"). */
      reason: string;
    };

export interface TargetPolicySettings {
  /** BLOCKED_TARGETS entries, blocked on top of the defaults. */
  blockedTargets: readonly string[];
  /** ALLOWED_TARGETS entries: allowed whatever else says. */
  allowedTargets: readonly string[];
  /** False with BLOCKED_TARGETS=none. */
  blockDefaultTargets: boolean;
}

interface Entry {
  text: string;
  reason: string;
}

/** Blocked unless ALLOWED_TARGETS says otherwise (or BLOCKED_TARGETS=none). */
export const DEFAULT_BLOCKED_TARGETS: readonly Entry[] = [
  { text: '169.254.0.0/16', reason: 'link-local / cloud metadata' },
  { text: 'fe80::/10', reason: 'IPv6 link-local' },
  { text: '100.100.100.200', reason: 'cloud metadata (Alibaba Cloud)' },
  { text: 'fd00:ec2::254', reason: 'cloud metadata (AWS, IPv6)' },
  { text: '0.0.0.0/8', reason: 'unspecified address ("this network")' },
  { text: '::', reason: 'unspecified address' },
  { text: 'metadata.google.internal', reason: 'cloud metadata host name (Google Cloud)' },
  { text: 'metadata.goog', reason: 'cloud metadata host name (Google Cloud)' },
  { text: 'metadata', reason: 'cloud metadata host name (Google Cloud)' },
  { text: 'instance-data', reason: 'cloud metadata host name (AWS)' },
  { text: 'instance-data.ec2.internal', reason: 'cloud metadata host name (AWS)' },
  { text: 'metadata.tencentyun.com', reason: 'cloud metadata host name (Tencent Cloud)' },
];

/**
 * What an anonymous visitor's webhook (a status page subscriber) may not reach on top of the
 * defaults: this machine and private networks, which are Vigil's business to check and nobody
 * else's to be sent to. ALLOWED_TARGETS still wins.
 */
export const NON_PUBLIC_TARGETS: readonly Entry[] = [
  { text: '127.0.0.0/8', reason: 'loopback: not a public address' },
  { text: '::1', reason: 'loopback: not a public address' },
  { text: '10.0.0.0/8', reason: 'private network: not a public address' },
  { text: '172.16.0.0/12', reason: 'private network: not a public address' },
  { text: '192.168.0.0/16', reason: 'private network: not a public address' },
  { text: '100.64.0.0/10', reason: 'shared address space: not a public address' },
  { text: '192.0.0.0/24', reason: 'special-purpose: not a public address' },
  { text: '198.18.0.0/15', reason: 'benchmarking network: not a public address' },
  { text: '224.0.0.0/3', reason: 'multicast or reserved: not a public address' },
  { text: 'fc00::/7', reason: 'unique local (private) IPv6: not a public address' },
  { text: 'ff00::/8', reason: 'IPv6 multicast: not a public address' },
  { text: 'localhost', reason: 'this machine: not a public address' },
  { text: '*.localhost', reason: 'this machine: not a public address' },
];

/** The value of BLOCKED_TARGETS that turns every block off, the defaults included. */
export const NO_BLOCKED_TARGETS = 'none';

const BLOCKED_REASON = 'listed in BLOCKED_TARGETS';

type Rule = { kind: 'address'; list: BlockList; reason: string } | { kind: 'name'; name: string; subdomains: boolean; reason: string };

/**
 * The policy itself: pure, built once from settings.
 * @example
 * const policy = TargetPolicy.fromSettings({ blockedTargets: [], allowedTargets: [], blockDefaultTargets: true });
 * policy.decide('0xa9fea9fe'); // { allowed: false, target: '169.254.169.254', reason: 'link-local / cloud metadata' }
 */
export class TargetPolicy {
  readonly #blocked: Rule[];
  readonly #allowed: Rule[];

  private constructor(blocked: Rule[], allowed: Rule[]) {
    this.#blocked = blocked;
    this.#allowed = allowed;
  }

  /** Throws on an entry `targetEntryError` refuses (settings have checked them already). */
  static fromSettings(settings: TargetPolicySettings): TargetPolicy {
    return TargetPolicy.blocking(settings.blockDefaultTargets ? DEFAULT_BLOCKED_TARGETS : [], settings);
  }

  /** For addresses anonymous visitors give (status page webhooks): public ones only, unless ALLOWED_TARGETS lists them. */
  static forVisitors(settings: TargetPolicySettings): TargetPolicy {
    return TargetPolicy.blocking([...DEFAULT_BLOCKED_TARGETS, ...NON_PUBLIC_TARGETS], settings);
  }

  /** `builtIn`, BLOCKED_TARGETS on top, ALLOWED_TARGETS over both. */
  private static blocking(builtIn: readonly Entry[], settings: TargetPolicySettings): TargetPolicy {
    const blocked = [...builtIn, ...settings.blockedTargets.map((text) => ({ text, reason: BLOCKED_REASON }))];
    const allowed = settings.allowedTargets.map((text) => ({ text, reason: 'listed in ALLOWED_TARGETS' }));
    return new TargetPolicy(blocked.map(toRule), allowed.map(toRule));
  }

  /** The built-in defaults alone. */
  static defaults(): TargetPolicy {
    return TargetPolicy.fromSettings({ blockedTargets: [], allowedTargets: [], blockDefaultTargets: true });
  }

  /**
   * Decides one host: an IP address (bracketed or not, in any notation a URL accepts) or a host
   * name (any case, trailing dot or not).
   */
  decide(host: string): TargetDecision {
    const normalised = normaliseHost(host);
    const family = isIP(normalised);
    return family === 0 ? this.#decideName(normalised) : this.#decideAddress(normalised, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Decides the host of a URL; an unparsable URL is not this policy's business (allowed). */
  decideUrl(url: string | URL): TargetDecision {
    let hostname: string;
    try {
      hostname = typeof url === 'string' ? new URL(url).hostname : url.hostname;
    } catch {
      return { allowed: true };
    }
    return hostname === '' ? { allowed: true } : this.decide(hostname);
  }

  #decideName(name: string): TargetDecision {
    if (this.#allowed.some((rule) => nameMatches(rule, name))) return { allowed: true };
    const rule = this.#blocked.find((r) => nameMatches(r, name));
    return rule ? { allowed: false, target: name, reason: rule.reason } : { allowed: true };
  }

  #decideAddress(address: string, family: 'ipv4' | 'ipv6'): TargetDecision {
    const embedded = family === 'ipv6' ? embeddedIPv4(address) : null;
    // The embedded IPv4 form first: it is the one worth naming when both match.
    const forms: [string, 'ipv4' | 'ipv6'][] = embedded
      ? [
          [embedded, 'ipv4'],
          [address, family],
        ]
      : [[address, family]];
    if (forms.some(([a, f]) => this.#allowed.some((rule) => addressMatches(rule, a, f)))) return { allowed: true };
    for (const [a, f] of forms) {
      const rule = this.#blocked.find((r) => addressMatches(r, a, f));
      if (rule) return { allowed: false, target: a === address ? address : `${address} (${a})`, reason: rule.reason };
    }
    return { allowed: true };
  }
}

/** What the REST API says about a URL whose host is blocked (field error on `url`). */
export function describeBlockedUrl(decision: Extract<TargetDecision, { allowed: false }>): string {
  return `targets ${decision.target}, which is blocked by policy (${decision.reason}); see BLOCKED_TARGETS/ALLOWED_TARGETS`;
}

/** What a check refused at connect time reports as its error (`name`: the host name that resolved to it). */
export function describeBlockedConnection(decision: Extract<TargetDecision, { allowed: false }>, name?: string): string {
  return `Blocked by policy: ${name === undefined ? '' : `${name} → `}${decision.target} (${decision.reason})`;
}

/**
 * Checks one BLOCKED_TARGETS / ALLOWED_TARGETS entry; returns what is wrong with it, or null.
 * Addresses are taken in their standard notation only (dotted-decimal IPv4, IPv6 text): no 0xa9fea9fe.
 */
export function targetEntryError(text: string): string | null {
  const notAnEntry = `"${text}" is not a CIDR, an IP address or a host name`;
  if (text.includes('://')) return notAnEntry;
  const slash = text.indexOf('/');
  if (slash !== -1) {
    const address = unbracket(text.slice(0, slash));
    const prefix = text.slice(slash + 1);
    const family = isIP(address);
    if (family === 0) return `"${text}" is not a CIDR: "${address}" is not an IP address`;
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${text}" is not a CIDR: the prefix length must be 0 to ${max}`;
    return null;
  }
  if (isIP(unbracket(text)) !== 0) return null;
  // Digits and dots only, or a colon: meant as an address, never a host name.
  if (/^[\d.]+$/.test(text) || text.includes(':')) return `"${text}" is not a valid IP address`;
  if (hostNamePattern(text) === null) return notAnEntry;
  return null;
}

/**
 * Splits a comma-separated setting into its entries (blanks dropped), with an error per bad entry.
 * @example splitTargetList('10.0.0.0/8, *.corp') // { entries: ['10.0.0.0/8', '*.corp'], errors: [] }
 */
export function splitTargetList(text: string): { entries: string[]; errors: string[] } {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const errors = entries.map(targetEntryError).filter((error): error is string => error !== null);
  return { entries, errors };
}

function toRule({ text, reason }: Entry): Rule {
  const error = targetEntryError(text);
  if (error) throw new Error(`Invalid target entry: ${error}`);
  const slash = text.indexOf('/');
  const address = unbracket(slash === -1 ? text : text.slice(0, slash));
  const family = isIP(address);
  if (family !== 0) {
    const list = new BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) list.addAddress(address, type);
    else list.addSubnet(address, Number(text.slice(slash + 1)), type);
    return { kind: 'address', list, reason };
  }
  const pattern = hostNamePattern(text)!;
  return { kind: 'name', name: pattern.name, subdomains: pattern.subdomains, reason };
}

function addressMatches(rule: Rule, address: string, family: 'ipv4' | 'ipv6'): boolean {
  // BlockList matches IPv4-mapped IPv6 addresses against IPv4 rules, and IPv4 against ::ffff: rules.
  return rule.kind === 'address' && rule.list.check(address, family);
}

function nameMatches(rule: Rule, name: string): boolean {
  if (rule.kind !== 'name') return false;
  return rule.subdomains ? name.endsWith(`.${rule.name}`) : name === rule.name;
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** A host name entry, lower-cased and in ASCII (punycode), or null when it is not one. */
function hostNamePattern(text: string): { name: string; subdomains: boolean } | null {
  const subdomains = text.startsWith('*.');
  const ascii = domainToASCII(trimDot(subdomains ? text.slice(2) : text));
  if (ascii === '' || !HOST_NAME.test(ascii) || ascii.length > 253) return null;
  // A last label of digits only is a malformed address, never a name (as the URL parser sees it).
  if (/(?:^|\.)\d+$/.test(ascii)) return null;
  return { name: ascii, subdomains };
}

/**
 * The host as the URL parser would read it: numeric IPv4 forms (decimal, hex, octal, short)
 * become dotted decimal, IPv6 is compressed, names are lower-cased and punycoded; brackets, a
 * zone id and a trailing dot are dropped.
 */
function normaliseHost(host: string): string {
  let text = host.trim();
  const bare = unbracket(text).replace(/%.*$/, '');
  if (isIP(bare) === 6) {
    text = `[${bare}]`;
  }
  try {
    const hostname = new URL(`http://${text}/`).hostname;
    return trimDot(unbracket(hostname));
  } catch {
    return trimDot(unbracket(text).toLowerCase());
  }
}

function unbracket(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function trimDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** The IPv4 address an IPv6 address carries by a standard embedding, or null. */
export function embeddedIPv4(address: string): string | null {
  const w = ipv6Words(address);
  if (w === null) return null;
  const zeros = (from: number, to: number) => w.slice(from, to).every((word) => word === 0);
  const ipv4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 5) && w[5] === 0xffff) return ipv4(w[6]!, w[7]!);
  // ::a.b.c.d (IPv4-compatible, deprecated); :: and ::1 are not IPv4 addresses.
  if (zeros(0, 6) && !(w[6] === 0 && w[7]! <= 1)) return ipv4(w[6]!, w[7]!);
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052) and 64:ff9b:1::a.b.c.d (local-use NAT64, RFC 8215, /96)
  if (w[0] === 0x64 && w[1] === 0xff9b && (w[2] === 0 || w[2] === 1) && zeros(3, 6)) return ipv4(w[6]!, w[7]!);
  // 2002:AABB:CCDD::/48 (6to4, RFC 3056)
  if (w[0] === 0x2002) return ipv4(w[1]!, w[2]!);
  return null;
}

/** The eight 16-bit words of a valid IPv6 address (a dotted IPv4 tail allowed), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  if (isIP(text) !== 6) return null;
  // A dotted IPv4 tail becomes its two hex words.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((p) => parseInt(p, 16)) : []);
  const left = parse(head);
  const right = parse(rest);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return null;
  return [...left, ...new Array<number>(missing).fill(0), ...right];
}
