import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { parseApiKeys } from '../../server/auth/api-keys.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import { launchBrowser, newPage, type OpenedPage, type PageOptions } from './browser.ts';
import { startTargetServer, type TargetServer } from './target-server.ts';
import { startTestVigil, type TestVigil } from './vigil.ts';

/**
 * The set-up every browser test file shares: one Chromium and one target server per file, a fresh
 * Vigil (own database) per test, and every page closed after its test. Call it at the top of a file
 * (or of a describe block). `vigilEnv`: settings for every Vigil it starts, e.g. `{ API_KEY: 'k1' }`
 * (env.createEndpoint then sends the first key).
 * @example const env = useBrowserTestEnv(); it('…', async () => { const { page } = await env.open('/'); });
 */
export function useBrowserTestEnv(vigilEnv: Record<string, string> = {}) {
  let browser: Browser;
  let target: TargetServer;
  let vigil: TestVigil;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    target = await startTargetServer();
  });
  afterAll(async () => {
    await browser?.close();
    await target?.close();
  });
  beforeEach(async () => {
    vigil = await startTestVigil(vigilEnv);
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await vigil.dispose();
    expect(vigil.errors).toEqual([]);
  });

  const env = {
    get target() {
      return target;
    },
    get vigil() {
      return vigil;
    },
    /** This test's Vigil, e.g. http://127.0.0.1:41234 */
    base: () => `http://127.0.0.1:${vigil.port}`,
    /** A new page in its own context (English unless told otherwise), closed after the test. */
    async newPage(options: BrowserContextOptions = {}, pageOptions: PageOptions = {}): Promise<OpenedPage> {
      const opened = await newPage(browser, { locale: 'en-US', ...options }, pageOptions);
      contexts.push(opened.context);
      return opened;
    },
    /** A new page, opened at `path` of this test's Vigil. */
    async open(path: string, options: BrowserContextOptions = {}, pageOptions: PageOptions = {}): Promise<OpenedPage> {
      const opened = await env.newPage(options, pageOptions);
      await opened.page.goto(env.base() + path);
      return opened;
    },
    /** An endpoint on the target server's `path` (checked hourly unless told otherwise). */
    async createEndpoint(fields: Partial<Endpoint> & { path: string }): Promise<Endpoint> {
      const { path, ...rest } = fields;
      const key = parseApiKeys(vigilEnv.API_KEY)[0];
      const auth: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      const res = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, ...rest }, auth);
      expect(res.status).toBe(201);
      return res.body;
    },
  };
  return env;
}
