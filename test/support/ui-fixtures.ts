import { expect } from 'vitest';
import type { Check, Endpoint, Incident, Page } from '../../server/contract/types.ts';
import type { useBrowserTestEnv } from './browser-env.ts';

type BrowserTestEnv = ReturnType<typeof useBrowserTestEnv>;

export interface MonitoringStory {
  up: Endpoint;
  down: Endpoint;
  /** Failed twice, then recovered. */
  recovered: Endpoint;
  openIncident: Incident;
  resolvedIncident: Incident;
}

/**
 * What a page shows after a while of monitoring: an endpoint UP, one DOWN with an open incident
 * (a long name and an error), and one that failed and recovered (a resolved incident). Checked
 * through the API (check now), so the story is there before a page opens.
 */
export async function seedMonitoringStory(env: BrowserTestEnv): Promise<MonitoringStory> {
  const checkNow = async (endpoint: Endpoint) => {
    const res = await env.vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
    expect(res.status).toBe(200);
  };
  const incidentOf = async (endpoint: Endpoint) => {
    const [incident] = (await env.vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(incident).toBeDefined();
    return incident!;
  };
  env.target.setMode('/story-up', { kind: 'ok' });
  env.target.setMode('/story-down', { kind: 'ok', status: 503 });
  env.target.setMode('/story-recovered', { kind: 'ok', status: 500 });
  const up = await env.createEndpoint({ path: '/story-up', name: 'Checkout API', paused: true, tags: ['shop'] });
  const down = await env.createEndpoint({
    path: '/story-down',
    name: 'Payments gateway (EU, primary region)',
    paused: true,
    failureThreshold: 1,
    tags: ['payments', 'critical'],
  });
  const recovered = await env.createEndpoint({ path: '/story-recovered', name: 'Search', paused: true, failureThreshold: 2 });
  await checkNow(up);
  await checkNow(down);
  await checkNow(down);
  await checkNow(recovered);
  await checkNow(recovered);
  env.target.setMode('/story-recovered', { kind: 'ok' });
  await checkNow(recovered);
  return { up, down, recovered, openIncident: await incidentOf(down), resolvedIncident: await incidentOf(recovered) };
}
