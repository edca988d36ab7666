/// <reference lib="dom" />
// (The DOM types are for callbacks handed to page.evaluate(), which run in the page.)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { launchBrowser, newPage, saveScreenshot } from '../support/browser.ts';
import { ATTACKER_HOST, startSecondOrigin, type SecondOrigin } from '../support/second-origin.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * Attacks from real web pages in real Chromium: a page of another origin (a second server on
 * another port, reached as 127.0.0.1 — same site — and as attacker.test — another site) tries to
 * drive Vigil with every request a page can send without asking (fetch without preflight, forms,
 * sendBeacon); a page whose name is rebound to Vigil's address (DNS rebinding) tries to read and
 * write; and the dashboard and the API docs are loaded under Vigil's Content-Security-Policy,
 * which must report no violation.
 */

const KEY = 'cross-site-browser-key-0123456789abcdef';
const REBIND_HOST = 'rebind.test';

let browser: Browser;
let site: SecondOrigin;
let target: TargetServer;
beforeAll(async () => {
  [browser, site, target] = await Promise.all([
    launchBrowser([`--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1, MAP ${REBIND_HOST} 127.0.0.1`]),
    startSecondOrigin(),
    startTargetServer(),
  ]);
  site.page('/attack.html', '<!doctype html><title>Totally harmless page</title><h1>Win a prize</h1><iframe name="sink"></iframe>');
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await target?.close();
});

const endpointsOf = async (vigil: TestVigil) => (await vigil.api<{ items: Endpoint[] }>('GET', '/api/endpoints?limit=100')).body.items;

/** What each attack let the page see, and what Vigil answered on the wire (the page may not see it). */
interface AttackArg {
  /** Vigil's origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The victim endpoint's id. */
  id: string;
  extra: string;
}

interface Attempt {
  seenByPage: string;
  answered: number[];
}

describe.each([
  { start: 'a default start', env: {} as Record<string, string> },
  { start: 'a start with API_KEY', env: { API_KEY: KEY } },
])('against $start', ({ env }) => {
  let vigil: TestVigil;
  let victim: Endpoint;
  beforeAll(async () => {
    vigil = await startTestVigil(env);
    const created = await vigil.api<Endpoint>(
      'POST',
      '/api/endpoints',
      { name: 'Victim', url: target.url('/victim'), intervalSeconds: 3600 },
      { authorization: `Bearer ${KEY}` },
    );
    expect(created.status).toBe(201);
    victim = created.body;
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  describe.each([
    { from: 'a page on another port of the same machine (same site)', attackerOrigin: () => site.origin },
    { from: 'a page of another site', attackerOrigin: () => site.originFor(ATTACKER_HOST) },
  ])('from $from', ({ attackerOrigin }) => {
    let context: BrowserContext;
    let page: Page;
    /** Every request of this page to Vigil ("METHOD path?query"), and the status Vigil answered, by request id. */
    const sent = new Map<string, string>();
    const statusOf = new Map<string, number>();
    /** Vigil's answers to `request` so far, from the network: the page itself sees at most an opaque answer. */
    const answersTo = (request: string) => [...sent].filter(([id, key]) => key === request && statusOf.has(id)).map(([id]) => statusOf.get(id)!);

    beforeAll(async () => {
      context = await browser.newContext();
      page = await context.newPage();
      // Chromium's own network log: unlike page.on('response'), it also shows the answers it
      // keeps from the page (no-cors answers that Opaque Response Blocking drops, beacons).
      const cdp = await context.newCDPSession(page);
      cdp.on('Network.requestWillBeSent', (e) => {
        const url = new URL(e.request.url);
        if (url.port === String(vigil.port)) sent.set(e.requestId, `${e.request.method} ${url.pathname}${url.search}`);
      });
      cdp.on('Network.responseReceivedExtraInfo', (e) => statusOf.set(e.requestId, e.statusCode));
      await cdp.send('Network.enable');
    });
    afterAll(async () => {
      await context?.close();
    });
    beforeEach(async () => {
      const opened = await page.goto(`${attackerOrigin()}/attack.html`);
      expect(opened?.status()).toBe(200);
      expect(new URL(page.url()).origin).not.toBe(vigil.url);
    });

    /**
     * Runs one attack in the attacker's page (`run` is serialized into the page: it sees only its
     * argument), waits for Vigil's answer on the wire, and expects nothing to have changed.
     */
    async function attempt(request: string, run: (arg: AttackArg) => Promise<string>, options: { answered?: boolean; extra?: string } = {}): Promise<Attempt> {
      const before = await endpointsOf(vigil);
      for (const [id, key] of sent) if (key === request) sent.delete(id);
      const arg: AttackArg = { origin: vigil.url, id: victim.id, extra: options.extra ?? '' };
      // A form submission navigates the page away: what it returns is not looked at.
      const seenByPage = await page.evaluate(run, arg).catch((error: Error) => `page gone: ${error.message}`);
      if (options.answered ?? true) await waitFor(() => answersTo(request).length, 5000, `Vigil's answer to ${request}`);
      expect(await endpointsOf(vigil), request).toEqual(before);
      return { seenByPage, answered: answersTo(request) };
    }

    /** A submitted form navigates the page to Vigil's answer, which the attacker cannot read; done before the next attack. */
    const landedOnVigil = () => page.waitForURL((url) => url.origin === vigil.url);

    /** A no-cors fetch from the page, and what the page could learn of its answer. */
    const noCorsFetch = async ({ origin, id, extra }: AttackArg) => {
      const { path, method, type, body } = JSON.parse(extra) as { path: string; method: string; type?: string; body?: string };
      try {
        const init: RequestInit = { method, mode: 'no-cors', headers: type ? { 'content-type': type } : {} };
        if (body !== undefined) init.body = type === undefined ? new Blob([body]) : body;
        const res = await fetch(origin + path.replace('{id}', id), init);
        return `${res.type} ${res.status} "${await res.text()}"`;
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    };
    /** What a page sees of a refused no-cors request: nothing (an opaque empty answer, or a network error under Opaque Response Blocking). */
    const SAW_NOTHING = /^(?:opaque 0 ""|error: Failed to fetch)$/;
    const planted = JSON.stringify({ name: 'Planted', url: 'http://127.0.0.1:9/' });
    const wipe = JSON.stringify({ vigil: 'endpoints', version: 1, endpoints: [{ name: 'Planted', url: 'http://127.0.0.1:9/' }] });

    it.each([
      { attack: 'create an endpoint with a text/plain fetch (no preflight)', method: 'POST', path: '/api/endpoints', type: 'text/plain', body: planted },
      { attack: 'create an endpoint with a JSON body in a Blob without type (no Content-Type at all)', method: 'POST', path: '/api/endpoints', body: planted },
      {
        attack: 'create an endpoint with a url-encoded fetch',
        method: 'POST',
        path: '/api/endpoints',
        type: 'application/x-www-form-urlencoded',
        body: planted,
      },
      { attack: 'pause an endpoint with a bodiless fetch', method: 'POST', path: '/api/endpoints/{id}/pause' },
      { attack: 'run a check (Vigil as a port scanner)', method: 'POST', path: '/api/endpoints/{id}/check' },
      {
        attack: 'wipe every endpoint with a text/plain POST /api/import?mode=replace',
        method: 'POST',
        path: '/api/import?mode=replace',
        type: 'text/plain',
        body: wipe,
      },
    ])('cannot $attack, and sees nothing of the answer', async (request) => {
      const result = await attempt(`${request.method} ${request.path.replace('{id}', victim.id)}`, noCorsFetch, { extra: JSON.stringify(request) });
      expect(result.seenByPage).toMatch(SAW_NOTHING);
      expect(result.answered).toEqual([403]);
    });

    it.each([
      ['application/x-www-form-urlencoded', 'a url-encoded form'],
      ['multipart/form-data', 'a multipart form'],
      ['text/plain', 'a text/plain form whose body spells JSON'],
    ])('cannot create an endpoint by submitting %s (%s)', async (enctype) => {
      const result = await attempt(
        'POST /api/endpoints',
        async ({ origin, extra }) => {
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = `${origin}/api/endpoints`;
          form.enctype = extra;
          const input = document.createElement('input');
          // text/plain forms send "name=value": this one sends {"name":"Planted","url":"http://127.0.0.1:9/","x":"="}
          input.name = '{"name":"Planted","url":"http://127.0.0.1:9/","x":"';
          input.value = '"}';
          form.append(input);
          document.body.append(form);
          form.submit();
          return 'submitted';
        },
        { extra: enctype },
      );
      expect(result.answered).toEqual([403]);
      await landedOnVigil();
    });

    it('cannot pause an endpoint by submitting a form', async () => {
      const result = await attempt(`POST /api/endpoints/${victim.id}/pause`, async ({ origin, id }) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = `${origin}/api/endpoints/${id}/pause`;
        document.body.append(form);
        form.submit();
        return 'submitted';
      });
      expect(result.answered).toEqual([403]);
      await landedOnVigil();
      expect((await vigil.api<Endpoint>('GET', `/api/endpoints/${victim.id}`)).body.paused).toBe(false);
    });

    it.each([
      { attack: 'create an endpoint', path: '/api/endpoints', body: planted },
      { attack: 'wipe every endpoint by import', path: '/api/import?mode=replace', body: wipe },
      { attack: 'pause an endpoint', path: '/api/endpoints/{id}/pause', body: '' },
    ])('cannot $attack with navigator.sendBeacon', async (request) => {
      const result = await attempt(
        `POST ${request.path.replace('{id}', victim.id)}`,
        async ({ origin, id, extra }) => {
          const { path, body } = JSON.parse(extra) as { path: string; body: string };
          return String(navigator.sendBeacon(origin + path.replace('{id}', id), body));
        },
        { extra: JSON.stringify(request) },
      );
      expect(result).toEqual({ seenByPage: 'true', answered: [403] });
    });

    it.each([
      { attack: 'create an endpoint with application/json', method: 'POST', path: '/api/endpoints', type: 'application/json', body: planted },
      { attack: 'delete an endpoint', method: 'DELETE', path: '/api/endpoints/{id}' },
      { attack: 'rename an endpoint', method: 'PATCH', path: '/api/endpoints/{id}', type: 'application/json', body: '{"name":"Renamed"}' },
    ])('cannot even send a request to $attack: the CORS preflight is not granted', async (request) => {
      const path = request.path.replace('{id}', victim.id);
      const preflights = answersTo(`OPTIONS ${path}`).length;
      const result = await attempt(
        `${request.method} ${path}`,
        async ({ origin, extra }) => {
          const { method, path, type, body } = JSON.parse(extra) as { method: string; path: string; type?: string; body?: string };
          try {
            const res = await fetch(origin + path, { method, headers: type ? { 'content-type': type } : {}, body });
            return `read ${res.status}`;
          } catch (error) {
            return `error: ${(error as Error).message}`;
          }
        },
        { answered: false, extra: JSON.stringify({ ...request, path }) },
      );
      expect(result).toEqual({ seenByPage: 'error: Failed to fetch', answered: [] });
      // The preflight went out, and was not granted.
      await waitFor(() => answersTo(`OPTIONS ${path}`).length === preflights + 1, 5000, 'the preflight');
    });

    it('cannot read the endpoints and their stored headers', async () => {
      const result = await attempt(
        'GET /api/endpoints',
        async ({ origin }) => {
          const seen: string[] = [];
          for (const mode of ['no-cors', 'cors'] as const) {
            try {
              const res = await fetch(`${origin}/api/endpoints`, { mode });
              seen.push(`${mode}: ${res.type} "${await res.text()}"`);
            } catch (error) {
              seen.push(`${mode}: error: ${(error as Error).message}`);
            }
          }
          return seen.join(', ');
        },
        { answered: false },
      );
      expect(result.seenByPage).toMatch(/^no-cors: (?:opaque ""|error: Failed to fetch), cors: error: Failed to fetch$/);
      expect(result.seenByPage).not.toContain(victim.id);
    });
  });

  it(`DNS rebinding: a page at http://${REBIND_HOST}:<Vigil's port> gets 421 for the app, the docs and the API, and reads or changes nothing`, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const rebound = `http://${REBIND_HOST}:${vigil.port}`;
      for (const path of ['/', '/endpoints', '/api/docs']) {
        const res = await page.goto(rebound + path);
        expect(res?.status(), path).toBe(421);
      }
      const before = await endpointsOf(vigil);
      // Now the attacker's script runs as the rebound origin: same origin to the browser, so it could read every answer.
      const seen = await page.evaluate(async (id) => {
        const read = await fetch('/api/endpoints');
        const write = await fetch('/api/endpoints', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Planted', url: 'http://127.0.0.1:9/' }),
        });
        const pause = await fetch(`/api/endpoints/${id}/pause`, { method: 'POST' });
        return { read: read.status, body: await read.text(), write: write.status, pause: pause.status };
      }, victim.id);
      expect(seen).toMatchObject({ read: 421, write: 421, pause: 421 });
      expect(seen.body).toContain(`does not answer to the host name \\"${REBIND_HOST}:${vigil.port}\\"`);
      expect(seen.body).not.toContain(victim.id);
      expect(await endpointsOf(vigil)).toEqual(before);
    } finally {
      await context.close();
    }
  });
});

describe('under the Content-Security-Policy', () => {
  let vigil: TestVigil;
  let endpoint: Endpoint;
  beforeAll(async () => {
    vigil = await startTestVigil();
    target.setMode('/csp-down', { kind: 'ok', status: 500 });
    endpoint = (
      await vigil.api<Endpoint>('POST', '/api/endpoints', {
        name: 'Orders API',
        url: target.url('/csp-down'),
        intervalSeconds: 3600,
        failureThreshold: 1,
        tags: ['shop'],
      })
    ).body;
    await vigil.api('POST', '/api/endpoints', { name: 'Catalog', url: target.url('/csp-up'), intervalSeconds: 3600 });
    for (let i = 0; i < 3; i++) expect((await vigil.api('POST', `/api/endpoints/${endpoint.id}/check`)).status).toBe(200);
    await waitFor(async () => (await vigil.api('GET', '/api/incidents')).body.items.length === 1);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  /** A page of Vigil that records every CSP violation event, from before its first script runs. */
  async function openRecording() {
    const opened = await newPage(browser, { baseURL: vigil.url, locale: 'en-US' });
    await opened.context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    const violations = () => opened.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    return { ...opened, violations };
  }

  it.each([
    { name: 'dashboard', path: '/', ready: '.counts' },
    { name: 'endpoint-list', path: '/endpoints', ready: '#list-title' },
    { name: 'endpoint-page', path: '/endpoints/{id}', ready: '#ep-title' },
    { name: 'endpoint-form', path: '/endpoints/new', ready: '#form-title' },
    { name: 'incidents', path: '/incidents', ready: 'main h1, main h2' },
  ])('loads the $name ($path) with no CSP violation and no console error', async ({ name, path, ready }) => {
    const { context, page, errors, violations } = await openRecording();
    try {
      const response = await page.goto(path.replace('{id}', endpoint.id), { waitUntil: 'networkidle' });
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.locator(ready).first().waitFor();
      await saveScreenshot(page, `csp-${name}`);
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('adds an endpoint through the form: the dashboard’s own writes carry its Origin and pass', async () => {
    const { context, page, errors, violations } = await openRecording();
    try {
      await page.goto('/endpoints/new');
      await page.getByLabel('Name').fill('Added under CSP');
      await page.getByLabel('URL').fill(target.url('/csp-up'));
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.locator('#ep-title', { hasText: 'Added under CSP' }).waitFor();
      // The toast: solid-sonner's CSS comes from a stylesheet file, its width through the CSSOM (web/vite.config.ts).
      const toast = page.locator('[data-sonner-toast]').first();
      await toast.waitFor();
      expect((await toast.boundingBox())?.width).toBe(356);
      await saveScreenshot(page, 'csp-toast');
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByRole('button', { name: 'Resume' }).waitFor();
      expect((await endpointsOf(vigil)).find((e) => e.name === 'Added under CSP')?.paused).toBe(true);
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('loads /api/docs (Swagger UI) and runs a request from it with no CSP violation and no console error', async () => {
    const { context, page, errors, violations } = await openRecording();
    try {
      await page.goto('/api/docs', { waitUntil: 'networkidle' });
      await page.locator('.swagger-ui .info .title').waitFor();
      expect(await violations()).toEqual([]);
      await page.locator('[id$="-get_api_summary"] .opblock-summary').click();
      await page.getByRole('button', { name: 'Try it out' }).click();
      await page.getByRole('button', { name: 'Execute' }).click();
      await page.locator('.responses-table .response-col_status', { hasText: '200' }).first().waitFor();
      await saveScreenshot(page, 'csp-api-docs');
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is enforced: an injected inline script does not run, and its violation is seen (so "no violation" above means something)', async () => {
    const { context, page, errors, violations } = await openRecording();
    try {
      await page.goto('/', { waitUntil: 'networkidle' });
      const ran = await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.head.append(script);
        const style = document.createElement('div');
        style.setAttribute('style', 'color: red');
        document.body.append(style);
        return (window as unknown as { __injected?: boolean }).__injected ?? false;
      });
      expect(ran).toBe(false);
      await expect
        .poll(violations)
        .toEqual([expect.stringMatching(/^script-src-elem blocked inline/), expect.stringMatching(/^style-src-attr blocked inline/)]);
      expect(errors.join('\n')).toContain('Content Security Policy');
    } finally {
      await context.close();
    }
  });
});
