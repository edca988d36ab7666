import { onCleanup, onMount } from 'solid-js';
import { socketService } from '../services/socket.service.ts';
import { subscribe, subscribeAll, unsubscribe, unsubscribeAll } from '../stores/subscription.store.ts';

/**
 * What every page does with live data: subscribe on mount, unsubscribe when left, and reload
 * from REST on mount, after a new (not recovered) session, and on each fallback refresh.
 */
export function useLiveData(options: { endpointId?: string; load: () => void }) {
  onMount(() => {
    if (options.endpointId) subscribe(options.endpointId);
    else subscribeAll();
    options.load();
    const stopSession = socketService.onSession((reconnect) => {
      if (reconnect) options.load();
    });
    const stopRefresh = socketService.onRefresh(options.load);
    onCleanup(() => {
      stopSession();
      stopRefresh();
      if (options.endpointId) unsubscribe(options.endpointId);
      else unsubscribeAll();
    });
  });
}
