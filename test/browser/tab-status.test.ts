import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

const RED = [0xdc, 0x26, 0x26];
const GREEN = [0x15, 0x80, 0x3d];
const AMBER = [0xd9, 0x77, 0x06];

/** The colour of the tab's icon as drawn: a pixel of its disc, left of the pulse line. */
function faviconColour(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')!;
    const img = new Image();
    img.src = link.href;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 32;
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0, 32, 32);
    return [...g.getImageData(4, 12, 1, 1).data.slice(0, 3)];
  });
}

const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 8);

async function dashboardCounts(page: Page) {
  const read = async (key: string) => Number(await page.locator(`[data-count="${key}"]`).textContent());
  return {
    total: await read('total'),
    up: await read('UP'),
    down: await read('DOWN'),
    degraded: await read('DEGRADED'),
    pending: await read('PENDING'),
    paused: await read('PAUSED'),
  };
}

describe('the tab says how things are', () => {
  it('titles the tab "(2 down) Vigil" with a red icon, in the UI language, amber for DEGRADED, green when all are up; the dashboard and /api/summary count a paused endpoint as paused only', async () => {
    env.target.setMode('/ok', { kind: 'ok' });
    env.target.setMode('/bad', { kind: 'ok', status: 500 });
    const up = await env.createEndpoint({ path: '/ok', name: 'Shop', degradedThresholdMs: 1000 });
    const down = [await env.createEndpoint({ path: '/bad', name: 'Payments' }), await env.createEndpoint({ path: '/bad', name: 'Login' })];
    await env.createEndpoint({ path: '/ok', name: 'Never checked', paused: true });
    const pausedDown = await env.createEndpoint({ path: '/bad', name: 'Paused while down', paused: true });
    expect((await env.vigil.api('POST', `/api/endpoints/${pausedDown.id}/check`)).status).toBe(200);

    const { page, errors } = await env.open('/');
    await page.locator('.conn[data-state="connected"]').waitFor();
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('(2 down) Vigil');
    expect(near(await faviconColour(page), RED), String(await faviconColour(page))).toBe(true);

    // One rule in both places: paused is paused, whatever its status (never checked, or DOWN).
    const expected = { total: 5, up: 1, down: 2, degraded: 0, pending: 0, paused: 2 };
    await expect.poll(() => dashboardCounts(page)).toEqual(expected);
    const summary = (await env.vigil.api<Summary>('GET', '/api/summary')).body;
    expect(summary).toEqual({ ...expected, maintenance: 0, openIncidents: 0 });

    await page.locator('.lang select').selectOption('ko');
    await expect.poll(() => page.title()).toBe('(장애 2) Vigil');
    await saveScreenshot(page, 'tab-status-dashboard-ko');

    env.target.setMode('/bad', { kind: 'ok' });
    for (const e of down) expect((await env.vigil.api('POST', `/api/endpoints/${e.id}/check`)).status).toBe(200);
    await expect.poll(() => page.title()).toBe('Vigil');
    expect(near(await faviconColour(page), GREEN), String(await faviconColour(page))).toBe(true);
    env.target.setMode('/ok', { kind: 'slow', delayMs: 1300 });
    expect((await env.vigil.api('POST', `/api/endpoints/${up.id}/check`)).status).toBe(200);
    await expect.poll(() => page.title()).toBe('(성능 저하 1) Vigil');
    expect(near(await faviconColour(page), AMBER), String(await faviconColour(page))).toBe(true);
    env.target.setMode('/ok', { kind: 'ok' });
    expect((await env.vigil.api('POST', `/api/endpoints/${up.id}/check`)).status).toBe(200);

    // On an endpoint's page (which follows that endpoint only) the counts come from /api/summary.
    await page.goto(`${env.base()}/endpoints/${up.id}`);
    await page.locator('.conn[data-state="connected"]').waitFor();
    await expect.poll(() => page.title()).toBe('Vigil');
    env.target.setMode('/bad', { kind: 'ok', status: 500 });
    expect((await env.vigil.api('POST', `/api/endpoints/${down[0]!.id}/check`)).status).toBe(200);
    // Another endpoint's change is not heard here: the next refresh (at most 30 s) or a change of this one brings it.
    env.target.setMode('/ok', { kind: 'ok', status: 503 });
    expect((await env.vigil.api('POST', `/api/endpoints/${up.id}/check`)).status).toBe(200);
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe('(장애 2) Vigil');
    expect(near(await faviconColour(page), RED)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('links the API docs from the header, and /favicon.ico is an icon, not the page', async () => {
    const { page, errors } = await env.open('/');
    const docs = page.locator('header a', { hasText: 'API docs' });
    expect(await docs.getAttribute('href')).toBe('/api/docs');
    await docs.click();
    await page.waitForURL('**/api/docs');
    await expect.poll(() => page.title()).toBe('Vigil API');
    await page.locator('.swagger-ui .info').waitFor();

    const icon = await page.request.get(`${env.base()}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/x-icon');
    expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(errors).toEqual([]);
  });
});
