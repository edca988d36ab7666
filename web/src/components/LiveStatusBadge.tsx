import { t } from '../i18n/index.ts';
import type { DisplayStatus } from './StatusBadge.tsx';

/**
 * StatusBadge for the dashboard's cards and rows, where 2,000 endpoints may change status hundreds
 * of times a second: coloured, and its icon drawn (the shapes of STATUS_ICONS), by CSS from the
 * data-status of the card or row around it. A change then writes that one attribute and one word.
 */
export function LiveStatusBadge(props: { status: DisplayStatus }) {
  return (
    <span class="badge live-badge">
      <span class="badge-icon live-icon" aria-hidden="true" />
      {t(`status.${props.status}`)}
    </span>
  );
}
