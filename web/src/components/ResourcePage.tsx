import { type Component, type JSX, Match, Show, Switch, createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import { matchPath } from '../lib/router.ts';
import { Allowed, NotFoundPage } from '../pages/NotFoundPage.tsx';
import { can } from '../stores/session.store.ts';
import { toastActionFailed } from '../stores/toast.store.ts';

/**
 * The routes of a page that lists stored items and adds or edits them: `base` (the list),
 * `base`/new and `base`/:id/edit (the forms for those who may edit); any other path under it is not found.
 */
export function ResourceRoutes(props: { base: string; path: string; list: Component; form: Component<{ id?: string }> }) {
  const editId = () => matchPath(`${props.base}/:id/edit`, props.path)?.id ?? null;
  const route = () => {
    const path = props.path.replace(/\/+$/, '');
    if (path === props.base) return 'list';
    if (path === `${props.base}/new`) return 'new';
    return editId() ? 'edit' : 'missing';
  };
  return (
    <Switch fallback={<NotFoundPage />}>
      <Match when={route() === 'list'}>
        <props.list />
      </Match>
      <Match when={route() === 'new'}>
        <Allowed when={can('edit')} ability="edit">
          <props.form />
        </Allowed>
      </Match>
      <Match when={route() === 'edit' && editId()} keyed>
        {(id) => (
          <Allowed when={can('edit')} ability="edit">
            <props.form id={id} />
          </Allowed>
        )}
      </Match>
    </Switch>
  );
}

/**
 * A list page's frame: its title with the button that adds one, its intro, then "Loading…", the
 * empty line, or the list. `prefix`: the page's class and ids ("mw" → mw-page, mw-title, mw-intro).
 */
export function ResourceList(props: {
  prefix: string;
  title: string;
  newHref: string;
  newLabel: string;
  intro: string;
  loaded: boolean;
  count: number;
  emptyText: string;
  children: JSX.Element;
}) {
  return (
    <section class={`${props.prefix}-page`} aria-labelledby={`${props.prefix}-title`}>
      <div class="page-head">
        <h1 id={`${props.prefix}-title`}>{props.title}</h1>
        <Show when={can('edit')}>
          <a class="button primary" href={props.newHref}>
            + {props.newLabel}
          </a>
        </Show>
      </div>
      <p class={`muted ${props.prefix}-intro`}>{props.intro}</p>
      <Show when={props.loaded} fallback={<p class="muted">{t('common.loading')}</p>}>
        <Show when={props.count > 0} fallback={<p class="empty">{props.emptyText}</p>}>
          {props.children}
        </Show>
      </Show>
    </section>
  );
}

/** An item's actions, one at a time: `busy` while one runs; a failure is told in a toast (`describe`: in a page's own words). */
export function useItemAction(describe?: (error: unknown) => string) {
  const [busy, setBusy] = createSignal(false);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      toastActionFailed(error, describe?.(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, act };
}

/** An item's Delete button, which asks again ("Delete X?" Yes / Cancel) before `onDelete`. */
export function DeleteButton(props: {
  name: string;
  busy: boolean;
  onDelete: () => void;
  text: { delete: string; confirm: string; yes: string; cancel: string };
}) {
  const [confirming, setConfirming] = createSignal(false);
  return (
    <Show
      when={confirming()}
      fallback={
        <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={props.busy} aria-label={`${props.text.delete}: ${props.name}`}>
          {props.text.delete}
        </button>
      }
    >
      <span class="confirm" role="group" aria-label={props.text.confirm}>
        <span>{props.text.confirm}</span>
        <button type="button" class="danger" onClick={() => props.onDelete()} disabled={props.busy}>
          {props.text.yes}
        </button>
        <button type="button" onClick={() => setConfirming(false)}>
          {props.text.cancel}
        </button>
      </span>
    </Show>
  );
}
