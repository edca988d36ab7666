import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { readJson } from '../read-json.ts';

/** GET /api/export and POST /api/import: every endpoint definition as one JSON file. */
export function transferRoutes(services: Services) {
  return new Hono()
    .get('/export', async (c) => {
      const file = await services.exportEndpoints();
      // Indented, one field a line: the file is meant to be kept under version control and diffed.
      return c.body(`${JSON.stringify(file, null, 2)}\n`, 200, {
        'content-type': 'application/json',
        'content-disposition': `attachment; filename="vigil-endpoints-${file.exportedAt.slice(0, 10)}.json"`,
      });
    })
    .post('/import', async (c) => c.json(await services.importEndpoints(await readJson(c), c.req.query())));
}
