/** Headless Chromium for the dashboard bench: launched and closed, its Socket.io frames counted, its heap read. */
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { onCleanup } from '../support/cleanup.ts';
import { allProcesses, processTreeCpu } from '../support/proc.ts';
import { progress, round } from '../support/report.ts';
import { withTimeout } from '../support/waits.ts';
import { CHROMIUM_ARGS } from './options.ts';

/** Bytes as MB, 2 decimals. */
export const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : round(bytes / 1048576, 2));

export interface HeapReading {
  usedMb: number | null;
  totalMb: number | null;
  embedderMb: number | null;
  domNodes: number | null;
  documents: number | null;
  jsEventListeners: number | null;
  elements: number | null;
  cards: number | null;
  stripItems: number | null;
  toasts: number | null;
  /** The whole reading; the forced GC; the page snapshot (queues behind whatever the page's main thread has to do). */
  ms: number;
  gcMs: number;
  snapshotMs: number;
}

export interface BrowserHandle {
  browser: Browser;
  pid: number | null;
  close(): Promise<void>;
}

export async function launchBrowser(chromiumPath: string): Promise<BrowserHandle> {
  const browser = await withTimeout(
    // The bench handles signals itself (Playwright's own handlers would exit before the databases are dropped).
    chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    }),
    90_000,
    'launching Chromium',
  );
  let pid: number | null = null;
  try {
    const session = await browser.newBrowserCDPSession();
    const info = (await withTimeout(session.send('SystemInfo.getProcessInfo'), 10_000, 'SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    pid = info.processInfo.find((p) => p.type === 'browser')?.id ?? null;
    await session.detach().catch(() => {});
  } catch (error) {
    progress(`  (could not read the browser's pid: ${String(error)}; browser CPU will be missing)`);
  }
  const handle: BrowserHandle = {
    browser,
    pid,
    close: async () => {
      done();
      const tree = pid ? [...processTreeCpu(pid, allProcesses()).keys()] : [];
      try {
        await withTimeout(browser.close(), 15_000, 'closing Chromium');
      } catch (error) {
        progress(`  (${String(error)}; killing the browser's processes)`);
      }
      for (const p of tree) {
        try {
          process.kill(p, 0);
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone, as it should be */
        }
      }
    },
  };
  const done = onCleanup('browsers', () => handle.close());
  return handle;
}

/** Socket.io event frames (`42…`) the page received, by event name. */
export class FrameCounter {
  total = 0;
  byName: Record<string, number> = {};
  sockets = 0;
  closes: { at: number; url: string }[] = [];
  /** Arrival times of the last frames, for the steady-rate check. */
  recent: number[] = [];

  attach(page: Page): void {
    page.on('websocket', (ws) => {
      this.sockets++;
      ws.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8', 0, 64);
        if (text.charCodeAt(0) !== 52 || text.charCodeAt(1) !== 50) return; // "42": a Socket.io EVENT packet
        this.total++;
        const name = /^42(?:\/[^,]*,)?\d*\["([^"]+)"/.exec(text)?.[1] ?? '?';
        this.byName[name] = (this.byName[name] ?? 0) + 1;
        this.recent.push(Date.now());
        if (this.recent.length > 20_000) this.recent.splice(0, 10_000);
      });
      ws.on('close', () => this.closes.push({ at: Date.now(), url: ws.url() }));
    });
  }

  snapshot(): { t: number; total: number; byName: Record<string, number> } {
    return { t: Date.now(), total: this.total, byName: { ...this.byName } };
  }

  ratePerSecond(overMs: number): number {
    const since = Date.now() - overMs;
    let n = 0;
    for (let i = this.recent.length - 1; i >= 0 && this.recent[i]! >= since; i--) n++;
    return n / (overMs / 1000);
  }
}

export async function readHeap(page: Page, cdp: CDPSession): Promise<HeapReading> {
  const t0 = Date.now();
  // One call is enough: V8 answers it with a low-memory notification, i.e. full GCs until nothing more is freed.
  await withTimeout(cdp.send('HeapProfiler.collectGarbage'), 60_000, 'HeapProfiler.collectGarbage');
  const gcMs = Date.now() - t0;
  const usage = (await withTimeout(cdp.send('Runtime.getHeapUsage'), 30_000, 'Runtime.getHeapUsage')) as {
    usedSize: number;
    totalSize: number;
    embedderHeapUsedSize?: number;
  };
  const dom = (await withTimeout(cdp.send('Memory.getDOMCounters'), 30_000, 'Memory.getDOMCounters')) as {
    documents: number;
    nodes: number;
    jsEventListeners: number;
  };
  const t1 = Date.now();
  const snap = (await withTimeout(page.evaluate('window.__vigilBench.snapshot()'), 60_000, 'page snapshot')) as {
    cards: number;
    stripItems: number;
    toasts: number;
    elements: number;
  };
  return {
    usedMb: mb(usage.usedSize),
    totalMb: mb(usage.totalSize),
    embedderMb: mb(usage.embedderHeapUsedSize ?? null),
    domNodes: dom.nodes,
    documents: dom.documents,
    jsEventListeners: dom.jsEventListeners,
    elements: snap.elements,
    cards: snap.cards,
    stripItems: snap.stripItems,
    toasts: snap.toasts,
    ms: Date.now() - t0,
    gcMs,
    snapshotMs: Date.now() - t1,
  };
}
