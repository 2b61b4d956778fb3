/**
 * Events and trips over the stored photos, run in the cluster worker: the pure segmentation
 * (src/pipeline/events) with places from the offline gazetteer, stored as a whole so the page and
 * the report read the same answer. Only photos with a capture time from the photo itself take part:
 * a file date says when the file was copied, not when the picture was taken.
 */
import { RECORD_SCHEMA, libraryChanged, type EventRecord, type KeepsakeDatabase, type PhotoRecord } from '../db/schema';
import { segmentLibrary, type EventPhoto } from '../pipeline/events/segment';
import { hasOwnCaptureTime } from '../pipeline/import/time';
import type { Gazetteer } from '../pipeline/geo/gazetteer';

export const EVENTS_STATE_KEY = 'events-state';
/** Bump when segmentation or place naming changes: stored events are recomputed on the next start. */
export const EVENTS_VERSION = 2;

export interface EventsState {
  version: number;
  photoCount: number;
  computedAt: number;
  home: string | null;
}

export interface EventsRun {
  events: number;
  trips: number;
  photos: number;
  ms: number;
}

export function eventPhotos(photos: readonly PhotoRecord[]): EventPhoto[] {
  return photos.flatMap((photo) =>
    photo.takenAt && hasOwnCaptureTime(photo)
      ? [{ id: photo.id, takenAt: photo.takenAt, gps: photo.gps ? { lat: photo.gps.lat, lon: photo.gps.lon } : null }]
      : [],
  );
}

export async function segmentEvents(db: KeepsakeDatabase, gazetteer: Gazetteer): Promise<EventsRun> {
  const started = performance.now();
  const photos = await db.getAll('photos');
  const { events, home, photoPlaces } = segmentLibrary(eventPhotos(photos), gazetteer);
  const records: EventRecord[] = events.map((event) => ({
    schema: RECORD_SCHEMA,
    id: event.id,
    kind: event.kind,
    start: event.start,
    end: event.end,
    place: event.place,
    photoIds: event.photoIds,
    days: event.days,
    photoPlaces: Object.fromEntries(event.photoIds.flatMap((id) => {
      const place = photoPlaces.get(id);
      return place ? [[id, place.label]] : [];
    })),
  }));
  const tx = db.transaction(['events', 'meta'], 'readwrite');
  void tx.objectStore('events').clear();
  for (const record of records) void tx.objectStore('events').put(record);
  const state: EventsState = { version: EVENTS_VERSION, photoCount: photos.length, computedAt: Date.now(), home: home?.label ?? null };
  void tx.objectStore('meta').put({ key: EVENTS_STATE_KEY, value: state });
  void tx.objectStore('meta').put(libraryChanged());
  await tx.done;
  return { events: records.length, trips: records.filter((event) => event.kind === 'trip').length, photos: photos.length, ms: Math.round(performance.now() - started) };
}
