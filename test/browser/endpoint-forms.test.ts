import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Endpoint, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();
const { open } = env;

const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
const endpointsInApi = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;

it('adds, edits, pauses, resumes and deletes an endpoint through the forms, with field errors beside the fields', async () => {
  env.target.setMode('/crud', { kind: 'ok' });
  const { page, errors } = await open('/');
  await page.getByRole('link', { name: '+ Add endpoint' }).click();
  await page.locator('#form-title', { hasText: 'Add an endpoint' }).waitFor();

  // Caught in the browser: nothing is sent.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect.poll(() => fieldError(page, 'name').textContent()).toContain('Required');
  expect(await fieldError(page, 'url').textContent()).toContain('Required');
  await page.getByLabel('Name').fill('Orders API');
  await page.getByLabel('URL').fill('ftp://nope');
  await page.getByLabel('Check every (seconds)').fill('0');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect.poll(() => fieldError(page, 'url').textContent()).toContain('http://');
  expect(await fieldError(page, 'intervalSeconds').textContent()).toContain('between 1 and 86400');
  expect(await fieldError(page, 'name').count()).toBe(0);
  expect(await endpointsInApi()).toEqual([]);

  // Refused by the API: its message appears beside the field it names.
  await page.getByLabel('URL').fill(env.target.url('/crud'));
  await page.getByLabel('Check every (seconds)').fill('1');
  await page.getByLabel('Expected status codes').fill('banana');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect.poll(() => fieldError(page, 'expectedStatusCodes').count()).toBe(1);
  expect(await page.getByLabel('Expected status codes').getAttribute('aria-invalid')).toBe('true');
  await saveScreenshot(page, 'endpoint-form-errors');
  expect(await endpointsInApi()).toEqual([]);

  await page.getByLabel('Expected status codes').fill('200-299');
  await page.getByLabel('Tags').fill('shop, critical');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await page.locator('#ep-title', { hasText: 'Orders API' }).waitFor();
  const [created] = await endpointsInApi();
  expect(created).toMatchObject({ name: 'Orders API', url: env.target.url('/crud'), intervalSeconds: 1, tags: ['shop', 'critical'] });
  expect(new URL(page.url()).pathname).toBe(`/endpoints/${created!.id}`);
  await expect.poll(() => page.locator('.ep-head .badge').getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');

  await page.getByRole('link', { name: 'Edit' }).click();
  expect(await page.getByLabel('Resolve it after this many successes in a row').inputValue()).toBe('1');
  await page.getByLabel('Name').fill('Orders API v2');
  await page.getByLabel('Resolve it after this many successes in a row').fill('101');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => fieldError(page, 'recoveryThreshold').textContent()).toContain('between 1 and 100');
  await page.getByLabel('Resolve it after this many successes in a row').fill('3');
  expect(await page.getByLabel('Retry interval while down (seconds)').inputValue()).toBe('');
  await page.getByLabel('Retry interval while down (seconds)').fill('15');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#ep-title', { hasText: 'Orders API v2' }).waitFor();
  expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${created!.id}`)).body).toMatchObject({
    name: 'Orders API v2',
    recoveryThreshold: 3,
    retryIntervalSeconds: 15,
  });
  await page.getByText('Retry interval while down').waitFor();
  await page.getByText('3 successes in a row').waitFor();

  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${created!.id}`)).body.paused).toBe(true);
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${created!.id}`)).body.paused).toBe(false);

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await page.locator('#list-title').waitFor();
  expect(new URL(page.url()).pathname).toBe('/endpoints');
  expect(await endpointsInApi()).toEqual([]);
  expect((await env.vigil.api('GET', `/api/endpoints/${created!.id}`)).status).toBe(404);
  expect(errors).toEqual([]);
});

it('filters and searches the endpoint list, keeping the filters in the URL', async () => {
  env.target.setMode('/up', { kind: 'ok' });
  env.target.setMode('/down', { kind: 'ok', status: 500 });
  for (const [name, path, tags] of [
    ['Checkout', '/up', ['shop']],
    ['Catalog', '/up', ['shop']],
    ['Mailer', '/down', ['mail']],
  ] as const) {
    const res = await env.vigil.api('POST', '/api/endpoints', { name, url: env.target.url(path), intervalSeconds: 1, tags });
    expect(res.status).toBe(201);
  }
  const { page } = await open('/endpoints');
  const rows = page.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(3);
  await expect.poll(() => page.locator('tr', { hasText: 'Mailer' }).locator('.badge').getAttribute('data-status'), { timeout: 10_000 }).toBe('DOWN');

  await page.getByLabel('Status').selectOption('DOWN');
  await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Mailer')]);
  expect(new URL(page.url()).searchParams.get('status')).toBe('DOWN');

  await page.reload();
  await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Mailer')]);
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Tag').selectOption('shop');
  await page.getByLabel('Search by name or URL').fill('cat');
  await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Catalog')]);
});

it('speaks Korean when asked, and remembers the choice', async () => {
  const { page } = await open('/');
  await page.locator('#dash-title', { hasText: 'Dashboard' }).waitFor();
  await page.getByLabel('Language').selectOption('ko');
  await page.locator('#dash-title', { hasText: '대시보드' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('ko');
  await page.reload();
  await page.locator('#dash-title', { hasText: '대시보드' }).waitFor();
  expect(await page.locator('.conn').getAttribute('title')).toMatch(/실시간 연결|연결 끊김/);
});

it('fits a phone screen: no horizontal scrolling and every control reachable by keyboard', async () => {
  const res = await env.vigil.api('POST', '/api/endpoints', { name: 'Phone check', url: env.target.url('/p'), intervalSeconds: 1 });
  expect(res.status).toBe(201);
  const opened = await env.newPage({ viewport: { width: 375, height: 740 } });
  const page = opened.page;
  await page.addInitScript(() => {
    const w = window as unknown as { layoutShift: number };
    w.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) w.layoutShift += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${env.base()}/`);
  await page.locator('.card').first().waitFor();
  // The card carries the status (its badge's colour and icon follow it); the badge says it.
  await expect.poll(() => page.locator('.card').getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');
  expect(await page.locator('.card .badge').textContent()).toBe('Up');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  // Cumulative layout shift below 0.1, the usual threshold of "good".
  expect(await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift)).toBeLessThan(0.1);
  await saveScreenshot(page, 'dashboard-phone');

  // Tab reaches the card link.
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('card') ?? false);
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await page.locator('#ep-title', { hasText: 'Phone check' }).waitFor();
});
