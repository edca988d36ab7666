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
