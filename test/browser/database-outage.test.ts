import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { launchBrowser, newPage, saveScreenshot, type OpenedPage } from '../support/browser.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';

// The dashboard while Vigil's PostgreSQL is down: REST answers 503, the socket keeps going.
let browser: Browser;
let target: TargetServer;
let pg: ThrowawayPostgres | undefined;
let vigil: VigilProcess | undefined;
let opened: OpenedPage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  target = await startTargetServer();
});
afterEach(async () => {
  await opened?.context.close();
  await vigil?.kill();
  await pg?.destroy();
});
afterAll(async () => {
  await browser?.close();
  await target?.close();
});

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const databaseBanner = (page: Page) => page.locator('.banner[data-banner="database"]');

describe('the dashboard while the database is unavailable', () => {
  it('says so plainly while REST answers 503, keeps the cards live from the socket, and clears the banner once REST answers again', async () => {
    pg = await startThrowawayPostgres();
    vigil = await startVigilProcess({ env: { DATABASE_URL: pg.url } });
    target.setMode('/db-out', { kind: 'ok' });
    const created = await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Orders API', url: target.url('/db-out'), intervalSeconds: 1 }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as Endpoint;
    opened = await newPage(browser, { baseURL: vigil.url, locale: 'en-US' });
    const { page, errors } = opened;
    await page.goto('/');
    await page.locator('.conn[data-state="connected"]').waitFor();
    await expect.poll(() => card(page, endpoint.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');

    await pg.stop('immediate');
    // Any REST request now answers 503: going to the endpoint list and back asks for data twice.
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await databaseBanner(page).waitFor({ timeout: 10_000 });
    expect(await databaseBanner(page).textContent()).toBe('Database unavailable — checks continue, results are stored when it is back.');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await card(page, endpoint.id).waitFor();
    // No error toast on top of the banner: it already says why.
    const errorToasts = page.locator('[data-sonner-toast][data-type="error"]');
    expect(await errorToasts.count(), `error toasts: ${JSON.stringify(await errorToasts.allTextContents())}`).toBe(0);
    // Live events keep coming over the socket: the card's last check moves on.
    const lastCheck = () => card(page, endpoint.id).locator('.card-time').getAttribute('datetime');
    const before = await lastCheck();
    await expect.poll(lastCheck, { timeout: 10_000 }).not.toBe(before);
    expect(await page.locator('.conn').getAttribute('data-state')).toBe('connected');
    await saveScreenshot(page, 'database-unavailable');

    await page.locator('.lang select').selectOption('ko');
    await databaseBanner(page).filter({ hasText: '데이터베이스를 사용할 수 없습니다 — 체크는 계속되며, 결과는 데이터베이스가 돌아오면 저장됩니다.' }).waitFor();
    await page.locator('.lang select').selectOption('en');

    await pg.start();
    // Nothing else asks REST while the socket is live: the page rechecks after Retry-After (5 s).
    await databaseBanner(page).waitFor({ state: 'detached', timeout: 20_000 });
    await saveScreenshot(page, 'database-back');
    expect(errors.filter((e) => !/^HTTP 503: GET \/api\//.test(e))).toEqual([]);
  }, 90_000);
});
