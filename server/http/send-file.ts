import type { Context } from 'hono';
import { acceptsGzip } from './middleware/compress.ts';
import type { WebFile } from './web-files.ts';

/** Answers with an in-memory file: gzipped when the client accepts it, 304 when its ETag matches. */
export function sendFile(c: Context, file: WebFile, cacheControl: string): Response {
  const packed = file.gzip && acceptsGzip(c.req.header('accept-encoding')) ? file.gzip : undefined;
  const etag = packed?.etag ?? file.etag;
  const headers: Record<string, string> = { 'Content-Type': file.type, 'Cache-Control': cacheControl, ETag: etag };
  if (file.gzip) headers.Vary = 'Accept-Encoding';
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
  if (packed) headers['Content-Encoding'] = 'gzip';
  const body = packed?.body ?? file.body;
  headers['Content-Length'] = String(body.byteLength);
  return c.body(body, 200, headers);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
