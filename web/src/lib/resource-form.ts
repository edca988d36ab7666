import { createEffect, createResource, createSignal, on } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { ProblemDetails } from '../../../server/contract/types.ts';
import { describeProblem, describeRequestError } from '../i18n/server-messages.ts';
import { ApiError } from '../services/api.ts';

/** What a submit checks and sends: the client-side check's result, and how the API's answer is told. */
export interface SaveOptions<D, S> {
  /** The client-side check: the definition to send, or the errors by field. */
  checked: { definition?: D; errors: Record<string, string> };
  /** The form's line when fields are in error. */
  failed: () => string;
  send: (definition: D) => Promise<S>;
  /** After a save (a toast, a way back to the list). */
  done: (saved: S) => void;
  /** The API's field errors by the form's field; one without a field under "_". */
  fieldErrorsOf: (problem: ProblemDetails | null) => Record<string, string>;
  /** The form's line for an API error without field errors; the server's message by default. */
  problemText?: (problem: ProblemDetails | null, error: ApiError) => string | undefined;
}

/**
 * The state of a form that adds a stored item, or edits one when given its id: the values as typed,
 * the errors by field, the form's line, whether it saves, whether the stored item is loaded (with a
 * not-found line when it is gone), and the submit flow that maps the API's field errors beside the
 * fields. `formSelector`: the form, where the first field in error takes the focus.
 */
export function useResourceForm<T, V extends object>(options: {
  id: () => string | undefined;
  load: (id: string) => Promise<T>;
  notFoundText: () => string;
  valuesOf: (item: T) => V;
  defaults: () => V;
  formSelector: string;
}) {
  const [values, setValues] = createStore<V>(options.defaults());
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [loaded, setLoaded] = createSignal(!options.id());
  const [original, setOriginal] = createSignal<T | null>(null);

  const [stored] = createResource(options.id, (id) =>
    options.load(id).catch((error: unknown) => {
      setFormError(error instanceof ApiError && error.status === 404 ? options.notFoundText() : describeRequestError(error));
      return undefined;
    }),
  );
  createEffect(
    on(stored, (item) => {
      if (!item) return;
      setOriginal(() => item);
      setValues(options.valuesOf(item));
      setLoaded(true);
    }),
  );

  const focusFirstError = () => {
    queueMicrotask(() => document.querySelector<HTMLElement>(`${options.formSelector} [aria-invalid="true"]`)?.focus());
  };

  /** Checks, sends and reports: errors beside the fields and in the form's line, the first field in error focused. */
  const save = async <D, S>(o: SaveOptions<D, S>) => {
    const { definition, errors: found } = o.checked;
    setErrors(found);
    if (!definition) {
      setFormError(o.failed());
      focusFirstError();
      return;
    }
    setFormError('');
    setSaving(true);
    try {
      o.done(await o.send(definition));
    } catch (error) {
      if (error instanceof ApiError) {
        const { _: general, ...fields } = o.fieldErrorsOf(error.problem);
        setErrors(fields);
        setFormError(
          general ??
            (Object.keys(fields).length
              ? o.failed()
              : (o.problemText?.(error.problem, error) ?? describeProblem(error.problem?.code, error.problem?.params, error.message))),
        );
        focusFirstError();
      } else {
        setFormError(describeRequestError(error));
      }
    } finally {
      setSaving(false);
    }
  };

  return { values, setValues, errors, setErrors, formError, setFormError, saving, loaded, original, save };
}
