import { onCleanup, onMount } from 'solid-js';
import { t } from '../i18n/index.ts';
import { socketService } from '../services/socket.service.ts';
import { subscribe, subscribeAll, unsubscribe, unsubscribeAll } from '../stores/subscription.store.ts';
import { addToast } from '../stores/toast.store.ts';

/**
 * What every page does with live data: subscribe on mount, unsubscribe when left, and reload
 * from REST on mount, after a new (not recovered) session, and on each fallback refresh. A load
 * that fails is reported in a toast.
 */
export function useLiveData(options: { endpointId?: string; load: () => void | Promise<unknown> }) {
  const load = () => {
    const loading = options.load();
    loading?.catch((error: Error) => addToast('error', t('toast.loadFailed', { message: error.message })));
  };
  onMount(() => {
    if (options.endpointId) subscribe(options.endpointId);
    else subscribeAll();
    load();
    const stopSession = socketService.onSession((reconnect) => {
      if (reconnect) load();
    });
    const stopRefresh = socketService.onRefresh(load);
    onCleanup(() => {
      stopSession();
      stopRefresh();
      if (options.endpointId) unsubscribe(options.endpointId);
      else unsubscribeAll();
    });
  });
}
