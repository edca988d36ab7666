import { Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { formatMs, formatPercent, formatTime } from '../lib/format.ts';
import { endpoints } from '../stores/endpoints.store.ts';
import { uptime24h } from '../stores/uptime24h.store.ts';
import { CheckStrip } from './CheckStrip.tsx';
import { MaintenanceNote } from './MaintenanceNote.tsx';
import { FailureReason } from './FailureReason.tsx';
import { Sparkline } from './Sparkline.tsx';
import { TypeBadge } from './TypeBadge.tsx';
import { LiveStatusBadge } from './LiveStatusBadge.tsx';
import { displayStatus } from './StatusBadge.tsx';

/**
 * One endpoint on the dashboard. Reads store fields directly so each text updates on its own.
 * Each fact is a row of a two-column grid, label left (cut with … if need be) and value right,
 * so a long label or "12345 ms" never meets the other text; the card keeps one height whatever its texts.
 */
export function StatusCard(props: { id: string }) {
  // The grid drops a deleted card in the same batch; until then it reads the last known values.
  let last = endpoints.byId[props.id]!;
  const endpoint = () => (last = endpoints.byId[props.id] ?? last);
  const status = () => displayStatus(endpoint());
  /** Its parent, while that is DOWN or in maintenance and this one fails too: what it is blamed on. */
  const downParent = () => {
    const parentId = endpoint().parentId;
    const parent = parentId ? endpoints.byId[parentId] : undefined;
    const failing = status() === 'DOWN' || status() === 'DEGRADED';
    return failing && parent && !parent.paused && (parent.status === 'DOWN' || parent.status === 'MAINTENANCE') ? parent : undefined;
  };
  return (
    <a class="card" href={`/endpoints/${props.id}`} data-status={status()} data-endpoint-id={props.id}>
      <span class="card-head">
        <span class="card-name" title={endpoint().name}>
          {endpoint().name}
        </span>
        <TypeBadge type={endpoint().type} />
        <LiveStatusBadge status={status()} />
      </span>
      <span class="card-facts">
        {/* A push endpoint answers nothing: when its last ping came says more than a response time. */}
        <Show
          when={endpoint().type === 'push'}
          fallback={
            <>
              <span class="fact-label">{t('card.responseTime')}</span>
              <span class="fact-value card-rt">{formatMs(endpoint().lastResponseTime)}</span>
            </>
          }
        >
          <span class="fact-label">{t('card.lastPing')}</span>
          <time class="fact-value card-ping" datetime={endpoint().lastPingAt ?? undefined}>
            {formatTime(endpoint().lastPingAt)}
          </time>
        </Show>
        <span class="fact-label">{t('card.uptime24h')}</span>
        <span class="fact-value card-uptime">{formatPercent(uptime24h(props.id))}</span>
        <span class="fact-label">{t('card.lastCheck')}</span>
        <time class="fact-value card-time" datetime={endpoint().lastCheckedAt ?? undefined}>
          {formatTime(endpoint().lastCheckedAt)}
        </time>
      </span>
      <span class="card-note">
        <Show when={endpoints.openIncidents[props.id]}>
          <span class="card-incident">🚨 {t('card.openIncident')}</span>
        </Show>
        <Show when={downParent()}>
          {(p) => (
            <span class="card-parent" title={t('card.parentDown', { name: p().name, status: t(`status.${p().status}`) })}>
              ↳ {p().name}
            </span>
          )}
        </Show>
        <FailureReason endpoint={endpoint()} class="card-reason" />
        <MaintenanceNote endpoint={endpoint()} />
      </span>
      <span class="card-trend">
        <CheckStrip endpointId={props.id} />
        <Sparkline endpointId={props.id} />
      </span>
    </a>
  );
}
