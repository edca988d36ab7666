import type { MessageParams } from '../../../server/contract/types.ts';
import { locale } from './index.ts';
import { fill } from './server-messages.ts';

/**
 * The translate function of one set of words kept apart from messages.ts (loaded with the pages
 * that use them): the word of the current locale, its `{param}` placeholders filled; a `count` of 1
 * picks `<key>.one` where there is one. Reactive: reads the locale signal.
 * @example export const tm = translator(en, ko); tm('mw.state.active', { time: '14:00' })
 */
export function translator<K extends string>(en: Record<K, string>, ko: Record<K, string>) {
  return (key: K, params?: MessageParams): string => {
    const words = locale() === 'ko' ? ko : en;
    const one = `${key}.one` as K;
    return fill(words[params?.count === 1 && one in words ? one : key], params);
  };
}
