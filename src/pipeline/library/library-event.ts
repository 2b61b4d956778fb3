/**
 * An event as the page holds it: the stored record with its photos' places in an IdMap instead of
 * an object keyed by photo id. Pure: no browser or database imports.
 *
 * Why: the engine gives an object its own chain of hidden classes as properties are added, and an
 * object keyed by photo ids adds a property per photo, so at 100,000 photos the events' places made
 * 30,381 hidden classes (3,223 with Maps), each one more thing for every full garbage collection.
 * An engine Map is no better on the page: its keys are hashed (id-map.ts says why that costs). So
 * the reader worker hands the places over as two columns, and the page makes the IdMap.
 */
import type { EventRecord } from '../../db/schema';

/** An event as it crosses from the reader worker: its places as columns (ids[i] was taken at places[i]). */
export type EventOnTheWire = Omit<EventRecord, 'photoPlaces'> & {
  photoPlaces: { ids: string[]; places: string[] };
};

export type LibraryEvent = Omit<EventRecord, 'photoPlaces'> & {
  /** Where each photo of the event was taken, by photo id (photos with a position only). */
  photoPlaces: ReadonlyMap<string, string>;
};

export function toEventOnTheWire(event: EventRecord): EventOnTheWire {
  return { ...event, photoPlaces: { ids: Object.keys(event.photoPlaces), places: Object.values(event.photoPlaces) } };
}
