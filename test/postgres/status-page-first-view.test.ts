/**
 * A change while a page's first view is being read: the build that was under way when an incident
 * opened must not become the page for the next minute. The build is held in the middle with a lock
 * (its incidents read, its days waiting), the incident opens, then the lock goes.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PublicStatusPage, StatusPage } from '../../server/contract/status-pages.ts';
import type { Endpoint, Incident, Page } from '../../server/contract/types.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { createTestDatabase, startTestVigil, type TestDatabase, type TestVigil, waitFor } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
let database: TestDatabase;
beforeAll(async () => {
  target = await startTargetServer();
  database = await createTestDatabase();
  vigil = await startTestVigil({}, database);
});
afterAll(async () => {
  await vigil?.dispose();
  await target?.close();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('shows an incident that opened while the page was first read, within a second, not a minute later', async () => {
  const endpoint = (
    await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Payments', url: target.url('/p'), intervalSeconds: 3600, failureThreshold: 1 })
  ).body;
  const page = (
    await vigil.api<StatusPage>('POST', '/api/status-pages', { slug: 'first-view', title: 'T', sections: [{ name: 'All', endpointIds: [endpoint.id] }] })
  ).body;
  const admin = postgres(database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const locked = new Promise<void>((ready) => {
      void admin.begin(async (tx) => {
        await tx.unsafe('lock table retention_state in access exclusive mode');
        ready();
        await released;
      });
    });
    await locked;
    const firstRead = vigil.api<PublicStatusPage>('GET', `/status/${page.slug}/page.json`);
    await sleep(300);
    target.setMode('/p', { kind: 'ok', status: 503 });
    expect((await vigil.api('POST', `/api/endpoints/${endpoint.id}/check`)).status).toBe(200);
    const [incident] = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(incident).toBeDefined();
    release();
    expect((await firstRead).status).toBe(200);
    const shown = await waitFor(
      async () => {
        const now = (await vigil.api<PublicStatusPage>('GET', `/status/${page.slug}/page.json`)).body;
        return now.activeIncidents.length > 0 ? now : null;
      },
      2000,
      'the incident on the page',
    );
    expect(shown.activeIncidents.map((i) => i.id)).toEqual([incident!.id]);
    expect(shown.overall).toBe('major_outage');
  } finally {
    await admin.end();
  }
});
