import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** The answer's body is read this far at most (providers read 4 KB of it). */
const MAX_BODY_BYTES = 64 * 1024;
/** Statuses whose Response may carry no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export interface HttpClientOptions {
  /** Resolves names, refusing blocked addresses (the target policy: server/checker/guarded-lookup.ts). */
  lookup: LookupFunction;
}

/**
 * A `fetch` for notifications on node:http with keep-alive: a message to a provider costs a
 * fraction of the CPU of the global fetch (undici's Request, URL and stream machinery were two
 * fifths of a notification's CPU, bench/README.md), and every address a name resolves to passes
 * the target policy. Redirects are never followed; the body is read up to 64 KB.
 * @example const fetch = notificationFetch({ lookup: guardedLookup(targets) }); await fetch(url, { method: 'POST', body });
 */
export function notificationFetch(options: HttpClientOptions): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16, lookup: options.lookup } as http.AgentOptions),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16, lookup: options.lookup } as https.AgentOptions),
  };
  return ((input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const agent = agents[url.protocol as keyof typeof agents];
      if (!agent) {
        reject(new TypeError(`unknown scheme ${url.protocol}: not supported`));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const body = init.body === undefined || init.body === null ? null : Buffer.from(init.body as string);
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (body) headers['content-length'] = String(body.byteLength);
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          size += chunk.byteLength;
        });
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', abort);
          const status = res.statusCode ?? 0;
          const answer = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) answer.append(name, v);
          }
          resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: answer }));
        });
      });
      const abort = () => request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', abort, { once: true });
      request.on('error', (error) => {
        signal?.removeEventListener('abort', abort);
        reject(error);
      });
      request.end(body ?? undefined);
    })) as typeof fetch;
}
