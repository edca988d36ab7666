import { Show } from 'solid-js';
import { PillChoice } from './PillChoice.tsx';
import { MAINTENANCE_LIMITS as LIMITS } from '../../../server/contract/maintenance-limits.ts';
import type { MaintenanceKind, MaintenanceWindow, MaintenanceWindowDefinition, ProblemDetails } from '../../../server/contract/types.ts';
import { ENDPOINT_LIMITS } from '../../../server/contract/endpoint-limits.ts';
import { locale } from '../i18n/index.ts';
import { describeWindowError, tm, type MaintenanceMessageKey } from '../i18n/maintenance-messages.ts';
import { formatInterval } from '../lib/format.ts';
import { browserTimeZone, cronWords, fromLocalInput, toLocalInput } from '../lib/maintenance.ts';
import { isTimeZone } from '../../../server/contract/time-zone.ts';
import { useLiveData } from '../lib/page-data.ts';
import { useResourceForm } from '../lib/resource-form.ts';
import { navigate } from '../lib/router.ts';
import { maintenanceApi } from '../services/maintenance-api.ts';
import { loadEndpoints } from '../stores/endpoints.store.ts';
import { addToast } from '../stores/toast.store.ts';
import { EndpointScopePicker, toggled } from './EndpointScopePicker.tsx';
import { Field, FormError, TimeZoneField, controlProps } from './Field.tsx';
import { FormActions, FormFrame } from './FormFrame.tsx';

/** The form's fields as typed; times as datetime-local values in this browser's zone. */
interface FormValues {
  name: string;
  description: string;
  kind: MaintenanceKind;
  /** once: the period's start and end; recurring: the optional bounds. */
  startsAt: string;
  endsAt: string;
  cron: string;
  durationMinutes: string;
  timezone: string;
  scope: 'all' | 'chosen';
  endpointIds: string[];
  tags: string[];
  /** The endpoint picker's search text. */
  search: string;
}

const DEFAULTS = (): FormValues => ({
  name: '',
  description: '',
  kind: 'once',
  startsAt: '',
  endsAt: '',
  cron: '',
  durationMinutes: '60',
  timezone: browserTimeZone(),
  scope: 'chosen',
  endpointIds: [],
  tags: [],
  search: '',
});

function valuesOf(w: MaintenanceWindow): FormValues {
  return {
    name: w.name,
    description: w.description ?? '',
    kind: w.kind,
    startsAt: toLocalInput(w.startsAt),
    endsAt: toLocalInput(w.endsAt),
    cron: w.cron ?? '',
    durationMinutes: w.durationMinutes === null ? '60' : String(w.durationMinutes),
    timezone: w.kind === 'recurring' ? (w.timezone ?? 'UTC') : browserTimeZone(),
    scope: w.allEndpoints ? 'all' : 'chosen',
    endpointIds: [...w.endpointIds],
    tags: [...w.tags],
    search: '',
  };
}

/** Client-side checks with the API's limits; returns the definition, or the errors by field. */
function toDefinition(v: FormValues): { definition?: MaintenanceWindowDefinition; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const err = (field: string, key: MaintenanceMessageKey, params?: Record<string, string | number>) => {
    errors[field] ??= tm(key, params);
  };
  const name = v.name.trim();
  if (!name) err('name', 'mw.err.required');
  const once = v.kind === 'once';
  const time = (field: 'startsAt' | 'endsAt') => {
    const text = v[field].trim();
    if (!text) {
      if (once) err(field, 'mw.err.required');
      return null;
    }
    const iso = fromLocalInput(text);
    if (!iso) err(field, 'mw.err.time');
    return iso;
  };
  const startsAt = time('startsAt');
  const endsAt = time('endsAt');
  if (startsAt && endsAt) {
    const length = Date.parse(endsAt) - Date.parse(startsAt);
    if (length <= 0) err('endsAt', 'mw.err.endBeforeStart');
    else if (once && length > LIMITS.onceDays * 86_400_000) err('endsAt', 'mw.err.tooLong', { days: LIMITS.onceDays });
  }
  let cron: string | null = null;
  let durationMinutes: number | null = null;
  let timezone: string | null = null;
  if (!once) {
    cron = v.cron.trim().replace(/\s+/g, ' ');
    if (!cron) err('cron', 'mw.err.required');
    // Five or six fields (seconds first); a nickname such as @daily is for the server to judge.
    else if (!cron.startsWith('@') && !/^\S+( \S+){4,5}$/.test(cron)) err('cron', 'mw.err.cron');
    const text = v.durationMinutes.trim();
    const { min, max } = LIMITS.durationMinutes;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) err('durationMinutes', 'mw.err.duration', { min, max });
    else durationMinutes = Number(text);
    timezone = v.timezone.trim() || null;
    if (timezone !== null && !isTimeZone(timezone)) err('timezone', 'mw.err.timezone');
  }
  const all = v.scope === 'all';
  const endpointIds = all ? [] : v.endpointIds;
  const tags = all ? [] : v.tags;
  if (!all && endpointIds.length + tags.length === 0) err('endpointIds', 'mw.err.scope');
  if (endpointIds.length > LIMITS.endpointIds) err('endpointIds', 'mw.err.tooManyEndpoints', { max: LIMITS.endpointIds });
  if (tags.length > LIMITS.tags) err('tags', 'mw.err.tooManyTags', { max: LIMITS.tags });
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    definition: {
      name,
      description: v.description.trim() || null,
      kind: v.kind,
      startsAt,
      endsAt,
      cron,
      durationMinutes,
      timezone,
      allEndpoints: all,
      endpointIds,
      tags,
    },
  };
}

/** The API's field errors by the form's field ("endpointIds.3" → endpointIds); one without a field ("") → "_". */
function fieldErrorsOf(problem: ProblemDetails | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const field = String(e.path).split(/[.[\]]+/)[0] || '_';
    out[field] ??= describeWindowError(e);
  }
  return out;
}

/** The zones the time zone field suggests: this browser's first, then the most used. Any other IANA name may be typed. */
const ZONES = [
  'UTC',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
];

/** Adds a maintenance window, or edits one when given its id: one form that adapts to the kind. The API's field errors appear beside the fields. */
export function MaintenanceForm(props: { id?: string }) {
  const { values, setValues, errors, formError, saving, loaded, original, save } = useResourceForm({
    id: () => props.id,
    load: (id) => maintenanceApi.get(id),
    notFoundText: () => tm('mw.notFound'),
    valuesOf,
    defaults: DEFAULTS,
    formSelector: '.mw-form',
  });
  useLiveData({ load: loadEndpoints });

  const zone = browserTimeZone();
  const once = () => values.kind === 'once';

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void save({
      checked: toDefinition(values),
      failed: () => tm('mw.form.failed'),
      send: (definition: MaintenanceWindowDefinition) => (props.id ? maintenanceApi.update(props.id, definition) : maintenanceApi.create(definition)),
      done: (saved) => {
        addToast('success', tm(props.id ? 'mw.toast.saved' : 'mw.toast.created', { name: saved.name }));
        navigate('/maintenance');
      },
      fieldErrorsOf,
    });
  };

  const input = (
    name: 'name' | 'startsAt' | 'endsAt' | 'cron' | 'durationMinutes',
    label: string,
    opts: { hint?: () => string | undefined; type?: string; maxLength?: number; inputmode?: 'numeric'; spellcheck?: boolean } = {},
  ) => (
    <Field name={name} label={label} hint={opts.hint?.()} error={errors()[name]}>
      <input
        {...controlProps(name, errors()[name], Boolean(opts.hint?.()))}
        type={opts.type ?? 'text'}
        inputmode={opts.inputmode}
        spellcheck={opts.spellcheck}
        maxLength={opts.maxLength}
        value={values[name]}
        onInput={(e) => setValues(name, e.currentTarget.value)}
      />
    </Field>
  );

  const durationHint = () => {
    const text = values.durationMinutes.trim();
    return tm('mw.form.duration.hint', { duration: /^\d+$/.test(text) && Number(text) > 0 ? formatInterval(Number(text) * 60) : '…' });
  };
  const cronHint = () => {
    const words = cronWords(values.cron, locale());
    return words ? tm('mw.form.cron.reads', { text: words }) : tm('mw.form.cron.hint');
  };

  const toggle = (list: 'endpointIds' | 'tags', value: string, on: boolean) => setValues(list, (current) => toggled(current, value, on));

  return (
    <FormFrame
      class="mw-form-page"
      backHref="/maintenance"
      backLabel={tm('mw.back')}
      title={props.id ? tm('mw.form.editTitle', { name: original()?.name ?? '' }) : tm('mw.form.newTitle')}
      loaded={loaded()}
      formError={formError()}
    >
      <form class="form mw-form" onSubmit={submit} novalidate>
        <FormError error={formError()} />
        {input('name', tm('mw.form.name'), { maxLength: LIMITS.nameLength })}
        <Field name="description" label={tm('mw.form.description')} hint={tm('mw.form.description.hint')} error={errors().description}>
          <textarea
            {...controlProps('description', errors().description, true)}
            rows={2}
            maxLength={LIMITS.descriptionLength}
            value={values.description}
            onInput={(e) => setValues('description', e.currentTarget.value)}
          />
        </Field>
        <PillChoice
          name="kind"
          legend={tm('mw.form.kind')}
          options={[
            { value: 'once', label: tm('mw.form.kind.once') },
            { value: 'recurring', label: tm('mw.form.kind.recurring') },
          ]}
          value={values.kind}
          onChange={(kind) => setValues('kind', kind)}
        />
        <Show when={!once()}>
          <div class="form-row">
            {input('cron', tm('mw.form.cron'), { hint: cronHint, maxLength: LIMITS.cronLength, spellcheck: false })}
            {input('durationMinutes', tm('mw.form.duration'), {
              hint: durationHint,
              inputmode: 'numeric',
              maxLength: String(LIMITS.durationMinutes.max).length,
            })}
          </div>
          <TimeZoneField
            label={tm('mw.form.timezone')}
            hint={tm('mw.form.timezone.hint')}
            error={errors().timezone}
            maxLength={ENDPOINT_LIMITS.timezoneLength}
            zones={[...new Set([zone, ...ZONES])]}
            value={values.timezone}
            onInput={(text) => setValues('timezone', text)}
          />
        </Show>
        <div class="form-row">
          {input('startsAt', tm(once() ? 'mw.form.startsAt' : 'mw.form.notBefore'), {
            type: 'datetime-local',
            hint: () => tm(once() ? 'mw.form.localTime' : 'mw.form.bounds.hint', { zone }),
          })}
          {input('endsAt', tm(once() ? 'mw.form.endsAt' : 'mw.form.notAfter'), {
            type: 'datetime-local',
            hint: () => tm(once() ? 'mw.form.localTime' : 'mw.form.bounds.hint', { zone }),
          })}
        </div>
        <PillChoice
          name="scope"
          legend={tm('mw.form.scope')}
          options={[
            { value: 'chosen', label: tm('mw.form.scope.chosen') },
            { value: 'all', label: tm('mw.form.scope.all') },
          ]}
          value={values.scope}
          onChange={(scope) => setValues('scope', scope)}
        />
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
        <FormActions
          saving={saving()}
          editing={Boolean(props.id)}
          cancelHref="/maintenance"
          text={{ saving: tm('mw.form.saving'), save: tm('mw.form.save'), create: tm('mw.form.create'), cancel: tm('mw.form.cancel') }}
        />
      </form>
    </FormFrame>
  );
}
