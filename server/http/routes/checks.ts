import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';

export function checkRoutes(services: Services) {
  return new Hono().get('/recent', async (c) => c.json(await services.recentChecks(c.req.query())));
}
