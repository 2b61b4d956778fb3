/**
 * An event as the page holds it: the stored record with its photos' places in a Map instead of an
 * object keyed by photo id. Pure: no browser or database imports.
 *
 * Why: the engine gives an object its own chain of hidden classes as properties are added, and an
 * object keyed by photo ids adds a property per photo, so at 100,000 photos the events' places made
 * 30,381 hidden classes (3,223 with Maps), each one more thing for every full garbage collection.
 * The reader worker makes the Maps, so the page never reads the keyed objects at all.
 */
import type { EventRecord } from '../../db/schema';

export type LibraryEvent = Omit<EventRecord, 'photoPlaces'> & {
  /** Where each photo of the event was taken, by photo id (photos with a position only). */
  photoPlaces: ReadonlyMap<string, string>;
};

export function toLibraryEvent(event: EventRecord): LibraryEvent {
  return { ...event, photoPlaces: new Map(Object.entries(event.photoPlaces)) };
}
