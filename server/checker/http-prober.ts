/**
 * Performs ONE HTTP check against a target and reports what it observed.
 *
 * A failing target is data, never a thrown error: `probe()` always resolves, either with the
 * HTTP answer (any status code; judging it is done elsewhere) or with a failure: a code, its
 * parameters and an English sentence (server/domain/check-errors.ts).
 *
 * Built directly on `node:http` / `node:https` with keep-alive agents owned by the prober, so
 * that checking the same hosts over and over reuses connections instead of paying for a TCP
 * (and TLS) handshake every time.
 *
 * The target policy (server/security/target-policy.ts) is enforced where the connection is made:
 * the host of every hop (the URL, then each redirect) is judged before a request is sent, and
 * every address a name resolves to is judged before connecting; one blocked address refuses the
 * connection. A refusal is a failed check ("Blocked by policy: …"). A reused keep-alive socket is
 * not looked up again: it leads to an address already judged.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { HttpMethod } from '../contract/types.ts';
import type { ProbeObservation } from '../domain/check-rules.ts';
import { checkError } from '../domain/check-errors.ts';
import { describeBlockedConnection, TargetPolicy } from '../security/target-policy.ts';
import { type CertificateSeen, certificateSeen, EXCERPT_BYTES, excerptOf } from './answer-text.ts';
import { guardedLookup } from './guarded-lookup.ts';
import { blockedDetail, describeFailure, type Failure } from './failures.ts';

export { EXCERPT_BYTES };

export interface ProbeTarget {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  /** Keep the body (up to MAX_BODY_BYTES) for assertions; otherwise only its first KB is kept, for the excerpt. */
  keepBody?: boolean;
  /** Read the server's TLS certificate (https only): for assertions on its days, and the warning period. */
  readCertificate?: boolean;
}

export interface HttpProberOptions {
  /** Sent unless the target's own headers set a User-Agent. */
  userAgent?: string;
  /** How many redirects one probe may follow (default 5). */
  maxRedirects?: number;
  /** Which targets may be reached (default: the built-in defaults, TargetPolicy.defaults()). */
  targets?: TargetPolicy;
}

export const DEFAULT_USER_AGENT = 'Vigil/0.1 (+health check)';
export const DEFAULT_MAX_REDIRECTS = 5;
/** Past this many body bytes the response counts as received and the socket is dropped. */
export const MAX_BODY_BYTES = 1024 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** 301/302/303 turn every method but GET and HEAD into a GET without body, as browsers do. */
const TO_GET_STATUSES = new Set([301, 302, 303]);
/** Headers that describe a request body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-length', 'content-type', 'content-encoding', 'content-language', 'transfer-encoding'];
/** What a 307/308 to another origin keeps besides Vigil's User-Agent: the description of the body it replays. */
const CROSS_ORIGIN_BODY_HEADERS = ['content-length', 'content-type', 'content-encoding', 'content-language'];
/** setTimeout's ceiling (2^31 - 1 ms); larger values fire immediately. */
const MAX_TIMER_MS = 2_147_483_647;
/** Idle keep-alive sockets are closed after this long (servers' `Keep-Alive: timeout=` hints shorten it). */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  redirectsLeft: number;
}

type ErrnoLike = Error & { code?: unknown };

export class HttpProber {
  readonly #userAgent: string;
  readonly #maxRedirects: number;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  readonly #targets: TargetPolicy;
  readonly #lookup: LookupFunction;

  constructor(options: HttpProberOptions = {}) {
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#maxRedirects = Math.max(0, Math.floor(options.maxRedirects ?? DEFAULT_MAX_REDIRECTS));
    this.#targets = options.targets ?? TargetPolicy.defaults();
    this.#lookup = guardedLookup(this.#targets);
    const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_TIMEOUT_MS };
    this.#httpAgent = new http.Agent(agentOptions);
    this.#httpsAgent = new https.Agent(agentOptions);
  }

  /** Checks the target once. Never rejects. */
  probe(target: ProbeTarget): Promise<ProbeObservation> {
    return new Promise<ProbeObservation>((resolve) => {
      const start = performance.now();
      const elapsed = (): number => Math.round(performance.now() - start);

      let settled = false;
      let activeReq: ClientRequest | null = null;
      let activeRes: IncomingMessage | null = null;
      let timer: NodeJS.Timeout | undefined;

      const finish = (observation: ProbeObservation): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        activeReq = null;
        activeRes = null;
        resolve(observation);
      };
      const fail = (error: Failure): void => {
        finish({ kind: 'failure', ...error, responseTime: elapsed() });
      };

      const send = (hop: Hop, freshConnection: boolean): void => {
        if (settled) return;
        // An address in the URL is never looked up: it is judged here (and so is a blocked name).
        const decision = this.#targets.decide(hop.url.hostname);
        if (!decision.allowed) {
          fail(
            checkError('blocked', {
              detail: blockedDetail(describeBlockedConnection(decision)) + (hop.redirectsLeft < this.#maxRedirects ? ' after a redirect' : ''),
            }),
          );
          return;
        }
        const isHttps = hop.url.protocol === 'https:';
        let req: ClientRequest;
        try {
          const options: http.RequestOptions = {
            method: hop.method,
            headers: hop.headers as OutgoingHttpHeaders,
            // A retry must not pick another stale socket from the pool: `false` = a one-off connection.
            agent: freshConnection ? false : isHttps ? this.#httpsAgent : this.#httpAgent,
            lookup: this.#lookup,
          };
          req = isHttps ? https.request(hop.url, options) : http.request(hop.url, options);
        } catch (err) {
          // Synchronous throws: invalid header names/values, bad characters in the path, ...
          fail(checkError('invalid_request', { detail: (err as Error).message }));
          return;
        }
        activeReq = req;

        req.on('error', (err: ErrnoLike) => {
          if (settled || activeReq !== req) return;
          const code = err.code;
          // Node's documented advice: the server may close an idle keep-alive socket just as we
          // reuse it. That is not the target being down: retry once on a fresh connection.
          if (!freshConnection && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
            send(hop, true);
            return;
          }
          fail(describeFailure(err, hop.url.hostname, portOf(hop.url)));
        });

        req.on('response', (res: IncomingMessage) => {
          if (settled || activeReq !== req) {
            res.destroy();
            return;
          }
          activeRes = res;
          receive(hop, res);
        });

        if (hop.body !== null) req.end(hop.body);
        else req.end();
      };

      const keepBytes = target.keepBody ? MAX_BODY_BYTES : EXCERPT_BYTES;
      const receive = (hop: Hop, res: IncomingMessage): void => {
        let received = 0;
        let complete = false;
        const kept: Buffer[] = [];
        let keptBytes = 0;
        // Read now: once the body has ended, a keep-alive socket is back in the pool and gone from `res`.
        const certificate = target.readCertificate ? certificateOf(res) : null;

        const onComplete = (): void => {
          if (complete) return;
          complete = true;
          res.removeListener('data', onData);
          if (settled || activeRes !== res) return;
          const statusCode = res.statusCode ?? 0;
          const location = res.headers.location;
          if (REDIRECT_STATUSES.has(statusCode) && typeof location === 'string' && location !== '') {
            follow(hop, statusCode, location);
          } else {
            const body = Buffer.concat(kept, keptBytes);
            finish({
              kind: 'response',
              statusCode,
              responseTime: elapsed(),
              headers: res.headers,
              body: target.keepBody ? body.toString('utf8') : null,
              bodyExcerpt: excerptOf(body),
              certificateDays: certificate?.days ?? null,
              certificateExpiresAt: certificate?.expiresAt ?? null,
            });
          }
        };
        const onData = (chunk: Buffer): void => {
          received += chunk.length;
          if (keptBytes < keepBytes) {
            const piece = chunk.subarray(0, keepBytes - keptBytes);
            kept.push(piece);
            keptBytes += piece.length;
          }
          if (received >= MAX_BODY_BYTES) {
            // Enough: the answer counts as received now; do not read (or buffer) the rest.
            onComplete();
            res.destroy();
          }
        };

        // The body is drained (counted, never kept) so the socket can go back to the pool.
        res.on('data', onData);
        res.on('end', onComplete);
        res.on('error', (err: ErrnoLike) => {
          if (complete || settled || activeRes !== res) return;
          complete = true;
          fail(describeFailure(err, hop.url.hostname, portOf(hop.url)));
        });
        res.on('close', () => {
          if (complete || settled || activeRes !== res) return;
          complete = true;
          fail(checkError('reset'));
        });
      };

      const follow = (hop: Hop, statusCode: number, location: string): void => {
        let next: URL;
        try {
          next = new URL(location, hop.url);
        } catch {
          fail(checkError('invalid_redirect', { location }));
          return;
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          fail(checkError('invalid_redirect', { location }));
          return;
        }
        if (hop.redirectsLeft <= 0) {
          fail(checkError('too_many_redirects', { max: this.#maxRedirects }));
          return;
        }

        let { method, body } = hop;
        let headers = hop.headers;
        // The body is never replayed after a 301/302/303; 307/308 keep the method and the body.
        if (TO_GET_STATUSES.has(statusCode) && method !== 'GET' && method !== 'HEAD') {
          method = 'GET';
          body = null;
          headers = withoutHeaders(headers, BODY_HEADERS);
        }
        // Another origin gets none of the configured headers, credentials or not.
        if (next.origin !== hop.url.origin) headers = this.#crossOriginHeaders(headers, body !== null);

        send({ url: next, method, headers, body, redirectsLeft: hop.redirectsLeft - 1 }, false);
      };

      let url: URL;
      try {
        url = new URL(target.url);
      } catch {
        fail(checkError('invalid_url'));
        return;
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
        fail(checkError('invalid_url'));
        return;
      }

      const timeoutMs = Number.isFinite(target.timeoutMs) ? Math.min(Math.max(target.timeoutMs, 0), MAX_TIMER_MS) : MAX_TIMER_MS;
      timer = setTimeout(() => {
        if (settled) return;
        const req = activeReq;
        const res = activeRes;
        // libuv's cached loop time can fire the timer a millisecond early: a timeout took at least timeoutMs.
        finish({ kind: 'failure', ...checkError('timeout'), responseTime: Math.max(elapsed(), Math.round(timeoutMs)) });
        // Listeners stay attached (and ignore everything once settled), so destroying cannot
        // surface as an unhandled 'error'.
        res?.destroy();
        req?.destroy();
      }, timeoutMs);

      send(
        {
          url,
          method: target.method,
          headers: this.#requestHeaders(target),
          body: target.body,
          redirectsLeft: this.#maxRedirects,
        },
        false,
      );
    });
  }

  /** Destroys the keep-alive agents and their sockets. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  /** Vigil's User-Agent alone, plus the body's own description when the body goes along (307/308). */
  #crossOriginHeaders(headers: Record<string, string>, withBody: boolean): Record<string, string> {
    const kept: Record<string, string> = { 'User-Agent': this.#userAgent };
    if (withBody) {
      for (const [name, value] of Object.entries(headers)) {
        if (CROSS_ORIGIN_BODY_HEADERS.includes(name.toLowerCase())) kept[name] = value;
      }
    }
    return kept;
  }

  #requestHeaders(target: ProbeTarget): Record<string, string> {
    const headers: Record<string, string> = {};
    let hasUserAgent = false;
    for (const [name, value] of Object.entries(target.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'user-agent') hasUserAgent = true;
      // The body's length is ours to state; a user-set length or encoding could only contradict it.
      if (target.body !== null && (lower === 'content-length' || lower === 'transfer-encoding')) continue;
      headers[name] = value;
    }
    if (!hasUserAgent) headers['User-Agent'] = this.#userAgent;
    if (target.body !== null) headers['Content-Length'] = String(Buffer.byteLength(target.body));
    return headers;
  }
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!names.includes(name.toLowerCase())) result[name] = value;
  }
  return result;
}

const portOf = (url: URL) => Number(url.port || (url.protocol === 'https:' ? '443' : '80'));

/** The certificate of the TLS connection that answered; null without one. */
function certificateOf(res: IncomingMessage): CertificateSeen | null {
  const socket = res.socket as TLSSocket | null;
  return typeof socket?.getPeerCertificate === 'function' ? certificateSeen(socket.getPeerCertificate()) : null;
}
