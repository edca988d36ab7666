/** The scripts the bench runs inside the dashboard (real .js files next to this one), and what they answer. */
import { readFileSync } from 'node:fs';

const script = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');

/** The init script that measures inside the page (window.__vigilBench), waiting for `expectedCards` cards. */
export function pageInstruments(expectedCards: number): string {
  return `window.__vigilBenchExpectedCards = ${expectedCards};\n${script('./page-instruments.js')}`;
}

/** An expression for page.evaluate: the navigation's timings and the resources loaded. */
export const PAGE_NAV_INFO = script('./page-navigation.js');

export interface WindowStats {
  deliveryLagMs: { count: number; p50: number | null; p99: number | null; max: number | null };
  longTasks: { count: number; maxMs: number | null; totalMs: number; blockingMs: number };
  frames: { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null; over50: number; over100: number };
  loaf: {
    count: number;
    maxMs: number | null;
    scriptMs: number;
    renderPhaseMs: number;
    styleAndLayoutMs: number;
    topInvokers: { invoker: string; ms: number }[];
    longest: unknown[];
  };
}

export interface PageMark {
  now: number;
  wsEvents: number;
  mutations: number;
  gridMutations: number;
  childList: number;
  attributes: number;
  characterData: number;
  addedNodes: number;
  removedNodes: number;
}
