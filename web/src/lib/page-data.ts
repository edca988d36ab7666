import { onCleanup, onMount } from 'solid-js';
import { t } from '../i18n/index.ts';
import { ApiError } from '../services/api.ts';
import { socketService } from '../services/socket.service.ts';
import { connection } from '../stores/connection.store.ts';
import { onDatabaseRecheck } from '../stores/database.store.ts';
import { subscribe, subscribeAll, unsubscribe, unsubscribeAll } from '../stores/subscription.store.ts';
import { addToast } from '../stores/toast.store.ts';

/**
 * What every page does with live data: subscribe on mount, unsubscribe when left, and reload
 * from REST on mount, after a new (not recovered) session, on each fallback refresh, and while
 * the database is away. A load that fails is reported in a toast, unless the database banner
 * already says why.
 */
export function useLiveData(options: { endpointId?: string; load: () => void | Promise<unknown> }) {
  const load = () => {
    const loading = options.load();
    loading?.catch((error: Error) => {
      // The banners already say why: the database is away, or Vigil is restarting.
      if (error instanceof ApiError && (error.databaseUnavailable || (error.status === 0 && connection.restarting))) return;
      addToast('error', t('toast.loadFailed', { message: error.message }));
    });
  };
  onMount(() => {
    if (options.endpointId) subscribe(options.endpointId);
    else subscribeAll();
    load();
    const stopSession = socketService.onSession((reconnect) => {
      if (reconnect) load();
    });
    const stopRefresh = socketService.onRefresh(load);
    const stopRecheck = onDatabaseRecheck(load);
    onCleanup(() => {
      stopSession();
      stopRefresh();
      stopRecheck();
      if (options.endpointId) unsubscribe(options.endpointId);
      else unsubscribeAll();
    });
  });
}
