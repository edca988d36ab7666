import { For, Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { CompactRow } from '../components/CompactRow.tsx';
import { StatusCard } from '../components/StatusCard.tsx';
import { STATUS_ICONS, type DisplayStatus } from '../components/StatusBadge.tsx';
import { t } from '../i18n/index.ts';
import {
  DASHBOARD_GROUPS,
  DASHBOARD_ORDERS,
  DASHBOARD_VIEWS,
  groupByTag,
  limitGroups,
  orderIds,
  type DashboardGroup,
  type DashboardOrder,
  type DashboardView,
} from '../lib/dashboard-order.ts';
import { useLiveData } from '../lib/page-data.ts';
import { searchParams, setSearchParams } from '../lib/router.ts';
import { endpoints, loadEndpoints, openIncidentCount, statusCounts, stripItems } from '../stores/endpoints.store.ts';
import { can } from '../stores/session.store.ts';
import { refreshUptime24hPeriodically } from '../stores/uptime24h.store.ts';

const COUNTED: DisplayStatus[] = ['UP', 'DEGRADED', 'DOWN', 'PENDING', 'MAINTENANCE', 'PAUSED'];

/** Cards created per frame: 2,000 at once would block the page for most of a second. */
const CARDS_PER_FRAME = 150;

/** Status changes move cards at most this often: a flapping endpoint must not shuffle the grid under the pointer. */
const REORDER_MS = 1000;

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

/** A signal that ticks at most once per `ms` after `source` changes (trailing). */
function useThrottledTick(source: () => unknown, ms: number) {
  const [tick, setTick] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      source,
      () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          setTick((n) => n + 1);
        }, ms);
      },
      { defer: true },
    ),
  );
  onCleanup(() => clearTimeout(timer));
  return tick;
}

/** A URL parameter that must be one of `choices` (the first is the default, left out of the URL). */
function urlChoice<T extends string>(name: string, choices: readonly T[]) {
  const value = (): T => {
    const raw = searchParams().get(name) as T;
    return choices.includes(raw) ? raw : choices[0]!;
  };
  const set = (next: string) => setSearchParams({ [name]: next === choices[0] ? '' : next });
  return [value, set] as const;
}

export function DashboardPage() {
  useLiveData({ load: loadEndpoints });
  const stopRefresh = refreshUptime24hPeriodically(stripItems);
  onCleanup(stopRefresh);

  const [order, setOrder] = urlChoice<DashboardOrder>('order', DASHBOARD_ORDERS);
  const [group, setGroup] = urlChoice<DashboardGroup>('group', DASHBOARD_GROUPS);
  const [view, setView] = urlChoice<DashboardView>('view', DASHBOARD_VIEWS);
  const arranged = () => order() !== 'name' || group() !== 'none';
  // Only an arranged dashboard listens to status changes; the name order never moves a card.
  const reorder = useThrottledTick(() => (arranged() ? statusCounts() : 0), REORDER_MS);

  const ordered = createMemo(() => {
    const ids = endpoints.ids;
    if (!arranged()) return ids;
    reorder();
    return orderIds(ids, unwrap(endpoints).byId, order());
  });
  const groups = createMemo(() => (group() === 'tag' ? groupByTag(ordered(), unwrap(endpoints).byId) : null));
  const itemCount = () => groups()?.reduce((n, g) => n + g.ids.length, 0) ?? ordered().length;
  const shown = useProgressiveCount(itemCount);
  const flatIds = createMemo(() => (shown() >= ordered().length ? ordered() : ordered().slice(0, shown())));
  const shownGroups = createMemo(() => {
    const all = groups();
    if (!all) return null;
    const byKey = new Map(limitGroups(all, shown()).map((g) => [g.tag ?? '', g]));
    return { keys: all.filter((g) => byKey.has(g.tag ?? '')).map((g) => g.tag ?? ''), byKey };
  });
  const groupKeys = createMemo(() => shownGroups()?.keys ?? [], undefined, { equals: sameItems });

  const total = createMemo(() => statusCounts().total);
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dash.title')}</h1>
      <ul class="counts" aria-label={t('dash.title')}>
        <li class="count">
          <span class="count-value" data-count="total">
            {total()}
          </span>
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
            <span class="count-value" data-count="incidents">
              {openIncidentCount()}
            </span>
            <span class="count-label">{t('dash.openIncidents')}</span>
          </a>
        </li>
      </ul>
      <form class="dash-controls" aria-label={t('dash.controls')} onSubmit={(e) => e.preventDefault()}>
        <Choice id="dash-order" label={t('dash.order')} value={order()} choices={DASHBOARD_ORDERS} text={(o) => t(`dash.order.${o}`)} onChange={setOrder} />
        <Choice id="dash-group" label={t('dash.group')} value={group()} choices={DASHBOARD_GROUPS} text={(g) => t(`dash.group.${g}`)} onChange={setGroup} />
        <Choice id="dash-view" label={t('dash.view')} value={view()} choices={DASHBOARD_VIEWS} text={(v) => t(`dash.view.${v}`)} onChange={setView} />
      </form>
      <Switch>
        <Match when={!endpoints.loaded && !endpoints.error}>
          <p class="muted">{t('dash.loading')}</p>
        </Match>
        <Match when={endpoints.loaded && endpoints.ids.length === 0}>
          <p class="empty">
            {t('dash.empty')}{' '}
            <Show when={can('edit')}>
              <a href="/endpoints/new">{t('dash.emptyAction')}</a>
            </Show>
          </p>
        </Match>
      </Switch>
      <Show when={shownGroups()} fallback={<Items ids={flatIds()} compact={view() === 'compact'} />}>
        {(shownNow) => (
          <For each={groupKeys()}>
            {(key) => {
              const ids = () => shownNow().byKey.get(key)?.ids ?? [];
              const all = () => groups()?.find((g) => (g.tag ?? '') === key)?.ids.length ?? 0;
              return (
                <section class="dash-group" data-tag={key} aria-labelledby={`group-${encodeURIComponent(key)}`}>
                  <h2 id={`group-${encodeURIComponent(key)}`}>
                    {key || t('dash.untagged')} <span class="muted">{t('dash.groupCount', { count: all() })}</span>
                  </h2>
                  <Items ids={ids()} compact={view() === 'compact'} />
                </section>
              );
            }}
          </For>
        )}
      </Show>
    </section>
  );
}

/** The endpoints as cards in a grid, or as the rows of the compact list. */
function Items(props: { ids: readonly string[]; compact: boolean }) {
  return (
    <Show
      when={props.compact}
      fallback={
        <div class="grid" data-testid="status-grid">
          <For each={props.ids}>{(id) => <StatusCard id={id} />}</For>
        </div>
      }
    >
      <ul class="compact" data-testid="status-list">
        <For each={props.ids}>{(id) => <CompactRow id={id} />}</For>
      </ul>
    </Show>
  );
}

function sameItems(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function Choice<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  choices: readonly T[];
  text: (choice: T) => string;
  onChange: (value: string) => void;
}) {
  return (
    <div class="filter">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={props.choices}>{(choice) => <option value={choice}>{props.text(choice)}</option>}</For>
      </select>
    </div>
  );
}
