/// <reference lib="dom" />
// (The DOM types are for callbacks handed to page.evaluate(), which run in the page.)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { invitePerson, PASSWORD, setUpOwner, type SignedIn } from '../support/accounts.ts';
import { launchBrowser } from '../support/browser.ts';
import { ATTACKER_HOST, startSecondOrigin, type SecondOrigin } from '../support/second-origin.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * Cross-site request forgery against a signed-in owner, in real Chromium: the owner signs in on
 * Vigil's own page (the browser keeps the session cookie), then a page of a second origin — on
 * another port of the same machine (same site: the SameSite=Lax cookie goes along) and on another
 * site (it does not) — tries what a page can do without asking: submit a form, fetch with
 * `credentials: 'include'`, fetch with a JSON body (which needs a CORS preflight), sign the
 * browser in as someone else, and open the live transports. Nothing may be made or changed, and
 * Vigil must refuse every request that reaches it. A page of an origin ALLOWED_ORIGINS trusts gets
 * past the origin check, and is stopped by the CSRF token.
 */

let browser: Browser;
let site: SecondOrigin;
beforeAll(async () => {
  [browser, site] = await Promise.all([launchBrowser([`--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1`]), startSecondOrigin()]);
  site.page('/attack.html', '<!doctype html><title>Win a prize</title><h1>Win a prize</h1>');
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** What Vigil got from the browser and answered, from Chromium's own network log (the page itself sees at most an opaque answer). */
interface Wire {
  /** "METHOD /path" of each request to Vigil, by request id. */
  sent: Map<string, string>;
  status: Map<string, number>;
  /** Ids of the requests that carried the session cookie. */
  withCookie: Set<string>;
}

/** Every request of the context's page to Vigil, its answer, and whether the session cookie went along. */
async function watchWire(context: BrowserContext, page: Page, vigil: TestVigil): Promise<Wire> {
  const wire: Wire = { sent: new Map(), status: new Map(), withCookie: new Set() };
  const cdp = await context.newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    if (url.port === String(vigil.port)) wire.sent.set(e.requestId, `${e.request.method} ${url.pathname}`);
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    if (Object.entries(e.headers).some(([name, value]) => name.toLowerCase() === 'cookie' && String(value).includes('vigil_session=')))
      wire.withCookie.add(e.requestId);
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => wire.status.set(e.requestId, e.statusCode));
  await cdp.send('Network.enable');
  return wire;
}

/** Vigil's answers to `request` ("METHOD /path") since `from` requests were sent, and whether each carried the cookie. */
function answersTo(wire: Wire, request: string, from: number): { status: number; cookie: boolean }[] {
  return [...wire.sent]
    .slice(from)
    .filter(([id, key]) => key === request && wire.status.has(id))
    .map(([id]) => ({ status: wire.status.get(id)!, cookie: wire.withCookie.has(id) }));
}

/**
 * Signs `email` in on a page of Vigil's own origin, as the dashboard does: the browser keeps the
 * cookie. Answers the CSRF token the dashboard would read from GET /api/session.
 */
async function signInInBrowser(page: Page, vigil: TestVigil, email: string): Promise<string> {
  await page.goto(`${vigil.url}/api/session`);
  const answer = await page.evaluate(
    async ({ email, password }) => {
      const res = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      const session = await (await fetch('/api/session')).json();
      return {
        status: res.status,
        csrfToken: session.csrfToken as string,
        role: session.role as string,
        cookieVisible: document.cookie.includes('vigil_session'),
      };
    },
    { email, password: PASSWORD },
  );
  expect(answer).toMatchObject({ status: 200, role: 'owner', cookieVisible: false });
  return answer.csrfToken;
}

const endpointsOf = async (vigil: TestVigil, owner: SignedIn) =>
  (await vigil.api<{ items: Endpoint[] }>('GET', '/api/endpoints?limit=100', undefined, owner.headers)).body.items;

/** A form of the attacker's page, submitted: text/plain forms send "name=value", here {"name":"Planted","url":"http://127.0.0.1:9/","x":"="}. */
const submitForm = async ({ action, fields }: { action: string; fields: Record<string, string> | null }) => {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = action;
  if (fields) {
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.name = name;
      input.value = value;
      form.append(input);
    }
  } else {
    form.enctype = 'text/plain';
    const input = document.createElement('input');
    input.name = '{"name":"Planted","url":"http://127.0.0.1:9/","paused":true,"x":"';
    input.value = '"}';
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  return 'submitted';
};

/** A fetch of the attacker's page with the browser's cookies, and what the page could learn of its answer. */
const credentialedFetch = async ({ url, mode, type }: { url: string; mode: string; type: string }) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      mode: mode as RequestMode,
      credentials: 'include',
      headers: { 'content-type': type },
      body: JSON.stringify({ name: 'Planted', url: 'http://127.0.0.1:9/', paused: true }),
    });
    return `${res.type} ${res.status} "${await res.text()}"`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
};

/** What a page sees of a refused no-cors request: nothing (an opaque empty answer, or a network error under Opaque Response Blocking). */
const SAW_NOTHING = /^(?:opaque 0 ""|error: Failed to fetch)$/;

describe('an owner signed in in Chromium, and a page of a second origin', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  let attacker: SignedIn;
  let context: BrowserContext;
  let page: Page;
  let wire: Wire;
  let csrfToken: string;
  let sessionCookie: string | undefined;

  beforeAll(async () => {
    vigil = await startTestVigil();
    owner = await setUpOwner(vigil);
    attacker = await invitePerson(vigil, owner, 'viewer');
    context = await browser.newContext();
    page = await context.newPage();
    wire = await watchWire(context, page, vigil);
    csrfToken = await signInInBrowser(page, vigil, owner.user.email);
    const cookie = (await context.cookies(vigil.url)).find((c) => c.name === 'vigil_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    sessionCookie = cookie?.value;
  });
  afterAll(async () => {
    await context?.close();
    await vigil?.dispose();
    expect(vigil?.errors ?? []).toEqual([]);
  });

  it("lets Vigil's own page write with the cookie and the CSRF token, and not without the token", async () => {
    const answers = await page.evaluate(async (token) => {
      const body = JSON.stringify({ name: 'Made by the owner', url: 'http://127.0.0.1:9/', paused: true });
      const post = (headers: Record<string, string>) =>
        fetch('/api/endpoints', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const without = await post({});
      const withToken = await post({ 'x-csrf-token': token });
      return { without: without.status, code: (await without.json()).code, withToken: withToken.status };
    }, csrfToken);
    expect(answers).toEqual({ without: 403, code: 'csrf_token', withToken: 201 });
    expect((await endpointsOf(vigil, owner)).map((e) => e.name)).toEqual(['Made by the owner']);
  });

  describe.each([
    { from: 'another port of the same machine (same site: the cookie goes along)', origin: () => site.origin, sameSite: true },
    { from: 'another site (the cookie stays home)', origin: () => site.originFor(ATTACKER_HOST), sameSite: false },
  ])('on $from', ({ origin, sameSite }) => {
    let before: Endpoint[];
    let from: number;
    beforeEach(async () => {
      const opened = await page.goto(`${origin()}/attack.html`);
      expect(opened?.status()).toBe(200);
      before = await endpointsOf(vigil, owner);
      from = wire.sent.size;
    });

    /** A submitted form navigates the page to Vigil's answer (which the attacker cannot read): awaited before the next attempt. */
    const landedOnVigil = () => page.waitForURL((url) => url.origin === vigil.url);

    /** Waits for Vigil's answer to `request` and checks that nothing changed: answers what reached Vigil. */
    async function refused(request: string): Promise<{ status: number; cookie: boolean }[]> {
      await waitFor(() => answersTo(wire, request, from).length, 5000, `Vigil's answer to ${request}`);
      expect(await endpointsOf(vigil, owner)).toEqual(before);
      return answersTo(wire, request, from);
    }

    it('cannot create an endpoint by submitting a form', async () => {
      await page.evaluate(submitForm, { action: `${vigil.url}/api/endpoints`, fields: null });
      await landedOnVigil();
      expect(await refused('POST /api/endpoints')).toEqual([{ status: 403, cookie: sameSite }]);
    });

    it("cannot create an endpoint with fetch and credentials: 'include', and sees nothing of the answer", async () => {
      const seen = await page.evaluate(credentialedFetch, { url: `${vigil.url}/api/endpoints`, mode: 'no-cors', type: 'text/plain' });
      expect(seen).toMatch(SAW_NOTHING);
      expect(await refused('POST /api/endpoints')).toEqual([{ status: 403, cookie: sameSite }]);
    });

    it('cannot even send a fetch with a JSON content type: the CORS preflight is not granted', async () => {
      const seen = await page.evaluate(credentialedFetch, { url: `${vigil.url}/api/endpoints`, mode: 'cors', type: 'application/json' });
      expect(seen).toBe('error: Failed to fetch');
      await waitFor(() => answersTo(wire, 'OPTIONS /api/endpoints', from).length, 5000, 'the preflight');
      expect(answersTo(wire, 'POST /api/endpoints', from)).toEqual([]);
      expect(await endpointsOf(vigil, owner)).toEqual(before);
    });

    it('cannot sign the browser in as someone else (login CSRF): the owner stays signed in', async () => {
      await page.evaluate(submitForm, { action: `${vigil.url}/api/session`, fields: { email: attacker.user.email, password: PASSWORD } });
      await landedOnVigil();
      expect(await refused('POST /api/session')).toEqual([{ status: 403, cookie: sameSite }]);
      expect((await context.cookies(vigil.url)).find((c) => c.name === 'vigil_session')?.value).toBe(sessionCookie);
    });

    it('gets no live connection with the cookie: /ws and EventSource are refused', async () => {
      const opened = await page.evaluate(async (port) => {
        const ws = await new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
          socket.onopen = () => resolve('open');
          socket.onclose = () => resolve('closed');
        });
        const sse = await new Promise<string>((resolve) => {
          const source = new EventSource(`http://127.0.0.1:${port}/api/events`, { withCredentials: true });
          source.onopen = () => resolve('open');
          source.onerror = () => {
            source.close();
            resolve('error');
          };
        });
        return { ws, sse };
      }, vigil.port);
      expect(opened).toEqual({ ws: 'closed', sse: 'error' });
      // With the cookie, the origin check refuses the stream; without it, nobody is asking.
      expect(await refused('GET /api/events')).toEqual([{ status: sameSite ? 403 : 401, cookie: sameSite }]);
    });
  });

  it('leaves the owner signed in in the browser after every attempt', async () => {
    await page.goto(`${vigil.url}/api/session`);
    expect(await page.evaluate(async () => (await (await fetch('/api/session')).json()).role)).toBe('owner');
  });
});

describe('a page of a second origin that ALLOWED_ORIGINS trusts (same site, another port)', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  let context: BrowserContext;
  let page: Page;
  let wire: Wire;

  beforeAll(async () => {
    vigil = await startTestVigil({ ALLOWED_ORIGINS: site.origin });
    owner = await setUpOwner(vigil);
    context = await browser.newContext();
    page = await context.newPage();
    wire = await watchWire(context, page, vigil);
    await signInInBrowser(page, vigil, owner.user.email);
  });
  afterAll(async () => {
    await context?.close();
    await vigil?.dispose();
    expect(vigil?.errors ?? []).toEqual([]);
  });

  it('passes the origin check with the cookie, and is stopped by the CSRF token: a form and a credentialed fetch get 403 csrf_token', async () => {
    await page.goto(site.url('/attack.html'));
    const from = wire.sent.size;
    const seen = await page.evaluate(credentialedFetch, { url: `${vigil.url}/api/endpoints`, mode: 'no-cors', type: 'text/plain' });
    expect(seen).toMatch(SAW_NOTHING);
    await page.evaluate(submitForm, { action: `${vigil.url}/api/endpoints`, fields: null });
    await page.waitForURL((url) => url.origin === vigil.url);
    // The form's answer is where the browser landed (Vigil's origin): the test may read it, the attacker's page may not.
    expect(JSON.parse(await page.innerText('body'))).toMatchObject({ status: 403, code: 'csrf_token' });
    await waitFor(() => answersTo(wire, 'POST /api/endpoints', from).length === 2, 5000, "Vigil's answers");
    expect(answersTo(wire, 'POST /api/endpoints', from)).toEqual([
      { status: 403, cookie: true },
      { status: 403, cookie: true },
    ]);
    expect(await endpointsOf(vigil, owner)).toEqual([]);
  });
});
