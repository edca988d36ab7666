import { Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { formatMs, formatTime } from '../lib/format.ts';
import { endpoints } from '../stores/endpoints.store.ts';
import { CheckStrip } from './CheckStrip.tsx';
import { StatusBadge, displayStatus } from './StatusBadge.tsx';

/** One endpoint on the dashboard. Reads store fields directly so each text updates on its own. */
export function StatusCard(props: { id: string }) {
  // The grid drops a deleted card in the same batch; until then it reads the last known values.
  let last = endpoints.byId[props.id]!;
  const endpoint = () => (last = endpoints.byId[props.id] ?? last);
  const status = () => displayStatus(endpoint());
  return (
    <a class="card" href={`/endpoints/${props.id}`} data-status={status()} data-endpoint-id={props.id}>
      <span class="card-head">
        <span class="card-name">{endpoint().name}</span>
        <StatusBadge status={status()} />
      </span>
      <span class="card-facts">
        <span>
          <span class="muted">{t('card.responseTime')} </span>
          <span class="card-rt">{formatMs(endpoint().lastResponseTime)}</span>
        </span>
        <span>
          <span class="muted">{t('card.lastCheck')} </span>
          <time class="card-time" datetime={endpoint().lastCheckedAt ?? undefined}>
            {formatTime(endpoint().lastCheckedAt)}
          </time>
        </span>
      </span>
      <Show when={endpoints.openIncidents[props.id]}>
        <span class="card-incident">🚨 {t('card.openIncident')}</span>
      </Show>
      <CheckStrip endpointId={props.id} />
    </a>
  );
}
