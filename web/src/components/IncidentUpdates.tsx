import { For, Show, createEffect, createSignal, on, onCleanup } from 'solid-js';
import {
  INCIDENT_UPDATE_LIMITS as LIMITS,
  INCIDENT_UPDATE_STATES,
  type IncidentUpdate,
  type IncidentUpdateState,
} from '../../../server/contract/status-pages.ts';
import { describeUpdateError, stateName, tiu } from '../i18n/incident-update-messages.ts';
import { describeProblem, describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime } from '../lib/format.ts';
import { createLiveReads } from '../lib/live-reads.ts';
import { reportLoadFailure } from '../lib/page-data.ts';
import { ApiError } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { incidentUpdatesApi } from '../services/status-pages-api.ts';
import { can } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';
import { Field, FormError, controlProps } from './Field.tsx';
import { DeleteButton, useItemAction } from './ResourcePage.tsx';
import '../incident-updates.css';

const oldestFirst = (a: IncidentUpdate, b: IncidentUpdate) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * An incident's updates, oldest first, live: read with the page (`reload`, on every load of
 * useLiveData) and kept up to date by the incident-update events of this incident. An answer for
 * an earlier read is dropped.
 */
export function useIncidentUpdates(incidentId: () => string) {
  const [items, setItems] = createSignal<IncidentUpdate[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const reads = createLiveReads();

  const reload = () => {
    reads
      .read(
        () => incidentUpdatesApi.list(incidentId()),
        ({ items: read }) => {
          setItems([...read].sort(oldestFirst));
          setLoaded(true);
        },
      )
      .catch((error: unknown) => {
        // The incident itself is gone: the page says so.
        if (!(error instanceof ApiError && error.status === 404)) reportLoadFailure(error);
      });
  };
  const upsert = (u: IncidentUpdate) => {
    if (u.incidentId !== incidentId()) return;
    reads.change(() => setItems((list) => [...list.filter((x) => x.id !== u.id), u].sort(oldestFirst)));
  };
  const remove = (id: string) => reads.change(() => setItems((list) => list.filter((x) => x.id !== id)));

  const stops = [
    onLiveEvent('incident-update:created', upsert),
    onLiveEvent('incident-update:updated', upsert),
    onLiveEvent('incident-update:deleted', (e) => e.incidentId === incidentId() && remove(e.id)),
  ];
  onCleanup(() => {
    for (const stop of stops) stop();
    reads.stop();
  });
  return { items, loaded, reload, upsert, remove };
}

export type IncidentUpdates = ReturnType<typeof useIncidentUpdates>;

/** What usually comes after `latest`: investigating → identified → monitoring → resolved; a resolved incident suggests resolved. */
export function nextState(latest: IncidentUpdateState | undefined, incidentResolved: boolean): IncidentUpdateState {
  if (incidentResolved) return 'resolved';
  if (!latest) return 'investigating';
  const i = INCIDENT_UPDATE_STATES.indexOf(latest);
  return INCIDENT_UPDATE_STATES[Math.min(i + 1, INCIDENT_UPDATE_STATES.length - 1)]!;
}

/** The state as a coloured pill (its word says it without the colour; resolved with a tick). */
function StateBadge(props: { state: IncidentUpdateState }) {
  return (
    <span class="iu-state" data-state={props.state}>
      <Show when={props.state === 'resolved'}>
        <span aria-hidden="true">✓ </span>
      </Show>
      {stateName(props.state)}
    </span>
  );
}

/**
 * The incident page's updates: the timeline (state, message with its line breaks, time, edited
 * when), each editable and deletable in place, and the form that posts one (its state the next
 * one after the newest). The API's field errors show at their fields.
 */
export function IncidentUpdatesSection(props: { incidentId: string; resolved: boolean; updates: IncidentUpdates }) {
  const latest = () => props.updates.items().at(-1)?.state;
  return (
    <section class="iu" aria-labelledby="iu-title">
      <h2 id="iu-title">{tiu('iu.title')}</h2>
      <p class="muted iu-intro">{tiu('iu.intro')}</p>
      <Show when={props.updates.items().length > 0} fallback={<p class="muted iu-none">{props.updates.loaded() ? tiu('iu.none') : ''}</p>}>
        <ol class="iu-list" aria-labelledby="iu-title">
          <For each={props.updates.items()}>{(u) => <UpdateItem update={u} onSaved={props.updates.upsert} onDeleted={() => props.updates.remove(u.id)} />}</For>
        </ol>
      </Show>
      <Show when={can('edit')}>
        <UpdateForm
          incidentId={props.incidentId}
          suggested={nextState(latest(), props.resolved)}
          onSaved={(u) => {
            props.updates.upsert(u);
            addToast('success', tiu('iu.toast.posted'));
          }}
        />
      </Show>
    </section>
  );
}

function UpdateItem(props: { update: IncidentUpdate; onSaved: (u: IncidentUpdate) => void; onDeleted: () => void }) {
  const { busy, act } = useItemAction();
  const [editing, setEditing] = createSignal(false);
  const u = () => props.update;
  const time = () => formatDateTime(u().createdAt);
  const remove = () =>
    act(async () => {
      await incidentUpdatesApi.remove(u().incidentId, u().id);
      props.onDeleted();
      addToast('success', tiu('iu.toast.deleted'));
    });
  return (
    <li class="iu-item" data-state={u().state} data-update-id={u().id}>
      <div class="iu-head">
        <StateBadge state={u().state} />
        <time datetime={u().createdAt}>{time()}</time>
        <Show when={u().updatedAt !== u().createdAt}>
          <span class="muted iu-edited">({tiu('iu.edited', { time: formatDateTime(u().updatedAt) })})</span>
        </Show>
      </div>
      <Show
        when={editing()}
        fallback={
          <>
            <p class="iu-message">{u().message}</p>
            <Show when={can('edit')}>
              <div class="actions iu-actions">
                <button type="button" onClick={() => setEditing(true)} aria-label={tiu('iu.editLabel', { time: time() })}>
                  {tiu('iu.edit')}
                </button>
                <DeleteButton
                  name={time()}
                  busy={busy()}
                  onDelete={remove}
                  text={{ delete: tiu('iu.delete'), confirm: tiu('iu.deleteConfirm'), yes: tiu('iu.deleteYes'), cancel: tiu('iu.cancel') }}
                />
              </div>
            </Show>
          </>
        }
      >
        <UpdateForm
          incidentId={u().incidentId}
          editing={u()}
          suggested={u().state}
          onSaved={(saved) => {
            props.onSaved(saved);
            setEditing(false);
            addToast('success', tiu('iu.toast.saved'));
          }}
          onCancel={() => setEditing(false)}
        />
      </Show>
    </li>
  );
}

/**
 * Posts an update (or, given `editing`, changes that one): a state among the four, `suggested`
 * until one is picked, and a message. Field errors (the browser's and the API's) beside them.
 */
function UpdateForm(props: {
  incidentId: string;
  suggested: IncidentUpdateState;
  editing?: IncidentUpdate;
  onSaved: (u: IncidentUpdate) => void;
  onCancel?: () => void;
}) {
  const prefix = props.editing ? `iu-edit-${props.editing.id}` : 'iu';
  const [state, setState] = createSignal<IncidentUpdateState>(props.suggested);
  const [picked, setPicked] = createSignal(Boolean(props.editing));
  const [message, setMessage] = createSignal(props.editing?.message ?? '');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  // The next state follows the newest update (another tab's too) until one is picked.
  createEffect(
    on(
      () => props.suggested,
      (suggested) => !picked() && setState(suggested),
    ),
  );

  const focusFirstError = () => queueMicrotask(() => document.querySelector<HTMLElement>(`#${prefix}-form [aria-invalid="true"]`)?.focus());
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const text = message().trim();
    const found: Record<string, string> = {};
    if (!text) found.message = tiu('iu.err.required');
    else if (text.length > LIMITS.messageLength) found.message = tiu('iu.err.tooLong', { max: LIMITS.messageLength });
    setErrors(found);
    if (found.message) {
      setFormError('');
      focusFirstError();
      return;
    }
    setSaving(true);
    setFormError('');
    try {
      const body = { state: state(), message: text };
      const saved = props.editing
        ? await incidentUpdatesApi.update(props.incidentId, props.editing.id, body)
        : await incidentUpdatesApi.create(props.incidentId, body);
      props.onSaved(saved);
      if (!props.editing) {
        setMessage('');
        setPicked(false);
        setState(props.suggested);
      }
    } catch (error) {
      if (error instanceof ApiError) {
        const fields: Record<string, string> = {};
        for (const e of error.problem?.errors ?? []) {
          const field = String(e.path).split('.')[0] === 'state' ? 'state' : String(e.path).split('.')[0] === 'message' ? 'message' : '_';
          fields[field] ??= describeUpdateError({ ...e, code: e.code ?? '' });
        }
        const { _: general, ...atFields } = fields;
        setErrors(atFields);
        setFormError(general ?? (Object.keys(atFields).length ? '' : describeProblem(error.problem?.code, error.problem?.params, error.message)));
        focusFirstError();
      } else setFormError(describeRequestError(error));
    } finally {
      setSaving(false);
    }
  };

  const field = (name: string) => `${prefix}-${name}`;
  return (
    <form id={`${prefix}-form`} class="form iu-form" data-editing={props.editing ? 'true' : undefined} onSubmit={submit} novalidate>
      <Show when={!props.editing}>
        <h3 class="iu-form-title">{tiu('iu.form.title')}</h3>
      </Show>
      <FormError error={formError()} />
      <Field name={field('state')} label={tiu('iu.form.state')} error={errors().state}>
        <select
          {...controlProps(field('state'), errors().state)}
          value={state()}
          onChange={(e) => {
            setPicked(true);
            setState(e.currentTarget.value as IncidentUpdateState);
          }}
        >
          <For each={INCIDENT_UPDATE_STATES}>
            {(s) => (
              <option value={s} selected={s === state()}>
                {stateName(s)}
              </option>
            )}
          </For>
        </select>
      </Field>
      <Field name={field('message')} label={tiu('iu.form.message')} hint={tiu('iu.form.message.hint', { max: LIMITS.messageLength })} error={errors().message}>
        <textarea
          {...controlProps(field('message'), errors().message, true)}
          rows={props.editing ? 3 : 4}
          maxLength={LIMITS.messageLength}
          placeholder={props.editing ? undefined : tiu('iu.form.message.placeholder')}
          value={message()}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={saving()}>
          {props.editing ? (saving() ? tiu('iu.form.saving') : tiu('iu.form.save')) : saving() ? tiu('iu.form.posting') : tiu('iu.form.post')}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            {tiu('iu.form.cancel')}
          </button>
        </Show>
      </div>
    </form>
  );
}
