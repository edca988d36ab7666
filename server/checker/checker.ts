/**
 * Checks one endpoint as its type says: an HTTP request, a TCP connection, a DNS lookup or a TLS
 * handshake. Resolves with what it observed (judged elsewhere: server/domain/check-rules.ts); never rejects.
 */
import { dnsQueryOf, socketAddressOf } from '../contract/monitor-address.ts';
import type { Assertion, EndpointDefinition } from '../contract/types.ts';
import { needsBody, needsCertificate, replyHolds } from '../domain/assertions.ts';
import { checkError } from '../domain/check-errors.ts';
import type { ProbeObservation } from '../domain/check-rules.ts';
import { TargetPolicy } from '../security/target-policy.ts';
import { DnsProber } from './dns-prober.ts';
import { HttpProber, type HttpProberOptions } from './http-prober.ts';
import { SocketProber } from './socket-prober.ts';

export class Checker {
  readonly http: HttpProber;
  readonly #sockets: SocketProber;
  readonly #dns: DnsProber;

  constructor(options: HttpProberOptions = {}) {
    const targets = options.targets ?? TargetPolicy.defaults();
    this.http = new HttpProber({ ...options, targets });
    this.#sockets = new SocketProber(targets);
    this.#dns = new DnsProber(targets);
  }

  probe(definition: EndpointDefinition): Promise<ProbeObservation> {
    const { assertions, timeoutMs } = definition;
    const watchCertificate = needsCertificate(assertions) || definition.certificateWarningDays !== null;
    switch (definition.type) {
      case 'http':
        return this.http.probe({
          url: definition.url,
          method: definition.method,
          headers: definition.headers,
          body: definition.body,
          timeoutMs,
          keepBody: needsBody(assertions),
          readCertificate: watchCertificate,
        });
      case 'tcp':
      case 'tls': {
        const address = socketAddressOf(definition.url);
        if (!address) return Promise.resolve(invalidUrl());
        const tlsCheck = definition.type === 'tls';
        return this.#sockets.probe({
          address,
          mode: definition.type,
          send: tlsCheck ? null : definition.body,
          reply: !tlsCheck && needsBody(assertions) ? { done: (reply) => repliedEnough(assertions, reply) } : null,
          timeoutMs,
          readCertificate: tlsCheck || watchCertificate,
        });
      }
      case 'dns': {
        const query = dnsQueryOf(definition.url);
        return query ? this.#dns.probe(query, timeoutMs) : Promise.resolve(invalidUrl());
      }
      case 'push':
        // Nothing to call: a push endpoint is judged by its pings (server/services/push/).
        return Promise.resolve(invalidUrl());
    }
  }

  close(): void {
    this.http.close();
    this.#dns.close();
  }
}

/**
 * Whether a TCP reply holds all that the endpoint's `contains` and `matches` assertions look for
 * (then there is no need to wait for more); with none of those (`equals`, `notContains`), the
 * whole reply is awaited: until the peer closes, or stops sending for a moment.
 */
function repliedEnough(assertions: readonly Assertion[], reply: string): boolean {
  const awaited = assertions.filter((a) => a.source === 'body' && (a.comparison === 'contains' || a.comparison === 'matches'));
  return awaited.length > 0 && awaited.every((a) => replyHolds(a, reply));
}

function invalidUrl(): ProbeObservation {
  return { kind: 'failure', ...checkError('invalid_url'), responseTime: 0 };
}
