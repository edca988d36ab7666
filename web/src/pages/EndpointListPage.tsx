import { For, Show, createMemo } from 'solid-js';
import { ENDPOINT_STATUSES } from '../../../server/contract/types.ts';
import type { Endpoint } from '../../../server/contract/types.ts';
import { FailureReason } from '../components/FailureReason.tsx';
import { TypeBadge } from '../components/TypeBadge.tsx';
import { StatusBadge, displayStatus, type DisplayStatus } from '../components/StatusBadge.tsx';
import { t } from '../i18n/index.ts';
import { SEVERITY } from '../lib/dashboard-order.ts';
import { formatMs, formatTime } from '../lib/format.ts';
import { scheduleText } from '../lib/push-schedule.ts';
import { useLiveData } from '../lib/page-data.ts';
import { searchParams, setSearchParams } from '../lib/router.ts';
import { allTags, endpoints, loadEndpoints } from '../stores/endpoints.store.ts';
import { compareNames } from '../lib/compare-names.ts';

const SORTS = ['name', 'status', 'responseTime', 'lastCheck'] as const;
type Sort = (typeof SORTS)[number];
const FILTER_STATUSES: DisplayStatus[] = [...ENDPOINT_STATUSES, 'PAUSED'];

const compare: Record<Sort, (a: Endpoint, b: Endpoint) => number> = {
  name: (a, b) => compareNames(a.name, b.name),
  status: (a, b) => SEVERITY[displayStatus(a)] - SEVERITY[displayStatus(b)] || compareNames(a.name, b.name),
  responseTime: (a, b) => (b.lastResponseTime ?? -1) - (a.lastResponseTime ?? -1),
  lastCheck: (a, b) => (b.lastCheckedAt ?? '').localeCompare(a.lastCheckedAt ?? ''),
};

/** Every endpoint in a table; search, filters and sort live in the URL so links and reloads keep them. */
export function EndpointListPage() {
  useLiveData({ load: loadEndpoints });
  const q = () => searchParams().get('q') ?? '';
  const status = () => searchParams().get('status') ?? '';
  const tag = () => searchParams().get('tag') ?? '';
  const sort = (): Sort => {
    const s = searchParams().get('sort') as Sort;
    return SORTS.includes(s) ? s : 'name';
  };

  const visible = createMemo(() => {
    const needle = q().trim().toLowerCase();
    const wantStatus = status();
    const wantTag = tag();
    const rows: Endpoint[] = [];
    for (const id of endpoints.ids) {
      const e = endpoints.byId[id];
      if (!e) continue;
      // (A push endpoint's URL is its redacted token: not searched.)
      if (needle && !e.name.toLowerCase().includes(needle) && (e.type === 'push' || !e.url.toLowerCase().includes(needle))) continue;
      if (wantStatus && displayStatus(e) !== wantStatus) continue;
      if (wantTag && !e.tags.includes(wantTag)) continue;
      rows.push(e);
    }
    const order = compare[sort()];
    return sort() === 'name' ? rows.map((e) => e.id) : rows.sort(order).map((e) => e.id);
  });

  return (
    <section aria-labelledby="list-title">
      <h1 id="list-title">{t('list.title')}</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="filter">
          <label for="filter-q">{t('list.search')}</label>
          <input id="filter-q" type="search" name="q" aria-keyshortcuts="/" value={q()} onInput={(e) => setSearchParams({ q: e.currentTarget.value })} />
        </div>
        <div class="filter">
          <label for="filter-status">{t('list.status')}</label>
          <select id="filter-status" name="status" value={status()} onChange={(e) => setSearchParams({ status: e.currentTarget.value })}>
            <option value="">{t('list.any')}</option>
            <For each={FILTER_STATUSES}>{(s) => <option value={s}>{t(`status.${s}`)}</option>}</For>
          </select>
        </div>
        <div class="filter">
          <label for="filter-tag">{t('list.tag')}</label>
          <select id="filter-tag" name="tag" value={tag()} onChange={(e) => setSearchParams({ tag: e.currentTarget.value })}>
            <option value="">{t('list.any')}</option>
            <For each={allTags()}>{(tg) => <option value={tg}>{tg}</option>}</For>
          </select>
        </div>
        <div class="filter">
          <label for="filter-sort">{t('list.sort')}</label>
          <select
            id="filter-sort"
            name="sort"
            value={sort()}
            onChange={(e) => setSearchParams({ sort: e.currentTarget.value === 'name' ? '' : e.currentTarget.value })}
          >
            <For each={SORTS}>{(s) => <option value={s}>{t(`list.sort.${s}`)}</option>}</For>
          </select>
        </div>
      </form>
      <p class="muted" aria-live="polite">
        {t('list.count', { shown: visible().length, total: endpoints.ids.length })}
      </p>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col" class="num">
                {t('col.responseTime')}
              </th>
              <th scope="col">{t('col.lastCheck')}</th>
              <th scope="col" class="hide-narrow">
                {t('col.url')}
              </th>
              <th scope="col" class="hide-narrow">
                {t('col.tags')}
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={visible()}>
              {(id) => {
                const e = () => endpoints.byId[id]!;
                return (
                  <tr data-endpoint-id={id} data-status={displayStatus(e())}>
                    <td>
                      <a href={`/endpoints/${id}`}>{e().name}</a> <TypeBadge type={e().type} />
                    </td>
                    <td>
                      <StatusBadge status={displayStatus(e())} />
                      <FailureReason endpoint={e()} class="list-reason" />
                    </td>
                    <td class="num" data-label={t('col.responseTime')}>
                      {formatMs(e().lastResponseTime)}
                    </td>
                    <td data-label={t('col.lastCheck')}>{formatTime(e().lastCheckedAt)}</td>
                    {/* A push endpoint's URL is a secret token: its schedule says more. */}
                    <td class="hide-narrow url">{e().type === 'push' ? scheduleText(e()) : e().url}</td>
                    <td class="hide-narrow">{e().tags.join(', ')}</td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={endpoints.loaded && visible().length === 0}>
        <p class="empty">{endpoints.ids.length === 0 ? t('dash.empty') : t('list.noMatch')}</p>
      </Show>
    </section>
  );
}
