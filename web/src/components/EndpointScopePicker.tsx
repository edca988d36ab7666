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
  const tagChoices = createMemo(() => [...new Set([...allTags(), ...props.tags])].sort());
  const pickerDescribed = () => ['f-endpointIds-count', props.errors.endpointIds ? 'f-endpointIds-error' : ''].filter(Boolean).join(' ');

  return (
    <>
      <div class="field mw-pick" data-field="endpointIds" data-invalid={props.errors.endpointIds ? 'true' : undefined}>
        <label for="f-endpointIds">{tm('mw.form.endpoints')}</label>
        <input
          id="f-endpointIds"
          type="search"
          placeholder={tm('mw.form.endpoints.search')}
          aria-invalid={props.errors.endpointIds ? true : undefined}
          aria-describedby={pickerDescribed()}
          aria-controls="f-endpointIds-options"
          value={props.search}
          onInput={(e) => props.onSearch(e.currentTarget.value)}
        />
        <small id="f-endpointIds-count" class="muted" aria-live="polite">
          {tm('mw.form.endpoints.chosen', { count: props.endpointIds.length })}
        </small>
        <ul class="mw-options" id="f-endpointIds-options" aria-label={tm('mw.form.endpoints')}>
          <For each={matching().slice(0, PICKER_ROWS)} fallback={<li class="muted">{tm('mw.form.endpoints.none')}</li>}>
            {(id) => (
              <li>
                <label class="check">
                  <input type="checkbox" value={id} checked={chosen().has(id)} onChange={(e) => props.onToggle('endpointIds', id, e.currentTarget.checked)} />
                  <span class="mw-option-name">{endpoints.byId[id]?.name}</span>
                </label>
              </li>
            )}
          </For>
        </ul>
        <FieldError id="f-endpointIds-error" error={props.errors.endpointIds} />
      </div>
      <fieldset class="field mw-tags" data-field="tags" data-invalid={props.errors.tags ? 'true' : undefined} aria-describedby="f-tags-hint">
        <legend>{tm('mw.form.tags')}</legend>
        <small id="f-tags-hint" class="muted">
          {tm('mw.form.tags.hint')}
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
                    onChange={(e) => props.onToggle('tags', tag, e.currentTarget.checked)}
                  />
                  {tag}
                </label>
              )}
            </For>
          </div>
        </Show>
        <FieldError error={props.errors.tags} />
      </fieldset>
    </>
  );
}
