import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Endpoint, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { freePort } from '../support/free-port.ts';

const env = useBrowserTestEnv();
const korean = { locale: 'ko-KR' };

/** The text of what `locator` finds, '' while it finds nothing (a poll must not wait inside for it to appear). */
const textOf = async (locator: Locator) => (await locator.allTextContents()).join('');
/** The reason on an endpoint's card, '' while it has none (without waiting for one to appear). */
const reasonOn = async (page: Page, id: string) => (await page.locator(`.card[data-endpoint-id="${id}"] .card-reason`).allTextContents()).join('');
const field = (page: Page, name: string) => page.locator(`.field[data-field="${name}"]`);
/** The value of the endpoint page's fact labelled `label`. */
const fact = (page: Page, label: string) => page.locator('dl div', { has: page.locator('dt', { hasText: label }) }).locator('dd');

it('says why checks failed in Korean on the cards, the list and the endpoint page', async () => {
  env.target.setMode('/hang', { kind: 'hang' });
  env.target.setMode('/boom', { kind: 'ok', status: 500 });
  const refusedPort = await freePort();
  // Each is checked once at creation and fails (failureThreshold 1: an incident too), before the page loads.
  const timedOut = await env.createEndpoint({ path: '/hang', name: 'Hanging API', timeoutMs: 300, degradedThresholdMs: 100, failureThreshold: 1 });
  const failing = await env.createEndpoint({ path: '/boom', name: 'Broken API', failureThreshold: 1 });

  const { page, errors } = await env.open('/', korean);
  await expect.poll(() => reasonOn(page, timedOut.id), { timeout: 10_000 }).toContain('시간 초과');
  // Created while the page is open: its failure arrives live (check:completed), code and all.
  const refused = (
    await env.vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Closed port', url: `http://127.0.0.1:${refusedPort}/`, intervalSeconds: 3600 })
  ).body;
  await expect.poll(() => reasonOn(page, failing.id), { timeout: 5000 }).toContain('상태 코드 500 (기대: 200-299)');
  await expect.poll(() => reasonOn(page, refused.id), { timeout: 10_000 }).toContain(`연결 거부됨 (127.0.0.1:${refusedPort})`);
  const dashboard = await page.locator('main').textContent();
  for (const english of ['Timeout exceeded', 'Unexpected status code', 'Connection refused']) expect(dashboard).not.toContain(english);
  await saveScreenshot(page, 'korean-check-errors-cards');

  await page.goto(`${env.base()}/endpoints`);
  await expect.poll(() => textOf(page.locator('main')), { timeout: 5000 }).toContain('시간 초과');
  expect(await page.locator('main').textContent()).not.toContain('Timeout exceeded');

  await page.goto(`${env.base()}/endpoints/${timedOut.id}`);
  await expect.poll(() => textOf(fact(page, '오류')), { timeout: 5000 }).toBe('시간 초과');
  await expect.poll(() => textOf(page.locator('main table').first()), { timeout: 5000 }).toContain('시간 초과');
  // The interval's label names it; only the value says how often ("Check every … Every 3600 s" before).
  expect(await fact(page, '체크 주기').textContent()).toBe('3600초마다');
  expect(await page.locator('main').textContent()).not.toContain('Timeout exceeded');
  await saveScreenshot(page, 'korean-check-errors-endpoint-page');
  expect(errors).toEqual([]);
});

it("shows the API's field errors and warnings in Korean in the form, and guards what can never work", async () => {
  env.target.setMode('/new', { kind: 'ok' });
  const { page, errors } = await env.open('/endpoints/new', korean);
  await page.locator('#f-name').waitFor();

  // No input takes more than the API accepts.
  expect(await page.locator('#f-name').getAttribute('maxlength')).toBe('100');
  await page.locator('#f-name').fill('가'.repeat(150));
  expect((await page.locator('#f-name').inputValue()).length).toBe(100);
  for (const [id, max] of [
    ['url', '2048'],
    ['timeoutMs', '5'],
    ['degradedThresholdMs', '7'],
    ['body', '65536'],
  ]) {
    expect(await page.locator(`#f-${id}`).getAttribute('maxlength'), id).toBe(max);
  }

  await page.locator('#f-name').fill('주문 API');
  await page.locator('#f-url').fill(env.target.url('/new'));
  await page.locator('#f-intervalSeconds').fill('1');
  await page.locator('#f-timeoutMs').fill('1000');
  await page.locator('#f-degradedThresholdMs').fill('1000');
  await page.locator('#f-expectedStatusCodes').fill('299-200');

  // A threshold the timeout cuts off: refused beside its field before anything is sent.
  await page.getByRole('button', { name: '엔드포인트 추가' }).click();
  await expect
    .poll(() => textOf(field(page, 'degradedThresholdMs').locator('.field-error')), { timeout: 5000 })
    .toContain('타임아웃(1000 ms)보다 작아야 합니다');

  // A mistake only the API finds: its message, in Korean, beside the field it names.
  await page.locator('#f-degradedThresholdMs').fill('500');
  await page.getByRole('button', { name: '엔드포인트 추가' }).click();
  await expect
    .poll(() => textOf(field(page, 'expectedStatusCodes').locator('.field-error')), { timeout: 5000 })
    .toBe('범위 "299-200"의 끝이 시작보다 앞섭니다');
  expect(await page.locator('#f-expectedStatusCodes').getAttribute('aria-invalid')).toBe('true');

  // Odd but accepted: said before saving, beside the timeout.
  await page.locator('#f-timeoutMs').fill('5000');
  const warning = field(page, 'timeoutMs').locator('.field-warning');
  await expect.poll(() => textOf(warning), { timeout: 5000 }).toBe('타임아웃(5000 ms)이 체크 주기(1초)보다 깁니다. 응답하지 않는 대상은 더 드물게 체크됩니다.');
  expect(await page.locator('#f-timeoutMs').getAttribute('aria-describedby')).toBe('f-timeoutMs-warning');
  await saveScreenshot(page, 'korean-form-errors-and-warning');
  const stored = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;
  expect(await stored()).toEqual([]);

  // …and after saving, as the API's answer says it.
  await page.locator('#f-expectedStatusCodes').fill('200-299');
  await page.getByRole('button', { name: '엔드포인트 추가' }).click();
  const toast = page.locator('[data-sonner-toast]', { hasText: '저장했지만 확인하세요' });
  await expect.poll(() => textOf(toast), { timeout: 10_000 }).toContain('타임아웃(5000 ms)이 체크 주기(1초)보다 깁니다');
  await page.locator('#ep-title', { hasText: '주문 API' }).waitFor();
  expect(await stored()).toMatchObject([{ name: '주문 API', intervalSeconds: 1, timeoutMs: 5000, degradedThresholdMs: 500 }]);
  await saveScreenshot(page, 'korean-form-saved-with-warning');
  expect(errors).toEqual([]);
});
