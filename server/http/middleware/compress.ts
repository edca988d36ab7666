import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';

const gzip = promisify(gzipCallback);
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

export interface CompressOptions {
  /** Bodies smaller than this many bytes are sent as they are. */
  threshold?: number;
}

/** Whether an Accept-Encoding header accepts gzip (explicitly or through `*`, with q > 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let wildcard = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (name.trim() === 'gzip') return accepted;
    if (name.trim() === '*') wildcard = accepted;
  }
  return wildcard;
}

/**
 * Gzips text answers (JSON, HTML, JS, CSS, plain text) over `threshold` bytes for clients that
 * accept it. Unlike `hono/compress`, which compresses every body without a Content-Length (every
 * `c.json()` answer, however small), it buffers the body to know its size, so it leaves alone
 * anything that streams: `text/event-stream` and any answer marked `Cache-Control: no-transform`
 * are never read. Answers that already carry a Content-Encoding (precompressed files) pass as they are.
 * @example app.use(compressText({ threshold: 1024 }))
 */
export function compressText(options: CompressOptions = {}): MiddlewareHandler {
  const threshold = options.threshold ?? 1024;
  return async function compressTextMiddleware(c, next) {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (
      c.req.method === 'HEAD' ||
      !c.res.body ||
      c.res.status === 204 ||
      c.res.status === 206 ||
      c.res.status === 304 ||
      c.res.headers.has('content-encoding') ||
      NO_TRANSFORM.test(c.res.headers.get('cache-control') ?? '') ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)
    ) {
      return;
    }
    c.header('Vary', 'Accept-Encoding', { append: true });
    if (!acceptsGzip(c.req.header('accept-encoding'))) return;

    const res = c.res;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.byteLength < threshold) {
      c.res = new Response(body, { status: res.status, headers });
      return;
    }
    const packed = new Uint8Array(await gzip(body));
    headers.set('Content-Encoding', 'gzip');
    headers.set('Content-Length', String(packed.byteLength));
    c.res = new Response(packed, { status: res.status, headers });
    // The setter merges the previous answer's headers back in; the new length must win.
    c.res.headers.set('Content-Length', String(packed.byteLength));
  };
}
