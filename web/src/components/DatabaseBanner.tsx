import { Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { databaseOutage } from '../stores/database.store.ts';

/** Said while REST answers 503 because the database is away; the server's words are in the tooltip. */
export function DatabaseBanner() {
  return (
    <Show when={databaseOutage()}>
      {(outage) => (
        <div class="banner" role="alert" data-banner="database" title={outage().detail}>
          <span>{t('db.unavailable')}</span>
        </div>
      )}
    </Show>
  );
}
