import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import { t } from '../i18n/index.ts';
import { apiKey, cancelKeyDialog, forgetKey, submitKey, type KeyRequestReason } from '../stores/auth.store.ts';

/**
 * Asks for the API key in a modal <dialog>: the page behind is inert, Tab stays inside, Escape
 * cancels. The key is verified by the server before it is kept.
 */
export function KeyDialog(props: { reason: KeyRequestReason }) {
  let dialog!: HTMLDialogElement;
  let input!: HTMLInputElement;
  const [error, setError] = createSignal('');
  const [checking, setChecking] = createSignal(false);
  let closed = false;

  onMount(() => {
    dialog.showModal();
    input.focus();
  });
  // Closing (rather than only removing) the dialog gives focus back to what had it before.
  onCleanup(() => {
    closed = true;
    dialog.close();
  });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      setError(t('key.err.empty'));
      input.focus();
      return;
    }
    setError('');
    setChecking(true);
    const refused = await submitKey(key);
    if (closed) return;
    setChecking(false);
    if (refused) {
      setError(t('key.err.refused', { message: refused }));
      input.select();
    }
  };

  return (
    <dialog
      ref={dialog}
      class="key-dialog"
      aria-labelledby="key-title"
      aria-describedby="key-intro"
      onClose={() => {
        if (!closed) cancelKeyDialog();
      }}
    >
      <form onSubmit={submit} novalidate>
        <h2 id="key-title">{t('key.title')}</h2>
        <p id="key-intro">{t(`key.intro.${props.reason}`)}</p>
        <Show when={apiKey()}>
          <div class="key-stored">
            <span>{t('key.stored')}</span>
            <button type="button" class="danger" onClick={forgetKey}>
              {t('key.forget')}
            </button>
          </div>
        </Show>
        <div class="field" data-invalid={error() ? 'true' : undefined}>
          <label for="key-input">{t('key.label')}</label>
          <input
            ref={input}
            id="key-input"
            name="apiKey"
            type="password"
            autocomplete="off"
            spellcheck={false}
            aria-invalid={error() ? true : undefined}
            aria-describedby={error() ? 'key-error' : undefined}
          />
          <Show when={error()}>
            <small id="key-error" class="field-error" role="alert">
              {error()}
            </small>
          </Show>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={checking()}>
            {checking() ? t('key.checking') : t('key.save')}
          </button>
          <button type="button" onClick={cancelKeyDialog}>
            {t('key.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
