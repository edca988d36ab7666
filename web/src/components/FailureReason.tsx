import { Show, createMemo } from 'solid-js';
import type { Endpoint } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { describeCheckError } from '../i18n/server-messages.ts';
import { displayStatus } from './StatusBadge.tsx';

type ReasonFacts = Pick<
  Endpoint,
  'status' | 'paused' | 'lastErrorMessage' | 'lastErrorCode' | 'lastErrorParams' | 'lastStatusCode' | 'lastResponseTime' | 'degradedThresholdMs'
>;

/**
 * Why an endpoint is DOWN (its last check's error: timeout, refused, an unexpected status, a failed
 * assertion…) or DEGRADED (slower than its threshold, or a failed assertion of severity DEGRADED);
 * null while it is neither. The one place that words it.
 * @example failureReason({ status: 'DOWN', lastErrorMessage: null, lastStatusCode: 500, … }) // 'HTTP 500'
 */
export function failureReason(endpoint: ReasonFacts): string | null {
  const status = displayStatus(endpoint);
  // DEGRADED is slow, unless a failed assertion or a certificate about to expire made it so.
  if (status === 'DEGRADED' && endpoint.lastErrorCode !== 'assertion' && endpoint.lastErrorCode !== 'certificate_expiring')
    return t('reason.slow', { ms: endpoint.degradedThresholdMs });
  if (status !== 'DOWN' && status !== 'DEGRADED') return null;
  if (endpoint.lastErrorMessage) return describeCheckError(endpoint.lastErrorCode, endpoint.lastErrorParams, endpoint.lastErrorMessage);
  if (endpoint.lastStatusCode !== null) return t('reason.status', { code: endpoint.lastStatusCode });
  return t('reason.unknown');
}

/**
 * The reason on one line (cut with … when long; the whole text in its title). Shown by CSS only
 * inside an element whose data-status is DOWN or DEGRADED (the card, the row). Between failures it
 * keeps its last text, hidden: an endpoint flapping UP ↔ DOWN then costs no DOM change here.
 */
export function FailureReason(props: { endpoint: ReasonFacts; class?: string }) {
  let last: string | null = null;
  const reason = createMemo(() => (last = failureReason(props.endpoint) ?? last));
  return (
    <Show when={reason()}>
      {(text) => (
        <span class={`reason ${props.class ?? ''}`} title={text()}>
          <span class="sr-only">{t('reason.label')} </span>
          {text()}
        </span>
      )}
    </Show>
  );
}
