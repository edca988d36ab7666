import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { StatusPage } from '../../../server/contract/status-pages.ts';
import { compareNames } from '../lib/compare-names.ts';
import { createLiveReads } from '../lib/live-reads.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { statusPagesApi } from '../services/status-pages-api.ts';

const byTitle = (a: StatusPage, b: StatusPage) => compareNames(a.title, b.title) || a.slug.localeCompare(b.slug);

/**
 * The status pages the list shows, by title, live: created, changed and deleted pages from the
 * events (another tab, a script). Call inside a component: it stops with it. The events reach the
 * page while it is subscribed to all (useLiveData). A store reconciled by id: a changed page keeps
 * its card (an open delete confirmation), only its changed text is redrawn.
 */
export function useStatusPages() {
  const [state, setState] = createStore<{ pages: StatusPage[] }>({ pages: [] });
  const [loaded, setLoaded] = createSignal(false);
  const reads = createLiveReads();

  const load = async () => {
    await reads.read(
      () => statusPagesApi.list(),
      ({ items }) => {
        setState('pages', reconcile([...items].sort(byTitle), { key: 'id' }));
        setLoaded(true);
      },
    );
  };
  const upsert = (page: StatusPage) =>
    reads.change(() => {
      const others = state.pages.filter((p) => p.id !== page.id);
      setState('pages', reconcile([...others, page].sort(byTitle), { key: 'id' }));
    });
  const remove = (id: string) => reads.change(() => setState('pages', (list) => list.filter((p) => p.id !== id)));

  const stops = [
    onLiveEvent('status-page:created', upsert),
    onLiveEvent('status-page:updated', upsert),
    onLiveEvent('status-page:deleted', (e) => remove(e.statusPageId)),
  ];
  onCleanup(() => {
    for (const stop of stops) stop();
    reads.stop();
  });

  return { pages: () => state.pages, loaded, load, upsert, remove };
}
