/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

const themeOf = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const DARK_BG = 'rgb(15, 18, 22)';
const LIGHT_BG = 'rgb(246, 247, 249)';

describe('the theme', () => {
  it('follows the system, switches to light or dark, remembers the choice, and is set before the first paint', async () => {
    const { page, context, errors } = await env.open('/', { colorScheme: 'dark' });
    const themeSwitch = page.getByRole('combobox', { name: 'Theme' });
    await themeSwitch.waitFor();
    expect(await themeOf(page)).toBe('dark');
    expect(await background(page)).toBe(DARK_BG);
    expect(await themeSwitch.inputValue()).toBe('system');

    // Following the system live while the choice is "system".
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => themeOf(page)).toBe('light');
    expect(await background(page)).toBe(LIGHT_BG);

    await themeSwitch.selectOption('dark');
    expect(await themeOf(page)).toBe('dark');
    expect(await page.evaluate(() => localStorage.getItem('vigil.theme'))).toBe('dark');
    await saveScreenshot(page, 'theme-dark-chosen');

    // A new page of this browser, the system light: every value the theme ever had is dark, even
    // with the app's own code held back (only the boot script ran).
    const next = await context.newPage();
    await next.addInitScript(() => {
      const seen: string[] = ((window as unknown as { themesSeen: string[] }).themesSeen = []);
      // On the document: its <html> element does not exist yet when this runs.
      new MutationObserver(() => seen.push(document.documentElement.dataset.theme ?? '')).observe(document, { subtree: true, attributeFilter: ['data-theme'] });
    });
    await next.route('**/assets/*.js', (route) => route.abort());
    await next.goto(env.base() + '/');
    expect(await themeOf(next)).toBe('dark');
    expect(await background(next)).toBe(DARK_BG);
    expect(await next.evaluate(() => (window as unknown as { themesSeen: string[] }).themesSeen)).toEqual(['dark']);
    await next.close();

    await themeSwitch.selectOption('system');
    expect(await page.evaluate(() => localStorage.getItem('vigil.theme'))).toBeNull();
    expect(await themeOf(page)).toBe('light');
    expect(errors).toEqual([]);
  });
});

describe('keyboard shortcuts', () => {
  it('/ focuses search, n opens the new-endpoint form, and letters typed into a field stay text', async () => {
    await env.createEndpoint({ path: '/kb', name: 'Keyboard API', paused: true });
    const { page, errors } = await env.open('/');
    await page.locator('.card').first().waitFor();

    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('search');
    await page.keyboard.type('nope');
    await expect.poll(() => page.evaluate(() => location.search)).toContain('q=nope');
    expect(await page.evaluate(() => location.pathname)).not.toBe('/endpoints/new');
    await page.keyboard.press('Escape');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    await page.keyboard.press('n');
    await page.locator('#form-title', { hasText: 'Add an endpoint' }).waitFor();
    expect(await page.evaluate(() => location.pathname)).toBe('/endpoints/new');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.id)).toMatch(/name/);
    await page.keyboard.type('n/');
    expect(await page.getByLabel('Name').inputValue()).toBe('n/');
    expect(errors).toEqual([]);
  });

  it('reaches every header control with Tab, each with an accessible name', async () => {
    const { page, errors } = await env.open('/');
    await page.locator('.conn[data-state="connected"]').waitFor();
    const names: string[] = [];
    while (names.at(-1) !== 'Language' && names.length < 15) {
      await page.keyboard.press('Tab');
      names.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
        }),
      );
    }
    expect(
      names.every((name) => name.length > 0),
      names.join(' | '),
    ).toBe(true);
    const wanted = ['Skip to content', 'Vigil', 'Dashboard', 'Endpoints', 'Incidents', '+ Add endpoint', 'Theme', 'Language'];
    expect(names.filter((name) => wanted.includes(name))).toEqual(wanted);
    expect(errors).toEqual([]);
  });
});
