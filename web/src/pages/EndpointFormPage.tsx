import { For, Show, createEffect, createResource, createSignal, on } from 'solid-js';
import { createStore } from 'solid-js/store';
import { ENDPOINT_DEFAULTS, ENDPOINT_LIMITS as LIMITS } from '../../../server/contract/endpoint-limits.ts';
import {
  HTTP_METHODS,
  SECRET_MARKER,
  type AssertionComparison,
  type AssertionSource,
  type Endpoint,
  type EndpointDefinition,
  type HttpMethod,
  type ProblemDetails,
  type SavedEndpoint,
} from '../../../server/contract/types.ts';
import { AssertionsEditor } from '../components/AssertionsEditor.tsx';
import { Field, controlProps } from '../components/Field.tsx';
import { describeFieldError, describeWarning } from '../i18n/field-messages.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { describeProblem, describeRequestError } from '../i18n/server-messages.ts';
import { DRAFT_FIELDS, draftName, draftOf, newDraft, toAssertions, withComparison, withSource, type AssertionDraft } from '../lib/assertion-drafts.ts';
import { navigate } from '../lib/router.ts';
import { ApiError, api } from '../services/api.ts';
import { endpoints, upsertEndpoint } from '../stores/endpoints.store.ts';
import { addToast } from '../stores/toast.store.ts';

/** The form's fields as typed text; turned into an EndpointDefinition on submit. */
interface FormValues {
  name: string;
  url: string;
  method: HttpMethod;
  intervalSeconds: string;
  /** Empty: checked at the interval while failing too. */
  retryIntervalSeconds: string;
  timeoutMs: string;
  expectedStatusCodes: string;
  degradedThresholdMs: string;
  failureThreshold: string;
  recoveryThreshold: string;
  tags: string;
  headers: string;
  secretHeaders: string;
  body: string;
  assertions: AssertionDraft[];
  paused: boolean;
}

/** A new endpoint's form: the API's defaults (server/contract/endpoint-limits.ts), as typed text. */
const DEFAULTS: FormValues = {
  name: '',
  url: '',
  method: ENDPOINT_DEFAULTS.method,
  intervalSeconds: String(ENDPOINT_DEFAULTS.intervalSeconds),
  retryIntervalSeconds: '',
  timeoutMs: String(ENDPOINT_DEFAULTS.timeoutMs),
  expectedStatusCodes: ENDPOINT_DEFAULTS.expectedStatusCodes.join(', '),
  degradedThresholdMs: String(ENDPOINT_DEFAULTS.degradedThresholdMs),
  failureThreshold: String(ENDPOINT_DEFAULTS.failureThreshold),
  recoveryThreshold: String(ENDPOINT_DEFAULTS.recoveryThreshold),
  tags: '',
  headers: '',
  secretHeaders: '',
  body: '',
  assertions: [],
  paused: ENDPOINT_DEFAULTS.paused,
};

/** The API's bounds, checked before sending so the common mistakes are caught at once. */
const NUMBERS = {
  intervalSeconds: LIMITS.intervalSeconds,
  timeoutMs: LIMITS.timeoutMs,
  degradedThresholdMs: LIMITS.degradedThresholdMs,
  failureThreshold: LIMITS.failureThreshold,
  recoveryThreshold: LIMITS.recoveryThreshold,
} as const;

/**
 * The most characters each input takes: the API's limits, and for the lists as typed here, what
 * their most entries take with their separators.
 */
const MAX_LENGTHS: Record<Exclude<keyof FormValues, 'method' | 'paused' | 'assertions'>, number> = {
  name: LIMITS.nameLength,
  url: LIMITS.urlLength,
  intervalSeconds: String(NUMBERS.intervalSeconds.max).length,
  retryIntervalSeconds: String(LIMITS.retryIntervalSeconds.max).length,
  timeoutMs: String(NUMBERS.timeoutMs.max).length,
  degradedThresholdMs: String(NUMBERS.degradedThresholdMs.max).length,
  failureThreshold: String(NUMBERS.failureThreshold.max).length,
  recoveryThreshold: String(NUMBERS.recoveryThreshold.max).length,
  // Codes or ranges of 7 characters ("200-299"), each with ", ".
  expectedStatusCodes: LIMITS.expectedStatusCodes * 9,
  // Tags, each with ", ".
  tags: LIMITS.tags * (LIMITS.tagLength + 2),
  // The characters of names and values in all, plus ": " and a line break for each header.
  headers: LIMITS.headerChars + LIMITS.headers * 3,
  // Names, each with ", ".
  secretHeaders: LIMITS.headers * (LIMITS.headerNameLength + 2),
  body: LIMITS.bodyLength,
};

function valuesOf(e: Endpoint): FormValues {
  return {
    name: e.name,
    url: e.url,
    method: e.method,
    intervalSeconds: String(e.intervalSeconds),
    retryIntervalSeconds: e.retryIntervalSeconds == null ? '' : String(e.retryIntervalSeconds),
    timeoutMs: String(e.timeoutMs),
    expectedStatusCodes: e.expectedStatusCodes.join(', '),
    degradedThresholdMs: String(e.degradedThresholdMs),
    failureThreshold: String(e.failureThreshold),
    // (An endpoint read before the server had a recovery threshold resolves at the first success.)
    recoveryThreshold: String(e.recoveryThreshold ?? 1),
    tags: e.tags.join(', '),
    headers: Object.entries(e.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    secretHeaders: e.secretHeaders.join(', '),
    body: e.body ?? '',
    // (An endpoint read before the server had assertions has none.)
    assertions: (e.assertions ?? []).map(draftOf),
    paused: e.paused,
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Client-side checks; returns the definition, or the errors by field. */
function toDefinition(v: FormValues): { definition?: Partial<EndpointDefinition>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors.name = t('form.err.required');
  if (!v.url.trim()) errors.url = t('form.err.required');
  else if (!/^https?:\/\/\S+$/i.test(v.url.trim())) errors.url = t('form.err.url');
  const numbers: Record<string, number> = {};
  for (const [field, { min, max }] of Object.entries(NUMBERS)) {
    const text = v[field as keyof typeof NUMBERS].trim();
    if (!/^\d+$/.test(text)) errors[field] = t('form.err.integer');
    else if (Number(text) < min || Number(text) > max) errors[field] = t('form.err.range', { min, max });
    else numbers[field] = Number(text);
  }
  const retryText = v.retryIntervalSeconds.trim();
  const retry = LIMITS.retryIntervalSeconds;
  if (retryText !== '' && !/^\d+$/.test(retryText)) errors.retryIntervalSeconds = t('form.err.integer');
  else if (retryText !== '' && (Number(retryText) < retry.min || Number(retryText) > retry.max)) errors.retryIntervalSeconds = t('form.err.range', retry);
  if (numbers.degradedThresholdMs! >= numbers.timeoutMs!) errors.degradedThresholdMs = t('form.err.degradedNotBelowTimeout', { timeoutMs: numbers.timeoutMs! });
  const headers: Record<string, string> = {};
  v.headers.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    if (colon <= 0) errors.headers ??= t('form.err.header', { line: index + 1 });
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  const { assertions, errors: assertionErrors } = toAssertions(v.assertions, v.url);
  Object.assign(errors, assertionErrors);
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    definition: {
      name: v.name.trim(),
      url: v.url.trim(),
      method: v.method,
      intervalSeconds: numbers.intervalSeconds,
      retryIntervalSeconds: retryText === '' ? null : Number(retryText),
      timeoutMs: numbers.timeoutMs,
      degradedThresholdMs: numbers.degradedThresholdMs,
      failureThreshold: numbers.failureThreshold,
      recoveryThreshold: numbers.recoveryThreshold,
      expectedStatusCodes: list(v.expectedStatusCodes),
      tags: list(v.tags),
      // A secret header still holding SECRET_MARKER is sent as it is: the server keeps its stored value.
      headers,
      secretHeaders: list(v.secretHeaders),
      body: v.body === '' ? null : v.body,
      assertions,
    },
  };
}

/** Adds an endpoint, or edits one when given its id. The API's field errors appear beside the fields. */
export default function EndpointFormPage(props: { id?: string }) {
  const [values, setValues] = createStore<FormValues>({ ...DEFAULTS });
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  /** Accepted but odd, said before saving (the API says it again in its answer's warnings). */
  const warnings = (): Record<string, string> => {
    const [timeoutMs, intervalSeconds] = [Number(values.timeoutMs), Number(values.intervalSeconds)];
    const odd = intervalSeconds > 0 && timeoutMs > intervalSeconds * 1000;
    return odd ? { timeoutMs: t('form.warn.timeoutExceedsInterval', { timeoutMs, intervalSeconds }) } : {};
  };
  const [loaded, setLoaded] = createSignal(!props.id);
  const [original, setOriginal] = createSignal<Endpoint | null>(null);
  /** What the edited endpoint stores but never shows (its values read as SECRET_MARKER). */
  const storedSecrets = () => {
    const e = original();
    if (!e) return [];
    const names = Object.entries(e.headers).flatMap(([name, value]) => (value === SECRET_MARKER ? [name] : []));
    return urlHoldsSecret(e.url) ? [...names, t('form.url')] : names;
  };

  // The edited endpoint, keyed on its id (from the store when it holds it): an answer for another id never fills the form.
  const [stored] = createResource(
    () => props.id,
    (id): Endpoint | Promise<Endpoint | undefined> => {
      const known = endpoints.byId[id];
      if (known) return { ...known };
      return api.getEndpoint(id).catch((error: Error) => {
        setFormError(describeRequestError(error));
        return undefined;
      });
    },
  );
  createEffect(
    on(stored, (e) => {
      if (!e) return;
      setOriginal(e);
      setValues(valuesOf(e));
      setLoaded(true);
    }),
  );

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const { definition, errors: found } = toDefinition(values);
    setErrors(found);
    if (!definition) {
      setFormError(t('form.failed'));
      focusFirstError();
      return;
    }
    setFormError('');
    setSaving(true);
    try {
      const saved: SavedEndpoint = props.id
        ? await api.updateEndpoint(props.id, definition)
        : await api.createEndpoint({ ...definition, paused: values.paused });
      const { warnings: odd, ...endpoint } = saved;
      upsertEndpoint(endpoint);
      addToast('success', t(props.id ? 'toast.saved' : 'toast.created', { name: saved.name }));
      if (odd?.length) addToast('warning', t('form.savedWithWarnings', { warnings: odd.map(describeWarning).join(' ') }), 8000);
      navigate(`/endpoints/${saved.id}`);
    } catch (error) {
      if (error instanceof ApiError) {
        const fields = fieldErrorsOf(error.problem);
        setErrors(fields);
        setFormError(Object.keys(fields).length ? t('form.failed') : describeProblem(error.problem?.code, error.problem?.params, error.message));
        focusFirstError();
      } else {
        setFormError(describeRequestError(error));
      }
    } finally {
      setSaving(false);
    }
  };

  const changeDraft = (index: number, patch: Partial<AssertionDraft>) => setValues('assertions', index, patch);

  const text = (name: keyof typeof MAX_LENGTHS, label: MessageKey, opts: { hint?: MessageKey; type?: string; inputmode?: 'numeric' } = {}) => (
    <Field name={name} label={t(label)} hint={opts.hint ? t(opts.hint) : undefined} error={errors()[name]} warning={warnings()[name]}>
      <input
        {...controlProps(name, errors()[name], !!opts.hint, warnings()[name])}
        type={opts.type ?? 'text'}
        inputmode={opts.inputmode}
        maxLength={MAX_LENGTHS[name]}
        value={values[name] as string}
        onInput={(e) => setValues(name, e.currentTarget.value as never)}
      />
    </Field>
  );

  return (
    <section class="form-page" aria-labelledby="form-title">
      <h1 id="form-title">{props.id ? t('form.editTitle', { name: original()?.name ?? '' }) : t('form.newTitle')}</h1>
      <Show when={loaded()} fallback={<p class="muted">{formError() || t('common.loading')}</p>}>
        <form class="form" onSubmit={submit} novalidate>
          <Show when={formError()}>
            <p class="form-error" role="alert">
              {formError()}
            </p>
          </Show>
          {text('name', 'form.name')}
          {text('url', 'form.url', { type: 'url' })}
          <Field name="method" label={t('form.method')} error={errors().method}>
            <select
              {...controlProps('method', errors().method)}
              value={values.method}
              onChange={(e) => setValues('method', e.currentTarget.value as HttpMethod)}
            >
              <For each={HTTP_METHODS}>{(m) => <option value={m}>{m}</option>}</For>
            </select>
          </Field>
          <div class="form-row">
            {text('intervalSeconds', 'form.interval', { inputmode: 'numeric' })}
            {text('timeoutMs', 'form.timeout', { inputmode: 'numeric' })}
          </div>
          <div class="form-row">
            {text('degradedThresholdMs', 'form.degraded', { inputmode: 'numeric' })}
            {text('failureThreshold', 'form.failureThreshold', { inputmode: 'numeric' })}
          </div>
          <div class="form-row">
            {text('retryIntervalSeconds', 'form.retryInterval', { inputmode: 'numeric', hint: 'form.retryInterval.hint' })}
            {text('recoveryThreshold', 'form.recoveryThreshold', { inputmode: 'numeric', hint: 'form.recoveryThreshold.hint' })}
          </div>
          {text('expectedStatusCodes', 'form.expected', { hint: 'form.expected.hint' })}
          {text('tags', 'form.tags', { hint: 'form.tags.hint' })}
          <Field name="headers" label={t('form.headers')} hint={t('form.headers.hint')} error={errors().headers}>
            <textarea
              {...controlProps('headers', errors().headers, true)}
              rows={3}
              maxLength={MAX_LENGTHS.headers}
              value={values.headers}
              onInput={(e) => setValues('headers', e.currentTarget.value)}
            />
            <Show when={storedSecrets().length > 0}>
              <small class="muted secrets-set" data-testid="secrets-set">
                {t('form.headers.secretsSet', { names: storedSecrets().join(', '), marker: SECRET_MARKER })}
              </small>
            </Show>
          </Field>
          {text('secretHeaders', 'form.secretHeaders', { hint: 'form.secretHeaders.hint' })}
          <Field name="body" label={t('form.body')} error={errors().body}>
            <textarea
              {...controlProps('body', errors().body)}
              rows={3}
              maxLength={MAX_LENGTHS.body}
              value={values.body}
              onInput={(e) => setValues('body', e.currentTarget.value)}
            />
          </Field>
          <AssertionsEditor
            drafts={values.assertions}
            errors={errors()}
            onChange={changeDraft}
            onSourceChange={(index: number, source: AssertionSource) => changeDraft(index, withSource(values.assertions[index]!, source))}
            onComparisonChange={(index: number, comparison: AssertionComparison) => changeDraft(index, withComparison(values.assertions[index]!, comparison))}
            onAdd={() => setValues('assertions', (list) => [...list, newDraft()])}
            onRemove={(index: number) => setValues('assertions', (list) => list.filter((_, i) => i !== index))}
          />
          <Show when={!props.id}>
            <label class="check">
              <input type="checkbox" name="paused" checked={values.paused} onChange={(e) => setValues('paused', e.currentTarget.checked)} />
              {t('form.paused')}
            </label>
          </Show>
          <div class="actions">
            <button type="submit" class="primary" disabled={saving()}>
              {saving() ? t('form.saving') : props.id ? t('form.save') : t('form.create')}
            </button>
            <a class="button" href={props.id ? `/endpoints/${props.id}` : '/'}>
              {t('form.cancel')}
            </a>
          </div>
        </form>
      </Show>
    </section>
  );
}

/** Whether the URL as read holds a secret (its password, a query value) shown as SECRET_MARKER. */
function urlHoldsSecret(url: string): boolean {
  try {
    return decodeURIComponent(url).includes(SECRET_MARKER);
  } catch {
    return url.includes(SECRET_MARKER);
  }
}

/**
 * The API's field errors in the UI's language, by the first segment of each path ("headers.X" →
 * "headers"); an assertion's by its row and field ("assertions.2.target" → "assertions-2-target"),
 * or its row when the path names no field of it.
 */
function fieldErrorsOf(problem: ProblemDetails | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const [first, row, part] = String(e.path).split(/[.[\]]+/);
    let field = first || '_';
    if (field === 'assertions' && row && /^\d+$/.test(row)) {
      const known = (DRAFT_FIELDS as readonly string[]).includes(part ?? '');
      field = draftName(Number(row), known ? (part as (typeof DRAFT_FIELDS)[number]) : undefined);
    }
    out[field] ??= describeFieldError(e.code, e.params, e.message);
  }
  return out;
}

function focusFirstError() {
  queueMicrotask(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
