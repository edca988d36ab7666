import { For, Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import { SUBSCRIPTION_LIMITS, type StatusPageSubscriber, type SubscriberKind } from '../../../server/contract/status-pages.ts';
import { t } from '../i18n/index.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { type StatusPageMessageKey, tsp } from '../i18n/status-page-messages.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { ApiError } from '../services/api.ts';
import { subscribersApi } from '../services/status-page-subscribers-api.ts';
import { addToast } from '../stores/toast.store.ts';
import { FormError } from './Field.tsx';
import { PillChoice } from './PillChoice.tsx';
import { DeleteButton, useItemAction } from './ResourcePage.tsx';

/** Rows read at a time. */
const PAGE_SIZE = 50;

type KindFilter = 'all' | SubscriberKind;

const KIND_KEYS: Record<KindFilter, StatusPageMessageKey> = { all: 'sp.subs.kind.all', email: 'sp.subs.kind.email', webhook: 'sp.subs.kind.webhook' };
const EMPTY_KEYS: Record<KindFilter, StatusPageMessageKey> = { all: 'sp.subs.empty', email: 'sp.subs.empty.email', webhook: 'sp.subs.empty.webhook' };

/** A time as a cell shows it: short, the full date and time in its title ("Never" when there is none). */
function When(props: { at: string | null }) {
  return (
    <Show when={props.at} fallback={<span class="muted">{tsp('sp.subs.never')}</span>}>
      {(at) => (
        <time datetime={at()} title={formatDateTime(at())}>
          {formatTime(at())}
        </time>
      )}
    </Show>
  );
}

/**
 * A status page card's "Subscribers" disclosure: closed at first, and read only when opened (again
 * each time it opens). `enabled`: the page offers a way of subscribing besides RSS/Atom.
 */
export function Subscribers(props: { pageId: string; pageTitle: string; enabled: boolean }) {
  const [open, setOpen] = createSignal(false);
  const [kind, setKind] = createSignal<KindFilter>('all');
  const id = () => `sp-subs-${props.pageId}`;
  return (
    <>
      <div class="sp-subs-bar">
        <button
          type="button"
          id={`${id()}-toggle`}
          class="sp-subs-toggle"
          aria-expanded={open() ? 'true' : 'false'}
          aria-controls={id()}
          aria-label={tsp('sp.subs.openLabel', { title: props.pageTitle })}
          onClick={() => setOpen((was) => !was)}
        >
          <span class="sp-subs-caret" aria-hidden="true">
            ▸
          </span>
          {tsp('sp.subs.open')}
        </button>
        <Show when={open()}>
          <PillChoice
            name={`${id()}-kind`}
            class="sp-subs-kind"
            legend={tsp('sp.subs.filter')}
            options={(['all', 'email', 'webhook'] as const).map((value) => ({ value, label: tsp(KIND_KEYS[value]) }))}
            value={kind()}
            onChange={setKind}
          />
        </Show>
      </div>
      <Show when={open()}>
        <SubscribersPanel id={id()} labelledBy={`${id()}-toggle`} pageId={props.pageId} enabled={props.enabled} kind={kind()} />
      </Show>
    </>
  );
}

/**
 * A status page's subscribers by email and webhook (`kind`: one of them), newest first: a page at
 * a time ("Load more" follows the cursor), each with whether it is confirmed, when it subscribed,
 * when a notice last reached it and how many were given up on; each removable (asked first). Read
 * when drawn, and from the first page again when `kind` changes. `enabled`: the page offers a way
 * of subscribing (the empty line says how to get some when it does not).
 */
function SubscribersPanel(props: { id: string; labelledBy: string; pageId: string; enabled: boolean; kind: KindFilter }) {
  const [rows, setRows] = createSignal<StatusPageSubscriber[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [failure, setFailure] = createSignal('');
  /** Where the read that failed started (Try again reads it again). */
  const [failedAt, setFailedAt] = createSignal<string | null>(null);
  const kind = () => props.kind;
  let reading = 0;

  const read = async (from: string | null) => {
    const request = ++reading;
    setLoading(true);
    setFailure('');
    try {
      const filter = kind();
      const page = await subscribersApi.list(props.pageId, { limit: PAGE_SIZE, cursor: from ?? undefined, kind: filter === 'all' ? undefined : filter });
      if (request !== reading) return;
      setRows((current) => {
        if (from === null) return page.items;
        const seen = new Set(current.map((s) => s.id));
        return [...current, ...page.items.filter((s) => !seen.has(s.id))];
      });
      setCursor(page.nextCursor);
    } catch (error) {
      if (request !== reading) return;
      // The row the cursor names is gone (removed here, or it unsubscribed): read from the first page again.
      if (from !== null && error instanceof ApiError && error.status === 400 && error.problem?.errors?.some((e) => e.path === 'cursor')) {
        void read(null);
        return;
      }
      setFailure(describeRequestError(error));
      setFailedAt(from);
    } finally {
      if (request === reading) setLoading(false);
    }
  };

  // The first page, and again from the first whenever the kind shown changes.
  createEffect(
    on(kind, () => {
      setRows([]);
      setCursor(null);
      void read(null);
    }),
  );
  onCleanup(() => reading++);

  const removed = (id: string) => setRows((list) => list.filter((s) => s.id !== id));

  return (
    <section class="sp-subs" id={props.id} aria-labelledby={props.labelledBy} aria-busy={loading() ? 'true' : undefined}>
      <FormError error={failure()} />
      <Show
        when={rows().length > 0}
        fallback={
          <Show when={!failure()}>
            <p class="muted sp-subs-empty">
              {loading() ? t('common.loading') : props.enabled || kind() !== 'all' ? tsp(EMPTY_KEYS[kind()]) : tsp('sp.subs.empty.off')}
            </p>
          </Show>
        }
      >
        <div class="table-wrap">
          <table class="table sp-subs-table">
            <thead>
              <tr>
                <th scope="col">{tsp('sp.subs.target')}</th>
                <th scope="col">{tsp('sp.subs.kind')}</th>
                <th scope="col">{tsp('sp.subs.state')}</th>
                <th scope="col">{tsp('sp.subs.created')}</th>
                <th scope="col">{tsp('sp.subs.lastDelivered')}</th>
                <th scope="col" class="num" title={tsp('sp.subs.failed.hint')}>
                  {tsp('sp.subs.failed')}
                </th>
                <th scope="col">
                  <span class="sr-only">{tsp('sp.subs.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>{(s) => <SubscriberRow pageId={props.pageId} subscriber={s} onRemoved={() => removed(s.id)} />}</For>
            </tbody>
          </table>
        </div>
      </Show>
      <div class="sp-subs-foot">
        <Show when={failure() && !loading()}>
          <button type="button" class="sp-subs-retry" onClick={() => void read(failedAt())}>
            {tsp('sp.subs.retry')}
          </button>
        </Show>
        <Show when={!failure() && cursor()}>
          {(next) => (
            <button type="button" class="sp-subs-more" disabled={loading()} onClick={() => void read(next())}>
              {loading() ? t('common.loading') : tsp('sp.subs.more')}
            </button>
          )}
        </Show>
      </div>
    </section>
  );
}

function SubscriberRow(props: { pageId: string; subscriber: StatusPageSubscriber; onRemoved: () => void }) {
  const { busy, act } = useItemAction();
  const s = () => props.subscriber;
  const confirmed = () => s().confirmedAt !== null;
  const remove = () =>
    act(async () => {
      const target = s().target;
      try {
        await subscribersApi.remove(props.pageId, s().id);
      } catch (error) {
        // Gone already (it unsubscribed, or another tab removed it): as good as removed.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      props.onRemoved();
      addToast('success', tsp('sp.subs.toast.removed', { target }));
    });
  return (
    <tr data-subscriber-id={s().id} data-kind={s().kind} data-confirmed={confirmed() ? 'true' : 'false'}>
      <td class="sp-sub-target">
        <span class="sp-sub-target-text" title={s().target}>
          {s().target}
        </span>
      </td>
      <td class="sp-sub-kind" data-label={tsp('sp.subs.kind')}>
        <span aria-hidden="true">{s().kind === 'email' ? '✉ ' : '⚡ '}</span>
        {tsp(KIND_KEYS[s().kind])}
      </td>
      <td class="sp-sub-state" data-label={tsp('sp.subs.state')}>
        <Show
          when={s().confirmedAt}
          fallback={
            <span
              class="sp-sub-badge"
              data-state="pending"
              title={s().kind === 'email' ? tsp('sp.subs.pending.email', { hours: SUBSCRIPTION_LIMITS.pendingHours }) : tsp('sp.subs.pending.webhook')}
            >
              {tsp('sp.subs.pending')}
            </span>
          }
        >
          {(at) => (
            <span class="sp-sub-badge" data-state="confirmed" title={tsp('sp.subs.confirmed.at', { time: formatDateTime(at()) })}>
              {tsp('sp.subs.confirmed')}
            </span>
          )}
        </Show>
      </td>
      <td class="sp-sub-created" data-label={tsp('sp.subs.created')}>
        <When at={s().createdAt} />
      </td>
      <td class="sp-sub-delivered" data-label={tsp('sp.subs.lastDelivered')}>
        <When at={s().lastDeliveredAt} />
      </td>
      <td class="num sp-sub-failed" data-label={tsp('sp.subs.failed')} data-failed={s().failedDeliveries > 0 ? 'true' : undefined}>
        {s().failedDeliveries}
      </td>
      <td class="sp-sub-actions">
        <DeleteButton
          name={s().target}
          busy={busy()}
          onDelete={remove}
          text={{
            delete: tsp('sp.subs.remove'),
            confirm: tsp('sp.subs.removeConfirm', { target: s().target }),
            yes: tsp('sp.subs.removeYes'),
            cancel: tsp('sp.cancel'),
          }}
        />
      </td>
    </tr>
  );
}
