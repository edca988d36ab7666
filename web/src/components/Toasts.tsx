import { Toaster } from 'solid-sonner';
import { theme } from '../lib/theme.ts';
import { MAX_TOASTS, TOAST_DURATION_MS } from '../stores/toast.store.ts';

/** Pixels between two toasts: more than the close button sticks out above a toast (7 px). */
const TOAST_GAP = 8;

/**
 * Where toasts appear: bottom right (bottom, full width, on a phone), stacked apart. At the bottom
 * they stay clear of what sits at the top of every page (the connection status, the banners with
 * their Retry now, the dashboard's counts with Open incidents).
 */
export function Toasts() {
  return (
    <Toaster
      position="bottom-right"
      theme={theme()}
      offset={{ bottom: '1rem', right: '1rem' }}
      mobileOffset={{ bottom: '0.75rem', left: '0.75rem', right: '0.75rem' }}
      gap={TOAST_GAP}
      duration={TOAST_DURATION_MS}
      visibleToasts={MAX_TOASTS}
      expand
      richColors
      closeButton
    />
  );
}
