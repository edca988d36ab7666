import { Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { AccessFrame, AccountFields, KeyInstead, checkDraft, emptyDraft, fragmentToken, useAccessForm } from '../components/AccessFrame.tsx';
import { FormError } from '../components/Field.tsx';
import { ta } from '../i18n/account-messages.ts';
import { navigate } from '../lib/router.ts';
import { ApiError } from '../services/api.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { deferSetup, refreshSession, session, signedIn } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';

/**
 * Creating the owner account, at / and /setup while Vigil has none. From this machine it needs
 * nothing more (and may wait: "Continue without an account for now"); from another, the set-up
 * link printed in Vigil's log (/setup#token=…), whose token is sent with the account.
 */
export default function SetupPage() {
  const token = fragmentToken();
  const local = () => session()?.local === true;
  const [draft, setDraft] = createStore(emptyDraft());
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form);

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit(checkDraft(draft), async () => {
      try {
        const info = await accountsApi.setUp({ email: draft.email, name: draft.name, password: draft.password, ...(token ? { setupToken: token } : {}) });
        signedIn(info);
        addToast('success', ta('setup.welcome', { name: info.user?.name ?? '' }));
        // The dashboard, and the token out of the address bar.
        navigate('/', { replace: true });
      } catch (error) {
        // Someone was quicker: the sign-in page.
        if (error instanceof ApiError && error.problem?.code === 'already_set_up') void refreshSession();
        throw error;
      }
    });
  };

  return (
    <AccessFrame page="setup-page" title={ta('setup.title')}>
      <p class="access-intro">{ta('setup.intro')}</p>
      <Show when={token}>
        <p class="access-note">{ta('setup.withLink')}</p>
      </Show>
      <Show when={!token && !local()}>
        <p class="access-note">{ta('setup.remote')}</p>
      </Show>
      <form ref={form} class="form" onSubmit={onSubmit} novalidate>
        <AccountFields draft={draft} set={(field, value) => setDraft(field, value)} errors={errors()} />
        <FormError error={formError()} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? ta('setup.submitting') : ta('setup.submit')}
          </button>
        </div>
      </form>
      <Show when={local() && !token}>
        <p class="access-aside">
          <a href="/" class="access-defer" onClick={deferSetup}>
            {ta('setup.defer')}
          </a>
          <span class="muted">{ta('setup.deferNote')}</span>
        </p>
      </Show>
      <KeyInstead />
    </AccessFrame>
  );
}
