import { For } from 'solid-js';
import { LOCALES, LOCALE_NAMES, locale, setLocale, t, type Locale } from '../i18n/index.ts';

/** English or Korean; remembered in this browser. */
export function LanguageSelect() {
  return (
    <label class="lang">
      <select aria-label={t('lang.label')} value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
        <For each={LOCALES}>{(l) => <option value={l}>{LOCALE_NAMES[l]}</option>}</For>
      </select>
    </label>
  );
}
