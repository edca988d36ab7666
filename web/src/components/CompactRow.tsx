import { Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { formatMs, formatPercent, formatTime } from '../lib/format.ts';
import { endpoints } from '../stores/endpoints.store.ts';
import { uptime24h } from '../stores/uptime24h.store.ts';
import { FailureReason } from './FailureReason.tsx';
import { Sparkline } from './Sparkline.tsx';
import { TypeBadge } from './TypeBadge.tsx';
import { LiveStatusBadge } from './LiveStatusBadge.tsx';
import { displayStatus } from './StatusBadge.tsx';
import { MaintenanceNote } from './MaintenanceNote.tsx';

/** One endpoint as a dense row of the dashboard's compact view: the card's facts on one line. */
export function CompactRow(props: { id: string }) {
  let last = endpoints.byId[props.id]!;
  const endpoint = () => (last = endpoints.byId[props.id] ?? last);
  const status = () => displayStatus(endpoint());
  return (
    <li>
      <a class="compact-row" href={`/endpoints/${props.id}`} data-status={status()} data-endpoint-id={props.id}>
        <LiveStatusBadge status={status()} />
        <span class="compact-name" title={endpoint().name}>
          <span class="compact-name-text">{endpoint().name}</span>
          <TypeBadge type={endpoint().type} />
        </span>
        <FailureReason endpoint={endpoint()} />
        <MaintenanceNote endpoint={endpoint()} />
        <Show
          when={endpoint().type === 'push'}
          fallback={
            <span class="compact-rt">
              <span class="sr-only">{t('card.responseTime')} </span>
              {formatMs(endpoint().lastResponseTime)}
            </span>
          }
        >
          <span class="compact-rt compact-ping">
            <span class="sr-only">{t('card.lastPing')} </span>
            {formatTime(endpoint().lastPingAt)}
          </span>
        </Show>
        <span class="compact-uptime">
          <span class="sr-only">{t('card.uptime24h')} </span>
          {formatPercent(uptime24h(props.id))}
        </span>
        <Sparkline endpointId={props.id} />
        <time class="compact-time" datetime={endpoint().lastCheckedAt ?? undefined}>
          {formatTime(endpoint().lastCheckedAt)}
        </time>
      </a>
    </li>
  );
}
