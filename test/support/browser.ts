/// <reference lib="dom" />
// (The DOM types are for callbacks handed to page.evaluate(), which run in the page.)
/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never
 * `playwright install`). Each page gets its own context and records what went wrong in it, so a
 * test can end with `expect(opened.errors).toEqual([])`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's Chromium; VIGIL_CHROMIUM_PATH points elsewhere (scripts/ensure-browser.sh reads it too). */
export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

/** The flags every headless Chromium here runs with (tests and the dashboard bench). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium; close it in afterAll. `extraArgs`: more flags, e.g.
 * `--host-resolver-rules=MAP rebind.test 127.0.0.1` (a name of the test's own resolving).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /**
   * What went wrong in the page, in order, as text: console errors, uncaught exceptions, and
   * answers with an error status — any 4xx or 5xx outside /api/ (a missing asset), and 5xx from
   * /api/. A 4xx from /api/ is not listed: refusing bad input is the API doing its job, and the
   * page shows it (Chromium's own "Failed to load resource" console line for it is left out too).
   */
  errors: string[];
}

const RESPONDED_WITH_STATUS = /^Failed to load resource: the server responded with a status of \d+/;

/** What a test's page does beyond its context options. */
export interface PageOptions {
  /**
   * Whether the page has chosen "Continue without an account for now" on a Vigil without an owner
   * account (default true): it sees the dashboard, as before accounts. False: the set-up page.
   */
  deferSetup?: boolean;
}

/**
 * A fresh context and page. `options` is the base URL (so `page.goto('/')` works) or any context
 * options (`locale`, `viewport`, `baseURL`…). Close `context` when done.
 * @example const { page, errors } = await newPage(browser, vigil.url); await page.goto('/'); expect(errors).toEqual([]);
 */
export async function newPage(browser: Browser, options: string | BrowserContextOptions = {}, pageOptions: PageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext(typeof options === 'string' ? { baseURL: options } : options);
  if (pageOptions.deferSetup ?? true) await context.addInitScript(() => localStorage.setItem('vigil.setup.deferred', '1'));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' || RESPONDED_WITH_STATUS.test(message.text())) return;
    const { url, lineNumber } = message.location();
    errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('response', (response) => {
    const status = response.status();
    const url = new URL(response.url());
    if (status >= 500 || (status >= 400 && !url.pathname.startsWith('/api/'))) {
      errors.push(`HTTP ${status}: ${response.request().method()} ${url.pathname}${url.search}`);
    }
  });
  return { context, page, errors };
}

/** Saves a full-page PNG as test-artifacts/screenshots/<name>.png; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name.replace(/\.png$/, '')}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
