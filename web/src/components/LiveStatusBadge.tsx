import { t } from '../i18n/index.ts';
import type { DisplayStatus } from './StatusBadge.tsx';

/**
 * StatusBadge for the dashboard, where 2,000 endpoints may change status hundreds of times a
 * second: its icon is drawn by CSS from data-status (the same shapes as STATUS_ICONS), so a change
 * writes one attribute and one word instead of also replacing the icon's text.
 */
export function LiveStatusBadge(props: { status: DisplayStatus }) {
  return (
    <span class="badge" data-status={props.status}>
      <span class="badge-icon live-icon" aria-hidden="true" />
      {t(`status.${props.status}`)}
    </span>
  );
}
