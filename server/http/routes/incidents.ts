import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';

export function incidentRoutes(services: Services) {
  return new Hono()
    .get('/', async (c) => c.json(await services.listIncidents(c.req.query())))
    .get('/:id', async (c) => c.json(await services.getIncident(c.req.param('id'))));
}
