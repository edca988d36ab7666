import { createResource, createSignal, onCleanup, onMount, untrack, type InitializedResource, type Setter } from 'solid-js';
import { t } from '../i18n/index.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { ApiError } from '../services/api.ts';
import { socketService } from '../services/socket.service.ts';
import { connection } from '../stores/connection.store.ts';
import { onDatabaseRecheck } from '../stores/database.store.ts';
import { ALL, onSubscribed, subscribe, subscribeAll, unsubscribe, unsubscribeAll } from '../stores/subscription.store.ts';
import { addToast } from '../stores/toast.store.ts';

/** How long the first load of a page waits for its subscription's acknowledgement before it goes ahead. */
const FIRST_LOAD_ACK_WAIT_MS = 1000;

/**
 * What every page does with live data: subscribe on mount, unsubscribe when left, and load from
 * REST on mount, each time the server acknowledges the subscription (the first one and every
 * resubscription of a new session), on each fallback refresh, and while the database is away.
 * A load that fails is reported in a toast, unless the database banner already says why.
 *
 * Why after the acknowledgement: events before it do not reach the page, so a snapshot read
 * before it can miss a change for good. When the command goes out at mount the first load waits
 * for it (a round trip); otherwise it loads at once and again when the session subscribes.
 */
export function useLiveData(options: { endpointId?: string; load: () => void | Promise<unknown> }) {
  const load = () => {
    options.load()?.catch(reportLoadFailure);
  };
  onMount(() => {
    let firstLoad: ReturnType<typeof setTimeout> | undefined;
    const stopSubscribed = onSubscribed(options.endpointId ?? ALL, () => {
      clearTimeout(firstLoad);
      load();
    });
    const commandSent = options.endpointId ? subscribe(options.endpointId) : subscribeAll();
    if (commandSent) firstLoad = setTimeout(load, FIRST_LOAD_ACK_WAIT_MS);
    else load();
    const stopRefresh = socketService.onRefresh(load);
    const stopRecheck = onDatabaseRecheck(load);
    onCleanup(() => {
      clearTimeout(firstLoad);
      stopSubscribed();
      stopRefresh();
      stopRecheck();
      if (options.endpointId) unsubscribe(options.endpointId);
      else unsubscribeAll();
    });
  });
}

/** A page's load failed: a toast says why, unless a banner already does (the database is away, or Vigil is restarting) or the page has told it (ApiError.told). */
export function reportLoadFailure(error: unknown) {
  if (error instanceof ApiError && (error.databaseUnavailable || error.told || (error.status === 0 && connection.restarting))) return;
  addToast('error', t('toast.loadFailed', { message: describeRequestError(error) }));
}

export interface PageResource<T> {
  /** The newest answer (reactive); `initialValue` until the first one. */
  value: InitializedResource<T>;
  /** Reads again, with the current key; the first call makes the first read. */
  reload: () => void;
  /** Changes the value in place (a live event), until the next answer. */
  mutate: Setter<T>;
}

/**
 * A page's REST read, keyed on what it reads (the route's id, the chart's range) with Solid's
 * createResource: when the key changes or `reload` reads again, an answer still on its way for
 * the earlier key or read is dropped, so a late answer never overwrites a newer one. Nothing is
 * read before the first `reload` (useLiveData calls it once the subscription is acknowledged).
 * A failed read keeps the value shown and goes to `failed`.
 */
export function createPageResource<K, T>(
  key: () => K,
  read: (key: K) => Promise<T>,
  options: { initialValue: T; failed: (error: unknown) => void },
): PageResource<T> {
  const [round, setRound] = createSignal(0);
  const [value, { mutate }] = createResource<T, { key: K; round: number }>(
    () => round() > 0 && { key: key(), round: round() },
    (source): Promise<T> =>
      read(source.key).catch((error: unknown): T => {
        options.failed(error);
        return untrack(value);
      }),
    { initialValue: options.initialValue },
  );
  const reload = () => {
    setRound((n) => n + 1);
  };
  return { value, reload, mutate: mutate as Setter<T> };
}
