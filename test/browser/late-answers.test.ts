/**
 * Pages read what their route or choice says (a filter, a chart range); an answer that comes back
 * after the user chose again belongs to the earlier choice and must not replace the newer one.
 * A list kept live by events: an answer read before a change, coming after the change's event,
 * must not undo it.
 */
import type { APIResponse, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkResults } from '../../db/schema/index.ts';
import type { StatusPage } from '../../server/contract/status-pages.ts';
import type { Check, Endpoint } from '../../server/contract/types.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

async function checkNow(endpoint: Endpoint): Promise<Check> {
  const res = await env.vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * Holds the answers of the requests `matches` picks until `release`; the others go through. By
 * default a held request reaches the server at `release`; with `readNow` the server answers at
 * once, and that answer is what `release` hands the page (read before what happens meanwhile).
 */
async function holdAnswers(page: Page, url: RegExp, matches: (url: URL, method: string) => boolean, options: { readNow?: boolean } = {}) {
  const held: { route: Route; response?: APIResponse }[] = [];
  await page.route(url, async (route) => {
    if (!matches(new URL(route.request().url()), route.request().method())) return route.continue();
    held.push({ route, response: options.readNow ? await route.fetch() : undefined });
  });
  return {
    count: () => held.length,
    release: async () => {
      for (const { route, response } of held.splice(0)) await (response ? route.fulfill({ response }) : route.continue());
    },
  };
}

describe('a late answer for an earlier choice', () => {
  it('does not put open incidents under the Resolved filter', async () => {
    env.target.setMode('/late-incidents', { kind: 'ok', status: 502 });
    const endpoint = await env.createEndpoint({ path: '/late-incidents', name: 'Late incidents', paused: true, failureThreshold: 1 });
    await checkNow(endpoint);

    const { page, errors } = await env.open('/incidents');
    await page.locator('.conn[data-state="connected"]').waitFor();
    const rows = page.locator('tr[data-incident-id]');
    await rows.first().waitFor();
    const open = await holdAnswers(page, /\/api\/incidents\?/, (url) => url.searchParams.get('status') === 'open');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(open.count, { timeout: 5000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Resolved', exact: true }).click();
    await page.getByText('No incidents.').waitFor({ timeout: 5000 });

    await open.release();
    await page.waitForTimeout(1000);
    expect(await rows.count()).toBe(0);
    expect(await page.getByText('No incidents.').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('does not put the 30 days of checks back on the chart once 1 hour is chosen again', async () => {
    env.target.setMode('/late-range', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/late-range', name: 'Late range', paused: true });
    await checkNow(endpoint);
    // A check two days old: in the 30 days, not in the hour.
    await env.vigil.database.db.insert(checkResults).values({
      id: crypto.randomUUID(),
      endpointId: endpoint.id,
      status: 'UP',
      responseTime: 5,
      statusCode: 200,
      errorMessage: null,
      checkedAt: new Date(Date.now() - 2 * 86_400_000),
    });

    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`);
    await page.locator('.conn[data-state="connected"]').waitFor();
    const recentRows = page.locator('[data-testid="recent-checks"] tbody tr');
    await expect.poll(() => recentRows.count(), { timeout: 5000 }).toBe(1);
    const longRange = await holdAnswers(page, /\/checks\?/, (url) => Date.parse(url.searchParams.get('from') ?? '') < Date.now() - 86_400_000);
    await page.getByRole('button', { name: '30 days' }).click();
    await expect.poll(longRange.count, { timeout: 5000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: '1 hour' }).click();
    await page.waitForTimeout(500);
    expect(await recentRows.count()).toBe(1);

    await longRange.release();
    await page.waitForTimeout(1000);
    expect(await recentRows.count()).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('a late answer read before a live change', () => {
  it('does not bring back a status page another client deleted while the list was loading', async () => {
    env.target.setMode('/late-list', { kind: 'ok' });
    const checkout = await env.createEndpoint({ path: '/late-list', name: 'Checkout API', paused: true });
    const created = await env.vigil.api<StatusPage>('POST', '/api/status-pages', {
      slug: 'late',
      title: 'Late answer',
      sections: [{ name: 'All', endpointIds: [checkout.id] }],
    });
    expect(created.status).toBe(201);
    const { page, errors } = await env.open('/status-pages/new');
    await page.locator('#f-title').waitFor();
    // The list's read: the real server answers with the page; the answer is held.
    const list = await holdAnswers(page, /\/api\/status-pages$/, (_url, method) => method === 'GET', { readNow: true });
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect.poll(list.count, { timeout: 5000 }).toBe(1);
    // Deleted by another client meanwhile: its event reaches the page before the held answer.
    expect((await env.vigil.api('DELETE', `/api/status-pages/${created.body.id}`)).status).toBe(204);
    await page.waitForTimeout(1000);
    await list.release();
    await page.locator('.empty').waitFor({ timeout: 5000 });
    expect(await page.locator('.sp-item').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
