import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { ValidationError } from '../../domain/errors.ts';
import { sendFile } from '../send-file.ts';
import { loadWebFiles } from '../web-files.ts';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths the server answers itself: never the web app, so a mistake there stays a problem+json 404. */
const SERVER_PATHS = /^\/(?:api|socket\.io|ws|metrics|healthz|readyz)(?:\/|$)/;
/** Files browsers and tools fetch by name on their own: HTML in their place would be a wrong answer, so a missing one is a 404. */
const CONVENTIONAL_FILES = /^(?:favicon\.ico|apple-touch-icon(?:-[\w-]+)?\.png)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const NOT_BUILT =
  'The web app is not built: run `npm run build` (it writes web/dist), then restart Vigil. The REST API and realtime transports work meanwhile.\n';

export interface WebRoutesOptions {
  /** The built web app (default web/dist beside the sources); read once, now. */
  dir?: string;
}

/**
 * The built web app: hashed files under /assets/ cached for good, everything else revalidated;
 * any other GET that names no file gets index.html, so deep links like /endpoints/<id> load the
 * app. A missing asset or icon (/favicon.ico) is a 404, and without a build every page answers 503
 * saying how to make one.
 */
export function webRoutes(options: WebRoutesOptions = {}) {
  const files = loadWebFiles(options.dir ?? DEFAULT_WEB_DIR);
  const index = files.get('index.html');
  return new Hono().get('*', async (c, next) => {
    if (SERVER_PATHS.test(c.req.path)) return next();
    const name = fileNameOf(new URL(c.req.url).pathname);
    const file = files.get(name);
    if (file) return sendFile(c, file, name.startsWith('assets/') ? IMMUTABLE : 'no-cache');
    if (name.startsWith('assets/') || CONVENTIONAL_FILES.test(name)) return next();
    if (!index) return c.text(NOT_BUILT, 503, { 'Retry-After': '60' });
    return sendFile(c, index, 'no-cache');
  });
}

/** The file a request path names, relative to the web app's root; refuses paths that try to climb out. */
function fileNameOf(pathname: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new ValidationError([{ path: 'path', message: 'is not valid percent-encoding', code: 'invalid_path' }]);
  }
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.' || s.includes('\\') || s.includes('\0'))) {
    throw new ValidationError([{ path: 'path', message: 'must not contain "." or ".." segments, backslashes or NUL', code: 'invalid_path' }]);
  }
  return segments.join('/');
}
