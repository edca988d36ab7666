import { For, Show } from 'solid-js';
import { SECRET_MARKER } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';

/** The headers each check sends, as the API returns them: secret values arrive as "(secret)" and stay so. */
export function RequestHeaders(props: { headers: Record<string, string> }) {
  const entries = () => Object.entries(props.headers);
  return (
    <>
      <h3 class="headers-title">{t('ep.headers')}</h3>
      <Show when={entries().length > 0} fallback={<p class="muted">{t('ep.headers.none')}</p>}>
        <dl class="request-headers" data-testid="request-headers">
          <For each={entries()}>
            {([name, value]) => (
              <div>
                <dt>
                  <code>{name}</code>
                </dt>
                <dd>
                  <Show when={value === SECRET_MARKER} fallback={<code>{value}</code>}>
                    <span class="secret-value" title={t('ep.headers.secret')}>
                      <span aria-hidden="true">🔒 </span>
                      <code>{value}</code>
                    </span>
                  </Show>
                </dd>
              </div>
            )}
          </For>
        </dl>
      </Show>
    </>
  );
}
