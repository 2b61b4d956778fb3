/**
 * Memories: the contract between candidate generation, selection, ranking, titles, the worker
 * and the UI. Pure data; times are local wall clocks "as if UTC" (ms) unless said otherwise.
 */
import type { PhotoKind, Theme } from '../analyse/types';

export type MemoryKind = 'trip' | 'event' | 'person' | 'together' | 'theme' | 'on-this-day' | 'year' | 'season';

export const MEMORY_KINDS: readonly MemoryKind[] = ['trip', 'event', 'person', 'together', 'theme', 'on-this-day', 'year', 'season'];

export type Season = 'spring' | 'summer' | 'autumn' | 'winter';

/** What an event looked like, from its photos (never from who is in them). */
export type Occasion = 'party' | 'outing' | 'gathering';

/** A place as the titles need it: structured parts, the country localised from its code. */
export interface MemoryPlace {
  /** Towns in the order they were visited (at most three), [] when none is named. */
  cities: string[];
  /** First-level region (England, Kyoto…), null when unknown. */
  region: string | null;
  /** ISO 3166-1 alpha-2 ("PT"); titles localise it with Intl.DisplayNames. */
  countryCode: string;
}

/** Everything a title or subtitle may say about a memory: facts only, never guessed age/gender. */
export interface MemoryFacts {
  kind: MemoryKind;
  /** Local dates of the first and last photo, "YYYY-MM-DD". */
  start: string;
  end: string;
  /** Distinct local days with photos. */
  days: number;
  photoCount: number;
  place: MemoryPlace | null;
  /** People in the memory, most present first; `name` null when the person has not named them. */
  people: Array<{ id: string; name: string | null }>;
  /** The theme of a theme memory, or the main theme of another one. */
  theme: Theme | null;
  /** For season memories (and as colour elsewhere): the season of `start` where the photos were taken. */
  season: Season | null;
  /** For on-this-day memories: whole years between the photos and today. */
  yearsAgo: number | null;
  occasion: Occasion | null;
}

/** Languages titles and the UI are written in. */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'pl', 'ja', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface MemoryTitle {
  title: string;
  subtitle: string;
}

/**
 * Why a memory is where it is in the ranking: the strongest reasons, strongest first. Turned into
 * one sentence per language by the story stage.
 */
export type WhyReason =
  | { type: 'person'; name: string | null }
  | { type: 'people'; names: Array<string | null> }
  | { type: 'theme'; theme: Theme }
  | { type: 'trip'; days: number }
  | { type: 'far'; km: number }
  | { type: 'anniversary'; yearsAgo: number }
  | { type: 'recent' }
  | { type: 'quality' }
  | { type: 'liked-kind'; kind: MemoryKind }
  | { type: 'big'; photos: number }
  | { type: 'favourites'; count: number }
  | { type: 'new' };

/** One photo as memories see it (built from stored records in the app, from a report in the eval). */
export interface MemoryPhoto {
  id: string;
  /** Local wall clock as if UTC, ms; null when the photo has no capture time of its own. */
  localMs: number | null;
  kind: PhotoKind;
  /** 0..1 */
  quality: number;
  themes: Theme[];
  /** Person ids of the trusted faces in it (merged ids resolved). */
  people: string[];
  faceCount: number;
  eventId: string | null;
  similarGroup: string | null;
  bestOfGroup: boolean;
  /** The coarse look of the analysis' appearance descriptor (analyse/hash.ts lookOf), for variety, when there is one. */
  look?: Float32Array;
}
