/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Maintenance windows in the dashboard: the Maintenance page's form (a one-off window over one
 * endpoint, a recurring one on a cron schedule in the browser's time zone, field errors of the
 * browser and of the API), the list live as another client adds a window over REST, End now and
 * delete; the card turning MAINTENANCE "until …" the moment its window starts and back to its own
 * status when the window goes, the endpoint page's section; in Korean, on a phone, light and dark.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint, MaintenanceWindow, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

const ZONE = 'Asia/Seoul';
const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const item = (page: Page, name: string) => page.locator('.mw-item', { has: page.locator('h3', { hasText: name }) });

/** A time as a datetime-local input in ZONE takes it: "2026-03-01T14:05". */
function zoneInput(ms: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(ms)
    .replace(' ', 'T');
}
/** The minute `ms` falls in, as the API writes it. */
const minuteIso = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
const clockIn = (iso: string, timeZone = ZONE) =>
  new Intl.DateTimeFormat('en', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
/**
 * The hour of the day, in `timeZone`, twelve hours from now: a recurring window of a few hours
 * starting then is never going on while the test runs, whatever the time CI starts it.
 */
function hourAway(timeZone: string): { cron: string; clock: string } {
  const hour = Number(new Intl.DateTimeFormat('en', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(Date.now() + 12 * 3_600_000));
  return { cron: String(hour), clock: String(hour).padStart(2, '0') };
}

async function expectLaidOut(page: Page, selector: string, atLeast: number) {
  const layout = await layoutOf(page, selector);
  expect(layout.count).toBeGreaterThanOrEqual(atLeast);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}

const toastsGone = (page: Page) => expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);

describe('maintenance windows in the dashboard', () => {
  const env = useBrowserTestEnv();
  const windows = async () => (await env.vigil.api<ListPage<MaintenanceWindow>>('GET', '/api/maintenance-windows')).body.items;
  const endpointNow = async (id: string) => (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${id}`)).body;

  it('adds a one-off window through the form: the card turns MAINTENANCE live "until …", and back UP when the window is deleted', async () => {
    env.target.setMode('/orders', { kind: 'ok' });
    env.target.setMode('/billing', { kind: 'ok' });
    const orders = await env.createEndpoint({ path: '/orders', name: 'Orders API', tags: ['shop'] });
    const billing = await env.createEndpoint({ path: '/billing', name: 'Billing API', tags: ['billing'] });
    const options = { viewport: { width: 1280, height: 900 }, timezoneId: ZONE };
    const { page: dashboard, errors: dashboardErrors } = await env.open('/', options);
    await expect.poll(() => card(dashboard, orders.id).getAttribute('data-status')).toBe('UP');
    await expect.poll(() => card(dashboard, billing.id).getAttribute('data-status')).toBe('UP');
    expect(await dashboard.locator('.count[data-status="MAINTENANCE"]').innerText()).toBe('0\n◆ Maintenance');

    const { page, errors } = await env.open('/', options);
    await page.getByRole('navigation').getByRole('link', { name: 'Maintenance' }).click();
    await page.locator('#mw-title').waitFor();
    expect(await page.locator('.empty').innerText()).toBe('No maintenance windows yet.');
    await page.getByRole('link', { name: '+ New window' }).click();
    await page.locator('#f-name').waitFor();
    expect(await page.getByRole('radio', { name: 'Once' }).isChecked()).toBe(true);
    expect(await page.locator('#f-startsAt-hint').innerText()).toBe(`In this browser’s time zone (${ZONE})`);

    // Caught in the browser: no name, an end before the start, nothing covered. Nothing is sent.
    const now = Date.now();
    await page.locator('#f-startsAt').fill(zoneInput(now + 3_600_000));
    await page.locator('#f-endsAt').fill(zoneInput(now - 3_600_000));
    await page.getByRole('button', { name: 'Create window' }).click();
    await expect.poll(() => fieldError(page, 'endsAt').innerText()).toBe('Must be after the start');
    expect(await fieldError(page, 'name').innerText()).toBe('Required');
    expect(await fieldError(page, 'endpointIds').innerText()).toBe('Choose at least one endpoint or tag, or all endpoints');
    expect(await page.locator('.form-error').innerText()).toBe('Please fix the highlighted fields.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-name');
    expect(await windows()).toEqual([]);
    await saveScreenshot(page, 'maintenance-form-errors');

    // A window from five minutes ago to an hour from now, over Orders API picked from the list.
    await page.locator('#f-name').fill('DB upgrade');
    await page.locator('#f-description').fill('PostgreSQL 17 → 18; writes pause for a few minutes.');
    await page.locator('#f-startsAt').fill(zoneInput(now - 5 * 60_000));
    await page.locator('#f-endsAt').fill(zoneInput(now + 60 * 60_000));
    await page.getByPlaceholder('Search endpoints').fill('orders');
    expect(await page.locator('#f-endpointIds-options li').allInnerTexts()).toEqual(['Orders API']);
    await page.getByRole('checkbox', { name: 'Orders API' }).check();
    expect(await page.locator('#f-endpointIds-count').innerText()).toBe('1 chosen');
    expect(await page.locator('.mw-tag').allInnerTexts()).toEqual(['billing', 'shop']);
    await page.getByRole('button', { name: 'Create window' }).click();
    await page.locator('#mw-title').waitFor();
    await expect.poll(() => page.locator('[data-sonner-toast]').first().innerText()).toContain('Maintenance window “DB upgrade” created');

    const [stored] = await windows();
    expect(stored).toMatchObject({
      name: 'DB upgrade',
      kind: 'once',
      startsAt: minuteIso(now - 5 * 60_000),
      endsAt: minuteIso(now + 60 * 60_000),
      cron: null,
      durationMinutes: null,
      timezone: null,
      allEndpoints: false,
      endpointIds: [orders.id],
      tags: [],
      active: true,
    });

    // The list: going on now, with its period, scope and description.
    const listed = item(page, 'DB upgrade');
    expect(await listed.getAttribute('data-state')).toBe('active');
    expect(await page.locator('#mw-group-active').innerText()).toBe('In maintenance now (1)');
    expect(await listed.locator('.mw-kind').innerText()).toBe('One-off');
    expect(await listed.locator('.mw-state').innerText()).toMatch(new RegExp(`^◆ Active until .*${clockIn(stored!.endsAt!)}$`));
    expect(await listed.locator('.mw-facts').innerText()).toMatch(
      /^When\n.+ – .+\nCovers\nOrders API\nDescription\nPostgreSQL 17 → 18; writes pause for a few minutes\.$/,
    );

    // The other tab's dashboard: that card alone turns MAINTENANCE, saying until when and why.
    const orderCard = card(dashboard, orders.id);
    await expect.poll(() => orderCard.getAttribute('data-status')).toBe('MAINTENANCE');
    expect(await orderCard.locator('.live-badge').innerText()).toBe('Maintenance');
    expect(await orderCard.locator('.maint-note').innerText()).toMatch(new RegExp(`^In maintenance until (.+, )?${clockIn(stored!.endsAt!)} · DB upgrade$`));
    expect(await card(dashboard, billing.id).getAttribute('data-status')).toBe('UP');
    expect(await dashboard.locator('.count-value[data-count="MAINTENANCE"]').innerText()).toBe('1');
    expect(await dashboard.locator('.count-value[data-count="UP"]').innerText()).toBe('1');
    expect((await endpointNow(orders.id)).status).toBe('MAINTENANCE');
    // A check made in the window: drawn in the maintenance colour, left out of the uptime.
    await env.vigil.api('POST', `/api/endpoints/${orders.id}/check`);
    await expect.poll(() => orderCard.locator('.strip i[data-maintenance]').count()).toBe(1);
    expect(await orderCard.getAttribute('data-status')).toBe('MAINTENANCE');
    expect(await orderCard.locator('.strip').getAttribute('aria-label')).toBe('Last 2 checks: 2 up, 0 degraded, 0 down; 1 in a maintenance window');
    expect(await orderCard.locator('.card-uptime').innerText()).toBe('100 %');
    await toastsGone(dashboard);
    await saveScreenshot(dashboard, 'maintenance-dashboard');
    expect(await seriousViolations(dashboard)).toEqual([]);

    // Its endpoint page: the status says until when, the section lists the window.
    const { page: endpointPage } = await env.open(`/endpoints/${orders.id}`, options);
    await endpointPage.locator('#ep-maintenance-title').waitFor();
    expect(await endpointPage.locator('.ep-head .badge').getAttribute('data-status')).toBe('MAINTENANCE');
    expect(await endpointPage.locator('.ep-head .maint-note').innerText()).toContain('DB upgrade');
    await expect.poll(() => endpointPage.locator('.mw-ep-list li').count()).toBe(1);
    expect(await endpointPage.locator('.mw-ep-list li').innerText()).toContain('DB upgrade');
    await expect.poll(() => endpointPage.locator('td .mw-check').count()).toBe(1);

    // Deleted, confirmed first: the card is back to its own status, live.
    await toastsGone(page);
    await listed.getByRole('button', { name: 'Delete: DB upgrade' }).click();
    expect(await listed.locator('.confirm > span').innerText()).toBe('Delete “DB upgrade”?');
    await listed.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => page.locator('.empty').innerText()).toBe('No maintenance windows yet.');
    await expect.poll(() => orderCard.getAttribute('data-status')).toBe('UP');
    expect(await orderCard.locator('.maint-note').count()).toBe(0);
    expect(await dashboard.locator('.count-value[data-count="MAINTENANCE"]').innerText()).toBe('0');
    await expect.poll(() => endpointPage.locator('.ep-head .badge').getAttribute('data-status')).toBe('UP');
    await expect.poll(() => endpointPage.locator('.mw-ep-list li').count()).toBe(0);
    expect(await windows()).toEqual([]);
    expect([...errors, ...dashboardErrors]).toEqual([]);
  });

  it('lists a window another client adds over REST live, adds a recurring one in the browser’s zone, shows the API’s field errors, and ends a one-off window now', async () => {
    env.target.setMode('/search', { kind: 'ok' });
    const search = await env.createEndpoint({ path: '/search', name: 'Search', tags: ['shop'] });
    const berlin = hourAway('Europe/Berlin');
    const seoul = hourAway(ZONE);
    const sundays = `0 ${seoul.cron} * * 0`;
    const { page, errors } = await env.open('/maintenance', { viewport: { width: 1280, height: 900 }, timezoneId: ZONE });
    await page.locator('.empty').waitFor();

    // Another client: a weekly window over the shop tag. It shows at once, among those to come.
    const created = await env.vigil.api<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: 'Weekly reindex',
      cron: `30 ${berlin.cron} * * 1-5`,
      durationMinutes: 90,
      timezone: 'Europe/Berlin',
      tags: ['shop'],
    });
    expect(created.status).toBe(201);
    const listed = item(page, 'Weekly reindex');
    await listed.waitFor();
    expect(await listed.getAttribute('data-state')).toBe('upcoming');
    expect(await listed.locator('.mw-kind').innerText()).toBe('Recurring');
    expect(await listed.locator('.mw-when').innerText()).toBe(
      `every Monday, Tuesday, Wednesday, Thursday, and Friday at ${berlin.clock}:30 (cron 30 ${berlin.cron} * * 1-5) · Europe/Berlin · lasting 90 min`,
    );
    expect(await listed.locator('.mw-state').innerText()).toMatch(/^Next: .+ – .+$/);
    expect(await listed.locator('.mw-facts dd').nth(1).innerText()).toBe('tags shop');
    // Renamed and deleted elsewhere: followed too.
    await env.vigil.api('PATCH', `/api/maintenance-windows/${created.body.id}`, { name: 'Nightly reindex' });
    await item(page, 'Nightly reindex').waitFor();
    await env.vigil.api('DELETE', `/api/maintenance-windows/${created.body.id}`);
    await page.locator('.empty').waitFor();

    // A recurring window in the form: cron in words, the length in hours, the zone the browser's.
    await page.getByRole('link', { name: '+ New window' }).click();
    await page.locator('#f-name').fill('Sunday backups');
    await page.getByRole('radio', { name: 'On a schedule (cron)' }).check();
    expect(await page.locator('#f-timezone').inputValue()).toBe(ZONE);
    expect(await page.getByLabel('Not before (optional)').count()).toBe(1);
    await page.locator('#f-cron').fill(sundays);
    expect(await page.locator('#f-cron-hint').innerText()).toBe(`That is: every Sunday at ${seoul.clock}:00`);
    await page.locator('#f-durationMinutes').fill('120');
    expect(await page.locator('#f-durationMinutes-hint').innerText()).toBe('Each period lasts 2 h');
    await page.getByRole('radio', { name: 'All endpoints' }).check();
    expect(await page.locator('#f-endpointIds').count()).toBe(0);
    // The browser's checks: the length's bounds, the zone.
    await page.locator('#f-durationMinutes').fill('50000');
    await page.locator('#f-timezone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Create window' }).click();
    await expect.poll(() => fieldError(page, 'durationMinutes').innerText()).toBe('A whole number of minutes from 1 to 43200');
    expect(await fieldError(page, 'timezone').innerText()).toBe('Not a time zone: use an IANA name such as Asia/Seoul');
    await page.locator('#f-durationMinutes').fill('120');
    await page.locator('#f-timezone').fill(ZONE);
    // The API's: five fields the browser lets through, but no minute 61.
    await page.locator('#f-cron').fill(`61 ${seoul.cron} * * 0`);
    await page.getByRole('button', { name: 'Create window' }).click();
    await expect.poll(() => fieldError(page, 'cron').innerText()).toMatch(/^Not a cron expression Vigil can follow: .+/);
    expect(await page.locator('#f-cron').getAttribute('aria-invalid')).toBe('true');
    expect(await windows()).toEqual([]);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'maintenance-form-recurring');
    await page.locator('#f-cron').fill(sundays);
    await page.getByRole('button', { name: 'Create window' }).click();
    await item(page, 'Sunday backups').waitFor();
    expect((await windows())[0]).toMatchObject({
      kind: 'recurring',
      cron: sundays,
      durationMinutes: 120,
      timezone: ZONE,
      startsAt: null,
      endsAt: null,
      allEndpoints: true,
      endpointIds: [],
      tags: [],
    });
    expect(await item(page, 'Sunday backups').locator('.mw-when').innerText()).toBe(
      `every Sunday at ${seoul.clock}:00 (cron ${sundays}) · ${ZONE} · lasting 2 h`,
    );

    // Edited: the form comes back filled; the kind changed to once needs a start and an end.
    await item(page, 'Sunday backups').getByRole('link', { name: 'Edit: Sunday backups' }).click();
    await expect.poll(() => page.locator('#f-cron').inputValue()).toBe(sundays);
    expect(await page.getByRole('radio', { name: 'All endpoints' }).isChecked()).toBe(true);
    await page.getByRole('link', { name: 'Cancel' }).click();

    // A one-off window going on now over Search, ended from the list.
    await env.vigil.api('POST', '/api/maintenance-windows', {
      name: 'Hotfix',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endpointIds: [search.id],
    });
    const hotfix = item(page, 'Hotfix');
    await hotfix.waitFor();
    expect(await hotfix.getAttribute('data-state')).toBe('active');
    await expect.poll(async () => (await endpointNow(search.id)).status).toBe('MAINTENANCE');
    expect(await page.locator('.mw-group').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-state')))).toEqual(['active', 'upcoming']);
    await hotfix.getByRole('button', { name: 'End now: Hotfix' }).click();
    await expect.poll(() => hotfix.getAttribute('data-state')).toBe('past');
    expect(await hotfix.locator('.mw-state').innerText()).toBe('No period to come');
    await expect.poll(async () => (await endpointNow(search.id)).status).toBe('UP');
    await toastsGone(page);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'maintenance-list');
    expect(errors).toEqual([]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`reads in Korean on a 375 px phone (${scheme}): the list, the form and a card in maintenance, nothing cut off or overlapping`, async () => {
      env.target.setMode('/pay', { kind: 'ok' });
      const pay = await env.createEndpoint({ path: '/pay', name: '결제 게이트웨이 (EU, primary region)', tags: ['payments'] });
      const post = (body: object) => env.vigil.api('POST', '/api/maintenance-windows', body);
      await post({
        name: '데이터베이스 업그레이드 (PostgreSQL 18, 쓰기 일시 중지)',
        description: '쓰기가 몇 분 동안 멈춥니다.',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
        endpointIds: [pay.id],
      });
      const seoul = hourAway(ZONE);
      await post({ name: '주간 재색인', cron: `0 ${seoul.cron} * * 0`, durationMinutes: 120, timezone: ZONE, tags: ['payments'] });
      await post({ name: '지난 점검', startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-01-01T01:00:00Z', allEndpoints: true });
      const options = { locale: 'ko-KR', viewport: { width: 375, height: 800 }, timezoneId: ZONE, colorScheme: scheme };

      const { page, errors } = await env.open('/maintenance', options);
      await expect.poll(() => page.locator('.mw-item').count()).toBe(3);
      expect(await page.locator('#mw-title').innerText()).toBe('점검 일정');
      expect(await page.locator('.mw-group h2').allInnerTexts()).toEqual(['지금 점검 중 (1)', '예정 (1)', '종료됨 (1)']);
      expect(await item(page, '주간 재색인').locator('.mw-when').innerText()).toBe(
        `매주 일요일 ${seoul.clock}:00 (cron 0 ${seoul.cron} * * 0) · ${ZONE} · 2시간 동안`,
      );
      expect(await item(page, '지난 점검').locator('.mw-facts dd').nth(1).innerText()).toBe('모든 엔드포인트');
      await expectLaidOut(page, '.page-head h1, .page-head .button, .mw-intro', 3);
      await expectLaidOut(page, '.mw-item', 3);
      for (const part of ['.mw-head', '.mw-facts', '.actions']) await expectLaidOut(page, `.mw-item:first-of-type ${part}`, 1);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `maintenance-list-ko-375-${scheme}`);

      await page.locator('.page-head .button').click();
      await page.getByRole('radio', { name: '정해진 일정마다 (cron)' }).check();
      await page.getByRole('button', { name: '점검 일정 만들기' }).click();
      await expect.poll(() => fieldError(page, 'cron').innerText()).toBe('필수 항목입니다');
      expect(await fieldError(page, 'name').innerText()).toBe('필수 항목입니다');
      expect(await fieldError(page, 'endpointIds').innerText()).toBe('엔드포인트나 태그를 하나 이상 고르거나, 모든 엔드포인트를 고르세요');
      await expectLaidOut(page, '.mw-form > .field, .mw-form > .type-choice, .mw-form > .form-row, .mw-form > .actions', 7);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `maintenance-form-ko-375-${scheme}`);

      const { page: dashboard, errors: dashboardErrors } = await env.open('/', options);
      const payCard = card(dashboard, pay.id);
      await expect.poll(() => payCard.getAttribute('data-status')).toBe('MAINTENANCE');
      expect(await payCard.locator('.live-badge').innerText()).toBe('점검 중');
      expect(await payCard.locator('.maint-note').innerText()).toMatch(/까지 점검 중 · 데이터베이스 업그레이드/);
      await expectLaidOut(dashboard, `.card[data-endpoint-id="${pay.id}"] :is(.card-name, .live-badge, .maint-note, .strip)`, 4);
      expect(await dashboard.locator('.count[data-status="MAINTENANCE"] .count-label').innerText()).toBe('◆ 점검 중');
      expect(await seriousViolations(dashboard)).toEqual([]);
      await saveScreenshot(dashboard, `maintenance-dashboard-ko-375-${scheme}`);
      expect([...errors, ...dashboardErrors]).toEqual([]);
    });
  }
});
