/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountUser, AuditEntry, SessionInfo } from '../../server/contract/accounts.ts';
import { launchBrowser, newPage, type OpenedPage, saveScreenshot } from '../support/browser.ts';
import { freePort } from '../support/free-port.ts';
import { startOidcProvider, type OidcAccount, type TestOidcProvider } from '../support/oidc-provider.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * Signing in with OpenID Connect, in real Chromium against a real provider (oidc-provider on
 * 127.0.0.1, over http): the owner signs in through it, people without an account are refused or
 * made viewers as OIDC_NEW_USER_ROLE says, an unverified email is refused even when it is the
 * owner's, a callback without its browser's state is refused, and a provider that is down or does
 * not answer makes the start of sign-in fail quickly while Vigil goes on serving.
 */

const SSO_NAME = 'Example SSO';
const CLIENT = { clientId: 'vigil-test', clientSecret: 'a client secret of some length' };
const OWNER = { email: 'owner@example.com', name: 'Olga Owner', password: 'correct horse battery staple' };
const NEWCOMER = 'newcomer@example.com';
/** Logins of the provider's sign-in form (any password works there). */
const ACCOUNTS: Record<string, OidcAccount> = {
  [OWNER.email]: { email: OWNER.email, emailVerified: true, name: 'Olga at the provider' },
  [NEWCOMER]: { email: NEWCOMER, emailVerified: true, name: 'Nina Newcomer' },
  // Someone whose provider lets them type any email, unverified: here the owner's.
  impostor: { email: OWNER.email, emailVerified: false, name: 'Not the owner' },
};
/** How long starting a sign-in may take while the provider is down or silent. */
const START_LIMIT_MS = 10_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** What a test started: closed after it, in reverse. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Scene {
  vigil: TestVigil;
  provider: TestOidcProvider;
  /** Vigil's origin, e.g. http://127.0.0.1:41234 */
  base: string;
  /** The owner's cookie and CSRF token, for API calls. */
  owner: Record<string, string>;
}

/**
 * A provider whose one client is a Vigil signing in through it, and that Vigil with its owner set
 * up. Vigil's port is chosen first: the provider must know Vigil's redirect URI when it starts,
 * and Vigil the provider's issuer. `loggedErrors`: whether Vigil may log errors (a provider outage);
 * `claimsInIdToken`: false for a provider that answers the email at userinfo only.
 */
async function startScene(vigilEnv: Record<string, string> = {}, loggedErrors = false, claimsInIdToken = true): Promise<Scene> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = await startOidcProvider({
    clients: [{ ...CLIENT, redirectUris: [`${base}/api/auth/oidc/callback`] }],
    accounts: ACCOUNTS,
    claimsInIdToken,
  });
  cleanups.push(() => provider.close());
  const vigil = await startVigilFor(provider.issuer, { PORT: String(port), ...vigilEnv }, loggedErrors);
  return { vigil, provider, base, owner: await setUpOwner(vigil) };
}

/** Makes the owner's account (POST /api/setup from this machine); their cookie and CSRF token. */
async function setUpOwner(vigil: TestVigil): Promise<Record<string, string>> {
  const made = await vigil.api<SessionInfo>('POST', '/api/setup', OWNER);
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const cookie = made.headers
    .getSetCookie()
    .find((line) => line.startsWith('vigil_session='))!
    .split(';')[0]!;
  return { cookie, 'x-csrf-token': made.body.csrfToken! };
}

/** A Vigil whose OIDC issuer is `issuer`; disposed after the test, which must have logged no error unless told. */
async function startVigilFor(issuer: string, env: Record<string, string>, loggedErrors = false): Promise<TestVigil> {
  const vigil = await startTestVigil({
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: CLIENT.clientId,
    OIDC_CLIENT_SECRET: CLIENT.clientSecret,
    OIDC_NAME: SSO_NAME,
    ...env,
  });
  cleanups.push(async () => {
    await vigil.dispose();
    if (!loggedErrors) expect(vigil.errors).toEqual([]);
  });
  return vigil;
}

/** A new English desktop page in its own context, closed after the test. */
async function openPage(): Promise<OpenedPage> {
  const opened = await newPage(browser, { locale: 'en-US', viewport: { width: 1280, height: 800 } });
  cleanups.push(() => opened.context.close());
  return opened;
}

/** What GET /api/session answers the page's browser (its cookies). */
const sessionOf = (page: Page) => page.evaluate(async () => (await fetch('/api/session')).json() as Promise<SessionInfo & { oidc: { name: string } | null }>);

/** The session cookie the page's browser holds for Vigil, if any. */
async function sessionCookie(page: Page, base: string) {
  return (await page.context().cookies(base)).find((cookie) => cookie.name === 'vigil_session' && cookie.value !== '');
}

/** The cookie that carries a sign-in attempt from its start to the callback, if the browser holds one (it is sent to the callback only). */
async function attemptCookie(page: Page, base: string) {
  return (await page.context().cookies(`${base}/api/auth/oidc/callback`)).find((cookie) => cookie.name === 'vigil_oidc' && cookie.value !== '');
}

/**
 * Types `login` (and any password) into the provider's sign-in form the page shows; resolves with
 * where Vigil's callback sent the browser (read from the callback's own answer, so that the
 * dashboard rewriting its address afterwards does not matter).
 */
async function signInAtProvider(page: Page, scene: Scene, login: string): Promise<URL> {
  await page.locator('input[name="login"]').waitFor();
  expect(new URL(page.url()).origin, 'the browser is at the provider').toBe(scene.provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password works here');
  const callback = page.waitForResponse((answer) => answer.url().startsWith(`${scene.base}/api/auth/oidc/callback?`));
  await page.getByRole('button', { name: 'Sign-in' }).click();
  return redirectOf(await callback, scene.base);
}

/** Opens Vigil's callback with `query` as a browser arriving from somewhere; where it sends the browser. */
async function visitCallback(page: Page, scene: Scene, query: string): Promise<URL> {
  const callback = page.waitForResponse((answer) => answer.url().startsWith(`${scene.base}/api/auth/oidc/callback?`));
  await page.goto(`${scene.base}/api/auth/oidc/callback?${query}`);
  return redirectOf(await callback, scene.base);
}

/** Where a redirect answer sends the browser, as a URL (its status must be 302). */
function redirectOf(answer: { status(): number; headers(): Record<string, string> }, base: string): URL {
  expect(answer.status(), 'a redirect').toBe(302);
  return new URL(answer.headers().location!, base);
}

/** A sign-in started at Vigil's own start route (`next`: where to land), then at the provider's form. */
async function signInFromStart(page: Page, scene: Scene, login: string, next?: string): Promise<URL> {
  await page.goto(`${scene.base}/api/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  return signInAtProvider(page, scene, login);
}

/** Expects the browser to be signed out: no session cookie, and GET /api/session names nobody. */
async function expectSignedOut(page: Page, scene: Scene) {
  expect(await sessionCookie(page, scene.base)).toBeUndefined();
  const session = await sessionOf(page);
  expect(session.via).not.toBe('session');
  expect(session.user).toBeNull();
}

/** The accounts the owner sees (GET /api/users). */
async function users(scene: Scene): Promise<AccountUser[]> {
  const answer = await scene.vigil.api<{ items: AccountUser[] }>('GET', '/api/users', undefined, scene.owner);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.items;
}

describe('signing in with OpenID Connect', () => {
  it('takes the owner through the provider to the dashboard, signed in as the owner, and records how', async () => {
    const scene = await startScene();
    const { page, errors } = await openPage();
    await page.goto(`${scene.base}/`);
    expect((await sessionOf(page)).oidc).toEqual({ name: SSO_NAME });

    // As a person does: the sign-in page's button, named after the provider.
    await page.getByRole('link', { name: `Sign in with ${SSO_NAME}` }).click();
    const landing = await signInAtProvider(page, scene, OWNER.email);
    expect(landing.origin).toBe(scene.base);
    expect(landing.pathname).toBe('/');
    expect(landing.searchParams.get('signin-error')).toBeNull();

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await sessionCookie(page, scene.base)).toMatchObject({ httpOnly: true });
    const session = await sessionOf(page);
    expect(session).toMatchObject({ via: 'session', role: 'owner', user: { email: OWNER.email, role: 'owner' } });
    // The short-lived sign-in cookie is spent.
    expect(await attemptCookie(page, scene.base)).toBeUndefined();

    const audit = await scene.vigil.api<{ items: AuditEntry[] }>('GET', '/api/audit-log?action=session.signed-in', undefined, scene.owner);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'session.signed-in', details: expect.objectContaining({ method: 'oidc' }) }));
    expect(errors).toEqual([]);
  });

  it('refuses someone without an account when OIDC_NEW_USER_ROLE is unset, and makes no account', async () => {
    const scene = await startScene();
    const { page, errors } = await openPage();
    const landing = await signInFromStart(page, scene, NEWCOMER);
    expect(`${landing.pathname}${landing.search}`).toBe('/?signin-error=oidc_no_account');
    // The sign-in page says why, in words.
    await page.getByText('There is no account here for that email address').waitFor();
    await expectSignedOut(page, scene);
    expect((await users(scene)).map((user) => user.email)).toEqual([OWNER.email]);
    const audit = await scene.vigil.api<{ items: AuditEntry[] }>('GET', '/api/audit-log?action=session.sign-in-failed', undefined, scene.owner);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ details: expect.objectContaining({ method: 'oidc', reason: 'oidc_no_account' }) }));
    expect(errors).toEqual([]);
  });

  it('makes someone without an account a viewer on their first sign-in with OIDC_NEW_USER_ROLE=viewer, and lands them where they were going', async () => {
    const scene = await startScene({ OIDC_NEW_USER_ROLE: 'viewer' });
    const { page, errors } = await openPage();
    const landing = await signInFromStart(page, scene, NEWCOMER, '/incidents');
    expect(`${landing.pathname}${landing.search}`).toBe('/incidents');

    expect(await sessionOf(page)).toMatchObject({ via: 'session', role: 'viewer', user: { email: NEWCOMER, role: 'viewer' } });
    expect(await users(scene)).toContainEqual(expect.objectContaining({ email: NEWCOMER, name: 'Nina Newcomer', role: 'viewer' }));

    // No password here: none to change, and two-factor sign-in is the provider's.
    const own = await page.evaluate(async () => {
      const { csrfToken } = await (await fetch('/api/session')).json();
      const call = async (method: string, path: string, body?: unknown) => {
        const answer = await fetch(path, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: answer.status, body: await answer.json() };
      };
      return {
        account: await call('GET', '/api/account'),
        newPassword: await call('PATCH', '/api/account', { password: 'a password of my own', currentPassword: 'anything' }),
        twoFactor: await call('POST', '/api/account/two-factor'),
        rename: await call('PATCH', '/api/account', { name: 'Nina N.' }),
      };
    });
    expect(own.account.body).toMatchObject({ hasPassword: false, twoFactor: false });
    expect([own.newPassword.status, own.newPassword.body.code]).toEqual([409, 'no_password']);
    expect([own.twoFactor.status, own.twoFactor.body.code]).toEqual([409, 'no_password']);
    expect(own.rename.body).toMatchObject({ name: 'Nina N.', hasPassword: false });

    // The Account page says where the password and two-factor sign-in are kept, and keeps the name form.
    await page.goto(`${scene.base}/account`);
    await page.getByText(`You sign in with ${SSO_NAME}: your password and two-factor sign-in are kept there.`).waitFor();
    expect(await page.getByRole('heading', { name: 'Password' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Two-factor sign-in' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save name' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'oidc-account-page');
    expect(errors).toEqual([]);
  });

  it('reads the email from userinfo when the provider’s ID token has only the subject', async () => {
    const scene = await startScene({}, false, false);
    const { page, errors } = await openPage();
    const landing = await signInFromStart(page, scene, OWNER.email);
    expect(`${landing.pathname}${landing.search}`).toBe('/');
    expect(await sessionOf(page)).toMatchObject({ via: 'session', role: 'owner', user: { email: OWNER.email } });
    expect(errors).toEqual([]);
  });

  it('lands on Vigil’s own pages only, whatever `next` says', async () => {
    const scene = await startScene();
    const { page, errors } = await openPage();
    const landing = await signInFromStart(page, scene, OWNER.email, '//elsewhere.example/phish');
    expect(landing.href).toBe(`${scene.base}/`);
    expect((await sessionOf(page)).via).toBe('session');
    expect(errors).toEqual([]);
  });

  it('refuses an unverified email, even the owner’s', async () => {
    const scene = await startScene({ OIDC_NEW_USER_ROLE: 'viewer' });
    const { page, errors } = await openPage();
    const landing = await signInFromStart(page, scene, 'impostor');
    expect(`${landing.pathname}${landing.search}`).toBe('/?signin-error=oidc_email_unverified');
    await expectSignedOut(page, scene);
    expect((await users(scene)).map((user) => user.email)).toEqual([OWNER.email]);
    expect(errors).toEqual([]);
  });

  it('refuses a callback whose state is not the one its browser started with: no sign-in cookie at all, or another state', async () => {
    const scene = await startScene();

    // A browser that never started a sign-in (a link someone was sent).
    const fresh = await openPage();
    const first = await visitCallback(fresh.page, scene, 'code=x&state=y');
    expect(`${first.pathname}${first.search}`).toBe('/?signin-error=oidc_state');
    await expectSignedOut(fresh.page, scene);

    // A browser that did start one, handed another state (and a code that was never issued to it).
    const started = await openPage();
    await started.page.goto(`${scene.base}/api/auth/oidc/start`);
    await started.page.locator('input[name="login"]').waitFor();
    expect(await attemptCookie(started.page, scene.base)).toMatchObject({ httpOnly: true });
    const second = await visitCallback(started.page, scene, 'code=x&state=forged');
    expect(`${second.pathname}${second.search}`).toBe('/?signin-error=oidc_state');
    await expectSignedOut(started.page, scene);
    expect(fresh.errors).toEqual([]);
    expect(started.errors).toEqual([]);
  });
});

describe('a provider that cannot be reached', () => {
  /** GET /api/auth/oidc/start as a browser would ask it (no redirect followed); how long it took. */
  async function startSignIn(base: string) {
    const began = Date.now();
    const answer = await fetch(`${base}/api/auth/oidc/start?next=/`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const body = await answer.text();
    return { status: answer.status, location: answer.headers.get('location'), body, ms: Date.now() - began };
  }

  /** A problem (502 or 503) or a redirect to `/?signin-error=oidc_failed`: not a redirect to the provider. */
  function expectFailedStart(answer: Awaited<ReturnType<typeof startSignIn>>, base: string) {
    const summary = JSON.stringify(answer);
    if (answer.status === 302) {
      const to = new URL(answer.location!, base);
      expect(`${to.origin}${to.pathname}${to.search}`, summary).toBe(`${base}/?signin-error=oidc_failed`);
    } else {
      expect([502, 503], summary).toContain(answer.status);
      expect(answer.body, summary).not.toBe('');
    }
    expect(answer.ms, summary).toBeLessThan(START_LIMIT_MS);
  }

  /** Vigil still answers: the session route and the dashboard. */
  async function expectServing(vigil: TestVigil) {
    expect((await vigil.api('GET', '/api/session')).status).toBe(200);
    expect((await vigil.api('GET', '/')).status).toBe(200);
  }

  it('fails the start of sign-in at once when the provider is down, and goes on serving', async () => {
    const scene = await startScene({}, true);
    await scene.provider.close();
    const answer = await startSignIn(scene.base);
    expectFailedStart(answer, scene.base);
    await expectServing(scene.vigil);
  });

  it('fails the start of sign-in within seconds when the provider accepts connections and never answers, and goes on serving', async () => {
    const silent: TargetServer = await startTargetServer();
    cleanups.push(() => silent.close());
    silent.setDefaultMode({ kind: 'hang' });
    const vigil = await startVigilFor(silent.origin, {}, true);
    await setUpOwner(vigil);
    const base = `http://127.0.0.1:${vigil.port}`;
    const answer = await startSignIn(base);
    expectFailedStart(answer, base);
    // Vigil did ask it (for its discovery document, most likely).
    expect(silent.requests.length).toBeGreaterThan(0);
    await expectServing(vigil);
  });
});
