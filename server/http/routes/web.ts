import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const indexFile = fileURLToPath(new URL('../../../web/index.html', import.meta.url));

/** The web app's entry page (read once at start). */
export function webRoutes() {
  const html = readFileSync(indexFile, 'utf8');
  return new Hono().get('/', (c) => c.html(html));
}
