import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Incident, Page as ListPage } from '../../server/contract/types.ts';
import { launchBrowser, newPage, saveScreenshot, type OpenedPage } from '../support/browser.ts';
import { freePort } from '../support/free-port.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createPgliteTestDatabase, type TestDatabase } from '../support/vigil.ts';

// The dashboard across a real restart: Vigil is its own process, stopped with SIGTERM and started
// again on the same port and data while the page stays open.
let browser: Browser;
let target: TargetServer;
let database: TestDatabase | undefined;
let vigil: VigilProcess | undefined;
let opened: OpenedPage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  target = await startTargetServer();
});
afterEach(async () => {
  await opened?.context.close();
  opened = undefined;
  await vigil?.kill();
  vigil = undefined;
  await database?.dispose();
  database = undefined;
});
afterAll(async () => {
  await browser?.close();
  await target?.close();
});

/** A Vigil process on a fixed port, with what it takes to start it again on the same port and data. */
async function startOnFixedPort() {
  const port = await freePort();
  database = createPgliteTestDatabase();
  const env = { ...database.env, PORT: String(port), SHUTDOWN_TIMEOUT_MS: '3000' };
  vigil = await startVigilProcess({ env });
  return { base: `http://127.0.0.1:${port}`, restart: async () => (vigil = await startVigilProcess({ env })) };
}

async function createEndpoint(fields: Partial<Endpoint> & { path: string }): Promise<Endpoint> {
  const { path, ...rest } = fields;
  const res = await vigil!.fetch('/api/endpoints', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Target ${path}`, url: target.url(path), intervalSeconds: 1, failureThreshold: 1, ...rest }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Endpoint;
}

/** When each check:completed arrived over the page's Socket.io connection(s). */
function recordChecks(page: Page) {
  const arrivals: { at: number; endpointId: string }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (!text.startsWith('42')) return;
      const [event, data] = JSON.parse(text.slice(2)) as [string, { endpointId: string; events?: { event: string; data: { endpointId: string } }[] }];
      // The page asks for batches: each one is unpacked in order.
      const events = event === 'events:batch' ? (data.events ?? []) : [{ event, data }];
      for (const e of events) if (e.event === 'check:completed') arrivals.push({ at: Date.now(), endpointId: e.data.endpointId });
    }),
  );
  return arrivals;
}

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const header = (page: Page) => page.locator('.conn');

/** Every card says what REST says: the same endpoints, names, statuses and open incidents. */
async function cardsMatchRest(page: Page): Promise<string> {
  const endpoints = ((await (await vigil!.fetch('/api/endpoints')).json()) as ListPage<Endpoint>).items;
  const open = ((await (await vigil!.fetch('/api/incidents?status=open')).json()) as ListPage<Incident>).items;
  const problems: string[] = [];
  if ((await page.locator('.card').count()) !== endpoints.length) problems.push('card count');
  for (const endpoint of endpoints) {
    const shown = card(page, endpoint.id);
    if ((await shown.getAttribute('data-status')) !== endpoint.status) problems.push(`${endpoint.name} status`);
    if ((await shown.locator('.card-name').textContent()) !== endpoint.name) problems.push(`${endpoint.name} name`);
    const incidentShown = (await shown.locator('.card-incident').count()) === 1;
    if (incidentShown !== open.some((i) => i.endpointId === endpoint.id)) problems.push(`${endpoint.name} incident`);
  }
  return problems.join(', ') || 'match';
}

/**
 * What went wrong in the page. While Vigil is away (from SIGTERM until the page is connected to
 * the new process) connections fail: refused, or reset when a request races the old process's
 * last moments. Before and after that, nothing may go wrong at all.
 */
const outageFailure = /WebSocket connection to .* failed|net::ERR_CONNECTION_REFUSED|net::ERR_CONNECTION_RESET|Failed to fetch/;
const unexpectedErrors = (errors: string[], outage: { from: number; to: number }) =>
  errors.filter((e, i) => !(i >= outage.from && i < outage.to && outageFailure.test(e)));

/**
 * Stops Vigil with SIGTERM while the dashboard is open, keeps it down `downMs` (checked by
 * `whileDown`), starts it again, and asserts the page is live within 10 s of the new process
 * being ready: connected, a new check received, every card as REST has it.
 */
async function restartUnderThePage(name: string, downMs: number, whileDown: (page: Page) => Promise<void>) {
  const vigilAt = await startOnFixedPort();
  target.setMode(`/${name}-steady`, { kind: 'ok' });
  target.setMode(`/${name}-flips`, { kind: 'ok' });
  const steady = await createEndpoint({ path: `/${name}-steady`, name: 'Steady API' });
  const flips = await createEndpoint({ path: `/${name}-flips`, name: 'Flipping API' });
  opened = await newPage(browser, { baseURL: vigilAt.base, locale: 'en-US' });
  const { page, errors } = opened;
  const checks = recordChecks(page);
  // When things happened, printed if the page logs an error it should not: which process a failure met.
  const startedAt = Date.now();
  const timeline: string[] = [];
  const mark = (what: string) => timeline.push(`${Date.now() - startedAt} ms ${what}`);
  page.on('requestfailed', (request) => mark(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  await page.goto('/');
  await page.locator('.conn[data-state="connected"]').waitFor();
  await expect.poll(() => card(page, flips.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');

  const outage = { from: errors.length, to: Number.POSITIVE_INFINITY };
  mark('SIGTERM');
  vigil!.proc.kill('SIGTERM');
  expect(await vigil!.exited).toEqual({ code: 0, signal: null });
  mark('exited');
  const downSince = Date.now();
  // While it is away the target fails: the page can only learn it from the new process.
  target.setMode(`/${name}-flips`, { kind: 'ok', status: 500 });
  await whileDown(page);
  await page.waitForTimeout(Math.max(0, downMs - (Date.now() - downSince)));

  mark('starting again');
  await vigilAt.restart();
  const readyAt = Date.now();
  mark('ready');
  await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 10_000 });
  outage.to = errors.length;
  mark('page connected');
  // Both endpoints checked by the new process: the flipping one's first check there is what turns it DOWN.
  for (const endpoint of [steady, flips]) {
    await expect
      .poll(() => checks.some((c) => c.at > readyAt && c.endpointId === endpoint.id), { timeout: Math.max(0, readyAt + 10_000 - Date.now()) })
      .toBe(true);
  }
  await expect.poll(() => cardsMatchRest(page), { timeout: Math.max(500, readyAt + 10_000 - Date.now()) }).toBe('match');
  const liveAfterMs = Date.now() - readyAt;
  expect(liveAfterMs, 'live and in step with REST within 10 s of Vigil being ready').toBeLessThan(10_000);
  console.info(`${name}: down ${readyAt - downSince} ms, page live and in step with REST ${liveAfterMs} ms after Vigil was ready`);
  expect(await card(page, flips.id).getAttribute('data-status')).toBe('DOWN');
  expect(await page.locator('.banner').count()).toBe(0);
  await saveScreenshot(page, `${name}-after`);
  expect(unexpectedErrors(errors, outage), timeline.join('\n')).toEqual([]);
  return { liveAfterMs };
}

describe('the dashboard across a restart of Vigil', () => {
  it('says Vigil is restarting and counts the attempts down instead of going quietly red, then is live again within 10 s of it being ready', async () => {
    await restartUnderThePage('restart', 3000, async (page) => {
      const detail = header(page).locator('.conn-detail', { hasText: /^Reconnect attempt [1-5] of 5 · next try in \d s$/ });
      await detail.waitFor({ timeout: 10_000 });
      expect(await header(page).getAttribute('data-state')).toBe('connecting');
      expect(await header(page).getAttribute('data-restarting')).toBe('true');
      expect(await header(page).locator('.conn-label').textContent()).toBe('Connecting…');
      await page.locator('.banner[data-restarting="true"]', { hasText: 'Vigil is restarting, reconnecting…' }).waitFor();
      await saveScreenshot(page, 'restart-outage');
    });
  });

  it('outlasting the five attempts (about 20 s down), the page falls back to REST and is still live again within 10 s of Vigil being ready', async () => {
    await restartUnderThePage('long-restart', 22_000, async (page) => {
      const fallback = page.locator('.banner[data-restarting="true"][data-mode="rest-refresh"]', {
        hasText: 'Vigil is restarting, reconnecting… Refreshing every 10 s meanwhile.',
      });
      await fallback.waitFor({ timeout: 30_000 });
      expect(await header(page).getAttribute('data-state')).toBe('disconnected');
      // Waiting for a restart is not "Offline": orange, and says what it waits for.
      expect(await header(page).locator('.conn-label').textContent()).toBe('Waiting for Vigil…');
      expect(
        await header(page)
          .locator('.conn-dot')
          .evaluate((dot) => getComputedStyle(dot).backgroundColor),
      ).toBe('rgb(245, 158, 11)');
      await saveScreenshot(page, 'long-restart-outage');
    });
  }, 120_000);

  it('says it in Korean too', async () => {
    await restartUnderThePage('restart-ko', 2000, async (page) => {
      await page.evaluate(() => localStorage.setItem('vigil.locale', 'ko'));
      await page.locator('.lang select').selectOption('ko');
      await page.locator('.banner[data-restarting="true"]', { hasText: 'Vigil이 다시 시작하는 중입니다. 다시 연결하는 중…' }).waitFor({ timeout: 10_000 });
      await header(page)
        .locator('.conn-detail', { hasText: /재연결 시도 [1-5]\/5/ })
        .waitFor({ timeout: 10_000 });
      await saveScreenshot(page, 'restart-outage-ko');
    });
  });
});
