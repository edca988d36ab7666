import { For, Show, createMemo, createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import { td } from '../i18n/dependency-messages.ts';
import { addressHint, parentChoices, selfAndDescendants, type Related } from '../lib/dependencies.ts';
import { TypeBadge } from './TypeBadge.tsx';

/** Endpoints listed at once (a search narrows a long list). */
const PICKER_ROWS = 100;

/**
 * The endpoint form's "Depends on": the chosen endpoint (or none) with Change, which opens a list of
 * the endpoints this one may depend on: one radio each (by name, with its type and address to tell
 * same-named ones apart), "None" first, narrowed by a search over name and address. Closed, it
 * takes one line of a long form (most endpoints depend on nothing). The endpoint itself and those
 * depending on it are left out: choosing one would make a loop, which the API refuses.
 */
export function ParentPicker(props: {
  /** The chosen parent's id; '' for none. */
  value: string;
  onChange: (id: string) => void;
  /** The edited endpoint (null: a new one). */
  selfId: string | null;
  /** Every endpoint; null while they load. */
  endpoints: readonly Related[] | null;
  error?: string;
}) {
  const [search, setSearch] = createSignal('');
  const [opened, setOpened] = createSignal(false);
  // Refused by the API: the list stays open beside its error.
  const open = () => opened() || !!props.error;
  let toggle: HTMLButtonElement | undefined;
  const all = () => props.endpoints ?? [];
  const choices = createMemo(() => parentChoices(all(), props.selfId, search()));
  /** Descendants of the edited endpoint: not offered (itself left out of the count). */
  const excluded = createMemo(() => (props.selfId ? selfAndDescendants(props.selfId, all()).size - 1 : 0));
  const chosen = () => all().find((e) => e.id === props.value);
  /** A click with the mouse picks and closes; arrow keys move the choice and leave the list open. */
  const pick = (id: string, event: MouseEvent) => {
    props.onChange(id);
    if (event.detail > 0 && !props.error) {
      setOpened(false);
      toggle?.focus();
    }
  };

  const option = (id: string, name: string, detail: () => string, type?: Related['type']) => (
    <li>
      <label class="parent-option" data-parent-id={id || 'none'}>
        <input
          type="radio"
          name="parentId"
          id={id ? undefined : 'f-parentId'}
          value={id}
          checked={props.value === id}
          onChange={() => props.onChange(id)}
          onClick={(e) => pick(id, e)}
        />
        <span class="parent-name">{name}</span>
        <Show when={type}>
          <TypeBadge type={type} always />
        </Show>
        <Show when={detail()}>
          <span class="parent-address">{detail()}</span>
        </Show>
      </label>
    </li>
  );

  return (
    <fieldset class="field parent-pick" data-field="parentId" data-invalid={props.error ? 'true' : undefined} aria-describedby="f-parentId-hint">
      <legend>{td('dep.form.label')}</legend>
      <div class="parent-current">
        <span class="parent-chosen">
          <Show when={props.value} fallback={<span class="muted">{td('dep.form.none')}</span>}>
            <span class="parent-name">{chosen()?.name ?? (props.endpoints ? props.value : t('common.loading'))}</span>
            <Show when={chosen()}>
              {(e) => (
                <>
                  {' '}
                  <TypeBadge type={e().type} always /> <span class="parent-address">{addressHint(e())}</span>
                </>
              )}
            </Show>
          </Show>
        </span>
        <button type="button" ref={toggle} class="parent-toggle" aria-expanded={open()} aria-controls="parent-panel" onClick={() => setOpened(!open())}>
          {open() ? td('dep.form.close') : td('dep.form.change')}
        </button>
      </div>
      <Show when={open()}>
        <div class="parent-panel" id="parent-panel">
          <input
            id="f-parentId-search"
            type="search"
            autocomplete="off"
            placeholder={td('dep.form.search')}
            aria-label={td('dep.form.searchLabel')}
            aria-controls="parent-options"
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? 'f-parentId-error' : undefined}
            value={search()}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <Show when={props.endpoints} fallback={<p class="muted">{t('common.loading')}</p>}>
            <ul class="parent-options" id="parent-options" aria-label={td('dep.form.label')}>
              {option('', td('dep.form.none'), () => td('dep.form.none.detail'))}
              <For each={choices().slice(0, PICKER_ROWS)}>{(e) => option(e.id, e.name, () => addressHint(e), e.type)}</For>
            </ul>
            <Show when={choices().length === 0}>
              <small class="muted parent-empty">{search().trim() ? td('dep.form.noMatch', { search: search().trim() }) : td('dep.form.nothing')}</small>
            </Show>
            <Show when={choices().length > PICKER_ROWS}>
              <small class="muted">{td('dep.form.more', { shown: PICKER_ROWS, count: choices().length })}</small>
            </Show>
            <Show when={excluded() > 0}>
              <small class="muted parent-excluded">{td('dep.form.excluded', { count: excluded() })}</small>
            </Show>
          </Show>
        </div>
      </Show>
      <small id="f-parentId-hint" class="muted">
        {td('dep.form.hint')}
      </small>
      <Show when={props.error}>
        <small id="f-parentId-error" class="field-error" role="alert">
          {props.error}
        </small>
      </Show>
    </fieldset>
  );
}
