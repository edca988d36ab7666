import { type JSX, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { Ability } from '../stores/session.store.ts';

export function NotFoundPage() {
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <p>
        <a href="/">{t('notFound.back')}</a>
      </p>
    </section>
  );
}

/** What /endpoints/:id shows for an id that names no endpoint: unknown, deleted, or not an id at all. */
export function EndpointNotFound() {
  return (
    <section class="not-found" data-testid="endpoint-not-found">
      <h1>{t('ep.notFound')}</h1>
      <p>
        <a href="/endpoints">{t('ep.back')}</a>
      </p>
    </section>
  );
}

/**
 * `children` when the caller may (`when`: can(`ability`)); else, in their place, who may (a viewer
 * who opened /endpoints/new). `when` is passed in: this module, imported by lazily loaded pages too,
 * importing the session store itself made the bundler split the first view in two (over its budget).
 */
export function Allowed(props: { when: boolean; ability: Ability; children: JSX.Element }) {
  return (
    <Show
      when={props.when}
      fallback={
        <section class="not-allowed" aria-labelledby="not-allowed-title">
          <h1 id="not-allowed-title">{t('role.notAllowed')}</h1>
          <p class="empty">{t(`role.refused.${props.ability}`)}</p>
        </section>
      }
    >
      {props.children}
    </Show>
  );
}
