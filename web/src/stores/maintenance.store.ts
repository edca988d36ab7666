import { createSignal, onCleanup } from 'solid-js';
import type { MaintenanceWindow } from '../../../server/contract/types.ts';
import { createLiveReads } from '../lib/live-reads.ts';
import { nextChange } from '../lib/maintenance.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { maintenanceApi } from '../services/maintenance-api.ts';

/** Periods move on with the clock: the list is read again when one starts or ends, and at least this often. */
const REREAD_MAX_MS = 60 * 60_000;
/** A burst of maintenance:started/ended (a window over 500 endpoints) reads the list once. */
const REREAD_DEBOUNCE_MS = 300;

/**
 * The maintenance windows a page shows, live: created, changed and deleted windows from the events
 * (another tab, a script), and read again when one of their periods starts or ends (the server
 * says which period is current or next; the clock moves on). Used by the maintenance page (all
 * windows) and the endpoint page (those covering it). Call inside a component: it stops with it.
 * `filter`: the windows this page shows, for the live events (the endpoint page's are known only
 * to the server: it reads again instead).
 */
export function useMaintenanceWindows(options: { endpointId?: string } = {}) {
  const [windows, setWindows] = createSignal<MaintenanceWindow[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const reads = createLiveReads();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const load = async () => {
    const list = await reads.read(
      () => maintenanceApi.all(options.endpointId ? { endpointId: options.endpointId } : {}),
      (list) => {
        setWindows(list);
        setLoaded(true);
      },
    );
    if (list) schedule(windows());
  };
  const loadSoon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void load().catch(() => {}), REREAD_DEBOUNCE_MS);
  };
  const schedule = (list: MaintenanceWindow[]) => {
    clearTimeout(timer);
    const at = nextChange(list);
    const wait = Math.min(REREAD_MAX_MS, at === null ? REREAD_MAX_MS : Math.max(500, at - Date.now() + 500));
    timer = setTimeout(loadSoon, wait);
  };

  const upsert = (w: MaintenanceWindow) =>
    reads.change(() =>
      setWindows((list) => {
        const i = list.findIndex((x) => x.id === w.id);
        if (i < 0) return [...list, w];
        const next = list.slice();
        next[i] = w;
        return next;
      }),
    );
  const remove = (id: string) => reads.change(() => setWindows((list) => list.filter((w) => w.id !== id)));

  const stops = options.endpointId
    ? [
        // Which windows cover this endpoint (by tag, all) only the server knows: it is asked again.
        onLiveEvent('maintenance:created', loadSoon),
        onLiveEvent('maintenance:updated', loadSoon),
        onLiveEvent('maintenance:deleted', (e) => remove(e.windowId)),
        onLiveEvent('maintenance:started', (e) => e.endpointId === options.endpointId && loadSoon()),
        onLiveEvent('maintenance:ended', (e) => e.endpointId === options.endpointId && loadSoon()),
      ]
    : [
        onLiveEvent('maintenance:created', (w) => {
          upsert(w);
          schedule(windows());
        }),
        onLiveEvent('maintenance:updated', (w) => {
          upsert(w);
          schedule(windows());
        }),
        onLiveEvent('maintenance:deleted', (e) => remove(e.windowId)),
        // A period began or ended for some endpoint: the windows' current and next periods moved on.
        onLiveEvent('maintenance:started', loadSoon),
        onLiveEvent('maintenance:ended', loadSoon),
      ];
  onCleanup(() => {
    for (const stop of stops) stop();
    clearTimeout(timer);
    clearTimeout(debounce);
    reads.stop();
  });

  return { windows, loaded, load, upsert, remove };
}
