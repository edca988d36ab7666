import { toast } from 'solid-sonner';
import { t } from '../i18n/index.ts';
import { onLiveEvent, onLiveFlush } from '../services/live-events.ts';

export type ToastType = 'success' | 'error' | 'warning' | 'info';

export const TOAST_DURATION_MS = 3000;
export const MAX_TOASTS = 5;

/** Ids of the toasts on screen, oldest first: a sixth pushes the first out. */
const shown: (string | number)[] = [];

export function addToast(type: ToastType, message: string, duration = TOAST_DURATION_MS) {
  if (shown.length >= MAX_TOASTS) removeToast(shown[0]!);
  const id = toast[type](message, {
    duration,
    onAutoClose: (t) => forget(t.id),
    onDismiss: (t) => forget(t.id),
  });
  shown.push(id);
  return id;
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
 * Status and incident toasts for the events this page receives. A burst gets at most MAX_TOASTS
 * toasts per frame, and one summary for the rest.
 */
export function startEventToasts() {
  let inThisFrame = 0;
  let overflow = 0;
  const announce = (type: ToastType, message: () => string) => {
    if (inThisFrame++ < MAX_TOASTS) addToast(type, message());
    else overflow++;
  };
  const stops = [
    onLiveEvent('endpoint:status-changed', (e) => {
      const name = e.endpointName;
      if (e.currentStatus === 'UP') announce('success', () => t('toast.UP', { name }));
      else if (e.currentStatus === 'DOWN') announce('error', () => t('toast.DOWN', { name }));
      else if (e.currentStatus === 'DEGRADED') announce('warning', () => t('toast.DEGRADED', { name }));
    }),
    onLiveEvent('incident:started', (e) => announce('error', () => t('toast.incidentStarted', { name: e.endpointName }))),
    onLiveEvent('incident:resolved', (e) => announce('success', () => t('toast.incidentResolved', { name: e.endpointName }))),
    onLiveFlush(() => {
      if (overflow > 0) addToast('info', t('toast.more', { count: overflow }));
      inThisFrame = 0;
      overflow = 0;
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
