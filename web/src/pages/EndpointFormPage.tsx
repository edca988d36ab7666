import { For, Match, Show, Switch, createEffect, createResource, createSignal, on } from 'solid-js';
import { PillChoice } from '../components/PillChoice.tsx';
import { isTimeZone } from '../../../server/contract/time-zone.ts';
import { createStore } from 'solid-js/store';
import { ENDPOINT_DEFAULTS, ENDPOINT_LIMITS as LIMITS } from '../../../server/contract/endpoint-limits.ts';
import {
  DNS_RECORD_TYPES,
  HTTP_METHODS,
  SECRET_MARKER,
  type AssertionComparison,
  type AssertionSource,
  type DnsRecordType,
  type Endpoint,
  type EndpointDefinition,
  type HttpMethod,
  type MessageParams,
  type MonitorType,
  type ProblemDetails,
  type SavedEndpoint,
} from '../../../server/contract/types.ts';
import { AssertionsEditor } from '../components/AssertionsEditor.tsx';
import { Field, TimeZoneField, controlProps } from '../components/Field.tsx';
import { MonitorTypeChoice } from '../components/MonitorTypeChoice.tsx';
import { ParentPicker } from '../components/ParentPicker.tsx';
import { parentErrorText } from '../i18n/dependency-messages.ts';
import { reportLoadFailure } from '../lib/page-data.ts';
import { describeFieldError, describeWarning } from '../i18n/field-messages.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { describeProblem, describeRequestError } from '../i18n/server-messages.ts';
import {
  DRAFT_FIELDS,
  draftName,
  draftOf,
  newDraft,
  toAssertions,
  withComparison,
  withSource,
  sourcesFor,
  type AssertionDraft,
  type AssertionScope,
} from '../lib/assertion-drafts.ts';
import {
  EMPTY_ADDRESS,
  addressFieldOf,
  addressMessageKey,
  addressFieldsOf,
  composeAddress,
  typeOf,
  usesTls,
  type AddressFields,
} from '../lib/monitor-fields.ts';
import { tp } from '../i18n/push-messages.ts';
import { formatInterval } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { ApiError, api } from '../services/api.ts';
import { endpoints, upsertEndpoint } from '../stores/endpoints.store.ts';
import { addToast } from '../stores/toast.store.ts';
// Its words ('form.…'), added to t() as this page loads.
import '../i18n/form-messages.ts';

/** The form's fields as typed text; turned into an EndpointDefinition on submit. The address is `url` for http, the others' own fields for the rest. */
interface FormValues extends AddressFields {
  type: MonitorType;
  name: string;
  method: HttpMethod;
  intervalSeconds: string;
  /** Empty: checked at the interval while failing too. */
  retryIntervalSeconds: string;
  timeoutMs: string;
  expectedStatusCodes: string;
  degradedThresholdMs: string;
  failureThreshold: string;
  recoveryThreshold: string;
  /** Percent; empty: no target. */
  slaTarget: string;
  tags: string;
  headers: string;
  secretHeaders: string;
  body: string;
  /** What a TCP endpoint sends once connected (its `body`). */
  send: string;
  /** Empty: never warn. */
  certificateWarningDays: string;
  /** push: a ping every `intervalSeconds` after the last, or at the times of a cron expression. */
  schedule: 'interval' | 'cron';
  cron: string;
  /** The cron expression's IANA time zone; empty: UTC. */
  timezone: string;
  graceSeconds: string;
  assertions: AssertionDraft[];
  paused: boolean;
  /** The endpoint this one depends on; '' for none. */
  parentId: string;
}

/** A new endpoint's form: the API's defaults (server/contract/endpoint-limits.ts), as typed text. */
const DEFAULTS: FormValues = {
  ...EMPTY_ADDRESS,
  type: ENDPOINT_DEFAULTS.type,
  name: '',
  method: ENDPOINT_DEFAULTS.method,
  intervalSeconds: String(ENDPOINT_DEFAULTS.intervalSeconds),
  retryIntervalSeconds: '',
  timeoutMs: String(ENDPOINT_DEFAULTS.timeoutMs),
  expectedStatusCodes: ENDPOINT_DEFAULTS.expectedStatusCodes.join(', '),
  degradedThresholdMs: String(ENDPOINT_DEFAULTS.degradedThresholdMs),
  failureThreshold: String(ENDPOINT_DEFAULTS.failureThreshold),
  recoveryThreshold: String(ENDPOINT_DEFAULTS.recoveryThreshold),
  slaTarget: '',
  tags: '',
  headers: '',
  secretHeaders: '',
  body: '',
  send: '',
  certificateWarningDays: String(ENDPOINT_DEFAULTS.certificateWarningDays),
  schedule: 'interval',
  cron: '',
  timezone: '',
  graceSeconds: String(ENDPOINT_DEFAULTS.graceSeconds),
  assertions: [],
  paused: ENDPOINT_DEFAULTS.paused,
  parentId: '',
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
const MAX_LENGTHS: Record<Exclude<keyof FormValues, 'type' | 'method' | 'paused' | 'assertions' | 'tls' | 'recordType' | 'schedule' | 'parentId'>, number> = {
  name: LIMITS.nameLength,
  url: LIMITS.urlLength,
  host: LIMITS.urlLength - 'tcp://:65535'.length,
  port: 5,
  // A DNS name is at most 253 characters (RFC 1035).
  dnsName: 253,
  // "[IPv6 address]:port"
  resolver: 47,
  send: LIMITS.bodyLength,
  certificateWarningDays: String(LIMITS.certificateWarningDays.max).length,
  cron: LIMITS.cronLength,
  timezone: LIMITS.timezoneLength,
  graceSeconds: String(LIMITS.graceSeconds.max).length,
  intervalSeconds: String(NUMBERS.intervalSeconds.max).length,
  retryIntervalSeconds: String(LIMITS.retryIntervalSeconds.max).length,
  timeoutMs: String(NUMBERS.timeoutMs.max).length,
  degradedThresholdMs: String(NUMBERS.degradedThresholdMs.max).length,
  failureThreshold: String(NUMBERS.failureThreshold.max).length,
  recoveryThreshold: String(NUMBERS.recoveryThreshold.max).length,
  // "99.999"
  slaTarget: 8,
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
  const type = typeOf(e);
  return {
    ...addressFieldsOf(type, e.url),
    type,
    name: e.name,
    method: e.method,
    intervalSeconds: String(e.intervalSeconds),
    retryIntervalSeconds: e.retryIntervalSeconds == null ? '' : String(e.retryIntervalSeconds),
    timeoutMs: String(e.timeoutMs),
    expectedStatusCodes: e.expectedStatusCodes.join(', '),
    degradedThresholdMs: String(e.degradedThresholdMs),
    failureThreshold: String(e.failureThreshold),
    // (An endpoint read before the server had a recovery threshold resolves at the first success.)
    recoveryThreshold: String(e.recoveryThreshold ?? 1),
    // (An endpoint read before the server had SLA targets has none.)
    slaTarget: e.slaTarget == null ? '' : String(e.slaTarget),
    tags: e.tags.join(', '),
    headers: Object.entries(e.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    secretHeaders: e.secretHeaders.join(', '),
    body: type === 'http' ? (e.body ?? '') : '',
    send: type === 'tcp' ? (e.body ?? '') : '',
    // (An endpoint read before the server had the warning period warns at the default.)
    certificateWarningDays: e.certificateWarningDays === null ? '' : String(e.certificateWarningDays ?? ENDPOINT_DEFAULTS.certificateWarningDays),
    schedule: e.cron ? 'cron' : 'interval',
    cron: e.cron ?? '',
    timezone: e.timezone ?? '',
    // (An endpoint read before the server had push endpoints has the default grace.)
    graceSeconds: String(e.graceSeconds ?? ENDPOINT_DEFAULTS.graceSeconds),
    // (An endpoint read before the server had assertions has none.)
    assertions: (e.assertions ?? []).map(draftOf),
    paused: e.paused,
    // (An endpoint read before the server had dependencies has no parent.)
    parentId: e.parentId ?? '',
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const ADDRESS_MESSAGES = { required: 'form.err.required', url: 'form.err.url', port: 'form.err.port', resolver: 'form.err.resolver' } as const;

/** An address problem in the words of the type's fields, else the API's (translated). */
function addressMessage(type: MonitorType, code: string, params: MessageParams | null | undefined, message: string): string {
  const key = addressMessageKey(type, code);
  return key ? t(key) : describeFieldError(code, params, message);
}

/** What the form's checks of an endpoint look at: its type, and whether it talks TLS. */
const scopeOf = (v: FormValues): AssertionScope => ({ type: v.type, tls: usesTls(v.type, v) });

/** The whole numbers of `fields` within their bounds; what is not one is an error of its field. */
function readNumbers<K extends keyof FormValues>(v: FormValues, fields: Record<K, { min: number; max: number }>, errors: Record<string, string>) {
  const numbers: Partial<Record<K, number>> = {};
  for (const [field, { min, max }] of Object.entries(fields) as [K, { min: number; max: number }][]) {
    const text = String(v[field]).trim();
    if (!/^\d+$/.test(text)) errors[field] = t('form.err.integer');
    else if (Number(text) < min || Number(text) > max) errors[field] = t('form.err.range', { min, max });
    else numbers[field] = Number(text);
  }
  return numbers;
}

/**
 * The SLA target as typed: a percent above 0 and below 100 with at most 3 decimals, or null when
 * empty (no target); anything else is an error of its field.
 */
function readSlaTarget(v: FormValues, errors: Record<string, string>): number | null {
  const text = v.slaTarget.trim().replace(/\s*%$/, '');
  if (text === '') return null;
  const { min, max } = LIMITS.slaTarget;
  if (!/^\d{1,2}(\.\d{1,3})?$/.test(text) || Number(text) <= min || Number(text) >= max) errors.slaTarget = t('form.err.slaTarget');
  return Number(text);
}

/**
 * A push endpoint's definition: its schedule (an interval, or a cron expression and its zone), its
 * grace and its incident rules. No URL: Vigil makes the token when it creates the endpoint, and an
 * edit keeps it. No request: no headers, body or assertions; method, timeout, status codes and
 * threshold stay as stored.
 */
function toPushDefinition(v: FormValues, errors: Record<string, string>): { definition?: Partial<EndpointDefinition>; errors: Record<string, string> } {
  const byCron = v.schedule === 'cron';
  const numbers = readNumbers(
    v,
    {
      ...(byCron ? {} : { intervalSeconds: LIMITS.intervalSeconds }),
      graceSeconds: LIMITS.graceSeconds,
      failureThreshold: LIMITS.failureThreshold,
      recoveryThreshold: LIMITS.recoveryThreshold,
    } as Record<'intervalSeconds' | 'graceSeconds' | 'failureThreshold' | 'recoveryThreshold', { min: number; max: number }>,
    errors,
  );
  const cron = byCron ? v.cron.trim().replace(/\s+/g, ' ') : null;
  const timezone = byCron ? v.timezone.trim() || null : null;
  if (cron === '') errors.cron = t('form.err.required');
  // Five or six fields (seconds first); a nickname such as @daily is for the server to judge.
  else if (cron !== null && !cron.startsWith('@') && !/^\S+( \S+){4,5}$/.test(cron)) errors.cron = tp('form.err.cron');
  if (timezone !== null && !isTimeZone(timezone)) errors.timezone = tp('form.err.timezone');
  const slaTarget = readSlaTarget(v, errors);
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    definition: {
      name: v.name.trim(),
      type: 'push',
      ...(cron === null ? { intervalSeconds: numbers.intervalSeconds } : {}),
      cron,
      timezone,
      graceSeconds: numbers.graceSeconds,
      failureThreshold: numbers.failureThreshold,
      recoveryThreshold: numbers.recoveryThreshold,
      slaTarget,
      tags: list(v.tags),
      headers: {},
      secretHeaders: [],
      body: null,
      assertions: [],
      parentId: v.parentId || null,
    },
  };
}

/** Client-side checks; returns the definition, or the errors by field. Fields the type has no use for are left out (kept as stored). */
function toDefinition(v: FormValues): { definition?: Partial<EndpointDefinition>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors.name = t('form.err.required');
  if (v.type === 'push') return toPushDefinition(v, errors);
  const address = composeAddress(v.type, v);
  for (const [field, problem] of Object.entries(address.errors)) {
    errors[field] = 'key' in problem ? t(ADDRESS_MESSAGES[problem.key]) : addressMessage(v.type, problem.code, { type: v.type }, problem.message);
  }
  const scope = scopeOf(v);
  const warningText = v.certificateWarningDays.trim();
  const warning = LIMITS.certificateWarningDays;
  if (scope.tls && warningText !== '') {
    if (!/^\d+$/.test(warningText)) errors.certificateWarningDays = t('form.err.integer');
    else if (Number(warningText) < warning.min || Number(warningText) > warning.max) errors.certificateWarningDays = t('form.err.range', warning);
  }
  const numbers = readNumbers(v, NUMBERS, errors);
  const retryText = v.retryIntervalSeconds.trim();
  const retry = LIMITS.retryIntervalSeconds;
  if (retryText !== '' && !/^\d+$/.test(retryText)) errors.retryIntervalSeconds = t('form.err.integer');
  else if (retryText !== '' && (Number(retryText) < retry.min || Number(retryText) > retry.max)) errors.retryIntervalSeconds = t('form.err.range', retry);
  if (numbers.degradedThresholdMs! >= numbers.timeoutMs!) errors.degradedThresholdMs = t('form.err.degradedNotBelowTimeout', { timeoutMs: numbers.timeoutMs! });
  const http = v.type === 'http';
  const headers: Record<string, string> = {};
  if (http)
    v.headers.split('\n').forEach((line, index) => {
      if (!line.trim()) return;
      const colon = line.indexOf(':');
      if (colon <= 0) errors.headers ??= t('form.err.header', { line: index + 1 });
      else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    });
  const slaTarget = readSlaTarget(v, errors);
  const { assertions, errors: assertionErrors } = toAssertions(v.assertions, scope);
  Object.assign(errors, assertionErrors);
  if (Object.keys(errors).length) return { errors };
  const body = { http: v.body, tcp: v.send, dns: '', tls: '' }[v.type as Exclude<MonitorType, 'push'>];
  return {
    errors,
    definition: {
      name: v.name.trim(),
      type: v.type,
      url: address.url!,
      // Only HTTP has a method and status codes: the others keep what they have (the defaults when new).
      ...(http ? { method: v.method, expectedStatusCodes: list(v.expectedStatusCodes) } : {}),
      // Only an endpoint that talks TLS sees a certificate to warn of: the others keep theirs.
      ...(scope.tls ? { certificateWarningDays: warningText === '' ? null : Number(warningText) } : {}),
      intervalSeconds: numbers.intervalSeconds,
      retryIntervalSeconds: retryText === '' ? null : Number(retryText),
      timeoutMs: numbers.timeoutMs,
      degradedThresholdMs: numbers.degradedThresholdMs,
      failureThreshold: numbers.failureThreshold,
      recoveryThreshold: numbers.recoveryThreshold,
      slaTarget,
      tags: list(v.tags),
      // A secret header still holding SECRET_MARKER is sent as it is: the server keeps its stored value.
      headers,
      secretHeaders: http ? list(v.secretHeaders) : [],
      body: body === '' ? null : body,
      // Only push endpoints have a schedule (one edited into another type drops its own).
      cron: null,
      timezone: null,
      assertions,
      parentId: v.parentId || null,
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
    if (values.type === 'push') return {};
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
    // (A push endpoint's URL is its token: the form never shows nor sends it.)
    return typeOf(e) !== 'push' && urlHoldsSecret(e.url) ? [...names, t('form.url')] : names;
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
  // Every endpoint, for "Depends on" (read once; the API judges the choice again when it is saved).
  const [related, { refetch: refetchRelated }] = createResource(() =>
    api.allEndpoints().catch((error: unknown) => {
      reportLoadFailure(error);
      return [] as Endpoint[];
    }),
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
        // A push endpoint's URL has no field: what is wrong with it is said above the form.
        const { pushUrl, ...fields } = fieldErrorsOf(error.problem, values.type, (id) => related()?.find((e) => e.id === id)?.name);
        // The parent was refused (deleted meanwhile, or now depending on this one): offer what there is now.
        if (fields.parentId) refetchRelated();
        setErrors(fields);
        setFormError(pushUrl ?? (Object.keys(fields).length ? t('form.failed') : describeProblem(error.problem?.code, error.problem?.params, error.message)));
        focusFirstError();
      } else {
        setFormError(describeRequestError(error));
      }
    } finally {
      setSaving(false);
    }
  };

  const changeDraft = (index: number, patch: Partial<AssertionDraft>) => setValues('assertions', index, patch);
  /** A cron schedule starts in the browser's time zone, unless one was typed already. */
  const pickCron = () => {
    setValues('schedule', 'cron');
    if (!values.timezone.trim()) setValues('timezone', browserTimeZone());
  };

  const text = (
    name: keyof typeof MAX_LENGTHS,
    /** A key of messages.ts, or the words themselves (push-messages.ts). */
    label: MessageKey | (() => string),
    opts: { hint?: MessageKey | undefined; hintText?: () => string; type?: string; inputmode?: 'numeric' | 'decimal'; spellcheck?: boolean } = {},
  ) => (
    <Field
      name={name}
      label={typeof label === 'function' ? label() : t(label)}
      hint={opts.hintText ? opts.hintText() : opts.hint ? t(opts.hint) : undefined}
      error={errors()[name]}
      warning={warnings()[name]}
    >
      <input
        {...controlProps(name, errors()[name], !!(opts.hint || opts.hintText), warnings()[name])}
        type={opts.type ?? 'text'}
        inputmode={opts.inputmode}
        spellcheck={opts.spellcheck}
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
          <MonitorTypeChoice value={values.type} onChange={(type) => setValues('type', type)} />
          {text('name', 'form.name')}
          <Switch>
            <Match when={values.type === 'http'}>
              {text('url', 'form.url', { type: 'url' })}
              <Field name="method" label={t('form.method')} error={errors().method}>
                <select
                  {...controlProps('method', errors().method)}
                  value={values.method}
                  onChange={(e) => setValues('method', e.currentTarget.value as HttpMethod)}
                >
                  <For each={HTTP_METHODS}>
                    {(m) => (
                      <option value={m} selected={m === values.method}>
                        {m}
                      </option>
                    )}
                  </For>
                </select>
              </Field>
            </Match>
            <Match when={values.type === 'tcp'}>
              <div class="form-row">
                {text('host', 'form.host', { hint: 'form.host.hint', spellcheck: false })}
                {text('port', 'form.port', { inputmode: 'numeric' })}
              </div>
            </Match>
            <Match when={values.type === 'tls'}>
              <div class="form-row">
                {text('host', 'form.host', { hint: 'form.host.hint', spellcheck: false })}
                {text('port', 'form.port', { inputmode: 'numeric', hint: 'form.port.hint.tls' })}
              </div>
            </Match>
            <Match when={values.type === 'dns'}>
              {text('dnsName', 'form.dnsName', { hint: 'form.dnsName.hint', spellcheck: false })}
              <div class="form-row">
                <Field name="recordType" label={t('form.recordType')} error={errors().recordType}>
                  <select
                    {...controlProps('recordType', errors().recordType)}
                    value={values.recordType}
                    onChange={(e) => setValues('recordType', e.currentTarget.value as DnsRecordType)}
                  >
                    <For each={DNS_RECORD_TYPES}>
                      {(r) => (
                        <option value={r} selected={r === values.recordType}>
                          {r}
                        </option>
                      )}
                    </For>
                  </select>
                </Field>
                {text('resolver', 'form.resolver', { hint: 'form.resolver.hint', spellcheck: false })}
              </div>
            </Match>
          </Switch>
          <Show when={values.type === 'tcp'}>
            <label class="check">
              <input type="checkbox" id="f-tls" name="tls" checked={values.tls} onChange={(e) => setValues('tls', e.currentTarget.checked)} />
              {t('form.tls')}
            </label>
            {/* What is sent is the endpoint's body: the API's errors on it show here. */}
            <Field name="body" label={t('form.send')} hint={t('form.send.hint')} error={errors().body}>
              <textarea
                {...controlProps('body', errors().body, true)}
                rows={2}
                spellcheck={false}
                maxLength={MAX_LENGTHS.send}
                value={values.send}
                onInput={(e) => setValues('send', e.currentTarget.value)}
              />
            </Field>
          </Show>
          <Show when={scopeOf(values).tls}>
            {text('certificateWarningDays', 'form.certificateWarningDays', { inputmode: 'numeric', hint: 'form.certificateWarningDays.hint' })}
          </Show>
          <Show
            when={values.type === 'push'}
            fallback={
              <>
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
                <div class="form-row">{text('slaTarget', 'form.slaTarget', { inputmode: 'decimal', hint: 'form.slaTarget.hint' })}</div>
              </>
            }
          >
            <Show when={original()?.type !== 'push'}>
              <p class="muted push-note">{tp('form.push.urlNote')}</p>
            </Show>
            <PillChoice
              name="schedule"
              class="schedule-choice"
              legend={tp('form.schedule')}
              options={[
                { value: 'interval', label: tp('form.schedule.interval') },
                { value: 'cron', label: tp('form.schedule.cron') },
              ]}
              value={values.schedule}
              onChange={(schedule) => (schedule === 'cron' ? pickCron() : setValues('schedule', 'interval'))}
            />
            <Show
              when={values.schedule === 'cron'}
              fallback={text('intervalSeconds', () => tp('form.push.interval'), {
                inputmode: 'numeric',
                hintText: () => durationHint('form.push.interval.hint', values.intervalSeconds),
              })}
            >
              <div class="form-row">
                {text('cron', () => tp('form.cron'), { hintText: () => tp('form.cron.hint'), spellcheck: false })}
                <TimeZoneField
                  label={tp('form.timezone')}
                  hint={tp('form.timezone.hint')}
                  error={errors().timezone}
                  maxLength={MAX_LENGTHS.timezone}
                  zones={commonTimeZones()}
                  value={values.timezone}
                  onInput={(text) => setValues('timezone', text)}
                />
              </div>
            </Show>
            {text('graceSeconds', () => tp('form.grace'), { inputmode: 'numeric', hintText: () => durationHint('form.grace.hint', values.graceSeconds) })}
            <div class="form-row">
              {text('failureThreshold', 'form.failureThreshold', { inputmode: 'numeric' })}
              {text('recoveryThreshold', 'form.recoveryThreshold', { inputmode: 'numeric', hint: 'form.recoveryThreshold.hint' })}
            </div>
            <div class="form-row">{text('slaTarget', 'form.slaTarget', { inputmode: 'decimal', hint: 'form.slaTarget.hint' })}</div>
          </Show>
          <Show when={values.type === 'http'}>{text('expectedStatusCodes', 'form.expected', { hint: 'form.expected.hint' })}</Show>
          {text('tags', 'form.tags', { hint: 'form.tags.hint' })}
          <ParentPicker
            value={values.parentId}
            onChange={(id) => setValues('parentId', id)}
            selfId={props.id ?? null}
            endpoints={related.latest ?? null}
            error={errors().parentId}
          />
          <Show when={values.type === 'http'}>
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
          </Show>
          <Show when={values.type !== 'push'}>
            <AssertionsEditor
              type={values.type}
              sources={sourcesFor(scopeOf(values))}
              drafts={values.assertions}
              errors={errors()}
              onChange={changeDraft}
              onSourceChange={(index: number, source: AssertionSource) => changeDraft(index, withSource(values.assertions[index]!, source))}
              onComparisonChange={(index: number, comparison: AssertionComparison) => changeDraft(index, withComparison(values.assertions[index]!, comparison))}
              onAdd={() => setValues('assertions', (list) => [...list, newDraft(scopeOf(values))])}
              onRemove={(index: number) => setValues('assertions', (list) => list.filter((_, i) => i !== index))}
            />
          </Show>
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
 * "headers"; "url" beside the address field it is about); an assertion's by its row and field ("assertions.2.target" → "assertions-2-target"),
 * or its row when the path names no field of it.
 */
function fieldErrorsOf(problem: ProblemDetails | null, type: MonitorType, nameOf: (id: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const [first, row, part] = String(e.path).split(/[.[\]]+/);
    let field = first || '_';
    // The URL is made of the type's own fields: its error goes beside the one it is about.
    if (field === 'url') field = type === 'push' ? 'pushUrl' : addressFieldOf(type, e.code);
    if (field === 'assertions' && row && /^\d+$/.test(row)) {
      const known = (DRAFT_FIELDS as readonly string[]).includes(part ?? '');
      field = draftName(Number(row), known ? (part as (typeof DRAFT_FIELDS)[number]) : undefined);
    }
    const parentText = first === 'parentId' ? parentErrorText(e.code, e.params, nameOf) : null;
    out[field] ??= first === 'url' ? addressMessage(type, e.code, e.params, e.message) : (parentText ?? describeFieldError(e.code, e.params, e.message));
  }
  return out;
}

function focusFirstError() {
  queueMicrotask(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** The time zone this browser is in (an IANA name), or UTC when it does not say. */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zones the time zone field suggests: this browser's first, then the most used. Any other IANA name may be typed. */
const COMMON_TIME_ZONES = [
  'UTC',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
];
const commonTimeZones = () => [...new Set([browserTimeZone(), ...COMMON_TIME_ZONES])];

/** A hint that says a number of seconds in words ("1 h after the last ping"); the number alone when it is none. */
function durationHint(key: 'form.push.interval.hint' | 'form.grace.hint', seconds: string): string {
  const text = seconds.trim();
  return tp(key, { duration: /^\d+$/.test(text) && Number(text) > 0 ? formatInterval(Number(text)) : '…' });
}
