import { Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import { ta } from '../i18n/account-messages.ts';
import { pathname } from '../lib/router.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { can, signOut, user } from '../stores/session.store.ts';
import { addToast, toastActionFailed } from '../stores/toast.store.ts';

/** Ends every other session of the signed-in person, saying how many; resolves how many (null when it failed, told in a toast). */
export async function signOutOthers(): Promise<number | null> {
  try {
    const { ended } = await accountsApi.endOtherSessions();
    addToast('success', ta('account.signedOutOthers', { count: ended }));
    return ended;
  } catch (error) {
    toastActionFailed(error);
    return null;
  }
}

/**
 * The signed-in person's menu in the header: who they are, their account, sessions and API keys,
 * People and the audit log (owners), and signing out here or everywhere else. A disclosure: the
 * button opens a panel of links and buttons; Escape, a click outside or leaving the page closes it. Where the header is tight only the initial
 * shows. Loaded once someone is signed in (its words with it): not part of the first view's code.
 */
export default function AccountMenu() {
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  createEffect(on(pathname, () => setOpen(false), { defer: true }));
  const outside = (event: PointerEvent) => {
    if (open() && !(event.target as Element | null)?.closest?.('.account')) setOpen(false);
  };
  const onEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open()) return;
    event.preventDefault();
    setOpen(false);
    button?.focus();
  };
  document.addEventListener('pointerdown', outside);
  document.addEventListener('keydown', onEscape);
  onCleanup(() => {
    document.removeEventListener('pointerdown', outside);
    document.removeEventListener('keydown', onEscape);
  });

  return (
    <Show when={user()}>
      {(person) => (
        <div class="account">
          <button
            ref={button}
            type="button"
            class="account-button"
            aria-expanded={open()}
            aria-controls="account-panel"
            aria-label={ta('account.menu', { name: person().name })}
            title={person().email}
            onClick={() => setOpen((was) => !was)}
          >
            <span class="account-initial" aria-hidden="true">
              {[...person().name][0]?.toUpperCase() ?? '?'}
            </span>
            <span class="account-name">{person().name}</span>
          </button>
          <Show when={open()}>
            <div id="account-panel" class="account-panel">
              <p class="account-who">
                <strong>{person().name}</strong>
                <span>{person().email}</span>
                <span class="account-role">{ta(`account.role.${person().role}`)}</span>
              </p>
              <a href="/account">{ta('account.account')}</a>
              <a href="/sessions">{ta('account.sessions')}</a>
              <a href="/keys">{ta('account.keys')}</a>
              <Show when={can('manage')}>
                <a href="/people">{ta('account.people')}</a>
                <a href="/audit-log">{ta('account.auditLog')}</a>
              </Show>
              <hr />
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                  void signOutOthers();
                }}
              >
                {ta('account.signOutOthers')}
              </button>
              <button type="button" onClick={() => void signOut()}>
                {ta('account.signOut')}
              </button>
            </div>
          </Show>
        </div>
      )}
    </Show>
  );
}
