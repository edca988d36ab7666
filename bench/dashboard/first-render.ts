/** The dashboard opened in Chromium while everything is paused, and its first full render measured. */
import { gzipSync } from 'node:zlib';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { assertNotAborting } from '../support/cleanup.ts';
import { progress, round } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import { FrameCounter, readHeap } from './browser.ts';
import type { Options } from './options.ts';
import { PAGE_NAV_INFO, pageInstruments, type PageMark, type WindowStats } from './page.ts';
import type { RunResult } from './results.ts';

/** A script, stylesheet or the document as the page received it. */
interface Asset {
  url: string;
  kind: string;
  wireBytes: number | null;
  decodedBytes: number;
  gzipBytes: number;
  encoding: string | null;
  body: string;
}

/** A page with the bench's instruments in, its socket frames counted, the bodies of its scripts, styles and document kept. */
export interface Dashboard {
  page: Page;
  cdp: CDPSession;
  frames: FrameCounter;
  assets: Promise<Asset>[];
  documentHtml: { text: string };
}

/** A new page (1280×800) with the instruments in, listening; `consoleErrors` and `failedResponses` fill as it goes (50 at most each). */
export async function newDashboardPage(
  browser: Browser,
  base: string,
  expectedCards: number,
  consoleErrors: string[],
  failedResponses: string[],
): Promise<Dashboard> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.addInitScript({ content: pageInstruments(expectedCards) });
  // No owner account: this machine goes on without one (the set-up page's "Continue without an account").
  await page.addInitScript({ content: "localStorage.setItem('vigil.setup.deferred', '1')" });
  const frames = new FrameCounter();
  frames.attach(page);
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && consoleErrors.length < 50) consoleErrors.push(`${m.type()}: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => consoleErrors.length < 50 && consoleErrors.push(`pageerror: ${e.message.slice(0, 300)}`));
  page.on('requestfailed', (r) => failedResponses.length < 50 && failedResponses.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`));
  const assets: Promise<Asset>[] = [];
  const documentHtml = { text: '' };
  page.on('response', (res) => {
    const url = res.url();
    if (res.status() >= 400 && failedResponses.length < 50) failedResponses.push(`${res.request().method()} ${url.replace(base, '')} → ${res.status()}`);
    const type = res.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet' && type !== 'document') return;
    assets.push(
      (async () => {
        const body = await res.body();
        const sizes = await res
          .request()
          .sizes()
          .catch(() => null);
        if (type === 'document') documentHtml.text = body.toString('utf8');
        return {
          url: url.replace(base, ''),
          kind: type,
          wireBytes: sizes?.responseBodySize ?? null,
          decodedBytes: body.byteLength,
          gzipBytes: gzipSync(body).byteLength,
          encoding: (await res.headerValue('content-encoding')) ?? null,
          body: type === 'document' ? body.toString('utf8') : '',
        };
      })(),
    );
  });
  const cdp = await context.newCDPSession(page);
  return { page, cdp, frames, assets, documentHtml };
}

/**
 * Opens the dashboard and waits (at most --render-timeout s) for all its cards; fills in
 * result.render, result.transferred and result.heapAfterRender.
 */
export async function measureFirstRender(
  { page, cdp, assets, documentHtml }: Dashboard,
  base: string,
  browserPid: number | null,
  options: Options,
  result: RunResult,
  consoleErrors: string[],
  failedResponses: string[],
): Promise<void> {
  const n = options.endpoints;
  progress(`  opening ${base}/ in Chromium (pid ${browserPid ?? '?'})`);
  await withTimeout(page.goto(`${base}/${options.query ? `?${options.query}` : ''}`, { waitUntil: 'load', timeout: 60_000 }), 70_000, 'the dashboard to load');
  const renderDeadline = Date.now() + options.renderTimeoutS * 1000;
  type RenderState = { firstRender: { domMs: number; verifiedMs: number; paintedMs: number | null } | null; maxCards: number; lastIncomplete: string | null };
  let state: RenderState;
  for (;;) {
    assertNotAborting();
    state = (await withTimeout(
      page.evaluate(
        '({ firstRender: window.__vigilBench.firstRender, maxCards: window.__vigilBench.maxCards, lastIncomplete: window.__vigilBench.lastIncomplete })',
      ),
      30_000,
      'reading the render state',
    )) as RenderState;
    if (state.firstRender?.paintedMs) break;
    if (Date.now() > renderDeadline) {
      const text = ((await page.evaluate('document.body ? document.body.innerText.slice(0, 400) : ""').catch(() => '')) as string).replace(/\s+/g, ' ');
      throw new Error(
        `the dashboard did not render ${n} cards within ${options.renderTimeoutS} s (at most ${state.maxCards} .card elements seen` +
          `${state.lastIncomplete ? `; ${state.lastIncomplete}` : ''}). Failed requests: ${failedResponses.join('; ') || 'none'}. ` +
          `Console: ${consoleErrors.slice(0, 5).join(' | ') || 'nothing'}. Page text: ${text}`,
      );
    }
    await sleep(100);
  }
  await sleep(1_000); // let the first render's trailing work and observers settle
  const nav = (await page.evaluate(PAGE_NAV_INFO)) as {
    domContentLoaded: number | null;
    load: number | null;
    firstContentfulPaint: number | null;
    resources: { url: string; type: string; start: number; end: number; transfer: number; encoded: number; decoded: number }[];
  };
  const fr = state.firstRender!;
  const renderMark = (await page.evaluate('window.__vigilBench.mark()')) as PageMark;
  const loadStats = (await page.evaluate(`window.__vigilBench.windowStats(0, ${fr.paintedMs})`)) as WindowStats;
  const apiCalls = nav.resources.filter((r) => r.url.startsWith('/api/') && r.start < fr.domMs);
  const apiDataIn = apiCalls.length ? Math.max(...apiCalls.map((r) => r.end)) : null;
  result.render = {
    firstFullRenderMs: round(fr.domMs),
    firstFullRenderVerifiedMs: round(fr.verifiedMs),
    firstFullRenderPaintedMs: round(fr.paintedMs),
    gridSeenMs: round((await page.evaluate('window.__vigilBench.gridSeenMs')) as number | null),
    firstCardMs: round((await page.evaluate('window.__vigilBench.firstCardMs')) as number | null),
    domContentLoadedMs: round(nav.domContentLoaded),
    loadMs: round(nav.load),
    firstContentfulPaintMs: round(nav.firstContentfulPaint),
    apiDataInMs: round(apiDataIn),
    renderAfterDataMs: apiDataIn === null ? null : round(fr.domMs - apiDataIn),
    api: apiCalls.map((r) => ({ url: r.url, start: round(r.start)!, end: round(r.end)!, transfer: r.transfer, decoded: r.decoded })),
    longestTaskMs: round(loadStats.longTasks.maxMs),
    longTasksOver50: loadStats.longTasks.count,
    loafTopInvokers: loadStats.loaf.topInvokers,
    mutations: renderMark.mutations,
  };
  const assetList = await withTimeout(Promise.all(assets), 30_000, 'reading the response bodies');
  const entryPath = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(documentHtml.text)?.[1] ?? null;
  const strip = ({ body: _body, kind: _kind, ...rest }: (typeof assetList)[number]) => rest;
  const scripts = assetList.filter((a) => a.kind === 'script').map(strip);
  result.transferred = {
    entry: scripts.find((s) => entryPath !== null && s.url === entryPath) ?? null,
    scripts,
    styles: assetList.filter((a) => a.kind === 'stylesheet').map(strip),
    jsWireBytes: scripts.reduce((a, s) => a + (s.wireBytes ?? 0), 0),
    jsGzipBytes: scripts.reduce((a, s) => a + s.gzipBytes, 0),
  };
  result.heapAfterRender = await readHeap(page, cdp);
  progress(
    `  first full render ${result.render.firstFullRenderMs} ms (data in at ${result.render.apiDataInMs} ms, painted ${result.render.firstFullRenderPaintedMs} ms; ` +
      `DCL ${result.render.domContentLoadedMs}, load ${result.render.loadMs}); longest task ${result.render.longestTaskMs ?? '< 50'} ms; ` +
      `heap ${result.heapAfterRender.usedMb} MB, ${result.heapAfterRender.domNodes} DOM nodes`,
  );
}
