/// <reference lib="dom" />
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

const HOUR_MS = 3_600_000;
const RANGES = { '1h': HOUR_MS, '6h': 6 * HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS } as const;
type Range = keyof typeof RANGES;
const LABELS = {
  en: { '1h': '1 hour', '6h': '6 hours', '24h': '24 hours', '7d': '7 days', '30d': '30 days' },
  ko: { '1h': '1시간', '6h': '6시간', '24h': '24시간', '7d': '7일', '30d': '30일' },
} as const;
const SCREEN = { width: 1280, height: 800 };

type ChartHost = HTMLDivElement & { uplot: { valToPos(v: number, scale: string): number; data: (number | null)[][]; over: HTMLElement } };

/** What the chart shows: its time axis (from uPlot's scale once drawn) and the labels drawn on it. */
async function axis(page: Page) {
  const host = page.locator('.response-chart[data-loaded="true"] .chart');
  await host.waitFor();
  const data = await host.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return { from: Date.parse(data.xFrom!), to: Date.parse(data.xTo!), labels: data.xLabels!.split('|') };
}

async function pickRange(page: Page, lang: 'en' | 'ko', range: Range) {
  await page.getByRole('button', { name: LABELS[lang][range], exact: true }).click();
  await page.locator(`.response-chart[data-range="${range}"][data-loaded="true"]`).waitFor();
}

describe('the response-time chart', () => {
  it('spans exactly the chosen range, ending now, for a brand-new endpoint, with its one check drawn and counted as "1 check"', async () => {
    const endpoint = await env.createEndpoint({ path: '/brand-new', name: 'Brand new' });
    await expect.poll(async () => (await env.vigil.api(`GET`, `/api/endpoints/${endpoint.id}/checks`)).body.items.length, { timeout: 10_000 }).toBe(1);
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`, { viewport: SCREEN });

    for (const range of Object.keys(RANGES) as Range[]) {
      await pickRange(page, 'en', range);
      const { from, to } = await axis(page);
      expect(to - from, range).toBeGreaterThan(RANGES[range] - 1000);
      expect(to - from, range).toBeLessThan(RANGES[range] + 1000);
      expect(Math.abs(Date.now() - to), range).toBeLessThan(20_000);
    }

    await pickRange(page, 'en', '1h');
    // The lone point: inside the plot and painted in the line's colour (a line needs two points, so it is drawn as a dot).
    const dot = await page.locator('.response-chart .chart').evaluate((el) => {
      const u = (el as ChartHost).uplot;
      const i = u.data[1]!.findIndex((v) => v != null);
      const x = u.valToPos(u.data[0]![i]!, 'x');
      const y = u.valToPos(u.data[1]![i]!, 'y');
      const canvas = el.querySelector('canvas')!;
      const ratio = canvas.width / canvas.clientWidth;
      const left = canvas.getBoundingClientRect().left;
      const over = u.over.getBoundingClientRect();
      const ctx = canvas.getContext('2d')!;
      const cx = Math.round((over.left - left + x) * ratio);
      const cy = Math.round((over.top - canvas.getBoundingClientRect().top + y) * ratio);
      const pixels = ctx.getImageData(cx - 2, cy - 2, 5, 5).data;
      let blue = 0;
      for (let p = 0; p < pixels.length; p += 4) if (pixels[p + 2]! > 180 && pixels[p]! < 140 && pixels[p + 3]! > 200) blue++;
      return { x, width: u.over.clientWidth, blue };
    });
    expect(dot.x).toBeGreaterThan(dot.width * 0.95);
    expect(dot.x).toBeLessThanOrEqual(dot.width);
    expect(dot.blue).toBeGreaterThanOrEqual(9);

    expect(await page.locator('.chart-total').textContent()).toBe('1 hour: 1 check, 0 down');
    await expect.poll(() => page.locator('.uptime').textContent()).toContain('1 check');
    expect(await page.locator('main').textContent()).not.toMatch(/\b1 checks\b/);
    await saveScreenshot(page, 'chart-new-endpoint-en');

    // A live check joins the chart without a reload.
    expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/check`)).status).toBe(200);
    await expect.poll(() => page.locator('.chart-total').textContent(), { timeout: 5000 }).toBe('1 hour: 2 checks, 0 down');

    // On a phone the five ranges and the chart fit the width.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('.response-chart .u-over').evaluate((el) => el.getBoundingClientRect().right)).toBeLessThan(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const ranges = await page
      .locator('.chart-head .segmented button')
      .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().toJSON() as DOMRect));
    expect(ranges).toHaveLength(5);
    expect(Math.max(...ranges.map((r) => r.right))).toBeLessThanOrEqual(390);
    // One row of one-line buttons.
    expect(new Set(ranges.map((r) => Math.round(r.top))).size).toBe(1);
    expect(Math.max(...ranges.map((r) => r.height))).toBeLessThan(44);
    await saveScreenshot(page, 'chart-phone-en');
    expect(errors).toEqual([]);
  });

  it('in Korean: 24-hour axis labels, a red band where it was DOWN, a broken line where there were no checks, and the labelled threshold', async () => {
    const endpoint = await env.createEndpoint({ path: '/history', name: 'Checkout API', intervalSeconds: 60, degradedThresholdMs: 300, paused: true });
    const now = Date.now();
    await seedDay(endpoint, now);
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`, { viewport: SCREEN, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });

    await pickRange(page, 'ko', '24h');
    const { from, to, labels } = await axis(page);
    expect(to - from).toBeGreaterThan(RANGES['24h'] - 1000);
    expect(to - from).toBeLessThan(RANGES['24h'] + 1000);
    expect(labels.length).toBeGreaterThanOrEqual(6);
    for (const label of labels) expect(label).toMatch(/^([01]\d|2[0-3]):[0-5]\d(\n\d{1,2}월 \d{1,2}일)?$/);
    // 24 hours hold afternoon hours: written 13:00 … 23:00, never 오후 1:00.
    expect(labels.some((l) => Number(l.slice(0, 2)) >= 13)).toBe(true);
    expect(labels.some((l) => l.includes('\n'))).toBe(true);

    const over = (await page.locator('.response-chart .u-over').boundingBox())!;
    const xOf = (time: number) => over.x + ((time - from) / (to - from)) * over.width;
    const bands = page.locator('.chart-down-band');
    expect(await bands.count()).toBe(1);
    const band = (await bands.boundingBox())!;
    expect(Math.abs(band.x - xOf(now - 5 * HOUR_MS))).toBeLessThan(over.width * 0.01);
    expect(Math.abs(band.x + band.width - xOf(now - 4 * HOUR_MS))).toBeLessThan(over.width * 0.01);
    expect(band.height).toBeCloseTo(over.height, 0);

    const threshold = page.locator('.chart-threshold[data-off-scale="false"]');
    expect(await threshold.locator('.chart-threshold-label').textContent()).toBe('성능 저하 기준 300 ms');
    const expectedY = await page.locator('.response-chart .chart').evaluate((el) => (el as ChartHost).uplot.valToPos(300, 'y'));
    expect(Math.abs((await threshold.boundingBox())!.y - (over.y + expectedY))).toBeLessThan(2);

    // The two silent hours are a break in the line, not a slope across them.
    const line = await page.locator('.response-chart .chart').evaluate((el) => {
      const u = (el as ChartHost).uplot;
      return u.data[0]!.map((x, i) => [(x ?? 0) * 1000, u.data[1]![i]] as const);
    });
    const MINUTE_MS = 60_000;
    expect(line.filter(([x, y]) => x > now - 595 * MINUTE_MS && x < now - 485 * MINUTE_MS && y !== null)).toEqual([]);
    expect(line.some(([x, y]) => x >= now - 610 * MINUTE_MS && x <= now - 480 * MINUTE_MS && y === null)).toBe(true);
    expect(line.filter(([, y]) => y !== null).length).toBeGreaterThan(200);

    expect(await page.locator('.chart-total').textContent()).toMatch(/^24시간: 체크 \d+회, 장애 60회$/);
    // Hovering the band reads out that stretch: when, and that every check there was DOWN.
    await page.mouse.move(band.x + band.width / 2, band.y + band.height / 2);
    const tip = page.locator('.chart-tip:not([hidden])');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/^\d{1,2}월 \d{1,2}일 ([01]\d|2[0-3]):[0-5]\d · 모두 장애 · 체크 5회$/);
    await saveScreenshot(page, 'chart-24h-ko');
    await page.mouse.move(0, 0);

    await pickRange(page, 'ko', '7d');
    const week = await axis(page);
    expect(week.to - week.from).toBeGreaterThan(RANGES['7d'] - 1000);
    expect(week.labels.some((l) => /\d{1,2}월 \d{1,2}일$/.test(l))).toBe(true);
    expect(await bands.count()).toBe(1);
    await saveScreenshot(page, 'chart-7d-ko');

    // English, and in the dark theme (the system's): the marks follow the theme's colours.
    const english = await env.open(`/endpoints/${endpoint.id}`, { viewport: SCREEN, timezoneId: 'Asia/Seoul', colorScheme: 'dark' });
    await pickRange(english.page, 'en', '24h');
    for (const label of (await axis(english.page)).labels) expect(label).toMatch(/^([01]\d|2[0-3]):[0-5]\d(\n[A-Z][a-z]{2} \d{1,2})?$/);
    expect(await english.page.locator('.chart-threshold-label').textContent()).toBe('Degraded above 300 ms');
    await saveScreenshot(english.page, 'chart-24h-en-dark');
    // Switching the language redraws the axis in it.
    await english.page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await expect.poll(async () => (await axis(english.page)).labels.join('|')).toMatch(/\d{1,2}월 \d{1,2}일/);
    expect(await english.page.locator('.chart-threshold-label').textContent()).toBe('성능 저하 기준 300 ms');
    expect([...errors, ...english.errors]).toEqual([]);
  });
});

describe('the y axis', () => {
  it('leaves room for its widest label ("10000 ms"): nothing is painted in the canvas\'s first columns', async () => {
    const endpoint = await env.createEndpoint({
      path: '/slow-history',
      name: 'Slow reports',
      intervalSeconds: 60,
      timeoutMs: 15000,
      degradedThresholdMs: 9000,
      paused: true,
    });
    await env.vigil.database.db.execute(sql`
      insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
      select gen_random_uuid(), ${endpoint.id}::uuid, 'UP', 8000 + m * 100, 200, null, now() - m * interval '1 minute'
      from generate_series(1, 30) as m`);
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`, { viewport: SCREEN });
    await pickRange(page, 'en', '1h');
    const labels = await page
      .locator('.response-chart .chart')
      .evaluate((el) => (el as ChartHost & { uplot: { axes: { _values?: string[] }[] } }).uplot.axes[1]!._values ?? []);
    expect(labels).toContain('10000 ms');
    const paintedAtLeftEdge = await page.locator('.response-chart .chart canvas').evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, 2, canvas.height).data;
      let painted = 0;
      for (let p = 3; p < pixels.length; p += 4) if (pixels[p]! > 0) painted++;
      return painted;
    });
    expect(paintedAtLeftEdge).toBe(0);
    await saveScreenshot(page, 'chart-wide-y-labels');
    expect(errors).toEqual([]);
  });
});

/**
 * A day of checks straight into the database, one a minute up to a minute ago: 120 to 260 ms,
 * DEGRADED (above 300 ms) for half an hour 15 hours ago, DOWN for an hour 5 hours ago, and no
 * checks at all from 10 to 8 hours ago.
 */
async function seedDay(endpoint: Endpoint, now: number) {
  await env.vigil.database.db.execute(sql`
    insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
    select gen_random_uuid(), ${endpoint.id}::uuid,
      case when m between 241 and 300 then 'DOWN' when m between 871 and 900 then 'DEGRADED' else 'UP' end,
      case when m between 241 and 300 then 10000 when m between 871 and 900 then 340 + (m % 7) * 10 else 120 + (m * 37) % 140 end,
      case when m between 241 and 300 then 503 else 200 end,
      case when m between 241 and 300 then 'Unexpected status code 503' end,
      ${new Date(now).toISOString()}::timestamptz - m * interval '1 minute'
    from generate_series(1, 1439) as m
    where m not between 481 and 600`);
}
