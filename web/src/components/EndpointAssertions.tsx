import { For, Show } from 'solid-js';
import type { Assertion, MonitorType } from '../../../server/contract/types.ts';
import { locale, t } from '../i18n/index.ts';
import { sourceLabelKey } from '../lib/assertion-drafts.ts';
import { formatMs } from '../lib/format.ts';
import { StatusBadge } from './StatusBadge.tsx';
// Its words ('form.…'), added to t() as this page loads.
import '../i18n/form-messages.ts';

/** What an assertion compares with, as the endpoint page shows it: text quoted, a pattern in slashes, a time in ms. */
function targetText(a: Assertion): string {
  if (a.comparison === 'matches') return `/${a.target}/`;
  if (a.source === 'responseTime' && typeof a.target === 'number') return formatMs(a.target);
  // A DNS response code is a name of its own (NOERROR), not a text.
  if (a.source === 'dnsCode') return String(a.target);
  return typeof a.target === 'string' ? JSON.stringify(a.target) : String(a.target);
}

/** An endpoint's assertions, one per line in the words of the form ("JSON body $.status equals "ok""), each with what a failure makes the check. */
export function EndpointAssertions(props: { assertions: Assertion[]; type?: MonitorType }) {
  return (
    <>
      <h3 class="headers-title">{t('form.assertions')}</h3>
      <Show when={props.assertions.length > 0} fallback={<p class="muted">{t('form.assertions.none')}</p>}>
        <ol class="assertion-summary" data-testid="endpoint-assertions">
          <For each={props.assertions}>
            {(a) => (
              <li>
                {t(sourceLabelKey(a.source, props.type))}{' '}
                <Show when={a.property}>
                  <code>{a.property}</code>{' '}
                </Show>
                {/* Korean puts what is compared with before the comparison ("0 ms 미만"), English after it. */}
                <Show when={locale() !== 'ko'}>{t(`form.assertion.cmp.${a.comparison}`)}</Show>
                <Show when={a.comparison !== 'exists' && a.comparison !== 'notExists'}>
                  <Show when={locale() !== 'ko'}> </Show>
                  <code>{targetText(a)}</code>{' '}
                </Show>
                <Show when={locale() === 'ko'}>{t(`form.assertion.cmp.${a.comparison}`)}</Show>
                <StatusBadge status={a.severity} />
              </li>
            )}
          </For>
        </ol>
      </Show>
    </>
  );
}
