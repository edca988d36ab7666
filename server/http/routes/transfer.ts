import { Hono, type MiddlewareHandler } from 'hono';
import { EXPORT_SECRETS_PERMISSION } from '../../auth/route-permissions.ts';
import { parseExportQuery } from '../../domain/endpoint-transfer.ts';
import type { Services } from '../../services/index.ts';
import { refusal } from '../middleware/access.ts';
import { readJson } from '../read-json.ts';
import { problem } from '../problem.ts';

/**
 * GET /api/export and POST /api/import: every endpoint definition as one JSON file.
 * The export redacts secrets; `?secrets=include` hands them out, and so asks what an owner may
 * (a page of another origin is refused by the origin check).
 */
export function transferRoutes(services: Services) {
  const keyForSecrets: MiddlewareHandler = async (c, next) => {
    if (c.req.query('secrets') !== 'include') return next();
    const refused = await refusal(c, EXPORT_SECRETS_PERMISSION);
    if (refused) return refused;
    // The secrets are what a write key could set: a read-only key (even an owner's) does not get them.
    const principal = c.get('principal');
    if (principal?.kind === 'key' && !principal.canWrite) return problem(c, 403, 'A read-only key cannot export secrets.', { code: 'key_read_only' });
    return next();
  };
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
