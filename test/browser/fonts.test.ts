import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

const env = useBrowserTestEnv();

/** The fonts Chromium actually drew an element's text with (DevTools' "Rendered fonts"). */
async function renderedFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map((f) => f.familyName);
}

interface Glyph {
  width: number;
  inked: number;
  /** Pixels clearly not grey: a colour glyph, drawn in black it would have none. */
  coloured: number;
  sameAsMissing: boolean;
}

/**
 * Each character drawn alone on a canvas in the page's own font stack, in black, compared with a
 * character no font has (U+10FFFD, drawn as the "missing glyph" box).
 */
function glyphs(page: Page, chars: string[]): Promise<Record<string, Glyph>> {
  return page.evaluate((chars) => {
    const font = `40px ${getComputedStyle(document.body).fontFamily}`;
    const draw = (text: string) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 64;
      const g = canvas.getContext('2d', { willReadFrequently: true })!;
      g.font = font;
      g.fillStyle = '#000';
      g.textBaseline = 'top';
      g.fillText(text, 4, 4);
      return { width: g.measureText(text).width, data: g.getImageData(0, 0, 64, 64).data };
    };
    const missing = draw('\u{10FFFD}').data;
    const result: Record<string, Glyph> = {};
    for (const c of chars) {
      const { width, data } = draw(c);
      let inked = 0;
      let coloured = 0;
      let differs = false;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 32) inked++;
        if (a > 32 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        if (data[i + 3] !== missing[i + 3]) differs = true;
      }
      result[c] = { width, inked, coloured, sameAsMissing: !differs };
    }
    return result;
  }, chars);
}

describe('fonts', () => {
  it('draws Korean text and emoji with real glyphs (CJK and colour-emoji fonts), not empty boxes', async () => {
    env.target.setMode('/font', { kind: 'ok', status: 500 });
    const endpoint = await env.createEndpoint({ path: '/font', name: '결제 API', paused: true });
    const { page, errors } = await env.open('/', { locale: 'ko-KR' });
    await page.locator('.conn[data-state="connected"]').waitFor();
    await page.locator('h1', { hasText: '대시보드' }).waitFor();
    expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/check`)).status).toBe(200);
    const toast = page.locator('[data-sonner-toast] [data-title]', { hasText: '❌ 결제 API 장애 발생' });
    await toast.waitFor();
    await page.waitForTimeout(500); // the toast's enter transition
    await saveScreenshot(page, 'fonts-korean-emoji');

    const family = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    for (const name of ['Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji']) {
      expect(family).toContain(name);
    }

    const drawn = await glyphs(page, ['대', '장', '❌', '✅', '🚨']);
    for (const [char, glyph] of Object.entries(drawn)) {
      expect(glyph.width, char).toBeGreaterThan(20);
      expect(glyph.inked, char).toBeGreaterThan(50);
      expect(glyph.sameAsMissing, `${char} is drawn as the missing-glyph box`).toBe(false);
    }
    for (const emoji of ['❌', '✅', '🚨']) expect(drawn[emoji]!.coloured, `${emoji} in colour`).toBeGreaterThan(50);
    for (const hangul of ['대', '장']) expect(drawn[hangul]!.coloured, hangul).toBe(0);

    expect((await renderedFonts(page, 'h1')).join()).toMatch(/Noto Sans CJK KR|Noto Sans KR/);
    const toastFonts = await renderedFonts(page, '[data-sonner-toast] [data-title]');
    expect(toastFonts).toContain('Noto Color Emoji');
    expect(toastFonts.join()).toMatch(/Noto Sans CJK KR|Noto Sans KR/);
    expect(errors).toEqual([]);
  });
});
