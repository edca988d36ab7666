/**
 * Looks up one DNS record type through a given resolver (or the system's) and reports the
 * answer's response code and records. Never rejects; the resolver's address is judged by the
 * target policy before any query is sent.
 */
import { Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import type { DnsQuery } from '../contract/monitor-address.ts';
import type { DnsRecordType } from '../contract/types.ts';
import { checkError } from '../domain/check-errors.ts';
import type { ProbeObservation } from '../domain/check-rules.ts';
import { describeBlockedConnection, type TargetPolicy } from '../security/target-policy.ts';
import { excerptOf } from './answer-text.ts';
import { blockedDetail } from './failures.ts';

/** What c-ares reports for each answer code that is an answer, not a failure to get one. */
const ANSWER_CODES: Record<string, string> = {
  ENODATA: 'NOERROR',
  ENOTFOUND: 'NXDOMAIN',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
};
/** Resolvers kept (one per resolver address and timeout), so that a check does not build a channel each time. */
const MAX_RESOLVERS = 256;

export class DnsProber {
  readonly #targets: TargetPolicy;
  readonly #resolvers = new Map<string, Resolver>();

  constructor(targets: TargetPolicy) {
    this.#targets = targets;
  }

  async probe(query: DnsQuery, timeoutMs: number): Promise<ProbeObservation> {
    const start = performance.now();
    const elapsed = () => Math.round(performance.now() - start);
    if (query.resolver) {
      const decision = this.#targets.decide(query.resolver.host);
      if (!decision.allowed)
        return { kind: 'failure', ...checkError('blocked', { detail: blockedDetail(describeBlockedConnection(decision)) }), responseTime: 0 };
    }
    const lookup = { name: query.name, recordType: query.recordType };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const records = await Promise.race([this.#resolver(query, timeoutMs).resolve(query.name, query.recordType), timedOut]);
      if (records === 'timeout') return { kind: 'failure', ...checkError('timeout'), responseTime: Math.max(elapsed(), timeoutMs) };
      const lines = recordLines(query.recordType, records);
      return answer(elapsed(), 'NOERROR', lines, lookup);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const answerCode = typeof code === 'string' ? ANSWER_CODES[code] : undefined;
      if (answerCode) return answer(elapsed(), answerCode, [], lookup);
      const resolver = query.resolver ?? { host: 'the system resolver', port: 53 };
      if (code === 'ETIMEOUT') return { kind: 'failure', ...checkError('timeout'), responseTime: elapsed() };
      if (code === 'ECONNREFUSED') return { kind: 'failure', ...checkError('refused', resolver), responseTime: elapsed() };
      const errno = typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : 'EDNS';
      return { kind: 'failure', ...checkError('network', { errno, detail: (error as Error).message }), responseTime: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  #resolver(query: DnsQuery, timeoutMs: number): Resolver {
    const server = query.resolver ? `${query.resolver.host.includes(':') ? `[${query.resolver.host}]` : query.resolver.host}:${query.resolver.port}` : '';
    const key = `${server}|${timeoutMs}`;
    let resolver = this.#resolvers.get(key);
    if (!resolver) {
      if (this.#resolvers.size >= MAX_RESOLVERS) this.#resolvers.clear();
      resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
      if (server) resolver.setServers([server]);
      this.#resolvers.set(key, resolver);
    }
    return resolver;
  }

  close(): void {
    for (const resolver of this.#resolvers.values()) resolver.cancel();
    this.#resolvers.clear();
  }
}

function answer(responseTime: number, code: string, lines: string[], lookup: { name: string; recordType: DnsRecordType }): ProbeObservation {
  const text = lines.join('\n');
  return {
    kind: 'response',
    statusCode: null,
    responseTime,
    headers: {},
    body: text,
    bodyExcerpt: excerptOf(Buffer.from(text)),
    certificateDays: null,
    dnsCode: code,
    dnsLookup: { ...lookup, answers: lines.length },
  };
}

/** Each record as one line of text, as `dig +short` writes it (MX `10 mail.example.com`, TXT its strings joined). */
export function recordLines(type: DnsRecordType, records: unknown): string[] {
  const list = Array.isArray(records) ? records : [records];
  return list.map((record) => {
    const r = record as Record<string, unknown>;
    switch (type) {
      case 'MX':
        return `${r.priority} ${r.exchange}`;
      case 'TXT':
        return (record as string[]).join('');
      case 'SRV':
        return `${r.priority} ${r.weight} ${r.port} ${r.name}`;
      case 'CAA': {
        const tag = ['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone'].find((t) => r[t] !== undefined) ?? 'issue';
        return `${r.critical ?? 0} ${tag} "${r[tag] ?? ''}"`;
      }
      case 'SOA':
        return `${r.nsname} ${r.hostmaster} ${r.serial} ${r.refresh} ${r.retry} ${r.expire} ${r.minttl}`;
      default:
        return String(record);
    }
  });
}
