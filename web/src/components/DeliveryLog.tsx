import { For, Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import type { DeliveryOutcome, NotificationDelivery } from '../../../server/contract/notifications.ts';
import { eventName, type NotificationMessageKey, tn } from '../i18n/notification-messages.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime, formatMs, formatTime } from '../lib/format.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { notificationsApi } from '../services/notifications-api.ts';
import { newer } from '../stores/notification-channels.store.ts';
import { FormError } from './Field.tsx';

/** Rows read at a time. */
const PAGE_SIZE = 20;

export const OUTCOME_ICONS: Record<DeliveryOutcome, string> = { delivered: '✓', retrying: '↻', failed: '✗' };

/** A delivery's outcome: colour, icon and word. */
export function Outcome(props: { outcome: DeliveryOutcome }) {
  return (
    <span class="ntf-outcome" data-outcome={props.outcome}>
      <span aria-hidden="true">{OUTCOME_ICONS[props.outcome]} </span>
      {tn(`ch.outcome.${props.outcome}` as NotificationMessageKey)}
    </span>
  );
}

/**
 * One channel's delivery log, newest first: a page at a time ("Load more" follows the cursor), new
 * attempts prepended live from `notification:delivery`. `version`: read again from the first page
 * when it changes (the page resynced after a reconnect).
 */
export function DeliveryLog(props: { channelId: string; channelName: string; version: number }) {
  const [rows, setRows] = createSignal<NotificationDelivery[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [failure, setFailure] = createSignal('');
  let reading = 0;

  /** `more` rows merged in: each id once, newest first. */
  const merge = (more: NotificationDelivery[]) =>
    setRows((current) => {
      const byId = new Map(current.map((d) => [d.id, d]));
      for (const d of more) byId.set(d.id, d);
      return [...byId.values()].sort((a, b) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));
    });

  const read = async (from: string | null) => {
    const request = ++reading;
    setLoading(true);
    try {
      const page = await notificationsApi.deliveries(props.channelId, { limit: PAGE_SIZE, cursor: from ?? undefined });
      if (request !== reading) return;
      if (from === null) {
        // The first page again: what is newer than its last row is what the server has now (live rows kept).
        const oldest = page.items.at(-1);
        setRows((current) => (oldest ? current.filter((d) => newer(d, oldest)) : current));
        setCursor(page.nextCursor);
      } else {
        setCursor(page.nextCursor);
      }
      merge(page.items);
      setFailure('');
    } catch (error) {
      if (request === reading) setFailure(describeRequestError(error));
    } finally {
      if (request === reading) setLoading(false);
    }
  };

  createEffect(
    on(
      () => props.version,
      () => void read(null),
    ),
  );
  const stop = onLiveEvent('notification:delivery', (d) => {
    if (d.channelId === props.channelId) merge([d]);
  });
  onCleanup(() => {
    stop();
    reading++;
  });

  const titleId = () => `ntf-log-${props.channelId}`;
  return (
    <section class="ntf-log" id={`ntf-log-panel-${props.channelId}`} aria-labelledby={titleId()}>
      <h4 id={titleId()}>{tn('ch.log.title', { name: props.channelName })}</h4>
      <FormError error={failure()} />
      <Show when={rows().length > 0} fallback={<p class="muted ntf-log-empty">{loading() ? tn('ch.log.loading') : tn('ch.log.empty')}</p>}>
        <div class="table-wrap">
          <table class="table ntf-log-table">
            <thead>
              <tr>
                <th scope="col">{tn('ch.log.time')}</th>
                <th scope="col">{tn('ch.log.event')}</th>
                <th scope="col">{tn('ch.log.endpoint')}</th>
                <th scope="col" class="num">
                  {tn('ch.log.notifications')}
                </th>
                <th scope="col" class="num">
                  {tn('ch.log.attempt')}
                </th>
                <th scope="col">{tn('ch.log.outcome')}</th>
                <th scope="col" class="num">
                  {tn('ch.log.status')}
                </th>
                <th scope="col">{tn('ch.log.answer')}</th>
                <th scope="col" class="num">
                  {tn('ch.log.latency')}
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(d) => (
                  <tr data-delivery-id={d.id} data-outcome={d.outcome} data-event={d.event}>
                    <td>
                      <time datetime={d.at} title={formatDateTime(d.at)}>
                        {formatTime(d.at)}
                      </time>
                    </td>
                    <td data-label={tn('ch.log.event')}>{eventName(d.event)}</td>
                    <td data-label={tn('ch.log.endpoint')} class="ntf-log-endpoint">
                      <Show when={d.endpointId && d.endpointName} fallback={<span class="muted">—</span>}>
                        <a href={`/endpoints/${d.endpointId}`}>{d.endpointName}</a>
                      </Show>
                    </td>
                    <td data-label={tn('ch.log.notifications')} class="num">
                      {d.notifications > 1 ? tn('ch.log.grouped', { count: d.notifications }) : d.notifications || '—'}
                    </td>
                    <td data-label={tn('ch.log.attempt')} class="num">
                      {d.attempt}
                    </td>
                    <td data-label={tn('ch.log.outcome')}>
                      <Outcome outcome={d.outcome} />
                    </td>
                    <td data-label={tn('ch.log.status')} class="num">
                      {d.statusCode ?? '—'}
                    </td>
                    <td data-label={tn('ch.log.answer')} class="ntf-answer" title={d.answer}>
                      {d.answer || '—'}
                    </td>
                    <td data-label={tn('ch.log.latency')} class="num">
                      {formatMs(d.latencyMs)}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={cursor()}>
        {(next) => (
          <button type="button" class="ntf-more" disabled={loading()} onClick={() => void read(next())}>
            {loading() ? tn('ch.log.loading') : tn('ch.log.more')}
          </button>
        )}
      </Show>
    </section>
  );
}
