import { For, Show, type JSX } from 'solid-js';

/** A labelled form control with its hint, its error and its warning beside it (linked for screen readers). */
export function Field(props: { name: string; label: string; hint?: string; error?: string; warning?: string; children: JSX.Element }) {
  return (
    <div class="field" data-field={props.name} data-invalid={props.error ? 'true' : undefined}>
      <label for={`f-${props.name}`}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <small id={`f-${props.name}-hint`} class="muted">
          {props.hint}
        </small>
      </Show>
      <FieldError id={`f-${props.name}-error`} error={props.error} />
      <Show when={!props.error && props.warning}>
        <small id={`f-${props.name}-warning`} class="field-warning" role="status">
          {props.warning}
        </small>
      </Show>
    </div>
  );
}

/** Attributes that tie a control to its Field's hint, error and warning. */
export function controlProps(name: string, error: string | undefined, hint = false, warning?: string) {
  const described = [hint ? `f-${name}-hint` : '', error ? `f-${name}-error` : warning ? `f-${name}-warning` : ''].filter(Boolean).join(' ');
  return { id: `f-${name}`, name, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined };
}

/** A field's error, when it has one (`id`: what the control's aria-describedby names). */
export function FieldError(props: { id?: string; error?: string }) {
  return (
    <Show when={props.error}>
      <small id={props.id} class="field-error" role="alert">
        {props.error}
      </small>
    </Show>
  );
}

/** A form's (or a panel's) line of error, when there is one. */
export function FormError(props: { error: string }) {
  return (
    <Show when={props.error}>
      <p class="form-error" role="alert">
        {props.error}
      </p>
    </Show>
  );
}

/** The time zone field: any IANA name may be typed; `zones` are suggested. */
export function TimeZoneField(props: {
  label: string;
  hint: string;
  error?: string;
  maxLength: number;
  zones: string[];
  value: string;
  onInput: (text: string) => void;
}) {
  return (
    <Field name="timezone" label={props.label} hint={props.hint} error={props.error}>
      <input
        {...controlProps('timezone', props.error, true)}
        type="text"
        list="f-timezone-zones"
        autocomplete="off"
        spellcheck={false}
        maxLength={props.maxLength}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <datalist id="f-timezone-zones">
        <For each={props.zones}>{(zone) => <option value={zone} />}</For>
      </datalist>
    </Field>
  );
}
