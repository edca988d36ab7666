import { Match, Switch } from 'solid-js';
import { createStore } from 'solid-js/store';
import { AccessFrame, AccountFields, checkDraft, emptyDraft, fragmentToken, useAccessForm, useLinkPreview } from '../components/AccessFrame.tsx';
import { FormError } from '../components/Field.tsx';
import { ta } from '../i18n/account-messages.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { signedIn } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';

/**
 * An invite link (/invite#token=…): who invites, as which role, until when; then the account it
 * offers (its email fixed when the invite names one), and into the dashboard signed in.
 */
export default function InvitePage() {
  const token = fragmentToken();
  const { found: offer, refusal } = useLinkPreview(token, accountsApi.invitation);
  const [draft, setDraft] = createStore(emptyDraft());
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form);

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const email = offer()?.email ?? draft.email;
    void submit(checkDraft({ ...draft, email }), async () => {
      const info = await accountsApi.accept(token!, { email, name: draft.name, password: draft.password });
      signedIn(info);
      addToast('success', ta('invite.welcome', { name: info.user?.name ?? '' }));
      navigate('/', { replace: true });
    });
  };

  return (
    <AccessFrame page="invite-page" title={ta('invite.title')}>
      <Switch fallback={<p class="muted">{t('common.loading')}</p>}>
        <Match when={!token}>
          <p class="form-error" role="alert">
            {ta('invite.noToken')}
          </p>
        </Match>
        <Match when={refusal()}>
          {(error) => (
            <>
              <p class="form-error" role="alert">
                {error()}
              </p>
              <p class="access-aside">
                <a href="/">{ta('invite.signIn')}</a>
              </p>
            </>
          )}
        </Match>
        <Match when={offer()}>
          {(invite) => (
            <>
              <p class="access-offer">{ta('invite.offer', { invitedBy: invite().invitedBy, role: ta(`account.role.${invite().role}`) })}</p>
              <p class="access-intro">{ta(`role.about.${invite().role}`)}</p>
              <p class="muted">{ta('invite.expires', { time: formatDateTime(invite().expiresAt) })}</p>
              <form ref={form} class="form" onSubmit={onSubmit} novalidate>
                <AccountFields
                  draft={{ ...draft, email: invite().email ?? draft.email }}
                  set={(field, value) => setDraft(field, value)}
                  errors={errors()}
                  emailLocked={invite().email !== null}
                />
                <FormError error={formError()} />
                <div class="actions">
                  <button type="submit" class="primary" disabled={busy()}>
                    {busy() ? ta('invite.submitting') : ta('invite.submit')}
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
