import type { EndpointStatus } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';

export type DisplayStatus = EndpointStatus | 'PAUSED';

/** A shape as well as a colour, so status never depends on colour alone. */
export const STATUS_ICONS: Record<DisplayStatus, string> = { UP: '●', DEGRADED: '▲', DOWN: '✖', PENDING: '○', MAINTENANCE: '◆', PAUSED: '❚❚' };

export function displayStatus(endpoint: { status: EndpointStatus; paused: boolean }): DisplayStatus {
  return endpoint.paused ? 'PAUSED' : endpoint.status;
}

export function StatusBadge(props: { status: DisplayStatus }) {
  return (
    <span class="badge" data-status={props.status}>
      <span class="badge-icon" aria-hidden="true">
        {STATUS_ICONS[props.status]}
      </span>
      {t(`status.${props.status}`)}
    </span>
  );
}
