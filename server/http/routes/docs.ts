import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { sendFile } from '../send-file.ts';
import { contentTypeOf, toWebFile, type WebFile } from '../web-files.ts';

/** The files of swagger-ui-dist that the page needs; nothing else of the package is reachable. */
const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Vigil API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" />
    <link rel="stylesheet" href="/api/docs/docs.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

// Served as files, not inline: the Content-Security-Policy runs no inline script or style.
const STYLE = `body { margin: 0 }
.swagger-ui .topbar { display: none }
`;

// No validator badge: it would load an image from validator.swagger.io (nothing leaves this machine).
// "Authorize" with the API key once; Swagger UI keeps it in the browser across reloads.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  validatorUrl: null,
});
`;

/**
 * The API reference at /api/docs: Swagger UI reading /api/openapi.json, every asset served by
 * Vigil itself from the swagger-ui-dist package (self-hosted installs are often offline: no CDN).
 * The files are read and gzipped on the first visit, not at start.
 */
export function docsRoutes() {
  let files: Map<string, WebFile> | undefined;
  const load = () => {
    if (files) return files;
    const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    files = new Map<string, WebFile>([
      ['', toWebFile(PAGE, contentTypeOf('index.html'))],
      ['init.js', toWebFile(INIT, contentTypeOf('init.js'))],
      ['docs.css', toWebFile(STYLE, contentTypeOf('docs.css'))],
    ]);
    for (const name of SWAGGER_FILES) files.set(name, toWebFile(readFileSync(join(root, name)), contentTypeOf(name)));
    return files;
  };
  return new Hono()
    .get('/api/docs', (c) => sendFile(c, load().get('')!, 'no-cache'))
    .get('/api/docs/:file', (c, next) => {
      const file = load().get(c.req.param('file'));
      return file ? sendFile(c, file, 'public, max-age=3600') : next();
    });
}
