import { type JSX, Show } from 'solid-js';
import { t } from '../i18n/index.ts';

/**
 * An add-or-edit form page's frame: the way back, the title, and "Loading…" (or why the stored item
 * did not load) until the form can show.
 */
export function FormFrame(props: {
  class: string;
  backHref: string;
  backLabel: string;
  title: string;
  loaded: boolean;
  formError: string;
  children: JSX.Element;
}) {
  return (
    <section class={`form-page ${props.class}`} aria-labelledby="form-title">
      <p class="crumbs">
        <a href={props.backHref}>← {props.backLabel}</a>
      </p>
      <h1 id="form-title">{props.title}</h1>
      <Show when={props.loaded} fallback={<p class="muted">{props.formError || t('common.loading')}</p>}>
        {props.children}
      </Show>
    </section>
  );
}

/** The form's Save (Create when it adds) and Cancel. */
export function FormActions(props: {
  saving: boolean;
  editing: boolean;
  cancelHref: string;
  text: { saving: string; save: string; create: string; cancel: string };
}) {
  return (
    <div class="actions">
      <button type="submit" class="primary" disabled={props.saving}>
        {props.saving ? props.text.saving : props.editing ? props.text.save : props.text.create}
      </button>
      <a class="button" href={props.cancelHref}>
        {props.text.cancel}
      </a>
    </div>
  );
}
