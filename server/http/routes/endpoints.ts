import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { readJson } from '../read-json.ts';
import { withWarnings } from '../../domain/endpoint-input.ts';

export function endpointRoutes(services: Services) {
  return new Hono()
    .get('/', async (c) => c.json(await services.listEndpoints(c.req.query())))
    .post('/', async (c) => {
      const endpoint = await services.createEndpoint(await readJson(c));
      c.header('Location', `/api/endpoints/${endpoint.id}`);
      return c.json(withWarnings(endpoint), 201);
    })
    .get('/:id', async (c) => c.json(await services.getEndpoint(c.req.param('id'))))
    .patch('/:id', async (c) => c.json(withWarnings(await services.updateEndpoint(c.req.param('id'), await readJson(c)))))
    .delete('/:id', async (c) => {
      await services.deleteEndpoint(c.req.param('id'));
      return c.body(null, 204);
    })
    .post('/:id/check', async (c) => c.json(await services.checkNow(c.req.param('id'))))
    .post('/:id/pause', async (c) => c.json(await services.pauseEndpoint(c.req.param('id'))))
    .post('/:id/resume', async (c) => c.json(await services.resumeEndpoint(c.req.param('id'))))
    .get('/:id/checks', async (c) => c.json(await services.listChecks(c.req.param('id'), c.req.query())))
    .get('/:id/uptime', async (c) => c.json(await services.getUptime(c.req.param('id'))))
    .get('/:id/series', async (c) => c.json(await services.responseSeries(c.req.param('id'), c.req.query())));
}
