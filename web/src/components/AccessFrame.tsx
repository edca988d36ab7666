import { type JSX, Show, createResource, createSignal } from 'solid-js';
import { type AccountMessageKey, accountFieldErrors, describeAccountProblem, ta } from '../i18n/account-messages.ts';
import { askForKey, keyRequired } from '../stores/auth.store.ts';
import { refreshSession } from '../stores/session.store.ts';
import '../accounts.css';
import { Field, controlProps } from './Field.tsx';
import { LanguageSelect } from './LanguageSelect.tsx';
import { ThemeSwitch } from './ThemeSwitch.tsx';

/**
 * The frame of the pages before the dashboard (set-up, sign-in, an invite): the name, the theme
 * and language, and one card with the page's title.
 */
export function AccessFrame(props: { page: string; title: string; children: JSX.Element }) {
  return (
    <div class={`access ${props.page}`}>
      <header class="access-top">
        <span class="brand">Vigil</span>
        <span class="access-tools">
          <ThemeSwitch />
          <LanguageSelect />
        </span>
      </header>
      <main id="main" class="access-main" tabIndex={-1}>
        <section class="access-card" aria-labelledby="access-title">
          <h1 id="access-title">{props.title}</h1>
          {props.children}
        </section>
      </main>
    </div>
  );
}

/** A new account as typed: the password twice. */
export interface AccountDraft {
  email: string;
  name: string;
  password: string;
  again: string;
}

export const emptyDraft = (email = ''): AccountDraft => ({ email, name: '', password: '', again: '' });

/**
 * What the page checks before sending a new account: what is missing, and the password typed twice
 * alike. The rest (an address that is none, a short password, the email as password) the server
 * says beside the same fields.
 */
export function checkDraft(draft: AccountDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!draft.email.trim()) errors.email = ta('acc.err.required');
  if (!draft.password) errors.password = ta('acc.err.required');
  else if (draft.again !== draft.password) errors.again = ta('acc.err.mismatch');
  return errors;
}

/** The fields of a new account: email (locked when an invite names it), name, the password twice. */
export function AccountFields(props: {
  draft: AccountDraft;
  set: (field: keyof AccountDraft, value: string) => void;
  errors: Record<string, string>;
  emailLocked?: boolean;
}) {
  const input = (field: keyof AccountDraft, attrs: JSX.InputHTMLAttributes<HTMLInputElement>, hint = false) => (
    <input {...controlProps(field, props.errors[field], hint)} {...attrs} value={props.draft[field]} onInput={(e) => props.set(field, e.currentTarget.value)} />
  );
  return (
    <>
      <Field name="email" label={ta('acc.email')} error={props.errors.email}>
        {input('email', { type: 'email', autocomplete: 'username', maxLength: 254, readOnly: props.emailLocked, spellcheck: false })}
      </Field>
      <Field name="name" label={ta('acc.name')} hint={ta('acc.name.hint')} error={props.errors.name}>
        {input('name', { type: 'text', autocomplete: 'name', maxLength: 100 }, true)}
      </Field>
      <Field name="password" label={ta('acc.password')} hint={ta('acc.password.hint')} error={props.errors.password}>
        {input('password', { type: 'password', autocomplete: 'new-password' }, true)}
      </Field>
      <Field name="again" label={ta('acc.passwordAgain')} error={props.errors.again}>
        {input('again', { type: 'password', autocomplete: 'new-password' })}
      </Field>
    </>
  );
}

/** "Use an API key instead" (set-up and sign-in), when API_KEY is set: a key saved here opens what it may. */
export function KeyInstead() {
  const useKey = async () => {
    if (await askForKey('user')) void refreshSession();
  };
  return (
    <Show when={keyRequired()}>
      <p class="access-aside">
        <button type="button" class="link-button" onClick={() => void useKey()}>
          {ta('signIn.useKey')}
        </button>
      </p>
    </Show>
  );
}

/**
 * What a one-time link (an invite, a password reset) offers, read once by its token: `found` while
 * the link holds, `refusal` in words when the server refused it (used, replaced, expired, unknown).
 * No token: neither (the page says the link is incomplete).
 */
export function useLinkPreview<T extends object>(token: string | null, read: (token: string) => Promise<T>) {
  const [preview] = createResource(
    () => token,
    (value) => read(value).catch((error: unknown) => ({ error: describeAccountProblem(error) })),
  );
  return {
    found: (): T | null => {
      const answer = preview();
      return answer && !('error' in answer) ? answer : null;
    },
    refusal: (): string | null => {
      const answer = preview();
      return answer && 'error' in answer ? answer.error : null;
    },
  };
}

/**
 * A form of these pages: its errors by field, its line, whether it sends. `submit` checks (errors
 * found here stop it), sends, and puts the server's refusal beside the fields or in the line; the
 * first field in error takes the focus. `words`: how a page words the refusals of its own routes
 * (the account pages' words unless told).
 */
export function useAccessForm(
  form: () => HTMLFormElement | undefined,
  words: { fieldErrors: (error: unknown) => Record<string, string>; problem: (error: unknown) => string } = {
    fieldErrors: accountFieldErrors,
    problem: describeAccountProblem,
  },
) {
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const focusFirstError = () => queueMicrotask(() => form()?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async (found: Record<string, string>, send: () => Promise<void>, failed: AccountMessageKey = 'acc.failed') => {
    setErrors(found);
    if (Object.keys(found).length) {
      setFormError(ta(failed));
      focusFirstError();
      return false;
    }
    setFormError('');
    setBusy(true);
    try {
      await send();
      return true;
    } catch (error) {
      const { _: general, ...fields } = words.fieldErrors(error);
      setErrors(fields);
      setFormError(general ?? (Object.keys(fields).length ? ta(failed) : words.problem(error)));
      focusFirstError();
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, formError, setFormError, busy, submit };
}

/** The email the sign-in page starts with, once (after a password reset: whose it was). */
let signInEmail = '';

/** Has the next sign-in page start with this email. */
export function prefillSignIn(email: string) {
  signInEmail = email;
}

/** The email to start the sign-in page with (empty unless prefilled), then forgotten. */
export function takeSignInEmail(): string {
  const email = signInEmail;
  signInEmail = '';
  return email;
}

/** The token of a link's fragment (#token=…): set-up, invite and password reset links carry it there, where no server log sees it. */
export function fragmentToken(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token');
}
