/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { seedMonitoringStory } from '../support/ui-fixtures.ts';

const env = useBrowserTestEnv();
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** What a person sees of the layout: the header's height, and whether anything runs off to the right. */
function layoutOf(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector('.header')!.getBoundingClientRect();
    const scroller = document.scrollingElement!;
    // Boxes that scroll sideways on their own (a wide table in its wrapper) clip as badly as the page.
    const sideways = [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { headerHeight: header.height, scrollWidth: scroller.scrollWidth, innerWidth: window.innerWidth, sideways };
  });
}

/** The first element matching `selector` holding `text` is visible and lies inside the viewport. */
async function expectOnScreen(page: Page, selector: string, text: string | RegExp) {
  const element = page.locator(selector, { hasText: text }).first();
  await element.waitFor();
  // Polled: a live page may re-render the element between two looks.
  await expect
    .poll(
      async () => {
        const box = await element.boundingBox();
        return box ? { starts: box.x >= 0, ends: box.x + box.width <= 390.5 } : null;
      },
      { message: `${selector} "${text}" on screen` },
    )
    .toEqual({ starts: true, ends: true });
}

describe('the dashboard on a phone (390×844)', () => {
  it('keeps a one-row header of at most 64 px and no sideways scrolling on any page', async () => {
    const story = await seedMonitoringStory(env);
    const { page, errors } = await env.open('/', PHONE);
    const pages: [name: string, path: string, ready: () => Promise<void>][] = [
      ['dashboard', '/', () => expectOnScreen(page, '.card', 'Payments gateway')],
      ['dashboard-compact', '/?view=compact', () => expectOnScreen(page, '[data-endpoint-id]', 'Payments gateway')],
      [
        'list',
        '/endpoints',
        async () => {
          await expectOnScreen(page, 'tr[data-endpoint-id] td', 'Checkout API');
          // The cells the wide table clipped: response time and last check, labelled.
          const lastCheck = page.locator(`tr[data-endpoint-id="${story.up.id}"] td[data-label="Last check"]`);
          await lastCheck.waitFor();
          await expect
            .poll(async () => ((await lastCheck.boundingBox())?.x ?? Infinity) + ((await lastCheck.boundingBox())?.width ?? 0))
            .toBeLessThanOrEqual(390);
          expect(await lastCheck.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Last check "');
        },
      ],
      ['endpoint', `/endpoints/${story.down.id}`, () => expectOnScreen(page, 'h1', 'Payments gateway')],
      ['incidents', '/incidents', () => expectOnScreen(page, 'tr[data-incident-id] td', 'Search')],
      ['incident', `/incidents/${story.resolvedIncident.id}`, () => expectOnScreen(page, '.timeline-mark', 'Incident resolved')],
      ['form', '/endpoints/new', () => expectOnScreen(page, 'button', 'Add endpoint')],
      ['edit-form', `/endpoints/${story.down.id}/edit`, () => expectOnScreen(page, 'button', 'Save changes')],
      ['not-found', '/no-such-page', () => expectOnScreen(page, 'h1', 'Page not found')],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(env.base() + path);
      await ready();
      const layout = await layoutOf(page);
      expect(layout.headerHeight, `${name}: header height`).toBeLessThanOrEqual(64);
      expect(layout.scrollWidth, `${name}: page width`).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.sideways, `${name}: boxes scrolling sideways`).toEqual([]);
      await saveScreenshot(page, `mobile-${name}`);
    }

    // Korean words are longer on screen: the same holds.
    await page.evaluate(() => localStorage.setItem('vigil.locale', 'ko'));
    for (const [name, path, text] of [
      ['list', '/endpoints', 'Checkout API'],
      ['incident', `/incidents/${story.resolvedIncident.id}`, '인시던트 해결'],
    ] as const) {
      await page.goto(env.base() + path);
      await page.locator('main', { hasText: text }).waitFor();
      const layout = await layoutOf(page);
      expect(layout.headerHeight, `ko ${name}: header height`).toBeLessThanOrEqual(64);
      expect(layout.scrollWidth, `ko ${name}: page width`).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.sideways).toEqual([]);
      await saveScreenshot(page, `mobile-ko-${name}`);
    }
    expect(errors).toEqual([]);
  });

  it('opens the navigation from the menu button and closes it on Escape, on a link, and outside', async () => {
    const { page, errors } = await env.open('/', PHONE);
    const menu = page.getByRole('button', { name: 'Open the menu' });
    const incidentsLink = page.getByRole('link', { name: 'Incidents', exact: true });
    await menu.waitFor();
    expect(await incidentsLink.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    // The connection dot stays in the header row, its word for screen readers.
    const dot = (await page.locator('.header .conn-dot').boundingBox())!;
    const button = (await menu.boundingBox())!;
    expect(Math.abs(dot.y + dot.height / 2 - (button.y + button.height / 2))).toBeLessThan(4);

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await incidentsLink.waitFor();
    await expect.poll(() => page.getByRole('combobox', { name: 'Theme' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'mobile-menu-open');
    await page.keyboard.press('Escape');
    await incidentsLink.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('menu-button'))).toBe(true);

    await menu.click();
    await incidentsLink.click();
    await page.locator('h1', { hasText: 'Incidents' }).waitFor();
    await incidentsLink.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    await menu.click();
    await incidentsLink.waitFor();
    await page.locator('main h1').click();
    await incidentsLink.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
  });
});
