import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkResults } from '../../db/schema/index.ts';
import type { Check, Endpoint, Incident, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

async function checkNow(endpoint: Endpoint): Promise<Check> {
  const res = await env.vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

const timelineRoles = (page: Page) =>
  page.locator('.timeline-item').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-role')}:${li.getAttribute('data-status')}`));

describe('the incident page', () => {
  it('is reached from the incidents page, shows the checks that opened it, and turns resolved live', async () => {
    env.target.setMode('/orders', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/orders', name: 'Orders API', paused: true, failureThreshold: 2 });
    await checkNow(endpoint);
    env.target.setMode('/orders', { kind: 'ok', status: 502 });
    await checkNow(endpoint);
    const opening = await checkNow(endpoint);

    const { page, errors } = await env.open('/incidents');
    await page.locator('.conn[data-state="connected"]').waitFor();
    await page.getByRole('link', { name: /^Incident of Orders API, started/ }).click();
    await page.locator('h1', { hasText: 'Incident: Orders API' }).waitFor();
    const [incident] = (await env.vigil.api<ListPage<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    expect(new URL(page.url()).pathname).toBe(`/incidents/${incident!.id}`);
    expect(await page.locator('.incident-state').textContent()).toContain('Ongoing');
    expect(await page.getByTestId('incident-failures').textContent()).toBe('2');
    expect(await timelineRoles(page)).toEqual(['before:UP', 'before:DOWN', 'opened:DOWN']);
    expect(await page.locator('.timeline-item[data-role="opened"]').getAttribute('data-check-id')).toBe(opening.id);
    // While open, the duration grows.
    const firstDuration = await page.getByTestId('incident-duration').textContent();
    await expect.poll(() => page.getByTestId('incident-duration').textContent(), { timeout: 3000 }).not.toBe(firstDuration);
    await saveScreenshot(page, 'incident-open');

    await checkNow(endpoint);
    await expect.poll(() => page.getByTestId('incident-failures').textContent()).toBe('3');
    await expect.poll(() => timelineRoles(page)).toEqual(['before:UP', 'before:DOWN', 'opened:DOWN', 'during:DOWN']);

    env.target.setMode('/orders', { kind: 'ok' });
    const closing = await checkNow(endpoint);
    await expect.poll(() => page.locator('.incident-state').textContent()).toContain('Resolved');
    await expect.poll(() => timelineRoles(page)).toEqual(['before:UP', 'before:DOWN', 'opened:DOWN', 'during:DOWN', 'resolved:UP']);
    expect(await page.locator('.timeline-item[data-role="resolved"]').getAttribute('data-check-id')).toBe(closing.id);
    expect(await page.locator('.timeline-item[data-role="resolved"] .timeline-mark').textContent()).toContain('Incident resolved');
    await saveScreenshot(page, 'incident-resolved');

    // A check after it is not part of it.
    await checkNow(endpoint);
    await page.waitForTimeout(600);
    expect(await page.locator('.timeline-item').count()).toBe(5);

    // The endpoint page's incident list links here too.
    await page.getByRole('link', { name: 'Orders API' }).click();
    await page.locator('#ep-title', { hasText: 'Orders API' }).waitFor();
    await page.locator(`.incident-list a[href="/incidents/${incident!.id}"]`).click();
    await page.locator('h1', { hasText: 'Incident: Orders API' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('says how many checks of a long incident it leaves out, between its start and its newest checks', async () => {
    env.target.setMode('/long', { kind: 'ok', status: 500 });
    const endpoint = await env.createEndpoint({ path: '/long', name: 'Long outage', paused: true, failureThreshold: 1 });
    const opening = await checkNow(endpoint);
    const start = Date.parse(opening.checkedAt);
    await env.vigil.database.db.insert(checkResults).values(
      Array.from({ length: 230 }, (_, i) => ({
        id: crypto.randomUUID(),
        endpointId: endpoint.id,
        status: 'DOWN',
        responseTime: 3,
        statusCode: 500,
        errorMessage: 'Unexpected status code 500 (expected 200-299)',
        checkedAt: new Date(start + (i + 1) * 1000),
      })),
    );
    const [incident] = (await env.vigil.api<ListPage<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    const { page, errors } = await env.open(`/incidents/${incident!.id}`);
    const gap = page.locator('.timeline-gap');
    await gap.waitFor();
    expect(await gap.textContent()).toContain('30 more checks during the incident, not shown');
    // Just after the check that opened it.
    expect(await page.locator('.timeline-gap + .timeline-item').count()).toBe(1);
    expect(await page.locator('.timeline > :nth-child(1)').getAttribute('data-role')).toBe('opened');
    expect(await page.locator('.timeline > :nth-child(2)').getAttribute('data-role')).toBe('gap');
    expect(await page.locator('.timeline-item').count()).toBe(201);
    expect(errors).toEqual([]);
  });

  it('shows the not-found page for a malformed or unknown id, without an error toast', async () => {
    const { page, errors } = await env.open('/incidents/not-a-uuid');
    await page.locator('h1', { hasText: 'Page not found' }).waitFor();
    await page.goto(`${env.base()}/incidents/${crypto.randomUUID()}`);
    await page.locator('h1', { hasText: 'Page not found' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('[data-sonner-toast]').count()).toBe(0);
    await saveScreenshot(page, 'incident-not-found');
    expect(errors).toEqual([]);
  });
});
