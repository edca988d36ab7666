import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface ShownToast {
  box: Box;
  title: string;
  /** The library's icon elements, and 1 if the text starts with an emoji: one icon in all. */
  icons: number;
}

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The toasts a person sees: not leaving, not hidden beyond the fifth, opaque, inside the window. */
function shownToasts(page: Page): Promise<ShownToast[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-sonner-toast]:not([data-removed="true"])')]
      .filter((li) => Number(getComputedStyle(li).opacity) > 0.5)
      .map((li) => {
        const r = li.getBoundingClientRect();
        const title = (li.querySelector('[data-title]')?.textContent ?? '').trim();
        return {
          box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
          title,
          icons: li.querySelectorAll('[data-icon]').length + (/^\p{Extended_Pictographic}/u.test(title) ? 1 : 0),
        };
      })
      .filter((t) => t.box.bottom > 0 && t.box.top < innerHeight),
  );
}

/** The toasts once they have stopped moving (enter and exit transitions take 0.4 s). */
async function settledToasts(page: Page, count: number): Promise<ShownToast[]> {
  let last = '';
  for (const started = Date.now(); Date.now() - started < 10_000; ) {
    const toasts = await shownToasts(page);
    const now = JSON.stringify(toasts);
    if (toasts.length === count && now === last) return toasts;
    last = now;
    await page.waitForTimeout(250);
  }
  throw new Error(`the toasts did not settle at ${count}: ${last}`);
}

function boxOf(page: Page, selector: string, hasText?: string): Promise<Box> {
  return page
    .locator(selector, hasText ? { hasText } : {})
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
}

const openIncidentsTile = (page: Page) => boxOf(page, '.count[data-status="INCIDENTS"]');

/** Readable: five at most, none covering another or `avoid`, one icon each. */
function expectReadable(toasts: ShownToast[], avoid: Record<string, Box>) {
  expect(toasts.length).toBeLessThanOrEqual(5);
  for (const toast of toasts) {
    expect(toast.icons, toast.title).toBe(1);
    expect(toast.box.bottom - toast.box.top).toBeGreaterThan(30);
    for (const [name, box] of Object.entries(avoid)) expect(intersects(toast.box, box), `${toast.title} covers ${name}`).toBe(false);
  }
  for (let i = 0; i < toasts.length; i++) {
    for (let j = i + 1; j < toasts.length; j++) {
      expect(intersects(toasts[i]!.box, toasts[j]!.box), `${toasts[i]!.title} / ${toasts[j]!.title}`).toBe(false);
    }
  }
}

/** 8 px apart, evenly (a toast measured mid-transition, or before the window changed, once left 3 px or overlapped). */
function expectEvenlyStacked(toasts: ShownToast[]) {
  const boxes = toasts.map((t) => t.box).sort((a, b) => a.top - b.top);
  const gaps = boxes.slice(1).map((box, i) => Math.round(box.top - boxes[i]!.bottom));
  for (const gap of gaps) expect(gap, `gaps ${gaps.join(', ')}`).toBeGreaterThanOrEqual(7);
  for (const gap of gaps) expect(gap, `gaps ${gaps.join(', ')}`).toBeLessThanOrEqual(9);
}

/** `count` paused endpoints on a failing target: a check of each turns it DOWN, one toast each. */
async function failingEndpoints(count: number): Promise<Endpoint[]> {
  env.target.setMode('/burst', { kind: 'ok', status: 500 });
  const endpoints: Endpoint[] = [];
  for (let i = 1; i <= count; i++) endpoints.push(await env.createEndpoint({ path: '/burst', name: `Burst ${i}`, paused: true }));
  return endpoints;
}

/** Checks them all at once: DOWN events within a second (about 0.2 s here; 3 s allowed on a busy machine). */
async function checkAllAtOnce(endpoints: Endpoint[]) {
  const started = Date.now();
  const answers = await Promise.all(endpoints.map((e) => env.vigil.api('POST', `/api/endpoints/${e.id}/check`)));
  expect(answers.map((a) => a.status)).toEqual(endpoints.map(() => 200));
  expect(Date.now() - started, 'the seven checks took').toBeLessThan(3000);
}

describe('toasts', () => {
  for (const size of SIZES) {
    it(`at ${size.width}×${size.height}: sixteen endpoints DOWN within a second show five toasts apart, one icon each, clear of Open incidents`, async () => {
      // Ten a second are toasted one by one, the rest summed up a second later ("6 more changes", no emoji of its own).
      const endpoints = await failingEndpoints(16);
      // The desktop in the dark theme: the toasts follow it.
      const colorScheme = size.name === 'desktop' ? 'dark' : 'light';
      const { page, errors } = await env.open('/', { viewport: { width: size.width, height: size.height }, colorScheme });
      await page.locator('.conn[data-state="connected"]').waitFor();
      await page.locator('.card').nth(15).waitFor();

      await checkAllAtOnce(endpoints);
      const summary = page.locator('[data-sonner-toast]:not([data-removed="true"])', { hasText: / more changes$/ });
      await summary.waitFor();
      // A pointer on the toasts pauses them, so a busy machine measures them before the first ones leave.
      await summary.hover();
      const toasts = await settledToasts(page, 5);
      await saveScreenshot(page, `toasts-${size.name}`);
      expectReadable(toasts, { 'Open incidents': await openIncidentsTile(page) });
      const others = toasts.map((t) => t.title).filter((title) => !/^❌ Burst \d+ is down$/.test(title));
      expect(others).toHaveLength(1);
      expect(others[0]).toMatch(/^\d+ more changes$/);
      expect(await summary.locator('[data-icon] svg').count(), 'the library icon of the summary').toBe(1);
      expect(await page.locator('[data-sonner-toaster]').getAttribute('data-sonner-theme')).toBe(colorScheme);
      expectEvenlyStacked(toasts);
      expect(errors).toEqual([]);
    });
  }

  it('while the fallback banner shows, toasts stay clear of its Retry now button at both sizes, and stay apart as the window changes', async () => {
    const endpoints = await failingEndpoints(7);
    const { page, errors } = await env.newPage({ viewport: { width: 1280, height: 800 } });
    // Routing is set up before the page opens its socket; until `refuse` it passes through.
    let refuse = false;
    await page.routeWebSocket(/socket\.io/, (ws) => (refuse ? ws.close() : ws.connectToServer()));
    // The page's own clock, so the five reconnect attempts (17 s and more of backoff) can be skipped through.
    await page.clock.install();
    await page.goto(`${env.base()}/`);
    await page.locator('.conn[data-state="connected"]').waitFor();
    await page.locator('.card').nth(6).waitFor();
    await checkAllAtOnce(endpoints);
    await settledToasts(page, 5);
    // A pointer over the toasts pauses their timers: they stay while the WebSocket attempts run out.
    await page.locator('[data-sonner-toast][data-front="true"]').hover();

    refuse = true;
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    const retry = page.locator('.banner button', { hasText: 'Retry now' });
    for (const started = Date.now(); !(await retry.isVisible()); ) {
      expect(Date.now() - started, 'the fallback banner did not come').toBeLessThan(30_000);
      await page.clock.fastForward(1000);
      await page.waitForTimeout(100);
    }

    // To the phone and back: the toasts are measured again for each width (narrower, taller text).
    for (const size of [SIZES[1], SIZES[0]]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.locator('[data-sonner-toast][data-front="true"]').hover();
      const toasts = await settledToasts(page, 5);
      await saveScreenshot(page, `toasts-fallback-${size.name}`);
      expectReadable(toasts, { 'Retry now': await boxOf(page, '.banner button', 'Retry now'), 'Open incidents': await openIncidentsTile(page) });
      expectEvenlyStacked(toasts);
    }
    expect(errors.filter((e) => !e.includes('WebSocket'))).toEqual([]);
  });
});
