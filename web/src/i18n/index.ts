import { createSignal } from 'solid-js';
import { en, ko, type MessageKey } from './messages.ts';

export type Locale = 'en' | 'ko';
export const LOCALES: readonly Locale[] = ['en', 'ko'];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ko: '한국어' };

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, ko };
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

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
document.documentElement.lang = locale();

export { locale };

export function setLocale(next: Locale) {
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

/** Translates a key, filling `{param}` placeholders. Reactive: reads the locale signal. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[locale()][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type { MessageKey };
