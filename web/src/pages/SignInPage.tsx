import { Show, createSignal, onMount } from 'solid-js';
import { createStore } from 'solid-js/store';
import { AccessFrame, KeyInstead, takeSignInEmail, useAccessForm } from '../components/AccessFrame.tsx';
import { Field, FormError, controlProps } from '../components/Field.tsx';
import { type AccountMessageKey, ta } from '../i18n/account-messages.ts';
import { pathname, searchParams } from '../lib/router.ts';
import { ApiError } from '../services/api.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { ended, session, signedIn } from '../stores/session.store.ts';

/** Why a sign-in through the OpenID Connect provider came back without a session (`?signin-error=`). */
const OIDC_ERRORS: Record<string, AccountMessageKey> = {
  oidc_state: 'signIn.oidc_state',
  oidc_failed: 'signIn.oidc_failed',
  oidc_email_unverified: 'signIn.oidc_email_unverified',
  oidc_no_account: 'signIn.oidc_no_account',
};

/**
 * Signing in, at whatever path was asked for (that page shows once signed in): the password, then
 * the authenticator app's code (or a recovery code) when two-factor sign-in is on. Says so when a
 * session ended under the page; offers the OpenID Connect provider when one is set up, and the API
 * key when API_KEY is set.
 */
export default function SignInPage() {
  // After a password reset, its person's email: the new password is all there is to type.
  const prefilled = takeSignInEmail();
  const [values, setValues] = createStore({ email: prefilled, password: '', code: '' });
  /** Asked for after a right password: the app's code, or a recovery code. */
  const [second, setSecond] = createSignal<'code' | 'recovery' | null>(null);
  let form: HTMLFormElement | undefined;
  const { errors, formError, setFormError, busy, submit } = useAccessForm(() => form);
  const oidc = () => session()?.oidc?.name ?? null;
  onMount(() => {
    if (prefilled) document.getElementById('f-password')?.focus();
  });
  const oidcError = OIDC_ERRORS[searchParams().get('signin-error') ?? ''];
  if (oidcError) setFormError(ta(oidcError, { name: oidc() ?? '' }));
  // Back here after the provider, without the reason in the address.
  const next = () => {
    const query = new URLSearchParams(searchParams());
    query.delete('signin-error');
    const rest = query.toString();
    return pathname() + (rest ? `?${rest}` : '');
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!values.email.trim()) missing.email = ta('acc.err.required');
    if (!values.password) missing.password = ta('acc.err.required');
    if (second() && !values.code.trim()) missing.code = ta('acc.err.required');
    const code = values.code.trim();
    const step = second();
    void submit(missing, async () => {
      try {
        const extra = step === 'code' ? { code } : step === 'recovery' ? { recoveryCode: code } : {};
        signedIn(await accountsApi.signIn({ email: values.email, password: values.password, ...extra }));
      } catch (error) {
        if (!(error instanceof ApiError && error.problem?.code === 'second_factor_required')) throw error;
        setSecond('code');
        queueMicrotask(() => document.getElementById('f-code')?.focus());
      }
    });
  };
  const switchSecond = () => {
    setSecond(second() === 'code' ? 'recovery' : 'code');
    setValues('code', '');
    document.getElementById('f-code')?.focus();
  };

  return (
    <AccessFrame page="sign-in-page" title={ta('signIn.title')}>
      <Show when={ended()}>
        <p class="access-note" role="status">
          {ta('signIn.ended')}
        </p>
      </Show>
      <form ref={form} class="form" onSubmit={onSubmit} novalidate>
        <Field name="email" label={ta('acc.email')} error={errors().email}>
          <input
            {...controlProps('email', errors().email)}
            type="email"
            autocomplete="username"
            spellcheck={false}
            maxLength={254}
            readOnly={second() !== null}
            value={values.email}
            onInput={(e) => setValues('email', e.currentTarget.value)}
          />
        </Field>
        <Field name="password" label={ta('acc.password')} error={errors().password}>
          <input
            {...controlProps('password', errors().password)}
            type="password"
            autocomplete="current-password"
            readOnly={second() !== null}
            value={values.password}
            onInput={(e) => setValues('password', e.currentTarget.value)}
          />
        </Field>
        <Show when={second()}>
          {(kind) => (
            <>
              <p class="access-note" role="status">
                {ta('signIn.codeNeeded')}
              </p>
              <Field name="code" label={ta(kind() === 'code' ? 'signIn.code' : 'signIn.recoveryCode')} error={errors().code}>
                <input
                  {...controlProps('code', errors().code)}
                  type="text"
                  inputMode={kind() === 'code' ? 'numeric' : 'text'}
                  autocomplete="one-time-code"
                  spellcheck={false}
                  maxLength={64}
                  value={values.code}
                  onInput={(e) => setValues('code', e.currentTarget.value)}
                />
              </Field>
              <button type="button" class="link-button" onClick={switchSecond}>
                {ta(kind() === 'code' ? 'signIn.useRecovery' : 'signIn.useCode')}
              </button>
            </>
          )}
        </Show>
        <FormError error={formError()} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? ta('signIn.submitting') : ta('signIn.submit')}
          </button>
        </div>
      </form>
      <Show when={oidc()}>
        {(name) => (
          <>
            <p class="access-or">{ta('signIn.or')}</p>
            {/* The server's route, not a page of this app: a full navigation to the provider. */}
            <a class="button access-oidc" href={`/api/auth/oidc/start?next=${encodeURIComponent(next())}`} data-external>
              {ta('signIn.oidc', { name: name() })}
            </a>
          </>
        )}
      </Show>
      <KeyInstead />
      <p class="access-aside muted">
        <span>{ta('signIn.forgot')}</span>
        <span>{ta('signIn.noAccount')}</span>
      </p>
    </AccessFrame>
  );
}
