import { For, Match, Switch, createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { StatusCard } from '../components/StatusCard.tsx';
import { STATUS_ICONS, type DisplayStatus } from '../components/StatusBadge.tsx';
import { t } from '../i18n/index.ts';
import { useLiveData } from '../lib/page-data.ts';
import { endpoints, loadEndpoints, openIncidentCount, statusCounts } from '../stores/endpoints.store.ts';

const COUNTED: DisplayStatus[] = ['UP', 'DEGRADED', 'DOWN', 'PENDING', 'PAUSED'];

/** Cards created per frame: 2,000 at once would block the page for most of a second. */
const CARDS_PER_FRAME = 150;

/** How many of `total` cards to show: grows by CARDS_PER_FRAME each frame until all are there. */
function useProgressiveCount(total: () => number) {
  const [count, setCount] = createSignal(CARDS_PER_FRAME);
  let frame = 0;
  createEffect(() => {
    if (count() >= total() || frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      setCount((n) => n + CARDS_PER_FRAME);
    });
  });
  onCleanup(() => cancelAnimationFrame(frame));
  return count;
}

export function DashboardPage() {
  useLiveData({ load: loadEndpoints });
  const total = createMemo(() => statusCounts().total);
  const shown = useProgressiveCount(() => endpoints.ids.length);
  const cardIds = createMemo(() => (shown() >= endpoints.ids.length ? endpoints.ids : endpoints.ids.slice(0, shown())));
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dash.title')}</h1>
      <ul class="counts" aria-label={t('dash.title')}>
        <li class="count">
          <span class="count-value" data-count="total">{total()}</span>
          <span class="count-label">{t('dash.total')}</span>
        </li>
        <For each={COUNTED}>
          {(status) => {
            // One memo per count: a check that changes no count writes nothing here.
            const value = createMemo(() => statusCounts()[status]);
            return (
            <li class="count" data-status={status}>
              <span class="count-value" data-count={status}>
                {value()}
              </span>
              <span class="count-label">
                <span aria-hidden="true">{STATUS_ICONS[status]} </span>
                {t(`status.${status}`)}
              </span>
            </li>
            );
          }}
        </For>
        <li class="count" data-status="INCIDENTS">
          <a href="/incidents?status=open">
            <span class="count-value" data-count="incidents">{openIncidentCount()}</span>
            <span class="count-label">{t('dash.openIncidents')}</span>
          </a>
        </li>
      </ul>
      <Switch>
        <Match when={!endpoints.loaded && !endpoints.error}>
          <p class="muted">{t('dash.loading')}</p>
        </Match>
        <Match when={endpoints.loaded && endpoints.ids.length === 0}>
          <p class="empty">
            {t('dash.empty')} <a href="/endpoints/new">{t('dash.emptyAction')}</a>
          </p>
        </Match>
      </Switch>
      <div class="grid" data-testid="status-grid">
        <For each={cardIds()}>{(id) => <StatusCard id={id} />}</For>
      </div>
    </section>
  );
}
