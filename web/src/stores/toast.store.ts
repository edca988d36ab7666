import { toast } from 'solid-sonner';
import { t } from '../i18n/index.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { endpoints } from './endpoints.store.ts';

export type ToastType = 'success' | 'error' | 'warning' | 'info';

export const TOAST_DURATION_MS = 3000;
export const MAX_TOASTS = 5;

/** Ids of the toasts on screen, oldest first: a sixth pushes the first out. */
const shown: (string | number)[] = [];

/** A message that starts with its own emoji (❌ Payments API is down) needs no second icon. */
const LEADING_EMOJI = /^\p{Extended_Pictographic}/u;

export function addToast(type: ToastType, message: string, duration = TOAST_DURATION_MS) {
  if (shown.length >= MAX_TOASTS) removeToast(shown[0]!);
  const id = toast[type](message, {
    duration,
    icon: LEADING_EMOJI.test(message) ? null : undefined,
    onAutoClose: (t) => forget(t.id),
    onDismiss: (t) => forget(t.id),
  });
  shown.push(id);
  return id;
}

/** "The action failed: …" (`message`: the error in the UI's language); nothing when the page has told of it already (ApiError.told). */
export function toastActionFailed(error: unknown, message = describeRequestError(error)) {
  if (!(error as { told?: boolean } | null)?.told) addToast('error', t('toast.actionFailed', { message }));
}

export function removeToast(id: string | number) {
  forget(id);
  toast.dismiss(id);
}

function forget(id: string | number) {
  const index = shown.indexOf(id);
  if (index >= 0) shown.splice(index, 1);
}

/**
 * The name of the endpoint's parent when the page knows it to be DOWN or in maintenance (the
 * dashboard knows every endpoint; an endpoint page its parent): what its failure is blamed on.
 */
function downParentOf(endpointId: string): string | null {
  const parentId = endpoints.byId[endpointId]?.parentId;
  const parent = parentId ? endpoints.byId[parentId] : undefined;
  return parent && !parent.paused && (parent.status === 'DOWN' || parent.status === 'MAINTENANCE') ? parent.name : null;
}

/** Event toasts allowed per second; beyond that a burst is summed up in one toast per second. */
export const EVENT_TOASTS_PER_SECOND = 2 * MAX_TOASTS;

/**
 * Status and incident toasts for the events this page receives. Under a burst (hundreds of
 * changes a second) a user cannot read toasts anyway: past the budget they are counted and
 * announced as one summary. An endpoint failing because its parent is down is no news of its own
 * (docs/dependencies.md: it notifies nobody either): its going DOWN while the parent is DOWN or in
 * maintenance, and its incident blamed on the parent (`causedBy`), are quiet info toasts naming
 * the parent, not alarms.
 */
export function startEventToasts() {
  const recent: number[] = [];
  let overflow = 0;
  let summaryTimer: ReturnType<typeof setTimeout> | undefined;
  const announce = (type: ToastType, message: () => string) => {
    const now = Date.now();
    while (recent.length && recent[0]! <= now - 1000) recent.shift();
    if (recent.length < EVENT_TOASTS_PER_SECOND) {
      recent.push(now);
      addToast(type, message());
      return;
    }
    overflow++;
    summaryTimer ??= setTimeout(() => {
      summaryTimer = undefined;
      addToast('info', t('toast.more', { count: overflow }));
      overflow = 0;
    }, 1000);
  };
  const stops = [
    onLiveEvent('endpoint:status-changed', (e) => {
      const name = e.endpointName;
      if (e.currentStatus === 'UP') announce('success', () => t('toast.UP', { name }));
      else if (e.currentStatus === 'DOWN') {
        const parent = downParentOf(e.endpointId);
        if (parent) announce('info', () => t('toast.DOWN.caused', { name, parent }));
        else announce('error', () => t('toast.DOWN', { name }));
      } else if (e.currentStatus === 'DEGRADED') announce('warning', () => t('toast.DEGRADED', { name }));
    }),
    onLiveEvent('incident:started', (e) => {
      const parent = e.causedBy?.endpointName;
      if (parent) announce('info', () => t('toast.incidentStarted.caused', { name: e.endpointName, parent }));
      else announce('error', () => t('toast.incidentStarted', { name: e.endpointName }));
    }),
    onLiveEvent('incident:resolved', (e) => announce('success', () => t('toast.incidentResolved', { name: e.endpointName }))),
  ];
  return () => {
    for (const stop of stops) stop();
    clearTimeout(summaryTimer);
  };
}
