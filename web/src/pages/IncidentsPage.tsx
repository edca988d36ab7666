import { For, Show, createComputed, createSignal, on, onCleanup } from 'solid-js';
import type { Incident, Page } from '../../../server/contract/types.ts';
import { IncidentCause } from '../components/IncidentCause.tsx';
import { t } from '../i18n/index.ts';
import { describeCheckError, describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime, formatIncidentDuration } from '../lib/format.ts';
import { createPageResource, useLiveData } from '../lib/page-data.ts';
import { searchParams, setSearchParams } from '../lib/router.ts';
import { api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { addToast } from '../stores/toast.store.ts';

const FILTERS = ['', 'open', 'resolved'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 50;

/** Incidents newest first, filtered by open/resolved (in the URL), live as they start and end. */
export function IncidentsPage() {
  const filter = (): Filter => {
    const f = searchParams().get('status') as Filter;
    return FILTERS.includes(f) ? f : '';
  };
  const failed = (error: unknown) => addToast('error', t('toast.loadFailed', { message: describeRequestError(error) }));
  // The first page, keyed on the filter: an answer for another filter (or an earlier read) never lands over a newer one.
  const first = createPageResource(
    () => filter(),
    (status) => api.incidents({ status: status || undefined, limit: PAGE }),
    {
      initialValue: null as Page<Incident> | null,
      failed,
    },
  );
  /** The pages after the first one ("more"), read since the first one last came. */
  const [more, setMore] = createSignal<Page<Incident> | null>(null);
  createComputed(on(first.value, () => setMore(null)));
  const items = () => [...(first.value()?.items ?? []), ...(more()?.items ?? [])];
  const cursor = () => (more() ?? first.value())?.nextCursor ?? null;
  const loaded = () => first.value() !== null;

  const fetchMore = async (after: string) => {
    const base = first.value();
    try {
      const page = await api.incidents({ status: filter() || undefined, limit: PAGE, cursor: after });
      // Read after another first page (a new filter, a live reload): it belongs to that one no more.
      if (first.value() !== base) return;
      setMore((previous) => ({ items: [...(previous?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    } catch (error) {
      failed(error);
    }
  };
  const load = first.reload;

  useLiveData({ load });
  const stops = [onLiveEvent('incident:started', load), onLiveEvent('incident:resolved', load)];
  onCleanup(() => {
    for (const stop of stops) stop();
  });

  // Another filter is a new key, read at once; the same one again reads it again.
  const pick = (f: Filter) => (f === filter() ? load() : setSearchParams({ status: f }));

  return (
    <section aria-labelledby="inc-title">
      <h1 id="inc-title">{t('inc.title')}</h1>
      <div class="segmented" role="group" aria-label={t('list.status')}>
        <For each={FILTERS}>
          {(f) => (
            <button type="button" aria-pressed={filter() === f} onClick={() => pick(f)}>
              {t(f ? `inc.filter.${f}` : 'inc.filter.all')}
            </button>
          )}
        </For>
      </div>
      <div class="table-wrap">
        <table class="table" data-testid="incidents">
          <thead>
            <tr>
              <th scope="col">{t('inc.endpoint')}</th>
              <th scope="col">{t('inc.started')}</th>
              <th scope="col">{t('inc.resolved')}</th>
              <th scope="col">{t('inc.duration')}</th>
              <th scope="col" class="num">
                {t('inc.failures')}
              </th>
              <th scope="col" class="hide-narrow">
                {t('inc.error')}
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={items()}>
              {(i) => (
                <tr data-open={i.resolvedAt ? 'false' : 'true'} data-incident-id={i.id}>
                  <td>
                    <a href={`/incidents/${i.id}`} aria-label={t('inc.linkLabel', { name: i.endpointName, started: formatDateTime(i.startedAt) })}>
                      {i.endpointName}
                    </a>
                    <IncidentCause cause={i.causedBy} />
                  </td>
                  <td data-label={t('inc.started')}>{formatDateTime(i.startedAt)}</td>
                  <td data-label={t('inc.resolved')}>{i.resolvedAt ? formatDateTime(i.resolvedAt) : <strong>🚨 {t('inc.ongoing')}</strong>}</td>
                  <td data-label={t('inc.duration')}>{formatIncidentDuration(i)}</td>
                  <td class="num" data-label={t('inc.failures')}>
                    {i.failureCount}
                  </td>
                  <td class="hide-narrow">{i.errorMessage ? describeCheckError(i.errorCode, i.errorParams, i.errorMessage) : ''}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={loaded() && items().length === 0}>
        <p class="empty">{t('inc.empty')}</p>
      </Show>
      <Show when={cursor()}>
        <button type="button" onClick={() => void fetchMore(cursor()!)}>
          {t('inc.more')}
        </button>
      </Show>
    </section>
  );
}
