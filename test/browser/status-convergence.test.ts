/**
 * A card converges on its endpoint's real status whatever the order in which the page's REST
 * load, its subscription and the events arrive. Each test holds one of them back on purpose
 * (playwright routes) and makes the endpoint change in that window.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

/** How long after the page could know a card may still show the old status. */
const CONVERGE_WITHIN_MS = 2500;

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);

/** An endpoint whose target answers 200 and that has been checked once (UP), checked hourly after that. */
async function upEndpoint(path: string, name: string): Promise<Endpoint> {
  env.target.setMode(path, { kind: 'ok' });
  const endpoint = await env.createEndpoint({ path, name, failureThreshold: 100 });
  await expect.poll(async () => (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.status, { timeout: 10_000 }).toBe('UP');
  return endpoint;
}

/** Turns the target into a 500 and checks the endpoint once: DOWN, and its events are out when this returns. */
async function goDown(path: string, endpoint: Endpoint) {
  env.target.setMode(path, { kind: 'ok', status: 500 });
  const checked = await env.vigil.api<{ status: string }>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(checked.body.status).toBe('DOWN');
}

/** Socket.io packets the page receives, as raw text. */
function receivedPackets(page: Page): string[] {
  const packets: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => packets.push(String(payload))));
  return packets;
}

/** Whether a packet carries a check:completed of the endpoint with this status, alone or in a batch (the page asks for batches). */
function carriesCheck(packet: string, endpointId: string, status: string): boolean {
  if (!packet.startsWith('42')) return false;
  const [event, data] = JSON.parse(packet.slice(2)) as [
    string,
    { endpointId?: string; status?: string; events?: { event: string; data: { endpointId: string; status: string } }[] },
  ];
  const events = event === 'events:batch' ? (data.events ?? []) : [{ event, data }];
  return events.some((e) => e.event === 'check:completed' && e.data.endpointId === endpointId && e.data.status === status);
}

/** Timestamps in ms of how long the card took to show `status`, from now. */
async function timeUntilStatus(page: Page, id: string, status: string): Promise<number> {
  const started = Date.now();
  await expect.poll(() => card(page, id).getAttribute('data-status'), { timeout: CONVERGE_WITHIN_MS, interval: 50 }).toBe(status);
  return Date.now() - started;
}

/** Holds the page's subscribe commands until `release()`; every other frame passes. */
async function holdSubscriptions(page: Page): Promise<{ readonly held: number; release(): void }> {
  const held: (() => void)[] = [];
  let holding = true;
  await page.routeWebSocket(/socket\.io/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (holding && String(message).includes('"subscribe:')) held.push(() => server.send(message));
      else server.send(message);
    });
  });
  return {
    get held() {
      return held.length;
    },
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

describe('a card converges on the real status', () => {
  it('shows DOWN when the endpoint went down between the page’s REST load and its subscription', async () => {
    const endpoint = await upEndpoint('/race-sub', 'Race before subscription');
    const { page, errors } = await env.newPage();
    const subscriptions = await holdSubscriptions(page);
    await page.goto(`${env.base()}/`);
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');
    await expect.poll(() => subscriptions.held, { timeout: 10_000 }).toBeGreaterThan(0);

    // Loaded as UP, not subscribed yet: the change happens where the page cannot hear it.
    await goDown('/race-sub', endpoint);
    await page.waitForTimeout(200);
    expect(await card(page, endpoint.id).getAttribute('data-status')).toBe('UP');

    subscriptions.release();
    const tookMs = await timeUntilStatus(page, endpoint.id, 'DOWN');
    console.log(`DOWN shown ${tookMs} ms after the subscription was let through`);

    // Further checks keep it DOWN and update its response time (the old page kept "UP" here for good).
    await goDown('/race-sub', endpoint);
    await page.waitForTimeout(300);
    expect(await card(page, endpoint.id).getAttribute('data-status')).toBe('DOWN');
    expect(await page.locator('[data-count="DOWN"]').textContent()).toBe('1');
    await saveScreenshot(page, 'status-convergence-after-subscription');
    expect(errors).toEqual([]);
  });

  it('keeps an endpoint created while an older endpoint list is on its way', async () => {
    const { page, errors } = await env.newPage();
    const packets = receivedPackets(page);
    // Lists are read from the server when asked for, and answered only when released.
    const held: (() => Promise<void>)[] = [];
    let holding = false;
    await page.route(/\/api\/endpoints\?/, async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      if (holding) held.push(() => route.fulfill({ response, body }));
      else await route.fulfill({ response, body });
    });
    // The dashboard's first load (after the acknowledgement) answered in full: the list held below is a later one.
    const firstLoad = Promise.all([/\/api\/endpoints\?/, /\/api\/checks\/recent\?/, /\/api\/incidents\?/].map((url) => page.waitForResponse(url)));
    await page.goto(`${env.base()}/`);
    await expect.poll(() => packets.some((p) => /^43\d*\[\{"ok":true/.test(p)), { timeout: 10_000 }).toBe(true);
    await firstLoad;
    holding = true;
    await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const created = (
      await env.vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Created during a load', url: env.target.url('/race-created'), paused: true })
    ).body;
    const row = page.locator(`tr[data-endpoint-id="${created.id}"]`);
    await row.waitFor({ timeout: 5000 });
    // The page watches its own rows: the older list must not take the new one away, even for a moment.
    await page.evaluate((id) => {
      const w = window as unknown as { vanished: number };
      w.vanished = 0;
      new MutationObserver(() => {
        if (!document.querySelector(`tr[data-endpoint-id="${id}"]`)) w.vanished++;
      }).observe(document.body, { childList: true, subtree: true });
    }, created.id);
    holding = false;
    for (const fulfil of held.splice(0)) await fulfil();
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { vanished: number }).vanished)).toBe(0);
    expect(await row.count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('keeps DOWN from an event when an older REST snapshot arrives after it', async () => {
    const endpoint = await upEndpoint('/race-rest', 'Race before snapshot');
    const { page, errors } = await env.newPage();
    const packets = receivedPackets(page);
    // Every endpoint list the page asks for is answered only when released, and always with the
    // first one read (before the endpoint went down), as a lagging replica or cache would.
    const held: (() => Promise<void>)[] = [];
    let holding = true;
    let staleBody: string | undefined;
    await page.route(/\/api\/endpoints\?/, async (route) => {
      const response = await route.fetch();
      staleBody ??= await response.text();
      const body = staleBody;
      if (holding) held.push(() => route.fulfill({ response, body }));
      else await route.fulfill({ response, body });
    });
    await page.goto(`${env.base()}/`);
    // Subscribed (the acknowledgement came), and the page's loads are read and held.
    await expect.poll(() => packets.some((p) => /^43\d*\[\{"ok":true/.test(p)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);

    await goDown('/race-rest', endpoint);
    await expect.poll(() => packets.some((p) => carriesCheck(p, endpoint.id, 'DOWN')), { timeout: 5000 }).toBe(true);

    holding = false;
    for (const fulfil of held.splice(0)) await fulfil();
    const tookMs = await timeUntilStatus(page, endpoint.id, 'DOWN');
    console.log(`DOWN shown ${tookMs} ms after the stale snapshot was let through`);
    // It stays DOWN while stale snapshots go on arriving: to the list and back subscribes anew and reloads.
    await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await page.locator(`tr[data-endpoint-id="${endpoint.id}"]`).waitFor();
    await page.goBack();
    await card(page, endpoint.id).waitFor();
    await page.waitForTimeout(1000);
    expect(await card(page, endpoint.id).getAttribute('data-status')).toBe('DOWN');
    await saveScreenshot(page, 'status-convergence-stale-snapshot');
    expect(errors).toEqual([]);
  });

  it('shows DOWN on the endpoint page when the endpoint went down before the page subscribed', async () => {
    const endpoint = await upEndpoint('/race-page', 'Race on its page');
    const { page, errors } = await env.newPage();
    const subscriptions = await holdSubscriptions(page);
    await page.goto(`${env.base()}/endpoints/${endpoint.id}`);
    const badge = page.locator('.ep-head .badge');
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');
    await expect.poll(() => subscriptions.held, { timeout: 10_000 }).toBeGreaterThan(0);

    await goDown('/race-page', endpoint);
    await page.waitForTimeout(200);
    subscriptions.release();
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: CONVERGE_WITHIN_MS, interval: 50 }).toBe('DOWN');
    await expect.poll(() => page.locator('[data-testid="recent-checks"] tbody tr').count(), { timeout: CONVERGE_WITHIN_MS }).toBe(2);
    expect(errors).toEqual([]);
  });
});
