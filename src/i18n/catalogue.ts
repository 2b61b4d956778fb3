/**
 * Every language's catalogue and the lookup behind t(). Kept free of runes so that plain Node
 * (unit tests) can read the words; i18n.svelte.ts adds the reactive current language.
 */
import type { Language } from '../pipeline/memories/types';
import { en, type MessageKey } from './en';
import { da } from './da';
import { de } from './de';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { ja } from './ja';
import { nl } from './nl';
import { pl } from './pl';
import { pt } from './pt';
import { sv } from './sv';
import { zh } from './zh';

/** What a message needs filled in: its parameters object, or undefined for a plain string. */
export type MessageParams<K extends MessageKey> = (typeof en)[K] extends (p: infer P) => string ? P : undefined;

/** One language's words: every key of the English catalogue, a function wherever English has one, with the same parameters. */
export type Catalogue = { readonly [K in MessageKey]: (typeof en)[K] extends (p: infer P) => string ? (p: P) => string : string };

export const catalogues: Record<Language, Catalogue> = { en, de, fr, es, it, pt, nl, sv, da, pl, ja, zh };

export function translate<K extends MessageKey>(language: Language, key: K, ...params: MessageParams<K> extends undefined ? [] : [MessageParams<K>]): string {
  const message = catalogues[language][key];
  return typeof message === 'function' ? (message as (p: unknown) => string)(params[0]) : (message as string);
}
