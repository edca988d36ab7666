import { Show } from 'solid-js';
import type { IncidentCause as Cause } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';

/**
 * "Caused by Database (its incident)": the parent an incident is blamed on (it opened while the
 * parent was down or in maintenance, and notified nobody), linked, with the parent's incident when
 * it had one. Nothing for an incident of its own.
 */
export function IncidentCause(props: { cause: Cause | null | undefined }) {
  return (
    <Show when={props.cause}>
      {(c) => (
        <span class="cause" data-caused-by={c().endpointId}>
          {t('inc.causedBy')} <a href={`/endpoints/${c().endpointId}`}>{c().endpointName}</a>
          <Show when={c().incidentId}>
            {(id) => (
              <>
                {' ('}
                <a href={`/incidents/${id()}`} aria-label={t('inc.causedBy.incidentLabel', { name: c().endpointName })}>
                  {t('inc.causedBy.incident')}
                </a>
                {')'}
              </>
            )}
          </Show>
        </span>
      )}
    </Show>
  );
}
