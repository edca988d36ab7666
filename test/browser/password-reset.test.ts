/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AccountUser, OwnAccount, PasswordReset, SessionInfo } from '../../server/contract/accounts.ts';
import { signedInBy } from '../support/accounts.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { latinWords, overflowing, seriousViolations } from '../support/page-checks.ts';

/**
 * Password reset links in the dashboard, in real Chromium: the owner makes one on People (shown
 * once), the person opens it signed out in another browser, sets a new password, and is signed out
 * everywhere while nobody is signed in; the link then refuses; a new link replaces the earlier one
 * and Withdraw ends one; a signed-in owner may use a link too. Also: a key scope above one's role
 * said beside its field, Korean, axe (with a success toast shown) and a phone's width. (The Account
 * page of a single sign-on account: test/browser/oidc-sign-in.test.ts, with a real provider.)
 */

const env = useBrowserTestEnv();
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a quite different passphrase';
const OWNER = { email: 'olga@example.test', name: 'Olga Owner' };
const EDDIE = { email: 'eddie@example.test', name: 'Eddie Editor' };
const VIC = { email: 'vic@example.test', name: 'Vic Viewer' };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const FIRST_VISIT = { deferSetup: false };

type Headers = Record<string, string>;

const toast = (page: Page, text: string | RegExp) => page.locator('[data-sonner-toast]', { hasText: text });
const accountButton = (page: Page) => page.locator('.header .account-button');
const visit = (path: string, options: BrowserContextOptions = {}) => env.open(path, { ...DESKTOP, ...options }, FIRST_VISIT);
/** The link's path and fragment, as a page opens it from this test's Vigil. */
const pathOf = (url: string) => {
  const { pathname, hash } = new URL(url);
  return pathname + hash;
};
const tokenOf = (url: string) => new URL(url).hash.replace('#token=', '');

/** The owner, made through the API from this machine. */
async function ownerByApi(): Promise<Headers> {
  const made = await env.vigil.api<SessionInfo>('POST', '/api/setup', { ...OWNER, password: PASSWORD });
  expect(made.status).toBe(201);
  return signedInBy(made, 201).headers;
}

/** Someone invited by the owner with `role`, joined through the API; their id, cookie and CSRF token. */
async function personByApi(owner: Headers, role: AccountUser['role'], person: { email: string; name: string }): Promise<{ id: string; headers: Headers }> {
  const invite = await env.vigil.api<{ token: string }>('POST', '/api/invites', { role }, owner);
  expect(invite.status).toBe(201);
  const joined = await env.vigil.api<SessionInfo>('POST', `/api/invitations/${invite.body.token}`, { ...person, password: PASSWORD });
  expect(joined.status).toBe(201);
  return { id: joined.body.user!.id, headers: signedInBy(joined, 201).headers };
}

/** A reset link made through the API by the owner. */
async function resetByApi(owner: Headers, userId: string): Promise<PasswordReset> {
  const made = await env.vigil.api<PasswordReset>('POST', `/api/users/${userId}/password-reset`, undefined, owner);
  expect(made.status).toBe(201);
  return made.body;
}

/** What GET /api/password-resets/:token answers now (200 open, 409 used, replaced or expired). */
const previewStatus = async (url: string) => (await env.vigil.api('GET', `/api/password-resets/${tokenOf(url)}`)).status;

/** Signs in on the sign-in page. */
async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in as the owner and opens People, its rows listed. */
async function openPeople(page: Page) {
  await signIn(page, OWNER.email);
  await accountButton(page).click();
  await page.locator('#account-panel').getByRole('link', { name: 'People', exact: true }).click();
  await page.locator('tr[data-user-id]').first().waitFor();
}

/** Clicks a person's "Password reset link" on People; answers the link the box shows. */
async function makeLinkOnPeople(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: `Password reset link: ${name}` }).click();
  const box = page.locator('.reset-created', { hasText: name });
  await box.waitFor();
  return box.locator('#reset-link').inputValue();
}

/** Types the new password twice on the reset page and sends it. */
async function setPassword(page: Page, password: string, again = password) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(again);
  await page.getByRole('button', { name: 'Set new password' }).click();
}

describe('a password reset link', () => {
  it('is made on People and shown once; opened signed out, it sets a new password, ends every session of the person and signs nobody in; then it refuses', async () => {
    const ownerHeaders = await ownerByApi();
    const eddieApi = await personByApi(ownerHeaders, 'editor', EDDIE);

    // Eddie, signed in before in a browser of his own.
    const before = await visit('/');
    await signIn(before.page, EDDIE.email);
    await accountButton(before.page).waitFor();

    // The owner makes the link on People: shown once, with what it does.
    const owner = await visit('/');
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base() });
    await openPeople(owner.page);
    // Not for oneself (one's own password changes on the Account page).
    expect(await owner.page.getByRole('button', { name: `Password reset link: ${OWNER.name}` }).count()).toBe(0);
    const link = await makeLinkOnPeople(owner.page, EDDIE.name);
    expect(link).toMatch(new RegExp(`^${env.base()}/reset-password#token=[A-Za-z0-9_-]{32}$`));
    const box = owner.page.locator('.reset-created');
    expect(await box.locator('label').textContent()).toBe(`Password reset link · ${EDDIE.name} (${EDDIE.email})`);
    expect(await box.textContent()).toContain(`Shown this once: copy it now and give it to ${EDDIE.name}. It works once, for 24 hours`);
    expect(await box.textContent()).toContain(`Setting a password with it signs ${EDDIE.name} out everywhere. A new link replaces this one.`);
    expect(await owner.page.evaluate(() => document.activeElement?.id)).toBe('reset-link');
    await box.getByRole('button', { name: 'Copy link' }).click();
    await box.locator('.invite-copied', { hasText: 'Copied' }).waitFor();
    expect(await owner.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await saveScreenshot(owner.page, 'password-reset-people-link');
    // Dismissed: the link leaves the page.
    await box.getByRole('button', { name: 'Done' }).click();
    await box.waitFor({ state: 'detached' });
    expect(await owner.page.content()).not.toContain(tokenOf(link));

    // Opened signed out, in another browser: whose account, who made the link, until when.
    const other = await visit(pathOf(link));
    await other.page.getByRole('heading', { name: 'Reset password' }).waitFor();
    await other.page.getByText(`Set a new password for ${EDDIE.name} (${EDDIE.email}).`).waitFor();
    expect(await other.page.getByText(`${OWNER.email} made this link. It works once, until`).isVisible()).toBe(true);
    expect(await other.page.getByText('signs this account out on every browser and device').isVisible()).toBe(true);
    await saveScreenshot(other.page, 'password-reset-page');

    // The same checks and words as the invite and set-up forms.
    await setPassword(other.page, 'short');
    await other.page.locator('[data-field="password"] .field-error', { hasText: 'At least 10 characters' }).waitFor();
    expect(await other.page.evaluate(() => document.activeElement?.id)).toBe('f-password');
    expect(await other.page.getByText('Please correct the marked fields.').isVisible()).toBe(true);
    await setPassword(other.page, NEW_PASSWORD, 'something else entirely');
    await other.page.locator('[data-field="again"] .field-error', { hasText: 'Does not match the password' }).waitFor();
    await setPassword(other.page, EDDIE.email);
    await other.page.locator('[data-field="password"] .field-error', { hasText: 'Must not be the email address' }).waitFor();
    await saveScreenshot(other.page, 'password-reset-page-error');
    expect(await previewStatus(link)).toBe(200);

    await setPassword(other.page, NEW_PASSWORD);
    await other.page.getByText(`The new password for ${EDDIE.email} is set, and every session of this account was signed out.`).waitFor();
    // The used token is out of the address bar; nobody is signed in here.
    expect(pathOf(other.page.url())).toBe('/reset-password');
    expect(await other.page.evaluate(() => fetch('/api/session').then((r) => r.json()))).toMatchObject({ via: null });
    await saveScreenshot(other.page, 'password-reset-done');

    // Every session of Eddie ended: the API's, and the browser's that was signed in before.
    expect((await env.vigil.api<OwnAccount>('GET', '/api/account', undefined, eddieApi.headers)).status).toBe(401);
    await before.page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await before.page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect(await before.page.getByText('Your session has ended: sign in again.').isVisible()).toBe(true);

    // Signing in: the email filled in; the old password refused, the new one taken.
    await other.page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await other.page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    expect(await other.page.getByLabel('Email').inputValue()).toBe(EDDIE.email);
    expect(await other.page.evaluate(() => document.activeElement?.id)).toBe('f-password');
    expect(await other.page.getByText('Forgot your password? Ask the owner of this Vigil for a password reset link.').isVisible()).toBe(true);
    await other.page.getByLabel('Password').fill(PASSWORD);
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.page.getByText('The email or password is wrong.').waitFor();
    await other.page.getByLabel('Password').fill(NEW_PASSWORD);
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await accountButton(other.page).getAttribute('aria-label')).toBe(`Account: ${EDDIE.name}`);

    // Used: the link says so (opened signed in, now).
    await other.page.goto(link);
    await other.page
      .getByText('This password reset link has been used, replaced by a newer one or has expired: ask the owner of this Vigil for a new one.')
      .waitFor();
    expect(await other.page.getByRole('button', { name: 'Set new password' }).count()).toBe(0);
    expect(await previewStatus(link)).toBe(409);
    expect(before.errors).toEqual([]);
    expect(owner.errors).toEqual([]);
    expect(other.errors).toEqual([]);
  });

  it('is replaced by a newer one, stops working when withdrawn, and works for an owner who is signed in', async () => {
    const ownerHeaders = await ownerByApi();
    const vic = await personByApi(ownerHeaders, 'viewer', VIC);
    const { page, errors } = await visit('/');
    await openPeople(page);

    const first = await makeLinkOnPeople(page, VIC.name);
    await page.locator('.reset-created').getByRole('button', { name: 'Done' }).click();
    const second = await makeLinkOnPeople(page, VIC.name);
    expect(second).not.toBe(first);
    expect(await previewStatus(first)).toBe(409);
    expect(await previewStatus(second)).toBe(200);

    await page.getByRole('button', { name: 'Withdraw link' }).click();
    await toast(page, `Password reset link for ${VIC.name} withdrawn`).waitFor();
    await page.locator('.reset-created').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(tokenOf(second));
    expect(await previewStatus(second)).toBe(409);
    const withdrawn = await visit(pathOf(second));
    await withdrawn.page.getByText('This password reset link has been used, replaced by a newer one or has expired').waitFor();
    expect(await withdrawn.page.getByRole('link', { name: 'Sign in', exact: true }).isVisible()).toBe(true);

    // An owner, signed in, sets Vic's password with a link: the page shows, and the owner stays signed in.
    const third = await resetByApi(ownerHeaders, vic.id);
    await page.goto(third.url);
    await page.getByText(`Set a new password for ${VIC.name} (${VIC.email}).`).waitFor();
    await setPassword(page, NEW_PASSWORD);
    await page.getByText(`The new password for ${VIC.email} is set`).waitFor();
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await accountButton(page).getAttribute('aria-label')).toBe(`Account: ${OWNER.name}`);
    expect((await env.vigil.api('GET', '/api/account', undefined, vic.headers)).status).toBe(401);
    expect((await env.vigil.api('POST', '/api/session', { email: VIC.email, password: NEW_PASSWORD })).status).toBe(200);
    expect(withdrawn.errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('says when the link is cut short or not one at all', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/reset-password');
    await page.getByText('This link is incomplete: open the whole password reset link you were given, or ask the owner of this Vigil for a new one.').waitFor();
    await page.goto(`${env.base()}/reset-password#token=not-a-token`);
    await page.reload();
    await page.getByText('This password reset link has been used, replaced by a newer one or has expired').waitFor();
    expect(errors).toEqual([]);
  });
});

describe('a key above one’s role', () => {
  it('says beside Access why the server refused a write key (a role lowered to viewer while the page was open)', async () => {
    const ownerHeaders = await ownerByApi();
    const eddie = await personByApi(ownerHeaders, 'editor', EDDIE);
    const { page, errors } = await visit('/');
    await signIn(page, EDDIE.email);
    await accountButton(page).waitFor();
    await page.goto(`${env.base()}/keys`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect((await env.vigil.api('PATCH', `/api/users/${eddie.id}`, { role: 'viewer' }, ownerHeaders)).status).toBe(200);
    await page.getByLabel('Name', { exact: true }).fill('deploy script');
    await page.getByLabel('Access').selectOption('write');
    await page.getByRole('button', { name: 'Make key' }).click();
    await page.locator('[data-field="scope"] .field-error', { hasText: 'Your role (Viewer) may make read keys only' }).waitFor();
    expect(await page.getByLabel('Access').getAttribute('aria-invalid')).toBe('true');
    expect(errors).toEqual([]);
  });
});

describe('on screen', () => {
  it('shows the reset page in Korean, with none of its own words left in English', async () => {
    const ownerHeaders = await ownerByApi();
    const eddie = await personByApi(ownerHeaders, 'editor', EDDIE);
    const { url } = await resetByApi(ownerHeaders, eddie.id);
    const { page, errors } = await visit(pathOf(url), { locale: 'ko-KR' });
    await page.getByRole('heading', { name: '비밀번호 재설정' }).waitFor();
    await page.getByText(`${EDDIE.name} 님(${EDDIE.email})의 새 비밀번호를 설정하세요.`).waitFor();
    // Data (the names, the email), and names that stay as they are.
    const data = ['Eddie', 'Editor', 'eddie', 'olga', 'example', 'test', 'Vigil'];
    const english = async () => (await latinWords(page)).filter((word) => !data.includes(word));
    expect(await english()).toEqual([]);
    await page.getByLabel('새 비밀번호', { exact: true }).fill('short');
    await page.getByLabel('새 비밀번호 확인').fill('short');
    await page.getByRole('button', { name: '새 비밀번호 설정' }).click();
    await page.locator('[data-field="password"] .field-error', { hasText: '10자 이상이어야 합니다' }).waitFor();
    expect(await english()).toEqual([]);
    await saveScreenshot(page, 'password-reset-page-ko');
    await page.getByLabel('새 비밀번호', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('새 비밀번호 확인').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '새 비밀번호 설정' }).click();
    await page.getByRole('link', { name: '로그인', exact: true }).waitFor();
    expect(await english()).toEqual([]);
    await saveScreenshot(page, 'password-reset-done-ko');
    await page.goto(url);
    await page.getByText('이미 사용했거나 새 링크로 바뀌었거나 만료된 비밀번호 재설정 링크입니다', { exact: false }).waitFor();
    expect(await english()).toEqual([]);
    expect(errors).toEqual([]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical axe violation on the reset page, on People with a link shown, nor on a success toast (${scheme})`, async () => {
      const ownerHeaders = await ownerByApi();
      const eddie = await personByApi(ownerHeaders, 'editor', EDDIE);
      const found: string[] = [];
      const check = async (page: Page, name: string) => {
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        found.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await saveScreenshot(page, `password-reset-a11y-${scheme}-${name}`);
      };

      const { url } = await resetByApi(ownerHeaders, eddie.id);
      const reset = await visit(pathOf(url), { colorScheme: scheme });
      await reset.page.getByRole('button', { name: 'Set new password' }).waitFor();
      await check(reset.page, 'reset');
      await setPassword(reset.page, 'short');
      await reset.page.locator('[data-field="password"] .field-error').waitFor();
      await check(reset.page, 'reset-error');
      await setPassword(reset.page, NEW_PASSWORD);
      await reset.page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
      await check(reset.page, 'reset-done');
      await reset.page.goto(url);
      // (The same link again, in the same tab: only the address's fragment changes, and the page starts again.)
      await reset.page.getByText('This password reset link has been used').waitFor();
      await check(reset.page, 'reset-used');

      const { page, errors } = await visit('/', { colorScheme: scheme });
      await openPeople(page);
      await makeLinkOnPeople(page, EDDIE.name);
      await check(page, 'people-link');
      // A success toast, in this theme's colours.
      await page.getByRole('button', { name: 'Withdraw link' }).click();
      await toast(page, `Password reset link for ${EDDIE.name} withdrawn`).waitFor();
      await page.waitForTimeout(500); // its entrance (0.4 s): axe reads the colours it settles on
      await check(page, 'success-toast');
      expect(found).toEqual([]);
      expect(reset.errors).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  it('fits a 390 px phone: the reset page and People with a link shown run past no edge', async () => {
    const ownerHeaders = await ownerByApi();
    const eddie = await personByApi(ownerHeaders, 'editor', EDDIE);
    const found: string[] = [];
    const measure = async (page: Page, name: string) => {
      const { out, sideways } = await overflowing(page);
      found.push(...out.map((line) => `${name}: ${line}`), ...(sideways ? [`${name}: scrolls sideways`] : []));
      await saveScreenshot(page, `password-reset-390-${name}`);
    };
    const { url } = await resetByApi(ownerHeaders, eddie.id);
    const reset = await visit(pathOf(url), PHONE);
    await reset.page.getByRole('button', { name: 'Set new password' }).waitFor();
    await measure(reset.page, 'reset');
    await setPassword(reset.page, NEW_PASSWORD);
    await reset.page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await measure(reset.page, 'reset-done');

    const { page, errors } = await visit('/', PHONE);
    await signIn(page, OWNER.email);
    await accountButton(page).waitFor();
    await page.goto(`${env.base()}/people`);
    await page.locator('tr[data-user-id]').first().waitFor();
    await makeLinkOnPeople(page, EDDIE.name);
    await measure(page, 'people-link');
    expect(found).toEqual([]);
    expect(reset.errors).toEqual([]);
    expect(errors).toEqual([]);
  });
});
