import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { readJson } from '../read-json.ts';

export function maintenanceWindowRoutes(services: Services) {
  return new Hono()
    .get('/', (c) => c.json(services.listMaintenanceWindows(c.req.query())))
    .post('/', async (c) => {
      const window = await services.createMaintenanceWindow(await readJson(c));
      c.header('Location', `/api/maintenance-windows/${window.id}`);
      return c.json(window, 201);
    })
    .get('/:id', (c) => c.json(services.getMaintenanceWindow(c.req.param('id'))))
    .patch('/:id', async (c) => c.json(await services.updateMaintenanceWindow(c.req.param('id'), await readJson(c))))
    .delete('/:id', async (c) => {
      await services.deleteMaintenanceWindow(c.req.param('id'));
      return c.body(null, 204);
    });
}
