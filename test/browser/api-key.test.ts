import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

/**
 * The dashboard on an instance with API_KEY: readable without the key, asks for it for writes and
 * live updates, keeps it in the browser. Every page ends with `errors` empty: 401 answers from
 * /api/ (and Chromium's "Failed to load resource" line for them) are not listed by newPage, and
 * the socket's refusal is a console warning, so no filtering is needed here.
 */

const KEY = 'k1';
const STORAGE = 'vigil.apiKey';

const dialog = (page: Page) => page.getByRole('dialog', { name: 'API key' });
const banner = (page: Page) => page.locator('.banner');
const status = (page: Page) => page.locator('.conn');
const storedKey = (page: Page) => page.evaluate((name) => localStorage.getItem(name), STORAGE);
const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);

/** Counts the WebSocket connections the page opens (each is one Socket.io handshake here). */
function countSockets(page: Page) {
  const opened = { count: 0 };
  page.on('websocket', () => opened.count++);
  return opened;
}

describe('a key-protected instance (API_KEY set)', () => {
  const env = useBrowserTestEnv({ API_KEY: KEY, AUTH_FAILURE_LIMIT: '3' });
  const endpointsInApi = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;
  const withKey = { authorization: `Bearer ${KEY}` };

  it('shows the dashboard without a key and says live updates need it; a wrong key is refused with the server’s message; the right one goes live and is kept across reloads', async () => {
    env.target.setMode('/k', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/k', name: 'Keyed API', paused: true });
    const opened = await env.newPage();
    const { page, errors } = opened;
    const sockets = countSockets(page);
    await page.goto(`${env.base()}/`);

    // Readable without a key: the endpoint is listed, the page says why it is not live.
    await card(page, endpoint.id).waitFor();
    await banner(page).filter({ hasText: "Live updates need this Vigil's API key" }).waitFor();
    expect(await banner(page).getAttribute('data-refusal')).toBe('missing');
    expect(await status(page).getAttribute('data-state')).toBe('disconnected');
    expect(await status(page).locator('.conn-label').textContent()).toBe('Key needed');
    // Not asked unasked: a viewer can simply watch.
    expect(await dialog(page).count()).toBe(0);
    // The refusal is not retried in a loop.
    await page.waitForTimeout(3000);
    expect(sockets.count).toBe(1);

    // Escape cancels and gives focus back; nothing changes.
    const enterKey = banner(page).getByRole('button', { name: 'Enter API key' });
    await enterKey.click();
    await dialog(page).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-input');
    const input = dialog(page).getByLabel('API key');
    expect(await input.getAttribute('type')).toBe('password');
    expect(await input.getAttribute('autocomplete')).toBe('off');
    await saveScreenshot(page, 'api-key-dialog');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Enter API key');
    expect(await storedKey(page)).toBeNull();

    await enterKey.click();
    await input.fill('not-the-key');
    await dialog(page).getByRole('button', { name: 'Save key' }).click();
    await dialog(page).locator('.field-error', { hasText: 'Not saved: The API key is not valid.' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await storedKey(page)).toBeNull();
    await saveScreenshot(page, 'api-key-dialog-refused');

    await input.fill(KEY);
    await dialog(page).getByRole('button', { name: 'Save key' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });
    expect(await status(page).locator('.conn-label').textContent()).toBe('Live');
    expect(await banner(page).count()).toBe(0);
    expect(await storedKey(page)).toBe(KEY);
    expect(await page.locator('.key-button').getAttribute('data-key-saved')).toBe('true');

    // Live: a check the server runs reaches the card at once (the REST refresh stopped on connect).
    expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/check`, undefined, withKey)).status).toBe(200);
    await expect.poll(() => card(page, endpoint.id).locator('.strip i').count(), { timeout: 3000 }).toBe(1);
    expect(await card(page, endpoint.id).locator('.strip i').getAttribute('data-status')).toBe('UP');

    await page.reload();
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });
    expect(await dialog(page).count()).toBe(0);
    expect(await banner(page).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('asks for the key when a write is refused: cancel fails the write and changes nothing; with the key the endpoint is created exactly once', async () => {
    const { page, errors } = await env.open('/endpoints/new');
    const posts: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/endpoints') posts.push(response.status());
    });
    await page.getByLabel('Name').fill('Orders API');
    await page.getByLabel('URL').fill(env.target.url('/orders'));
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog(page).waitFor();
    expect(await dialog(page).textContent()).toContain('This change needs the API key of this Vigil.');

    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    await page.locator('.form-error', { hasText: 'This needs an API key' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add endpoint' }).isEnabled()).toBe(true);
    expect(await endpointsInApi()).toEqual([]);
    expect(await storedKey(page)).toBeNull();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog(page).getByLabel('API key').fill(KEY);
    await dialog(page).getByRole('button', { name: 'Save key' }).click();
    await page.locator('#ep-title', { hasText: 'Orders API' }).waitFor();
    const created = await endpointsInApi();
    expect(created.map((e) => e.name)).toEqual(['Orders API']);
    expect(new URL(page.url()).pathname).toBe(`/endpoints/${created[0]!.id}`);
    expect(posts).toEqual([401, 401, 201]);
    expect(await storedKey(page)).toBe(KEY);
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });

    // Later writes send the key: no dialog.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await dialog(page).count()).toBe(0);
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${created[0]!.id}`)).body.paused).toBe(true);
    expect(errors).toEqual([]);
  });

  it('forgetting the key returns the page to the needs-key state, refreshed from REST', async () => {
    env.target.setMode('/f', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/f', name: 'Forget me not', paused: true });
    const { page, errors } = await env.open('/');
    await page.evaluate(([name, key]) => localStorage.setItem(name!, key!), [STORAGE, KEY]);
    await page.reload();
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });

    await page.locator('.key-button').click();
    await dialog(page).getByText('A key is saved in this browser.').waitFor();
    await saveScreenshot(page, 'api-key-dialog-saved');
    await dialog(page).getByRole('button', { name: 'Forget key' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    await page.locator('[data-sonner-toast]', { hasText: 'The API key was removed from this browser.' }).waitFor();
    await banner(page).filter({ hasText: 'Live updates need' }).waitFor({ timeout: 5000 });
    expect(await status(page).getAttribute('data-state')).toBe('disconnected');
    expect(await status(page).locator('.conn-label').textContent()).toBe('Key needed');
    expect(await storedKey(page)).toBeNull();
    expect(await page.locator('.key-button').getAttribute('data-key-saved')).toBe('false');

    // Not live any more, but still current: the REST refresh (every 10 s) brings the check.
    expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/check`, undefined, withKey)).status).toBe(200);
    await expect.poll(() => card(page, endpoint.id).locator('.strip i').count(), { timeout: 12_000 }).toBe(1);
    expect(await status(page).locator('.conn-label').textContent()).toBe('Key needed');
    expect(errors).toEqual([]);
  });

  it('applies a key saved or forgotten in another tab of the same browser', async () => {
    const first = await env.open('/');
    const second = await first.context.newPage();
    await second.goto(`${env.base()}/`);
    await banner(second).filter({ hasText: 'Live updates need' }).waitFor();

    await first.page.evaluate(([name, key]) => localStorage.setItem(name!, key!), [STORAGE, KEY]);
    await second.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });
    await first.page.evaluate((name) => localStorage.removeItem(name), STORAGE);
    await second.locator('.conn-label', { hasText: 'Key needed' }).waitFor({ timeout: 5000 });
    expect(first.errors).toEqual([]);
  });

  it('drops a saved key the server refuses and opens the dialog saying so', async () => {
    const { page, errors } = await env.open('/');
    await page.evaluate((name) => localStorage.setItem(name, 'an-old-key'), STORAGE);
    await page.reload();
    await dialog(page).waitFor();
    expect(await dialog(page).textContent()).toContain('The saved API key was refused');
    expect(await storedKey(page)).toBeNull();
    await saveScreenshot(page, 'api-key-dialog-invalid');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    expect(await banner(page).getAttribute('data-refusal')).toBe('invalid');
    expect(await banner(page).textContent()).toContain('The saved API key was refused.');
    // Reloading without a key: the plain needs-key state, no dialog.
    await page.reload();
    await banner(page).filter({ hasText: 'Live updates need' }).waitFor();
    expect(await dialog(page).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the wait in seconds when this address sent too many wrong keys, takes the right key all the same, and does not retry meanwhile', async () => {
    const { page, errors } = await env.open('/');
    await banner(page).filter({ hasText: 'Live updates need' }).waitFor();
    await banner(page).getByRole('button', { name: 'Enter API key' }).click();
    const input = dialog(page).getByLabel('API key');
    for (let i = 1; i <= 3; i++) {
      await input.fill(`wrong-${i}`);
      await dialog(page).getByRole('button', { name: 'Save key' }).click();
      await dialog(page).locator('.field-error', { hasText: 'The API key is not valid.' }).waitFor();
      await dialog(page).getByRole('button', { name: 'Save key' }).waitFor(); // not "Checking…" any more
    }
    await input.fill('wrong-4');
    await dialog(page).getByRole('button', { name: 'Save key' }).click();
    await dialog(page)
      .locator('.field-error', { hasText: /Too many wrong API keys from this address; try again in \d+ s\./ })
      .waitFor();
    expect(await storedKey(page)).toBeNull();
    await saveScreenshot(page, 'api-key-dialog-throttled');
    // Throttling slows wrong keys; it never keeps the right one out.
    await input.fill(KEY);
    await dialog(page).getByRole('button', { name: 'Save key' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    await page.locator('.conn[data-state="connected"]').waitFor();
    expect(await storedKey(page)).toBe(KEY);

    // A saved key that has since been replaced on the server, from the throttled address.
    await page.evaluate((name) => localStorage.setItem(name, 'replaced-key'), STORAGE);
    const sockets = countSockets(page);
    await page.reload();
    const throttled = banner(page).filter({ hasText: /live updates can be tried again in \d+ s/ });
    await throttled.waitFor();
    expect(await throttled.getAttribute('data-refusal')).toBe('throttled');
    const seconds = Number(/in (\d+) s/.exec((await throttled.textContent())!)![1]);
    expect(seconds).toBeGreaterThan(30);
    expect(seconds).toBeLessThanOrEqual(60);
    await page.waitForTimeout(2500);
    expect(Number(/in (\d+) s/.exec((await throttled.textContent())!)![1])).toBeLessThan(seconds);
    expect(sockets.count).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('an open instance (no API_KEY)', () => {
  const env = useBrowserTestEnv();

  it('never shows the key dialog, banner or button, and writes need nothing', async () => {
    const { page, errors } = await env.open('/endpoints/new');
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 5000 });
    await page.getByLabel('Name').fill('Open API');
    await page.getByLabel('URL').fill(env.target.url('/open'));
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Open API' }).waitFor();
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.locator('[data-sonner-toast]', { hasText: 'Checked Open API' }).waitFor();
    expect(await dialog(page).count()).toBe(0);
    expect(await banner(page).count()).toBe(0);
    expect(await page.locator('.key-button').count()).toBe(0);
    expect(await storedKey(page)).toBeNull();
    expect(errors).toEqual([]);
  });
});
