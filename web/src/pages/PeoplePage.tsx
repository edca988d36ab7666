import { For, Show, createResource, createSignal, onMount } from 'solid-js';
import type { AccountUser, Invite, PasswordReset } from '../../../server/contract/accounts.ts';
import { useAccessForm } from '../components/AccessFrame.tsx';
import { Field, FormError, controlProps } from '../components/Field.tsx';
import { DeleteButton, useItemAction } from '../components/ResourcePage.tsx';
import { describeAccountProblem, ta } from '../i18n/account-messages.ts';
import { tp } from '../i18n/account-page-messages.ts';
import { locale, t } from '../i18n/index.ts';
import { copyText } from '../lib/clipboard.ts';
import { formatDateTime } from '../lib/format.ts';
import { type CreatedInvite, accountsApi } from '../services/accounts-api.ts';
import { ApiError } from '../services/api.ts';
import { refreshSession, user } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';
import '../accounts.css';

type Role = AccountUser['role'];
const ROLES: readonly Role[] = ['viewer', 'editor', 'owner'];
const roleName = (role: Role) => ta(`account.role.${role}`);
const dateOf = (iso: string) => new Date(iso).toLocaleDateString(locale());

/** An item's actions, one at a time; a refusal told in these pages' words (the last owner…). */
const useAction = () => useItemAction(describeAccountProblem);

/** A password reset link just made, and whose. */
interface MadeReset {
  reset: PasswordReset;
  person: AccountUser;
}

/**
 * The owner's page of people: everyone with an account (their role changed in place, removed after
 * asking, a password reset link made for them), inviting someone (the link shown once, with a copy
 * button), and the open invites.
 */
export default function PeoplePage() {
  const [loadError, setLoadError] = createSignal('');
  const failed = (error: unknown) => {
    setLoadError(describeAccountProblem(error));
    return undefined;
  };
  const [people, { mutate: setPeople }] = createResource(() => accountsApi.users().then(({ items }) => items, failed));
  const [invites, { mutate: setInvites }] = createResource(() => accountsApi.invites().then(({ items }) => items, failed));
  const [created, setCreated] = createSignal<CreatedInvite | null>(null);
  const [reset, setReset] = createSignal<MadeReset | null>(null);

  return (
    <section class="people-page" aria-labelledby="people-title">
      <h1 id="people-title">{ta('people.title')}</h1>
      <p class="muted people-intro">{ta('people.intro')}</p>
      <dl class="role-list">
        <For each={ROLES}>
          {(role) => (
            <div>
              <dt>{roleName(role)}</dt>
              <dd>{ta(`role.about.${role}`)}</dd>
            </div>
          )}
        </For>
      </dl>
      <FormError error={loadError()} />

      <Show when={people()} fallback={<Show when={!loadError()}>{<p class="muted">{t('common.loading')}</p>}</Show>}>
        {(list) => (
          <div class="table-wrap">
            <table class="table people-table">
              <thead>
                <tr>
                  <th>{ta('people.col.name')}</th>
                  <th>{ta('people.col.email')}</th>
                  <th>{ta('people.col.role')}</th>
                  <th>{ta('people.col.since')}</th>
                  <th>
                    <span class="sr-only">{ta('people.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(person) => (
                    <PersonRow
                      person={person}
                      onSaved={(saved) => setPeople(list().map((p) => (p.id === saved.id ? saved : p)))}
                      onRemoved={() => {
                        setPeople(list().filter((p) => p.id !== person.id));
                        if (reset()?.person.id === person.id) setReset(null);
                      }}
                      onReset={(made) => setReset({ reset: made, person })}
                    />
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
      {/* Its link leaves the page with it, when dismissed or withdrawn, or when the page is left. */}
      <Show when={reset()} keyed>
        {(made) => <ResetLink made={made} onClose={() => setReset(null)} />}
      </Show>

      <h2 id="invite-new-title">{ta('invite.new.title')}</h2>
      <InviteForm
        onCreated={(invite) => {
          setCreated(invite);
          const { token: _token, url: _url, ...listed } = invite;
          setInvites([...(invites() ?? []), listed]);
        }}
      />
      <Show when={created()} keyed>
        {(invite) => <CreatedLink invite={invite} onClose={() => setCreated(null)} />}
      </Show>

      <h2>{ta('invites.title')}</h2>
      <Show when={invites()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">{ta('invites.none')}</p>}>
            <div class="table-wrap">
              <table class="table invites-table">
                <thead>
                  <tr>
                    <th>{ta('invites.col.for')}</th>
                    <th>{ta('invites.col.role')}</th>
                    <th>{ta('invites.col.by')}</th>
                    <th>{ta('invites.col.expires')}</th>
                    <th>
                      <span class="sr-only">{ta('invites.withdraw')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>{(invite) => <InviteRow invite={invite} onWithdrawn={() => setInvites(list().filter((i) => i.id !== invite.id))} />}</For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}

function PersonRow(props: { person: AccountUser; onSaved: (saved: AccountUser) => void; onRemoved: () => void; onReset: (made: PasswordReset) => void }) {
  const { busy, act } = useAction();
  const p = () => props.person;
  const me = () => user()?.id === p().id;
  const changeRole = (select: HTMLSelectElement) =>
    act(async () => {
      try {
        const saved = await accountsApi.changeRole(p().id, select.value as Role);
        props.onSaved(saved);
        addToast('success', ta('people.roleChanged', { name: saved.name, role: roleName(saved.role) }));
        // One's own role: what this page may show changes with it.
        if (me()) void refreshSession();
      } catch (error) {
        select.value = p().role;
        throw error;
      }
    });
  const remove = () =>
    act(async () => {
      await accountsApi.removeUser(p().id);
      props.onRemoved();
      addToast('success', ta('people.removed', { name: p().name }));
    });
  // For someone who lost their phone: they sign in with their password, then turn it on again.
  const resetTwoFactor = () =>
    act(async () => {
      await accountsApi.resetTwoFactor(p().id);
      props.onSaved({ ...p(), twoFactor: false });
      addToast('success', tp('people.tfa.resetDone', { name: p().name }));
    });
  // For someone who forgot their password (single sign-on people too: it gives them one).
  const makeReset = () =>
    act(async () => {
      props.onReset(await accountsApi.makePasswordReset(p().id));
    });
  return (
    <tr data-user-id={p().id}>
      <td>
        {p().name}
        <Show when={me()}>
          {' '}
          <span class="muted">{ta('people.you')}</span>
        </Show>
        <Show when={p().twoFactor}>
          {' '}
          <abbr class="tfa-mark" title={tp('people.tfa.title')}>
            {tp('people.tfa')}
          </abbr>
        </Show>
      </td>
      <td data-label={ta('people.col.email')} class="people-email">
        {p().email}
      </td>
      <td data-label={ta('people.col.role')}>
        <select class="role-select" aria-label={ta('people.roleOf', { name: p().name })} disabled={busy()} onChange={(e) => void changeRole(e.currentTarget)}>
          <For each={ROLES}>
            {(role) => (
              <option value={role} selected={role === p().role}>
                {roleName(role)}
              </option>
            )}
          </For>
        </select>
      </td>
      <td data-label={ta('people.col.since')}>{dateOf(p().createdAt)}</td>
      <td class="people-action">
        <Show when={!me()}>
          <button type="button" disabled={busy()} onClick={() => void makeReset()} aria-label={`${tp('people.reset')}: ${p().name}`}>
            {tp('people.reset')}
          </button>{' '}
        </Show>
        <Show when={!me() && p().twoFactor}>
          <DeleteButton
            name={p().name}
            busy={busy()}
            onDelete={resetTwoFactor}
            text={{
              delete: tp('people.tfa.reset'),
              confirm: tp('people.tfa.resetConfirm', { name: p().name }),
              yes: tp('people.tfa.resetYes'),
              cancel: ta('people.cancel'),
            }}
          />{' '}
        </Show>
        <Show when={!me()}>
          <DeleteButton
            name={p().name}
            busy={busy()}
            onDelete={remove}
            text={{
              delete: ta('people.remove'),
              confirm: ta('people.removeConfirm', { name: p().name }),
              yes: ta('people.removeYes'),
              cancel: ta('people.cancel'),
            }}
          />
        </Show>
      </td>
    </tr>
  );
}

function InviteForm(props: { onCreated: (invite: CreatedInvite) => void }) {
  const [role, setRole] = createSignal<Role>('viewer');
  const [email, setEmail] = createSignal('');
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form);
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const address = email().trim();
    void submit({}, async () => {
      props.onCreated(await accountsApi.invite({ role: role(), ...(address ? { email: address } : {}) }));
      setEmail('');
    });
  };
  return (
    <form ref={form} class="invite-form" aria-labelledby="invite-new-title" onSubmit={onSubmit} novalidate>
      <Field name="role" label={ta('invite.new.role')} error={errors().role}>
        <select {...controlProps('role', errors().role)} value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          <For each={ROLES}>{(r) => <option value={r}>{roleName(r)}</option>}</For>
        </select>
      </Field>
      <Field name="email" label={ta('invite.new.email')} hint={ta('invite.new.email.hint')} error={errors().email}>
        <input
          {...controlProps('email', errors().email, true)}
          type="email"
          autocomplete="off"
          spellcheck={false}
          maxLength={254}
          value={email()}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </Field>
      <div class="actions invite-actions">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? ta('invite.new.submitting') : ta('invite.new.submit')}
        </button>
      </div>
      <FormError error={formError()} />
    </form>
  );
}

/** The link of an invite just made: shown this once, selected for copying, with a copy button. */
function CreatedLink(props: { invite: CreatedInvite; onClose: () => void }) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  let input: HTMLInputElement | undefined;
  onMount(() => input?.select());
  const copy = async () => setCopied(await copyText(props.invite.url));
  const who = () => props.invite.email ?? ta('invites.anyone');
  return (
    <div class="invite-created" role="group" aria-labelledby="invite-created-title">
      <label id="invite-created-title" for="invite-link">
        {ta('invite.new.link', { who: who(), role: roleName(props.invite.role) })}
      </label>
      <div class="invite-link-row">
        <input ref={input} id="invite-link" class="invite-link" type="text" readOnly value={props.invite.url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="primary" onClick={() => void copy()}>
          {ta('invite.new.copy')}
        </button>
      </div>
      <p class="muted">{ta('invite.new.once', { time: formatDateTime(props.invite.expiresAt) })}</p>
      <p class="invite-copied" role="status">
        {copied() === null ? '' : copied() ? ta('invite.new.copied') : ta('invite.new.copyFailed')}
      </p>
      <button type="button" onClick={() => props.onClose()}>
        {ta('invite.new.close')}
      </button>
    </div>
  );
}

/**
 * A password reset link just made: shown this once, selected for copying, with what it does; "Done"
 * takes it off the page, "Withdraw link" makes it stop working too.
 */
function ResetLink(props: { made: MadeReset; onClose: () => void }) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  const { busy, act } = useAction();
  let input: HTMLInputElement | undefined;
  onMount(() => {
    input?.select();
    input?.scrollIntoView({ block: 'nearest' });
  });
  const person = () => props.made.person;
  const copy = async () => setCopied(await copyText(props.made.reset.url));
  const withdraw = () =>
    act(async () => {
      try {
        await accountsApi.withdrawPasswordReset(person().id);
        addToast('success', tp('people.reset.withdrawn', { name: person().name }));
      } catch (error) {
        // None open: used meanwhile (or withdrawn in another tab).
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        addToast('info', tp('people.reset.gone', { name: person().name }));
      }
      props.onClose();
    });
  return (
    <div class="invite-created reset-created" role="group" aria-labelledby="reset-link-title">
      <label id="reset-link-title" for="reset-link">
        {tp('people.reset.title', { name: person().name, email: person().email })}
      </label>
      <div class="invite-link-row">
        <input
          ref={input}
          id="reset-link"
          class="invite-link"
          type="text"
          readOnly
          spellcheck={false}
          autocomplete="off"
          value={props.made.reset.url}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          {tp('people.reset.copy')}
        </button>
      </div>
      <p class="key-once">{tp('people.reset.once', { name: person().name, time: formatDateTime(props.made.reset.expiresAt) })}</p>
      <p class="muted">{tp('people.reset.effect', { name: person().name })}</p>
      <p class="invite-copied" role="status">
        {copied() === null ? '' : copied() ? ta('invite.new.copied') : ta('invite.new.copyFailed')}
      </p>
      <div class="actions account-actions">
        <button type="button" onClick={() => props.onClose()}>
          {tp('people.reset.close')}
        </button>
        <button type="button" class="danger" disabled={busy()} onClick={() => void withdraw()}>
          {tp('people.reset.withdraw')}
        </button>
      </div>
    </div>
  );
}

function InviteRow(props: { invite: Invite; onWithdrawn: () => void }) {
  const { busy, act } = useAction();
  const i = () => props.invite;
  const who = () => i().email ?? ta('invites.anyone');
  const withdraw = () =>
    act(async () => {
      await accountsApi.withdrawInvite(i().id);
      props.onWithdrawn();
      addToast('success', ta('invites.withdrawn'));
    });
  return (
    <tr data-invite-id={i().id}>
      <td>{who()}</td>
      <td data-label={ta('invites.col.role')}>{roleName(i().role)}</td>
      <td data-label={ta('invites.col.by')}>{i().invitedBy}</td>
      <td data-label={ta('invites.col.expires')}>{formatDateTime(i().expiresAt)}</td>
      <td class="people-action">
        <DeleteButton
          name={who()}
          busy={busy()}
          onDelete={withdraw}
          text={{ delete: ta('invites.withdraw'), confirm: ta('invites.withdrawConfirm'), yes: ta('invites.withdrawYes'), cancel: ta('people.cancel') }}
        />
      </td>
    </tr>
  );
}
