/**
 * One copy of each photo id (and place name) in the page. Every record read from IndexedDB brings
 * its own copies of the strings it holds (structured clone makes new ones), so at 100,000 photos
 * the page held about five copies of every id (the photo, its analysis, its event and that event's
 * day, its similar group, the memories and people showing it) and a place name per photo: over half
 * a million strings, 1 in 4 of the page's heap objects, walked by the garbage collector on every
 * full collection (the longest pauses while scrolling the grid). Records read later share the first
 * copy instead. Pure: no browser or database imports.
 *
 * The pool only grows (an id of a removed photo stays): it holds one string per id ever seen in this
 * page, which the page held anyway.
 */
import type { MemoryRecord, PersonRecord } from '../../db/schema';
import type { EventOnTheWire, LibraryEvent } from './library-event';
import type { SimilarGroup } from '../analyse/similar';
import { IdMap, IdSet } from './id-map';

export class StringPool {
  /** An IdSet, not an engine Set: a pooled id is never hashed by the engine (id-map.ts says why). */
  readonly #strings = new IdSet();

  /** The pool's copy of `value` (this one, the first time it is seen). */
  share(value: string): string {
    const known = this.#strings.find(value);
    if (known !== undefined) return known;
    this.#strings.add(value);
    return value;
  }

  /** Replace each string of `values` by the pool's copy, in place; returns `values`. */
  shareAll(values: string[]): string[] {
    for (let i = 0; i < values.length; i++) values[i] = this.share(values[i]!);
    return values;
  }

  get size(): number {
    return this.#strings.size;
  }
}

/** An event from the reader worker as the page holds it, its photo ids (in place) and place names shared. */
export function shareEvent(event: EventOnTheWire, pool: StringPool): LibraryEvent {
  pool.shareAll(event.photoIds);
  for (const day of event.days) pool.shareAll(day.photoIds);
  const { ids, places } = event.photoPlaces;
  const photoPlaces = new IdMap<string>();
  for (let i = 0; i < ids.length; i++) photoPlaces.set(pool.share(ids[i]!), pool.share(places[i]!));
  return { ...event, photoPlaces };
}

export function shareMemory(memory: MemoryRecord, pool: StringPool): MemoryRecord {
  pool.shareAll(memory.photoIds);
  memory.coverPhotoId = pool.share(memory.coverPhotoId);
  return memory;
}

export function sharePerson(person: PersonRecord, pool: StringPool): PersonRecord {
  pool.shareAll(person.photoIds);
  return person;
}

export function shareGroup(group: SimilarGroup, pool: StringPool): SimilarGroup {
  pool.shareAll(group.photoIds);
  group.best = pool.share(group.best);
  return group;
}
