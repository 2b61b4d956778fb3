/**
 * What Keepsake has learned about one person's taste, replayed from the signals log (DESIGN.md §6)
 * in order. Two parts: what the person *did* (favourites, hidden photos, photos removed from or
 * added to a memory, renamed titles, dismissed memories: their data, kept forever) and what
 * Keepsake *learned* from it (lifts of themes, people and memory kinds; ranking weights). A reset
 * forgets only the learned part. Pure.
 */
import type { SignalRecord } from '../../db/schema';
import type { MemoryKind, MemoryPhoto } from './types';

export interface Evidence {
  /** Weighted positive and negative evidence per theme / person / kind, and the totals. */
  positive: Map<string, number>;
  negative: Map<string, number>;
  positiveTotal: number;
  negativeTotal: number;
}

export interface MemoryEdits {
  title?: string;
  removed: Set<string>;
  added: string[];
}

export interface TasteProfile {
  favourites: Set<string>;
  hiddenPhotos: Set<string>;
  /** Memories the person dismissed (never shown again) or favourited (kept at the top). */
  dismissed: Set<string>;
  saved: Set<string>;
  edits: Map<string, MemoryEdits>;
  /** Memories the person opened (no longer new). */
  opened: Set<string>;
  themes: Evidence;
  people: Evidence;
  kinds: Evidence;
  /** Ranking weights, started from priors and updated online (see rank.ts). */
  weights: number[];
  /** Explicit feedback on memories per kind, for exploration. */
  feedbackByKind: Map<MemoryKind, number>;
  feedbackTotal: number;
}

const evidence = (): Evidence => ({ positive: new Map(), negative: new Map(), positiveTotal: 0, negativeTotal: 0 });

export function emptyProfile(weights: readonly number[]): TasteProfile {
  return {
    favourites: new Set(),
    hiddenPhotos: new Set(),
    dismissed: new Set(),
    saved: new Set(),
    edits: new Map(),
    opened: new Set(),
    themes: evidence(),
    people: evidence(),
    kinds: evidence(),
    weights: [...weights],
    feedbackByKind: new Map(),
    feedbackTotal: 0,
  };
}

/** Signals in the order they happened (ties in the order they were logged): how every replay reads the log. */
export function inOrder(signals: readonly SignalRecord[]): SignalRecord[] {
  return signals.map((signal, i) => ({ signal, i })).sort((a, b) => a.signal.at - b.signal.at || a.i - b.i).map(({ signal }) => signal);
}

/** A photo's favourite or unfavourite (not a memory's) changes the set of favourite photos. */
export function applyFavourite(favourites: Set<string>, signal: SignalRecord): void {
  const { photoId, memoryId } = signal.target;
  if (!photoId || memoryId) return;
  if (signal.type === 'favourite') favourites.add(photoId);
  if (signal.type === 'unfavourite') favourites.delete(photoId);
}

/** The photos the person favourited, replayed from the log. */
export function favouritesOf(signals: readonly SignalRecord[]): Set<string> {
  const favourites = new Set<string>();
  for (const signal of inOrder(signals)) applyFavourite(favourites, signal);
  return favourites;
}

/** Forget what was learned; keep what the person did. */
export function forgetLearning(profile: TasteProfile, weights: readonly number[]): TasteProfile {
  return { ...profile, themes: evidence(), people: evidence(), kinds: evidence(), weights: [...weights], feedbackByKind: new Map(), feedbackTotal: 0 };
}

/** Add evidence for the themes and people of some photos (shares over them), with a signed weight. */
export function learnFromPhotos(profile: TasteProfile, photos: readonly MemoryPhoto[], weight: number): void {
  if (!photos.length || !weight) return;
  const themes = new Map<string, number>();
  const people = new Map<string, number>();
  for (const photo of photos) {
    for (const theme of new Set(photo.themes)) themes.set(theme, (themes.get(theme) ?? 0) + 1 / photos.length);
    for (const person of new Set(photo.people)) people.set(person, (people.get(person) ?? 0) + 1 / photos.length);
  }
  addEvidence(profile.themes, themes, weight);
  addEvidence(profile.people, people, weight);
}

export function learnKind(profile: TasteProfile, kind: MemoryKind, weight: number): void {
  addEvidence(profile.kinds, new Map([[kind, 1]]), weight);
}

function addEvidence(target: Evidence, shares: ReadonlyMap<string, number>, weight: number): void {
  const side = weight > 0 ? target.positive : target.negative;
  const amount = Math.abs(weight);
  for (const [key, share] of shares) side.set(key, (side.get(key) ?? 0) + share * amount);
  if (weight > 0) target.positiveTotal += amount;
  else target.negativeTotal += amount;
}

/**
 * How much more (or less) than by chance the person's positive evidence is about `key`, −1..1:
 * a person who favourites only dog photos in a library of 10 % dogs lifts "pets" near 1; one who
 * favourites at random lifts nothing. `base` is the key's share of the library.
 */
export function lift(target: Evidence, key: string, base: number): number {
  const side = (values: Map<string, number>, total: number): number => ((values.get(key) ?? 0) - base * total) / (total + 2);
  return clamp(2 * (side(target.positive, target.positiveTotal) - side(target.negative, target.negativeTotal)), -1, 1);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export function editsOf(profile: TasteProfile, memoryId: string): MemoryEdits {
  let edits = profile.edits.get(memoryId);
  if (!edits) profile.edits.set(memoryId, (edits = { removed: new Set(), added: [] }));
  return edits;
}

/** How strongly a memory-level signal says "more like this" (positive) or "not this" (negative); 0 when it says nothing. */
export function memoryFeedback(signal: SignalRecord): number {
  switch (signal.type) {
    case 'thumbsUp':
    case 'favourite':
      return 1;
    case 'print':
    case 'share':
      return 1.5;
    case 'thumbsDown':
    case 'hide':
    case 'dismiss':
      return -1;
    case 'open':
      return 0.2;
    case 'dwellMs':
      return Math.min(1, Number(signal.value ?? 0) / 30_000) * 0.5;
    default:
      return 0;
  }
}

/** How strongly a photo-level signal says "I love this photo" (positive) or "not this" (negative). */
export function photoFeedback(signal: SignalRecord): number {
  switch (signal.type) {
    case 'favourite':
      return 1;
    case 'unfavourite':
      return -0.5;
    case 'hide':
      return -1;
    case 'removeFromMemory':
      return -0.5;
    case 'addToMemory':
      return 0.5;
    case 'share':
    case 'print':
      return 0.7;
    case 'open':
      return 0.1;
    case 'dwellMs':
      return Math.min(1, Number(signal.value ?? 0) / 10_000) * 0.2;
    default:
      return 0;
  }
}
