import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The dashboard must stay light: what a first visit downloads before it can render.
const DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));
const BUDGET_BYTES = 60 * 1024;

/** The scripts index.html loads at once; fails when it names no built chunk (a broken build, or a pattern that no longer matches). */
function initialScripts(): string[] {
  const html = readFileSync(`${DIST}index.html`, 'utf8');
  const refs = [...new Set([...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/([^"]+\.js)"/g)].map((m) => m[1]!))];
  expect(
    refs.filter((file) => file.startsWith('assets/')),
    `no script of web/dist/assets/ in index.html:\n${html}`,
  ).not.toEqual([]);
  return refs;
}

it('loads at most 60 KB of gzipped JavaScript for the first view', () => {
  const scripts = initialScripts();
  const total = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(DIST + file), { level: 9 }).length, 0);
  expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
});

it('keeps the chart library out of the first view (it comes with the endpoint page)', () => {
  for (const file of initialScripts()) {
    expect(readFileSync(DIST + file, 'utf8'), file).not.toMatch(/uPlot|u-legend/);
  }
});
