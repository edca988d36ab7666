/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Notification channels in the dashboard, used as a person would: a Slack channel made through the
 * form against a real local receiver (the browser's and the API's field errors at their fields),
 * "Send test" showing what the receiver answered (200, then 500), the delivery log filling live as
 * an endpoint goes DOWN and paging with "Load more", an edit that keeps the stored webhook URL,
 * the enabled switch, delete; the WEBHOOK_URL channel read-only; all of it in Korean, on a phone,
 * light and dark, nothing cut off or overlapping.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel, NotificationDelivery } from '../../server/contract/notifications.ts';
import type { Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

interface Received {
  method: string;
  path: string;
  body: any;
  at: number;
}

/** A tiny webhook receiver on 127.0.0.1: records each request, answers 200 "ok" (Telegram's paths its JSON) unless told otherwise for the next ones. */
async function startReceiver() {
  const received: Received[] = [];
  const script: { status: number; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {}
      received.push({ method: req.method ?? '', path: req.url ?? '', body, at: Date.now() });
      // Telegram's Bot API answers JSON; everyone else here "ok".
      const telegram = req.url?.startsWith('/tg/');
      const answer = script.shift() ?? { status: 200, body: telegram ? '{"ok":true,"result":{"message_id":1}}' : 'ok' };
      res.writeHead(answer.status, { 'content-type': telegram ? 'application/json' : 'text/plain' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    to: (path: string) => received.filter((r) => r.path === path),
    answerNext: (status: number, body: string) => void script.push({ status, body }),
    reset: () => {
      received.length = 0;
      script.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
const item = (page: Page, name: string) => page.locator('.ntf-item', { has: page.locator('h3', { hasText: name }) });
const toastsGone = (page: Page) => expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);

async function expectLaidOut(page: Page, selector: string, atLeast: number) {
  const layout = await layoutOf(page, selector);
  expect(layout.count).toBeGreaterThanOrEqual(atLeast);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}

/** Elements whose text is wider or taller than their box (cut off), but those meant to end in "…". */
function cutText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    (sel) =>
      [...document.querySelectorAll<HTMLElement>(sel)]
        .filter((el) => getComputedStyle(el).textOverflow !== 'ellipsis')
        .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
        .map((el) => `${el.className || el.tagName}: ${el.innerText}`),
    selector,
  );
}

const PARTS = '.ntf-type, .ntf-item h3, .ntf-switch, .ntf-chip, .ntf-facts dt, .ntf-facts dd, .ntf-item .actions > *, .ntf-settings-badge';

describe('notification channels in the dashboard', () => {
  const env = useBrowserTestEnv();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver?.close());
  afterEach(() => receiver.reset());
  const channels = async () => (await env.vigil.api<{ items: NotificationChannel[] }>('GET', '/api/notification-channels')).body.items;

  it('makes a Slack channel through the form, tests it against a real receiver (200, then 500), logs deliveries live, keeps the secret on edit, switches it off and deletes it', async () => {
    const options = { viewport: { width: 1280, height: 900 } };
    const { page, errors } = await env.open('/', options);
    await page.getByRole('navigation').getByRole('link', { name: 'Notifications' }).click();
    await page.locator('#ntf-title').waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Notifications' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.empty').innerText()).toBe('No notification channels yet. Add one to be told when an endpoint goes DOWN.');
    await page.getByRole('link', { name: '+ New channel' }).click();
    await page.locator('#f-name').waitFor();

    // The form as it opens: Slack, its one field (write-only), where to get it; every event but DEGRADED.
    expect(await page.getByRole('radio', { name: 'Slack' }).isChecked()).toBe(true);
    expect(await page.locator('.ntf-config legend').innerText()).toBe('Connection: Slack');
    expect(await page.locator('#f-type-help').innerText()).toContain('Incoming Webhook URL of a Slack app: api.slack.com/apps');
    expect(await page.locator('.ntf-config .field label').allInnerTexts()).toEqual(['Webhook URL']);
    expect(await page.locator('#f-config-webhookUrl').getAttribute('type')).toBe('password');
    const checkedEvents = () =>
      page.locator('.ntf-event-field input').evaluateAll((els) => (els as HTMLInputElement[]).filter((e) => e.checked).map((e) => e.value));
    expect(await checkedEvents()).toEqual(['down', 'recovered', 'incident-started', 'incident-resolved', 'certificate-expiring', 'push-missed']);
    expect(await page.locator('#f-groupSeconds-hint').innerText()).toBe(
      'Notifications less than this many seconds apart go as one message (a minute at most); 0 sends each alone',
    );
    // Another type draws its own fields: Telegram's token (secret), chat id, and an API URL with its default.
    await page.getByRole('radio', { name: 'Telegram' }).check();
    expect(await page.locator('.ntf-config .field label').allInnerTexts()).toEqual(['Bot token', 'Chat ID', 'API URL (optional)']);
    expect(await page.locator('#f-type-help').innerText()).toContain('@BotFather');
    expect(await page.locator('#f-config-apiUrl-hint').innerText()).toBe('Empty: https://api.telegram.org');
    await page.getByRole('radio', { name: 'Email' }).check();
    expect(await page.locator('.ntf-config .field label').allInnerTexts()).toEqual([
      'SMTP host',
      'Port (optional)',
      'User name (optional)',
      'Password (optional)',
      'From',
      'To',
    ]);
    expect(await page.locator('[data-field="config-security"] legend').innerText()).toBe('Security (optional)');
    expect(await page.getByRole('radio', { name: 'STARTTLS' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Slack' }).check();

    // Caught in the browser: no name, no URL, no event; then a URL that is none. Nothing is sent.
    for (const box of await page.locator('.ntf-event-field input').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await expect.poll(() => fieldError(page, 'name').innerText()).toBe('Required');
    expect(await fieldError(page, 'config-webhookUrl').innerText()).toBe('Required');
    expect(await fieldError(page, 'events').innerText()).toBe('Choose at least one event');
    expect(await page.locator('.form-error').innerText()).toBe('Please fix the highlighted fields.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    await page.locator('#f-name').fill('Ops Slack');
    await page.locator('#f-config-webhookUrl').fill('hooks.slack.com/services/T0/B0/x');
    await page.getByRole('checkbox', { name: 'went DOWN' }).check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await expect.poll(() => fieldError(page, 'config-webhookUrl').innerText()).toBe('Must be an http:// or https:// URL');
    expect(await fieldError(page, 'name').count()).toBe(0);

    // The API's: a cloud metadata address is refused by the target policy, at its field.
    await page.locator('#f-config-webhookUrl').fill('http://169.254.169.254/x');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await expect
      .poll(() => fieldError(page, 'config-webhookUrl').innerText())
      .toBe('Blocked by the target policy: 169.254.169.254 (link-local / cloud metadata). See BLOCKED_TARGETS and ALLOWED_TARGETS');
    expect(await page.locator('#f-config-webhookUrl').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-config-webhookUrl');
    expect(await channels()).toEqual([]);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'notifications-form-errors');

    // Right this time: DEGRADED too, no certificate warnings, each notification alone.
    const hookPath = '/services/T0001/B0001/abcdefghijklmnopqrstuvwx';
    await page.locator('#f-config-webhookUrl').fill(receiver.url(hookPath));
    for (const label of ['became DEGRADED (slow, or a soft assertion failed)', 'recovered (back UP)', 'had an incident started', 'had its incident resolved']) {
      await page.getByRole('checkbox', { name: label }).check();
    }
    await page.locator('#f-groupSeconds').fill('0');
    await page.getByRole('radio', { name: 'Every N minutes' }).check();
    await page.locator('#f-reminder-everyMinutes').fill('30');
    await page.locator('#f-reminder-max').fill('3');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('#ntf-title').waitFor();
    await expect.poll(() => page.locator('[data-sonner-toast]').first().innerText()).toContain('Channel “Ops Slack” created');

    const [stored] = await channels();
    expect(stored).toMatchObject({
      name: 'Ops Slack',
      type: 'slack',
      enabled: true,
      language: 'en',
      config: { webhookUrl: '(secret)' },
      events: ['down', 'degraded', 'recovered', 'incident-started', 'incident-resolved'],
      allEndpoints: true,
      endpointIds: [],
      tags: [],
      reminder: { everyMinutes: 30, max: 3 },
      groupSeconds: 0,
      fromSettings: false,
    });

    // The list: type, switch, events as chips, what it covers, and no delivery yet.
    const slack = item(page, 'Ops Slack');
    expect(await slack.locator('.ntf-type').innerText()).toBe('Slack');
    expect(await slack.getByRole('switch', { name: 'Enabled: Ops Slack' }).isChecked()).toBe(true);
    expect(await slack.locator('.ntf-chip').allInnerTexts()).toEqual(['DOWN', 'DEGRADED', 'Recovered', 'Incident started', 'Incident resolved']);
    expect(await slack.locator('.ntf-facts').innerText()).toBe(
      'Covers\nAll endpoints\nLanguage\nEnglish\nReminders\nEvery 30 min, at most 3\nGrouping\nEach alone\nLast delivery\nNone yet',
    );

    // Send test: the receiver's answer inline and in a toast; it got Slack's message.
    await toastsGone(page);
    await slack.getByRole('button', { name: 'Send test' }).click();
    const result = slack.locator('.ntf-test-result p');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    expect(await result.innerText()).toMatch(/^✓ Test delivered HTTP 200 ok · \d+ ms$/);
    await expect.poll(() => page.locator('[data-sonner-toast]').first().innerText()).toContain('Test sent to “Ops Slack”: HTTP 200 ok');
    expect(receiver.to(hookPath)).toHaveLength(1);
    expect(receiver.to(hookPath)[0]!.body.text).toEqual(expect.any(String));
    await expect.poll(() => slack.locator('.ntf-last').innerText()).toMatch(/^✓ Delivered · Test · 200 · \d\d:\d\d:\d\d$/);

    // Once more, the receiver failing: the failure, its status and what it said.
    receiver.answerNext(500, 'internal_error');
    await slack.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect(await result.innerText()).toMatch(/^✗ Test failed HTTP 500 internal_error · \d+ ms$/);
    await expect
      .poll(() => page.locator('[data-sonner-toast][data-type="error"]').first().innerText())
      .toContain('Test to “Ops Slack” failed: HTTP 500 internal_error');
    await expect.poll(() => slack.locator('.ntf-last').innerText()).toMatch(/^✗ Failed · Test · 500 · /);

    // The log: both tests, newest first.
    await slack.getByRole('button', { name: 'Delivery log' }).click();
    const rows = slack.locator('.ntf-log-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome')))).toEqual(['failed', 'delivered']);
    const cells = (row: number) => rows.nth(row).locator('td').allInnerTexts();
    expect((await cells(0)).slice(1)).toEqual(['Test', '—', '—', '1', '✗ Failed', '500', 'HTTP 500 internal_error', expect.stringMatching(/^\d+ ms$/)]);
    expect((await cells(1)).slice(1, 7)).toEqual(['Test', '—', '—', '1', '✓ Delivered', '200']);

    // An endpoint goes DOWN (its first check fails): its notifications join the log as they go out.
    env.target.setMode('/pay', { kind: 'ok', status: 503, body: 'maintenance' });
    const pay = await env.createEndpoint({ path: '/pay', name: 'Payments API', failureThreshold: 1 });
    await expect.poll(() => slack.locator('.ntf-log-table tr[data-event="down"]').count(), { timeout: 15_000 }).toBe(1);
    const down = slack.locator('.ntf-log-table tr[data-event="down"]');
    expect(await down.getAttribute('data-outcome')).toBe('delivered');
    expect(await down.locator('.ntf-log-endpoint a').innerText()).toBe('Payments API');
    expect(await down.locator('.ntf-log-endpoint a').getAttribute('href')).toBe(`/endpoints/${pay.id}`);
    await expect.poll(() => slack.locator('.ntf-log-table tr[data-event="incident-started"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.count()).toBe(4);
    expect(await slack.locator('.ntf-last').innerText()).toMatch(/^✓ Delivered · (DOWN|Incident started) · 200 · /);
    expect(receiver.to(hookPath).some((r) => JSON.stringify(r.body).includes('Payments API'))).toBe(true);
    // The answer is cut to the column, whole in its title.
    expect(await rows.first().locator('.ntf-answer').getAttribute('title')).toBe('HTTP 200 ok');
    await toastsGone(page);
    expect(await cutText(page, PARTS)).toEqual([]);
    await expectLaidOut(page, '.ntf-item .ntf-head > *', 3);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'notifications-list');

    // More than a page: 20 more tests from another client; the log shows the newest 20, then the rest on "Load more".
    for (let i = 0; i < 20; i++) expect((await env.vigil.api('POST', `/api/notification-channels/${stored!.id}/test`)).status).toBe(200);
    await expect.poll(() => rows.count()).toBe(24);
    await slack.getByRole('button', { name: 'Hide log' }).click();
    await slack.getByRole('button', { name: 'Delivery log' }).click();
    await expect.poll(() => rows.count()).toBe(20);
    await slack.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(24);
    expect(await slack.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const log = (await env.vigil.api<ListPage<NotificationDelivery>>('GET', `/api/notification-channels/${stored!.id}/deliveries?limit=200`)).body.items;
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-delivery-id')))).toEqual(log.map((d) => d.id));

    // Edited: renamed, the webhook URL left empty (stored, kept). Tests still reach the same URL.
    await slack.getByRole('link', { name: 'Edit: Ops Slack' }).click();
    await expect.poll(() => page.locator('#f-name').inputValue()).toBe('Ops Slack');
    expect(await page.locator('#f-config-webhookUrl').inputValue()).toBe('');
    expect(await page.locator('#f-config-webhookUrl').getAttribute('placeholder')).toBe('•••••• stored');
    expect(await page.locator('#f-config-webhookUrl-hint').innerText()).toBe('Stored — leave empty to keep it, or type a new value');
    expect(await checkedEvents()).toEqual(['down', 'degraded', 'recovered', 'incident-started', 'incident-resolved']);
    expect(await page.locator('#f-reminder-everyMinutes').inputValue()).toBe('30');
    expect(await page.locator('#f-groupSeconds').inputValue()).toBe('0');
    await page.locator('#f-name').fill('Ops alerts (Slack)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#ntf-title').waitFor();
    const renamed = item(page, 'Ops alerts (Slack)');
    await renamed.waitFor();
    expect((await channels())[0]).toMatchObject({ name: 'Ops alerts (Slack)', config: { webhookUrl: '(secret)' } });
    const before = receiver.to(hookPath).length;
    await renamed.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => renamed.locator('.ntf-test-result p').getAttribute('data-ok')).toBe('true');
    expect(receiver.to(hookPath)).toHaveLength(before + 1);

    // Switched off from the list, and on again; then deleted, confirmed first.
    await toastsGone(page);
    await renamed.getByRole('switch').click();
    await expect.poll(() => renamed.getAttribute('data-enabled')).toBe('false');
    expect(await renamed.locator('.ntf-switch-text').innerText()).toBe('Off: nothing is sent');
    expect((await channels())[0]!.enabled).toBe(false);
    await renamed.getByRole('switch').click();
    await expect.poll(() => renamed.getAttribute('data-enabled')).toBe('true');
    await renamed.getByRole('button', { name: 'Delete: Ops alerts (Slack)' }).click();
    expect(await renamed.locator('.confirm > span').innerText()).toBe('Delete “Ops alerts (Slack)” and its log?');
    await renamed.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => page.locator('.empty').count()).toBe(1);
    expect(await channels()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('follows channels another client adds, changes and deletes over REST, live', async () => {
    const { page, errors } = await env.open('/notifications', { viewport: { width: 1280, height: 900 } });
    await page.locator('.empty').waitFor();
    env.target.setMode('/db', { kind: 'ok' });
    const ids = [];
    for (const name of ['Primary DB', 'Replica DB', 'Cache']) ids.push((await env.createEndpoint({ path: '/db', name })).id);
    const created = await env.vigil.api<NotificationChannel>('POST', '/api/notification-channels', {
      name: 'On-call pager',
      type: 'webhook',
      config: { url: receiver.url('/pager'), secret: 'hmac-secret-1' },
      endpointIds: ids,
      tags: ['db'],
      language: 'ko',
    });
    expect(created.status).toBe(201);
    const pager = item(page, 'On-call pager');
    await pager.waitFor();
    expect(await pager.locator('.ntf-type').innerText()).toBe('Webhook');
    expect(await pager.locator('.ntf-scope').innerText()).toBe('3 endpoints, tag db');
    expect(await pager.locator('.ntf-facts').innerText()).toContain('Language\n한국어');
    expect(await pager.locator('.ntf-grouping').innerText()).toBe('Within 5 s');

    // The receiver busy once: the log shows the attempt retrying (amber), then the retry delivered (green).
    await env.vigil.api('PATCH', `/api/notification-channels/${created.body.id}`, { groupSeconds: 0, events: ['down'] });
    await pager.getByRole('button', { name: 'Delivery log' }).click();
    await pager.locator('.ntf-log-empty').waitFor();
    expect(await pager.locator('.ntf-log-empty').innerText()).toBe('Nothing sent yet.');
    receiver.answerNext(503, 'busy, try again');
    env.target.setMode('/db-down', { kind: 'ok', status: 500 });
    await env.createEndpoint({ path: '/db-down', name: 'Archive DB', tags: ['db'], failureThreshold: 1 });
    const logRows = pager.locator('.ntf-log-table tbody tr');
    await expect.poll(() => logRows.count(), { timeout: 15_000 }).toBe(2);
    expect(await logRows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-event'), tr.getAttribute('data-outcome')]))).toEqual([
      ['down', 'delivered'],
      ['down', 'retrying'],
    ]);
    expect((await logRows.nth(1).locator('td').allInnerTexts()).slice(1, 8)).toEqual([
      'DOWN',
      'Archive DB',
      '1',
      '1',
      '↻ Retrying',
      '503',
      'HTTP 503 busy, try again',
    ]);
    expect((await logRows.nth(0).locator('td').allInnerTexts()).slice(4, 7)).toEqual(['2', '✓ Delivered', '200']);
    const colour = (outcome: string) => pager.locator(`.ntf-log-table .ntf-outcome[data-outcome="${outcome}"]`).evaluate((el) => getComputedStyle(el).color);
    expect(await colour('retrying')).toBe('rgb(180, 83, 9)');
    expect(await colour('delivered')).toBe('rgb(21, 128, 61)');
    expect(receiver.to('/pager').filter((r) => r.method === 'POST')).toHaveLength(2);
    await env.vigil.api('PATCH', `/api/notification-channels/${created.body.id}`, { name: 'Night pager', enabled: false });
    await expect.poll(() => item(page, 'Night pager').getAttribute('data-enabled')).toBe('false');
    // The same card, changed in place: its log stays open with its rows.
    expect(await item(page, 'Night pager').locator('.ntf-log-table tbody tr').count()).toBe(2);
    expect(await item(page, 'Night pager').locator('.ntf-switch-text').innerText()).toBe('Off: nothing is sent');
    await env.vigil.api('DELETE', `/api/notification-channels/${created.body.id}`);
    await page.locator('.empty').waitFor();
    expect(errors).toEqual([]);
  });
});

describe('the WEBHOOK_URL channel, and the page in Korean', () => {
  // Filled in once the receiver listens, before the first Vigil starts (beforeEach).
  const settings: Record<string, string> = {};
  const env = useBrowserTestEnv(settings);
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    settings.WEBHOOK_URL = receiver.url('/settings-hook');
  });
  afterAll(() => receiver?.close());

  it('shows the channel WEBHOOK_URL defines read-only (no switch, edit or delete), still testable', async () => {
    const [channel] = (await env.vigil.api<{ items: NotificationChannel[] }>('GET', '/api/notification-channels')).body.items;
    expect(channel).toMatchObject({ fromSettings: true, name: 'Webhook (WEBHOOK_URL)' });
    const { page, errors } = await env.open('/notifications', { viewport: { width: 1280, height: 900 } });
    const hook = item(page, 'Webhook (WEBHOOK_URL)');
    await hook.waitFor();
    expect(await hook.locator('.ntf-settings-badge').innerText()).toBe('From settings');
    expect(await hook.locator('.ntf-readonly').innerText()).toBe('Defined by WEBHOOK_URL: read-only here. Change the setting and restart Vigil to change it.');
    expect(await hook.getByRole('switch').isDisabled()).toBe(true);
    expect(await hook.getByRole('link', { name: /^Edit/ }).count()).toBe(0);
    expect(await hook.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    expect(await hook.locator('.ntf-chip').count()).toBe(7);
    expect(await hook.locator('.ntf-grouping').innerText()).toBe('Each alone');
    await hook.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => hook.locator('.ntf-test-result p').getAttribute('data-ok')).toBe('true');
    expect(receiver.to('/settings-hook')).toHaveLength(1);
    // Its edit page says why there is no form; the API refuses a change anyway.
    await page.goto(`${env.base()}/notifications/${channel!.id}/edit`);
    await page.locator('.ntf-readonly').waitFor();
    expect(await page.locator('.ntf-readonly').innerText()).toBe('This channel is defined by WEBHOOK_URL and cannot be edited here.');
    expect(await page.locator('form').count()).toBe(0);
    expect((await env.vigil.api('PATCH', `/api/notification-channels/${channel!.id}`, { enabled: false })).status).toBe(409);
    expect(errors).toEqual([]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`reads in Korean (${scheme}): the list switched to Korean at 1280 px, then the list and the form on a 375 px phone, nothing cut off or overlapping`, async () => {
      env.target.setMode('/orders', { kind: 'ok' });
      const ids = [];
      for (const name of ['주문 API', '결제 게이트웨이 (EU, primary region)', '재고 DB'])
        ids.push((await env.createEndpoint({ path: '/orders', name, tags: ['db'] })).id);
      const post = (body: object) => env.vigil.api<NotificationChannel>('POST', '/api/notification-channels', body);
      const telegram = await post({
        name: '운영팀 텔레그램 (야간 당직, 장애 전용 알림방)',
        type: 'telegram',
        language: 'ko',
        config: { botToken: '123456:ABC-secret-token', chatId: '-1001234567890', apiUrl: receiver.url('/tg') },
        events: ['down', 'recovered', 'incident-started', 'incident-resolved', 'certificate-expiring', 'push-missed', 'degraded'],
        endpointIds: ids,
        tags: ['db'],
        reminder: { everyMinutes: 30, max: 3 },
        groupSeconds: 60,
      });
      expect(telegram.status).toBe(201);
      await env.vigil.api('POST', `/api/notification-channels/${telegram.body.id}/test`);

      // Switched in the header, as a person would.
      const { page, errors } = await env.open('/notifications', { viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      await expect.poll(() => page.locator('.ntf-item').count()).toBe(2);
      await page.getByLabel('Language').selectOption('ko');
      await expect.poll(() => page.locator('#ntf-title').innerText()).toBe('알림');
      expect(await page.getByRole('navigation').getByRole('link', { name: '알림' }).getAttribute('aria-current')).toBe('page');
      const tg = item(page, '운영팀 텔레그램');
      expect(await tg.locator('.ntf-scope').innerText()).toBe('엔드포인트 3개, 태그 db');
      expect(await tg.locator('.ntf-reminder').innerText()).toBe('30분마다, 최대 3회');
      expect(await tg.locator('.ntf-grouping').innerText()).toBe('60초 안의 것을 한 번에');
      expect(await tg.locator('.ntf-chip').allInnerTexts()).toEqual([
        '다운',
        '성능 저하',
        '복구',
        '인시던트 시작',
        '인시던트 해결',
        '인증서 만료 임박',
        '푸시 누락',
      ]);
      await expect.poll(() => tg.locator('.ntf-last').innerText()).toMatch(/^✓ 전송됨 · 테스트 · 200 · /);
      expect(await item(page, 'Webhook (WEBHOOK_URL)').locator('.ntf-settings-badge').innerText()).toBe('설정에서');
      await tg.getByRole('button', { name: '테스트 보내기' }).click();
      await expect.poll(() => tg.locator('.ntf-test-result p').innerText()).toMatch(/^✓ 테스트 전송됨 HTTP 200 message_id 1 · \d+ ms$/);
      await tg.getByRole('button', { name: '전송 기록' }).click();
      await expect.poll(() => tg.locator('.ntf-log-table tbody tr').count()).toBe(2);
      expect(await tg.locator('.ntf-log-table thead th').allInnerTexts()).toEqual([
        '시각',
        '이벤트',
        '엔드포인트',
        '알림 수',
        '시도',
        '결과',
        '상태 코드',
        '응답',
        '지연',
      ]);
      await toastsGone(page);
      expect(await cutText(page, PARTS)).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `notifications-list-ko-${scheme}`);

      // A phone: the cards and the log stack, nothing sideways.
      const phone = await env.open('/notifications', { locale: 'ko-KR', viewport: { width: 375, height: 800 }, colorScheme: scheme });
      const small = phone.page;
      await expect.poll(() => small.locator('.ntf-item').count()).toBe(2);
      await item(small, '운영팀 텔레그램').getByRole('button', { name: '전송 기록' }).click();
      await expect.poll(() => small.locator('.ntf-log-table tbody tr').count()).toBe(2);
      await expectLaidOut(small, '.page-head h1, .page-head .button, .ntf-intro', 3);
      await expectLaidOut(small, '.ntf-item', 2);
      for (const part of ['.ntf-head > *', '.ntf-facts', '.actions > *']) await expectLaidOut(small, `.ntf-item:first-of-type ${part}`, 1);
      expect(await cutText(small, PARTS)).toEqual([]);
      expect(await seriousViolations(small)).toEqual([]);
      await saveScreenshot(small, `notifications-list-ko-375-${scheme}`);

      // The form on the phone: Korean words, errors at their fields.
      await small.locator('.page-head .button').click();
      await small.locator('#f-name').waitFor();
      expect(await small.locator('#form-title').innerText()).toBe('새 알림 채널');
      expect(await small.getByRole('radio', { name: '한국어' }).isChecked()).toBe(true);
      await small.getByRole('radio', { name: '선택한 엔드포인트와 태그' }).check();
      await small.getByRole('button', { name: '채널 만들기' }).click();
      await expect.poll(() => fieldError(small, 'name').innerText()).toBe('필수 항목입니다');
      expect(await fieldError(small, 'config-webhookUrl').innerText()).toBe('필수 항목입니다');
      expect(await fieldError(small, 'endpointIds').innerText()).toBe('엔드포인트나 태그를 하나 이상 고르거나, 모든 엔드포인트를 고르세요');
      expect(await small.getByRole('checkbox', { name: '다운됨' }).isChecked()).toBe(true);
      await expectLaidOut(small, '.ntf-form > .field, .ntf-form > .type-choice, .ntf-form > fieldset, .ntf-form > .actions', 8);
      expect(await seriousViolations(small)).toEqual([]);
      await saveScreenshot(small, `notifications-form-ko-375-${scheme}`);
      // The API's error, in Korean, at its field.
      await small.locator('#f-name').fill('운영팀 Slack');
      await small.locator('#f-config-webhookUrl').fill('http://169.254.169.254/hooks');
      await small.getByRole('radio', { name: '모든 엔드포인트' }).check();
      await small.getByRole('button', { name: '채널 만들기' }).click();
      await expect
        .poll(() => fieldError(small, 'config-webhookUrl').innerText())
        .toBe('보안 정책으로 차단된 대상입니다: 169.254.169.254 (link-local / cloud metadata). BLOCKED_TARGETS와 ALLOWED_TARGETS를 보세요');
      expect([...errors, ...phone.errors]).toEqual([]);
    });
  }
});
