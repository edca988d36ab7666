import { createSignal } from 'solid-js';
import type { FormMessageKey } from './form-messages.ts';
import { en, ko, type MessageKey as FirstViewKey } from './messages.ts';

/** Every key t() knows: the first view's (messages.ts) and those a lazily loaded page adds (form-messages.ts). */
type MessageKey = FirstViewKey | FormMessageKey;

export type Locale = 'en' | 'ko';
export const LOCALES: readonly Locale[] = ['en', 'ko'];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ko: '한국어' };

const dictionaries: Record<Locale, Record<string, string>> = { en: { ...en }, ko: { ...ko } };

/** Adds the words of a page loaded later (its messages module calls it once, when it loads). */
export function addMessages(more: Record<Locale, Record<string, string>>) {
  Object.assign(dictionaries.en, more.en);
  Object.assign(dictionaries.ko, more.ko);
}
const STORAGE_KEY = 'vigil.locale';

/** The saved choice, else the browser's first language that we speak, else English. */
function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}

const [locale, setLocaleSignal] = createSignal<Locale>('en');

export { locale };

/** Takes the saved or the browser's language (called once, from main.tsx, before anything is drawn). */
export function startLocale() {
  setLocaleSignal(initialLocale());
  document.documentElement.lang = locale();
}

export function setLocale(next: Locale) {
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** `<key>.one` when the language uses its singular for `count` ("1 check") and that key exists, else `key`. */
function pluralKey(key: MessageKey, count: string | number | undefined): MessageKey {
  if (typeof count !== 'number') return key;
  const lang = locale();
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const one = `${key}.one`;
  return rules.select(count) === 'one' && one in dictionaries[lang] ? (one as MessageKey) : key;
}

/**
 * Translates a key, filling `{param}` placeholders; a numeric `count` picks the singular form
 * `<key>.one` where there is one. Reactive: reads the locale signal.
 * @example t('chart.checks', { count: 1 }) // "1 check"; with 2, "2 checks"; in Korean "체크 1회"
 */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  // (A key of a page's words before its module loaded shows as the key: every user of them imports it.)
  const template = dictionaries[locale()][pluralKey(key, params?.count)] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type { MessageKey };
