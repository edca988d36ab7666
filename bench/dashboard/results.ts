/** What one run of the dashboard bench records: the JSON results, and the tables' source. */
import type { CpuPercents } from './cpu.ts';
import type { HeapReading } from './browser.ts';
import type { WindowStats } from './page.ts';

export interface WindowResult {
  label: string;
  seconds: number;
  /** Socket.io event frames that reached the page's WebSocket (CDP's count, bench clock). */
  events: number;
  eventsPerSecond: number | null;
  /** The same frames as the page's JavaScript got them (its message listener, page clock): the page's real intake. */
  pageEvents: number;
  pageEventsPerSecond: number | null;
  /** Median delivery lag over the 2 s before the window, and how long the bench waited for it to come under 1 s. */
  lagAtStartMs: number | null;
  waitedForPageS: number;
  /** Frames received but not yet handed to the page's JavaScript when the window ended. */
  backlogAtEnd: number;
  /** How long `page.evaluate` took to answer at the window's end: queueing behind a busy main thread. */
  markRoundTripMs: number;
  statusChangedPerSecond: number | null;
  checkCompletedPerSecond: number | null;
  eventsByName: Record<string, number>;
  mutations: number;
  mutationsPerEvent: number | null;
  gridMutationsPerEvent: number | null;
  mutationsByType: { childList: number; attributes: number; characterData: number; addedNodes: number; removedNodes: number };
  stats: WindowStats;
  heapAfter: HeapReading | null;
  cpu: CpuPercents;
  vigil: { checksStartedPerSecond: number | null; writtenPerSecond: number | null; lagP99Ms: number | null; rssMb: number | null };
  profile?: { file: string; totalMs: number; byFunction: { fn: string; selfMs: number; pct: number }[] };
}

export interface RunResult {
  db: 'pglite' | 'postgres';
  run: number;
  ok: boolean;
  error?: string;
  code?: { commit: string; uncommittedFiles: number };
  browserPid?: number | null;
  endpoints: number;
  intervalSeconds: number;
  targetEventsPerSecond: number;
  /** Machine CPU % (200 % = both cores) over the 5 s before the run started, and how long the bench waited for it. */
  machineBeforeRun?: { cpuPercent: number | null; waitedSeconds: number; quiet: boolean };
  createSeconds?: number | null;
  render?: {
    firstFullRenderMs: number | null;
    /** When the bench's own check of the 2,000 cards (ids, names, status texts) finished: its cost is not in firstFullRenderMs. */
    firstFullRenderVerifiedMs: number | null;
    /** After the next frame's rendering (rAF, then a task); it includes the bench's verification (verifiedMs − firstFullRenderMs). */
    firstFullRenderPaintedMs: number | null;
    gridSeenMs: number | null;
    firstCardMs: number | null;
    domContentLoadedMs: number | null;
    loadMs: number | null;
    firstContentfulPaintMs: number | null;
    apiDataInMs: number | null;
    renderAfterDataMs: number | null;
    api: { url: string; start: number; end: number; transfer: number; decoded: number }[];
    longestTaskMs: number | null;
    longTasksOver50: number;
    loafTopInvokers: { invoker: string; ms: number }[];
    mutations: number;
  };
  transferred?: {
    entry: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null } | null;
    scripts: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null }[];
    styles: { url: string; wireBytes: number | null; decodedBytes: number; gzipBytes: number; encoding: string | null }[];
    jsWireBytes: number;
    jsGzipBytes: number;
  };
  heapAfterRender?: HeapReading | null;
  resumeSeconds?: number | null;
  steady?: { reached: boolean; afterSeconds: number; startedPerSecond: number | null; framesPerSecond: number | null };
  windows?: WindowResult[];
  heapGrowthW1toW2Mb?: number | null;
  heapGrowthW1toW2Pct?: number | null;
  domNodeGrowthW1toW2?: number | null;
  stripItemGrowthW1toW2?: number | null;
  consistency?: {
    checked: number;
    caughtUp: boolean;
    /** From Vigil drained (nothing running or pending) to the page having taken every event it received. */
    catchUpSeconds: number | null;
    timeMismatches: number;
    stripMismatches: number;
    statusTextMismatches: number;
    examples: unknown[];
    countsHeader: Record<string, string> | null;
  } | null;
  socketCloses?: { at: number; url: string }[];
  websockets?: number;
  consoleErrors?: string[];
  failedResponses?: string[];
  vigilLogTail?: string[];
}
