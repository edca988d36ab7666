/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { seedMonitoringStory } from '../support/ui-fixtures.ts';

const env = useBrowserTestEnv();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's findings on the page as it stands, serious and critical ones only, as readable lines.
 * Injected through the DevTools protocol: the page's Content-Security-Policy runs no inline script.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`));
}

describe('accessibility (axe-core)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical violation on any page in the ${scheme} theme`, async () => {
      const story = await seedMonitoringStory(env);
      const { page, errors } = await env.open('/', { colorScheme: scheme, viewport: { width: 1280, height: 800 } });
      const pages: [name: string, path: string, ready: string][] = [
        ['dashboard', '/', '.card'],
        ['list', '/endpoints', 'tr[data-endpoint-id]'],
        ['endpoint', `/endpoints/${story.down.id}`, '.chart, .chart-empty'],
        ['incidents', '/incidents', 'tr[data-incident-id]'],
        ['incident', `/incidents/${story.resolvedIncident.id}`, '.timeline-item'],
        ['form', '/endpoints/new', 'form'],
        ['not-found', '/no-such-page', 'h1'],
      ];
      const found: string[] = [];
      for (const [name, path, ready] of pages) {
        await page.goto(env.base() + path);
        await page.locator(ready).first().waitFor();
        await page.locator('.conn[data-state="connected"]').waitFor();
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        found.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await saveScreenshot(page, `a11y-${scheme}-${name}`);
      }
      expect(found).toEqual([]);
      // The pass itself can fail: an unlabelled button is caught.
      await page.evaluate(() => document.querySelector('main')!.append(document.createElement('button')));
      expect((await seriousViolations(page)).join('\n')).toContain('button-name (critical)');
      expect(errors).toEqual([]);
    });
  }
});
