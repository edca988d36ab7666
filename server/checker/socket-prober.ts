/**
 * Checks a TCP service (connect, optionally over TLS, optionally send a text and read the reply)
 * or a TLS certificate on any host:port, and reports what it observed. Like the HTTP prober it
 * never rejects, and it enforces the target policy where the connection is made.
 */
import net, { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls, { type TLSSocket } from 'node:tls';
import type { SocketAddress } from '../contract/monitor-address.ts';
import { checkError } from '../domain/check-errors.ts';
import type { ProbeObservation } from '../domain/check-rules.ts';
import { describeBlockedConnection, type TargetPolicy } from '../security/target-policy.ts';
import { certificateSeen, type CertificateSeen, excerptOf } from './answer-text.ts';
import { blockedDetail, describeFailure } from './failures.ts';
import { guardedLookup } from './guarded-lookup.ts';

export interface SocketProbeTarget {
  address: SocketAddress;
  /** `tls`: look at the certificate whatever it is (an invalid one fails the check with why, and is still reported). */
  mode: 'tcp' | 'tls';
  /** Sent once connected; null: send nothing. */
  send: string | null;
  /**
   * Whether the check waits for a reply, and when it has enough: `done(reply)` true ends the wait
   * (the reply holds what the assertions look for); a reply that stops coming ends it too.
   * Null: the check ends once connected (and the text sent).
   */
  reply: { done: (reply: string) => boolean } | null;
  timeoutMs: number;
  /** Read the peer's certificate (tls:// only). */
  readCertificate: boolean;
}

/** Most reply bytes kept; past them the reply counts as received. */
export const MAX_REPLY_BYTES = 64 * 1024;
/** A reply that has been quiet this long, with more still awaited, is taken as complete. */
const REPLY_QUIET_MS = 250;

export class SocketProber {
  readonly #targets: TargetPolicy;
  readonly #lookup: LookupFunction;

  constructor(targets: TargetPolicy) {
    this.#targets = targets;
    this.#lookup = guardedLookup(targets);
  }

  probe(target: SocketProbeTarget): Promise<ProbeObservation> {
    return new Promise<ProbeObservation>((resolve) => {
      const { host, port } = target.address;
      const start = performance.now();
      const elapsed = () => Math.round(performance.now() - start);
      let socket: Socket | null = null;
      let settled = false;
      let certificate: CertificateSeen | null = null;
      const timers: NodeJS.Timeout[] = [];

      const finish = (observation: ProbeObservation) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        socket?.destroy();
        resolve({
          ...observation,
          certificateExpiresAt: certificate?.expiresAt ?? null,
          ...(target.mode === 'tls' ? { certificate: certificate?.summary ?? null } : {}),
        });
      };
      const answered = (connectedIn: number, reply: Buffer | null) => {
        finish({
          kind: 'response',
          statusCode: null,
          responseTime: connectedIn,
          headers: {},
          body: reply === null ? null : reply.toString('utf8'),
          bodyExcerpt: reply === null ? null : excerptOf(reply),
          certificateDays: certificate?.days ?? null,
        });
      };

      const decision = this.#targets.decide(host);
      if (!decision.allowed) {
        finish({ kind: 'failure', ...checkError('blocked', { detail: blockedDetail(describeBlockedConnection(decision)) }), responseTime: 0 });
        return;
      }

      timers.push(
        setTimeout(() => {
          if (reading) answered(readingSince, Buffer.concat(chunks));
          else finish({ kind: 'failure', ...checkError('timeout'), responseTime: Math.max(elapsed(), target.timeoutMs) });
        }, target.timeoutMs),
      );

      let reading = false;
      let readingSince = 0;
      const chunks: Buffer[] = [];
      let replyBytes = 0;
      let quiet: NodeJS.Timeout | undefined;

      const connected = (s: Socket) => {
        const connectedIn = elapsed();
        if (target.send !== null) s.write(target.send);
        if (target.reply === null) {
          answered(connectedIn, null);
          return;
        }
        const { done } = target.reply;
        reading = true;
        readingSince = connectedIn;
        const complete = () => answered(connectedIn, Buffer.concat(chunks));
        s.on('data', (chunk: Buffer) => {
          const room = MAX_REPLY_BYTES - replyBytes;
          chunks.push(chunk.subarray(0, room));
          replyBytes += Math.min(chunk.length, room);
          if (replyBytes >= MAX_REPLY_BYTES || done(Buffer.concat(chunks).toString('utf8'))) {
            complete();
            return;
          }
          if (quiet) clearTimeout(quiet);
          quiet = setTimeout(complete, REPLY_QUIET_MS);
          timers.push(quiet);
        });
        s.on('end', complete);
        s.on('close', complete);
      };

      const common = { host, port, lookup: this.#lookup };
      if (target.address.tls) {
        const s: TLSSocket = tls.connect({
          ...common,
          servername: isIP(host) ? undefined : host,
          // A tls check looks at whatever certificate it is shown, and says what is wrong with it.
          rejectUnauthorized: target.mode !== 'tls',
          ALPNProtocols: ['http/1.1'],
        });
        socket = s;
        s.once('secureConnect', () => {
          if (target.readCertificate) certificate = certificateSeen(s.getPeerCertificate());
          if (!s.authorized && target.mode === 'tls') {
            const why = s.authorizationError;
            const detail = (typeof why === 'string' ? why : (why as Error | null)?.message) ?? 'the certificate is not trusted';
            finish({ kind: 'failure', ...checkError('tls', { detail: describeAuthorizationError(detail) }), responseTime: elapsed() });
            return;
          }
          connected(s);
        });
      } else {
        const s = net.connect(common);
        socket = s;
        s.once('connect', () => connected(s));
      }
      socket.on('error', (error: Error & { code?: unknown }) => {
        if (reading && chunks.length > 0) answered(readingSince, Buffer.concat(chunks));
        else finish({ kind: 'failure', ...describeFailure(error, host, port), responseTime: elapsed() });
      });
    });
  }
}

/** OpenSSL's code for why a certificate is not trusted, in words ("CERT_HAS_EXPIRED" → "certificate has expired"). */
function describeAuthorizationError(code: string): string {
  const known: Record<string, string> = {
    CERT_HAS_EXPIRED: 'certificate has expired',
    CERT_NOT_YET_VALID: 'certificate is not yet valid',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
    ERR_TLS_CERT_ALTNAME_INVALID: "the certificate does not cover the host's name",
    CERT_REVOKED: 'certificate revoked',
    CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  };
  return known[code] ?? code;
}
