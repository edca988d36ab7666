/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Check, Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/vigil.ts';

const env = useBrowserTestEnv();
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const card = (page: Page, id: string) => page.locator(`.card[data-endpoint-id="${id}"]`);
const connected = (page: Page) => page.locator('.conn[data-state="connected"]').waitFor();

async function checkNow(endpoint: Endpoint): Promise<Check> {
  const res = await env.vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * A check of 12,345 ms, written as Vigil writes one (a result row and the endpoint's last fields):
 * a real one would hold the test for 12 s.
 */
async function recordSlowCheck(endpoint: Endpoint, responseTime: number) {
  const checkedAt = new Date().toISOString();
  await env.vigil.database.db.execute(sql`
    insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
    values (gen_random_uuid(), ${endpoint.id}::uuid, 'DEGRADED', ${responseTime}, 200, null, ${checkedAt}::timestamptz)`);
  await env.vigil.database.db.execute(sql`
    update endpoints set status = 'DEGRADED', last_checked_at = ${checkedAt}::timestamptz, last_response_time = ${responseTime}, last_status_code = 200
    where id = ${endpoint.id}::uuid`);
}

/** Endpoints that stretch a card: a slow one, long Korean and emoji names, DOWN for three reasons. */
async function seedCards() {
  env.target.setMode('/ok', { kind: 'ok' });
  env.target.setMode('/error', { kind: 'ok', status: 503 });
  env.target.setMode('/hang', { kind: 'hang' });
  const closedPort = await freePort();
  // Created running: each is checked at once (and then hourly).
  const ok = await env.createEndpoint({ path: '/ok', name: 'Checkout API', tags: ['shop'] });
  const slow = await env.createEndpoint({ path: '/ok', name: 'Nightly reports 🐢', degradedThresholdMs: 2000, tags: ['shop'] });
  const korean = await env.createEndpoint({ path: '/error', name: '결제 게이트웨이 (서울 리전, 기본) 💳 아주 긴 이름의 엔드포인트' });
  const refused = await env.createEndpoint({ path: '/x', name: 'Refused 🚫', url: `http://127.0.0.1:${closedPort}/` });
  const timeout = await env.createEndpoint({ path: '/hang', name: 'Hanging search', timeoutMs: 300 });
  for (const e of [ok, slow, korean, refused, timeout]) {
    await waitFor(async () => (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${e.id}`)).body.lastCheckedAt, 10_000, `${e.name} checked`);
  }
  await recordSlowCheck(slow, 12345);
  return { ok, slow, korean, refused, timeout };
}

interface Box {
  x: number;
  y: number;
  right: number;
  bottom: number;
  height: number;
}

/** What a person sees of each card: the boxes of its texts and whether any is cut or wrapped. */
function measureCards(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element): Box => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, height: r.height };
    };
    const lineHeight = (el: Element) => parseFloat(getComputedStyle(el).lineHeight);
    return [...document.querySelectorAll('.card')].map((card) => {
      const inner = box(card);
      const values = [...card.querySelectorAll('.fact-value')];
      const facts = [...card.querySelectorAll('.fact-label')].map((label, i) => {
        const value = values[i]!;
        return {
          label: label.textContent,
          value: value.textContent,
          labelBox: box(label),
          valueBox: box(value),
          valueLineHeight: lineHeight(value),
          valueCut: (value as HTMLElement).scrollWidth > (value as HTMLElement).clientWidth + 1,
        };
      });
      const name = card.querySelector('.card-name')!;
      const badge = card.querySelector('.badge')!;
      const reason = card.querySelector('.reason');
      const strip = card.querySelector('.strip')!;
      const spark = card.querySelector('.spark')!;
      return {
        id: card.getAttribute('data-endpoint-id')!,
        status: card.getAttribute('data-status'),
        card: inner,
        facts,
        name: { text: name.textContent, box: box(name), lineHeight: lineHeight(name) },
        badge: box(badge),
        reason: reason?.checkVisibility() ? { text: reason.textContent!, box: box(reason), lineHeight: lineHeight(reason) } : null,
        strip: box(strip),
        spark: box(spark),
        sparkPoints: spark.querySelector('polyline')?.getAttribute('points') ?? '',
      };
    });
  });
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 && inner.right <= outer.right + 0.5 && inner.y >= outer.y - 0.5 && inner.bottom <= outer.bottom + 0.5;
const apart = (a: Box, b: Box) => a.right <= b.x || b.right <= a.x || a.bottom <= b.y || b.bottom <= a.y;

type Cards = Awaited<ReturnType<typeof measureCards>>;

function expectReadableCards(cards: Cards, where: string) {
  for (const c of cards) {
    const at = `${where}, card ${c.name.text}`;
    expect(c.facts.length, at).toBe(3);
    for (const f of c.facts) {
      // Label left, value right, a gap between them; the value whole, on one line, inside the card.
      expect(f.labelBox.right, `${at}: "${f.label}" ends before "${f.value}" starts`).toBeLessThan(f.valueBox.x);
      expect(f.valueBox.height, `${at}: "${f.value}" on one line`).toBeLessThanOrEqual(f.valueLineHeight + 1);
      expect(f.valueCut, `${at}: "${f.value}" not cut`).toBe(false);
      expect(inside(f.valueBox, c.card), `${at}: "${f.value}" inside the card`).toBe(true);
    }
    // The facts stack without touching each other.
    for (let i = 1; i < c.facts.length; i++) expect(c.facts[i]!.valueBox.y, at).toBeGreaterThanOrEqual(c.facts[i - 1]!.valueBox.bottom - 0.5);
    expect(c.name.box.height, `${at}: name on one line`).toBeLessThanOrEqual(c.name.lineHeight + 1);
    expect(apart(c.name.box, c.badge), `${at}: name and badge apart`).toBe(true);
    expect(inside(c.badge, c.card), `${at}: badge inside`).toBe(true);
    expect(apart(c.strip, c.spark), `${at}: strip and sparkline side by side`).toBe(true);
    expect(inside(c.spark, c.card) && inside(c.strip, c.card), `${at}: strip and sparkline inside`).toBe(true);
    if (c.reason) {
      expect(c.reason.box.height, `${at}: reason on one line`).toBeLessThanOrEqual(c.reason.lineHeight + 1);
      expect(inside(c.reason.box, c.card), `${at}: reason inside`).toBe(true);
    }
  }
}

describe('status cards', () => {
  it('lay out labels and values apart and on one line, with 12345 ms, long Korean and emoji names, at 1280×800 and 390×844', async () => {
    const seeded = await seedCards();
    for (const [name, options, locale] of [
      ['dashboard-cards-1280', DESKTOP, 'en-US'],
      ['dashboard-cards-390-ko', PHONE, 'ko-KR'],
    ] as const) {
      const { page, errors } = await env.open('/', { ...options, locale });
      await card(page, seeded.timeout.id).waitFor();
      await expect.poll(() => card(page, seeded.timeout.id).getAttribute('data-status')).toBe('DOWN');
      const cards = await measureCards(page);
      expect(cards).toHaveLength(5);
      expectReadableCards(cards, name);
      const slow = cards.find((c) => c.id === seeded.slow.id)!;
      expect(slow.facts[0]!.value).toBe('12345 ms');
      expect(slow.reason?.text).toMatch(locale === 'en-US' ? /Slower than 2000 ms/ : /2000 ms보다 느림/);
      expect(slow.sparkPoints).not.toBe('');
      // Uptime over 24 h from the one check each: UP and DEGRADED count as up.
      expect(cards.find((c) => c.id === seeded.ok.id)!.facts[1]!.value).toBe('100 %');
      expect(cards.find((c) => c.id === seeded.refused.id)!.facts[1]!.value).toBe('0.00 %');
      if (name === 'dashboard-cards-390-ko') {
        // One card per row on a phone, the page no wider than the screen.
        expect(new Set(cards.map((c) => Math.round(c.card.x))).size).toBe(1);
        expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
      }
      await saveScreenshot(page, name);
      expect(errors).toEqual([]);
    }
  });

  it('say why a DOWN endpoint is down, on its card and in the endpoint list', async () => {
    const seeded = await seedCards();
    const { page, errors } = await env.open('/', DESKTOP);
    const expected: [Endpoint, RegExp][] = [
      [seeded.korean, /503/],
      [seeded.refused, /refused/i],
      [seeded.timeout, /time/i],
    ];
    for (const [endpoint, reason] of expected) {
      const shown = card(page, endpoint.id).locator('.reason');
      await expect.poll(() => shown.textContent()).toMatch(reason);
      expect(await shown.isVisible()).toBe(true);
      expect(await shown.getAttribute('title')).toMatch(reason);
    }
    expect(await card(page, seeded.ok.id).locator('.reason').count()).toBe(0);

    await page.goto(`${env.base()}/endpoints`);
    for (const [endpoint, reason] of expected) {
      const shown = page.locator(`tr[data-endpoint-id="${endpoint.id}"] .reason`);
      await expect.poll(() => shown.textContent()).toMatch(reason);
      expect(await shown.isVisible()).toBe(true);
    }
    expect(await page.locator(`tr[data-endpoint-id="${seeded.ok.id}"] .reason`).count()).toBe(0);
    await saveScreenshot(page, 'endpoint-list-reasons');
    expect(errors).toEqual([]);
  });
});

describe('arranging the dashboard', () => {
  it('puts problems first, groups by tag and shows a compact list, each kept in the URL', async () => {
    env.target.setMode('/up', { kind: 'ok' });
    env.target.setMode('/down', { kind: 'ok', status: 500 });
    env.target.setMode('/slow', { kind: 'slow', delayMs: 150 });
    // Echo's first check hangs for the whole test: PENDING.
    env.target.setMode('/pending', { kind: 'hang' });
    const make = (name: string, path: string, extra: Partial<Endpoint> = {}) => env.createEndpoint({ path, name, ...extra });
    // Created running: each is checked at once.
    const alpha = await make('Alpha up', '/up', { tags: ['shop', 'eu'] });
    const bravo = await make('Bravo down', '/down', { tags: ['shop'] });
    await make('Charlie paused', '/up', { tags: ['eu'], paused: true });
    const delta = await make('Delta degraded', '/slow', { degradedThresholdMs: 50 });
    const echo = await make('Echo pending', '/pending', { tags: ['shop'], timeoutMs: 30_000 });
    const names = (page: Page, selector = '.card .card-name') => page.locator(selector).allTextContents();

    const { page, errors } = await env.open('/', DESKTOP);
    await connected(page);
    await expect.poll(() => names(page)).toEqual(['Alpha up', 'Bravo down', 'Charlie paused', 'Delta degraded', 'Echo pending']);
    const statusOf = async (id: string) => card(page, id).getAttribute('data-status');
    await expect.poll(() => statusOf(delta.id)).toBe('DEGRADED');
    await expect.poll(() => statusOf(bravo.id)).toBe('DOWN');
    await expect.poll(() => statusOf(alpha.id)).toBe('UP');
    expect(await statusOf(echo.id)).toBe('PENDING');

    await page.getByLabel('Order').selectOption('problems');
    await expect.poll(() => names(page)).toEqual(['Bravo down', 'Delta degraded', 'Echo pending', 'Alpha up', 'Charlie paused']);
    expect(new URL(page.url()).searchParams.get('order')).toBe('problems');

    // Live: Alpha fails and moves up among the problems (within the one-second reorder pace).
    env.target.setMode('/up', { kind: 'ok', status: 500 });
    await checkNow(alpha);
    await expect.poll(() => names(page), { timeout: 5000 }).toEqual(['Alpha up', 'Bravo down', 'Delta degraded', 'Echo pending', 'Charlie paused']);

    await page.getByLabel('Group').selectOption('tag');
    const groups = page.locator('.dash-group');
    await expect.poll(() => groups.locator('h2').allTextContents()).toEqual(['eu 2 endpoints', 'shop 3 endpoints', 'No tag 1 endpoint']);
    expect(await groups.nth(0).locator('.card-name').allTextContents()).toEqual(['Alpha up', 'Charlie paused']);
    expect(await groups.nth(1).locator('.card-name').allTextContents()).toEqual(['Alpha up', 'Bravo down', 'Echo pending']);
    expect(await groups.nth(2).locator('.card-name').allTextContents()).toEqual(['Delta degraded']);
    await saveScreenshot(page, 'dashboard-grouped-1280');

    await page.getByLabel('View').selectOption('compact');
    await expect.poll(() => groups.nth(1).locator('.compact-row .compact-name').allTextContents()).toEqual(['Alpha up', 'Bravo down', 'Echo pending']);
    expect(await page.locator('.card').count()).toBe(0);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ order: 'problems', group: 'tag', view: 'compact' });

    // A reload (or a shared link) keeps the arrangement.
    await page.reload();
    await expect.poll(() => page.locator('.dash-group').nth(1).locator('.compact-name').allTextContents()).toEqual(['Alpha up', 'Bravo down', 'Echo pending']);
    expect(await page.getByLabel('View').inputValue()).toBe('compact');
    await page.getByLabel('Group').selectOption('none');
    await expect.poll(() => names(page, '.compact-name')).toEqual(['Alpha up', 'Bravo down', 'Delta degraded', 'Echo pending', 'Charlie paused']);
    const reason = page.locator(`.compact-row[data-endpoint-id="${bravo.id}"] .reason`);
    expect(await reason.textContent()).toMatch(/500/);
    await expectRowsReadable(page);
    await saveScreenshot(page, 'dashboard-compact-1280');

    await page.setViewportSize({ width: 390, height: 844 });
    await expectRowsReadable(page);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'dashboard-compact-390');
    expect(errors).toEqual([]);
  });

  it('draws 2,000 endpoints as compact rows of one small height', async () => {
    const endpoints = Array.from({ length: 2000 }, (_, i) => ({
      name: `Service ${String(i).padStart(4, '0')}`,
      url: env.target.url(`/bulk/${i}`),
      paused: true,
    }));
    const imported = await env.vigil.api('POST', '/api/import', { vigil: 'endpoints', version: 1, endpoints });
    expect(imported.status, JSON.stringify(imported.body).slice(0, 300)).toBeLessThan(300);
    const { page, errors } = await env.open('/?view=compact', DESKTOP);
    await expect.poll(() => page.locator('.compact-row').count(), { timeout: 20_000 }).toBe(2000);
    const heights = await page
      .locator('.compact-row')
      .evaluateAll((rows) => [...new Set(rows.slice(0, 50).map((r) => Math.round(r.getBoundingClientRect().height)))]);
    expect(heights).toHaveLength(1);
    expect(heights[0]).toBeLessThanOrEqual(34);
    expect(errors).toEqual([]);
  });
});

/** In every compact row, the texts sit apart on their lines, and the row stays within the screen. */
async function expectRowsReadable(page: Page) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    for (const row of document.querySelectorAll('.compact-row')) {
      const rowBox = row.getBoundingClientRect();
      const parts = [...row.querySelectorAll(':scope > :not(.spark)')].filter((el) => el.checkVisibility() && el.textContent);
      for (const el of parts) {
        const b = el.getBoundingClientRect();
        if (b.right > rowBox.right + 0.5 || b.x < rowBox.x - 0.5) found.push(`${el.className} outside its row`);
        if (b.height > parseFloat(getComputedStyle(el).lineHeight) * 1.05 + 4) found.push(`${el.className} wraps: ${el.textContent}`);
        for (const other of parts) {
          if (other === el) continue;
          const o = other.getBoundingClientRect();
          const overlap = b.x < o.right - 0.5 && o.x < b.right - 0.5 && b.y < o.bottom - 0.5 && o.y < b.bottom - 0.5;
          if (overlap) found.push(`${el.className} overlaps ${other.className}`);
        }
      }
      if (rowBox.right > window.innerWidth) found.push('row wider than the screen');
    }
    return found;
  });
  expect(problems).toEqual([]);
}

describe('live card facts', () => {
  it('moves one card’s sparkline and uptime with each check, leaving the other cards’ DOM untouched', async () => {
    env.target.setMode('/flip', { kind: 'ok' });
    const endpoints: Endpoint[] = [];
    // Card 07 runs (checked once when created, then hourly); the others are paused.
    for (let i = 0; i < 12; i++) endpoints.push(await env.createEndpoint({ path: '/flip', name: `Card ${String(i).padStart(2, '0')}`, paused: i !== 7 }));
    const chosen = endpoints[7]!;
    await waitFor(async () => (await env.vigil.api<Endpoint>('GET', `/api/endpoints/${chosen.id}`)).body.lastCheckedAt, 10_000, 'the first check');
    const { page, errors } = await env.open('/', DESKTOP);
    await connected(page);
    await page.locator('.card').nth(11).waitFor();
    const uptime = () => card(page, chosen.id).locator('.card-uptime').textContent();
    const points = () => card(page, chosen.id).locator('.spark polyline').getAttribute('points');
    await expect.poll(uptime).toBe('100 %');
    expect(await card(page, endpoints[6]!.id).locator('.card-uptime').textContent()).toBe('—');

    await page.evaluate(() => {
      const records: (string | null)[] = [];
      const observer = new MutationObserver((list) => {
        for (const r of list) {
          const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element | null;
          records.push(el?.closest('.card')?.getAttribute('data-endpoint-id') ?? null);
        }
      });
      observer.observe(document.querySelector('.grid')!, { subtree: true, childList: true, attributes: true, characterData: true });
      (window as unknown as { cardsTouched: () => (string | null)[] }).cardsTouched = () => records.splice(0);
    });
    const touched = () => page.evaluate(() => (window as unknown as { cardsTouched: () => (string | null)[] }).cardsTouched());

    const seen: { uptime: string | null; points: string | null }[] = [];
    for (const [status, expectedUptime] of [
      [200, '100 %'],
      [500, '66.67 %'],
      [200, '75.00 %'],
    ] as const) {
      env.target.setMode('/flip', { kind: 'ok', status });
      await checkNow(chosen);
      await expect.poll(uptime).toBe(expectedUptime);
      // The reason shows while the check fails, and hides again once it passes.
      expect(await card(page, chosen.id).locator('.reason').isVisible()).toBe(status === 500);
      seen.push({ uptime: await uptime(), points: await points() });
      await page.waitForTimeout(100);
      expect(new Set(await touched())).toEqual(new Set([chosen.id]));
    }
    // Each check draws one more point.
    expect(seen.map((s) => s.points!.split(' ').length)).toEqual([2, 3, 4]);
    expect(new Set(seen.map((s) => s.points)).size).toBe(3);
    await saveScreenshot(page, 'dashboard-live-sparkline');
    expect(errors).toEqual([]);
  });
});
