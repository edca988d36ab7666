import { createEffect, createMemo, createRoot, createSignal, onCleanup } from 'solid-js';
import type { Summary } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { endpoints, statusCounts } from '../stores/endpoints.store.ts';
import { ALL, subscriptions } from '../stores/subscription.store.ts';
import { faviconUrl, setFavicon, type TabLevel } from './favicon.ts';

/** How often /api/summary is asked while the page does not follow every endpoint itself. */
export const SUMMARY_REFRESH_MS = 30_000;
/** A burst of status changes asks for the summary once. */
const SUMMARY_DEBOUNCE_MS = 500;

/** Active endpoints by status; paused ones are in none of them (the rule of /api/summary too). */
export interface TabCounts {
  up: number;
  degraded: number;
  down: number;
}

export function levelOf(counts: TabCounts | null): TabLevel {
  if (!counts) return 'unknown';
  if (counts.down > 0) return 'down';
  if (counts.degraded > 0) return 'degraded';
  return counts.up > 0 ? 'up' : 'unknown';
}

/** "(2 down) Vigil", "(1 degraded) Vigil", or "Vigil", in the UI's language (reactive). */
export function tabTitle(counts: TabCounts | null): string {
  if (counts?.down) return t('tab.down', { count: counts.down });
  if (counts?.degraded) return t('tab.degraded', { count: counts.degraded });
  return 'Vigil';
}

/**
 * Keeps the tab's title and icon on the endpoints' state: DOWN first, then DEGRADED, in red, amber
 * or green. Where the page follows every endpoint (dashboard, list) the counts are the store's,
 * live and free; elsewhere /api/summary is asked on start, after status changes the page hears, and
 * every SUMMARY_REFRESH_MS. Returns the function that stops it.
 */
export function startTabStatus(): () => void {
  return createRoot((dispose) => {
    const [summary, setSummary] = createSignal<Summary | null>(null);
    const storeFollowsAll = createMemo(() => endpoints.loaded && subscriptions().has(ALL));

    createEffect(() => {
      if (storeFollowsAll()) return;
      const refresh = () => api.summary().then(setSummary, () => {});
      let debounce: ReturnType<typeof setTimeout> | undefined;
      refresh();
      const timer = setInterval(refresh, SUMMARY_REFRESH_MS);
      const stop = onLiveEvent('endpoint:status-changed', () => {
        clearTimeout(debounce);
        debounce = setTimeout(refresh, SUMMARY_DEBOUNCE_MS);
      });
      onCleanup(() => {
        clearInterval(timer);
        clearTimeout(debounce);
        stop();
      });
    });

    const counts = createMemo<TabCounts | null>(() => {
      if (storeFollowsAll()) {
        const c = statusCounts();
        return { up: c.UP, degraded: c.DEGRADED, down: c.DOWN };
      }
      const s = summary();
      return s && { up: s.up, degraded: s.degraded, down: s.down };
    });
    createEffect(() => {
      const title = tabTitle(counts());
      if (document.title !== title) document.title = title;
    });
    createEffect(() => setFavicon(faviconUrl(levelOf(counts()))));
    return dispose;
  });
}
