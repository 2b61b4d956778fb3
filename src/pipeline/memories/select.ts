/**
 * Photo selection: the photos a book of this memory would use. One photo per similar group (its
 * best), then a greedy maximal-marginal-relevance pick that trades quality against sameness while
 * covering the memory's days and people; chronological order; a cover. Pure.
 */
import { lookSimilarity } from '../analyse/hash';
import { photoDayNumber } from './library';
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
  // Most memories have no edits: their own photos are the pool, without copying or a set of ids.
  const own = extra.length ? new Set(candidate.photos.map((photo) => photo.id)) : null;
  const outsiders = own ? extra.filter((photo) => added.has(photo.id) && !own.has(photo.id)) : [];
  const photos = outsiders.length ? [...candidate.photos, ...outsiders] : candidate.photos;
  const pool = onePerGroup(removed.size ? photos.filter((photo) => !removed.has(photo.id)) : photos, prefs);
  const about = new Set(candidate.facts.people.slice(0, candidate.kind === 'together' ? 2 : 1).map((person) => person.id));
  const worth = (photo: MemoryPhoto): number => photoWorth(photo, prefs, about);
  const chosen: MemoryPhoto[] = added.size ? pool.filter((photo) => added.has(photo.id)) : [];
  const days = new Set(chosen.map((photo) => photoDayNumber(photo)));
  const people = new Set(chosen.flatMap((photo) => photo.people));
  const left = added.size ? pool.filter((photo) => !added.has(photo.id)) : pool;
  const target = Math.max(chosen.length, selectionSize(pool.length));
  for (const photo of pickGreedily(left, chosen, target - chosen.length, worth, days, people)) {
    chosen.push(photo);
    days.add(photoDayNumber(photo));
    for (const id of photo.people) people.add(id);
  }
  chosen.sort((a, b) => (a.localMs ?? Infinity) - (b.localMs ?? Infinity) || (a.id < b.id ? -1 : 1));
  return { photoIds: chosen.map((photo) => photo.id), cover: coverOf(chosen, worth, about)?.id ?? '' };
}

/**
 * The greedy maximal-marginal-relevance pick: each round takes the photo with the best
 *   LAMBDA · worth − (1 − LAMBDA) · (its greatest sameness to a chosen photo) + coverage
 * (the first in pool order on a tie), where coverage is a bonus for a day or a person not yet
 * covered. Taking a photo only ever lowers the others' scores (sameness grows, coverage shrinks), so
 * a score computed in an earlier round bounds it from above: photos are looked at best bound first,
 * and only those whose bound could still win are brought up to date (lazy greedy). The picks are
 * exactly those of scoring every photo every round, at a small part of the cost on big memories.
 */
function pickGreedily(left: readonly MemoryPhoto[], chosen: readonly MemoryPhoto[], wanted: number, worth: (photo: MemoryPhoto) => number, days: Set<number | null>, people: Set<string>): MemoryPhoto[] {
  const n = left.length;
  const picks: MemoryPhoto[] = [];
  if (wanted <= 0 || !n) return picks;
  const value = new Float64Array(n);
  const day: Array<number | null> = new Array(n);
  // Each photo's sameness to the chosen ones, as of the first `upTo[i]` picks of this run.
  const sameness = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const photo = left[i]!;
    value[i] = LAMBDA * worth(photo);
    day[i] = photoDayNumber(photo);
    for (const other of chosen) sameness[i] = Math.max(sameness[i]!, similarity(photo, other));
  }
  const heap = new BoundHeap(n);
  const { bound } = heap;
  /** How many picks `bound[i]` has seen: all of them makes it the photo's exact score now. */
  const upTo = new Int32Array(n);
  const scoreOf = (i: number, coverage: number): number => {
    const exact = value[i]! - (1 - LAMBDA) * sameness[i]! + coverage;
    // A score that is not a number never wins (unless nothing else can), as `>` never prefers it.
    return Number.isNaN(exact) ? -Infinity : exact;
  };
  const coverageOf = (i: number): number => {
    let bonus = days.has(day[i]!) ? 0 : NEW_DAY_BONUS;
    for (const id of left[i]!.people) {
      if (people.has(id)) continue;
      bonus += NEW_PERSON_BONUS;
      break;
    }
    return bonus;
  };
  /** Bring photo i's score up to date, stopping early once it can no longer beat the next in line. */
  const update = (i: number): void => {
    const photo = left[i]!;
    const coverage = coverageOf(i);
    const next = heap.peek();
    let seen = upTo[i]!;
    bound[i] = scoreOf(i, coverage);
    while (seen < picks.length && (next < 0 || heap.before(i, next))) {
      sameness[i] = atLeast(photo, picks[seen]!, sameness[i]!);
      seen++;
      bound[i] = scoreOf(i, coverage);
    }
    upTo[i] = seen;
  };
  // No photo is picked yet: every score is exact as it stands.
  for (let i = 0; i < n; i++) bound[i] = scoreOf(i, coverageOf(i));
  heap.fill();
  while (picks.length < wanted && heap.size) {
    let top = heap.pop();
    while (upTo[top] !== picks.length) {
      update(top);
      // Exact now and still ahead of the rest: it is the pick (pushing it back would pop it again).
      if (upTo[top] === picks.length && (heap.size === 0 || heap.before(top, heap.peek()))) break;
      heap.push(top);
      top = heap.pop();
    }
    const photo = left[top]!;
    picks.push(photo);
    days.add(day[top]!);
    for (const id of photo.people) people.add(id);
    // Every other score may have dropped: none is exact any more.
  }
  return picks;
}

/**
 * A binary max-heap of the indices 0..n−1 by `bound` (the index breaks a tie: lower first). Typed
 * arrays and no comparison callback: it holds every photo of a memory, a year's in a year memory.
 */
class BoundHeap {
  readonly bound: Float64Array;
  readonly #items: Int32Array;
  #size = 0;

  constructor(n: number) {
    this.bound = new Float64Array(n);
    this.#items = new Int32Array(n);
  }

  get size(): number {
    return this.#size;
  }

  before(a: number, b: number): boolean {
    const bound = this.bound;
    return bound[a]! > bound[b]! || (bound[a] === bound[b] && a < b);
  }

  /** Every index, ordered in O(n) (Floyd's heap construction). */
  fill(): void {
    const n = this.bound.length;
    for (let i = 0; i < n; i++) this.#items[i] = i;
    this.#size = n;
    for (let at = (n >> 1) - 1; at >= 0; at--) this.#down(at);
  }

  /** The best index, or −1 when empty. */
  peek(): number {
    return this.#size ? this.#items[0]! : -1;
  }

  push(item: number): void {
    const items = this.#items;
    let at = this.#size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = item;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    this.#size--;
    if (this.#size) {
      items[0] = items[this.#size]!;
      this.#down(0);
    }
    return top;
  }

  #down(from: number): void {
    const items = this.#items;
    const item = items[from]!;
    let at = from;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= this.#size) break;
      const r = l + 1;
      const child = r < this.#size && this.before(items[r]!, items[l]!) ? r : l;
      if (!this.before(items[child]!, item)) break;
      items[at] = items[child]!;
      at = child;
    }
    items[at] = item;
  }
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
 * How alike two photos are, 0..1: how alike they look (lookSimilarity) where both have a look,
 * else closeness in time, shared people and shared themes.
 */
export function similarity(a: MemoryPhoto, b: MemoryPhoto): number {
  if (a.similarGroup && a.similarGroup === b.similarGroup) return 1;
  const context = contextSimilarity(a, b);
  if (!a.look || !b.look) return context;
  return APPEARANCE_WEIGHT * lookSimilarity(a.look, b.look) + CONTEXT_WEIGHT * context;
}

const APPEARANCE_WEIGHT = 0.6;
const CONTEXT_WEIGHT = 0.4;

/** Closeness in time, shared people and shared themes, 0..1. */
function contextSimilarity(a: MemoryPhoto, b: MemoryPhoto): number {
  const time = a.localMs !== null && b.localMs !== null ? Math.exp(-Math.abs(a.localMs - b.localMs) / 1_800_000) : 0;
  return 0.5 * time + 0.25 * jaccard(a.people, b.people) + 0.25 * jaccard(a.themes, b.themes);
}

/**
 * max(floor, similarity(a, b)), without comparing the looks when even identical ones (a look
 * similarity of 1, its most) could not lift the similarity above `floor`.
 */
function atLeast(a: MemoryPhoto, b: MemoryPhoto, floor: number): number {
  if ((a.similarGroup && a.similarGroup === b.similarGroup) || !a.look || !b.look) return Math.max(floor, similarity(a, b));
  const context = contextSimilarity(a, b);
  if (APPEARANCE_WEIGHT * 1 + CONTEXT_WEIGHT * context <= floor) return floor;
  return Math.max(floor, APPEARANCE_WEIGHT * lookSimilarity(a.look, b.look) + CONTEXT_WEIGHT * context);
}

/**
 * Shared distinct items over all distinct items. The lists are a photo's few people or themes and
 * this runs for millions of pairs, so it counts in place instead of building sets, and answers the
 * common cases (an empty list, one item each) at once.
 */
function jaccard(a: readonly string[], b: readonly string[]): number {
  if (!a.length) return b.length ? 0 : 1;
  if (!b.length) return 0;
  if (a.length === 1 && b.length === 1) return a[0] === b[0] ? 1 : 0;
  let shared = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.indexOf(a[i]!) !== i) continue;
    union++;
    if (b.includes(a[i]!)) shared++;
  }
  for (let j = 0; j < b.length; j++) if (b.indexOf(b[j]!) === j && !a.includes(b[j]!)) union++;
  return shared / union;
}

/** The cover: a good photo with the memory's people (or any faces) in it, else the best photo. */
function coverOf(photos: readonly MemoryPhoto[], worth: (photo: MemoryPhoto) => number, about: ReadonlySet<string>): MemoryPhoto | undefined {
  const appeal = (photo: MemoryPhoto): number => worth(photo) + (photo.people.some((id) => about.has(id)) ? 0.3 : photo.faceCount ? 0.1 : 0);
  return photos.reduce<MemoryPhoto | undefined>((best, photo) => (!best || appeal(photo) > appeal(best) ? photo : best), undefined);
}
