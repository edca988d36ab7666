import { For, Match, Show, Switch } from 'solid-js';
import { CHANNEL_FIELDS, CHANNEL_LIMITS as LIMITS } from '../../../server/contract/channel-fields.ts';
import {
  CHANNEL_TYPES,
  type ChannelConfigValue,
  type ChannelField,
  type ChannelType,
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type NotificationChannelDefinition,
  type NotificationEvent,
  type NotificationLanguage,
} from '../../../server/contract/notifications.ts';
import { type ProblemDetails, SECRET_MARKER } from '../../../server/contract/types.ts';
import { LOCALE_NAMES, locale } from '../i18n/index.ts';
import { describeChannelError, type NotificationMessageKey, TYPE_NAMES, tn } from '../i18n/notification-messages.ts';
import { useLiveData } from '../lib/page-data.ts';
import { useResourceForm } from '../lib/resource-form.ts';
import { navigate } from '../lib/router.ts';
import { notificationsApi } from '../services/notifications-api.ts';
import { loadEndpoints } from '../stores/endpoints.store.ts';
import { addToast } from '../stores/toast.store.ts';
import { EndpointScopePicker, toggled } from './EndpointScopePicker.tsx';
import { Field, FieldError, FormError, controlProps } from './Field.tsx';
import { FormActions, FormFrame } from './FormFrame.tsx';
import { PillChoice } from './PillChoice.tsx';

/** The form's fields as typed; each type keeps its own config values (switching back finds them). */
interface FormValues {
  name: string;
  type: ChannelType;
  enabled: boolean;
  language: NotificationLanguage;
  config: Record<ChannelType, Record<string, string>>;
  events: NotificationEvent[];
  scope: 'all' | 'chosen';
  endpointIds: string[];
  tags: string[];
  /** The endpoint picker's search text. */
  search: string;
  reminder: 'off' | 'on';
  reminderEvery: string;
  reminderMax: string;
  groupSeconds: string;
}

/** What a new channel is told of, as the API's default: every event but DEGRADED. */
const DEFAULT_EVENTS = NOTIFICATION_EVENTS.filter((e) => e !== 'degraded');

const emptyConfig = () => Object.fromEntries(CHANNEL_TYPES.map((type) => [type, {}])) as Record<ChannelType, Record<string, string>>;

const DEFAULTS = (): FormValues => ({
  name: '',
  type: 'slack',
  enabled: true,
  language: locale() === 'ko' ? 'ko' : 'en',
  config: emptyConfig(),
  events: [...DEFAULT_EVENTS],
  scope: 'all',
  endpointIds: [],
  tags: [],
  search: '',
  reminder: 'off',
  reminderEvery: '30',
  reminderMax: '3',
  groupSeconds: String(LIMITS.groupSecondsDefault),
});

/** A stored channel as the form shows it: a stored secret as an empty field (kept unless typed over). */
function valuesOf(c: NotificationChannel): FormValues {
  const config = emptyConfig();
  for (const field of CHANNEL_FIELDS[c.type]) {
    const value = c.config[field.key];
    config[c.type][field.key] = value === undefined || value === null || value === SECRET_MARKER ? '' : String(value);
  }
  return {
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    language: c.language,
    config,
    events: [...c.events],
    scope: c.allEndpoints ? 'all' : 'chosen',
    endpointIds: [...c.endpointIds],
    tags: [...c.tags],
    search: '',
    reminder: c.reminder ? 'on' : 'off',
    reminderEvery: String(c.reminder?.everyMinutes ?? 30),
    reminderMax: String(c.reminder?.max ?? 3),
    groupSeconds: String(c.groupSeconds),
  };
}

/** Loose, as the API's: one @, no spaces or angle brackets. */
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** The form's name of a config key's field ("config-webhookUrl": ids and selectors need no escaping). */
const configField = (key: string) => `config-${key}`;

function wholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : null;
}

/**
 * Client-side checks with the API's rules; returns the definition, or the errors by field.
 * `kept`: the secret keys whose stored value an empty field keeps.
 */
function toDefinition(v: FormValues, kept: ReadonlySet<string>): { definition?: NotificationChannelDefinition; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const err = (field: string, key: NotificationMessageKey, params?: Record<string, string | number>) => {
    errors[field] ??= tn(key, params);
  };
  const name = v.name.trim();
  if (!name) err('name', 'ch.err.required');
  const config: Record<string, ChannelConfigValue> = {};
  for (const field of CHANNEL_FIELDS[v.type]) {
    const id = configField(field.key);
    const text = (v.config[v.type][field.key] ?? '').trim();
    if (!text) {
      if (field.secret && kept.has(field.key)) config[field.key] = SECRET_MARKER;
      else if (field.required) err(id, 'ch.err.required');
      continue;
    }
    if (field.kind === 'number') {
      const n = wholeNumber(text, 1, 65_535);
      if (n === null) err(id, 'ch.err.port');
      else config[field.key] = n;
      continue;
    }
    if (field.kind === 'url' && !isHttpUrl(text)) err(id, 'ch.err.url');
    if (field.kind === 'emails') {
      const bad = text
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
        .find((a) => !EMAIL.test(a));
      if (bad !== undefined) err(id, 'ch.err.email', { bad });
    }
    config[field.key] = text;
  }
  if (v.events.length === 0) err('events', 'ch.err.events');
  const all = v.scope === 'all';
  const endpointIds = all ? [] : v.endpointIds;
  const tags = all ? [] : v.tags;
  if (!all && endpointIds.length + tags.length === 0) err('endpointIds', 'ch.err.scope');
  let reminder: NotificationChannelDefinition['reminder'] = null;
  if (v.reminder === 'on') {
    const everyMinutes = wholeNumber(v.reminderEvery, 1, LIMITS.reminderEveryMinutesMax);
    const max = wholeNumber(v.reminderMax, 1, LIMITS.reminderMaxCount);
    if (everyMinutes === null) err('reminder-everyMinutes', 'ch.err.integer', { min: 1, max: LIMITS.reminderEveryMinutesMax });
    if (max === null) err('reminder-max', 'ch.err.integer', { min: 1, max: LIMITS.reminderMaxCount });
    if (everyMinutes !== null && max !== null) reminder = { everyMinutes, max };
  }
  const groupSeconds = wholeNumber(v.groupSeconds, 0, LIMITS.groupSecondsMax);
  if (groupSeconds === null) err('groupSeconds', 'ch.err.integer', { min: 0, max: LIMITS.groupSecondsMax });
  if (Object.keys(errors).length || groupSeconds === null) return { errors };
  return {
    errors,
    definition: {
      name,
      type: v.type,
      enabled: v.enabled,
      language: v.language,
      config,
      // In the order the form lists them.
      events: NOTIFICATION_EVENTS.filter((e) => v.events.includes(e)),
      allEndpoints: all,
      endpointIds,
      tags,
      reminder,
      groupSeconds,
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The API's field errors by the form's field: "config.webhookUrl" → config-webhookUrl,
 * "reminder.max" → reminder-max, "endpointIds.3" → endpointIds, the scope ("allEndpoints") where it
 * is chosen; one without a field ("") → "_".
 */
function fieldErrorsOf(problem: ProblemDetails | null, scope: FormValues['scope']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const [head = '', second] = String(e.path).split(/[.[\]]+/);
    let field = head || '_';
    if (head === 'config' && second) field = configField(second);
    else if (head === 'reminder') field = second === 'max' ? 'reminder-max' : 'reminder-everyMinutes';
    else if (head === 'allEndpoints') field = scope === 'chosen' ? 'endpointIds' : 'scope';
    out[field] ??= describeChannelError({ code: e.code ?? '', params: e.params, message: e.message });
  }
  return out;
}

/** A config key's label: "Webhook URL", "Port (optional)". */
function fieldLabel(field: ChannelField): string {
  const label = tn(`ch.key.${field.key}` as NotificationMessageKey);
  return field.required ? label : tn('ch.form.optional', { label });
}

/**
 * Adds a notification channel, or edits one when given its id: the config fields are drawn from
 * CHANNEL_FIELDS for the chosen type (secrets write-only: on edit a stored one stays unless typed
 * over). The API's field errors appear beside the fields.
 */
export function ChannelForm(props: { id?: string }) {
  const { values, setValues, errors, formError, saving, loaded, original, save } = useResourceForm({
    id: () => props.id,
    load: (id) => notificationsApi.get(id),
    notFoundText: () => tn('ch.notFound'),
    valuesOf,
    defaults: DEFAULTS,
    formSelector: '.ntf-form',
  });
  useLiveData({ load: loadEndpoints });

  /** The secret keys stored for the type shown (an empty field keeps them). */
  const kept = () => {
    const c = original();
    const keys = new Set<string>();
    if (!c || c.type !== values.type) return keys;
    for (const field of CHANNEL_FIELDS[c.type]) if (field.secret && c.config[field.key] === SECRET_MARKER) keys.add(field.key);
    return keys;
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void save({
      checked: toDefinition(values, kept()),
      failed: () => tn('ch.form.failed'),
      send: (definition: NotificationChannelDefinition) => (props.id ? notificationsApi.update(props.id, definition) : notificationsApi.create(definition)),
      done: (saved) => {
        addToast('success', tn(props.id ? 'ch.toast.saved' : 'ch.toast.created', { name: saved.name }));
        navigate('/notifications');
      },
      fieldErrorsOf: (problem) => fieldErrorsOf(problem, values.scope),
      problemText: (problem) => (problem?.code === 'channel_from_settings' ? tn('ch.err.fromSettings') : undefined),
    });
  };

  const toggle = (list: 'endpointIds' | 'tags', value: string, on: boolean) => setValues(list, (current) => toggled(current, value, on));
  const toggleEvent = (event: NotificationEvent, on: boolean) =>
    setValues('events', (current) => (on ? [...new Set([...current, event])] : current.filter((e) => e !== event)));

  const numberInput = (name: 'groupSeconds' | 'reminderEvery' | 'reminderMax', field: string, label: string, max: number, hint?: string) => (
    <Field name={field} label={label} hint={hint} error={errors()[field]}>
      <input
        {...controlProps(field, errors()[field], Boolean(hint))}
        type="text"
        inputmode="numeric"
        maxLength={String(max).length}
        value={values[name]}
        onInput={(e) => setValues(name, e.currentTarget.value)}
      />
    </Field>
  );

  /** One config key of the chosen type, drawn from its CHANNEL_FIELDS entry. */
  const configInput = (field: ChannelField) => {
    const name = configField(field.key);
    const isKept = () => field.secret && kept().has(field.key);
    const hint = () => {
      if (isKept()) return tn('ch.form.secret.kept');
      if (field.key === 'to') return tn('ch.key.to.hint');
      if (field.key === 'secret') return tn('ch.key.secret.hint');
      if (field.default !== undefined && field.default !== null && field.kind !== 'choice') return tn('ch.form.default', { value: String(field.default) });
      return undefined;
    };
    const value = () => values.config[values.type][field.key] ?? '';
    const set = (text: string) => setValues('config', values.type, field.key, text);
    if (field.kind === 'choice') {
      return (
        <PillChoice
          name={name}
          legend={fieldLabel(field)}
          options={(field.choices ?? []).map((choice) => ({ value: choice, label: tn(`ch.security.${choice}` as NotificationMessageKey) }))}
          value={value() || String(field.default ?? '')}
          onChange={set}
        />
      );
    }
    return (
      <Field name={name} label={fieldLabel(field)} hint={hint()} error={errors()[name]}>
        <input
          {...controlProps(name, errors()[name], Boolean(hint()))}
          type={field.secret ? 'password' : field.kind === 'emails' ? 'text' : field.kind === 'url' ? 'url' : 'text'}
          inputmode={field.kind === 'number' ? 'numeric' : field.kind === 'emails' ? 'email' : undefined}
          autocomplete={field.secret ? 'new-password' : 'off'}
          spellcheck={false}
          placeholder={isKept() ? tn('ch.form.secret.placeholder') : undefined}
          data-secret-kept={isKept() ? 'true' : undefined}
          maxLength={field.kind === 'number' ? 5 : LIMITS.configValueLength}
          value={value()}
          onInput={(e) => set(e.currentTarget.value)}
        />
      </Field>
    );
  };

  const readOnly = () => original()?.fromSettings === true;

  return (
    <FormFrame
      class="ntf-form-page"
      backHref="/notifications"
      backLabel={tn('ch.back')}
      title={props.id ? tn('ch.form.editTitle', { name: original()?.name ?? '' }) : tn('ch.form.newTitle')}
      loaded={loaded()}
      formError={formError()}
    >
      <Show
        when={!readOnly()}
        fallback={
          <p class="ntf-readonly" role="status">
            {tn('ch.form.readOnly')}
          </p>
        }
      >
        <form class="form ntf-form" onSubmit={submit} novalidate>
          <FormError error={formError()} />
          <PillChoice
            name="type"
            legend={tn('ch.form.type')}
            class="ntf-types"
            options={CHANNEL_TYPES.map((type) => ({ value: type, label: TYPE_NAMES[type][locale()] }))}
            value={values.type}
            onChange={(type) => setValues('type', type)}
          />
          <Field name="name" label={tn('ch.form.name')} hint={tn('ch.form.name.hint')} error={errors().name}>
            <input
              {...controlProps('name', errors().name, true)}
              type="text"
              maxLength={LIMITS.nameLength}
              value={values.name}
              onInput={(e) => setValues('name', e.currentTarget.value)}
            />
          </Field>
          <fieldset class="ntf-config" data-type={values.type} aria-describedby="f-type-help">
            <legend>
              {tn('ch.form.settings')}: {TYPE_NAMES[values.type][locale()]}
            </legend>
            <p id="f-type-help" class="ntf-help">
              {tn(`ch.help.${values.type}` as NotificationMessageKey)}
            </p>
            {/* Keyed on the type: each type draws its own fields. */}
            <Show when={values.type} keyed>
              {(type) => <For each={CHANNEL_FIELDS[type]}>{(field) => configInput(field)}</For>}
            </Show>
          </fieldset>
          <fieldset class="field ntf-event-field" data-field="events" data-invalid={errors().events ? 'true' : undefined}>
            <legend>{tn('ch.form.events')}</legend>
            <div class="ntf-event-options">
              <For each={NOTIFICATION_EVENTS}>
                {(event) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      name="events"
                      value={event}
                      checked={values.events.includes(event)}
                      aria-invalid={errors().events ? true : undefined}
                      aria-describedby={errors().events ? 'f-events-error' : undefined}
                      onChange={(e) => toggleEvent(event, e.currentTarget.checked)}
                    />
                    <span>{tn(`ch.form.event.${event}` as NotificationMessageKey)}</span>
                  </label>
                )}
              </For>
            </div>
            <FieldError id="f-events-error" error={errors().events} />
          </fieldset>
          <PillChoice
            name="scope"
            legend={tn('ch.form.scope')}
            options={[
              { value: 'all', label: tn('ch.form.scope.all') },
              { value: 'chosen', label: tn('ch.form.scope.chosen') },
            ]}
            value={values.scope}
            onChange={(scope) => setValues('scope', scope)}
          />
          <FieldError error={errors().scope} />
          <Show when={values.scope === 'chosen'}>
            <EndpointScopePicker
              endpointIds={values.endpointIds}
              tags={values.tags}
              search={values.search}
              onSearch={(text) => setValues('search', text)}
              onToggle={toggle}
              errors={errors()}
            />
          </Show>
          <PillChoice
            name="language"
            legend={tn('ch.form.language')}
            options={(['en', 'ko'] as const).map((l) => ({ value: l, label: LOCALE_NAMES[l] }))}
            value={values.language}
            onChange={(language) => setValues('language', language)}
          />
          <PillChoice
            name="reminder"
            legend={tn('ch.form.reminder')}
            options={[
              { value: 'off', label: tn('ch.form.reminder.off') },
              { value: 'on', label: tn('ch.form.reminder.on') },
            ]}
            value={values.reminder}
            onChange={(reminder) => setValues('reminder', reminder)}
          />
          <Switch>
            <Match when={values.reminder === 'on'}>
              <div class="form-row">
                {numberInput(
                  'reminderEvery',
                  'reminder-everyMinutes',
                  tn('ch.form.reminder.every'),
                  LIMITS.reminderEveryMinutesMax,
                  tn('ch.form.reminder.hint'),
                )}
                {numberInput('reminderMax', 'reminder-max', tn('ch.form.reminder.max'), LIMITS.reminderMaxCount)}
              </div>
            </Match>
          </Switch>
          {numberInput('groupSeconds', 'groupSeconds', tn('ch.form.group'), LIMITS.groupSecondsMax, tn('ch.form.group.hint'))}
          <label class="check ntf-enabled">
            <input type="checkbox" id="f-enabled" checked={values.enabled} onChange={(e) => setValues('enabled', e.currentTarget.checked)} />
            {tn('ch.form.enabled')}
          </label>
          <FormActions
            saving={saving()}
            editing={Boolean(props.id)}
            cancelHref="/notifications"
            text={{ saving: tn('ch.form.saving'), save: tn('ch.form.save'), create: tn('ch.form.create'), cancel: tn('ch.form.cancel') }}
          />
        </form>
      </Show>
    </FormFrame>
  );
}
