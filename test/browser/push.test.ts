/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Push (heartbeat) endpoints in the dashboard (issue 16 part 3): the form's schedule (every N
 * seconds, or a cron expression in a time zone) and grace, what is stored, the endpoint page's
 * clock (last ping, deadline) and its Ping URL box (copy, a new URL), the endpoint going UP and
 * DOWN live as this test pings it from Node, the badge and last ping on the dashboard, the API
 * key a ping URL needs, in English and Korean, on a desk and on a phone. The token shows in the
 * Ping URL box and nowhere else.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
const statusOf = (page: Page) => page.locator('.ep-head .badge').getAttribute('data-status');
/** The facts of a <dl> as label → value. */
const factsIn = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .locator(':scope > div')
    .evaluateAll((divs) =>
      Object.fromEntries(divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), (d.querySelector('dd') as HTMLElement).innerText.trim()])),
    );
const liveFacts = (page: Page) => factsIn(page, 'dl.facts');
const definition = (page: Page) => factsIn(page, '[data-testid="definition"]');

/** A ping as a job sends it (GET unless a body is given): Vigil's answer and its text. */
async function ping(url: string, body?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, body === undefined ? {} : { method: 'POST', body });
  return { status: response.status, text: await response.text() };
}

/** The controls of the form that are shown, by id (without "f-"). */
function shownControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.form :is(input, select, textarea, button)[id^="f-"], .form #assertions-add')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && el.getAttribute('type') !== 'radio';
      })
      .map((el) => el.id.replace(/^f-/, '')),
  );
}

async function expectLaidOut(page: Page, selector: string, atLeast: number) {
  const layout = await layoutOf(page, selector);
  expect(layout.count).toBeGreaterThanOrEqual(atLeast);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}

/** How often `text` appears in the page's text, its title and its attributes. */
const occurrences = (page: Page, text: string) =>
  page.evaluate((needle) => {
    const inText = document.body.innerText.split(needle).length - 1;
    const inTitle = document.title.split(needle).length - 1;
    const inAttributes = [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes]).filter((a) => a.value.includes(needle)).length;
    return inText + inTitle + inAttributes;
  }, text);

describe('push endpoints in the dashboard', () => {
  const env = useBrowserTestEnv();
  const storedEndpoints = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;
  const tokenOf = async (id: string) => (await env.vigil.api<{ token: string; pingUrl: string }>('GET', `/api/endpoints/${id}/push-url`)).body.token;

  it('adds one pinged every hour through the form, shows its ping URL, turns UP and DOWN live as a job pings it, and makes a new URL', async () => {
    const { page, context, errors } = await env.open('/endpoints/new', { viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Seoul' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base() });
    await page.locator('#f-name').waitFor();
    expect(await page.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value))).toEqual([
      'http',
      'tcp',
      'dns',
      'tls',
      'push',
    ]);
    await page.getByRole('radio', { name: 'Push (heartbeat)' }).check();
    expect(await page.locator('#f-type-hint').innerText()).toBe('Waits for the pings your job or cron sends to its own URL, and is down when one is late.');
    // No request to make: no URL, method, headers, body, status codes, timeout, threshold or assertions.
    expect(await shownControls(page)).toEqual(['name', 'intervalSeconds', 'graceSeconds', 'failureThreshold', 'recoveryThreshold', 'slaTarget', 'tags']);
    expect(await page.locator('.push-note').innerText()).toBe('Vigil makes the ping URL when you save; it is shown on the endpoint’s page.');
    expect(await page.getByRole('radio', { name: 'Every N seconds' }).isChecked()).toBe(true);
    await page.locator('#f-name').fill('Nightly backup');
    await page.getByLabel('A ping every (seconds)').fill('3600');
    expect(await page.locator('#f-intervalSeconds-hint').innerText()).toBe('1 h after the last ping');
    await page.getByLabel('Grace period (seconds)').fill('300');
    expect(await page.locator('#f-graceSeconds-hint').innerText()).toBe('How long after the expected time a ping may still come: 5 min');
    // Caught in the browser first: the grace's bounds.
    await page.getByLabel('Grace period (seconds)').fill('0');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'graceSeconds').innerText()).toBe('Must be between 1 and 604800');
    expect(await storedEndpoints()).toEqual([]);
    await page.getByLabel('Grace period (seconds)').fill('300');
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'push-form-interval');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Nightly backup' }).waitFor();

    const [stored] = await storedEndpoints();
    expect(stored).toMatchObject({
      type: 'push',
      url: 'push:(secret)',
      intervalSeconds: 3600,
      graceSeconds: 300,
      cron: null,
      timezone: null,
      headers: {},
      body: null,
      assertions: [],
      lastPingAt: null,
      status: 'PENDING',
    });
    expect(Date.parse(stored!.nextDeadlineAt!) - Date.parse(stored!.updatedAt)).toBe(3900_000);

    // Its page: the schedule instead of the URL, nothing to check now, the clock, the ping URL.
    expect(await page.locator('p.url').innerText()).toBe('PUSH Every 1 h');
    expect(await page.getByRole('button', { name: 'Check now' }).count()).toBe(0);
    const pingUrl = page.getByTestId('ping-url');
    await pingUrl.waitFor();
    const url = await pingUrl.innerText();
    const token = await tokenOf(stored!.id);
    expect(url).toBe(`${env.base()}/api/push/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    expect(await page.getByTestId('push-command').innerText()).toBe(`curl -fsS -m 10 --retry 3 ${url}`);
    expect(await page.locator('.push-forms li').allInnerTexts()).toEqual([
      '…/start when the job starts (optional): its run time is measured',
      '…/fail when it failed: the first 1 KB of a POST body (its log, say) is kept',
      '…/$? the exit status: 0 is success, 1–255 a failure',
    ]);
    // The token shows in the box (the URL and the command) and nowhere else.
    expect(await occurrences(page, token)).toBe(2);
    await page.getByRole('button', { name: 'Copy the command' }).click();
    await expect.poll(() => page.locator('.copy-status').innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`curl -fsS -m 10 --retry 3 ${url}`);
    await page.getByRole('button', { name: 'Copy the ping URL' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    expect(await liveFacts(page)).toMatchObject({ 'Last ping': 'never', 'Consecutive failures': '0' });
    // The time of day, or the date and time when the deadline falls on another day (late in the evening).
    expect((await liveFacts(page))['Down unless a ping comes']).toMatch(/^in 6[45] min \((\d\d:\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d)\)$/);
    expect(await definition(page)).toMatchObject({ Type: 'Push (heartbeat)', Schedule: 'Every 1 h', 'Grace period': '5 min', 'Incident after': '3 failures' });
    expect(Object.keys(await definition(page))).not.toEqual(expect.arrayContaining(['Timeout']));
    expect(Object.keys(await definition(page))).not.toContain('Degraded after');
    expect(await statusOf(page)).toBe('PENDING');

    // The job pings: UP at once, the last ping "now" and the deadline an hour and five minutes on.
    expect(await ping(url)).toEqual({ status: 200, text: 'OK\n' });
    await expect.poll(() => statusOf(page)).toBe('UP');
    await expect.poll(async () => (await liveFacts(page))['Last ping']).toMatch(/^(now|[1-5] s ago) \(.+\d\d:\d\d:\d\d\)$/);
    const afterPing = await env.vigil.api<Endpoint>('GET', `/api/endpoints/${stored!.id}`);
    expect(Date.parse(afterPing.body.nextDeadlineAt!) - Date.parse(afterPing.body.lastPingAt!)).toBe(3900_000);
    await expect.poll(async () => (await liveFacts(page))['Down unless a ping comes']).toMatch(/^in 6[45] min/);
    await expect.poll(() => page.getByTestId('recent-checks').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('recent-checks').locator('thead th').allInnerTexts()).toEqual(['Time', 'Status', 'Run time', 'Error']);

    // It reports a failure (POST with its log), then an exit status: DOWN, and why.
    expect(await ping(`${url}/fail`, 'disk full\n')).toEqual({ status: 200, text: 'OK\n' });
    await expect.poll(() => statusOf(page)).toBe('DOWN');
    await expect.poll(async () => (await liveFacts(page)).Error).toBe('The job reported a failure');
    expect(await ping(`${url}/3`)).toMatchObject({ status: 200 });
    await expect.poll(async () => (await liveFacts(page)).Error).toBe('The job reported a failure (exit status 3)');
    // A run timed from its start: its run time is the check's.
    expect(await ping(`${url}/start`)).toMatchObject({ status: 200 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ping(`${url}/0`)).toMatchObject({ status: 200 });
    await expect.poll(() => statusOf(page)).toBe('UP');
    const newest = page.getByTestId('recent-checks').locator('tbody tr').first();
    expect(Number((await newest.locator('td.num').innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(300);
    // (Once the toasts of the status changes have gone: axe misjudges the contrast of one fading out.)
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'push-endpoint');

    // A new URL, confirmed first: the old one is refused from then on, the new one works.
    await page.getByRole('button', { name: 'New URL' }).click();
    expect(await page.locator('.push-url .confirm > span').innerText()).toBe(
      'Make a new URL? The old one stops working at once: jobs that use it must be changed.',
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await pingUrl.innerText()).toBe(url);
    await page.getByRole('button', { name: 'New URL' }).click();
    await page.getByRole('button', { name: 'Yes, make a new URL' }).click();
    await expect.poll(() => pingUrl.innerText()).not.toBe(url);
    const renewed = await pingUrl.innerText();
    expect(renewed).toBe(`${env.base()}/api/push/${await tokenOf(stored!.id)}`);
    expect(await page.getByTestId('push-command').innerText()).toBe(`curl -fsS -m 10 --retry 3 ${renewed}`);
    expect((await ping(url)).status).toBe(404);
    expect((await ping(renewed)).status).toBe(200);
    await expect.poll(() => page.getByTestId('recent-checks').locator('tbody tr').count()).toBe(5);

    // Edited to a cron schedule: the zone starts as the browser's; the token stays.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('#f-graceSeconds').waitFor();
    expect(await page.getByRole('radio', { name: 'Push (heartbeat)' }).isChecked()).toBe(true);
    expect([await page.locator('#f-intervalSeconds').inputValue(), await page.locator('#f-graceSeconds').inputValue()]).toEqual(['3600', '300']);
    expect(await page.locator('.push-note').count()).toBe(0);
    await page.getByRole('radio', { name: 'On a cron schedule' }).check();
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Asia/Seoul');
    await page.getByLabel('Cron expression').fill('30 3 * * *');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#ep-title', { hasText: 'Nightly backup' }).waitFor();
    const edited = (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${stored!.id}`)).body;
    expect(edited).toMatchObject({ type: 'push', url: 'push:(secret)', cron: '30 3 * * *', timezone: 'Asia/Seoul', graceSeconds: 300 });
    expect(renewed.endsWith(await tokenOf(stored!.id))).toBe(true);
    await expect.poll(() => page.locator('p.url').innerText()).toBe('PUSH cron 30 3 * * * · Asia/Seoul');
    expect((await definition(page)).Schedule).toBe('cron 30 3 * * * · Asia/Seoul');
    expect(errors).toEqual([]);
  });

  it('adds one on a cron schedule in a time zone, checks the expression, and shows the badge and the last ping on the dashboard', async () => {
    const { page, errors } = await env.open('/endpoints/new', { viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' });
    await page.locator('#f-name').waitFor();
    await page.getByRole('radio', { name: 'Push (heartbeat)' }).check();
    await page.locator('#f-name').fill('Weekly report');
    await page.getByRole('radio', { name: 'On a cron schedule' }).check();
    expect(await shownControls(page)).toEqual(['name', 'cron', 'timezone', 'graceSeconds', 'failureThreshold', 'recoveryThreshold', 'slaTarget', 'tags']);
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    const zones = await page.locator('#f-timezone-zones option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(zones.slice(0, 3)).toEqual(['America/New_York', 'UTC', 'Asia/Seoul']);
    expect(zones).toContain('Europe/Berlin');
    // Caught in the browser: an expression without its five fields, a zone that is none.
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'cron').innerText()).toBe('Required');
    await page.getByLabel('Cron expression').fill('every monday');
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'cron').innerText()).toBe('Must be 5 or 6 fields: minute hour day month weekday');
    expect(await fieldError(page, 'timezone').innerText()).toBe('Not a time zone: use an IANA name such as Asia/Seoul');
    // Five fields, but no minute 61: the API says so beside the field.
    await page.getByLabel('Cron expression').fill('61 4 * * 1');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'cron').innerText()).toMatch(/^is not a cron expression Vigil can follow: /);
    expect(await fieldError(page, 'timezone').count()).toBe(0);
    expect(await storedEndpoints()).toEqual([]);
    await page.getByLabel('Cron expression').fill('0  4 * * 1');
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'push-form-cron');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Weekly report' }).waitFor();
    const [stored] = await storedEndpoints();
    expect(stored).toMatchObject({ type: 'push', cron: '0 4 * * 1', timezone: 'Europe/Berlin', graceSeconds: 60, intervalSeconds: 60 });
    expect(await page.locator('p.url').innerText()).toBe('PUSH cron 0 4 * * 1 · Europe/Berlin');
    // The deadline is the next Monday 04:00 in Berlin plus a minute: days away, or minutes on a Monday night.
    await expect.poll(async () => (await liveFacts(page))['Down unless a ping comes']).toMatch(/^in \d+ (s|min|h|d) \(/);
    const deadline = new Date(stored!.nextDeadlineAt!);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(deadline)).toBe(
      'Mon 04:01',
    );

    // The dashboard: a PUSH badge, and the last ping where the response time would be.
    const http = await env.createEndpoint({ path: '/plain', name: 'Plain web', paused: true });
    await page.goto(`${env.base()}/`);
    const card = page.locator(`.card[data-endpoint-id="${stored!.id}"]`);
    await card.waitFor();
    expect(await card.locator('.type-badge').innerText()).toBe('PUSH');
    expect(await card.locator('.type-badge').getAttribute('title')).toBe('Push: pings sent by a job (heartbeat)');
    expect(await card.locator('.fact-label').allInnerTexts()).toEqual(['Last ping', 'Uptime 24 h', 'Last check']);
    expect(await card.locator('.card-ping').innerText()).toBe('never');
    expect(await page.locator(`.card[data-endpoint-id="${http.id}"] .fact-label`).first().innerText()).toBe('Response time');
    const token = await tokenOf(stored!.id);
    expect(await occurrences(page, token)).toBe(0);
    // A ping changes this card's few texts and no other card (as a check of any endpoint does).
    await page.evaluate(() => {
      const records: (string | null)[] = [];
      new MutationObserver((list) => {
        for (const r of list) {
          const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element | null;
          records.push(el?.closest('.card')?.getAttribute('data-endpoint-id') ?? null);
        }
      }).observe(document.querySelector('.grid')!, { subtree: true, childList: true, attributes: true, characterData: true });
      (window as unknown as { cardsTouched: () => (string | null)[] }).cardsTouched = () => records.splice(0);
    });
    expect(await ping(`${env.base()}/api/push/${token}`)).toEqual({ status: 200, text: 'OK\n' });
    await expect.poll(() => card.getAttribute('data-status')).toBe('UP');
    await expect.poll(() => card.locator('.card-ping').innerText()).toMatch(/^\d\d:\d\d:\d\d$/);
    await page.waitForTimeout(100);
    const touched = await page.evaluate(() => (window as unknown as { cardsTouched: () => (string | null)[] }).cardsTouched());
    expect(new Set(touched)).toEqual(new Set([stored!.id]));
    expect(touched.length).toBeLessThan(30);
    expect(await card.locator('.card-ping').getAttribute('datetime')).toBe(await card.locator('.card-time').getAttribute('datetime'));

    // The compact view: the last ping where the response time would be.
    const pingTime = await card.locator('.card-ping').innerText();
    await page.goto(`${env.base()}/?view=compact`);
    const compact = page.locator(`.compact-row[data-endpoint-id="${stored!.id}"]`);
    await compact.waitFor();
    expect(await compact.locator('.compact-ping').textContent()).toBe(`Last ping ${pingTime}`);
    expect(await page.locator(`.compact-row[data-endpoint-id="${http.id}"] .compact-rt`).textContent()).toBe('Response time —');
    // The list: the badge, and the schedule where the URL would be.
    await page.goto(`${env.base()}/endpoints`);
    const row = page.locator(`tr[data-endpoint-id="${stored!.id}"]`);
    await row.waitFor();
    expect(await row.locator('.type-badge').innerText()).toBe('PUSH');
    expect(await row.locator('td.url').innerText()).toBe('cron 0 4 * * 1 · Europe/Berlin');
    expect(await page.locator('body').innerText()).not.toContain('push:');
    expect(errors).toEqual([]);
  });

  it('turns DOWN when no ping comes in time, saying by when in the reader’s time', async () => {
    const created = await env.vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'Every second',
      type: 'push',
      intervalSeconds: 1,
      graceSeconds: 1,
      failureThreshold: 1,
    });
    expect(created.status).toBe(201);
    const { page, errors } = await env.open(`/endpoints/${created.body.id}`, { viewport: { width: 1280, height: 900 } });
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toBe('DOWN');
    const reason = (await liveFacts(page)).Error!;
    // The deadline's time of day, or its date and time once it is yesterday's (the test run across midnight).
    expect(reason).toMatch(/^No ping by (\d\d:\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d) \(last ping: never\)$/);
    await expect
      .poll(async () => (await liveFacts(page))['Down unless a ping comes'])
      .toMatch(/^overdue by \d+ s \((\d\d:\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d)\)$/);
    expect(await page.locator('.push-deadline').getAttribute('data-overdue')).toBe('true');
    // The incident says it too.
    await expect
      .poll(() => page.locator('.incident-list li').first().innerText())
      .toMatch(/No ping by (\d\d:\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d) \(last ping: never\)/);
    expect(errors).toEqual([]);
  });

  it('says it in Korean, and fits on a phone', async () => {
    const created = await env.vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: '야간 백업 작업 (기본 리전, 데이터베이스 전체와 첨부 파일)',
      type: 'push',
      intervalSeconds: 600,
      graceSeconds: 120,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const url = `${env.base()}/api/push/${await tokenOf(id)}`;
    const { page, errors } = await env.open(`/endpoints/${id}`, { locale: 'ko-KR', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.getByTestId('ping-url').waitFor();
    expect(await page.locator('#push-url-title').innerText()).toBe('핑 URL');
    expect(await page.locator('p.url').innerText()).toBe('PUSH 10분마다');
    expect(await liveFacts(page)).toMatchObject({ '마지막 핑': '없음' });
    // The time of day, or the date and time when the deadline falls on another day (after 23:48).
    expect((await liveFacts(page))['핑이 없으면 장애']).toMatch(/^1[12]분 후 \((\d\d:\d\d:\d\d|\d{1,2}월 \d{1,2}일 \d\d:\d\d)\)$/);
    expect(await definition(page)).toMatchObject({ 유형: '푸시 (하트비트)', 일정: '10분마다', '유예 시간': '2분' });
    expect(await page.getByRole('button', { name: '명령 복사' }).innerText()).toBe('복사');
    expect(await page.getByRole('button', { name: '새 URL' }).count()).toBe(1);
    expect(await ping(`${url}/fail`, 'boom')).toMatchObject({ status: 200 });
    await expect.poll(async () => (await liveFacts(page)).오류).toBe('작업이 실패를 보고함');
    expect(await ping(`${url}/2`)).toMatchObject({ status: 200 });
    await expect.poll(async () => (await liveFacts(page)).오류).toBe('작업이 실패를 보고함 (종료 코드 2)');
    await expect.poll(async () => (await liveFacts(page))['마지막 핑']).toMatch(/^(지금|\d+초 전) \(/);
    await expectLaidOut(page, '.facts > div', 8);
    await expectLaidOut(page, '.push-box > :not(.push-line, .copy-status), .push-line > *', 8);
    await page.getByRole('button', { name: '새 URL' }).click();
    await expectLaidOut(page, '.push-url .confirm > *', 3);
    await page.locator('#push-url-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'push-endpoint-ko-phone');

    await page.goto(`${env.base()}/endpoints/new`);
    await page.locator('#f-name').waitFor();
    await page.getByRole('radio', { name: '푸시 (하트비트)' }).check();
    expect(await page.locator('#f-type-hint').innerText()).toBe('작업이나 cron이 전용 URL로 보내는 핑을 기다리고, 핑이 늦으면 장애로 표시합니다.');
    expect(await page.locator('.schedule-choice legend').innerText()).toBe('핑을 기다리는 일정');
    await page.getByRole('radio', { name: 'cron 일정' }).check();
    expect(await page.locator('.form label').allInnerTexts()).toEqual(expect.arrayContaining(['cron 식', '시간대', '유예 시간 (초)']));
    expect(await page.locator('#f-graceSeconds-hint').innerText()).toBe('예정 시각이 지나도 핑을 기다리는 시간: 1분');
    await page.getByLabel('cron 식').fill('매일');
    await page.getByRole('button', { name: '엔드포인트 추가' }).click();
    await expect.poll(() => fieldError(page, 'cron').innerText()).toBe('5개 또는 6개 항목이어야 합니다: 분 시 일 월 요일');
    await expectLaidOut(page, '.type-option, #f-type-hint, .push-note, .form > .field, .form > .form-row > .field, .form > label.check', 12);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'push-form-ko-phone');
    expect(errors).toEqual([]);
  });
});

describe('the ping URL of a Vigil with an API key', () => {
  const env = useBrowserTestEnv({ API_KEY: 'push-test-key' });

  it('is shown only once the key is given, and the dialog opens only when asked for', async () => {
    const auth = { authorization: 'Bearer push-test-key' };
    const created = await env.vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Keyed job', type: 'push', intervalSeconds: 3600 }, auth);
    expect(created.status).toBe(201);
    const { page, errors } = await env.open(`/endpoints/${created.body.id}`, { viewport: { width: 1280, height: 900 } });
    await page.locator('.push-needs-key').waitFor();
    expect(await page.locator('.push-needs-key').innerText()).toBe('The ping URL is a secret: showing it needs the API key.');
    expect(await page.locator('dialog[open]').count()).toBe(0);
    expect(await page.getByTestId('ping-url').count()).toBe(0);
    await page.locator('.push-url').getByRole('button', { name: 'Enter API key' }).click();
    const dialog = page.locator('dialog.key-dialog[open]');
    await dialog.waitFor();
    expect(await dialog.locator('#key-intro').innerText()).toBe(
      'Showing a ping URL needs the API key of this Vigil. Enter it to go on; it is kept in this browser.',
    );
    // Cancelled: still asked for.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
    expect(await page.locator('.push-needs-key').count()).toBe(1);
    await page.locator('.push-url').getByRole('button', { name: 'Enter API key' }).click();
    await dialog.waitFor();
    await dialog.getByLabel('API key').fill('push-test-key');
    await dialog.getByRole('button', { name: 'Save key' }).click();
    const token = (await env.vigil.api<{ token: string }>('GET', `/api/endpoints/${created.body.id}/push-url`, undefined, auth)).body.token;
    await expect.poll(() => page.getByTestId('ping-url').innerText()).toBe(`${env.base()}/api/push/${token}`);
    expect(errors).toEqual([]);
  });
});
