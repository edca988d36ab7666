import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { readJson } from '../read-json.ts';

export function notificationChannelRoutes(services: Services) {
  return new Hono()
    .get('/', (c) => c.json(services.listChannels()))
    .post('/', async (c) => {
      const channel = await services.createChannel(await readJson(c));
      c.header('Location', `/api/notification-channels/${channel.id}`);
      return c.json(channel, 201);
    })
    .get('/:id', (c) => c.json(services.getChannel(c.req.param('id'))))
    .patch('/:id', async (c) => c.json(await services.updateChannel(c.req.param('id'), await readJson(c))))
    .delete('/:id', async (c) => {
      await services.deleteChannel(c.req.param('id'));
      return c.body(null, 204);
    })
    .post('/:id/test', async (c) => c.json(await services.testChannel(c.req.param('id'))))
    .get('/:id/deliveries', async (c) => c.json(await services.listDeliveries(c.req.param('id'), c.req.query())));
}
