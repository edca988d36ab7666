import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEventName, ServerEvents } from '../server/contract/events.ts';
import type { Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;
type Recorded = { [K in ServerEventName]: { event: K; data: ServerEvents[K] } }[ServerEventName];
let events: Recorded[];

beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  vigil = await startTestVigil();
  events = [];
  vigil.bus.onAny((event, data) => events.push({ event, data } as Recorded));
});
afterEach(async () => {
  await vigil.dispose();
  expect(vigil.errors).toEqual([]);
});

async function createEndpoint(fields: Partial<Endpoint> & { path: string }): Promise<Endpoint> {
  const { path, ...rest } = fields;
  const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, ...rest });
  expect(res.status).toBe(201);
  return res.body;
}

const eventsOf = (endpointId: string) => events.filter((e) => 'endpointId' in e.data && e.data.endpointId === endpointId);

describe('monitoring an endpoint', () => {
  it('checks a new endpoint at once and turns it UP', async () => {
    const endpoint = await createEndpoint({ path: '/up' });
    expect(endpoint.status).toBe('PENDING');
    const up = await waitFor(async () => {
      const res = await vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`);
      return res.body.status === 'UP' ? res.body : null;
    });
    expect(up.lastStatusCode).toBe(200);
    expect(up.lastResponseTime).toBeGreaterThanOrEqual(0);
    expect(up.lastCheckedAt).not.toBeNull();
    expect(up.consecutiveFailures).toBe(0);
  });
});
