/**
 * Photo selection: the photos a book of this memory would use. One photo per similar group (its
 * best), then a greedy maximal-marginal-relevance pick that trades quality against sameness while
 * covering the memory's days and people; chronological order; a cover. Pure.
 */
import { appearanceSimilarity } from '../analyse/hash';
import { photoDay } from './library';
import type { MemoryCandidate } from './candidates';
import type { MemoryPhoto } from './types';

export interface SelectionPrefs {
  /** Photos the person favourited (they are wanted in every memory they belong to). */
  favourites: ReadonlySet<string>;
  /** Photos the person removed from this memory, and photos they added to it. */
  removed?: ReadonlySet<string>;
  added?: readonly string[];
  /** Extra appeal of a photo for this person (learned from signals), about 0..0.5. */
  appeal?: (photo: MemoryPhoto) => number;
}

export interface Selection {
  photoIds: string[];
  cover: string;
}

/** Weight of a photo's own value against its difference from what is already picked. */
const LAMBDA = 0.7;
const FAVOURITE_BONUS = 0.4;
const NEW_DAY_BONUS = 0.15;
const NEW_PERSON_BONUS = 0.1;

/** How many photos a memory of n usable photos gets: all of a small one, about 12 + 4√n of a big one, at most 60. */
export function selectionSize(n: number): number {
  return n <= 12 ? n : Math.min(n, 60, Math.round(12 + 4 * Math.sqrt(n)));
}

export function selectPhotos(candidate: MemoryCandidate, prefs: SelectionPrefs, extra: readonly MemoryPhoto[] = []): Selection {
  const removed = prefs.removed ?? new Set<string>();
  const added = new Set(prefs.added ?? []);
  const own = new Set(candidate.photos.map((photo) => photo.id));
  const outsiders = extra.filter((photo) => added.has(photo.id) && !own.has(photo.id));
  const pool = onePerGroup([...candidate.photos, ...outsiders].filter((photo) => !removed.has(photo.id)), prefs);
  const about = new Set(candidate.facts.people.slice(0, candidate.kind === 'together' ? 2 : 1).map((person) => person.id));
  const worth = (photo: MemoryPhoto): number => photoWorth(photo, prefs, about);
  const chosen: MemoryPhoto[] = pool.filter((photo) => added.has(photo.id));
  const days = new Set(chosen.map((photo) => photoDay(photo)));
  const people = new Set(chosen.flatMap((photo) => photo.people));
  const left = pool.filter((photo) => !added.has(photo.id));
  // Each photo's sameness to the chosen ones, kept up to date with the newest pick only (not all picks every round).
  const sameness = left.map((photo) => chosen.reduce((max, other) => Math.max(max, similarity(photo, other)), 0));
  const target = Math.max(chosen.length, selectionSize(pool.length));
  while (chosen.length < target && left.length) {
    let best = 0;
    let bestScore = -Infinity;
    left.forEach((photo, i) => {
      const coverage = (days.has(photoDay(photo)) ? 0 : NEW_DAY_BONUS) + (photo.people.some((id) => !people.has(id)) ? NEW_PERSON_BONUS : 0);
      const score = LAMBDA * worth(photo) - (1 - LAMBDA) * sameness[i]! + coverage;
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    const [photo] = left.splice(best, 1);
    sameness.splice(best, 1);
    left.forEach((other, i) => (sameness[i] = Math.max(sameness[i]!, similarity(other, photo!))));
    chosen.push(photo!);
    days.add(photoDay(photo!));
    for (const id of photo!.people) people.add(id);
  }
  chosen.sort((a, b) => (a.localMs ?? Infinity) - (b.localMs ?? Infinity) || (a.id < b.id ? -1 : 1));
  return { photoIds: chosen.map((photo) => photo.id), cover: coverOf(chosen, worth, about)?.id ?? '' };
}

/** A photo's own value in this memory: quality, favourites, the memory's people in it, learned appeal. */
function photoWorth(photo: MemoryPhoto, prefs: SelectionPrefs, about: ReadonlySet<string>): number {
  const favourite = prefs.favourites.has(photo.id) ? FAVOURITE_BONUS : 0;
  const subject = about.size && photo.people.some((id) => about.has(id)) ? 0.15 : 0;
  return photo.quality + favourite + subject + (prefs.appeal?.(photo) ?? 0);
}

/** Only the best of each similar group (its pick when present, else the best member left). */
function onePerGroup(photos: readonly MemoryPhoto[], prefs: SelectionPrefs): MemoryPhoto[] {
  const groups = new Map<string, MemoryPhoto>();
  const out: MemoryPhoto[] = [];
  const rank = (photo: MemoryPhoto): number => (prefs.favourites.has(photo.id) ? 2 : 0) + (photo.bestOfGroup ? 1 : 0) + photo.quality * 0.5;
  for (const photo of photos) {
    if (!photo.similarGroup) out.push(photo);
    else {
      const kept = groups.get(photo.similarGroup);
      if (!kept || rank(photo) > rank(kept)) groups.set(photo.similarGroup, photo);
    }
  }
  return [...out, ...groups.values()];
}

/**
 * How alike two photos are, 0..1: their appearance where both have one, else closeness in time,
 * shared people and shared themes.
 */
export function similarity(a: MemoryPhoto, b: MemoryPhoto): number {
  if (a.similarGroup && a.similarGroup === b.similarGroup) return 1;
  const time = a.localMs !== null && b.localMs !== null ? Math.exp(-Math.abs(a.localMs - b.localMs) / 1_800_000) : 0;
  const context = 0.5 * time + 0.25 * jaccard(a.people, b.people) + 0.25 * jaccard(a.themes, b.themes);
  if (!a.appearance || !b.appearance) return context;
  return 0.6 * appearanceSimilarity(a.appearance, b.appearance) + 0.4 * context;
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (!a.length && !b.length) return 1;
  const setB = new Set(b);
  const shared = new Set(a.filter((x) => setB.has(x))).size;
  return shared / new Set([...a, ...b]).size;
}

/** The cover: a good photo with the memory's people (or any faces) in it, else the best photo. */
function coverOf(photos: readonly MemoryPhoto[], worth: (photo: MemoryPhoto) => number, about: ReadonlySet<string>): MemoryPhoto | undefined {
  const appeal = (photo: MemoryPhoto): number => worth(photo) + (photo.people.some((id) => about.has(id)) ? 0.3 : photo.faceCount ? 0.1 : 0);
  return photos.reduce<MemoryPhoto | undefined>((best, photo) => (!best || appeal(photo) > appeal(best) ? photo : best), undefined);
}
