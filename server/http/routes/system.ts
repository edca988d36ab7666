import { Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import { buildOpenApi } from '../openapi.ts';
import { problem } from '../problem.ts';
import { describeError } from '../../../db/unavailable.ts';

export interface SystemDeps {
  services: Services;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  /** Why results cannot be written now (a full disk answers reads but refuses writes), or null. */
  writeTrouble?: () => string | null;
  /** Prometheus text. */
  metrics: () => Promise<string>;
  /** PUBLIC_URL: the API document names it as the server. */
  publicUrl?: URL | undefined;
}

const READY_TIMEOUT_MS = 2000;

export function systemRoutes(deps: SystemDeps) {
  const openApi = JSON.stringify(buildOpenApi({ publicUrl: deps.publicUrl }));
  return new Hono()
    .get('/api/openapi.json', (c) => c.body(openApi, 200, { 'content-type': 'application/json' }))
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          deps.ping(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('database did not answer in time')), READY_TIMEOUT_MS))),
        ]);
      } catch (error) {
        c.header('Retry-After', '5');
        return problem(c, 503 as never, `The database does not answer: ${describeError(error)}`);
      } finally {
        clearTimeout(timer);
      }
      const trouble = deps.writeTrouble?.();
      if (trouble) {
        c.header('Retry-After', '5');
        return problem(c, 503 as never, `Not ready: ${trouble}`);
      }
      return c.json({ status: 'ready' });
    })
    .get('/metrics', async (c) => c.text(await deps.metrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }))
    .get('/api/summary', async (c) => c.json(await deps.services.getSummary()));
}
