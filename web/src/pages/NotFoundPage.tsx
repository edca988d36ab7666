import { t } from '../i18n/index.ts';

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
