import { For, Show, createResource, createSignal, onCleanup, onMount } from 'solid-js';
import type { OwnAccount } from '../../../server/contract/accounts.ts';
import { useAccessForm } from '../components/AccessFrame.tsx';
import { Field, FormError, controlProps } from '../components/Field.tsx';
import { ta } from '../i18n/account-messages.ts';
import { type AccountPageMessageKey, describePageProblem, pageFieldErrors, tp } from '../i18n/account-page-messages.ts';
import { t } from '../i18n/index.ts';
import { copyText } from '../lib/clipboard.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { refreshSession, session } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';
import '../accounts.css';

/** How these forms word refusals; `rename`: server paths shown by another field here (two forms send `password`). */
const wordsOf = (rename: Record<string, string> = {}) => ({ fieldErrors: (error: unknown) => pageFieldErrors(error, rename), problem: describePageProblem });

/** Fewer recovery codes than this left: the page says to make new ones. */
const FEW_CODES = 3;

/**
 * The signed-in person's own account: who they are, their name and password, and two-factor
 * sign-in (enrolled with a key typed into an authenticator app, its recovery codes shown once). An
 * account made through single sign-on is told that its provider keeps those.
 */
export default function AccountPage() {
  const [loadError, setLoadError] = createSignal('');
  // An account made through single sign-on has no password here (nor two-factor sign-in): its provider keeps them.
  const oidc = () => session()?.oidc?.name ?? null;
  const [account, { mutate }] = createResource(() =>
    accountsApi.account().catch((error: unknown) => {
      setLoadError(describePageProblem(error));
      return undefined;
    }),
  );

  return (
    <section class="account-page" aria-labelledby="account-title">
      <h1 id="account-title">{tp('me.title')}</h1>
      <FormError error={loadError()} />
      <Show when={account()} fallback={<Show when={!loadError()}>{<p class="muted">{t('common.loading')}</p>}</Show>}>
        {(me) => (
          <>
            <dl class="account-facts">
              <div>
                <dt>{tp('me.email')}</dt>
                <dd class="people-email">{me().email}</dd>
              </div>
              <div>
                <dt>{tp('me.role')}</dt>
                <dd>
                  <strong>{ta(`account.role.${me().role}`)}</strong> <span class="muted">{ta(`role.about.${me().role}`)}</span>
                </dd>
              </div>
            </dl>

            <section class="account-part" aria-labelledby="me-name-title">
              <h2 id="me-name-title">{tp('me.name.title')}</h2>
              <NameForm name={me().name} onSaved={mutate} />
            </section>

            <Show
              when={me().hasPassword}
              fallback={
                <section class="account-part" aria-labelledby="me-sso-title">
                  <h2 id="me-sso-title">{tp('me.signIn.title')}</h2>
                  <p class="account-sso">{oidc() ? tp('me.sso', { name: oidc()! }) : tp('me.sso.unnamed')}</p>
                </section>
              }
            >
              <section class="account-part" aria-labelledby="me-password-title">
                <h2 id="me-password-title">{tp('me.password.title')}</h2>
                <p class="muted">{tp('me.password.intro')}</p>
                <PasswordForm />
              </section>

              <section class="account-part" aria-labelledby="tfa-title">
                <h2 id="tfa-title">{tp('tfa.title')}</h2>
                <TwoFactorPart account={me()} onChanged={(changes) => mutate({ ...me(), ...changes })} />
              </section>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function NameForm(props: { name: string; onSaved: (account: OwnAccount) => void }) {
  const [name, setName] = createSignal(props.name);
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form, wordsOf());
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit({}, async () => {
      props.onSaved(await accountsApi.updateAccount({ name: name() }));
      addToast('success', tp('me.name.saved'));
      // The header's menu shows the name.
      void refreshSession();
    });
  };
  return (
    <form ref={form} class="account-form" aria-labelledby="me-name-title" onSubmit={onSubmit} novalidate>
      <Field name="name" label={tp('me.name')} hint={tp('me.name.hint')} error={errors().name}>
        <input
          {...controlProps('name', errors().name, true)}
          type="text"
          autocomplete="name"
          maxLength={100}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
      <div class="actions account-actions">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? tp('me.name.saving') : tp('me.name.save')}
        </button>
      </div>
      <FormError error={formError()} />
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [again, setAgain] = createSignal('');
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form, wordsOf());
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!current()) found.currentPassword = ta('acc.err.required');
    if (!next()) found.password = ta('acc.err.required');
    else if (again() !== next()) found.again = ta('acc.err.mismatch');
    void submit(found, async () => {
      await accountsApi.updateAccount({ password: next(), currentPassword: current() });
      setCurrent('');
      setNext('');
      setAgain('');
      addToast('success', tp('me.password.saved'), 6000);
    });
  };
  const input = (name: string, value: () => string, set: (value: string) => void, autocomplete: string, hint = false) => (
    <input
      {...controlProps(name, errors()[name], hint)}
      type="password"
      autocomplete={autocomplete}
      value={value()}
      onInput={(e) => set(e.currentTarget.value)}
    />
  );
  return (
    <form ref={form} class="account-form" aria-labelledby="me-password-title" onSubmit={onSubmit} novalidate>
      <Field name="currentPassword" label={tp('me.password.current')} error={errors().currentPassword}>
        {input('currentPassword', current, setCurrent, 'current-password')}
      </Field>
      <Field name="password" label={tp('me.password.new')} hint={tp('me.password.new.hint')} error={errors().password}>
        {input('password', next, setNext, 'new-password', true)}
      </Field>
      <Field name="again" label={tp('me.password.again')} error={errors().again}>
        {input('again', again, setAgain, 'new-password')}
      </Field>
      <div class="actions account-actions">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? tp('me.password.saving') : tp('me.password.save')}
        </button>
      </div>
      <FormError error={formError()} />
    </form>
  );
}

/** A setup key as people type it: blocks of four. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

/**
 * Two-factor sign-in: off (turn it on: a key for the app, then a code from it), on (recovery codes
 * left; new ones or off, each with the password), and the recovery codes of the moment, shown once.
 */
function TwoFactorPart(props: { account: OwnAccount; onChanged: (changes: Partial<OwnAccount>) => void }) {
  const [enrolment, setEnrolment] = createSignal<{ secret: string; otpauthUrl: string } | null>(null);
  const [codes, setCodes] = createSignal<string[] | null>(null);
  const [asking, setAsking] = createSignal<'renew' | 'disable' | null>(null);
  const [starting, setStarting] = createSignal(false);
  const [startError, setStartError] = createSignal('');
  const start = async () => {
    setStarting(true);
    setStartError('');
    try {
      setEnrolment(await accountsApi.beginTwoFactor());
      queueMicrotask(() => document.getElementById('tfa-secret')?.focus());
    } catch (error) {
      setStartError(describePageProblem(error));
    } finally {
      setStarting(false);
    }
  };
  const left = () => props.account.recoveryCodesLeft;

  return (
    <div class="tfa">
      <Show when={codes()} keyed>
        {(list) => <RecoveryCodes codes={list} email={props.account.email} onClose={() => setCodes(null)} />}
      </Show>
      <Show
        when={props.account.twoFactor}
        fallback={
          <Show
            when={enrolment()}
            keyed
            fallback={
              <>
                <p class="muted">{tp('tfa.off')}</p>
                <button type="button" class="primary" disabled={starting()} onClick={() => void start()}>
                  {starting() ? tp('tfa.starting') : tp('tfa.start')}
                </button>
                <FormError error={startError()} />
              </>
            }
          >
            {(begun) => (
              <Enrolment
                secret={begun.secret}
                otpauthUrl={begun.otpauthUrl}
                onCancel={() => setEnrolment(null)}
                onDone={(recoveryCodes) => {
                  setEnrolment(null);
                  setCodes(recoveryCodes);
                  props.onChanged({ twoFactor: true, recoveryCodesLeft: recoveryCodes.length });
                  addToast('success', tp('tfa.turnedOn'));
                }}
              />
            )}
          </Show>
        }
      >
        <p>
          <span class="tfa-on">{tp('tfa.on')}</span>
        </p>
        <p class="tfa-left" data-few={left() <= FEW_CODES ? 'true' : undefined}>
          {tp('tfa.left', { count: left() })}
          <Show when={left() <= FEW_CODES}> {tp('tfa.fewLeft')}</Show>
        </p>
        <Show
          when={asking()}
          keyed
          fallback={
            <div class="actions account-actions">
              <button type="button" onClick={() => setAsking('renew')}>
                {tp('tfa.renew')}
              </button>
              <button type="button" class="danger" onClick={() => setAsking('disable')}>
                {tp('tfa.disable')}
              </button>
            </div>
          }
        >
          {(what) => (
            <PasswordAsk
              what={what}
              onCancel={() => setAsking(null)}
              onDone={(recoveryCodes) => {
                setAsking(null);
                if (recoveryCodes) {
                  setCodes(recoveryCodes);
                  props.onChanged({ recoveryCodesLeft: recoveryCodes.length });
                } else {
                  setCodes(null);
                  props.onChanged({ twoFactor: false, recoveryCodesLeft: 0 });
                  addToast('success', tp('tfa.turnedOff'));
                }
              }}
            />
          )}
        </Show>
      </Show>
    </div>
  );
}

/** Enrolment: the key to type into the app (and its otpauth:// link), then a code from the app. */
function Enrolment(props: { secret: string; otpauthUrl: string; onCancel: () => void; onDone: (recoveryCodes: string[]) => void }) {
  const [code, setCode] = createSignal('');
  const [copied, setCopied] = createSignal<boolean | null>(null);
  let form: HTMLFormElement | undefined;
  const { errors, formError, busy, submit } = useAccessForm(() => form, wordsOf());
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const given = code().replace(/\s/g, '');
    void submit(given ? {} : { code: ta('acc.err.required') }, async () => {
      const { recoveryCodes } = await accountsApi.confirmTwoFactor(given);
      props.onDone(recoveryCodes);
    });
  };
  return (
    <div class="tfa-enrol">
      <h3 id="tfa-step1">{tp('tfa.step1')}</h3>
      <p>{tp('tfa.step1.about')}</p>
      <div class="tfa-secret-row" role="group" aria-labelledby="tfa-secret-label">
        <span id="tfa-secret-label" class="sr-only">
          {tp('tfa.secret')}
        </span>
        <code id="tfa-secret" class="tfa-secret" tabIndex={-1} translate="no" data-secret={props.secret}>
          {grouped(props.secret)}
        </code>
        <button type="button" onClick={() => void copyText(props.secret).then(setCopied)}>
          {tp('tfa.copySecret')}
        </button>
      </div>
      <p class="invite-copied" role="status">
        {copied() === null ? '' : copied() ? tp('copied') : tp('copyFailed')}
      </p>
      <p class="muted">{tp('tfa.timeBased')}</p>
      <p class="muted">
        {tp('tfa.link')}{' '}
        <a class="tfa-link" href={props.otpauthUrl} data-external>
          {props.otpauthUrl}
        </a>
      </p>
      <h3 id="tfa-step2">{tp('tfa.step2')}</h3>
      <form ref={form} class="account-form tfa-code-form" aria-labelledby="tfa-step2" onSubmit={onSubmit} novalidate>
        <Field name="code" label={tp('tfa.code')} error={errors().code}>
          <input
            {...controlProps('code', errors().code)}
            type="text"
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={10}
            spellcheck={false}
            value={code()}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </Field>
        <div class="actions account-actions">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? tp('tfa.confirming') : tp('tfa.confirm')}
          </button>
          <button type="button" onClick={() => props.onCancel()}>
            {tp('tfa.cancel')}
          </button>
        </div>
        <FormError error={formError()} />
      </form>
    </div>
  );
}

/** The password asked again before new recovery codes or turning two-factor sign-in off. */
function PasswordAsk(props: { what: 'renew' | 'disable'; onCancel: () => void; onDone: (recoveryCodes: string[] | null) => void }) {
  const [password, setPassword] = createSignal('');
  let form: HTMLFormElement | undefined;
  let input: HTMLInputElement | undefined;
  onMount(() => input?.focus());
  const { errors, formError, busy, submit } = useAccessForm(() => form, wordsOf({ password: 'tfa-password' }));
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit(password() ? {} : { 'tfa-password': ta('acc.err.required') }, async () => {
      if (props.what === 'renew') props.onDone((await accountsApi.renewRecoveryCodes(password())).recoveryCodes);
      else {
        await accountsApi.disableTwoFactor(password());
        props.onDone(null);
      }
    });
  };
  const label: AccountPageMessageKey = props.what === 'renew' ? 'tfa.password.renew' : 'tfa.password.disable';
  return (
    <form ref={form} class="account-form" aria-labelledby="tfa-title" onSubmit={onSubmit} novalidate>
      <Field name="tfa-password" label={tp(label)} error={errors()['tfa-password']}>
        <input
          ref={input}
          {...controlProps('tfa-password', errors()['tfa-password'])}
          type="password"
          autocomplete="current-password"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </Field>
      <div class="actions account-actions">
        <button type="submit" class={props.what === 'disable' ? 'danger' : 'primary'} disabled={busy()}>
          {busy() ? tp('tfa.working') : tp(props.what === 'renew' ? 'tfa.renewYes' : 'tfa.disableYes')}
        </button>
        <button type="button" onClick={() => props.onCancel()}>
          {tp('tfa.cancel')}
        </button>
      </div>
      <FormError error={formError()} />
    </form>
  );
}

/** Recovery codes just made: shown this once, to copy or download as a text file; gone from the page when dismissed. */
function RecoveryCodes(props: { codes: string[]; email: string; onClose: () => void }) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  const text = () => `${tp('tfa.codes.file', { email: props.email, origin: window.location.origin })}\n\n${props.codes.join('\n')}\n`;
  const file = URL.createObjectURL(new Blob([text()], { type: 'text/plain;charset=utf-8' }));
  onCleanup(() => URL.revokeObjectURL(file));
  return (
    <div class="invite-created tfa-codes" role="group" aria-labelledby="tfa-codes-title">
      <h3 id="tfa-codes-title">{tp('tfa.codes.title')}</h3>
      <p>{tp('tfa.codes.about')}</p>
      <ol class="tfa-code-list" translate="no">
        <For each={props.codes}>{(code) => <li>{code}</li>}</For>
      </ol>
      <div class="actions account-actions">
        <button type="button" class="primary" onClick={() => void copyText(props.codes.join('\n')).then(setCopied)}>
          {tp('tfa.codes.copy')}
        </button>
        <a class="button" href={file} download="vigil-recovery-codes.txt">
          {tp('tfa.codes.download')}
        </a>
      </div>
      <p class="invite-copied" role="status">
        {copied() === null ? '' : copied() ? tp('copied') : tp('copyFailed')}
      </p>
      <button type="button" onClick={() => props.onClose()}>
        {tp('tfa.codes.done')}
      </button>
    </div>
  );
}
