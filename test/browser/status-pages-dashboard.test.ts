/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Status pages, incident updates and uptime reports in the dashboard, used as a person would: a
 * page made through the form with two sections (one of chosen endpoints, one of a tag; a third
 * added, moved and removed), the browser's and the API's errors at their fields, listed, opened at
 * its public address showing its endpoints, protected by a password that an edit keeps; an update
 * posted on an incident page and seen in its timeline (others' live), edited and deleted; webhook
 * subscriptions turned on (email refused without SMTP_URL, at its field), and the card's subscribers
 * panel (read when opened: a confirmed webhook, Load more, one kind, a row removed); the
 * reports page with a row per endpoint, its presets and filters, a CSV link that answers text/csv
 * and a print layout without the controls; the endpoint's SLA target; all of it in Korean and on a
 * 390 px phone without sideways scrolling.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { IncidentUpdate, StatusPage, StatusPageSubscriber, SubscriberWebhookBody, UptimeReport } from '../../server/contract/status-pages.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';
import { seedMonitoringStory } from '../support/ui-fixtures.ts';

// Subscribers' webhooks may reach this machine (the test's receiver listens on 127.0.0.1).
const env = useBrowserTestEnv({ ALLOWED_TARGETS: '127.0.0.1' });
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const fieldError = (page: Page, name: string) => page.locator(`[data-field="${name}"] .field-error`);
const card = (page: Page, title: string) => page.locator('.sp-item', { has: page.locator('h3', { hasText: title }) });
const toastsGone = (page: Page) => expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);

/** Two database endpoints (tag db) beside the monitoring story's three, each checked once. */
async function seedEndpoints() {
  const story = await seedMonitoringStory(env);
  env.target.setMode('/db', { kind: 'ok' });
  const orders = await env.createEndpoint({ path: '/db', name: 'Orders DB', paused: true, tags: ['db'] });
  const inventory = await env.createEndpoint({ path: '/db', name: 'Inventory DB', paused: true, tags: ['db'] });
  for (const e of [orders, inventory]) expect((await env.vigil.api('POST', `/api/endpoints/${e.id}/check`)).status).toBe(200);
  return { ...story, orders, inventory };
}

/**
 * A subscriber's webhook on 127.0.0.1: each POST answered 200 text/plain with the `challenge` of the
 * JSON it got (how Vigil confirms a webhook); what it got kept in `bodies`. Close it when done.
 */
async function startHookReceiver() {
  const bodies: (SubscriberWebhookBody & { path: string })[] = [];
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      let body: Partial<SubscriberWebhookBody> = {};
      try {
        body = JSON.parse(raw);
      } catch {
        /* not JSON: nothing to echo */
      }
      bodies.push({ ...(body as SubscriberWebhookBody), path: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(typeof body.challenge === 'string' ? body.challenge : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    bodies,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The page's header on one row, and nothing of it or of `main` scrolling sideways. */
async function expectNoOverflow(page: Page, what: string) {
  const layout = await page.evaluate(() => ({
    header: document.querySelector('.header')!.getBoundingClientRect().height,
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
    sideways: [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  }));
  expect(layout.header, `${what}: header height`).toBeLessThanOrEqual(64);
  expect(layout.scrollWidth, `${what}: page width`).toBeLessThanOrEqual(layout.innerWidth);
  expect(layout.sideways, `${what}: boxes scrolling sideways`).toEqual([]);
}

describe('status pages in the dashboard', () => {
  it('makes a page with two sections through the form (errors at their fields), lists it, opens it at its address, protects it with a password an edit keeps, and deletes it', async () => {
    const seeded = await seedEndpoints();
    const { page, errors } = await env.open('/', DESKTOP);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Status pages' }).click();
    await page.locator('#sp-title').waitFor();
    expect(await nav.getByRole('link', { name: 'Status pages' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.empty').innerText()).toBe('No status pages yet. Make one to tell your users how your services are doing.');
    // Every link of the header on one row at 1280 px.
    await expectNoOverflow(page, 'list');
    await page.getByRole('link', { name: '+ New status page' }).click();
    await page.locator('#f-title').waitFor();
    expect(await page.locator('#form-title').innerText()).toBe('New status page');

    // Caught in the browser: no title, no address, a section without a name or endpoints.
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect.poll(() => fieldError(page, 'title').innerText()).toBe('Required');
    expect(await fieldError(page, 'slug').innerText()).toBe('Required');
    expect(await fieldError(page, 'sections-0-name').innerText()).toBe('Required');
    expect(await fieldError(page, 'sections-0-endpointIds').innerText()).toBe('Choose at least one endpoint');
    expect(await page.locator('.form-error').innerText()).toBe('Please fix the highlighted fields.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-title');

    // The title suggests the address until one is typed.
    await page.locator('#f-title').fill('Acme — Public Status');
    expect(await page.locator('#f-slug').inputValue()).toBe('acme-public-status');
    expect(await page.locator('#f-slug-hint').innerText()).toBe('The page is at /status/acme-public-status: lowercase letters, digits and hyphens');
    await page.locator('#f-slug').fill('api');
    await page.locator('#f-title').fill('Acme Status');
    expect(await page.locator('#f-slug').inputValue()).toBe('api');
    await page.locator('#f-description').fill('How Acme is doing.\nUpdated every minute.');

    // Section 1: chosen endpoints.
    const shop = page.locator('.sp-section').nth(0);
    await page.locator('#f-sections-0-name').fill('Shop');
    await shop.getByRole('checkbox', { name: 'Checkout API' }).check();
    await shop.getByRole('checkbox', { name: 'Payments gateway (EU, primary region)' }).check();
    expect(await page.locator('#f-sections-0-endpointIds-count').innerText()).toBe('2 chosen');
    // Section 2: every endpoint with a tag.
    await page.getByRole('button', { name: '+ Add section' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-sections-1-name');
    await page.locator('#f-sections-1-name').fill('Databases');
    await page.locator('#f-sections-1-kind-tag').check();
    await page.locator('#f-sections-1-tag').selectOption('db');
    expect(await page.locator('#f-sections-1-tag-hint').innerText()).toBe('Endpoints with this tag, now or added later, by name · 2 endpoints have it now');
    // A third, moved up above the second, then removed.
    await page.getByRole('button', { name: '+ Add section' }).click();
    await page.locator('#f-sections-2-name').fill('Scratch');
    await page.getByRole('button', { name: 'Move section 3 up' }).click();
    expect(await page.locator('#f-sections-1-name').inputValue()).toBe('Scratch');
    expect(await page.locator('#f-sections-2-name').inputValue()).toBe('Databases');
    expect(await page.locator('#f-sections-2-tag').inputValue()).toBe('db');
    expect(await page.getByRole('button', { name: 'Move section 1 up' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Move section 3 down' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Remove section 2' }).click();
    expect(await page.locator('.sp-section').count()).toBe(2);
    expect(await page.locator('#f-sections-1-name').inputValue()).toBe('Databases');
    await page.getByRole('switch', { name: 'Show response times' }).check();
    await page.locator('#f-footer').fill('Questions? ops@example.com');

    // The API's: a reserved address, at its field.
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect.poll(() => fieldError(page, 'slug').innerText()).toBe('Reserved for the pages’ own paths: choose another');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-slug');
    expect(await fieldError(page, 'title').count()).toBe(0);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'status-pages-form-errors');

    await page.locator('#f-slug').fill('acme');
    await page.getByRole('button', { name: 'Create page' }).click();
    await page.locator('#sp-title').waitFor();
    await expect.poll(() => page.locator('[data-sonner-toast]').first().innerText()).toContain('Status page “Acme Status” created');
    const [stored] = (await env.vigil.api<{ items: StatusPage[] }>('GET', '/api/status-pages')).body.items;
    expect(stored).toMatchObject({
      slug: 'acme',
      title: 'Acme Status',
      description: 'How Acme is doing.\nUpdated every minute.',
      logoUrl: null,
      sections: [
        { name: 'Shop', endpointIds: [seeded.up.id, seeded.down.id], tag: null },
        { name: 'Databases', endpointIds: [], tag: 'db' },
      ],
      visibility: 'public',
      password: null,
      customDomain: null,
      footer: 'Questions? ops@example.com',
      showResponseTimes: true,
      defaultLanguage: null,
      subscriptions: { email: false, webhook: false },
      url: '/status/acme',
    });

    // Listed: who can see it, where, what it shows.
    const acme = card(page, 'Acme Status');
    expect(await acme.locator('.sp-visibility').innerText()).toBe('🌐 Public');
    expect(await acme.locator('.sp-facts').innerText()).toBe(
      'Address\n/status/acme\nCustom domain\nNone\nShows\n4 endpoints · 2 sections\nLanguage\nThe visitor’s browser\nResponse times\nShown (24 h average)',
    );
    const open = acme.getByRole('link', { name: 'Open page Acme Status (new tab)' });
    expect(await open.getAttribute('href')).toBe('/status/acme');
    expect(await open.getAttribute('target')).toBe('_blank');
    await toastsGone(page);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'status-pages-list');

    // Opened in a new tab: the server's page, with the endpoints of both sections and no other.
    const [publicPage] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await publicPage.waitForLoadState();
    expect(new URL(publicPage.url()).pathname).toBe('/status/acme');
    const text = await publicPage.locator('body').innerText();
    for (const name of ['Acme Status', 'Checkout API', 'Payments gateway (EU, primary region)', 'Orders DB', 'Inventory DB']) expect(text).toContain(name);
    expect(text).not.toContain('Search');
    await saveScreenshot(publicPage, 'status-pages-public');
    await publicPage.close();

    // Protected by a password; an edit that leaves the field empty keeps it.
    await acme.getByRole('link', { name: 'Edit: Acme Status' }).click();
    await expect.poll(() => page.locator('#f-title').inputValue()).toBe('Acme Status');
    expect(await page.locator('#f-slug').inputValue()).toBe('acme');
    expect(await page.locator('#f-sections-0-endpointIds-count').innerText()).toBe('2 chosen');
    expect(await page.locator('#f-sections-1-tag').inputValue()).toBe('db');
    await page.getByRole('radio', { name: 'Protected by a password' }).check();
    await page.locator('#f-password').fill('short');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => fieldError(page, 'password').innerText()).toBe('From 8 to 200 characters');
    await page.locator('#f-password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#sp-title').waitFor();
    await expect.poll(() => acme.locator('.sp-visibility').innerText()).toBe('🔒 Password');
    expect((await env.vigil.api<StatusPage>('GET', `/api/status-pages/${stored!.id}`)).body.password).toBe('(secret)');
    await acme.getByRole('link', { name: 'Edit: Acme Status' }).click();
    await expect.poll(() => page.locator('#f-password').getAttribute('placeholder')).toBe('•••••• stored');
    expect(await page.locator('#f-password').inputValue()).toBe('');
    expect(await page.locator('#f-password-hint').innerText()).toBe('Stored — leave empty to keep it, or type a new one');
    await page.locator('#f-title').fill('Acme status');
    await page.getByRole('button', { name: 'Save' }).click();
    await card(page, 'Acme status').waitFor();
    expect((await env.vigil.api<StatusPage>('GET', `/api/status-pages/${stored!.id}`)).body).toMatchObject({ title: 'Acme status', password: '(secret)' });
    // The public page now asks for it (read from outside the dashboard).
    expect((await fetch(`${env.base()}/status/acme`)).status).toBe(401);

    // Deleted, asked first.
    const renamed = card(page, 'Acme status');
    await renamed.getByRole('button', { name: 'Delete: Acme status' }).click();
    expect(await renamed.locator('.confirm > span').innerText()).toBe('Delete “Acme status”? Its address stops working.');
    await renamed.getByRole('button', { name: 'Yes, delete' }).click();
    await page.locator('.empty').waitFor();
    expect((await env.vigil.api<{ items: StatusPage[] }>('GET', '/api/status-pages')).body.items).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('follows pages another client adds, changes and deletes, and shows a taken address and a section’s API error at their fields', async () => {
    const seeded = await seedEndpoints();
    const { page, errors } = await env.open('/status-pages', DESKTOP);
    await page.locator('.empty').waitFor();
    const created = await env.vigil.api<StatusPage>('POST', '/api/status-pages', {
      slug: 'ops',
      title: 'Ops',
      sections: [{ name: 'All', endpointIds: [seeded.up.id, seeded.recovered.id] }],
      customDomain: 'status.example.com',
      defaultLanguage: 'ko',
    });
    expect(created.status).toBe(201);
    const ops = card(page, 'Ops');
    await ops.waitFor();
    expect(await ops.locator('.sp-domain').innerText()).toBe('status.example.com');
    expect(await ops.locator('.sp-count').innerText()).toBe('2 endpoints · 1 section');
    expect(await ops.locator('.sp-language').innerText()).toBe('한국어');
    await env.vigil.api('PATCH', `/api/status-pages/${created.body.id}`, { title: 'Operations' });
    await card(page, 'Operations').waitFor();

    // A new page on the same address: the conflict at its field.
    await page.getByRole('link', { name: '+ New status page' }).click();
    await page.locator('#f-title').fill('Ops');
    await page.locator('#f-sections-0-name').fill('Shop');
    await page.locator('.sp-section').getByRole('checkbox', { name: 'Checkout API' }).check();
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect.poll(() => fieldError(page, 'slug').innerText()).toBe('Another status page has this address');
    // An error the API gives at a section's endpoint (another instance deleted it meanwhile): at that section's picker.
    await page.route('**/api/status-pages', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: 'sections.0.endpointIds.0: is not an endpoint',
          code: 'invalid_input',
          errors: [{ path: 'sections.0.endpointIds.0', message: 'is not an endpoint', code: 'unknown_endpoint', params: { id: seeded.up.id } }],
        }),
      }),
    );
    await page.locator('#f-slug').fill('ops-2');
    await page.getByRole('button', { name: 'Create page' }).click();
    await expect.poll(() => fieldError(page, 'sections-0-endpointIds').innerText()).toBe('An endpoint chosen no longer exists');
    expect(await fieldError(page, 'slug').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-sections-0-endpointIds');
    await page.unroute('**/api/status-pages');
    await page.getByRole('link', { name: 'Cancel' }).click();

    await env.vigil.api('DELETE', `/api/status-pages/${created.body.id}`);
    await page.locator('.empty').waitFor();
    expect(errors).toEqual([]);
  });

  it('turns webhook subscriptions on (email refused without SMTP_URL, at its field), and lists, pages, filters and removes subscribers in the card’s panel, read when opened', async () => {
    env.target.setMode('/ok', { kind: 'ok' });
    const checkout = await env.createEndpoint({ path: '/ok', name: 'Checkout API', paused: true });
    const created = await env.vigil.api<StatusPage>('POST', '/api/status-pages', {
      slug: 'acme',
      title: 'Acme Status',
      sections: [{ name: 'Shop', endpointIds: [checkout.id] }],
    });
    expect(created.status).toBe(201);
    expect(created.body.subscriptions).toEqual({ email: false, webhook: false });
    const pageId = created.body.id;
    const listSubscribers = async () =>
      (await env.vigil.api<{ items: StatusPageSubscriber[]; nextCursor: string | null }>('GET', `/api/status-pages/${pageId}/subscribers`)).body.items;

    const { page, errors } = await env.open('/status-pages', DESKTOP);
    const subscriberReads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/subscribers')) subscriberReads.push(request.url());
    });
    const acme = card(page, 'Acme Status');
    await acme.waitFor();
    // Nothing offered yet: no Subscriptions line; the panel says how to get subscribers.
    expect(await acme.locator('.sp-subscribable').count()).toBe(0);
    const toggle = acme.getByRole('button', { name: 'Subscribers of Acme Status' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(subscriberReads).toEqual([]);
    await toggle.click();
    const panel = acme.locator('.sp-subs');
    await expect
      .poll(() => panel.locator('.sp-subs-empty').innerText())
      .toBe('No subscribers. Visitors can subscribe once email or webhook subscriptions are turned on (Edit).');
    expect(subscriberReads).toHaveLength(1);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await panel.getAttribute('aria-labelledby')).toBe(await toggle.getAttribute('id'));
    await toggle.click();
    expect(await panel.count()).toBe(0);

    // The form: RSS/Atom always on, email and webhook off.
    await acme.getByRole('link', { name: 'Edit: Acme Status' }).click();
    await expect.poll(() => page.locator('#f-title').inputValue()).toBe('Acme Status');
    const email = page.getByRole('checkbox', { name: 'Email (double opt-in; needs SMTP_URL)' });
    const webhook = page.getByRole('checkbox', { name: 'Webhook (the URL must echo a challenge)' });
    expect(await page.locator('.sp-subscriptions legend').innerText()).toBe('Subscriptions');
    expect(await page.locator('#f-subscriptions-hint').innerText()).toBe(
      'RSS and Atom feeds are always on (/status/acme/feed.rss and /feed.atom). Visitors may also subscribe by:',
    );
    expect([await email.isChecked(), await webhook.isChecked()]).toEqual([false, false]);
    // Email on a server without SMTP_URL: the API's refusal at that box.
    await email.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => fieldError(page, 'subscriptions-email').innerText())
      .toBe('This server has no mail server (SMTP_URL): email subscriptions cannot be turned on');
    expect(await page.locator('.form-error').innerText()).toBe('Please fix the highlighted fields.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-subscriptions-email');
    expect((await env.vigil.api<StatusPage>('GET', `/api/status-pages/${pageId}`)).body.subscriptions).toEqual({ email: false, webhook: false });
    // Webhook instead.
    await email.uncheck();
    await webhook.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#sp-title').waitFor();
    expect((await env.vigil.api<StatusPage>('GET', `/api/status-pages/${pageId}`)).body.subscriptions).toEqual({ email: false, webhook: true });
    await expect.poll(() => acme.locator('.sp-subscribable').innerText()).toBe('Webhook');
    await toastsGone(page);

    // Two webhooks subscribe on the public page; each echoes its challenge and is confirmed.
    const receiver = await startHookReceiver();
    try {
      const hooks = [receiver.url('/hook'), receiver.url(`/hook/a-rather-long-path/${'x'.repeat(80)}?token=abc`)];
      for (const webhookUrl of hooks) {
        const subscribed = await fetch(`${env.base()}/status/acme/subscribe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ webhookUrl }),
        });
        expect(subscribed.status, await subscribed.clone().text()).toBeLessThan(300);
      }
      await expect
        .poll(async () => (await listSubscribers()).map((s) => [s.target, s.confirmedAt !== null]), { timeout: 10_000 })
        .toEqual([
          [hooks[1], true],
          [hooks[0], true],
        ]);
      const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
      expect(receiver.bodies.map((b) => [b.path, b.type]).sort()).toEqual(hooks.map((url) => [pathOf(url), 'subscription.confirm']).sort());
      const [newest, oldest] = await listSubscribers();

      // Opened: a page of one at a time (the limit rewritten), newest first, then Load more.
      await page.route('**/api/status-pages/*/subscribers?*', (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('limit', '1');
        return route.continue({ url: url.href });
      });
      await acme.getByRole('button', { name: 'Subscribers of Acme Status' }).click();
      const rows = panel.locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await panel.locator('thead th').allInnerTexts()).toEqual(['Email or URL', 'Kind', 'State', 'Subscribed', 'Last delivered', 'Failed', 'Remove']);
      const row = (s: StatusPageSubscriber) => panel.locator(`tr[data-subscriber-id="${s.id}"]`);
      expect(await row(newest!).locator('.sp-sub-target-text').getAttribute('title')).toBe(hooks[1]);
      expect(await row(newest!).locator('.sp-sub-kind').innerText()).toBe('⚡ Webhook');
      expect(await row(newest!).locator('.sp-sub-state').innerText()).toBe('Confirmed');
      expect(await row(newest!).locator('.sp-sub-delivered').innerText()).toBe('Never');
      expect(await row(newest!).locator('.sp-sub-failed').innerText()).toBe('0');
      expect(await row(newest!).locator('.sp-sub-created time').getAttribute('datetime')).toBe(newest!.createdAt);
      // The long URL ellipsized within its cell.
      const target = await row(newest!)
        .locator('.sp-sub-target-text')
        .evaluate((el) => ({ clipped: el.scrollWidth > el.clientWidth, overflow: getComputedStyle(el).textOverflow }));
      expect(target).toEqual({ clipped: true, overflow: 'ellipsis' });
      await panel.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-subscriber-id')))).toEqual([newest!.id, oldest!.id]);
      expect(await row(oldest!).locator('.sp-sub-target-text').innerText()).toBe(hooks[0]);
      expect(await panel.getByRole('button', { name: 'Load more' }).count()).toBe(0);
      expect(subscriberReads.slice(1).map((url) => new URL(url).searchParams.has('cursor'))).toEqual([false, true]);
      await page.unroute('**/api/status-pages/*/subscribers?*');
      // One kind: no email subscribers; back to all.
      await acme.getByRole('radio', { name: 'Email' }).check();
      await expect.poll(() => panel.locator('.sp-subs-empty').innerText()).toBe('No email subscribers.');
      expect(new URL(subscriberReads.at(-1)!).searchParams.get('kind')).toBe('email');
      await acme.getByRole('radio', { name: 'All' }).check();
      await expect.poll(() => rows.count()).toBe(2);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, 'status-pages-subscribers');

      // Removed, asked first: gone from the panel and from the API.
      await row(oldest!)
        .getByRole('button', { name: `Remove: ${hooks[0]}` })
        .click();
      expect(await row(oldest!).locator('.confirm > span').innerText()).toBe(`Remove ${hooks[0]}? It gets no more notices.`);
      await row(oldest!).getByRole('button', { name: 'Yes, remove' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      await expect.poll(() => page.locator('[data-sonner-toast]').first().innerText()).toContain(`Subscriber ${hooks[0]} removed`);
      expect((await listSubscribers()).map((s) => s.id)).toEqual([newest!.id]);

      // On a 390 px phone, in Korean: the panel's rows stacked, nothing running off sideways.
      const phone = await env.open('/status-pages', { ...PHONE, locale: 'ko-KR' });
      const phoneCard = card(phone.page, 'Acme Status');
      await phoneCard.getByRole('button', { name: 'Acme Status의 구독자' }).click();
      const phoneRow = phoneCard.locator(`tr[data-subscriber-id="${newest!.id}"]`);
      await phoneRow.waitFor();
      expect(await phoneRow.locator('.sp-sub-state').innerText()).toBe('확인됨');
      expect(await phoneCard.locator('.sp-subscribable').innerText()).toBe('웹훅');
      await phoneRow.getByRole('button', { name: `삭제: ${hooks[1]}` }).click();
      await expectNoOverflow(phone.page, 'subscribers 390');
      await expectLaidOut(phone.page, '.sp-subs-head, .sp-subs-table tbody tr');
      expect(await seriousViolations(phone.page)).toEqual([]);
      await phoneCard.locator('.sp-subs').scrollIntoViewIfNeeded();
      await saveScreenshot(phone.page, 'status-pages-subscribers-ko-390');
      await phoneRow.getByRole('button', { name: '취소' }).click();
      expect(phone.errors).toEqual([]);
    } finally {
      await receiver.close();
    }
    expect(errors).toEqual([]);
  });
});

describe('incident updates on the incident page', () => {
  it('posts an update that joins the timeline (the next state suggested), follows others’ live, edits and deletes one', async () => {
    const story = await seedMonitoringStory(env);
    const incidentId = story.openIncident.id;
    const { page, errors } = await env.open(`/incidents/${incidentId}`, DESKTOP);
    await page.locator('#iu-title').waitFor();
    await page.locator('.conn[data-state="connected"]').waitFor();
    expect(await page.locator('#iu-title').innerText()).toBe('Updates');
    await expect.poll(() => page.locator('.iu-none').innerText()).toBe('No updates yet.');
    expect(await page.locator('#f-iu-state').inputValue()).toBe('investigating');

    await page.getByRole('button', { name: 'Post update' }).click();
    await expect.poll(() => fieldError(page, 'iu-message').innerText()).toBe('Write a message');
    await page.locator('#f-iu-message').fill('Payments fail for some cards.\nWe are looking into it.');
    await page.getByRole('button', { name: 'Post update' }).click();
    const items = page.locator('.iu-item');
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.nth(0).getAttribute('data-state')).toBe('investigating');
    expect(await items.nth(0).locator('.iu-state').innerText()).toBe('Investigating');
    // The message with its line break.
    expect(await items.nth(0).locator('.iu-message').innerText()).toBe('Payments fail for some cards.\nWe are looking into it.');
    expect(await items.nth(0).locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.locator('#f-iu-message').inputValue()).toBe('');
    expect(await page.locator('#f-iu-state').inputValue()).toBe('identified');
    const [posted] = (await env.vigil.api<{ items: IncidentUpdate[] }>('GET', `/api/incidents/${incidentId}/updates`)).body.items;
    expect(posted).toMatchObject({ state: 'investigating', message: 'Payments fail for some cards.\nWe are looking into it.', endpointId: story.down.id });

    // Another client posts: it joins live, and the next state moves on.
    const other = await env.vigil.api<IncidentUpdate>('POST', `/api/incidents/${incidentId}/updates`, {
      state: 'monitoring',
      message: 'A fix is out; watching.',
    });
    expect(other.status).toBe(201);
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')))).toEqual(['investigating', 'monitoring']);
    await expect.poll(() => page.locator('#f-iu-state').inputValue()).toBe('resolved');
    await saveScreenshot(page, 'incident-updates');

    // Edited in place.
    await items
      .nth(0)
      .getByRole('button', { name: /^Edit the update of / })
      .click();
    const editing = items.nth(0).locator('form');
    await editing.locator('select').selectOption('identified');
    await editing.locator('textarea').fill('The card processor rejects requests.');
    await editing.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => items.nth(0).locator('.iu-message').innerText()).toBe('The card processor rejects requests.');
    expect(await items.nth(0).getAttribute('data-state')).toBe('identified');
    expect(await items.nth(0).locator('.iu-edited').innerText()).toMatch(/^\(edited .+\)$/);
    // Deleted, asked first; one deleted elsewhere goes live.
    await items
      .nth(1)
      .getByRole('button', { name: /^Delete/ })
      .click();
    await items.nth(1).getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => items.count()).toBe(1);
    expect((await env.vigil.api('DELETE', `/api/incidents/${incidentId}/updates/${posted!.id}`)).status).toBe(204);
    await expect.poll(() => items.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('the uptime report', () => {
  it('shows a row per endpoint with its SLA target and error budget, filters by period, tag and endpoint, downloads CSV and prints without its controls', async () => {
    const seeded = await seedEndpoints();
    for (const e of [seeded.up, seeded.down]) expect((await env.vigil.api<Endpoint>('PATCH', `/api/endpoints/${e.id}`, { slaTarget: 99.9 })).status).toBe(200);
    const { page, errors } = await env.open('/', DESKTOP);
    await page.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
    await page.locator('#rp-title').waitFor();
    const rows = page.locator('.rp-table tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    expect(await page.getByRole('radio', { name: 'Last 30 days' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'All endpoints' }).isChecked()).toBe(true);
    expect(await page.locator('.rp-table thead th').allInnerTexts()).toEqual([
      'Endpoint',
      'Uptime',
      'Checks',
      'Avg response',
      'Incidents',
      'Downtime',
      'SLA target',
      'Error budget left',
    ]);
    expect(await rows.locator('.rp-name').allInnerTexts()).toEqual([
      'Checkout API',
      'Inventory DB',
      'Orders DB',
      'Payments gateway (EU, primary region)',
      'Search',
    ]);
    const row = (e: Endpoint) => page.locator(`.rp-table tr[data-endpoint-id="${e.id}"]`);
    expect(await row(seeded.up).locator('.rp-sla').innerText()).toBe('99.9 % ✓ met');
    expect(await row(seeded.up).locator('.rp-budget').getAttribute('data-ok')).toBe('true');
    expect(await row(seeded.down).locator('.rp-sla').innerText()).toBe('99.9 % ✗ missed');
    expect(await row(seeded.down).locator('.rp-budget').getAttribute('data-ok')).toBe('false');
    const red = await row(seeded.down)
      .locator('.rp-bar-fill')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    const green = await row(seeded.up)
      .locator('.rp-bar-fill')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect([red, green]).toEqual(['rgb(220, 38, 38)', 'rgb(21, 128, 61)']);
    expect(await row(seeded.orders).locator('.rp-budget-cell').innerText()).toBe('No target');
    // What the API says, as the page shows it.
    const shownReport = await page.evaluate(() => document.querySelector('.rp-csv')!.getAttribute('href'));
    const csvUrl = new URL(shownReport!, env.base());
    expect(csvUrl.pathname).toBe('/api/reports/uptime');
    expect(csvUrl.searchParams.get('format')).toBe('csv');
    const json = await env.vigil.api<UptimeReport>('GET', `/api/reports/uptime?from=${csvUrl.searchParams.get('from')}&to=${csvUrl.searchParams.get('to')}`);
    expect(await page.locator('[data-total="checks"] .count-value').innerText()).toBe(String(json.body.total.checks));
    expect(await page.locator('[data-total="incidents"] .count-value').innerText()).toBe('2');
    expect(await page.locator('.rp-incidents tbody tr').count()).toBe(2);
    expect(await page.locator('.rp-incidents tbody tr td:first-child').allInnerTexts()).toEqual(json.body.incidents.map((i) => i.endpointName));
    expect(Date.parse(csvUrl.searchParams.get('to')!) - Date.parse(csvUrl.searchParams.get('from')!)).toBe(30 * 86_400_000);

    // The CSV link: the same report, as text/csv.
    const csv = await page.request.get(csvUrl.href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(6);
    for (const name of ['Checkout API', 'Orders DB', 'Search']) expect(lines.some((line) => line.includes(name))).toBe(true);
    expect(await page.locator('.rp-csv').getAttribute('download')).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'reports');

    // Printed: the report alone.
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.header', '.rp-controls', '.rp-actions']) expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
    expect(await page.locator('.rp-table').isVisible()).toBe(true);
    await saveScreenshot(page, 'reports-print');
    await page.emulateMedia({ media: 'screen' });

    // Presets and filters live in the URL.
    await page.getByRole('radio', { name: 'Last 7 days' }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('7d');
    await expect
      .poll(async () => {
        const href = new URL((await page.locator('.rp-csv').getAttribute('href'))!, env.base());
        return Date.parse(href.searchParams.get('to')!) - Date.parse(href.searchParams.get('from')!);
      })
      .toBe(7 * 86_400_000);
    await page.getByRole('radio', { name: 'By tag' }).check();
    expect(await fieldError(page, 'tags').innerText()).toBe('Choose at least one tag.');
    await page.locator('[data-field="tags"]').getByRole('checkbox', { name: 'db' }).check();
    await expect.poll(() => rows.locator('.rp-name').allInnerTexts()).toEqual(['Inventory DB', 'Orders DB']);
    expect(new URL((await page.locator('.rp-csv').getAttribute('href'))!, env.base()).searchParams.get('tags')).toBe('db');
    await page.getByRole('radio', { name: 'Chosen endpoints' }).check();
    await page.locator('[data-field="endpointIds"]').getByRole('checkbox', { name: 'Search' }).check();
    await expect.poll(() => rows.locator('.rp-name').allInnerTexts()).toEqual(['Search']);
    expect(await page.locator('.rp-scope').innerText()).toBe('1 chosen endpoint');
    // Reloaded, the same report.
    await page.reload();
    await expect.poll(() => rows.locator('.rp-name').allInnerTexts()).toEqual(['Search']);
    expect(await page.getByRole('radio', { name: 'Last 7 days' }).isChecked()).toBe(true);
    // Custom dates: reversed ones are said, and nothing is asked.
    await page.getByRole('radio', { name: 'Custom' }).check();
    await page.locator('#f-from').fill('2026-01-10');
    await page.locator('#f-to').fill('2026-01-05');
    await expect
      .poll(() => page.locator('#f-dates-error').innerText())
      .toBe('Choose a start and an end date, the end not before the start and the start before now');
    expect(errors).toEqual([]);
  });

  it('takes an SLA target in the endpoint form and shows it on the endpoint page', async () => {
    env.target.setMode('/sla', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/sla', name: 'Billing API', paused: true });
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}/edit`, DESKTOP);
    await page.locator('#f-slaTarget').waitFor();
    expect(await page.locator('#f-slaTarget').inputValue()).toBe('');
    expect(await page.locator('label[for="f-slaTarget"]').innerText()).toBe('SLA target (%)');
    await page.locator('#f-slaTarget').fill('100');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => fieldError(page, 'slaTarget').innerText()).toBe('A percentage above 0 and below 100, with at most 3 decimals (e.g. 99.9)');
    await page.locator('#f-slaTarget').fill('99.95');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('sla-target').waitFor();
    expect(await page.getByTestId('sla-target').innerText()).toBe('99.95 %');
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.slaTarget).toBe(99.95);
    expect(errors).toEqual([]);
  });
});

describe('in Korean, and on a phone', () => {
  it('reads in Korean at 1280 px (the header on one row) and on a 390 px phone, nothing running off sideways', async () => {
    const seeded = await seedEndpoints();
    await env.vigil.api('PATCH', `/api/endpoints/${seeded.down.id}`, { slaTarget: 99.5 });
    const page1 = await env.vigil.api<StatusPage>('POST', '/api/status-pages', {
      slug: 'acme-status-for-customers-in-korea',
      title: '에이크미 서비스 상태 (고객용, 한국 리전)',
      description: '결제와 주문 서비스의 상태입니다.',
      sections: [
        { name: '결제', endpointIds: [seeded.down.id, seeded.up.id] },
        { name: '데이터베이스', tag: 'db' },
      ],
      visibility: 'password',
      password: 'correct horse battery',
      customDomain: 'status.very-long-subdomain-name.example.co.kr',
    });
    expect(page1.status).toBe(201);
    await env.vigil.api('POST', `/api/incidents/${seeded.openIncident.id}/updates`, {
      state: 'identified',
      message: '카드 결제 일부가 실패하고 있습니다.\n원인을 찾았고 복구 중입니다.',
    });

    // Desktop, Korean: the header keeps one row with the two new links.
    const desk = await env.open('/status-pages', { ...DESKTOP, locale: 'ko-KR' });
    await card(desk.page, '에이크미').waitFor();
    expect(await desk.page.locator('#sp-title').innerText()).toBe('상태 페이지');
    expect(await desk.page.getByRole('navigation').getByRole('link', { name: '보고서' }).count()).toBe(1);
    expect(await card(desk.page, '에이크미').locator('.sp-visibility').innerText()).toBe('🔒 비밀번호');
    await expectNoOverflow(desk.page, 'ko list 1280');
    await saveScreenshot(desk.page, 'status-pages-list-ko');

    const { page, errors } = await env.open('/status-pages', { ...PHONE, locale: 'ko-KR' });
    const pages: [name: string, path: string, ready: () => Promise<unknown>][] = [
      ['status-pages', '/status-pages', () => card(page, '에이크미').waitFor()],
      ['status-page-form', `/status-pages/${page1.body.id}/edit`, () => expect.poll(() => page.locator('#f-sections-1-tag').inputValue()).toBe('db')],
      ['incident', `/incidents/${seeded.openIncident.id}`, () => page.locator('.iu-item').first().waitFor()],
      ['reports', '/reports', () => expect.poll(() => page.locator('.rp-table tbody tr').count()).toBe(5)],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(env.base() + path);
      await ready();
      await expectNoOverflow(page, name);
      expect(await seriousViolations(page), name).toEqual([]);
      await saveScreenshot(page, `status-pages-ko-390-${name}`);
    }
    // The Korean words, as a person reads them.
    expect(await page.locator('#rp-title').innerText()).toBe('가동률 보고서');
    expect(await page.locator('.rp-table tbody tr td[data-label="SLA 목표"]').first().count()).toBe(1);
    expect(await page.getByRole('radio', { name: '지난달' }).count()).toBe(1);
    await page.goto(`${env.base()}/incidents/${seeded.openIncident.id}`);
    await page.locator('.iu-item').first().waitFor();
    expect(await page.locator('#iu-title').innerText()).toBe('장애 업데이트');
    expect(await page.locator('.iu-state').first().innerText()).toBe('원인 파악');
    expect(await page.locator('.iu-message').first().innerText()).toBe('카드 결제 일부가 실패하고 있습니다.\n원인을 찾았고 복구 중입니다.');
    expect(await page.locator('#f-iu-state').inputValue()).toBe('monitoring');
    await expectLaidOut(page, '.iu-item, .iu-form > .field, .iu-form > .actions');
    await page.goto(`${env.base()}/status-pages/new`);
    await page.locator('#f-title').waitFor();
    await page.getByRole('button', { name: '페이지 만들기' }).click();
    await expect.poll(() => fieldError(page, 'title').innerText()).toBe('필수 항목입니다');
    expect(await fieldError(page, 'sections-0-endpointIds').innerText()).toBe('엔드포인트를 하나 이상 고르세요');
    await expectNoOverflow(page, 'new form with errors');
    await saveScreenshot(page, 'status-pages-ko-390-form-errors');
    expect([...errors, ...desk.errors]).toEqual([]);
  });
});

async function expectLaidOut(page: Page, selector: string) {
  const layout = await layoutOf(page, selector);
  expect(layout.count).toBeGreaterThan(0);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}
