/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Assertions in the dashboard (issue 16): added and edited in the endpoint form, refused there
 * when they cannot work, and what a check did not meet listed on the endpoint page with the start
 * of the body it got, in English and Korean, light and dark, on a desk and on a phone.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Assertion, Endpoint, Incident, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

const env = useBrowserTestEnv();

/** What the target answers: JSON that is not "ok", a text that would be markup if it were injected, as text/plain. */
const HEALTH_BODY = JSON.stringify({ status: 'degraded', version: '1.4.2', note: '<img src=x onerror="window.injected=1"><b>bold</b>' });
const STATUS_OK: Assertion = { source: 'json', property: '$.status', comparison: 'equals', target: 'ok', severity: 'DOWN' };
const JSON_TYPE: Assertion = { source: 'header', property: 'content-type', comparison: 'contains', target: 'json', severity: 'DEGRADED' };
const STATUS_MESSAGE = '$.status: expected "ok", got "degraded"';
const TYPE_MESSAGE = 'header content-type: expected to contain "json", got "text/plain; charset=utf-8"';

const row = (page: Page, index: number) => page.locator(`.assertion[data-index="${index}"]`);
const control = (page: Page, index: number, field: string) => page.locator(`#f-assertions-${index}-${field}`);
const fieldError = (page: Page, index: number, field: string) => page.locator(`.field[data-field="assertions-${index}-${field}"] .field-error`);
const optionsOf = (select: Locator) => select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
const storedEndpoints = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;

/** Fills one assertion row as a person would: the selects by their values, the inputs by typing. */
async function fillRow(page: Page, index: number, a: { source: string; property?: string; comparison: string; target?: string; severity: string }) {
  await control(page, index, 'source').selectOption(a.source);
  if (a.property !== undefined) await control(page, index, 'property').fill(a.property);
  await control(page, index, 'comparison').selectOption(a.comparison);
  if (a.target !== undefined) await control(page, index, 'target').fill(a.target);
  await control(page, index, 'severity').selectOption(a.severity);
}

async function expectLaidOut(page: Page, selector: string, count: number) {
  expect(await layoutOf(page, selector), selector).toEqual({ count, hidden: [], outside: [], overlapping: [], sideways: false });
}

describe('assertions in the dashboard', () => {
  it('adds two through the form, lists both failures with the body on the endpoint page, and loads them back to edit', async () => {
    env.target.setMode('/health', { kind: 'ok', body: HEALTH_BODY });
    const { page, errors } = await env.open('/endpoints/new', { viewport: { width: 1280, height: 900 } });
    await page.locator('#f-name').waitFor();
    await page.locator('#f-name').fill('Health API');
    await page.locator('#f-url').fill(env.target.url('/health'));
    await page.locator('#f-intervalSeconds').fill('3600');
    expect(await page.locator('.assertions-none').innerText()).toBe('No assertions.');

    // Added from the keyboard: the new row's first control takes the focus.
    await page.getByRole('button', { name: 'Add assertion' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-assertions-0-source');
    // Each source offers only its comparisons; a number-only one takes a number, with its unit.
    expect(await optionsOf(control(page, 0, 'comparison'))).toEqual([
      'equals',
      'notEquals',
      'lessThan',
      'lessThanOrEqual',
      'greaterThan',
      'greaterThanOrEqual',
    ]);
    expect(await control(page, 0, 'property').count()).toBe(0);
    await control(page, 0, 'source').selectOption('responseTime');
    expect(await optionsOf(control(page, 0, 'comparison'))).toEqual(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']);
    expect(await control(page, 0, 'target').getAttribute('type')).toBe('number');
    expect(await page.locator('label[for="f-assertions-0-target"]').innerText()).toBe('Value (ms)');
    await control(page, 0, 'source').selectOption('body');
    expect(await optionsOf(control(page, 0, 'comparison'))).toEqual(['equals', 'notEquals', 'contains', 'notContains', 'matches']);
    await control(page, 0, 'source').selectOption('header');
    await control(page, 0, 'comparison').selectOption('exists');
    expect(await control(page, 0, 'target').count()).toBe(0);
    expect(await control(page, 0, 'property').getAttribute('placeholder')).toBe('content-type');

    // A JSONPath without its $: refused beside the field, nothing sent.
    await fillRow(page, 0, { source: 'json', property: 'status', comparison: 'equals', target: '"ok"', severity: 'DOWN' });
    expect(await control(page, 0, 'property').getAttribute('placeholder')).toBe('$.status');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await fillRow(page, 1, { source: 'header', property: 'content-type', comparison: 'contains', target: 'json', severity: 'DEGRADED' });
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const pathError = fieldError(page, 0, 'property');
    await expect.poll(() => pathError.innerText()).toBe('Must be a JSONPath starting with $, e.g. $.status');
    expect(await control(page, 0, 'property').getAttribute('aria-invalid')).toBe('true');
    expect(await control(page, 0, 'property').getAttribute('aria-describedby')).toBe('f-assertions-0-property-error');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-assertions-0-property');
    expect(await page.locator('.form-error').innerText()).toBe('Please correct the marked fields.');
    await pathError.scrollIntoViewIfNeeded();
    expect(await pathError.isVisible()).toBe(true);
    const errorBox = (await pathError.boundingBox())!;
    expect(errorBox.y).toBeGreaterThanOrEqual(0);
    expect(errorBox.y + errorBox.height).toBeLessThanOrEqual(900);
    await expectLaidOut(page, '.assertion[data-index="0"] .field, .assertion[data-index="0"] .assertion-remove', 6);
    await expectLaidOut(page, '.assertion[data-index="1"] .field, .assertion[data-index="1"] .assertion-remove', 6);
    await row(page, 0).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'assertions-form-refused');
    expect(await storedEndpoints()).toEqual([]);

    // A mistake only the API finds (a JSONPath it cannot parse): its message beside the row's field.
    await control(page, 0, 'property').fill('$.status[');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => pathError.innerText()).toMatch(/^is not a JSONPath expression \(RFC 9535\): /);
    expect(await fieldError(page, 1, 'property').count()).toBe(0);
    expect(await storedEndpoints()).toEqual([]);

    await control(page, 0, 'property').fill('$.status');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Health API' }).waitFor();
    const [created] = await storedEndpoints();
    // "ok" typed as JSON is the string ok; the header's target stays text.
    expect(created!.assertions).toEqual([STATUS_OK, JSON_TYPE]);

    // The check made at creation: both failures listed, the first also as the endpoint's error.
    const failures = page.locator('[data-testid="recent-checks"] tbody tr').first().locator('.failed-assertions .failed-message');
    await expect.poll(() => failures.allInnerTexts(), { timeout: 10_000 }).toEqual([STATUS_MESSAGE, TYPE_MESSAGE]);
    expect(await page.locator('.ep-head .badge').getAttribute('data-status')).toBe('DOWN');
    const items = page.locator('[data-testid="recent-checks"] tbody tr').first().locator('.failed-assertions li');
    expect(await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-severity')))).toEqual(['DOWN', 'DEGRADED']);
    await expect.poll(() => page.locator('.facts .fact-wide .failed-message').allInnerTexts()).toEqual([STATUS_MESSAGE, TYPE_MESSAGE]);

    // The definition lists them in the form's words, each with what a failure makes the check.
    const defined = page.getByTestId('endpoint-assertions').locator('li');
    const definedTexts = await defined.allInnerTexts();
    expect(definedTexts[0]).toMatch(/^JSON body \$\.status equals "ok"\s*✖\s*Down$/);
    expect(definedTexts[1]).toMatch(/^Header content-type contains "json"\s*▲\s*Degraded$/);

    // The body, as text: its markup shown, never run or drawn.
    const excerpt = page.locator('[data-testid="recent-checks"] tbody tr').first().locator('details.body-excerpt');
    expect(await excerpt.locator('summary').innerText()).toBe('Response body (first 1 KB)');
    expect(await excerpt.locator('pre').isVisible()).toBe(false);
    await excerpt.locator('summary').click();
    const pre = excerpt.locator('pre');
    await pre.waitFor();
    expect(await pre.innerText()).toBe(HEALTH_BODY);
    expect(await pre.evaluate((el) => el.children.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
    await pre.scrollIntoViewIfNeeded();
    await expectLaidOut(page, '[data-testid="recent-checks"] tbody tr:first-child :is(.failed-assertions li, .body-excerpt summary, .body-excerpt pre)', 4);
    await saveScreenshot(page, 'assertions-endpoint-page');

    // Edited: both come back as they were typed, one removed, saved.
    await page.getByRole('link', { name: 'Edit' }).click();
    await row(page, 1).waitFor();
    const shown = async (index: number) =>
      Promise.all(['source', 'property', 'comparison', 'target', 'severity'].map((field) => control(page, index, field).inputValue()));
    expect(await shown(0)).toEqual(['json', '$.status', 'equals', 'ok', 'DOWN']);
    expect(await shown(1)).toEqual(['header', 'content-type', 'contains', 'json', 'DEGRADED']);
    await page.getByRole('button', { name: 'Remove assertion 2' }).click();
    expect(await page.locator('.assertion').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('assertions-0-remove');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#ep-title', { hasText: 'Health API' }).waitFor();
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${created!.id}`)).body.assertions).toEqual([STATUS_OK]);
    await expect.poll(() => defined.count()).toBe(1);

    // Checked again while the page is open: the failure arrives live, its body read when opened.
    await page.locator('.conn[data-state="connected"]').waitFor();
    const rows = page.locator('[data-testid="recent-checks"] tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(before + 1);
    expect(await rows.first().locator('.failed-assertions .failed-message').allInnerTexts()).toEqual([STATUS_MESSAGE]);
    await rows.first().locator('details.body-excerpt summary').click();
    await expect.poll(() => rows.first().locator('details.body-excerpt pre').innerText()).toBe(HEALTH_BODY);
    expect(errors).toEqual([]);
  });

  it('says what failed in Korean, in light and dark, with no serious accessibility finding', async () => {
    env.target.setMode('/ko-health', { kind: 'ok', body: HEALTH_BODY });
    const endpoint = await env.createEndpoint({
      path: '/ko-health',
      name: '주문 API',
      failureThreshold: 1,
      assertions: [STATUS_OK, { source: 'responseTime', property: null, comparison: 'lessThan', target: 0, severity: 'DEGRADED' }],
    });
    const koMessages = ['$.status: 기대 "ok", 실제 "degraded"', /^응답 시간: 기대 < 0 ms, 실제 \d+ ms$/];
    // Checked once at creation: DOWN, an incident (failureThreshold 1).
    const incidents = async () => (await env.vigil.api<ListPage<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
    await expect.poll(async () => (await incidents()).length, { timeout: 10_000 }).toBe(1);
    const [incident] = await incidents();
    for (const scheme of ['light', 'dark'] as const) {
      const { page, errors } = await env.open(`/endpoints/${endpoint.id}`, { locale: 'ko-KR', colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      const failures = page.locator('[data-testid="recent-checks"] tbody tr').first().locator('.failed-assertions .failed-message');
      await expect.poll(() => failures.count(), { timeout: 10_000 }).toBe(2);
      const texts = await failures.allInnerTexts();
      expect(texts[0]).toBe(koMessages[0]);
      expect(texts[1]).toMatch(koMessages[1]!);
      // The endpoint's error (the first failed assertion), in Korean too.
      expect(await page.locator('.facts .fact-wide dt').innerText()).toBe('오류');
      expect(await page.locator('main').innerText()).not.toContain('expected');
      // The definition in Korean word order: what is compared with comes before the comparison.
      expect((await page.getByTestId('endpoint-assertions').locator('li').allInnerTexts())[0]).toMatch(/^JSON 본문 \$\.status "ok" 같음\s*✖\s*장애$/);
      await page
        .locator('[data-testid="recent-checks"] tbody tr')
        .first()
        .locator('details.body-excerpt summary', { hasText: '응답 본문 (처음 1 KB)' })
        .click();
      await page.locator('[data-testid="recent-checks"] details[open] pre').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      await expectLaidOut(page, '[data-testid="recent-checks"] tbody tr:first-child :is(.failed-assertions li, .body-excerpt summary, .body-excerpt pre)', 4);
      expect(await seriousViolations(page)).toEqual([]);
      await page.locator('[data-testid="recent-checks"]').scrollIntoViewIfNeeded();
      await saveScreenshot(page, `assertions-endpoint-page-ko-${scheme}`);

      // The incident's timeline: the check that opened it says both, its body a click away.
      await page.goto(`${env.base()}/incidents/${incident!.id}`);
      const opened = page.locator('.timeline-item[data-role="opened"]');
      await expect
        .poll(() => opened.locator('.failed-message').allInnerTexts(), { timeout: 5000 })
        .toEqual([koMessages[0], expect.stringMatching(koMessages[1]!)]);
      await opened.locator('details.body-excerpt summary').click();
      expect(await opened.locator('details.body-excerpt pre').innerText()).toBe(HEALTH_BODY);
      await expectLaidOut(page, '.timeline-item[data-role="opened"] > *', 6);
      await saveScreenshot(page, `assertions-incident-ko-${scheme}`);

      // The dashboard card says the first, in Korean.
      await page.goto(`${env.base()}/`);
      await expect.poll(() => page.locator(`.card[data-endpoint-id="${endpoint.id}"] .card-reason`).textContent(), { timeout: 5000 }).toContain(koMessages[0]);

      // The form: its rows loaded, in Korean, a path without $ refused in Korean.
      await page.goto(`${env.base()}/endpoints/${endpoint.id}/edit`);
      await row(page, 1).waitFor();
      expect(await page.locator('#assertions-title').innerText()).toBe('검증 조건');
      expect(await page.locator('label[for="f-assertions-1-target"]').innerText()).toBe('값 (ms)');
      await control(page, 0, 'property').fill('status');
      await page.getByRole('button', { name: '변경 사항 저장' }).click();
      await expect.poll(() => fieldError(page, 0, 'property').innerText()).toBe('$로 시작하는 JSONPath여야 합니다 (예: $.status)');
      await expectLaidOut(page, '.assertion .field, .assertion .assertion-remove', 11);
      expect(await seriousViolations(page)).toEqual([]);
      await page.locator('.assertions').scrollIntoViewIfNeeded();
      await saveScreenshot(page, `assertions-form-ko-${scheme}`);
      expect(errors).toEqual([]);
    }
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.assertions[0]).toEqual(STATUS_OK);
  });

  it('fits a phone: rows wrap without sideways scrolling, and the list stops at 20', async () => {
    const { page, errors } = await env.open('/endpoints/new', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.locator('#f-name').waitFor();
    const add = page.getByRole('button', { name: 'Add assertion' });
    await add.click();
    await fillRow(page, 0, { source: 'json', property: '$.checks[0].state', comparison: 'notEquals', target: 'failing', severity: 'DEGRADED' });
    await add.click();
    await fillRow(page, 1, { source: 'body', comparison: 'matches', target: '^\\{.*"status"', severity: 'DOWN' });
    expect(await page.locator('#f-assertions-1-target-hint').innerText()).toBe('A regular expression, without the slashes around it');
    await expectLaidOut(page, '.assertion[data-index="0"] .field, .assertion[data-index="0"] .assertion-remove', 6);
    await expectLaidOut(page, '.assertion[data-index="1"] .field, .assertion[data-index="1"] .assertion-remove', 5);
    await page.locator('.assertions').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'assertions-form-phone');

    while ((await page.locator('.assertion').count()) < 20) await add.click();
    expect(await add.isDisabled()).toBe(true);
    expect(await page.locator('#assertions-full').innerText()).toBe('At most 20 assertions.');
    expect(await add.getAttribute('aria-describedby')).toBe('assertions-full');
    expect((await layoutOf(page, '.assertion')).sideways).toBe(false);
    await page.getByRole('button', { name: 'Remove assertion 20' }).click();
    expect(await add.isDisabled()).toBe(false);
    expect(errors).toEqual([]);
  });
});
