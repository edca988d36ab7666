import { For, Show, createMemo } from 'solid-js';
import { tm } from '../i18n/maintenance-messages.ts';
import { allTags, endpoints } from '../stores/endpoints.store.ts';
import { FieldError } from './Field.tsx';

/** Endpoints listed in the picker at once (a search narrows a long list). */
const PICKER_ROWS = 200;

/** `current` with `value` added (once) or taken out: how a form applies the picker's onToggle. */
export const toggled = (current: string[], value: string, on: boolean): string[] =>
  on ? (current.includes(value) ? current : [...current, value]) : current.filter((x) => x !== value);

/**
 * Which endpoints something covers when it is not all of them: a searchable list of every
 * endpoint by name (chosen ones stay chosen while a search hides them) and the tags in use, as
 * checkboxes. Used by the maintenance and the notification channel forms; their API errors on
 * `endpointIds` and `tags` show here. Needs the endpoints store loaded (loadEndpoints).
 */
export function EndpointScopePicker(props: {
  endpointIds: readonly string[];
  tags: readonly string[];
  search: string;
  onSearch: (text: string) => void;
  onToggle: (list: 'endpointIds' | 'tags', value: string, on: boolean) => void;
  errors: { endpointIds?: string; tags?: string };
}) {
  return (
    <>
      <EndpointChecklist
        name="endpointIds"
        endpointIds={props.endpointIds}
        search={props.search}
        onSearch={props.onSearch}
        onToggle={(id, on) => props.onToggle('endpointIds', id, on)}
        error={props.errors.endpointIds}
      />
      <TagChecklist tags={props.tags} onToggle={(tag, on) => props.onToggle('tags', tag, on)} error={props.errors.tags} />
    </>
  );
}

/**
 * A searchable list of every endpoint by name, as checkboxes (chosen ones stay chosen while a
 * search hides them). `name`: its field (ids f-<name>, f-<name>-count, f-<name>-options; errors
 * and focus find it by data-field), so that a form may hold several.
 */
export function EndpointChecklist(props: {
  name: string;
  label?: string;
  endpointIds: readonly string[];
  search: string;
  onSearch: (text: string) => void;
  onToggle: (id: string, on: boolean) => void;
  error?: string;
  /** A line under the chosen count (chosen endpoints that were deleted since). */
  note?: string;
}) {
  const matching = createMemo(() => {
    const needle = props.search.trim().toLowerCase();
    const ids: string[] = [];
    for (const id of endpoints.ids) {
      const e = endpoints.byId[id];
      if (e && (!needle || e.name.toLowerCase().includes(needle))) ids.push(id);
    }
    return ids;
  });
  const chosen = createMemo(() => new Set(props.endpointIds));
  const id = () => `f-${props.name}`;
  const described = () => [`${id()}-count`, props.error ? `${id()}-error` : ''].filter(Boolean).join(' ');
  const label = () => props.label ?? tm('mw.form.endpoints');

  return (
    <div class="field mw-pick" data-field={props.name} data-invalid={props.error ? 'true' : undefined}>
      <label for={id()}>{label()}</label>
      <input
        id={id()}
        type="search"
        placeholder={tm('mw.form.endpoints.search')}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described()}
        aria-controls={`${id()}-options`}
        value={props.search}
        onInput={(e) => props.onSearch(e.currentTarget.value)}
      />
      <small id={`${id()}-count`} class="muted" aria-live="polite">
        {tm('mw.form.endpoints.chosen', { count: props.endpointIds.length })}
        <Show when={props.note}> · {props.note}</Show>
      </small>
      <ul class="mw-options" id={`${id()}-options`} aria-label={label()}>
        <For each={matching().slice(0, PICKER_ROWS)} fallback={<li class="muted">{tm('mw.form.endpoints.none')}</li>}>
          {(endpointId) => (
            <li>
              <label class="check">
                <input
                  type="checkbox"
                  value={endpointId}
                  checked={chosen().has(endpointId)}
                  onChange={(e) => props.onToggle(endpointId, e.currentTarget.checked)}
                />
                <span class="mw-option-name">{endpoints.byId[endpointId]?.name}</span>
              </label>
            </li>
          )}
        </For>
      </ul>
      <FieldError id={`${id()}-error`} error={props.error} />
    </div>
  );
}

/** The tags in use (and those chosen), as checkboxes: the field `tags`. */
export function TagChecklist(props: { tags: readonly string[]; onToggle: (tag: string, on: boolean) => void; error?: string; hint?: string }) {
  const tagChoices = createMemo(() => [...new Set([...allTags(), ...props.tags])].sort());
  return (
    <fieldset class="field mw-tags" data-field="tags" data-invalid={props.error ? 'true' : undefined} aria-describedby="f-tags-hint">
      <legend>{tm('mw.form.tags')}</legend>
      <small id="f-tags-hint" class="muted">
        {props.hint ?? tm('mw.form.tags.hint')}
      </small>
      <Show when={tagChoices().length > 0} fallback={<small class="muted">{tm('mw.form.tags.none')}</small>}>
        <div class="mw-tag-options">
          <For each={tagChoices()}>
            {(tag) => (
              <label class="check mw-tag">
                <input
                  type="checkbox"
                  name="tags"
                  value={tag}
                  checked={props.tags.includes(tag)}
                  onChange={(e) => props.onToggle(tag, e.currentTarget.checked)}
                />
                {tag}
              </label>
            )}
          </For>
        </div>
      </Show>
      <FieldError error={props.error} />
    </fieldset>
  );
}
