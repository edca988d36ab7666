import { For, type JSX } from 'solid-js';

/**
 * One choice among a few, as a row of pills (radios, wrapping on a phone): a form's "which kind"
 * questions. Each radio's id is `f-<name>-<value>`; the fieldset is `data-field=<name>` (errors
 * and focus find it there).
 */
export function PillChoice<V extends string>(props: {
  name: string;
  legend: JSX.Element;
  options: readonly { value: V; label: JSX.Element }[];
  value: V;
  onChange: (value: V) => void;
  class?: string;
}) {
  return (
    <fieldset class={`type-choice${props.class ? ` ${props.class}` : ''}`} data-field={props.name}>
      <legend>{props.legend}</legend>
      <div class="type-options">
        <For each={props.options}>
          {(option) => (
            <label class="type-option">
              <input
                type="radio"
                name={props.name}
                id={`f-${props.name}-${option.value}`}
                value={option.value}
                checked={props.value === option.value}
                onChange={() => props.onChange(option.value)}
              />
              <span>{option.label}</span>
            </label>
          )}
        </For>
      </div>
    </fieldset>
  );
}
