import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();
const { open, createEndpoint } = env;

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const connected = (page: Page) => page.locator('.conn[data-state="connected"]').waitFor();

/** Socket.io events the page receives, as [event, data]; the page asks for batches, which are unpacked in order. */
function recordFrames(page: Page) {
  const frames: [string, { endpointId?: string; id?: string }][] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (!text.startsWith('42')) return;
      const [event, data] = JSON.parse(text.slice(2));
      if (event === 'events:batch') for (const e of data.events) frames.push([e.event, e.data]);
      else frames.push([event, data]);
    }),
  );
  return frames;
}

describe('the live dashboard (seed scenario 1)', () => {
  it('turns a card DOWN and shows the seed toast when its target fails outside the browser, and the toast closes after about 3 s', async () => {
    env.target.setMode('/pay', { kind: 'ok' });
    const endpoint = await createEndpoint({ path: '/pay', name: 'Payments API', intervalSeconds: 1, failureThreshold: 100 });
    const { page, errors } = await open('/', { locale: 'ko-KR' });
    await connected(page);
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');
    await saveScreenshot(page, 'dashboard');

    env.target.setMode('/pay', { kind: 'ok', status: 500 });
    const toast = page.locator('[data-sonner-toast]', { hasText: '❌ Payments API 장애 발생' });
    await toast.waitFor({ timeout: 5000 });
    const shownAt = Date.now();
    expect(await card(page, endpoint.id).getAttribute('data-status')).toBe('DOWN');
    await expect.poll(() => card(page, endpoint.id).locator('.badge').textContent()).toContain('장애');
    expect(await page.locator('[data-count="DOWN"]').textContent()).toBe('1');

    await toast.waitFor({ state: 'detached', timeout: 8000 });
    const visibleMs = Date.now() - shownAt;
    expect(visibleMs).toBeGreaterThan(2500);
    expect(visibleMs).toBeLessThan(5000);
    expect(errors).toEqual([]);
  });

  it('shows incident toasts in English when the browser speaks English', async () => {
    env.target.setMode('/inc', { kind: 'ok', status: 503 });
    const endpoint = await createEndpoint({ path: '/inc', name: 'Search', intervalSeconds: 1, failureThreshold: 2, paused: true });
    const { page } = await open('/');
    await connected(page);
    await card(page, endpoint.id).waitFor();
    expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/resume`)).status).toBe(200);
    await page.locator('[data-sonner-toast]', { hasText: '🚨 Search: incident started' }).waitFor({ timeout: 8000 });
    await expect.poll(() => card(page, endpoint.id).locator('.card-incident').count()).toBe(1);
    env.target.setMode('/inc', { kind: 'ok' });
    await page.locator('[data-sonner-toast]', { hasText: '✨ Search recovered' }).waitFor({ timeout: 8000 });
    await expect.poll(() => card(page, endpoint.id).locator('.card-incident').count()).toBe(0);
  });

  it('shows at most five toasts: a sixth pushes the first out', async () => {
    env.target.setMode('/six', { kind: 'ok', status: 500 });
    const endpoints: Endpoint[] = [];
    for (let i = 1; i <= 6; i++) endpoints.push(await createEndpoint({ path: '/six', name: `Six ${i}`, paused: true }));
    const { page } = await open('/');
    await connected(page);
    await page.locator(`.card`).nth(5).waitFor();
    for (const e of endpoints) {
      expect((await env.vigil.api('POST', `/api/endpoints/${e.id}/check`)).status).toBe(200);
      await page.locator('[data-sonner-toast]', { hasText: `❌ ${e.name} is down` }).waitFor();
    }
    // A pushed-out toast plays its exit animation (data-removed) before it leaves the DOM.
    const shown = page.locator('[data-sonner-toast]:not([data-removed="true"])');
    await expect.poll(() => shown.count()).toBe(5);
    const texts = await shown.allTextContents();
    expect(texts.join('|')).not.toContain('Six 1 ');
    for (let i = 2; i <= 6; i++) expect(texts.join('|')).toContain(`Six ${i} is down`);
  });

  it('re-renders only the affected card: one check changes a handful of nodes inside that card', async () => {
    env.target.setMode('/quiet', { kind: 'ok' });
    const endpoints: Endpoint[] = [];
    for (let i = 0; i < 30; i++) endpoints.push(await createEndpoint({ path: '/quiet', name: `Quiet ${String(i).padStart(2, '0')}`, paused: true }));
    const { page } = await open('/');
    await connected(page);
    await page.locator('.card').nth(29).waitFor();
    const chosen = endpoints[17]!;

    const observe = () =>
      page.evaluate(() => {
        const records: { inCard: string | null; type: string }[] = [];
        const observer = new MutationObserver((list) => {
          for (const r of list) {
            const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element | null;
            records.push({ inCard: el?.closest('.card')?.getAttribute('data-endpoint-id') ?? null, type: r.type });
          }
        });
        observer.observe(document.querySelector('.grid')!, { subtree: true, childList: true, attributes: true, characterData: true });
        (window as unknown as { stopObserving: () => typeof records }).stopObserving = () => {
          observer.disconnect();
          return records;
        };
      });
    const stop = () => page.evaluate(() => (window as unknown as { stopObserving: () => { inCard: string | null; type: string }[] }).stopObserving());

    for (let round = 1; round <= 3; round++) {
      await observe();
      expect((await env.vigil.api('POST', `/api/endpoints/${chosen.id}/check`)).status).toBe(200);
      await expect.poll(() => card(page, chosen.id).locator('.strip i').count()).toBe(round);
      await page.waitForTimeout(100);
      const records = await stop();
      expect(records.length).toBeGreaterThan(0);
      // Response time, time text and datetime, one strip cell and its label: never the other 29 cards.
      expect(records.length).toBeLessThanOrEqual(8);
      expect(new Set(records.map((r) => r.inCard))).toEqual(new Set([chosen.id]));
    }
  });
});

describe('reconnection (seed scenario 2)', () => {
  it('turns red when the browser goes offline, green by itself when it is back, and events flow again', async () => {
    env.target.setMode('/net', { kind: 'ok' });
    const endpoint = await createEndpoint({ path: '/net', name: 'Network test', intervalSeconds: 1, failureThreshold: 100 });
    const { page, context: ctx } = await open('/');
    await connected(page);
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');

    await ctx.setOffline(true);
    await page.locator('.conn[data-state="disconnected"]').waitFor({ timeout: 5000 });
    expect(await page.locator('.conn').getAttribute('title')).toBe('disconnected');
    await saveScreenshot(page, 'dashboard-offline');
    // While offline the target fails; the page cannot know yet.
    env.target.setMode('/net', { kind: 'ok', status: 500 });
    await page.waitForTimeout(1500);
    expect(await card(page, endpoint.id).getAttribute('data-status')).toBe('UP');

    await ctx.setOffline(false);
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.conn').getAttribute('title')).toBe('real-time connected');
    // Resynced from REST and live again: DOWN arrives, then UP from a live event.
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('DOWN');
    env.target.setMode('/net', { kind: 'ok' });
    await page.locator('[data-sonner-toast]', { hasText: '✅ Network test is up' }).waitFor({ timeout: 8000 });
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status')).toBe('UP');
  });

  it('after the WebSocket attempts are exhausted it says so, refreshes from REST, and "Retry now" reconnects', async () => {
    env.target.setMode('/fb', { kind: 'ok' });
    const endpoint = await createEndpoint({ path: '/fb', name: 'Fallback test', intervalSeconds: 1, failureThreshold: 100 });
    const opened = await env.newPage();
    const { page } = opened;
    // Routing must be set up before the page opens its socket; until `refuse` it passes through.
    let refuse = false;
    await page.routeWebSocket(/socket\.io/, (ws) => (refuse ? ws.close() : ws.connectToServer()));
    await page.goto(`${env.base()}/`);
    await connected(page);
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');

    refuse = true;
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.locator('.conn-detail', { hasText: /Reconnect attempt [2-5] of 5 · next try in \d s/ }).waitFor({ timeout: 20_000 });
    const banner = page.locator('.banner', { hasText: 'Live updates are unavailable' });
    await banner.waitFor({ timeout: 70_000 });
    await saveScreenshot(page, 'dashboard-fallback');

    // No socket, yet the page follows the endpoint through REST.
    env.target.setMode('/fb', { kind: 'ok', status: 500 });
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 15_000 }).toBe('DOWN');

    refuse = false;
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await connected(page);
    await expect.poll(() => banner.count()).toBe(0);
    env.target.setMode('/fb', { kind: 'ok' });
    await page.locator('[data-sonner-toast]', { hasText: '✅ Fallback test is up' }).waitFor({ timeout: 8000 });
  }, 150_000);
});

describe('subscriptions follow the pages', () => {
  it('the endpoint page receives only its endpoint’s events; the dashboard receives all; leaving a page unsubscribes', async () => {
    env.target.setMode('/a', { kind: 'ok' });
    env.target.setMode('/b', { kind: 'ok' });
    const a = await createEndpoint({ path: '/a', name: 'Alpha', intervalSeconds: 1 });
    const b = await createEndpoint({ path: '/b', name: 'Beta', intervalSeconds: 1 });
    const opened = await env.newPage();
    const { page } = opened;
    const frames = recordFrames(page);
    await page.goto(`${env.base()}/endpoints/${a.id}`);
    await connected(page);
    await page.locator('h1', { hasText: 'Alpha' }).waitFor();
    await page.waitForTimeout(3500);
    const onA = frames.splice(0);
    expect(onA.filter(([, d]) => d?.endpointId === a.id).length).toBeGreaterThan(0);
    expect(onA.filter(([, d]) => d?.endpointId === b.id)).toEqual([]);
    await page.locator('.chart').waitFor();
    await saveScreenshot(page, 'endpoint-page');

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('.card').nth(1).waitFor();
    await page.waitForTimeout(3500);
    const onDashboard = frames.splice(0);
    expect(onDashboard.some(([, d]) => d?.endpointId === a.id)).toBe(true);
    expect(onDashboard.some(([, d]) => d?.endpointId === b.id)).toBe(true);

    await card(page, b.id).click();
    await page.locator('h1', { hasText: 'Beta' }).waitFor();
    await page.waitForTimeout(1500); // frames already in flight when the page changed
    frames.splice(0);
    await page.waitForTimeout(3000);
    const onB = frames.splice(0);
    expect(onB.filter(([, d]) => d?.endpointId === b.id).length).toBeGreaterThan(0);
    expect(onB.filter(([, d]) => d?.endpointId === a.id)).toEqual([]);

    // Real URLs: back returns to the dashboard, reload keeps the page.
    await page.goBack();
    await page.locator('#dash-title').waitFor();
    await page.goForward();
    await page.locator('h1', { hasText: 'Beta' }).waitFor();
    await page.reload();
    await page.locator('h1', { hasText: 'Beta' }).waitFor();
    expect(opened.errors).toEqual([]);
  });

  it('shows an unknown endpoint as not found, without an error toast for its refused subscription', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const opened = await env.newPage();
    const { page } = opened;
    const answers: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => answers.push(String(payload))));
    await page.goto(`${env.base()}/endpoints/${unknown}`);
    await page.locator('h1', { hasText: 'This endpoint does not exist' }).waitFor();
    // The server did refuse the page's subscription (an ack frame, 43<id>[…]), and the page said nothing more.
    await expect.poll(() => answers.some((a) => /^43\d+\[\{"ok":false,"error":\{"code":"NOT_FOUND"/.test(a)), { timeout: 8000 }).toBe(true);
    await page.waitForTimeout(1500);
    expect(await page.locator('[data-sonner-toast]').count()).toBe(0);
  });
});
