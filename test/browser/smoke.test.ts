import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, newPage, saveScreenshot } from '../support/browser.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

let browser: Browser;
let vigil: TestVigil;

beforeAll(async () => {
  [browser, vigil] = await Promise.all([launchBrowser(), startTestVigil()]);
});
afterAll(async () => {
  await browser?.close();
  await vigil?.dispose();
});

it('loads the built web app at / with the title Vigil and no console or page errors', async () => {
  const { context, page, errors } = await newPage(browser, vigil.url);
  try {
    const response = await page.goto('/', { waitUntil: 'networkidle' });

    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Vigil');
    expect(await page.locator('#app').innerHTML()).not.toBe('');
    await saveScreenshot(page, 'smoke');
    expect(errors).toEqual([]);
    expect(vigil.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('records console errors, uncaught exceptions and missing files in errors, so asserting none means something', async () => {
  const { context, page, errors } = await newPage(browser, vigil.url);
  try {
    await page.goto('/');
    await page.evaluate(async () => {
      console.error('said by the page');
      setTimeout(() => {
        throw new Error('thrown by the page');
      });
      await fetch('/api/endpoints/not-a-uuid'); // a 400 the page asked for: not an error of the page
      await fetch('/assets/missing-0000.js');
    });
    // Responses are reported in order: once the 404 is in, the 400 before it was seen and left out.
    await expect.poll(() => errors.length).toBe(3);
    expect([...errors].sort()).toEqual([
      expect.stringMatching(/^HTTP 404: GET \/assets\/missing-0000\.js$/),
      expect.stringMatching(/^console\.error: said by the page/),
      expect.stringMatching(/^uncaught: Error: thrown by the page/),
    ]);
  } finally {
    await context.close();
  }
});
