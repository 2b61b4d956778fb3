/**
 * The UI's language: one rune the whole UI reads, set from the person's memory settings (the same
 * language titles are written in). Words come from per-language catalogues (en.ts is the source,
 * every other language has every key: catalogue.ts checks that at compile time).
 */
import type { MessageKey } from './en';
import type { Language } from '../pipeline/memories/types';
import { translate, type MessageParams } from './catalogue';

class Locale {
  language = $state<Language>('en');
}

export const locale = new Locale();

export function t<K extends MessageKey>(key: K, ...params: MessageParams<K> extends undefined ? [] : [MessageParams<K>]): string {
  return translate(locale.language, key, ...params);
}
