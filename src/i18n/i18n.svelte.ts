/**
 * The UI's language: one rune the whole UI reads, set from the person's memory settings (the same
 * language titles are written in). Words come from per-language catalogues (en.ts is the source);
 * a key a catalogue lacks falls back to English rather than showing nothing.
 */
import { en, type MessageKey } from './en';
import type { Language } from '../pipeline/memories/types';

type Params<K extends MessageKey> = (typeof en)[K] extends (p: infer P) => string ? P : undefined;
export type Catalogue = { [K in MessageKey]?: (typeof en)[K] extends (p: infer P) => string ? (p: P) => string : string };

const catalogues: Partial<Record<Language, Catalogue>> = { en };

class Locale {
  language = $state<Language>('en');
}

export const locale = new Locale();

export function t<K extends MessageKey>(key: K, ...params: Params<K> extends undefined ? [] : [Params<K>]): string {
  const message = catalogues[locale.language]?.[key] ?? en[key];
  return typeof message === 'function' ? (message as (p: unknown) => string)(params[0]) : (message as string);
}
