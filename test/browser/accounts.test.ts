/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../server/contract/accounts.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import { codeAt, stepAt } from '../../server/auth/totp.ts';
import { createLogger } from '../../server/logger.ts';
import { loadSettings } from '../../server/settings.ts';
import { startVigil } from '../../server/vigil.ts';
import { saveScreenshot } from '../support/browser.ts';
import { seriousViolations } from '../support/page-checks.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { createTestDatabase } from '../support/vigil.ts';

/**
 * Accounts in the dashboard, in real Chromium: the set-up page of a fresh Vigil, signing in and
 * out, invites accepted in other browsers, what each role is shown, sessions ended elsewhere, and
 * set-up from another machine with the link from Vigil's log. Every page here starts without
 * "Continue without an account for now" (deferSetup: false), as a person's first visit does.
 */

const FAILURE_LIMIT = 3;
const env = useBrowserTestEnv({ AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT) });
const PASSWORD = 'correct horse battery staple';
const OWNER = { email: 'olga@example.test', name: 'Olga Owner' };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const WIDE = { viewport: { width: 1600, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const FIRST_VISIT = { deferSetup: false };

const toast = (page: Page, text: string | RegExp) => page.locator('[data-sonner-toast]', { hasText: text });
const accountButton = (page: Page) => page.locator('.header .account-button');

/** Opens a page as a first visit (no deferral of set-up). */
const visit = (path: string, options: BrowserContextOptions = {}) => env.open(path, { ...DESKTOP, ...options }, FIRST_VISIT);

/** Types a new account into the set-up or invite form (the email only when the field is not locked). */
async function fillAccount(page: Page, account: { email?: string; name: string; password: string; again?: string }) {
  if (account.email !== undefined) await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Name', { exact: true }).fill(account.name);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByLabel('Password again').fill(account.again ?? account.password);
}

/** Signs in on the sign-in page. */
async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The owner, made through the API from this machine; their cookie and CSRF token for API calls. */
async function ownerByApi(): Promise<Record<string, string>> {
  const made = await env.vigil.api<SessionInfo>('POST', '/api/setup', { ...OWNER, password: PASSWORD });
  expect(made.status).toBe(201);
  const cookie = made.headers
    .getSetCookie()
    .find((line) => line.startsWith('vigil_session='))!
    .split(';')[0]!;
  return { cookie, 'x-csrf-token': made.body.csrfToken! };
}

/** Opens the account menu and clicks one of its entries. */
async function fromAccountMenu(page: Page, entry: string) {
  await accountButton(page).click();
  await page
    .locator('#account-panel')
    .getByRole(entry.startsWith('Sign out') ? 'button' : 'link', { name: entry, exact: true })
    .click();
}

/**
 * What a person sees of the header: the account button, and every other visible item of it, as
 * boxes; those overlapping the account button, those running off the screen, the header's height.
 */
function headerLayout(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector('.header')!;
    const account = header.querySelector('.account-button')!.getBoundingClientRect();
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const items = [...header.querySelectorAll('.brand, nav > a, .conn, .key-button, .theme-switch, .lang, .menu-button')].filter(visible);
    const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    return {
      account: { width: account.width, height: account.height, left: account.left, right: account.right },
      overlapping: items.filter((el) => overlaps(el.getBoundingClientRect(), account)).map((el) => el.className || el.textContent),
      offScreen: [...items, header.querySelector('.account-button')!]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => el.className || el.textContent),
      headerHeight: header.getBoundingClientRect().height,
    };
  });
}

describe('first start', () => {
  it('shows the set-up page at /, makes the owner there, lands on the dashboard signed in, and stays signed in across a reload', async () => {
    const { page, errors } = await visit('/');
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // From this machine: no link needed, and a way on without an account, saying what it means.
    const defer = page.getByRole('link', { name: 'Continue without an account for now' });
    expect(await defer.isVisible()).toBe(true);
    expect(await page.getByText('Until an owner account exists, only this machine can use Vigil.').isVisible()).toBe(true);
    expect(await page.getByText('needs the link printed in Vigil’s log').count()).toBe(0);
    await saveScreenshot(page, 'accounts-setup');

    // Checked here: the password twice; checked by the server, shown beside its field: the length.
    await fillAccount(page, { ...OWNER, password: PASSWORD, again: 'something else entirely' });
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.locator('[data-field="again"] .field-error', { hasText: 'Does not match the password' }).waitFor();
    expect(await page.getByLabel('Password again').getAttribute('aria-invalid')).toBe('true');
    await fillAccount(page, { ...OWNER, password: 'short' });
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.locator('[data-field="password"] .field-error', { hasText: 'At least 10 characters' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-password');
    expect((await env.vigil.api<SessionInfo>('GET', '/api/session')).body.setupRequired).toBe(true);

    await fillAccount(page, { ...OWNER, password: PASSWORD });
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await toast(page, 'Welcome, Olga Owner: you own this Vigil.').waitFor();
    expect(await page.getByRole('button', { name: 'Account: Olga Owner' }).isVisible()).toBe(true);
    // Live over the session cookie.
    await page.locator('.conn[data-state="connected"]').waitFor();

    await page.reload();
    await page.getByRole('button', { name: 'Account: Olga Owner' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Create the owner account' }).count()).toBe(0);
    // /setup is the dashboard's front door now.
    await page.goto(`${env.base()}/setup`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
  });

  it('goes on without an account from this machine when asked to, and keeps /setup open until an owner exists', async () => {
    const { page, errors } = await visit('/');
    await page.getByRole('link', { name: 'Continue without an account for now' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('vigil.setup.deferred'))).toBe('1');
    expect(await accountButton(page).count()).toBe(0);
    expect(await page.getByRole('link', { name: '+ Add endpoint' }).isVisible()).toBe(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.goto(`${env.base()}/setup`);
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    await fillAccount(page, { ...OWNER, password: PASSWORD });
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await accountButton(page).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
  });
});

describe('signing in and out', () => {
  it('shows the sign-in page once set up; a wrong password is refused there, the right one signs in; signing out comes back to it', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/incidents');
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect(await page.locator('.header').count()).toBe(0);
    // With no API_KEY set there is no other way in.
    expect(await page.getByRole('button', { name: 'Use an API key instead' }).count()).toBe(0);
    await saveScreenshot(page, 'accounts-sign-in');

    await signIn(page, OWNER.email, 'not the password at all');
    await page.locator('.form-error', { hasText: 'The email or password is wrong.' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Vigil' }).isVisible()).toBe(true);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The page asked for comes up.
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/incidents');
    expect(await accountButton(page).getAttribute('aria-label')).toBe('Account: Olga Owner');

    await fromAccountMenu(page, 'Sign out');
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect((await page.evaluate(() => fetch('/api/session').then((r) => r.json()))).via).toBeNull();

    // In Korean, the same page.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await page.getByRole('heading', { name: 'Vigil 로그인' }).waitFor();
    await saveScreenshot(page, 'accounts-sign-in-ko');
    expect(errors).toEqual([]);
  });

  it('asks for the authenticator app’s code after the password when two-factor sign-in is on; a wrong code is refused, a recovery code signs in', async () => {
    const headers = await ownerByApi();
    const begun = await env.vigil.api<{ secret: string }>('POST', '/api/account/two-factor', undefined, headers);
    expect(begun.status).toBe(200);
    const confirmed = await env.vigil.api<{ recoveryCodes: string[] }>(
      'POST',
      '/api/account/two-factor/confirm',
      { code: codeAt(begun.body.secret, stepAt(Date.now())) },
      headers,
    );
    expect(confirmed.status).toBe(200);

    const { page, errors } = await visit('/');
    await signIn(page, OWNER.email);
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-code');
    expect(await page.getByText('Two-factor sign-in is on for this account').isVisible()).toBe(true);
    await code.fill('000000');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.form-error', { hasText: 'The code is wrong or has been used.' }).waitFor();
    await saveScreenshot(page, 'accounts-sign-in-code');

    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(confirmed.body.recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await accountButton(page).getAttribute('aria-label')).toBe('Account: Olga Owner');
    expect(errors).toEqual([]);
  });

  it('says why a sign-in through the single sign-on provider came back without a session', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/?signin-error=oidc_no_account');
    await page.locator('.form-error', { hasText: 'There is no account here for that email address: ask the owner of this Vigil for an invite.' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('tells the wait when too many wrong passwords came from this address', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/');
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    for (let i = 1; i <= FAILURE_LIMIT; i++) {
      await signIn(page, OWNER.email, `wrong password ${i}`);
      await page.locator('.form-error', { hasText: 'The email or password is wrong.' }).waitFor();
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    }
    await signIn(page, OWNER.email, 'wrong password again');
    await page.locator('.form-error', { hasText: /^Too many wrong passwords: try again in \d+ s\.$/ }).waitFor();
    expect(errors).toEqual([]);
  });
});

describe('people and roles', () => {
  it('invites an editor and a viewer from the People page; each accepts in their own browser and sees what their role may do', async () => {
    env.target.setMode('/roles', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/roles', name: 'Roles API', paused: true });
    const ownerHeaders = await ownerByApi();

    const owner = await visit('/');
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base() });
    await signIn(owner.page, OWNER.email);
    await fromAccountMenu(owner.page, 'People');
    const people = owner.page.locator('.people-page');
    await people.getByRole('heading', { name: 'People', exact: true }).waitFor();
    await people.locator('tr[data-user-id]', { hasText: 'Olga Owner' }).waitFor();
    expect(await people.getByRole('combobox', { name: 'Role of Olga Owner' }).inputValue()).toBe('owner');
    expect(await people.getByText('No open invites.').isVisible()).toBe(true);

    // An editor, whoever has the link; the link is shown once, with a copy button.
    await people.getByLabel('Role', { exact: true }).selectOption('editor');
    await people.getByRole('button', { name: 'Create invite link' }).click();
    const link = people.locator('#invite-link');
    await link.waitFor();
    expect(await people.locator('.invite-created label').textContent()).toBe('Invite link · Editor · Anyone with the link');
    const editorLink = await link.inputValue();
    expect(editorLink).toMatch(new RegExp(`^${env.base()}/invite#token=[A-Za-z0-9_-]{32}$`));
    await people.getByRole('button', { name: 'Copy link' }).click();
    await people.locator('.invite-copied', { hasText: 'Copied' }).waitFor();
    expect(await owner.page.evaluate(() => navigator.clipboard.readText())).toBe(editorLink);
    await people.getByRole('button', { name: 'Done' }).click();
    expect(await link.count()).toBe(0);

    // A viewer, for one address only.
    await people.getByLabel('Role', { exact: true }).selectOption('viewer');
    await people.getByLabel('Email (optional)').fill('vic@example.test');
    await people.getByRole('button', { name: 'Create invite link' }).click();
    await link.waitFor();
    const viewerLink = await link.inputValue();
    await people.locator('tr[data-invite-id]', { hasText: 'vic@example.test' }).waitFor();
    expect(await people.locator('tr[data-invite-id]').count()).toBe(2);

    // The editor, in a browser of their own.
    const editor = await env.newPage(DESKTOP, FIRST_VISIT);
    await editor.page.goto(editorLink);
    await editor.page.getByText(`${OWNER.email} invites you as Editor.`).waitFor();
    await saveScreenshot(editor.page, 'accounts-invite');
    await fillAccount(editor.page, { email: 'eddie@example.test', name: 'Eddie Editor', password: PASSWORD });
    await editor.page.getByRole('button', { name: 'Create account' }).click();
    await editor.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(new URL(editor.page.url()).pathname + new URL(editor.page.url()).hash).toBe('/');
    expect(await accountButton(editor.page).getAttribute('aria-label')).toBe('Account: Eddie Editor');
    expect(await editor.page.getByRole('link', { name: '+ Add endpoint' }).isVisible()).toBe(true);
    await editor.page.goto(`${env.base()}/endpoints/${endpoint.id}`);
    await editor.page.getByRole('button', { name: 'Resume' }).waitFor();
    for (const name of ['Check now', 'Edit', 'Delete'])
      expect(await editor.page.getByRole(name === 'Edit' ? 'link' : 'button', { name, exact: true }).isVisible()).toBe(true);
    // Not an owner: no People.
    await accountButton(editor.page).click();
    await editor.page.locator('#account-panel').getByRole('link', { name: 'Sessions' }).waitFor();
    expect(await editor.page.locator('#account-panel').getByRole('link', { name: 'People' }).count()).toBe(0);
    await editor.page.keyboard.press('Escape');
    await editor.page.goto(`${env.base()}/people`);
    await editor.page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    expect(await editor.page.getByText('Only an owner may do this; ask the owner.').isVisible()).toBe(true);

    // The viewer: the invite names the address, so the field is filled in and fixed.
    const viewer = await env.newPage(DESKTOP, FIRST_VISIT);
    await viewer.page.goto(viewerLink);
    await viewer.page.getByText(`${OWNER.email} invites you as Viewer.`).waitFor();
    const email = viewer.page.getByLabel('Email', { exact: true });
    expect(await email.inputValue()).toBe('vic@example.test');
    expect(await email.getAttribute('readonly')).not.toBeNull();
    await fillAccount(viewer.page, { name: 'Vic Viewer', password: PASSWORD });
    await viewer.page.getByRole('button', { name: 'Create account' }).click();
    await viewer.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await accountButton(viewer.page).getAttribute('aria-label')).toBe('Account: Vic Viewer');
    // Reading, not changing: none of the buttons and forms that change things.
    await viewer.page.locator(`.card[data-endpoint-id="${endpoint.id}"]`).waitFor();
    expect(await viewer.page.getByRole('link', { name: '+ Add endpoint' }).count()).toBe(0);
    await viewer.page.goto(`${env.base()}/endpoints/${endpoint.id}`);
    await viewer.page.getByRole('heading', { name: 'Roles API' }).waitFor();
    await viewer.page.getByRole('heading', { name: 'Uptime' }).waitFor();
    for (const name of ['Check now', 'Resume', 'Pause', 'Edit', 'Delete'])
      expect(await viewer.page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    for (const [path, heading, hidden] of [
      ['/maintenance', 'Maintenance windows', '+ New window'],
      ['/notifications', 'Notifications', '+ New channel'],
      ['/status-pages', 'Status pages', '+ New status page'],
    ] as const) {
      await viewer.page.goto(env.base() + path);
      await viewer.page.getByRole('heading', { name: heading, exact: true }).waitFor();
      expect(await viewer.page.getByRole('link', { name: hidden }).count(), `${path}: ${hidden}`).toBe(0);
    }
    // A form reached by its address says who may use it instead.
    await viewer.page.goto(`${env.base()}/endpoints/new`);
    await viewer.page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    expect(await viewer.page.getByText('A viewer may not change this; ask an editor or the owner.').isVisible()).toBe(true);
    expect(await viewer.page.locator('main form').count()).toBe(0);
    // The keyboard shortcut for a new endpoint does nothing for a viewer.
    await viewer.page.goto(`${env.base()}/`);
    await viewer.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await viewer.page.keyboard.press('n');
    await viewer.page.waitForTimeout(200);
    expect(new URL(viewer.page.url()).pathname).toBe('/');

    // A write forced past the page (its own fetch, with the session's CSRF token) is refused by the server, saying why.
    const forced = await viewer.page.evaluate(async () => {
      const { csrfToken } = await fetch('/api/session').then((r) => r.json());
      const answer = await fetch('/api/endpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'Forced', url: 'http://127.0.0.1:9/' }),
      });
      return { status: answer.status, body: await answer.json() };
    });
    expect(forced).toMatchObject({ status: 403, body: { code: 'forbidden_role', params: { role: 'viewer', needs: 'edit' } } });

    // The owner sees both, and no open invites any more.
    await owner.page.reload();
    await people.locator('tr[data-user-id]', { hasText: 'Vic Viewer' }).waitFor();
    expect(await people.locator('tr[data-user-id]').count()).toBe(3);
    expect(await people.getByRole('combobox', { name: 'Role of Eddie Editor' }).inputValue()).toBe('editor');
    expect(await people.getByText('No open invites.').isVisible()).toBe(true);
    await saveScreenshot(owner.page, 'accounts-people');
    // On a phone: the tables stacked, nothing wider than the screen.
    await owner.page.setViewportSize(PHONE.viewport);
    await expect.poll(() => owner.page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.viewport.width);
    await saveScreenshot(owner.page, 'accounts-people-390');
    await owner.page.setViewportSize(DESKTOP.viewport);
    await owner.page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await people.getByRole('heading', { name: '구성원', exact: true }).waitFor();
    await saveScreenshot(owner.page, 'accounts-people-ko');
    await owner.page.getByRole('combobox', { name: '언어' }).selectOption('en');

    // The owner makes the editor a viewer while the editor's page still offers the buttons: their
    // next write is refused with a toast saying why, and the buttons go.
    await editor.page.goto(`${env.base()}/endpoints/${endpoint.id}`);
    await editor.page.getByRole('button', { name: 'Resume' }).waitFor();
    await people.getByRole('combobox', { name: 'Role of Eddie Editor' }).selectOption('viewer');
    await toast(owner.page, 'Eddie Editor is now Viewer').waitFor();
    await editor.page.getByRole('button', { name: 'Resume' }).click();
    await toast(editor.page, 'A viewer may not change this; ask an editor or the owner.').waitFor();
    await editor.page.getByRole('button', { name: 'Resume' }).waitFor({ state: 'detached' });
    expect(await editor.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    // Told once: not also as "The action failed: …".
    expect(await toast(editor.page, 'The action failed').count()).toBe(0);
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`, undefined, ownerHeaders)).body.paused).toBe(true);

    // The owner is the last owner: they cannot make themselves less.
    await people.getByRole('combobox', { name: 'Role of Olga Owner' }).selectOption('editor');
    await toast(owner.page, 'This is the last owner: make someone else an owner first.').waitFor();
    expect(await people.getByRole('combobox', { name: 'Role of Olga Owner' }).inputValue()).toBe('owner');

    // Removing someone asks first, and ends their sessions: their page goes to the sign-in page at its next request.
    await people.getByRole('button', { name: 'Remove: Vic Viewer' }).click();
    await people.getByRole('button', { name: 'Yes, remove' }).click();
    await toast(owner.page, 'Removed Vic Viewer').waitFor();
    expect(await people.locator('tr[data-user-id]').count()).toBe(2);
    await viewer.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await viewer.page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect(await viewer.page.getByText('Your session has ended: sign in again.').isVisible()).toBe(true);

    for (const opened of [owner, editor, viewer]) expect(opened.errors).toEqual([]);
  });

  it('says when an invite link has been used, and when it is cut short', async () => {
    const headers = await ownerByApi();
    const made = await env.vigil.api<{ token: string; url: string }>('POST', '/api/invites', { role: 'editor' }, headers);
    expect(made.status).toBe(201);
    expect(
      (await env.vigil.api('POST', `/api/invitations/${made.body.token}`, { email: 'first@example.test', name: 'First', password: PASSWORD })).status,
    ).toBe(201);
    const { page, errors } = await env.open(`/invite#token=${made.body.token}`, DESKTOP, FIRST_VISIT);
    await page.getByText('This invite link has been used, withdrawn or has expired: ask for a new one.').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    await page.goto(`${env.base()}/invite`);
    await page.reload();
    await page.getByText('This link is incomplete: open the whole invite link you were sent.').waitFor();
    expect(errors).toEqual([]);
  });
});

describe('sessions', () => {
  it('lists this browser and the others; ending one sends that browser to the sign-in page, saying why', async () => {
    await ownerByApi();
    const here = await visit('/');
    await signIn(here.page, OWNER.email);
    await accountButton(here.page).waitFor();
    const elsewhere = await env.newPage(DESKTOP, FIRST_VISIT);
    await elsewhere.page.goto(`${env.base()}/`);
    await signIn(elsewhere.page, OWNER.email);
    await accountButton(elsewhere.page).waitFor();

    await fromAccountMenu(here.page, 'Sessions');
    const rows = here.page.locator('.sessions-table tbody tr');
    await expect.poll(() => rows.count()).toBe(3); // the API's set-up, and the two browsers
    const current = here.page.locator('tr[data-current="true"]');
    expect(await current.locator('.session-this').textContent()).toBe('This browser');
    expect(await current.locator('.session-device').textContent()).toBe('Chrome (headless) · Linux');
    expect(await current.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await saveScreenshot(here.page, 'accounts-sessions');

    await here.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await toast(here.page, 'Signed out of 2 other sessions').waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await here.page.getByText('Only this browser is signed in.').isVisible()).toBe(true);

    await elsewhere.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await elsewhere.page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect(await elsewhere.page.getByText('Your session has ended: sign in again.').isVisible()).toBe(true);
    // Signing in again there: the page asked for.
    await signIn(elsewhere.page, OWNER.email);
    await elsewhere.page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await elsewhere.page.locator('.conn[data-state="connected"]').waitFor();
    expect(here.errors).toEqual([]);
    expect(elsewhere.errors).toEqual([]);
  });
});

describe('the account menu on screen', () => {
  for (const [label, options] of [
    ['1600', WIDE],
    ['1280', DESKTOP],
    ['390', PHONE],
  ] as const) {
    for (const locale of ['en-US', 'ko-KR']) {
      it(`sits in the header without overlapping anything at ${label} px (${locale}), and opens inside the window`, async () => {
        await ownerByApi();
        const { page, errors } = await visit('/', { ...options, locale });
        await page.getByLabel(locale === 'en-US' ? 'Email' : '이메일').fill(OWNER.email);
        await page.getByLabel(locale === 'en-US' ? 'Password' : '비밀번호').fill(PASSWORD);
        await page.locator('form button[type="submit"]').click();
        await accountButton(page).waitFor();
        await page.locator('.conn[data-state="connected"]').waitFor();
        const layout = await headerLayout(page);
        expect(layout.overlapping).toEqual([]);
        expect(layout.offScreen).toEqual([]);
        expect(layout.account.height).toBeGreaterThanOrEqual(32);
        expect(layout.headerHeight).toBeLessThanOrEqual(64);
        // The name where there is room; else the initial, the name in the button's label.
        expect(await page.locator('.account-name').isVisible()).toBe(label === '1600');
        expect(await page.getByRole('button', { name: locale === 'en-US' ? 'Account: Olga Owner' : '계정: Olga Owner' }).isVisible()).toBe(true);
        expect(await page.locator('.account-initial').textContent()).toBe('O');

        await accountButton(page).click();
        const panel = page.locator('#account-panel');
        await panel.waitFor();
        const box = (await panel.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(options.viewport.width);
        expect(await panel.textContent()).toContain(OWNER.email);
        await saveScreenshot(page, `accounts-menu-${label}-${locale.slice(0, 2)}`);
        await page.keyboard.press('Escape');
        await panel.waitFor({ state: 'detached' });
        expect(await page.evaluate(() => document.activeElement?.classList.contains('account-button'))).toBe(true);
        expect(errors).toEqual([]);
      });
    }
  }
});

describe('set-up from another machine', () => {
  it('needs the link from Vigil’s log: refused without its token, done with it', async () => {
    // A Vigil whose log the test reads (startTestVigil keeps errors only; the link is a warning).
    const database = await createTestDatabase();
    const lines: { msg: string }[] = [];
    const settings = loadSettings({ HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT_MS: '3000', ...database.env });
    const remote = await startVigil(settings, { logger: createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) }) });
    try {
      const token = lines.map((line) => /\/setup#token=([A-Za-z0-9_-]+)/.exec(line.msg)?.[1]).find(Boolean);
      expect(token).toBeTruthy();
      const base = `http://127.0.0.1:${remote.port}`;
      // Through a proxy, as Vigil sees it: not this machine.
      const { page, errors } = await env.newPage({ ...DESKTOP, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' } }, FIRST_VISIT);
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
      expect(await page.getByText('From another machine, set-up needs the link printed in Vigil’s log').isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: 'Continue without an account for now' }).count()).toBe(0);
      await fillAccount(page, { ...OWNER, password: PASSWORD });
      await page.getByRole('button', { name: 'Create owner account' }).click();
      await page
        .locator('.form-error', {
          hasText: 'The owner account can only be created from the machine Vigil runs on, or with the set-up link printed in Vigil’s log.',
        })
        .waitFor();
      await saveScreenshot(page, 'accounts-setup-remote');

      await page.goto(`${base}/setup#token=${token}`);
      await page.getByText('Opened with the set-up link from Vigil’s log.').waitFor();
      await fillAccount(page, { ...OWNER, password: PASSWORD });
      await page.getByRole('button', { name: 'Create owner account' }).click();
      await accountButton(page).waitFor();
      expect(new URL(page.url()).hash).toBe('');
      expect(errors).toEqual([]);
      expect(lines.filter((line) => (line as { level?: number }).level === 50)).toEqual([]);
    } finally {
      await remote.stop();
      await database.dispose();
    }
  });
});

describe('accessibility (axe-core)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical violation on the set-up, sign-in, People and Sessions pages and the account menu (${scheme})`, async () => {
      const { page, errors } = await visit('/', { colorScheme: scheme });
      const found: string[] = [];
      const check = async (name: string) => {
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        // The page itself: the toasts' own colours are not what is checked here (they go after 3 s).
        await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 8000 }).toBe(0);
        found.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await saveScreenshot(page, `accounts-a11y-${scheme}-${name}`);
      };
      await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
      await check('setup');
      await fillAccount(page, { ...OWNER, password: PASSWORD });
      await page.getByRole('button', { name: 'Create owner account' }).click();
      await accountButton(page).click();
      await page.locator('#account-panel').waitFor();
      await check('menu');
      await page.locator('#account-panel').getByRole('link', { name: 'People' }).click();
      await page.locator('tr[data-user-id]').waitFor();
      await page.getByLabel('Role', { exact: true }).selectOption('editor');
      await page.getByRole('button', { name: 'Create invite link' }).click();
      await page.locator('#invite-link').waitFor();
      await check('people');
      await page.goto(`${env.base()}/sessions`);
      await page.locator('tr[data-current="true"]').waitFor();
      await check('sessions');
      const invite = await page.evaluate(() => fetch('/api/invites').then((r) => r.json()));
      expect(invite.items).toHaveLength(1);
      await fromAccountMenu(page, 'Sign out');
      await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
      await check('sign-in');
      expect(found).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});

describe('in Korean', () => {
  it('shows the set-up page in Korean', async () => {
    const { page, errors } = await visit('/', { locale: 'ko-KR' });
    await page.getByRole('heading', { name: '소유자 계정 만들기' }).waitFor();
    expect(await page.getByRole('link', { name: '지금은 계정 없이 계속하기' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'accounts-setup-ko');
    expect(errors).toEqual([]);
  });
});
