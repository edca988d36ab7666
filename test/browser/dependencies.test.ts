/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Dependencies in the dashboard (docs/dependencies.md): the form's "Depends on" (searchable, the
 * endpoint itself and those depending on it not offered, same-named endpoints told apart by type
 * and address, the API's refusal of a loop at the field), the endpoint page's parent and children
 * with live statuses, a child's incident blamed on its DOWN parent on the endpoint page, the
 * incident page and the incidents list, the quiet toasts and the card's hint, a deleted parent
 * leaving the child's page live; in Korean on a 375 px phone, light and dark.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Check, Endpoint, Incident, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
/** The ids the "Depends on" list offers, in order ('none' first). */
const offered = (page: Page) => page.locator('.parent-option').evaluateAll((labels) => labels.map((l) => (l as HTMLElement).dataset.parentId));
const parentLink = (page: Page) => page.locator('.ep-parent .rel-link');
const childLinks = (page: Page) => page.locator('.ep-children .rel-link');
/** The toasts on screen as [type, text]. */
const toasts = (page: Page) =>
  page
    .locator('[data-sonner-toast]:not([data-removed="true"])')
    .evaluateAll((items) => items.map((t) => [(t as HTMLElement).dataset.type, (t as HTMLElement).innerText.trim()]).sort());
const toastsGone = (page: Page) => expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);

async function expectLaidOut(page: Page, selector: string, atLeast: number) {
  const layout = await layoutOf(page, selector);
  expect(layout.count).toBeGreaterThanOrEqual(atLeast);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}

describe('dependencies in the dashboard', () => {
  const env = useBrowserTestEnv();
  const endpointNow = async (id: string) => (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${id}`)).body;
  const checkNow = async (id: string) => {
    const res = await env.vigil.api<Check>('POST', `/api/endpoints/${id}/check`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const incidentsOf = async (id: string) => (await env.vigil.api<ListPage<Incident>>('GET', `/api/incidents?endpointId=${id}`)).body.items;
  const patch = (id: string, body: object) => env.vigil.api<Endpoint>('PATCH', `/api/endpoints/${id}`, body);
  const tcpUrl = () => `tcp://127.0.0.1:${new URL(env.target.origin).port}`;

  it('picks a parent in the form (not itself nor its child; same names told apart), refuses a loop at the field, and the endpoint page shows parent and children live', async () => {
    env.target.setMode('/db', { kind: 'ok' });
    env.target.setMode('/api', { kind: 'ok' });
    env.target.setMode('/worker', { kind: 'ok' });
    const database = await env.createEndpoint({ path: '/db', name: 'Database' });
    const databaseTcp = await env.createEndpoint({ path: '/tcp', name: 'Database', url: tcpUrl() });
    const api = await env.createEndpoint({ path: '/api', name: 'API' });
    const worker = await env.createEndpoint({ path: '/worker', name: 'Worker', parentId: api.id });
    for (const e of [database, databaseTcp, api, worker]) await checkNow(e.id);

    const options = { viewport: { width: 1280, height: 900 } };
    const { page, errors } = await env.open(`/endpoints/${api.id}/edit`, options);
    await expect.poll(() => page.locator('#f-name').inputValue()).toBe('API');
    // Closed, it says what is chosen: none yet.
    const picker = page.locator('.field[data-field="parentId"]');
    expect(await picker.locator('legend').innerText()).toBe('Depends on');
    expect(await picker.locator('.parent-chosen').innerText()).toBe('None');
    expect(await page.locator('#f-parentId-search').count()).toBe(0);
    await picker.getByRole('button', { name: 'Change', exact: true }).click();
    expect(await picker.getByRole('button', { name: 'Close list' }).getAttribute('aria-expanded')).toBe('true');
    // Offered: none, and both databases (told apart by type and address); not API itself, nor Worker that depends on it.
    await expect.poll(() => offered(page)).toEqual(['none', database.id, databaseTcp.id]);
    expect(await page.locator('.parent-option').allInnerTexts()).toEqual([
      'None\ndepends on no endpoint',
      expect.stringMatching(/^Database\nHTTP\n127\.0\.0\.1:\d+\/db$/),
      expect.stringMatching(/^Database\nTCP\ntcp:\/\/127\.0\.0\.1:\d+$/),
    ]);
    expect(await page.locator('.parent-excluded').innerText()).toBe(
      'Not listed: this endpoint and the endpoint that depends on it (choosing it would make a loop).',
    );
    expect(await page.getByRole('radio', { name: /^None/ }).isChecked()).toBe(true);
    // The search narrows by name and address.
    await page.getByLabel('Search the endpoints it can depend on').fill('/db');
    await expect.poll(() => offered(page)).toEqual(['none', database.id]);
    await page.getByLabel('Search the endpoints it can depend on').fill('worker');
    await expect.poll(() => offered(page)).toEqual(['none']);
    expect(await picker.locator('.parent-empty').innerText()).toBe('No endpoint matches “worker”.');
    await page.getByLabel('Search the endpoints it can depend on').fill('data');
    await expect.poll(() => offered(page)).toHaveLength(3);
    await saveScreenshot(page, 'dependencies-form-open');
    expect(await seriousViolations(page)).toEqual([]);
    // A mouse click picks and closes the list.
    await page.locator(`.parent-option[data-parent-id="${database.id}"]`).click();
    await expect.poll(() => page.locator('#f-parentId-search').count()).toBe(0);
    expect(await picker.locator('.parent-chosen').innerText()).toMatch(/^Database HTTP 127\.0\.0\.1:\d+\/db$/);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Change');

    // Meanwhile another client makes Database depend on API: saving would make a loop, refused at the field.
    expect((await patch(database.id, { parentId: api.id })).status).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => fieldError(page, 'parentId').innerText()).toBe('Database already depends on this endpoint: choosing it would make a loop');
    expect(await page.locator('.form-error').innerText()).toBe('Please correct the marked fields.');
    // The list is open beside the error, read again: Database (now below API) is no longer offered.
    await expect.poll(() => offered(page)).toEqual(['none', databaseTcp.id]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-parentId-search');
    await saveScreenshot(page, 'dependencies-form-loop');
    expect((await endpointNow(api.id)).parentId).toBeNull();

    // The other client undoes it; this one picks the TCP database by keyboard and saves.
    expect((await patch(database.id, { parentId: null })).status).toBe(200);
    await page.getByRole('radio', { name: /^Database\s+TCP/ }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`**/endpoints/${api.id}`);
    expect((await endpointNow(api.id)).parentId).toBe(databaseTcp.id);

    // The endpoint page: its parent and its child, links with their status.
    await expect.poll(() => parentLink(page).getAttribute('href')).toBe(`/endpoints/${databaseTcp.id}`);
    expect(await page.locator('.ep-parent').innerText()).toBe('Depends on\n●\nUp\nDatabase');
    expect(await page.locator('.ep-children .ep-relation-label').innerText()).toBe('Depending on this one (1)');
    expect(await childLinks(page).allInnerTexts()).toEqual(['●\nUp\nWorker']);
    expect(await childLinks(page).first().getAttribute('href')).toBe(`/endpoints/${worker.id}`);

    // Live: the child goes DOWN, the parent is switched to the HTTP database elsewhere.
    env.target.setMode('/worker', { kind: 'ok', status: 500 });
    await checkNow(worker.id);
    await expect.poll(() => childLinks(page).first().locator('.badge').getAttribute('data-status')).toBe('DOWN');
    expect((await patch(api.id, { parentId: database.id })).status).toBe(200);
    await expect.poll(() => parentLink(page).getAttribute('href')).toBe(`/endpoints/${database.id}`);
    env.target.setMode('/db', { kind: 'ok', status: 503 });
    await checkNow(database.id);
    await expect.poll(() => parentLink(page).locator('.badge').getAttribute('data-status')).toBe('DOWN');
    // Worker now depends on another endpoint: it leaves API's page.
    expect((await patch(worker.id, { parentId: databaseTcp.id })).status).toBe(200);
    await expect.poll(() => childLinks(page).count()).toBe(0);
    expect(await page.locator('.ep-children').count()).toBe(0);

    // The parent's page lists its child.
    await parentLink(page).click();
    await page.waitForURL(`**/endpoints/${database.id}`);
    await expect.poll(() => childLinks(page).allInnerTexts()).toEqual(['●\nUp\nAPI']);
    expect(await page.locator('.ep-parent').count()).toBe(0);
    await toastsGone(page);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('blames a child’s incident on its DOWN parent: quiet toasts, the card’s hint, "Caused by" on the endpoint page, the incident page and the list', async () => {
    env.target.setMode('/db', { kind: 'ok' });
    env.target.setMode('/api', { kind: 'ok' });
    const database = await env.createEndpoint({ path: '/db', name: 'Database', failureThreshold: 1 });
    const api = await env.createEndpoint({ path: '/api', name: 'Checkout API', failureThreshold: 1, parentId: database.id });
    await checkNow(database.id);
    await checkNow(api.id);

    const options = { viewport: { width: 1280, height: 900 } };
    const { page: dashboard, errors: dashboardErrors } = await env.open('/', options);
    await expect.poll(() => card(dashboard, api.id).getAttribute('data-status')).toBe('UP');
    const { page, errors } = await env.open(`/endpoints/${api.id}`, options);
    await expect.poll(() => parentLink(page).locator('.badge').getAttribute('data-status')).toBe('UP');

    // The parent fails first: its own alarms.
    env.target.setMode('/db', { kind: 'ok', status: 503 });
    await checkNow(database.id);
    await expect
      .poll(() => toasts(dashboard))
      .toEqual(
        [
          ['error', '❌ Database is down'],
          ['error', '🚨 Database: incident started'],
        ].sort(),
      );
    await expect.poll(() => parentLink(page).locator('.badge').getAttribute('data-status')).toBe('DOWN');
    const [parentIncident] = await incidentsOf(database.id);
    await toastsGone(dashboard);

    // Then the child: quiet toasts naming the parent, on the dashboard and on its own page.
    env.target.setMode('/api', { kind: 'ok', status: 500 });
    await checkNow(api.id);
    const quiet = [
      ['info', '🔗 Checkout API is down · caused by Database'],
      ['info', '🔗 Checkout API: incident caused by Database'],
    ].sort();
    await expect.poll(() => toasts(dashboard)).toEqual(quiet);
    await expect.poll(() => toasts(page)).toEqual(expect.arrayContaining(quiet));
    const [incident] = await incidentsOf(api.id);
    expect(incident!.causedBy).toEqual({ endpointId: database.id, endpointName: 'Database', incidentId: parentIncident!.id });

    // The card: DOWN, with the parent it is blamed on.
    const apiCard = card(dashboard, api.id);
    await expect.poll(() => apiCard.getAttribute('data-status')).toBe('DOWN');
    expect(await apiCard.locator('.card-parent').innerText()).toBe('↳ Database');
    expect(await apiCard.locator('.card-parent').getAttribute('title')).toBe('Depends on Database: Down');
    expect(await card(dashboard, database.id).locator('.card-parent').count()).toBe(0);
    await toastsGone(dashboard);
    await saveScreenshot(dashboard, 'dependencies-dashboard');

    // The endpoint page's incidents: caused by the parent, linked with the parent's incident.
    const listed = page.locator('.incident-list li').first();
    await expect.poll(() => listed.locator('.cause').innerText()).toBe('Caused by Database (its incident)');
    expect(await listed.locator('.cause a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      `/endpoints/${database.id}`,
      `/incidents/${parentIncident!.id}`,
    ]);
    expect(await listed.getByRole('link', { name: 'Database: its incident' }).count()).toBe(1);
    await toastsGone(page);
    await saveScreenshot(page, 'dependencies-endpoint-page');
    expect(await seriousViolations(page)).toEqual([]);

    // The incident page says why, and that nobody was told.
    await listed.locator('a').first().click();
    await page.waitForURL(`**/incidents/${incident!.id}`);
    const cause = page.locator('[data-testid="incident-cause"]');
    await expect.poll(() => cause.locator('.cause').innerText()).toBe('Caused by Database (its incident)');
    expect(await cause.locator('.cause-note').innerText()).toBe('Opened while Database was down or in maintenance: nobody was notified of this incident.');
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'dependencies-incident-page');
    // Its link leads to the parent's incident.
    await cause.getByRole('link', { name: 'Database: its incident' }).click();
    await page.waitForURL(`**/incidents/${parentIncident!.id}`);
    await expect.poll(() => page.locator('#incident-title').innerText()).toContain('Database');
    expect(await page.locator('[data-testid="incident-cause"]').count()).toBe(0);

    // The incidents list: the child's row names the cause, the parent's none.
    await page.goto(`${env.base()}/incidents`);
    const row = page.locator(`tr[data-incident-id="${incident!.id}"]`);
    await expect.poll(() => row.locator('.cause').innerText()).toBe('Caused by Database (its incident)');
    expect(await page.locator(`tr[data-incident-id="${parentIncident!.id}"] .cause`).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // The parent recovers: the hint goes, the child still fails on its own.
    env.target.setMode('/db', { kind: 'ok' });
    await checkNow(database.id);
    await expect.poll(() => apiCard.locator('.card-parent').count()).toBe(0);
    expect(await apiCard.getAttribute('data-status')).toBe('DOWN');
    expect([...errors, ...dashboardErrors]).toEqual([]);
  });

  it('a parent deleted leaves the child’s page without one, live', async () => {
    const database = await env.createEndpoint({ path: '/db', name: 'Database' });
    const api = await env.createEndpoint({ path: '/api', name: 'API', parentId: database.id });
    const { page, errors } = await env.open(`/endpoints/${api.id}`, { viewport: { width: 1280, height: 900 } });
    await expect.poll(() => parentLink(page).innerText()).toContain('Database');
    expect((await env.vigil.api('DELETE', `/api/endpoints/${database.id}`)).status).toBe(204);
    await expect.poll(() => page.locator('[data-testid="relations"]').count()).toBe(0);
    expect((await endpointNow(api.id)).parentId).toBeNull();
    // Its form offers none, and the deleted one no more.
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.locator('.field[data-field="parentId"] .parent-chosen').innerText()).toBe('None');
    await page.getByRole('button', { name: 'Change', exact: true }).click();
    await expect.poll(() => offered(page)).toEqual(['none']);
    expect(await page.locator('.parent-empty').innerText()).toBe('No other endpoint yet.');
    expect(errors).toEqual([]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`reads in Korean on a 375 px phone (${scheme}): the form's picker, the endpoint page's relations and the incident's cause, nothing cut off or overlapping`, async () => {
      env.target.setMode('/db', { kind: 'ok', status: 503 });
      env.target.setMode('/pay', { kind: 'ok', status: 500 });
      env.target.setMode('/shop', { kind: 'ok' });
      const database = await env.createEndpoint({ path: '/db', name: '주 데이터베이스 (PostgreSQL 18, 서울 리전)', failureThreshold: 1 });
      const pay = await env.createEndpoint({ path: '/pay', name: '결제 게이트웨이 (EU, primary region)', failureThreshold: 1, parentId: database.id });
      const children = [];
      for (const name of ['장바구니', '주문 내역', '검색 API', '추천 서비스'])
        children.push(await env.createEndpoint({ path: '/shop', name, parentId: pay.id }));
      await checkNow(database.id);
      await checkNow(pay.id);
      for (const child of children) await checkNow(child.id);
      const [incident] = await incidentsOf(pay.id);
      expect(incident!.causedBy?.endpointId).toBe(database.id);
      const options = { locale: 'ko-KR', viewport: { width: 375, height: 800 }, colorScheme: scheme };

      const { page, errors } = await env.open(`/endpoints/${pay.id}`, options);
      await expect.poll(() => childLinks(page).count()).toBe(4);
      expect(await page.locator('.ep-parent .ep-relation-label').innerText()).toBe('의존 대상');
      expect(await page.locator('.ep-children .ep-relation-label').innerText()).toBe('여기에 의존하는 엔드포인트 (4)');
      expect(await parentLink(page).innerText()).toBe('✖\n장애\n주 데이터베이스 (PostgreSQL 18, 서울 리전)');
      await expect.poll(() => page.locator('.incident-list .cause').innerText()).toBe('원인: 주 데이터베이스 (PostgreSQL 18, 서울 리전) (해당 인시던트)');
      await expectLaidOut(page, '.ep-head h1, .ep-head .badge, .url, .ep-relation-label, .rel-link, .actions', 8);
      await expectLaidOut(page, '.incident-list .cause', 1);
      await toastsGone(page);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `dependencies-endpoint-ko-375-${scheme}`);

      await page.locator('.incident-list li a').first().click();
      const cause = page.locator('[data-testid="incident-cause"]');
      await expect.poll(() => cause.locator('.cause').innerText()).toBe('원인: 주 데이터베이스 (PostgreSQL 18, 서울 리전) (해당 인시던트)');
      expect(await cause.locator('.cause-note').innerText()).toBe(
        '주 데이터베이스 (PostgreSQL 18, 서울 리전)이(가) 장애 또는 점검 중일 때 열린 인시던트라 알림을 보내지 않았습니다.',
      );
      await expectLaidOut(page, '.ep-head h1, [data-testid="incident-cause"], .facts > div', 6);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `dependencies-incident-ko-375-${scheme}`);

      await page.goto(`${env.base()}/endpoints/${pay.id}/edit`);
      const picker = page.locator('.field[data-field="parentId"]');
      await expect.poll(() => picker.locator('.parent-chosen').innerText()).toMatch(/^주 데이터베이스 \(PostgreSQL 18, 서울 리전\) HTTP 127\.0\.0\.1:\d+\/db$/);
      expect(await picker.locator('legend').innerText()).toBe('의존 대상');
      await picker.getByRole('button', { name: '변경' }).click();
      // Offered: none and the database; not itself nor its four children.
      await expect.poll(() => offered(page)).toEqual(['none', database.id]);
      expect(await page.locator('.parent-excluded').innerText()).toBe(
        '목록에서 뺀 항목: 이 엔드포인트와 여기에 의존하는 엔드포인트 4개 (고르면 순환이 됩니다).',
      );
      await picker.scrollIntoViewIfNeeded();
      await expectLaidOut(page, '.parent-current > *, #f-parentId-search, .parent-option, .parent-pick > small', 6);
      await expectLaidOut(page, '.form > .field, .form > .form-row, .form > .actions', 8);
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `dependencies-form-ko-375-${scheme}`);

      const { page: dashboard, errors: dashboardErrors } = await env.open('/', options);
      await expect.poll(() => card(dashboard, pay.id).locator('.card-parent').innerText()).toBe('↳ 주 데이터베이스 (PostgreSQL 18, 서울 리전)');
      await expectLaidOut(dashboard, `.card[data-endpoint-id="${pay.id}"] :is(.card-name, .live-badge, .card-incident, .card-parent, .strip)`, 5);
      expect(await seriousViolations(dashboard)).toEqual([]);
      await saveScreenshot(dashboard, `dependencies-dashboard-ko-375-${scheme}`);
      expect([...errors, ...dashboardErrors]).toEqual([]);
    });
  }
});
