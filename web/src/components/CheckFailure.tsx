import { For, Show, createSignal } from 'solid-js';
import type { Check } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { describeCheckError, describeFailedAssertion } from '../i18n/server-messages.ts';

type FailureFacts = Pick<Check, 'errorMessage' | 'errorCode' | 'errorParams' | 'failedAssertions' | 'bodyExcerpt'>;

/** A check's error in the UI's language, '' when it has none or it only repeats its first failed assertion (listed apart). */
export function plainError(c: Pick<Check, 'errorMessage' | 'errorCode' | 'errorParams' | 'failedAssertions'>): string {
  if (!c.errorMessage || (c.errorCode === 'assertion' && (c.failedAssertions?.length ?? 0) > 0)) return '';
  return describeCheckError(c.errorCode, c.errorParams, c.errorMessage);
}

/**
 * Why one check failed: its error (unless `withError` is false), then every assertion it did not
 * meet, then the start of the body it got. `loadExcerpt`: the body is not known yet (a check heard
 * live) and is read when the reader opens it.
 */
export function CheckFailure(props: { check: FailureFacts; withError?: boolean; loadExcerpt?: () => Promise<string | null> }) {
  const failed = () => props.check.failedAssertions ?? [];
  const error = () => (props.withError === false ? '' : plainError(props.check));
  return (
    <>
      <Show when={error()}>
        <span class="check-error">{error()}</span>
      </Show>
      <Show when={failed().length > 0}>
        <ul class="failed-assertions" aria-label={t('check.failedAssertions')}>
          <For each={failed()}>
            {(f) => (
              <li data-severity={f.severity}>
                <span class="failed-icon" aria-hidden="true">
                  {f.severity === 'DOWN' ? '✖' : '▲'}
                </span>
                <span class="sr-only">{t(`status.${f.severity}`)}: </span>
                <span class="failed-message">{describeFailedAssertion(f)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.check.bodyExcerpt || props.loadExcerpt}>
        <BodyExcerpt excerpt={props.check.bodyExcerpt} load={props.loadExcerpt} />
      </Show>
    </>
  );
}

/** The first KB of a body, behind a disclosure; as text only, whatever it holds. */
function BodyExcerpt(props: { excerpt: string | null; load?: () => Promise<string | null> }) {
  const [loaded, setLoaded] = createSignal<string | null | undefined>(props.load ? undefined : props.excerpt);
  const [reading, setReading] = createSignal(false);
  const toggled = (event: Event & { currentTarget: HTMLDetailsElement }) => {
    if (!event.currentTarget.open || loaded() !== undefined || reading() || !props.load) return;
    setReading(true);
    props
      .load()
      .then(setLoaded, () => setLoaded(null))
      .finally(() => setReading(false));
  };
  return (
    <details class="body-excerpt" onToggle={toggled}>
      <summary>{t('check.body')}</summary>
      <Show when={loaded() !== undefined} fallback={<p class="muted">{t('common.loading')}</p>}>
        <Show when={loaded()} fallback={<p class="muted">{t('check.body.none')}</p>}>
          {(text) => <pre>{text()}</pre>}
        </Show>
      </Show>
    </details>
  );
}
