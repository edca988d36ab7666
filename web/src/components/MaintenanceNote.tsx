import { Show } from 'solid-js';
import type { Endpoint } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { formatUntil } from '../lib/format.ts';
/** "In maintenance until 14:00 · DB upgrade" while a maintenance window covers the endpoint. */
export function MaintenanceNote(props: { endpoint: Pick<Endpoint, 'maintenance'> }) {
  return (
    <Show when={props.endpoint.maintenance}>
      {(m) => (
        <span class="maint-note" title={m().windowName}>
          {t('card.maintenance', { time: formatUntil(m().endsAt), name: m().windowName })}
        </span>
      )}
    </Show>
  );
}
