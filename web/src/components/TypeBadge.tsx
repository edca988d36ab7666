import { Show } from 'solid-js';
import type { MonitorType } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';

/** What the badge says: the protocol's own short name, the same in every language. */
const SHORT: Record<MonitorType, string> = { http: 'HTTP', tcp: 'TCP', dns: 'DNS', tls: 'TLS', push: 'PUSH' };

/**
 * A small tag naming what a non-HTTP endpoint checks (TCP, DNS, TLS, PUSH); nothing for HTTP, the
 * usual case. Static: it changes only when the endpoint's type does, never on a check.
 */
export function TypeBadge(props: { type: MonitorType | undefined; always?: boolean }) {
  return (
    <Show when={props.type && (props.always || props.type !== 'http')}>
      <span class="type-badge" data-type={props.type} title={props.type === 'http' ? undefined : t(`type.title.${props.type as Exclude<MonitorType, 'http'>}`)}>
        {SHORT[props.type!]}
      </span>
    </Show>
  );
}
