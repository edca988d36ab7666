/**
 * What the browser tests check of a page as a person sees it: boxes laid out (visible, inside the
 * viewport, none on another, no sideways scroll) and axe-core's serious findings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Layout {
  count: number;
  hidden: string[];
  outside: string[];
  overlapping: string[];
  sideways: boolean;
}

/** The elements `selector` finds: how many, which are hidden, outside the viewport's width or on another, and whether the page scrolls sideways. */
export function layoutOf(page: Page, selector: string): Promise<Layout> {
  return page.evaluate((sel) => {
    const boxes = [...document.querySelectorAll<HTMLElement>(sel)].map((el) => {
      const r = el.getBoundingClientRect();
      return {
        id: el.id || el.dataset.field || el.dataset.type || el.className || el.tagName,
        left: r.left,
        right: r.right,
        top: r.top,
        bottom: r.bottom,
        shown: r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden',
      };
    });
    const overlapping: string[] = [];
    boxes.forEach((a, i) => {
      for (const b of boxes.slice(i + 1)) {
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlapping.push(`${a.id} × ${b.id}`);
      }
    });
    return {
      count: boxes.length,
      hidden: boxes.filter((b) => !b.shown).map((b) => b.id),
      outside: boxes.filter((b) => b.left < 0 || b.right > window.innerWidth + 0.5).map((b) => b.id),
      overlapping,
      sideways: document.scrollingElement!.scrollWidth > window.innerWidth,
    };
  }, selector);
}

/** axe-core's serious and critical findings on the page as it stands (injected over DevTools: the CSP runs no inline script). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

/** The elements of `main` whose boxes run past the window's edges (hidden ones and screen-reader text aside), and whether the page scrolls sideways. */
export function overflowing(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const out = [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || el.closest('.sr-only')) return false;
        return box.left < -0.5 || box.right > width + 0.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`);
    return { out, sideways: document.scrollingElement!.scrollWidth > width };
  });
}

/** The words of `main` in Latin letters, once each: what a Korean page must not show of its own words. */
export const latinWords = (page: Page) => page.evaluate(() => [...new Set(document.querySelector('main')!.innerText.match(/[A-Za-z][A-Za-z_'’]+/g) ?? [])]);
