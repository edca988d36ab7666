import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { readJson } from '../read-json.ts';

export function statusPageRoutes(services: Services) {
  return new Hono()
    .get('/', (c) => c.json(services.listStatusPages()))
    .post('/', async (c) => {
      const page = await services.createStatusPage(await readJson(c));
      c.header('Location', `/api/status-pages/${page.id}`);
      return c.json(page, 201);
    })
    .get('/:id', (c) => c.json(services.getStatusPage(c.req.param('id'))))
    .patch('/:id', async (c) => c.json(await services.updateStatusPage(c.req.param('id'), await readJson(c))))
    .delete('/:id', async (c) => {
      await services.deleteStatusPage(c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/:id/subscribers', async (c) => c.json(await services.listSubscribers(c.req.param('id'), c.req.query())))
    .delete('/:id/subscribers/:subscriberId', async (c) => {
      await services.deleteSubscriber(c.req.param('id'), c.req.param('subscriberId'));
      return c.body(null, 204);
    });
}

/** An incident's updates, under /api/incidents/:id/updates. */
export function incidentUpdateRoutes(services: Services) {
  return new Hono()
    .get('/:id/updates', async (c) => c.json(await services.listIncidentUpdates(c.req.param('id'))))
    .post('/:id/updates', async (c) => {
      const update = await services.createIncidentUpdate(c.req.param('id'), await readJson(c));
      c.header('Location', `/api/incidents/${update.incidentId}/updates/${update.id}`);
      return c.json(update, 201);
    })
    .patch('/:id/updates/:updateId', async (c) => c.json(await services.updateIncidentUpdate(c.req.param('id'), c.req.param('updateId'), await readJson(c))))
    .delete('/:id/updates/:updateId', async (c) => {
      await services.deleteIncidentUpdate(c.req.param('id'), c.req.param('updateId'));
      return c.body(null, 204);
    });
}

export function reportRoutes(services: Services) {
  return new Hono().get('/uptime', async (c) => {
    const query = c.req.query();
    const report = await services.uptimeReport(query);
    if (query.format !== 'csv') return c.json(report);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="vigil-uptime-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv"`);
    return c.body(services.uptimeReportCsv(report));
  });
}
