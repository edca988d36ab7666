import { Hono, type MiddlewareHandler } from 'hono';
import type { Authorize } from '../../auth/api-keys.ts';
import { parseExportQuery } from '../../domain/endpoint-transfer.ts';
import type { Services } from '../../services/index.ts';
import { requireKey } from '../middleware/require-key.ts';
import { readJson } from '../read-json.ts';

export interface TransferRouteOptions {
  /** Who may export with secrets: the same key check as a write (open when API_KEY is unset). */
  authorize: Authorize;
}

/**
 * GET /api/export and POST /api/import: every endpoint definition as one JSON file.
 * The export redacts secrets; `?secrets=include` hands them out, and so needs the API key even
 * though other reads do not (a page of another origin is refused by the origin check).
 */
export function transferRoutes(services: Services, options: TransferRouteOptions) {
  const keyCheck = requireKey({ authorize: options.authorize, methods: ['GET'] });
  const keyForSecrets: MiddlewareHandler = (c, next) => (c.req.query('secrets') === 'include' ? keyCheck(c, next) : next());
  return new Hono()
    .get('/export', keyForSecrets, async (c) => {
      const exportOptions = parseExportQuery(c.req.query());
      const file = await services.exportEndpoints(exportOptions);
      const withSecrets = exportOptions.secrets === 'include';
      // Indented, one field a line: the file is meant to be kept under version control and diffed.
      return c.body(`${JSON.stringify(file, null, 2)}\n`, 200, {
        'content-type': 'application/json',
        'content-disposition': `attachment; filename="vigil-endpoints-${file.exportedAt.slice(0, 10)}${withSecrets ? '-with-secrets' : ''}.json"`,
        // Credentials are not for shared caches, nor the browser's.
        ...(withSecrets ? { 'cache-control': 'no-store' } : {}),
      });
    })
    .post('/import', async (c) => c.json(await services.importEndpoints(await readJson(c), c.req.query())));
}
