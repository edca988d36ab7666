import { onCleanup, onMount } from 'solid-js';
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
    const loading = options.load();
    loading?.catch((error: Error) => {
      // The banners already say why: the database is away, or Vigil is restarting.
      if (error instanceof ApiError && (error.databaseUnavailable || (error.status === 0 && connection.restarting))) return;
      addToast('error', t('toast.loadFailed', { message: describeRequestError(error) }));
    });
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
