import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';

/** One file of the built web app, held in memory with its gzipped form when that pays. */
export interface WebFile {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  gzip?: { body: Uint8Array<ArrayBuffer>; etag: string };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const GZIP_THRESHOLD = 1024;

/**
 * Reads every regular file under `root` (the built web app) into memory, keyed by its path
 * relative to `root` with forward slashes (`index.html`, `assets/index-3f2a.js`), and gzips the
 * text ones once. Requests are then answered from this map alone, so no request path ever reaches
 * the file system. Symbolic links are skipped. A missing `root` gives an empty map.
 */
export function loadWebFiles(root: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  if (!existsSync(root)) return files;
  for (const relative of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const full = join(root, relative);
    if (!lstatSync(full).isFile()) continue;
    files.set(relative.split(sep).join('/'), toWebFile(readFileSync(full), contentTypeOf(full)));
  }
  return files;
}

/** The Content-Type for a file name, by its extension. */
export function contentTypeOf(fileName: string): string {
  return TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/** A file held in memory, with its ETag and (for text worth it) its gzipped form. */
export function toWebFile(content: Buffer | string, type: string): WebFile {
  const body = new Uint8Array(typeof content === 'string' ? Buffer.from(content) : content);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  const file: WebFile = { type, body, etag };
  if (body.byteLength >= GZIP_THRESHOLD && COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)) {
    const packed = new Uint8Array(gzipSync(body, { level: 9 }));
    if (packed.byteLength < body.byteLength) file.gzip = { body: packed, etag: `${etag.slice(0, -1)}-gz"` };
  }
  return file;
}
