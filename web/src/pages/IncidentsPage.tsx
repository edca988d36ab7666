import { For, Show, createSignal, onCleanup } from 'solid-js';
import type { Incident } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { describeCheckError, describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime, formatIncidentDuration } from '../lib/format.ts';
import { useLiveData } from '../lib/page-data.ts';
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
  const [items, setItems] = createSignal<Incident[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);

  const fetchPage = async (after?: string) => {
    try {
      const page = await api.incidents({ status: filter() || undefined, limit: PAGE, cursor: after });
      setItems((list) => (after ? [...list, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setLoaded(true);
    } catch (error) {
      addToast('error', t('toast.loadFailed', { message: describeRequestError(error) }));
    }
  };
  const load = () => void fetchPage();

  useLiveData({ load });
  const stops = [onLiveEvent('incident:started', load), onLiveEvent('incident:resolved', load)];
  onCleanup(() => {
    for (const stop of stops) stop();
  });

  const pick = (f: Filter) => {
    setSearchParams({ status: f });
    load();
  };

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
              <th scope="col" class="hide-narrow">{t('inc.error')}</th>
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
        <button type="button" onClick={() => void fetchPage(cursor()!)}>
          {t('inc.more')}
        </button>
      </Show>
    </section>
  );
}
