import { Match, Switch, createSignal } from 'solid-js';
import type { PasswordResetPreview } from '../../../server/contract/accounts.ts';
import { AccessFrame, checkDraft, fragmentToken, prefillSignIn, useAccessForm, useLinkPreview } from '../components/AccessFrame.tsx';
import { Field, FormError, controlProps } from '../components/Field.tsx';
import { ta } from '../i18n/account-messages.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { refreshSession } from '../stores/session.store.ts';

/**
 * A password reset link (/reset-password#token=…), made by an owner for someone who forgot their
 * password: whose account, who made the link, until when; then the new password, typed twice. It
 * signs nobody in: every session of the account ends, and its person signs in as always (with their
 * two-factor code when it is on). Opened signed in or not (one's own account or another's).
 */
export default function ResetPasswordPage() {
  const token = fragmentToken();
  const { found: whose, refusal } = useLinkPreview(token, accountsApi.passwordReset);
  const [password, setPassword] = createSignal('');
  const [again, setAgain] = createSignal('');
  /** Whose password was set: the page says so instead of the form. */
  const [done, setDone] = createSignal<PasswordResetPreview | null>(null);
  let form: HTMLFormElement | undefined;
  let note: HTMLParagraphElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form);

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const account = whose()!;
    void submit(checkDraft({ email: account.email, name: account.name, password: password(), again: again() }), async () => {
      await accountsApi.resetPassword(token!, password());
      setPassword('');
      setAgain('');
      setDone(account);
      prefillSignIn(account.email);
      // The used token out of the address bar (and of this history entry); the page stays.
      navigate('/reset-password', { replace: true });
      // This browser's own session may have been one of those that ended.
      void refreshSession();
      queueMicrotask(() => note?.focus());
    });
  };
  const input = (name: string, value: () => string, set: (value: string) => void, hint = false) => (
    <input
      {...controlProps(name, errors()[name], hint)}
      type="password"
      autocomplete="new-password"
      value={value()}
      onInput={(e) => set(e.currentTarget.value)}
    />
  );
  const signInLink = () => (
    <p class="access-aside">
      <a href="/">{ta('reset.signIn')}</a>
    </p>
  );

  return (
    <AccessFrame page="reset-page" title={ta('reset.title')}>
      <Switch fallback={<p class="muted">{t('common.loading')}</p>}>
        <Match when={done()}>
          {(account) => (
            <>
              <p ref={note} class="access-note" role="status" tabIndex={-1}>
                {ta('reset.done', { email: account().email })}
              </p>
              <p>{ta('reset.done.next')}</p>
              <div class="actions reset-actions">
                <a class="button primary" href="/">
                  {ta('reset.signIn')}
                </a>
              </div>
            </>
          )}
        </Match>
        <Match when={!token}>
          <p class="form-error" role="alert">
            {ta('reset.noToken')}
          </p>
          {signInLink()}
        </Match>
        <Match when={refusal()}>
          {(error) => (
            <>
              <p class="form-error" role="alert">
                {error()}
              </p>
              {signInLink()}
            </>
          )}
        </Match>
        <Match when={whose()}>
          {(account) => (
            <>
              <p class="access-offer">{ta('reset.offer', { name: account().name, email: account().email })}</p>
              <p class="muted">{ta('reset.madeBy', { createdBy: account().createdBy, time: formatDateTime(account().expiresAt) })}</p>
              <p class="access-intro">{ta('reset.signsOut')}</p>
              <form ref={form} class="form" onSubmit={onSubmit} novalidate>
                {/* Whose password this is, for password managers (shown above in words). */}
                <input type="email" name="username" autocomplete="username" value={account().email} readOnly hidden />
                <Field name="password" label={ta('reset.password')} hint={ta('acc.password.hint')} error={errors().password}>
                  {input('password', password, setPassword, true)}
                </Field>
                <Field name="again" label={ta('reset.again')} error={errors().again}>
                  {input('again', again, setAgain)}
                </Field>
                <FormError error={formError()} />
                <div class="actions">
                  <button type="submit" class="primary" disabled={busy()}>
                    {busy() ? ta('reset.submitting') : ta('reset.submit')}
                  </button>
                </div>
              </form>
            </>
          )}
        </Match>
      </Switch>
    </AccessFrame>
  );
}
