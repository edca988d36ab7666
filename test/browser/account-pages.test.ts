/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readFileSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AccountUser, AuditEntry, SessionInfo } from '../../server/contract/accounts.ts';
import { codeAt, stepAt } from '../../server/auth/totp.ts';
import { signedInBy } from '../support/accounts.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { latinWords, overflowing, seriousViolations } from '../support/page-checks.ts';

/**
 * One's own account, API keys and the audit log in the dashboard, in real Chromium: a key made in
 * the page, shown once and used against the REST API, then revoked; two-factor sign-in enrolled with
 * the key the page shows, and signed in with; the password changed; an owner turning off someone's
 * two-factor sign-in on People; the audit log filtered and paged; what a viewer is shown; Korean,
 * axe, and a phone's width.
 */

const env = useBrowserTestEnv();
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a quite different passphrase';
const OWNER = { email: 'olga@example.test', name: 'Olga Owner' };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const FIRST_VISIT = { deferSetup: false };

type Headers = Record<string, string>;

/** A day within a key's longest life (5 years), as a date field takes it. */
const IN_A_YEAR = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

const toast = (page: Page, text: string | RegExp) => page.locator('[data-sonner-toast]', { hasText: text });
const accountButton = (page: Page) => page.locator('.header .account-button');
const visit = (path: string, options: BrowserContextOptions = {}) => env.open(path, { ...DESKTOP, ...options }, FIRST_VISIT);

/** The owner, made through the API from this machine. */
async function ownerByApi(): Promise<Headers> {
  const made = await env.vigil.api<SessionInfo>('POST', '/api/setup', { ...OWNER, password: PASSWORD });
  expect(made.status).toBe(201);
  return signedInBy(made, 201).headers;
}

/** Someone invited by the owner with `role`, joined through the API; their cookie and CSRF token. */
async function personByApi(owner: Headers, role: AccountUser['role'], email: string, name: string): Promise<Headers> {
  const invite = await env.vigil.api<{ token: string }>('POST', '/api/invites', { role }, owner);
  expect(invite.status).toBe(201);
  const joined = await env.vigil.api<SessionInfo>('POST', `/api/invitations/${invite.body.token}`, { email, name, password: PASSWORD });
  expect(joined.status).toBe(201);
  return signedInBy(joined, 201).headers;
}

/** Turns on two-factor sign-in through the API; answers the secret. */
async function twoFactorByApi(headers: Headers): Promise<string> {
  const begun = await env.vigil.api<{ secret: string }>('POST', '/api/account/two-factor', undefined, headers);
  expect(begun.status).toBe(200);
  const confirmed = await env.vigil.api('POST', '/api/account/two-factor/confirm', { code: codeAt(begun.body.secret, stepAt(Date.now())) }, headers);
  expect(confirmed.status).toBe(200);
  return begun.body.secret;
}

/** Signs in on the sign-in page. */
async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens the account menu and clicks one of its entries. */
async function fromAccountMenu(page: Page, entry: string) {
  await accountButton(page).click();
  await page
    .locator('#account-panel')
    .getByRole(entry.startsWith('Sign out') ? 'button' : 'link', { name: entry, exact: true })
    .click();
}

/** A request to this test's Vigil with a key, as a script sends it. */
const withKey = (key: string, method: string, path: string, body?: unknown) =>
  env.vigil.api<{ code?: string }>(method, path, body, { authorization: `Bearer ${key}` });

describe('API keys', () => {
  it('makes a key in the page, shows it once, and it works as a read key against the REST API until it is revoked', async () => {
    const ownerHeaders = await ownerByApi();
    const { page, context, errors } = await visit('/');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base() });
    await signIn(page, OWNER.email);
    await fromAccountMenu(page, 'API keys');
    const keys = page.locator('.keys-page');
    await keys.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await keys.getByText('No keys yet.').waitFor();

    // The server's refusals show beside their fields: no name, a day gone by.
    await keys.getByRole('button', { name: 'Make key' }).click();
    await keys.locator('[data-field="name"] .field-error', { hasText: 'Required' }).waitFor();
    await keys.getByLabel('Name', { exact: true }).fill('CI read');
    await keys.getByLabel('Expires (optional)').fill('2020-01-01');
    await keys.getByRole('button', { name: 'Make key' }).click();
    await keys.locator('[data-field="expiresAt"] .field-error', { hasText: 'Must be a day to come' }).waitFor();
    expect(await keys.locator('[data-field="name"] .field-error').count()).toBe(0);
    expect(await keys.getByLabel('Expires (optional)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-expiresAt');

    // A read key without expiry: shown once, selected, with a copy button and the warning.
    await keys.getByLabel('Expires (optional)').fill('');
    expect(await keys.getByLabel('Access').locator('option').allTextContents()).toEqual(['Read', 'Read and write']);
    await keys.getByRole('button', { name: 'Make key' }).click();
    const secretBox = keys.locator('#key-secret');
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    expect(await keys.locator('.key-created label').textContent()).toBe('New key · CI read · Read');
    expect(await keys.getByText('Copy it now: you will not see it again.').isVisible()).toBe(true);
    await keys.getByRole('button', { name: 'Copy key' }).click();
    await keys.locator('.invite-copied', { hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const row = keys.locator('tr[data-key-id]', { hasText: 'CI read' });
    expect(await row.locator('code').textContent()).toBe(`${secret.slice(0, 8)}…`);
    expect(await row.textContent()).toContain('Never used');
    await saveScreenshot(page, 'account-pages-key-made');

    // It works as its person, for reading only.
    expect((await withKey(secret, 'GET', '/api/endpoints')).status).toBe(200);
    const write = await withKey(secret, 'POST', '/api/endpoints', { name: 'By key', url: env.target.url('/by-key') });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('key_read_only');

    // Dismissed: gone from the page; its last use shows after a reload.
    await keys.getByRole('button', { name: 'Done' }).click();
    await secretBox.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    expect(await page.evaluate((text) => document.documentElement.outerHTML.includes(text), secret)).toBe(false);
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).toContain('from 127.0.0.1');
    expect(await row.textContent()).not.toContain('Never used');

    // A read-and-write key with an expiry, and the page left while it shows: gone too.
    await keys.getByLabel('Name', { exact: true }).fill('Deploy');
    await keys.getByLabel('Access').selectOption('write');
    await keys.getByLabel('Expires (optional)').fill(IN_A_YEAR);
    await keys.getByRole('button', { name: 'Make key' }).click();
    await secretBox.waitFor();
    const writeKey = await secretBox.inputValue();
    const deployRow = keys.locator('tr[data-key-id]', { hasText: 'Deploy' });
    expect(await deployRow.textContent()).toContain('Read and write');
    expect(await deployRow.locator('time').first().getAttribute('datetime')).toMatch(new RegExp(`^${IN_A_YEAR.slice(0, 4)}-`));
    expect((await withKey(writeKey, 'POST', '/api/endpoints', { name: 'By key', url: env.target.url('/by-key'), paused: true })).status).toBe(201);
    await fromAccountMenu(page, 'Sessions');
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    expect(await page.evaluate((text) => document.documentElement.outerHTML.includes(text), writeKey)).toBe(false);
    await page.goBack();
    await row.waitFor();
    expect(await secretBox.count()).toBe(0);

    // Revoked after asking: the key is refused from then on.
    await row.getByRole('button', { name: 'Revoke: CI read' }).click();
    expect(await row.getByText('Revoke CI read? Whatever uses it is refused from now on.').isVisible()).toBe(true);
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await toast(page, 'Key CI read revoked').waitFor();
    await row.waitFor({ state: 'detached' });
    expect((await withKey(secret, 'GET', '/api/endpoints')).status).toBe(401);
    expect((await withKey(writeKey, 'GET', '/api/endpoints')).status).toBe(200);

    // Everyone's keys, for the owner: whose each is.
    const editor = await personByApi(ownerHeaders, 'editor', 'eddie@example.test', 'Eddie Editor');
    expect((await env.vigil.api('POST', '/api/keys', { name: 'Eddie’s script' }, editor)).status).toBe(201);
    expect(await keys.locator('tr[data-key-id]', { hasText: 'Eddie’s script' }).count()).toBe(0);
    await keys.getByLabel('Everyone’s keys').check();
    const eddies = keys.locator('tr[data-key-id]', { hasText: 'Eddie’s script' });
    await eddies.waitFor();
    expect(await eddies.textContent()).toContain('eddie@example.test');
    expect(await keys.getByRole('columnheader', { name: 'Person' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'account-pages-keys-everyone');
    expect(errors).toEqual([]);
  });

  it('offers a viewer read keys only, and no audit log', async () => {
    const ownerHeaders = await ownerByApi();
    await personByApi(ownerHeaders, 'viewer', 'vic@example.test', 'Vic Viewer');
    const { page, errors } = await visit('/');
    await signIn(page, 'vic@example.test');
    await accountButton(page).click();
    const panel = page.locator('#account-panel');
    await panel.getByRole('link', { name: 'API keys' }).waitFor();
    expect(await panel.getByRole('link', { name: 'Your account' }).isVisible()).toBe(true);
    expect(await panel.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await panel.getByRole('link', { name: 'People' }).count()).toBe(0);
    await panel.getByRole('link', { name: 'API keys' }).click();
    const keys = page.locator('.keys-page');
    await keys.getByText('No keys yet.').waitFor();
    expect(await keys.getByLabel('Access').locator('option').allTextContents()).toEqual(['Read']);
    expect(await keys.getByText('As a viewer you may only read, so your keys are read keys.').isVisible()).toBe(true);
    expect(await keys.getByLabel('Everyone’s keys').count()).toBe(0);
    await keys.getByLabel('Name', { exact: true }).fill('Vic’s dashboard');
    await keys.getByRole('button', { name: 'Make key' }).click();
    await keys.locator('#key-secret').waitFor();
    expect(await keys.locator('.key-created label').textContent()).toBe('New key · Vic’s dashboard · Read');

    await page.goto(`${env.base()}/audit-log`);
    await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    expect(await page.getByText('Only an owner may do this; ask the owner.').isVisible()).toBe(true);
    expect(await page.locator('.audit-table').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('your account', () => {
  it('changes the name, enrols two-factor sign-in with the key shown, signs in with a code, changes the password, renews recovery codes and turns it off', async () => {
    const apiSession = await ownerByApi();
    const { page, errors } = await visit('/');
    await signIn(page, OWNER.email);
    await fromAccountMenu(page, 'Your account');
    const account = page.locator('.account-page');
    await account.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await account.locator('.account-facts').innerText()).toMatch(/olga@example\.test[\s\S]*Owner/);

    // The name: saved, and the header's menu follows.
    await account.getByLabel('Name', { exact: true }).fill('Olga O.');
    await account.getByRole('button', { name: 'Save name' }).click();
    await toast(page, 'Name saved').waitFor();
    await expect.poll(() => accountButton(page).getAttribute('aria-label')).toBe('Account: Olga O.');

    // Two-factor sign-in: off; turned on with the key typed into an app (here: computed from it).
    expect(await account.getByText('Off. With it on, signing in asks for a code').isVisible()).toBe(true);
    await account.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const shown = account.locator('#tfa-secret');
    await shown.waitFor();
    const grouped = (await shown.textContent())!;
    expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4})+$/);
    const secret = grouped.replace(/ /g, '');
    const link = account.locator('a.tfa-link');
    expect(await link.getAttribute('href')).toBe(`otpauth://totp/Vigil:olga%40example.test?secret=${secret}&issuer=Vigil&algorithm=SHA1&digits=6&period=30`);
    expect(await account.locator('canvas, svg, img').count()).toBe(0);
    await saveScreenshot(page, 'account-pages-two-factor-enrol');
    await account.getByLabel('6-digit code').fill('000000');
    await account.getByRole('button', { name: 'Turn on', exact: true }).click();
    await account.locator('[data-field="code"] .field-error', { hasText: 'Not the code the app shows now' }).waitFor();
    const step = stepAt(Date.now());
    await account.getByLabel('6-digit code').fill(codeAt(secret, step));
    await account.getByRole('button', { name: 'Turn on', exact: true }).click();

    // The recovery codes, once: to copy or download; gone once dismissed.
    const codes = account.locator('.tfa-code-list li');
    await expect.poll(() => codes.count()).toBe(10);
    const recoveryCodes = await codes.allTextContents();
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(await account.getByText('you will not see them again').isVisible()).toBe(true);
    const download = account.getByRole('link', { name: 'Download as text' });
    expect(await download.getAttribute('download')).toBe('vigil-recovery-codes.txt');
    const [downloaded] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(downloaded.suggestedFilename()).toBe('vigil-recovery-codes.txt');
    const file = readFileSync(await downloaded.path(), 'utf8');
    for (const code of recoveryCodes) expect(file).toContain(code);
    await toast(page, 'Two-factor sign-in is on').waitFor();
    await saveScreenshot(page, 'account-pages-recovery-codes');
    await account.getByRole('button', { name: 'I have saved them' }).click();
    await codes.first().waitFor({ state: 'detached' });
    expect(await page.evaluate((text) => document.documentElement.outerHTML.includes(text), recoveryCodes[0]!)).toBe(false);
    expect(await account.getByText('Recovery codes left: 10').isVisible()).toBe(true);
    expect((await env.vigil.api<AccountUser>('GET', '/api/account', undefined, apiSession)).body.twoFactor).toBe(true);

    // Signed out and in again: the password, then a code from the app (the next step's: the last is spent).
    await fromAccountMenu(page, 'Sign out');
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    await signIn(page, OWNER.email);
    await page.getByLabel('Code from your authenticator app').fill(codeAt(secret, Math.max(step, stepAt(Date.now())) + 1));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${env.base()}/account`);
    await account.getByText('Recovery codes left: 10').waitFor();

    // The password: the current one is asked; a new one signs out the other sessions.
    await account.getByLabel('Current password').fill('not my password at all');
    await account.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await account.getByLabel('New password again').fill(NEW_PASSWORD);
    await account.getByRole('button', { name: 'Change password' }).click();
    await account.locator('[data-field="currentPassword"] .field-error', { hasText: 'This is not your password' }).waitFor();
    await account.getByLabel('Current password').fill(PASSWORD);
    await account.getByRole('button', { name: 'Change password' }).click();
    await toast(page, 'Password changed. Your other sessions were signed out.').waitFor();
    expect(await account.getByLabel('Current password').inputValue()).toBe('');
    expect((await env.vigil.api<SessionInfo>('GET', '/api/session', undefined, apiSession)).body.via).toBeNull();
    const oldPassword = await env.vigil.api<{ code: string }>('POST', '/api/session', { email: OWNER.email, password: PASSWORD });
    expect(oldPassword.status).toBe(401);
    expect(oldPassword.body.code).toBe('invalid_credentials');
    // This browser stays signed in.
    await page.reload();
    await account.getByText('Recovery codes left: 10').waitFor();

    // New recovery codes, with the password.
    await account.getByRole('button', { name: 'New recovery codes' }).click();
    const passwordAgain = account.getByLabel('Your password, to make new recovery codes');
    await passwordAgain.fill(PASSWORD);
    await account.getByRole('button', { name: 'Make new codes' }).click();
    await account.locator('[data-field="tfa-password"] .field-error', { hasText: 'This is not your password' }).waitFor();
    await passwordAgain.fill(NEW_PASSWORD);
    await account.getByRole('button', { name: 'Make new codes' }).click();
    await expect.poll(() => codes.count()).toBe(10);
    expect(await codes.allTextContents()).not.toContain(recoveryCodes[1]);
    await account.getByRole('button', { name: 'I have saved them' }).click();

    // Turned off, with the password.
    await account.getByRole('button', { name: 'Turn off', exact: true }).click();
    await account.getByLabel('Your password, to turn off two-factor sign-in').fill(NEW_PASSWORD);
    await account.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await toast(page, 'Two-factor sign-in is off').waitFor();
    await account.getByRole('button', { name: 'Turn on two-factor sign-in' }).waitFor();
    const signIn2 = await env.vigil.api<SessionInfo>('POST', '/api/session', { email: OWNER.email, password: NEW_PASSWORD });
    expect(signIn2.status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('lets the owner turn off two-factor sign-in for someone who lost their phone, on People', async () => {
    const ownerHeaders = await ownerByApi();
    const editor = await personByApi(ownerHeaders, 'editor', 'eddie@example.test', 'Eddie Editor');
    await personByApi(ownerHeaders, 'viewer', 'vic@example.test', 'Vic Viewer');
    await twoFactorByApi(editor);
    const { page, errors } = await visit('/');
    await signIn(page, OWNER.email);
    await fromAccountMenu(page, 'People');
    const eddie = page.locator('tr[data-user-id]', { hasText: 'Eddie Editor' });
    await eddie.waitFor();
    expect(await eddie.locator('.tfa-mark').textContent()).toBe('2FA');
    expect(await eddie.locator('.tfa-mark').getAttribute('title')).toBe('Two-factor sign-in is on');
    expect(await page.locator('tr[data-user-id]', { hasText: 'Vic Viewer' }).locator('.tfa-mark').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Turn off two-factor: Vic Viewer' }).count()).toBe(0);
    await eddie.getByRole('button', { name: 'Turn off two-factor: Eddie Editor' }).click();
    expect(await eddie.getByText('For someone who lost their phone').isVisible()).toBe(true);
    await saveScreenshot(page, 'account-pages-people-two-factor');
    await eddie.getByRole('button', { name: 'Yes, turn off' }).click();
    await toast(page, 'Two-factor sign-in is off for Eddie Editor').waitFor();
    await eddie.locator('.tfa-mark').waitFor({ state: 'detached' });
    const people = await env.vigil.api<{ items: AccountUser[] }>('GET', '/api/users', undefined, ownerHeaders);
    expect(people.body.items.find((p) => p.email === 'eddie@example.test')?.twoFactor).toBe(false);
    // Eddie signs in with the password alone.
    expect((await env.vigil.api('POST', '/api/session', { email: 'eddie@example.test', password: PASSWORD })).status).toBe(200);
    expect(errors).toEqual([]);
  });
});

describe('audit log', () => {
  it('lists what was done, in words; filters by action and person; loads more', async () => {
    const ownerHeaders = await ownerByApi();
    const editor = await personByApi(ownerHeaders, 'editor', 'eddie@example.test', 'Eddie Editor');
    expect((await env.vigil.api('POST', '/api/keys', { name: 'Eddie’s script' }, editor)).status).toBe(201);
    // More entries than a page holds (50).
    for (let i = 1; i <= 52; i++) {
      const made = await env.vigil.api(
        'POST',
        '/api/endpoints',
        { name: `Service ${i}`, url: env.target.url(`/s${i}`), intervalSeconds: 3600, paused: true },
        ownerHeaders,
      );
      expect(made.status).toBe(201);
    }
    const all = await env.vigil.api<{ items: AuditEntry[] }>('GET', '/api/audit-log?limit=500', undefined, ownerHeaders);
    const total = all.body.items.length;
    expect(total).toBeGreaterThan(55);

    const { page, errors } = await visit('/');
    await signIn(page, OWNER.email);
    await fromAccountMenu(page, 'Audit log');
    const audit = page.locator('.audit-page');
    await audit.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = audit.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    // Newest first: this sign-in.
    const newest = rows.first();
    expect(await newest.getAttribute('data-action')).toBe('session.signed-in');
    expect(await newest.locator('.audit-action').textContent()).toBe('Signed in');
    expect(await newest.locator('.audit-kind').textContent()).toBe('Session');
    const created = audit.locator('tr[data-action="endpoint.created"]', { hasText: 'Service 52' });
    expect(await created.locator('.audit-action').textContent()).toBe('Added an endpoint');
    expect(await created.locator('.audit-thing').textContent()).toBe('Endpoint Service 52');
    expect(await created.locator('.audit-details').textContent()).toContain('fields: name, url, intervalSeconds, paused');
    expect(await created.locator('.audit-who').textContent()).toContain(OWNER.email);
    await saveScreenshot(page, 'account-pages-audit-log');

    await audit.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(total + 1);
    expect(await audit.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await audit.locator('tr[data-action="account.owner-created"] .audit-action').textContent()).toBe('Set up Vigil (the owner)');

    // By action: only those rows, and the URL keeps the filter.
    await audit.getByLabel('Action').selectOption({ label: 'Made an API key' });
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-action')).toBe('key.created');
    expect(await rows.first().locator('.audit-thing').textContent()).toBe('API key Eddie’s script');
    expect(new URL(page.url()).searchParams.get('action')).toBe('key.created');
    // By person: the owner made no key.
    await audit.getByLabel('Who').selectOption({ label: `${OWNER.name} (${OWNER.email})` });
    await audit.getByText('No entries match these filters.').waitFor();
    await audit.getByLabel('Who').selectOption({ label: 'Eddie Editor (eddie@example.test)' });
    await expect.poll(() => rows.count()).toBe(1);
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await audit.getByLabel('Action').inputValue()).toBe('key.created');
    // Days: the first after the last is said, and nothing asked.
    await audit.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(50);
    await audit.getByLabel('From').fill('2030-01-02');
    await audit.getByLabel('To').fill('2030-01-01');
    await audit.getByText('The first day is after the last: nothing to show.').waitFor();
    expect(errors).toEqual([]);
  });
});

describe('on screen', () => {
  /** Signs in as the owner with a key made, and opens each new page in a state that shows the most. */
  async function eachPage(page: Page, visitPage: (name: string) => Promise<void>) {
    await signIn(page, OWNER.email);
    await accountButton(page).waitFor();
    await page.goto(`${env.base()}/account`);
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.locator('#tfa-secret').waitFor();
    await visitPage('account');
    await page.goto(`${env.base()}/keys`);
    await page.getByLabel('Name', { exact: true }).fill('A key with a rather long name for a deploy script');
    await page.getByLabel('Access').selectOption('write');
    await page.getByLabel('Expires (optional)').fill(IN_A_YEAR);
    await page.getByRole('button', { name: 'Make key' }).click();
    await page.locator('#key-secret').waitFor();
    await visitPage('keys');
    await page.goto(`${env.base()}/audit-log`);
    await page.locator('.audit-table tbody tr').first().waitFor();
    await visitPage('audit-log');
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical axe violation on the account, keys and audit log pages (${scheme})`, async () => {
      const headers = await ownerByApi();
      await personByApi(headers, 'editor', 'eddie@example.test', 'Eddie Editor');
      const { page, errors } = await visit('/', { colorScheme: scheme });
      const found: string[] = [];
      await eachPage(page, async (name) => {
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 8000 }).toBe(0);
        found.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await saveScreenshot(page, `account-pages-a11y-${scheme}-${name}`);
      });
      expect(found).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  it('fits a 390 px phone: no element of the new pages runs past the screen', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/', PHONE);
    const found: string[] = [];
    await eachPage(page, async (name) => {
      const { out, sideways } = await overflowing(page);
      found.push(...out.map((line) => `${name}: ${line}`), ...(sideways ? [`${name}: scrolls sideways`] : []));
      await saveScreenshot(page, `account-pages-390-${name}`);
    });
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the account and keys pages in Korean, with none of their own words left in English', async () => {
    await ownerByApi();
    const { page, errors } = await visit('/', { locale: 'ko-KR' });
    await page.getByLabel('이메일').fill(OWNER.email);
    await page.getByLabel('비밀번호').fill(PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await accountButton(page).click();
    await page.locator('#account-panel').getByRole('link', { name: '내 계정' }).click();
    await page.getByRole('heading', { name: '내 계정' }).waitFor();
    await page.getByRole('button', { name: '2단계 인증 켜기' }).waitFor();
    // Data (the email, the name), and names that stay as they are.
    const data = ['olga', 'example', 'test', 'Olga', 'Owner', 'Vigil'];
    expect((await latinWords(page)).filter((word) => !data.includes(word))).toEqual([]);
    await saveScreenshot(page, 'account-pages-account-ko');
    await page.getByRole('button', { name: '2단계 인증 켜기' }).click();
    await page.locator('#tfa-secret').waitFor();
    const secret = (await page.locator('#tfa-secret').textContent())!.replace(/ /g, '');
    const apps = [
      'Google',
      'Authenticator',
      'Microsoft',
      'Password',
      'Authy',
      'TOTP',
      'otpauth',
      'totp',
      'secret',
      'issuer',
      'algorithm',
      'SHA',
      'digits',
      'period',
    ];
    expect((await latinWords(page)).filter((word) => ![...data, ...apps].includes(word) && !secret.includes(word))).toEqual([]);
    await saveScreenshot(page, 'account-pages-two-factor-ko');

    await accountButton(page).click();
    await page.locator('#account-panel').getByRole('link', { name: 'API 키' }).click();
    await page.getByRole('heading', { name: 'API 키', exact: true }).waitFor();
    await page.getByText('아직 키가 없습니다.').waitFor();
    expect((await latinWords(page)).filter((word) => !['API', 'Vigil', 'Authorization', 'Bearer'].includes(word))).toEqual([]);
    await saveScreenshot(page, 'account-pages-keys-ko');
    expect(errors).toEqual([]);
  });
});
