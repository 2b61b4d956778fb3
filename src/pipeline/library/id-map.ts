/**
 * Maps and sets keyed by photo id whose keys the JavaScript engine never hashes. Pure.
 *
 * Why: in Chromium a string that has once been a Map or Set key (or a property name) costs every
 * full garbage collection from then on, in the phase that updates pointers from roots into the young
 * generation, even after the Map is gone: in a blank page 100,000 ids as Map keys made that phase
 * 7.2 ms instead of 0.07; in the page at 100,000 photos it was 9–12 ms of each 22–30 ms pause while
 * the person scrolls (docs/decisions.md, "Garbage collection while scrolling"). Here the engine's
 * Maps are keyed by a hash of the id's characters worked out in JavaScript, a small integer, and the
 * id itself is only a value, compared with ===. A clash of hashes takes the next free integer.
 */
import type { PositionLookup } from './filters';

/** Hashes stay small integers (31-bit Smis on every V8 build), which a Map keeps without boxing. */
const HASH_MASK = 0x3fffffff;

/** How many of a long id's characters are hashed: its first few and its last ones. */
const HEAD = 4;
const TAIL = 12;

/**
 * FNV-1a over the id's length and UTF-16 code units: all of a short id's, the head and tail of a
 * long one. A photo id is 64 hex digits of a content hash, any 16 of which tell ids apart; hashing
 * all 64 made a pass over 100,000 photos three times slower. Ids that share a head and tail still
 * work, only slower (a clash takes the next free integer).
 */
export function idHash(id: string): number {
  const length = id.length;
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  if (length <= HEAD + TAIL) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < HEAD; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    for (let i = length - TAIL; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  }
  return hash & HASH_MASK;
}

/** Where `id` is in `keys`, or where it would go: the first free slot of its run. */
function slotOf(keys: ReadonlyMap<number, string>, id: string): number {
  let slot = idHash(id);
  for (;;) {
    const key = keys.get(slot);
    if (key === undefined || key === id) return slot;
    slot = (slot + 1) & HASH_MASK;
  }
}

/** Where `id` is in `keys`, or -1 (one engine lookup where there is no clash: filters make 100,000 of these). */
function foundAt(keys: ReadonlyMap<number, string>, id: string): number {
  let slot = idHash(id);
  for (;;) {
    const key = keys.get(slot);
    if (key === undefined) return -1;
    if (key === id) return slot;
    slot = (slot + 1) & HASH_MASK;
  }
}

/**
 * Frees `slot` and moves the ids after it in its run back into place, so that no run has a hole:
 * `move(from, to)` carries whatever else the caller keeps by slot.
 */
function freeSlot(keys: Map<number, string>, slot: number, move: (from: number, to: number) => void): void {
  keys.delete(slot);
  for (let next = (slot + 1) & HASH_MASK; keys.has(next); next = (next + 1) & HASH_MASK) {
    const key = keys.get(next)!;
    keys.delete(next);
    const to = slotOf(keys, key);
    keys.set(to, key);
    if (to !== next) move(next, to);
  }
}

/** A Map from photo id (ReadonlyMap's reading API plus set, delete and clear). */
export class IdMap<V> implements ReadonlyMap<string, V> {
  readonly #keys = new Map<number, string>();
  readonly #values = new Map<number, V>();

  constructor(entries?: Iterable<readonly [string, V]>) {
    if (entries) for (const [id, value] of entries) this.set(id, value);
  }

  get size(): number {
    return this.#keys.size;
  }

  /** A copy, made without hashing any id again. */
  copy(): IdMap<V> {
    const copy = new IdMap<V>();
    for (const [slot, id] of this.#keys) copy.#keys.set(slot, id);
    for (const [slot, value] of this.#values) copy.#values.set(slot, value);
    return copy;
  }

  get(id: string): V | undefined {
    const slot = foundAt(this.#keys, id);
    return slot < 0 ? undefined : this.#values.get(slot);
  }

  has(id: string): boolean {
    return foundAt(this.#keys, id) >= 0;
  }

  set(id: string, value: V): this {
    const slot = slotOf(this.#keys, id);
    this.#keys.set(slot, id);
    this.#values.set(slot, value);
    return this;
  }

  delete(id: string): boolean {
    const slot = foundAt(this.#keys, id);
    if (slot < 0) return false;
    this.#values.delete(slot);
    freeSlot(this.#keys, slot, (from, to) => {
      this.#values.set(to, this.#values.get(from)!);
      this.#values.delete(from);
    });
    return true;
  }

  clear(): void {
    this.#keys.clear();
    this.#values.clear();
  }

  *entries(): MapIterator<[string, V]> {
    for (const [slot, id] of this.#keys) yield [id, this.#values.get(slot)!];
  }

  keys(): MapIterator<string> {
    return this.#keys.values();
  }

  *values(): MapIterator<V> {
    for (const slot of this.#keys.keys()) yield this.#values.get(slot)!;
  }

  forEach(callback: (value: V, id: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [id, value] of this.entries()) callback(value, id, this);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/** What filters ask of a set of photo ids: an IdSet, or (in tests and small lists) an engine Set. */
export interface ReadonlyIdSet extends Iterable<string> {
  readonly size: number;
  has(id: string): boolean;
}

/** A Set of photo ids (a Set's API but for the newer set algebra). */
export class IdSet implements ReadonlyIdSet {
  readonly #keys = new Map<number, string>();

  constructor(ids?: Iterable<string>) {
    if (ids) for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.#keys.size;
  }

  has(id: string): boolean {
    return foundAt(this.#keys, id) >= 0;
  }

  /** The set's own copy of `id`, if it holds it (StringPool hands that copy out). */
  find(id: string): string | undefined {
    const slot = foundAt(this.#keys, id);
    return slot < 0 ? undefined : this.#keys.get(slot);
  }

  add(id: string): this {
    this.#keys.set(slotOf(this.#keys, id), id);
    return this;
  }

  delete(id: string): boolean {
    const slot = foundAt(this.#keys, id);
    if (slot < 0) return false;
    freeSlot(this.#keys, slot, () => undefined);
    return true;
  }

  clear(): void {
    this.#keys.clear();
  }

  values(): SetIterator<string> {
    return this.#keys.values();
  }

  keys(): SetIterator<string> {
    return this.#keys.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const id of this.#keys.values()) yield [id, id];
  }

  forEach(callback: (value: string, id: string, set: IdSet) => void): void {
    for (const id of this.#keys.values()) callback(id, id, this);
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.#keys.values();
  }
}

/**
 * Ids listed once each (a person's photos), as filters ask for a set of them: counted and walked as
 * the list, made an IdSet only when something is looked up in it. A person filter takes its
 * person's photos by their positions (kept here) and never looks one up: 18,000 ids need not be
 * hashed first.
 */
export class IdList implements ReadonlyIdSet {
  #set: IdSet | null = null;
  /** Where these photos are in a timeline, sorted, for that timeline's position lookup `of` (filters.ts positionsOfSet). */
  positions: { of: PositionLookup; at: Int32Array } | null = null;

  constructor(private readonly ids: readonly string[]) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return (this.#set ??= new IdSet(this.ids)).has(id);
  }

  [Symbol.iterator](): ArrayIterator<string> {
    return this.ids[Symbol.iterator]();
  }
}
