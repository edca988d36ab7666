import { For, Show, createResource, createSignal, onMount } from 'solid-js';
import type { PersonalKey } from '../../../server/contract/accounts.ts';
import { useAccessForm } from '../components/AccessFrame.tsx';
import { Field, FormError, controlProps } from '../components/Field.tsx';
import { DeleteButton, useItemAction } from '../components/ResourcePage.tsx';
import { describePageProblem, pageFieldErrors, tp } from '../i18n/account-page-messages.ts';
import { t } from '../i18n/index.ts';
import { copyText } from '../lib/clipboard.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { type CreatedKey, accountsApi } from '../services/accounts-api.ts';
import { user } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';
import '../accounts.css';

type Scope = PersonalKey['scope'];
const scopeName = (scope: Scope) => tp(`keys.scope.${scope}`);
const formWords = { fieldErrors: (error: unknown) => pageFieldErrors(error), problem: describePageProblem };

/**
 * The signed-in person's API keys (an owner may list everyone's): each with its first characters,
 * what it may do, its expiry and last use; made here (the key shown once, then gone from the page)
 * and revoked after asking.
 */
export default function KeysPage() {
  const [all, setAll] = createSignal(false);
  const [loadError, setLoadError] = createSignal('');
  // The source is an object: a false one would read nothing.
  const [keys, { mutate }] = createResource(
    () => ({ everyone: all() }),
    ({ everyone }) =>
      accountsApi.keys(everyone).then(
        ({ items }) => {
          setLoadError('');
          return items;
        },
        (error: unknown) => {
          setLoadError(describePageProblem(error));
          return undefined;
        },
      ),
  );
  const [created, setCreated] = createSignal<CreatedKey | null>(null);
  const owner = () => user()?.role === 'owner';

  return (
    <section class="keys-page" aria-labelledby="keys-title">
      <div class="page-head">
        <h1 id="keys-title">{tp('keys.title')}</h1>
        <Show when={owner()}>
          <label class="keys-everyone">
            <input type="checkbox" checked={all()} onChange={(e) => setAll(e.currentTarget.checked)} />
            {tp('keys.everyone')}
          </label>
        </Show>
      </div>
      <p class="muted keys-intro">{tp('keys.intro')}</p>
      <FormError error={loadError()} />

      <Show when={keys()} fallback={<Show when={!loadError()}>{<p class="muted">{t('common.loading')}</p>}</Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">{tp(all() ? 'keys.noneAll' : 'keys.none')}</p>}>
            <div class="table-wrap">
              <table class="table keys-table">
                <thead>
                  <tr>
                    <th>{tp('keys.col.name')}</th>
                    <th>{tp('keys.col.key')}</th>
                    <Show when={all()}>
                      <th>{tp('keys.col.person')}</th>
                    </Show>
                    <th>{tp('keys.col.scope')}</th>
                    <th>{tp('keys.col.expires')}</th>
                    <th>{tp('keys.col.created')}</th>
                    <th>{tp('keys.col.used')}</th>
                    <th>
                      <span class="sr-only">{tp('keys.revoke')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>{(key) => <KeyRow item={key} showPerson={all()} onRevoked={() => mutate(list().filter((k) => k.id !== key.id))} />}</For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>

      <h2 id="key-new-title">{tp('keys.new.title')}</h2>
      <KeyForm
        onCreated={(key) => {
          setCreated(key);
          const { secret: _secret, ...listed } = key;
          mutate([listed, ...(keys() ?? [])]);
        }}
      />
      <Show when={created()} keyed>
        {(key) => <CreatedSecret made={key} onClose={() => setCreated(null)} />}
      </Show>
    </section>
  );
}

function KeyRow(props: { item: PersonalKey; showPerson: boolean; onRevoked: () => void }) {
  const { busy, act } = useItemAction(describePageProblem);
  const k = () => props.item;
  const revoke = () =>
    act(async () => {
      await accountsApi.revokeKey(k().id);
      props.onRevoked();
      addToast('success', tp('keys.revoked', { name: k().name }));
    });
  return (
    <tr data-key-id={k().id} data-expired={k().expired ? 'true' : undefined}>
      <td class="key-name">{k().name}</td>
      <td data-label={tp('keys.col.key')}>
        <code>{k().prefix}…</code>
      </td>
      <Show when={props.showPerson}>
        <td data-label={tp('keys.col.person')} class="people-email">
          {k().userEmail ?? '—'}
        </td>
      </Show>
      <td data-label={tp('keys.col.scope')}>
        <span class="key-scope" data-scope={k().scope}>
          {scopeName(k().scope)}
        </span>
      </td>
      <td data-label={tp('keys.col.expires')}>
        <Show when={k().expiresAt} fallback={tp('keys.never')}>
          {(at) => (
            <>
              <Show when={k().expired}>
                <span class="key-expired">{tp('keys.expired')}</span>{' '}
              </Show>
              <time datetime={at()}>{formatDateTime(at())}</time>
            </>
          )}
        </Show>
      </td>
      <td data-label={tp('keys.col.created')}>
        <time datetime={k().createdAt}>{formatDateTime(k().createdAt)}</time>
      </td>
      <td data-label={tp('keys.col.used')}>
        <Show when={k().lastUsedAt} fallback={<span class="muted">{tp('keys.neverUsed')}</span>}>
          {(at) => (
            <>
              <time datetime={at()} title={formatDateTime(at())}>
                {formatTime(at())}
              </time>
              <Show when={k().lastUsedAddress}>
                {(address) => (
                  <>
                    {' '}
                    <span class="muted">{tp('keys.usedFrom', { address: address() })}</span>
                  </>
                )}
              </Show>
            </>
          )}
        </Show>
      </td>
      <td class="people-action">
        <DeleteButton
          name={k().name}
          busy={busy()}
          onDelete={revoke}
          text={{
            delete: tp('keys.revoke'),
            confirm: tp('keys.revokeConfirm', { name: k().name }),
            yes: tp('keys.revokeYes'),
            cancel: tp('keys.cancel'),
          }}
        />
      </td>
    </tr>
  );
}

/** The end of a chosen day (YYYY-MM-DD, local time) as an ISO time: a key made to expire on a day works through it. */
const endOfDay = (day: string) => {
  const at = new Date(`${day}T23:59:59.999`);
  return Number.isNaN(at.getTime()) ? day : at.toISOString();
};

function KeyForm(props: { onCreated: (key: CreatedKey) => void }) {
  const [name, setName] = createSignal('');
  const [scope, setScope] = createSignal<Scope>('read');
  const [expires, setExpires] = createSignal('');
  // A key does no more than its person: a viewer's keys may only read.
  const viewer = () => user()?.role === 'viewer';
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form, formWords);
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const day = expires().trim();
    void submit({}, async () => {
      props.onCreated(await accountsApi.createKey({ name: name(), scope: viewer() ? 'read' : scope(), ...(day ? { expiresAt: endOfDay(day) } : {}) }));
      setName('');
      setExpires('');
    });
  };
  return (
    <form ref={form} class="invite-form key-form" aria-labelledby="key-new-title" onSubmit={onSubmit} novalidate>
      <Field name="name" label={tp('keys.new.name')} hint={tp('keys.new.name.hint')} error={errors().name}>
        <input
          {...controlProps('name', errors().name, true)}
          type="text"
          autocomplete="off"
          maxLength={100}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
      <Field name="scope" label={tp('keys.new.scope')} hint={viewer() ? tp('keys.new.scope.viewer') : undefined} error={errors().scope}>
        <select
          {...controlProps('scope', errors().scope, viewer())}
          value={viewer() ? 'read' : scope()}
          onChange={(e) => setScope(e.currentTarget.value as Scope)}
        >
          <option value="read">{scopeName('read')}</option>
          <Show when={!viewer()}>
            <option value="write">{scopeName('write')}</option>
          </Show>
        </select>
      </Field>
      <Field name="expiresAt" label={tp('keys.new.expires')} hint={tp('keys.new.expires.hint')} error={errors().expiresAt}>
        <input {...controlProps('expiresAt', errors().expiresAt, true)} type="date" value={expires()} onInput={(e) => setExpires(e.currentTarget.value)} />
      </Field>
      <div class="actions invite-actions">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? tp('keys.new.submitting') : tp('keys.new.submit')}
        </button>
      </div>
      <FormError error={formError()} />
    </form>
  );
}

/** A key just made: shown this once, selected for copying, with a copy button; "Done" takes it off the page. */
function CreatedSecret(props: { made: CreatedKey; onClose: () => void }) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  let input: HTMLInputElement | undefined;
  onMount(() => input?.select());
  const copy = async () => setCopied(await copyText(props.made.secret));
  return (
    <div class="invite-created key-created" role="group" aria-labelledby="key-created-title">
      <label id="key-created-title" for="key-secret">
        {tp('keys.made.title', { name: props.made.name, scope: scopeName(props.made.scope) })}
      </label>
      <div class="invite-link-row">
        <input
          ref={input}
          id="key-secret"
          class="invite-link"
          type="text"
          readOnly
          spellcheck={false}
          autocomplete="off"
          value={props.made.secret}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          {tp('keys.made.copy')}
        </button>
      </div>
      <p class="key-once">{tp('keys.made.once')}</p>
      <p class="invite-copied" role="status">
        {copied() === null ? '' : copied() ? tp('copied') : tp('copyFailed')}
      </p>
      <button type="button" onClick={() => props.onClose()}>
        {tp('keys.made.done')}
      </button>
    </div>
  );
}
