/**
 * An event as the page holds it: the stored record with its photos' places in a Map instead of an
 * object keyed by photo id. Pure: no browser or database imports.
 *
 * Why: reading an object keyed by photo ids makes every id a property name, which the engine keeps
 * in its table of unique strings, and looking a photo up in it (`places[id]`) puts that id there
 * too. At 100,000 photos that table held 100,000 ids, and every full garbage collection walks the
 * whole table while the page is paused: about 8–10 ms of each pause while scrolling the grid
 * (measured in Chromium: 100,000 such strings added 8–9 ms to a full collection, none without).
 * A Map keyed by the same ids keeps none of them there. The reader worker makes the Map, so the
 * page never reads the keyed object at all.
 */
import type { EventRecord } from '../../db/schema';

export type LibraryEvent = Omit<EventRecord, 'photoPlaces'> & {
  /** Where each photo of the event was taken, by photo id (photos with a position only). */
  photoPlaces: ReadonlyMap<string, string>;
};

export function toLibraryEvent(event: EventRecord): LibraryEvent {
  return { ...event, photoPlaces: new Map(Object.entries(event.photoPlaces)) };
}
