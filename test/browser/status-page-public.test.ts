/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The public status page as a visitor sees it, in a real Chromium, from a real Vigil watching a
 * real local target: the banner, the rows and their 90-day bars (seeded history), the open
 * incident's timeline, the maintenance block; laid out at 1280 and 390 px; live over SSE without
 * a reload; the same page without JavaScript; a password page and its sign-in; Korean and dark;
 * following a page by email (the form, the mailed link, Confirm, a notice's unsubscribe link) and
 * by webhook, with and without JavaScript, and the subscriber pages laid out at 390 and 1280 px;
 * and no console error or CSP violation anywhere.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatusPage, StatusPageSubscriber, SubscriberWebhookBody } from '../../server/contract/status-pages.ts';
import type { Check, Endpoint, Incident, Page as ListPage } from '../../server/contract/types.ts';
import { launchBrowser, newPage, type OpenedPage, saveScreenshot } from '../support/browser.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';
import { type ReceivedMail, type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import type { TargetServer } from '../support/target-server.ts';
import { clearOfUtcMidnight } from '../support/utc-day.ts';
import { type TestVigil, useSharedVigil, useTargetServer, waitFor } from '../support/vigil.ts';

// One Vigil for the file (each test must leave it with no error logged): the first three tests read
// the same seeded page; the live and password tests make pages of their own endpoints.
let vigil: TestVigil;
let target: TargetServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Subscribers' mail (a real SMTP server) and webhooks (a receiver that echoes the challenge), both on 127.0.0.1. */
let smtp: SmtpReceiver;
let hookServer: http.Server;
const hookUrl = (path: string) => `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}${path}`;
/** Filled in before the shared Vigil starts: it needs the SMTP server's port. */
const vigilEnv: Record<string, string> = {};
useTargetServer((t) => (target = t));
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  hookServer = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as SubscriberWebhookBody;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body.type === 'subscription.confirm' ? body.challenge : 'ok');
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  Object.assign(vigilEnv, {
    SMTP_URL: `smtp://${smtp.host}:${smtp.port}?security=none`,
    SMTP_FROM: 'Acme Status <status@acme.example>',
    ALLOWED_TARGETS: '127.0.0.1',
    NOTIFICATION_SWEEP_MS: '200',
    NOTIFICATION_RETRY_BASE_MS: '100',
  });
});
afterAll(async () => {
  await smtp?.close();
  hookServer?.closeAllConnections();
  await new Promise<void>((resolve) => (hookServer ? hookServer.close(() => resolve()) : resolve()));
});
useSharedVigil((v) => (vigil = v), vigilEnv);
beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});
afterAll(async () => {
  await browser?.close();
});
const base = () => `http://127.0.0.1:${vigil.port}`;

const DAY_MS = 86_400_000;
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'UTC' };

/** Words of the page, as server/public/status-words.ts has them. */
const EN = {
  partial: 'Partial outage',
  major: 'Major outage',
  operational: 'All systems operational',
  UP: 'Operational',
  DOWN: 'Down',
  MAINTENANCE: 'Maintenance',
};
const KO = { partial: '부분 장애', major: '주요 장애', UP: '정상', DOWN: '장애', MAINTENANCE: '점검 중' };

/** Long enough to take two lines on a phone. */
const PAYMENTS = 'Payments gateway (EU primary region, cards and SEPA)';
const UPDATE_1 = 'Card payments fail for some customers; we are looking into it.';
const UPDATE_2 = 'A certificate on the card processor’s side expired.\nA new one is being rolled out.';

/** A day's uptime as the bar tooltip writes it. */
const percentText = (checks: number, down: number) => `${(Math.floor(((checks - down) / checks) * 10_000) / 100).toFixed(2)}%`;
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

interface Seeded {
  page: StatusPage;
  api: Endpoint;
  payments: Endpoint;
  accounts: Endpoint;
  checkout: Endpoint;
  search: Endpoint;
  recommendations: Endpoint;
  /** The rows in the order the page shows them: [name, status] by section. */
  rows: [string, 'UP' | 'DOWN' | 'MAINTENANCE'][];
}

/** Days before today with less than 100 % uptime, per endpoint: days ago → DOWN checks out of 1440. */
const BAD_DAYS: Record<string, Record<number, number>> = {
  api: { 20: 7 },
  payments: { 3: 144, 4: 43, 30: 11 },
  checkout: { 12: 100 },
  recommendations: { 60: 58 },
};
/** How many days back each endpoint has history (89: every day of the bar before today). */
const HISTORY_DAYS: Record<string, number> = { api: 89, payments: 89, accounts: 40, checkout: 89, search: 89, recommendations: 70 };

/** An endpoint on the target's `path`, hourly unless told otherwise. */
async function createEndpoint(fields: Partial<Endpoint> & { path: string }): Promise<Endpoint> {
  const { path, ...rest } = fields;
  return post<Endpoint>('/api/endpoints', { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, ...rest });
}

async function checkNow(endpoint: Endpoint) {
  const res = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await vigil.api<T>('POST', path, body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

async function openIncidentOf(endpoint: Endpoint): Promise<Incident> {
  const list = await vigil.api<ListPage<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`);
  const open = list.body.items.find((i) => i.resolvedAt === null);
  expect(open).toBeDefined();
  return open!;
}

/**
 * Hourly rollups for every day of the bar before today (one row at noon holding the day's 1440
 * checks), and the rollup watermark at the start of today: the page reads them for those days
 * and today's real checks raw.
 */
async function seedHistory(byKey: Record<string, Endpoint>) {
  const todayStart = Date.parse(`${utcDay(Date.now())}T00:00:00.000Z`);
  const rows: { endpoint_id: string; hour: string; checks: number; down: number }[] = [];
  for (const [key, endpoint] of Object.entries(byKey)) {
    for (let ago = 1; ago <= (HISTORY_DAYS[key] ?? 0); ago++) {
      rows.push({
        endpoint_id: endpoint.id,
        hour: new Date(todayStart - ago * DAY_MS + 12 * 3_600_000).toISOString(),
        checks: 1440,
        down: BAD_DAYS[key]?.[ago] ?? 0,
      });
    }
  }
  const db = vigil.database.db;
  await db.execute(sql`
    insert into check_rollups_hourly (endpoint_id, hour, checks, up, degraded, down, response_time_sum)
    select r.endpoint_id, r.hour, r.checks, r.checks - r.down, 0, r.down, (r.checks - r.down) * 140::bigint
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(endpoint_id uuid, hour timestamptz, checks int, down int)`);
  await db.execute(sql`
    insert into retention_state (id, rolled_up_to) values (1, ${new Date(todayStart).toISOString()}::timestamptz)
    on conflict (id) do update set rolled_up_to = greatest(retention_state.rolled_up_to, excluded.rolled_up_to)`);
}

/**
 * Six endpoints in two sections (three named, three by the tag "shop"): Payments DOWN with an open
 * incident and two updates, Product search in a maintenance window going on now (and Checkout in
 * one tomorrow), Recommendations failed and recovered (a past incident), the rest UP; 90 days of
 * history. Then the page.
 */
async function seedStatusPage(): Promise<Seeded> {
  for (const path of ['/api', '/payments', '/accounts', '/checkout', '/search', '/recommendations']) target.setMode(path, { kind: 'ok' });
  target.setMode('/payments', { kind: 'ok', status: 503 });
  target.setMode('/recommendations', { kind: 'ok', status: 500 });
  const make = (path: string, name: string, more: Partial<Endpoint> = {}) => createEndpoint({ path, name, paused: true, failureThreshold: 1, ...more });
  const api = await make('/api', 'Public API');
  const payments = await make('/payments', PAYMENTS);
  const accounts = await make('/accounts', 'Login & accounts');
  // (A paused endpoint is in no maintenance window: these two are watched, hourly.)
  const checkout = await make('/checkout', 'Checkout', { tags: ['shop'], paused: false });
  const search = await make('/search', 'Product search', { tags: ['shop'], paused: false });
  const recommendations = await make('/recommendations', 'Recommendations', { tags: ['shop'] });
  await Promise.all([api, payments, accounts, checkout, search, recommendations].map(checkNow));
  target.setMode('/recommendations', { kind: 'ok' });
  await checkNow(recommendations);
  await seedHistory({ api, payments, accounts, checkout, search, recommendations });

  const incident = await openIncidentOf(payments);
  await post(`/api/incidents/${incident.id}/updates`, { state: 'investigating', message: UPDATE_1 });
  await new Promise((r) => setTimeout(r, 20));
  await post(`/api/incidents/${incident.id}/updates`, { state: 'identified', message: UPDATE_2 });

  const now = Date.now();
  await post('/api/maintenance-windows', {
    name: 'Search index rebuild',
    description: 'Search results may be incomplete for up to two hours.',
    startsAt: new Date(now - 10 * 60_000).toISOString(),
    endsAt: new Date(now + 2 * 3_600_000).toISOString(),
    endpointIds: [search.id],
  });
  await post('/api/maintenance-windows', {
    name: 'Checkout database upgrade',
    startsAt: new Date(now + DAY_MS).toISOString(),
    endsAt: new Date(now + DAY_MS + 3_600_000).toISOString(),
    endpointIds: [checkout.id],
  });
  await waitFor(
    async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${search.id}`)).body.status === 'MAINTENANCE',
    5000,
    'Product search in maintenance',
  );

  const page = await post<StatusPage>('/api/status-pages', {
    slug: 'acme',
    title: 'Acme status',
    description: 'Live status of Acme’s public services.',
    sections: [
      { name: 'Core services', endpointIds: [api.id, payments.id, accounts.id] },
      { name: 'Shop', tag: 'shop' },
    ],
    visibility: 'public',
    footer: 'Questions? support@acme.example',
    showResponseTimes: true,
  });
  return {
    page,
    api,
    payments,
    accounts,
    checkout,
    search,
    recommendations,
    rows: [
      ['Public API', 'UP'],
      [PAYMENTS, 'DOWN'],
      ['Login & accounts', 'UP'],
      ['Checkout', 'UP'],
      ['Product search', 'MAINTENANCE'],
      ['Recommendations', 'UP'],
    ],
  };
}

/**
 * A page (its own context) that also records CSP violations among its errors: Chromium's console
 * line for each, and the `securitypolicyviolation` event (through a binding, so nothing inline runs).
 */
async function watchedPage(options: BrowserContextOptions): Promise<OpenedPage> {
  const opened = await newPage(browser, { locale: 'en-US', ...options });
  contexts.push(opened.context);
  await opened.context.exposeBinding('__cspViolation', (_source, text: string) => {
    opened.errors.push(`CSP: ${text}`);
  });
  await opened.context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      true,
    );
  });
  return opened;
}

async function openStatus(path: string, options: BrowserContextOptions): Promise<OpenedPage & { headers: Record<string, string> }> {
  const opened = await watchedPage(options);
  const response = await opened.page.goto(base() + path);
  expect(response?.status()).toBe(200);
  return { ...opened, headers: response!.headers() };
}

/** The rows as shown: [name, status word] in page order. */
const rowsOf = (page: Page) =>
  page.locator('.ep').evaluateAll((rows) => rows.map((r) => [r.querySelector('.en')!.textContent, r.querySelector('.st')!.textContent]));

/** What the open incident says: its heading and the updates' state words and messages, in page order (newest first). */
const incidentOf = (page: Page) =>
  page.locator('#active-incidents .inc').evaluateAll((articles) =>
    articles.map((a) => ({
      heading: a.querySelector('h3')!.textContent,
      updates: [...a.querySelectorAll('.upd li')].map((li) => [li.querySelector('b')!.textContent, (li.querySelector('p') as HTMLElement).innerText]),
    })),
  );

/** Everything laid out: no two blocks of the page or rows of a card on each other, nothing out of the window sideways. */
async function expectNoOverlap(page: Page, width: number) {
  for (const selector of ['.wrap > *', '.ep', '#active-incidents > *', '#maintenance > *', '.eh > *', '.ax > :not([hidden])']) {
    const layout = await layoutOf(page, selector);
    expect(layout.overlapping, selector).toEqual([]);
    expect(layout.outside, selector).toEqual([]);
  }
  // A row's parts stay inside it; its bar and axis inside the card.
  const escaping = await page.evaluate(() => {
    const out: string[] = [];
    for (const row of document.querySelectorAll('.ep')) {
      const box = row.getBoundingClientRect();
      for (const part of row.querySelectorAll('.en, .rt, .st, .bar, .ax')) {
        const r = part.getBoundingClientRect();
        if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)) {
          out.push(`${row.querySelector('.en')!.textContent}: .${part.className}`);
        }
      }
    }
    return out;
  });
  expect(escaping).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** Each row's visible day cells: how many, on how many lines, and whether all lie inside the card. */
const barsOf = (page: Page) =>
  page.locator('.ep').evaluateAll((rows) =>
    rows.map((row) => {
      const card = row.closest('.card')!.getBoundingClientRect();
      const cells = [...row.querySelectorAll('.bar li')].map((li) => li.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
      return {
        shown: cells.length,
        lines: new Set(cells.map((r) => Math.round(r.top))).size,
        inside: cells.every((r) => r.left >= card.left && r.right <= card.right && r.top >= card.top && r.bottom <= card.bottom),
        narrowest: Math.min(...cells.map((r) => r.width)),
      };
    }),
  );

describe('a public page with 90 days of history, an open incident and maintenance', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    // Seeded and read on one UTC day (the tests take about 10 s): across midnight the days would be one off.
    await clearOfUtcMidnight(60_000);
    seeded = await seedStatusPage();
  }, 120_000);

  it('shows the banner, each row with its status, 90-day bars, the incident timeline and maintenance, laid out at 1280 and 390 px', async () => {
    const { page, errors } = await openStatus('/status/acme', DESKTOP);

    expect(await page.title()).toBe('Acme status');
    expect(await page.locator('h1').textContent()).toBe('Acme status');
    expect(await page.locator('.banner .bt').textContent()).toBe(EN.partial);
    expect(await page.locator('.banner').getAttribute('data-overall')).toBe('partial_outage');
    expect(await page.locator('.grp h2').allTextContents()).toEqual(['Core services', 'Shop']);
    expect(await rowsOf(page)).toEqual(seeded.rows.map(([name, status]) => [name, EN[status]]));
    // Response times (showResponseTimes) on each row with a check not DOWN in the last 24 hours: all but Payments.
    expect(await page.locator('.ep').evaluateAll((rows) => rows.map((r) => r.querySelector('.rt')?.textContent ?? null))).toEqual(
      seeded.rows.map(([, status]) => (status === 'DOWN' ? null : expect.stringMatching(/^\d+ ms$/))),
    );

    // The open incident: its state is the latest update's, the updates newest first, line breaks kept.
    expect(await incidentOf(page)).toEqual([
      {
        heading: `Identified ${PAYMENTS}`,
        updates: [
          ['Identified', UPDATE_2],
          ['Investigating', UPDATE_1],
        ],
      },
    ]);
    expect(await page.locator('#active-incidents h2').textContent()).toBe('Current incidents');
    // Maintenance: the one going on now first, then tomorrow's.
    expect(await page.locator('#maintenance h2').textContent()).toBe('Maintenance');
    expect(await page.locator('#maintenance .mnt h3').allTextContents()).toEqual(['In progress Search index rebuild', 'Scheduled Checkout database upgrade']);
    expect(await page.locator('#maintenance .mnt').first().innerText()).toContain('Search results may be incomplete for up to two hours.');
    expect(await page.locator('#maintenance .mnt').first().innerText()).toContain('Affects: Product search');
    // The recovered one is a past incident.
    expect(await page.locator('.past .inc h3').allTextContents()).toEqual(['Resolved Recommendations']);
    expect(await page.locator('#live').textContent()).toBe('Live');

    // 90 days in each bar, one line, inside the card; the coloured days where the history put them.
    expect(await page.locator('.bar').evaluateAll((bars) => bars.map((b) => b.children.length))).toEqual([90, 90, 90, 90, 90, 90]);
    for (const bar of await barsOf(page)) expect(bar).toMatchObject({ shown: 90, lines: 1, inside: true });
    const row = (e: Endpoint) => page.locator(`.ep[data-endpoint-id="${e.id}"]`);
    const cell = (e: Endpoint, daysAgo: number) => row(e).locator(`.bar li:nth-child(${90 - daysAgo})`);
    const today = Date.now();
    expect(await cell(seeded.payments, 3).getAttribute('class')).toBe('d4');
    expect(await cell(seeded.payments, 3).getAttribute('title')).toBe(`${utcDay(today - 3 * DAY_MS)} · ${percentText(1440, 144)}`);
    expect(await cell(seeded.payments, 4).getAttribute('class')).toBe('d3');
    expect(await cell(seeded.payments, 30).getAttribute('class')).toBe('d2');
    expect(await cell(seeded.payments, 5).getAttribute('title')).toBe(`${utcDay(today - 5 * DAY_MS)} · 100%`);
    expect(await cell(seeded.payments, 0).getAttribute('class')).toBe('d4');
    expect(await cell(seeded.payments, 0).getAttribute('title')).toMatch(new RegExp(`^${utcDay(today)} · 0\\.00% · 1 incident`));
    expect(await cell(seeded.checkout, 12).getAttribute('title')).toBe(`${utcDay(today - 12 * DAY_MS)} · ${percentText(1440, 100)}`);
    expect(await cell(seeded.recommendations, 60).getAttribute('class')).toBe('d3');
    // Before an endpoint's first day: no data.
    expect(await cell(seeded.accounts, 41).getAttribute('class')).toBe('d0');
    expect(await cell(seeded.accounts, 41).getAttribute('title')).toBe(`${utcDay(today - 41 * DAY_MS)} · No data`);
    expect(await cell(seeded.accounts, 40).getAttribute('class')).toBeNull();
    const coloured = await page.locator('.bar li[class]:not(.d0)').count();
    expect(coloured).toBeGreaterThanOrEqual(8);
    expect(await row(seeded.payments).locator('.ax').innerText()).toMatch(/^90 days ago\s+\d+\.\d\d% over 90 days\s+Today$/);

    // Pointing at a day writes its text under the bar; leaving it puts the uptime back.
    const uptimeText = await row(seeded.payments).locator('.ax .up').textContent();
    await cell(seeded.payments, 3).hover();
    await expect.poll(() => row(seeded.payments).locator('.ax .up').textContent()).toBe(`${utcDay(today - 3 * DAY_MS)} · ${percentText(1440, 144)}`);
    await page.locator('h1').hover();
    await expect.poll(() => row(seeded.payments).locator('.ax .up').textContent()).toBe(uptimeText);

    await expectNoOverlap(page, 1280);
    await saveScreenshot(page, 'status-page-en-desktop');
    expect(await seriousViolations(page)).toEqual([]);

    // On a phone: 30 days a bar, inside the card, no sideways scroll.
    const phone = await openStatus('/status/acme', PHONE);
    expect(await rowsOf(phone.page)).toEqual(seeded.rows.map(([name, status]) => [name, EN[status]]));
    for (const bar of await barsOf(phone.page)) expect(bar).toMatchObject({ shown: 30, lines: 1, inside: true });
    expect(Math.min(...(await barsOf(phone.page)).map((b) => b.narrowest))).toBeGreaterThanOrEqual(5);
    expect(await phone.page.locator(`.ep[data-endpoint-id="${seeded.payments.id}"] .ax`).innerText()).toMatch(
      /^30 days ago\s+\d+\.\d\d% over 90 days\s+Today$/,
    );
    await expectNoOverlap(phone.page, 390);
    await saveScreenshot(phone.page, 'status-page-en-phone');
    // No tooltips on a phone: a tapped day writes its text under the bar instead, on one line, inside the card.
    const phoneRow = phone.page.locator(`.ep[data-endpoint-id="${seeded.payments.id}"]`);
    await phoneRow.locator('.bar li').nth(89).tap();
    await expect.poll(() => phoneRow.locator('.ax').innerText()).toBe(await phoneRow.locator('.bar li').nth(89).getAttribute('title'));

    expect([...errors, ...phone.errors]).toEqual([]);
  });

  it('runs under a CSP without inline script or style, and the watch on violations would see one', async () => {
    const { page, errors, headers } = await openStatus('/status/acme', DESKTOP);
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await expect.poll(() => page.locator('#live').textContent()).toBe('Live');
    expect(errors).toEqual([]);
    // An inline script the page never had: refused, and reported both ways.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    await expect.poll(() => errors.some((e) => e.startsWith('CSP: script-src-elem inline'))).toBe(true);
    expect(errors.some((e) => e.startsWith('console.error: Executing inline script violates'))).toBe(true);
    expect(await page.evaluate(() => 'injected' in window)).toBe(false);
  });

  it('is the same page without JavaScript: banner, rows, bars, incident and maintenance rendered by the server, times in UTC', async () => {
    const withJs = await openStatus('/status/acme', DESKTOP);
    const noJs = await openStatus('/status/acme', { ...DESKTOP, javaScriptEnabled: false });
    const { page } = noJs;

    expect(await page.locator('.banner .bt').textContent()).toBe(EN.partial);
    expect(await rowsOf(page)).toEqual(seeded.rows.map(([name, status]) => [name, EN[status]]));
    // The same as with the script: rows, bars (class and title of every day), the incident's and maintenance's words.
    const view = (p: Page) =>
      p.evaluate(() => ({
        banner: document.querySelector('.banner .bt')!.textContent,
        bars: [...document.querySelectorAll('.bar')].map((bar) => [...bar.children].map((li) => `${li.className}|${li.getAttribute('title')}`).join(',')),
        axes: [...document.querySelectorAll('.ax .up')].map((up) => up.textContent),
        incident: [...document.querySelectorAll('#active-incidents .inc h3, #active-incidents .upd b, #active-incidents .upd p')].map(
          (e) => (e as HTMLElement).innerText,
        ),
        maintenance: [...document.querySelectorAll('#maintenance h3, #maintenance .mnt > p:not(.meta)')].map((e) => e.textContent),
      }));
    expect(await view(page)).toEqual(await view(withJs.page));
    expect(await incidentOf(page)).toEqual(await incidentOf(withJs.page));
    for (const bar of await barsOf(page)) expect(bar).toMatchObject({ shown: 90, lines: 1, inside: true });
    // Times as the server writes them (UTC); the live mark stays hidden.
    expect(await page.locator('#active-incidents .meta time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(await page.locator('#updated time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await page.locator('#live').isHidden()).toBe(true);
    await expectNoOverlap(page, 1280);
    await saveScreenshot(page, 'status-page-en-no-js');
    expect([...noJs.errors, ...withJs.errors]).toEqual([]);
  });

  it('in Korean (the browser’s language) and dark: every word Korean, laid out at 1280 and 390 px', async () => {
    const options = { locale: 'ko-KR', colorScheme: 'dark', timezoneId: 'Asia/Seoul' } as const;
    const { page, errors } = await openStatus('/status/acme', { ...DESKTOP, ...options });
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('.banner .bt').textContent()).toBe(KO.partial);
    expect(await rowsOf(page)).toEqual(seeded.rows.map(([name, status]) => [name, KO[status]]));
    expect(await page.locator('#active-incidents h2').textContent()).toBe('진행 중인 장애');
    expect(await page.locator('#active-incidents .upd b').allTextContents()).toEqual(['원인 파악', '조사 중']);
    expect(await page.locator('#maintenance h2').textContent()).toBe('점검');
    expect(await page.locator('#maintenance .mnt h3').allTextContents()).toEqual(['진행 중 Search index rebuild', '예정 Checkout database upgrade']);
    expect(await page.locator('.past h2').textContent()).toBe('지난 장애');
    expect(await page.locator(`.ep[data-endpoint-id="${seeded.payments.id}"] .ax`).innerText()).toMatch(/^90일 전\s+90일 가동률 \d+\.\d\d%\s+오늘$/);
    expect(await page.locator('#live').textContent()).toBe('실시간');
    expect(await page.locator('.lang a[aria-current]').textContent()).toBe('한국어');
    // Times in the browser's zone and language (2026. 12. 6. 오후 10:48).
    expect(await page.locator('#active-incidents .meta time').textContent()).toMatch(/^\d{4}\. \d{1,2}\. \d{1,2}\. (오전|오후) \d{1,2}:\d\d$/);
    // The dark colours.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(14, 17, 22)');
    expect(
      await page
        .locator('.card')
        .first()
        .evaluate((e) => getComputedStyle(e).backgroundColor),
    ).toBe('rgb(22, 26, 33)');
    await expectNoOverlap(page, 1280);
    await saveScreenshot(page, 'status-page-ko-dark');
    expect(await seriousViolations(page)).toEqual([]);

    const phone = await openStatus('/status/acme', { ...PHONE, ...options });
    expect(await phone.page.locator('.banner .bt').textContent()).toBe(KO.partial);
    for (const bar of await barsOf(phone.page)) expect(bar).toMatchObject({ shown: 30, lines: 1, inside: true });
    await expectNoOverlap(phone.page, 390);
    await saveScreenshot(phone.page, 'status-page-ko-dark-phone');

    // An English browser switches by the page's own links, and the choice stays for the next visit.
    const english = await openStatus('/status/acme', DESKTOP);
    expect(await english.page.locator('.banner .bt').textContent()).toBe(EN.partial);
    await english.page.getByRole('link', { name: '한국어' }).click();
    await english.page.waitForURL(/\?lang=ko$/);
    expect(await english.page.locator('.banner .bt').textContent()).toBe(KO.partial);
    expect(await rowsOf(english.page)).toEqual(seeded.rows.map(([name, status]) => [name, KO[status]]));
    await english.page.goto(`${base()}/status/acme`);
    expect(await english.page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await english.page.locator('.banner .bt').textContent()).toBe(KO.partial);
    await expect.poll(() => english.page.locator('#live').textContent()).toBe('실시간');
    expect([...errors, ...phone.errors, ...english.errors]).toEqual([]);
  });
});

describe('the public status page', () => {
  it('follows the checks live, without a reload: a row turns DOWN and back, the banner with it, and a posted update joins the incident', async () => {
    for (const path of ['/live-web', '/live-api', '/live-hooks']) target.setMode(path, { kind: 'ok' });
    const web = await createEndpoint({ path: '/live-web', name: 'Website', paused: true });
    const apiEndpoint = await createEndpoint({ path: '/live-api', name: 'API', paused: true });
    // Checked every second by Vigil itself: the page shows what the scheduler finds.
    const hooks = await createEndpoint({ path: '/live-hooks', name: 'Webhooks', intervalSeconds: 1, failureThreshold: 1, recoveryThreshold: 1 });
    await checkNow(web);
    await checkNow(apiEndpoint);
    await expect.poll(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${hooks.id}`)).body.status).toBe('UP');
    await post('/api/status-pages', { slug: 'live', title: 'Live status', sections: [{ name: 'Services', endpointIds: [web.id, apiEndpoint.id, hooks.id] }] });

    const { page, errors } = await openStatus('/status/live', DESKTOP);
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'first load';
    });
    const banner = page.locator('.banner .bt');
    const hooksStatus = page.locator(`.ep[data-endpoint-id="${hooks.id}"] .st`);
    expect(await banner.textContent()).toBe(EN.operational);
    expect(await hooksStatus.textContent()).toBe(EN.UP);
    await expect.poll(() => page.locator('#live').textContent()).toBe('Live');
    expect(await page.locator('#active-incidents').isHidden()).toBe(true);

    // The target fails: the row, the banner and a new incident, within a few seconds.
    const failedAt = Date.now();
    target.setMode('/live-hooks', { kind: 'ok', status: 500 });
    await expect.poll(() => hooksStatus.textContent(), { timeout: 5000 }).toBe(EN.DOWN);
    expect(await hooksStatus.getAttribute('class')).toBe('st s-DOWN');
    expect(await banner.textContent()).toBe(EN.partial);
    expect(await page.locator('.banner').getAttribute('class')).toBe('banner o-partial_outage');
    expect(Date.now() - failedAt).toBeLessThan(5000);
    await expect.poll(() => page.locator('#active-incidents .inc h3').allTextContents(), { timeout: 5000 }).toEqual(['Ongoing Webhooks']);
    expect(await page.locator(`.ep[data-endpoint-id="${web.id}"] .st`).textContent()).toBe(EN.UP);

    // An update posted over REST joins the timeline; a second one goes on top.
    const incident = await openIncidentOf(hooks);
    await post(`/api/incidents/${incident.id}/updates`, { state: 'identified', message: 'The webhook relay lost its database connection.' });
    await expect
      .poll(async () => (await incidentOf(page))[0], { timeout: 5000 })
      .toEqual({ heading: 'Identified Webhooks', updates: [['Identified', 'The webhook relay lost its database connection.']] });
    await post(`/api/incidents/${incident.id}/updates`, { state: 'monitoring', message: 'Reconnected; deliveries are catching up.' });
    await expect
      .poll(async () => (await incidentOf(page))[0]?.updates.map(([, message]) => message), { timeout: 5000 })
      .toEqual(['Reconnected; deliveries are catching up.', 'The webhook relay lost its database connection.']);
    // Written by the script: the same local times as the server's page shows after the script.
    expect(await page.locator('#active-incidents .upd time').first().textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d (AM|PM)$/);
    await saveScreenshot(page, 'status-page-live-down');

    // Recovered: back to Operational, the incident gone from the current ones.
    target.setMode('/live-hooks', { kind: 'ok' });
    await expect.poll(() => hooksStatus.textContent(), { timeout: 5000 }).toBe(EN.UP);
    await expect.poll(() => banner.textContent(), { timeout: 5000 }).toBe(EN.operational);
    await expect.poll(() => page.locator('#active-incidents').isHidden(), { timeout: 5000 }).toBe(true);
    // …and at the top of the history, marked resolved.
    await expect.poll(() => page.locator('.past .inc h3').first().textContent(), { timeout: 5000 }).toBe('Resolved Webhooks');

    // All without a reload.
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('first load');
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    expect(navigations).toBe(0);
    await expectNoOverlap(page, 1280);

    // A reload shows it among the past incidents, with its two updates folded.
    await page.reload();
    expect(await page.locator('.past .inc h3').allTextContents()).toEqual(['Monitoring Webhooks']);
    expect(await page.locator('.past .inc summary').textContent()).toBe('2 updates');
    expect(errors).toEqual([]);
  });

  it('behind a password: only the form before sign-in, an error for a wrong password, the page for the right one, in English or Korean', async () => {
    target.setMode('/billing', { kind: 'ok' });
    target.setMode('/ledger', { kind: 'ok', status: 503 });
    const billing = await createEndpoint({ path: '/billing', name: 'Internal billing', paused: true });
    const ledger = await createEndpoint({ path: '/ledger', name: 'Ledger sync', paused: true, failureThreshold: 1 });
    await checkNow(billing);
    await checkNow(ledger);
    await post('/api/status-pages', {
      slug: 'internal',
      title: 'Internal status',
      description: 'For the finance team.',
      sections: [{ name: 'Finance', endpointIds: [billing.id, ledger.id] }],
      visibility: 'password',
      password: 'open sesame 2026',
    });

    const { page, errors } = await watchedPage({ ...DESKTOP, viewport: { width: 1280, height: 720 } });
    const first = await page.goto(`${base()}/status/internal`);
    expect(first?.status()).toBe(401);
    expect(await page.title()).toBe('Internal status');
    expect(await page.locator('h1').textContent()).toBe('Internal status');
    expect(await page.locator('.box > p').first().textContent()).toBe('This status page is private. Enter the password to see it.');
    expect(await page.locator('label[for="pw"]').textContent()).toBe('Password');
    // Nothing of the page before sign-in: no names, statuses, description, not even in the markup.
    const markup = await page.content();
    for (const hidden of ['Internal billing', 'Ledger sync', 'Finance', 'For the finance team', 'Operational', 'outage', billing.id])
      expect(markup).not.toContain(hidden);
    expect(await page.locator('.ep, .banner, .bar').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('pw');
    await expectNoOverlap(page, 1280);
    await saveScreenshot(page, 'status-page-password-en');
    expect(await seriousViolations(page)).toEqual([]);

    // A wrong password: said so, still nothing of the page.
    await page.locator('#pw').fill('open sesame 2025');
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'View status' }).click()]);
    expect(await page.locator('.err').textContent()).toBe('Wrong password. Try again.');
    expect(await page.locator('.err').getAttribute('role')).toBe('alert');
    expect(await page.locator('#pw').getAttribute('aria-invalid')).toBe('true');
    expect(await page.content()).not.toContain('Internal billing');
    await saveScreenshot(page, 'status-page-password-wrong');

    // In Korean: the form's words; then the right password opens the page, in Korean.
    await page.getByRole('link', { name: '한국어' }).click();
    await page.waitForURL(/\?lang=ko$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('.box > p').first().textContent()).toBe('비공개 상태 페이지입니다. 비밀번호를 입력하세요.');
    expect(await page.locator('label[for="pw"]').textContent()).toBe('비밀번호');
    expect(await page.locator('.err').count()).toBe(0);
    await expectNoOverlap(page, 1280);
    await saveScreenshot(page, 'status-page-password-ko');
    await page.locator('#pw').fill('open sesame 2026');
    const [opened] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base()}/status/internal` && r.request().method() === 'GET'),
      page.getByRole('button', { name: '보기' }).click(),
    ]);
    expect(opened.status()).toBe(200);
    await page.locator('.banner').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('.banner .bt').textContent()).toBe(KO.major);
    expect(await rowsOf(page)).toEqual([
      ['Internal billing', KO.UP],
      ['Ledger sync', KO.DOWN],
    ]);
    expect(await page.locator('#active-incidents h2').textContent()).toBe('진행 중인 장애');
    expect(await page.locator('#active-incidents .inc h3').textContent()).toBe('진행 중 Ledger sync');
    await expect.poll(() => page.locator('#live').textContent()).toBe('실시간');
    await saveScreenshot(page, 'status-page-password-signed-in-ko');

    // Back to English, by the page's own switch; the choice stays for the next visit.
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\?lang=en$/);
    expect(await page.locator('.banner .bt').textContent()).toBe(EN.major);
    expect(await rowsOf(page)).toEqual([
      ['Internal billing', EN.UP],
      ['Ledger sync', EN.DOWN],
    ]);
    await page.goto(`${base()}/status/internal`);
    expect(await page.locator('.banner .bt').textContent()).toBe(EN.major);
    await expect.poll(() => page.locator('#live').textContent()).toBe('Live');

    // Refused answers are the page's 401s (the form, the wrong password, the form in Korean), nothing else.
    expect(errors).toEqual(['HTTP 401: GET /status/internal', 'HTTP 401: POST /status/internal/login', 'HTTP 401: GET /status/internal?lang=ko']);
  });
});

/** Where the subscription tests leave their screenshots, to be looked at. */
const SUBSCRIBE_SHOTS = '/tmp/vigil-subscribe';

async function shot(page: Page, name: string) {
  mkdirSync(SUBSCRIBE_SHOTS, { recursive: true });
  await page.screenshot({ path: `${SUBSCRIBE_SHOTS}/${name}.png`, fullPage: true });
}

const mailsTo = (address: string, count: number, timeoutMs = 10_000) => smtp.mailsTo(address, count, timeoutMs);

/** The subscriber's link of that kind in a mail's text. */
function linkIn(mail: ReceivedMail, kind: 'subscription' | 'unsubscribe'): string {
  const link = new RegExp(`https?://\\S+/${kind}\\?token=[\\w-]+`).exec(mail.text)?.[0];
  expect(link, mail.text).toBeDefined();
  return link!;
}

async function subscriberOf(page: StatusPage, target: string): Promise<StatusPageSubscriber | undefined> {
  const res = await vigil.api<ListPage<StatusPageSubscriber>>('GET', `/api/status-pages/${page.id}/subscribers?limit=500`);
  expect(res.status).toBe(200);
  return res.body.items.find((s) => s.target === target);
}

/** Submits the subscribe block's form of that kind (the browser's own form post): its answer. */
async function submitSubscribe(page: Page, kind: 'email' | 'webhook', value: string) {
  const input = page.locator(kind === 'email' ? '#se' : '#sw');
  await input.fill(value);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/subscribe') && r.request().method() === 'POST'),
    page.locator('#subscribe form').filter({ has: input }).locator('button').click(),
  ]);
  await page.waitForLoadState();
  return answer;
}

/** Presses a subscriber page's button (a form POST): its answer. */
async function press(page: Page, name: string) {
  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState();
  return answer;
}

/**
 * A subscriber page or the status page with its subscribe block: nothing wider than the window,
 * nothing out of it, no two blocks (or a form's parts) on each other; a form's inputs and buttons
 * as wide as the form.
 */
async function expectSubscribeLayout(page: Page, width: number, what: string) {
  for (const selector of ['.wrap > *', '.box > *', '#subscribe > *', '#subscribe .card > *', 'form > *']) {
    const layout = await layoutOf(page, selector);
    expect(layout.overlapping, `${what}: ${selector}`).toEqual([]);
    expect(layout.outside, `${what}: ${selector}`).toEqual([]);
    expect(layout.sideways, what).toBe(false);
  }
  const outside = await page.evaluate(() =>
    [...document.querySelectorAll('.box *, #subscribe *')]
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.left < -0.5 || r.right > window.innerWidth + 0.5))
      .map(({ e, r }) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.left)}–${Math.round(r.right)}`),
  );
  expect(outside, what).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(width);
  const fields = await page.locator('form').evaluateAll((forms) =>
    forms.map((f) => ({
      form: f.getBoundingClientRect().width,
      parts: [...f.querySelectorAll('input:not([type=hidden]), button')].map((e) => e.getBoundingClientRect().width),
    })),
  );
  for (const { form, parts } of fields) for (const part of parts) expect(part, what).toBeGreaterThanOrEqual(form - 1);
}

describe('following a status page', () => {
  const SLUG = 'acme-orders';
  let endpoint: Endpoint;
  let statusPage: StatusPage;
  beforeAll(async () => {
    target.setMode('/orders', { kind: 'ok' });
    endpoint = await createEndpoint({ path: '/orders', name: 'Order API', paused: true, failureThreshold: 1, recoveryThreshold: 1 });
    await checkNow(endpoint);
    statusPage = await post<StatusPage>('/api/status-pages', {
      slug: SLUG,
      title: 'Acme order status',
      sections: [{ name: 'Orders', endpointIds: [endpoint.id] }],
      subscriptions: { email: true, webhook: true },
    });
  });

  it('by email: the form, the mailed link and its Confirm button, then the Unsubscribe button of a notice’s link', async () => {
    const email = 'ada@example.com';
    const { page, errors } = await openStatus(`/status/${SLUG}`, DESKTOP);
    const block = page.locator('details#subscribe');
    expect(await block.locator('summary').textContent()).toBe('Subscribe to updates');
    expect(await block.getAttribute('open')).toBeNull();
    expect(await page.locator('#se').isVisible()).toBe(false);
    await block.locator('summary').click();
    expect(await block.getAttribute('open')).toBe('');
    expect(await page.locator('label[for="se"]').textContent()).toBe('Email');
    expect(await page.locator('label[for="sw"]').textContent()).toBe('Webhook URL');
    expect(await page.locator('#se').getAttribute('type')).toBe('email');
    expect(await page.locator('#sw').getAttribute('type')).toBe('url');

    const answer = await submitSubscribe(page, 'email', email);
    expect(answer.status()).toBe(202);
    expect(page.url()).toBe(`${base()}/status/${SLUG}/subscribe`);
    expect(await page.title()).toBe('Acme order status');
    expect(await page.locator('.box > p').first().textContent()).toBe(`If ${email} can receive mail, a link to confirm is on its way (valid 48 hours).`);
    expect(await page.getByRole('link', { name: 'Back to the status page' }).getAttribute('href')).toBe(`/status/${SLUG}`);
    expect(await seriousViolations(page)).toEqual([]);

    // The link of the mail: the subscriber's page, with a Confirm button; opening it confirmed nothing.
    const [confirmation] = await mailsTo(email, 1);
    expect(confirmation!.subject).toBe('Confirm your subscription to Acme order status');
    const manage = linkIn(confirmation!, 'subscription');
    expect(manage.startsWith(`${base()}/status/${SLUG}/subscription?token=`)).toBe(true);
    expect(confirmation!.html).toContain(`href="${manage}"`);
    expect((await page.goto(manage))?.status()).toBe(200);
    expect(await page.locator('.box > p').allTextContents()).toEqual([
      `Email: ${email}`,
      'Not confirmed yet: confirm to start getting notices.',
      'Back to the status page',
    ]);
    expect((await subscriberOf(statusPage, email))?.confirmedAt).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    expect((await press(page, 'Confirm subscription')).status()).toBe(200);
    expect(page.url()).toMatch(new RegExp(`/status/${SLUG}/confirm\\?token=`));
    expect(await page.locator('.box > p').first().textContent()).toBe(
      `Subscription confirmed. ${email} will get a notice when an incident starts, is updated or is resolved.`,
    );
    // The dashboard's API shows it confirmed.
    const subscriber = await subscriberOf(statusPage, email);
    expect(subscriber).toMatchObject({ kind: 'email', target: email, language: 'en', failedDeliveries: 0 });
    expect(subscriber!.confirmedAt).not.toBeNull();

    // An incident: a notice mail, whose unsubscribe link (the same as List-Unsubscribe) the reader opens and uses.
    target.setMode('/orders', { kind: 'ok', status: 503 });
    await checkNow(endpoint);
    const notice = (await mailsTo(email, 2))[1]!;
    expect(notice.headers['x-vigil-event']).toBe('incident.started');
    expect(notice.subject).toBe('[Acme order status] Order API: incident started');
    const unsubscribe = linkIn(notice, 'unsubscribe');
    expect(notice.headers['list-unsubscribe']).toBe(`<${unsubscribe}>`);
    expect((await page.goto(unsubscribe))?.status()).toBe(200);
    expect(await page.locator('.box > p').nth(1).textContent()).toBe('Subscribed: it gets a notice when an incident starts, is updated or is resolved.');
    expect(await page.getByRole('button').allTextContents()).toEqual(['Unsubscribe']);
    expect((await press(page, 'Unsubscribe')).status()).toBe(200);
    expect(await page.locator('.box > p').first().textContent()).toBe(`Unsubscribed. ${email} will get no more notices from this page.`);
    expect(await subscriberOf(statusPage, email)).toBeUndefined();
    // The link is spent.
    expect((await page.goto(unsubscribe))?.status()).toBe(404);
    expect(await page.locator('.err').textContent()).toBe('This link is unknown or has expired. Subscribe again from the status page.');
    target.setMode('/orders', { kind: 'ok' });
    await checkNow(endpoint);
    expect(errors).toEqual([`HTTP 404: GET /status/${SLUG}/unsubscribe?token=${new URL(unsubscribe).searchParams.get('token')}`]);
  });

  it('the same without JavaScript: the block opens, the form posts, the link’s page confirms and unsubscribes', async () => {
    const email = 'grace@example.com';
    const { page, errors } = await openStatus(`/status/${SLUG}`, { ...DESKTOP, javaScriptEnabled: false });
    expect(await page.locator('#live').isHidden()).toBe(true);
    await page.locator('#subscribe summary').click();
    expect((await submitSubscribe(page, 'email', email)).status()).toBe(202);
    expect(await page.locator('.box > p').first().textContent()).toBe(`If ${email} can receive mail, a link to confirm is on its way (valid 48 hours).`);
    const manage = linkIn((await mailsTo(email, 1))[0]!, 'subscription');
    await page.goto(manage);
    expect((await press(page, 'Confirm subscription')).status()).toBe(200);
    expect((await subscriberOf(statusPage, email))?.confirmedAt).not.toBeNull();
    // Back on the link's page: confirmed now, and its Unsubscribe button.
    await page.goto(manage);
    expect(await page.locator('.box > p').nth(1).textContent()).toBe('Subscribed: it gets a notice when an incident starts, is updated or is resolved.');
    expect((await press(page, 'Unsubscribe')).status()).toBe(200);
    expect(await page.locator('.box > p').first().textContent()).toBe(`Unsubscribed. ${email} will get no more notices from this page.`);
    expect(await subscriberOf(statusPage, email)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  // (Chromium always comes from 127.0.0.1, and the file sends 8 mails and challenges: SUBSCRIPTION_LIMITS allows 10 a minute.
  // Asking again for the same address within ten minutes sends nothing, so each round asks for the same one.)
  it('lays out the subscribe block and the subscriber pages at 1280 and 390 px, in Korean, and dark', async () => {
    const email = 'layout-reader@example.com';
    const KO_PHONE = { ...PHONE, locale: 'ko-KR', timezoneId: 'Asia/Seoul' };
    const configs: { name: string; options: BrowserContextOptions; width: number; ko?: boolean; dark?: boolean }[] = [
      { name: 'en-1280', options: DESKTOP, width: 1280 },
      { name: 'en-390', options: PHONE, width: 390 },
      { name: 'ko-390', options: KO_PHONE, width: 390, ko: true },
      { name: 'ko-390-dark', options: { ...KO_PHONE, colorScheme: 'dark' }, width: 390, ko: true, dark: true },
      { name: 'en-1280-dark', options: { ...DESKTOP, colorScheme: 'dark' }, width: 1280, dark: true },
    ];
    let manage: string | undefined;
    const allErrors: string[] = [];
    for (const { name, options, width, ko, dark } of configs) {
      const { page, errors } = await openStatus(`/status/${SLUG}`, options);
      await page.locator('#subscribe summary').click();
      expect(await page.locator('#subscribe summary').textContent()).toBe(ko ? '업데이트 구독' : 'Subscribe to updates');
      expect(await page.locator('#subscribe form button').allTextContents()).toEqual(ko ? ['구독하기', '구독하기'] : ['Subscribe', 'Subscribe']);
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(dark ? 'rgb(14, 17, 22)' : 'rgb(245, 246, 248)');
      if (dark) {
        // The fields are dark too, their text light.
        const field = await page.locator('#se').evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
        expect(field[0]).toBe('rgb(14, 17, 22)');
        expect(field[1]).not.toBe('rgb(0, 0, 0)');
      }
      await expectSubscribeLayout(page, width, `${name} status page`);
      await expectNoOverlap(page, width);
      if (width === 390) {
        // Full width on a phone: the window less the page's and the card's margins.
        const inputs = await page.locator('#subscribe input').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
        for (const w of inputs) expect(w, name).toBeGreaterThanOrEqual(320);
      }
      expect(await seriousViolations(page), name).toEqual([]);
      await shot(page, `${name}-status-page`);
      await page.locator('#subscribe').screenshot({ path: `${SUBSCRIBE_SHOTS}/${name}-subscribe-block.png` });

      // The answer to the email form (a second ask of the same address sends no second mail: the same answer).
      expect((await submitSubscribe(page, 'email', email)).status()).toBe(202);
      expect(await page.locator('.box > p').first().textContent()).toBe(
        ko
          ? `${email} 주소로 메일을 받을 수 있다면 구독 확인 링크가 곧 도착합니다(48시간 동안 유효).`
          : `If ${email} can receive mail, a link to confirm is on its way (valid 48 hours).`,
      );
      await expectSubscribeLayout(page, width, `${name} email sent`);
      expect(await seriousViolations(page), name).toEqual([]);
      await shot(page, `${name}-email-sent`);

      // The link's page, with its two buttons.
      manage ??= linkIn((await mailsTo(email, 1))[0]!, 'subscription');
      await page.goto(manage);
      expect(await page.getByRole('button').allTextContents()).toEqual(ko ? ['구독 확인', '구독 해지'] : ['Confirm subscription', 'Unsubscribe']);
      await expectSubscribeLayout(page, width, `${name} manage`);
      expect(await seriousViolations(page), name).toEqual([]);
      await shot(page, `${name}-manage`);

      // A webhook by the form: the answer holds the long unsubscribe URL, which must wrap.
      const hook = hookUrl(`/acme-orders/${name}/a-rather-long-path-for-the-receiver-of-acme-incidents`);
      await page.goto(`${base()}/status/${SLUG}`);
      await page.locator('#subscribe summary').click();
      const answer = await submitSubscribe(page, 'webhook', hook);
      expect(answer.status(), await answer.text()).toBe(201);
      expect(await page.locator('.box code').textContent()).toMatch(new RegExp(`^${base()}/status/${SLUG}/unsubscribe\\?token=[\\w-]+$`));
      await expectSubscribeLayout(page, width, `${name} webhook subscribed`);
      expect(await seriousViolations(page), name).toEqual([]);
      await shot(page, `${name}-webhook-subscribed`);
      expect((await subscriberOf(statusPage, hook))?.confirmedAt).not.toBeNull();

      // A link that is not (or no longer) one.
      expect((await page.goto(`${base()}/status/${SLUG}/subscription?token=nope`))?.status()).toBe(404);
      await expectSubscribeLayout(page, width, `${name} invalid link`);
      await shot(page, `${name}-invalid-link`);
      allErrors.push(...errors.filter((e) => e !== `HTTP 404: GET /status/${SLUG}/subscription?token=nope`));
    }
    expect(allErrors).toEqual([]);
  });
});
