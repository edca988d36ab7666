import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { NotificationChannel, NotificationDelivery } from '../../../server/contract/notifications.ts';
import { createLiveReads } from '../lib/live-reads.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { notificationsApi } from '../services/notifications-api.ts';

/** Whether `a` happened after `b` (the log's order: time, then id). */
export const newer = (a: NotificationDelivery, b: NotificationDelivery) => a.at > b.at || (a.at === b.at && a.id > b.id);

/**
 * The notification channels the page shows, live: created, changed and deleted channels from the
 * events (another tab, a script), and each channel's newest delivery (read with the list, then
 * from `notification:delivery`). Call inside a component: it stops with it. The events reach the
 * page while it is subscribed to all (useLiveData), as the server sends them to those only.
 *
 * The channels are a store reconciled by id: a changed channel keeps its card (an open log, a
 * test's answer) and only its changed text is redrawn. The deliveries are never put in a store:
 * setting an object where one was merges it into the old one, which the log still shows.
 */
export function useNotificationChannels() {
  const [state, setState] = createStore<{ channels: NotificationChannel[] }>({ channels: [] });
  const [loaded, setLoaded] = createSignal(false);
  const [last, setLast] = createSignal<Readonly<Record<string, NotificationDelivery | null>>>({});
  const reads = createLiveReads();
  /** The newest load, for its second step (the deliveries). */
  let reading = 0;

  const noteDelivery = (d: NotificationDelivery) => {
    const current = last()[d.channelId];
    if (!current || newer(d, current)) setLast((all) => ({ ...all, [d.channelId]: d }));
  };

  const load = async () => {
    const request = ++reading;
    const answer = await reads.read(
      () => notificationsApi.list(),
      ({ items }) => {
        setState('channels', reconcile(items, { key: 'id' }));
        setLoaded(true);
      },
    );
    if (!answer || request !== reading) return;
    const { items } = answer;
    // The newest delivery of each (they are few: at most 200 channels).
    const newest = await Promise.all(
      items.map((c) =>
        notificationsApi.deliveries(c.id, { limit: 1 }).then(
          (page) => page.items[0] ?? null,
          () => null,
        ),
      ),
    );
    if (request !== reading) return;
    const known = last();
    const next: Record<string, NotificationDelivery | null> = {};
    items.forEach((c, i) => {
      const live = known[c.id];
      const read = newest[i] ?? null;
      // A live delivery that came while reading is not undone by the older answer.
      next[c.id] = live && (!read || newer(live, read)) ? live : read;
    });
    setLast(next);
  };

  const upsert = (channel: NotificationChannel) =>
    reads.change(() => {
      const i = state.channels.findIndex((x) => x.id === channel.id);
      if (i < 0) setState('channels', state.channels.length, channel);
      else setState('channels', i, reconcile(channel));
    });
  const remove = (id: string) => reads.change(() => setState('channels', (list) => list.filter((c) => c.id !== id)));

  const stops = [
    onLiveEvent('channel:created', upsert),
    onLiveEvent('channel:updated', upsert),
    onLiveEvent('channel:deleted', (e) => remove(e.channelId)),
    onLiveEvent('notification:delivery', noteDelivery),
  ];
  onCleanup(() => {
    for (const stop of stops) stop();
    reads.stop();
    reading++;
  });

  return { channels: () => state.channels, loaded, load, upsert, remove, last };
}
