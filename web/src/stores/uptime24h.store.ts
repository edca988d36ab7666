import { createSignal, type Accessor, type Setter } from 'solid-js';
import type { RecentChecks } from '../../../server/contract/types.ts';
import { api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import type { StripItem } from './endpoints.store.ts';

/**
 * Each card's uptime over 24 hours, live. The server sends counts (checks, up) with the newest
 * check they include; every newer check:completed adds one. Counts slide no window by themselves,
 * so they are re-read every REFRESH_MS while a dashboard shows them: at worst the figure covers
 * 24 h plus that much.
 */
export const UPTIME_REFRESH_MS = 10 * 60_000;

interface Counts {
  checks: number;
  up: number;
  /** The newest check counted (ISO time; '' when none). */
  through: string;
  percent: Accessor<number | null>;
  setPercent: Setter<number | null>;
}

const counts = new Map<string, Counts>();

function countsOf(endpointId: string): Counts {
  let entry = counts.get(endpointId);
  if (!entry) {
    const [percent, setPercent] = createSignal<number | null>(null);
    entry = { checks: 0, up: 0, through: '', percent, setPercent };
    counts.set(endpointId, entry);
  }
  return entry;
}

/** Rounded as shown (two decimals): a check that leaves the text as it is notifies nobody. */
function publish(entry: Counts) {
  entry.setPercent(entry.checks === 0 ? null : Math.round((entry.up / entry.checks) * 10_000) / 100);
}

/** One endpoint's uptime over 24 hours in percent, null before its first check (reactive). */
export function uptime24h(endpointId: string): number | null {
  return countsOf(endpointId).percent();
}

/**
 * Takes the server's counts (which leave checks in maintenance windows out, as this does). `strips`: each endpoint's recent checks as the page now holds them
 * (oldest first); those newer than the counts' `through` (heard while the answer was on its way,
 * or read after the counts) are added, so no check is lost or counted twice.
 */
export function applyUptime24h(recent: Pick<RecentChecks, 'uptime24h'>, strips: (endpointId: string) => readonly StripItem[]) {
  for (const [endpointId, fetched] of Object.entries(recent.uptime24h)) {
    const entry = countsOf(endpointId);
    entry.checks = fetched.checks;
    entry.up = fetched.up;
    entry.through = fetched.through ?? '';
    for (const item of strips(endpointId)) if (!item.maintenance) count(entry, item.status, item.checkedAt);
    publish(entry);
  }
}

function count(entry: Counts, status: string, checkedAt: string) {
  if (checkedAt <= entry.through) return;
  entry.checks++;
  if (status !== 'DOWN') entry.up++;
  entry.through = checkedAt;
}

export function forgetUptime24h(endpointId: string) {
  counts.delete(endpointId);
}

/** Counts each check heard and forgets deleted endpoints (called once, from main.tsx). Returns the stop function. */
export function startUptime24h(): () => void {
  const stops = [
    onLiveEvent('check:completed', (e) => {
      const entry = counts.get(e.endpointId);
      // Not loaded yet: the snapshot's strip will bring this check along. Checks in a maintenance window do not count.
      if (!entry || e.maintenance) return;
      count(entry, e.status, e.timestamp);
      publish(entry);
    }),
    onLiveEvent('endpoint:deleted', (e) => forgetUptime24h(e.endpointId)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Re-reads the counts every UPTIME_REFRESH_MS so the window moves on; returns the stop function.
 * `strips` as for applyUptime24h.
 */
export function refreshUptime24hPeriodically(strips: (endpointId: string) => readonly StripItem[]): () => void {
  const timer = setInterval(() => {
    api.recentChecks(1).then(
      (recent) => applyUptime24h(recent, strips),
      () => {}, // the next refresh or resync tries again; the page's own loads report failures
    );
  }, UPTIME_REFRESH_MS);
  return () => clearInterval(timer);
}
