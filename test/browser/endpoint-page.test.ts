/**
 * The endpoint page: a malformed id is simply not found, everything on it follows the endpoint
 * live, a slow check says it is running, and the request headers are shown.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

const connected = (page: Page) => page.locator('.conn[data-state="connected"]').waitFor();
const uptimeOf = (page: Page, window: '24h' | '7d' | '30d') => page.locator(`.uptime li[data-window="${window}"]`);

describe('the endpoint page', () => {
  it('shows the same not-found page for a malformed id as for an unknown one, without a toast', async () => {
    const unknown = await env.open(`/endpoints/${randomUUID()}`);
    const unknownPage = unknown.page.getByTestId('endpoint-not-found');
    await unknownPage.waitFor({ timeout: 5000 });
    const expected = await unknownPage.innerText();

    const started = Date.now();
    const { page, errors } = await env.open('/endpoints/not-a-uuid');
    const notFound = page.getByTestId('endpoint-not-found');
    await notFound.waitFor({ timeout: 5000 });
    const shownAfterMs = Date.now() - started;
    expect(await notFound.innerText()).toBe(expected);
    expect(expected).toContain('This endpoint does not exist');
    expect(await notFound.getByRole('link', { name: 'All endpoints' }).getAttribute('href')).toBe('/endpoints');
    await page.waitForTimeout(1000);
    expect(await page.locator('[data-sonner-toast]').count()).toBe(0);
    expect(await page.getByText('Loading…').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('BAD_REQUEST');
    await saveScreenshot(page, 'endpoint-malformed-id');
    console.log(`not-found page for a malformed id shown ${shownAfterMs} ms after navigation started`);

    const ko = await env.open('/endpoints/not-a-uuid', { locale: 'ko-KR' });
    await ko.page.getByTestId('endpoint-not-found').getByText('이 엔드포인트는 (더 이상) 존재하지 않습니다.').waitFor({ timeout: 5000 });
    await saveScreenshot(ko.page, 'endpoint-malformed-id-ko');
    expect([...errors, ...unknown.errors, ...ko.errors]).toEqual([]);
  });

  it('updates uptime, recent checks, incidents and status live after Check now and resume', async () => {
    env.target.setMode('/live', { kind: 'ok' });
    const endpoint = await env.createEndpoint({ path: '/live', name: 'Live page', intervalSeconds: 1, failureThreshold: 2, paused: true });
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`);
    await connected(page);
    await expect.poll(() => uptimeOf(page, '24h').innerText(), { timeout: 5000 }).toContain('no checks');
    const badge = page.locator('.ep-head .badge');
    expect(await badge.getAttribute('data-status')).toBe('PAUSED');

    // Check now: its uptime counts it at once (not after the 10 s re-read).
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => uptimeOf(page, '24h').innerText(), { timeout: 3000, interval: 50 }).toMatch(/100(\.0+)?\s*%[\s\S]*\b1 check/);
    console.log(`uptime counted the manual check ${Date.now() - clicked} ms after the click`);
    expect(await uptimeOf(page, '30d').innerText()).toMatch(/\b1 check/);
    expect(await page.locator('[data-testid="recent-checks"] tbody tr').count()).toBe(1);

    // Resumed against a failing target: DOWN, an incident, its failure count and the uptime all move.
    env.target.setMode('/live', { kind: 'ok', status: 500 });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 5000 }).toBe('DOWN');
    const openIncident = page.locator('.incident-list li[data-open="true"]');
    await openIncident.waitFor({ timeout: 6000 });
    await expect.poll(() => openIncident.innerText(), { timeout: 6000 }).toMatch(/\b[3-9] failures|\b\d\d failures/);
    await expect.poll(() => uptimeOf(page, '24h').innerText(), { timeout: 3000 }).toMatch(/\b[4-9] checks|\b\d\d checks/);
    const uptimeWhileDown = Number((await uptimeOf(page, '24h').locator('.uptime-value').innerText()).replace(/[^\d.]/g, ''));
    expect(uptimeWhileDown).toBeLessThan(50);
    expect(await page.locator('[data-testid="recent-checks"] tbody tr').count()).toBeGreaterThanOrEqual(4);
    await saveScreenshot(page, 'endpoint-page-live-down');

    // Recovery resolves the incident on the page.
    env.target.setMode('/live', { kind: 'ok' });
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 5000 }).toBe('UP');
    await page.locator('.incident-list li[data-open="false"]').waitFor({ timeout: 5000 });
    expect(await openIncident.count()).toBe(0);

    // What the page shows matches what REST says once the re-read has happened.
    const rest = (await env.vigil.api<{ '24h': { checks: number } }>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body;
    const shown = Number(/(\d+) checks/.exec(await uptimeOf(page, '24h').innerText())![1]);
    expect(Math.abs(shown - rest['24h'].checks)).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it('says "Checking…" with a spinner while Check now waits for a hanging target, in English and Korean', async () => {
    env.target.setMode('/hang', { kind: 'hang' });
    const endpoint = await env.createEndpoint({ path: '/hang', name: 'Hanging', timeoutMs: 3000, degradedThresholdMs: 1000, paused: true });

    for (const [locale, idle, busy] of [
      ['en-US', 'Check now', 'Checking…'],
      ['ko-KR', '지금 체크', '체크 중…'],
    ] as const) {
      const { page, errors } = await env.open(`/endpoints/${endpoint.id}`, { locale });
      const button = page.locator('button.check-now');
      await expect.poll(() => button.innerText(), { timeout: 5000 }).toBe(idle);
      const clicked = Date.now();
      await button.click();
      await expect.poll(() => button.innerText(), { timeout: 1000, interval: 20 }).toBe(busy);
      const feedbackMs = Date.now() - clicked;
      expect(feedbackMs).toBeLessThan(500);
      expect(await button.getAttribute('aria-busy')).toBe('true');
      expect(await button.isDisabled()).toBe(true);
      const spinner = button.locator('.spinner');
      const box = await spinner.boundingBox();
      expect(box && box.width > 5 && box.height > 5).toBe(true);
      expect(await spinner.evaluate((el) => getComputedStyle(el).animationName)).toBe('spin');
      expect(await page.locator('.check-progress').innerText()).toMatch(locale === 'en-US' ? /at most 3 s/ : /3초/);
      // The other actions stay usable meanwhile.
      expect(await page.getByRole('button', { name: locale === 'en-US' ? 'Resume' : '재개' }).isDisabled()).toBe(false);
      await saveScreenshot(page, `endpoint-check-now-hanging-${locale}`);
      console.log(`${locale}: "${busy}" shown ${feedbackMs} ms after the click`);

      // Cut off at the timeout: the button comes back and the result is told.
      await expect.poll(() => button.innerText(), { timeout: 6000 }).toBe(idle);
      const tookMs = Date.now() - clicked;
      expect(tookMs).toBeGreaterThanOrEqual(2900);
      expect(await button.getAttribute('aria-busy')).toBe('false');
      expect(await page.locator('.check-progress').innerText()).toBe('');
      await page.locator('[data-sonner-toast]', { hasText: locale === 'en-US' ? 'Checked Hanging: Down' : 'Hanging 체크 완료' }).waitFor({ timeout: 3000 });
      expect(errors).toEqual([]);
    }
  });

  it('shows the request headers, secret values masked as the API returns them', async () => {
    const endpoint = await env.createEndpoint({
      path: '/headers',
      name: 'With headers',
      paused: true,
      headers: { 'X-Team': 'payments', Authorization: 'Bearer s3cr3t-value' },
    });
    const { page, errors } = await env.open(`/endpoints/${endpoint.id}`);
    const list = page.getByTestId('request-headers');
    await list.waitFor({ timeout: 5000 });
    const text = await list.innerText();
    expect(text).toMatch(/X-Team\s+payments/);
    expect(text).toMatch(/Authorization\s+🔒\s*\(secret\)/i);
    expect(await page.locator('body').innerText()).not.toContain('s3cr3t-value');
    expect(await page.content()).not.toContain('s3cr3t-value');
    const headerBox = await list.boundingBox();
    expect(headerBox!.width).toBeGreaterThan(200);
    await list.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'endpoint-request-headers');

    const bare = await env.createEndpoint({ path: '/bare', name: 'No headers', paused: true });
    await page.goto(`${env.base()}/endpoints/${bare.id}`);
    await page.getByText('No request headers.').waitFor({ timeout: 5000 });
    expect(errors).toEqual([]);
  });
});
