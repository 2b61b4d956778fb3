/**
 * The shape of one language's words for the story stage, and the table of all of them. Each
 * language lives in its own file (en.ts, de.ts…) so a translator reads and edits one place.
 *
 * Templates are plain strings with {slot} placeholders. A template whose slot has no value for a
 * memory (no place, nobody named…) is skipped, so every list mixes templates that need a fact with
 * ones that do not. Write each template so that it stays grammatical whatever goes into its slots:
 * place names arrive as given (never declined), so prefer "{place}, {monthYear}" or
 * "{place}: {days}" to a construction that would need a case ending or a preposition that depends
 * on the place ("w Lizbonie", "au Portugal").
 */
import type { Theme } from '../analyse/types';
import type { Language, MemoryKind, Season } from '../memories/types';
import { da } from './da';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { ja } from './ja';
import { nl } from './nl';
import { pl } from './pl';
import { pt } from './pt';
import { sv } from './sv';
import { zh } from './zh';

/**
 * The forms of a counted phrase, keyed by Intl.PluralRules category ("one", "few", "many"…), with
 * "other" always there. "=1" (as in ICU MessageFormat) wins for exactly one, for wording such as
 * "a year ago". {n} is the number, formatted for the language.
 */
export type CountForms = { other: string } & Partial<Record<Intl.LDMLPluralRule | '=1', string>>;

/**
 * Which list of title templates applies, decided from the facts (see titles.ts): a trip with a
 * place or without one, over a weekend, an event by occasion, a person named or not, two named
 * people, one, or none…
 */
export type TitleSituation =
  | 'trip'
  | 'weekend'
  | 'tripAnywhere'
  | 'event'
  | 'party'
  | 'outing'
  | 'gathering'
  | 'person'
  | 'personOverYears'
  | 'familiarFace'
  | 'pair'
  | 'withOne'
  | 'together'
  | 'theme'
  | 'onThisDay'
  | 'year'
  | 'season';

/** A sentence that can open the "why" line, and the short phrase it becomes after another one. */
export interface WhyPhrase {
  lead: string;
  tail: string;
}

interface WhyWords {
  /** {name}: a whole clause ("Because Anna appears in…"), so nothing is added after it. */
  person: WhyPhrase;
  /** A person nobody has named: described, never given a name. */
  someone: WhyPhrase;
  /** {list}: names, and familiarFace/familiarFaces for the unnamed ones. */
  people: WhyPhrase;
  /** Unnamed people inside {list}, in the grammatical case the `people` phrases put them in. */
  familiarFace: string;
  familiarFaces: string;
  /** {theme}: a whole sentence. */
  theme: string;
  trip: { lead: CountForms; tail: CountForms };
  /** lead: {distance} ("1,200 km"); tail: no number, and the lead too when the distance is unknown. */
  far: WhyPhrase;
  /** {ago}: the `yearsAgo` count ("2 years ago"). */
  anniversary: WhyPhrase;
  recent: WhyPhrase;
  quality: WhyPhrase;
  likedKind: string;
  /** {photos}: the `photos` count. */
  big: WhyPhrase;
  /** {photos}: how many of the memory's photos the person favourited. */
  favourites: WhyPhrase;
  new: string;
  /** When there is no reason at all. */
  neutral: string;
  /** Between a lead and the tail after it (", " or "、"). */
  join: string;
}

export interface Locale {
  kinds: Record<MemoryKind, string>;
  /** Plain theme names, as they read after a colon ("Your favourite theme: pets"). */
  themes: Record<Theme, string>;
  /** Evocative titles for theme memories ("Good food", "Snow days"). */
  themeTitles: Record<Theme, string>;
  /** name: the season as a title word; in: "in summer" after a place ("Kyoto im Herbst"). */
  seasons: Record<Season, { name: string; in: string }>;
  counts: { days: CountForms; photos: CountForms; yearsAgo: CountForms };
  titles: Record<TitleSituation, string[]>;
  why: WhyWords;
  /** Between the parts of a subtitle (" · "; no ASCII space where the language uses none). */
  separator: string;
  /** {place} and {country}: "Lisbon, Portugal", "リスボン（ポルトガル）". */
  placeInCountry: string;
}

export const LOCALES: Record<Language, Locale> = { en, de, fr, es, it, pt, nl, sv, da, pl, ja, zh };
