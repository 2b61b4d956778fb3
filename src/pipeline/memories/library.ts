/**
 * The library as memories see it, built from plain records: the app builds it from IndexedDB, the
 * ranking evaluation from a report. Pure.
 */
import type { EventKind } from '../../db/schema';
import { dayKey, localSortMs } from '../import/time';
import { distanceKm } from '../geo/gazetteer';
import { homesOverTime } from '../events/home';
import type { MemoryPhoto, MemoryPlace } from './types';

export interface MemoryEvent {
  id: string;
  kind: EventKind;
  photoIds: string[];
  place: MemoryPlace | null;
  /** Farthest distance from home during the event, km (null without positions). */
  awayKm: number | null;
}

export interface MemoryPerson {
  id: string;
  name: string | null;
  hidden: boolean;
}

export interface MemoryLibrary {
  photos: MemoryPhoto[];
  people: MemoryPerson[];
  events: MemoryEvent[];
  /** Today, local wall clock as if UTC (ms). */
  now: number;
  /** Photos the person hid, and local date ranges ("YYYY-MM-DD", inclusive) they hid from memories. */
  hiddenPhotos?: ReadonlySet<string>;
  hiddenRanges?: ReadonlyArray<{ from: string; to: string }>;
  /** Seasons turn around south of the equator. */
  southern?: boolean;
}

/** What the builders need of an event: its stored place parts and each photo's town. */
export interface SourceEvent {
  id: string;
  kind: EventKind;
  photoIds: string[];
  place: { city: string | null; admin1: string | null; countryCode: string } | null;
  /** Photo id → its place label ("Leuven, Belgium"), photos with a position only. */
  photoPlaces: Readonly<Record<string, string>>;
}

export interface SourcePosition {
  id: string;
  takenAt: string | null;
  gps: { lat: number; lon: number } | null;
}

const MAX_CITIES = 3;

/** The towns of an event in visiting order: its one town, or the towns its photos were taken in. */
export function eventPlace(event: SourceEvent): MemoryPlace | null {
  if (!event.place) return null;
  const towns: string[] = [];
  if (event.place.city) towns.push(event.place.city);
  else {
    for (const id of event.photoIds) {
      const town = event.photoPlaces[id]?.split(',')[0]?.trim();
      if (town && !towns.includes(town)) towns.push(town);
    }
  }
  return { cities: towns.length <= MAX_CITIES ? towns : [], region: event.place.admin1, countryCode: event.place.countryCode };
}

/** How far from home each event went: home over time (events/home.ts), the farthest photo. */
export function eventDistances(events: readonly SourceEvent[], photos: readonly SourcePosition[]): Map<string, number | null> {
  const timed = photos.flatMap((photo) => {
    const localMs = localSortMs(photo.takenAt, Number.NaN);
    return Number.isFinite(localMs) ? [{ id: photo.id, localMs, gps: photo.gps }] : [];
  });
  const homes = homesOverTime(timed);
  const byId = new Map(timed.map((photo) => [photo.id, photo]));
  return new Map(events.map((event) => {
    let farthest: number | null = null;
    for (const id of event.photoIds) {
      const photo = byId.get(id);
      const home = photo?.gps ? homes.at(photo.localMs) : null;
      if (!photo?.gps || !home) continue;
      farthest = Math.max(farthest ?? 0, distanceKm(photo.gps.lat, photo.gps.lon, home.lat, home.lon));
    }
    return [event.id, farthest];
  }));
}

export function toMemoryEvents(events: readonly SourceEvent[], photos: readonly SourcePosition[]): MemoryEvent[] {
  const distances = eventDistances(events, photos);
  return events.map((event) => ({ id: event.id, kind: event.kind, photoIds: event.photoIds, place: eventPlace(event), awayKm: distances.get(event.id) ?? null }));
}

/** Local date of a photo, "YYYY-MM-DD" (null without a capture time). */
export const photoDay = (photo: MemoryPhoto): string | null => (photo.localMs === null ? null : dayKey(photo.localMs));

const DAY_MS = 86_400_000;

/** The photo's local day as a number (days since 1970), telling days apart as photoDay does without formatting a date. */
export const photoDayNumber = (photo: MemoryPhoto): number | null => (photo.localMs === null ? null : Math.floor(photo.localMs / DAY_MS));

/** Photos memories may use: real photos (no junk), not hidden, not in a hidden date range, without hidden people. */
export function usablePhotos(library: MemoryLibrary): MemoryPhoto[] {
  const hiddenPeople = new Set(library.people.filter((person) => person.hidden).map((person) => person.id));
  const ranges = library.hiddenRanges ?? [];
  return library.photos.filter((photo) => {
    if (photo.kind !== 'photo' || library.hiddenPhotos?.has(photo.id)) return false;
    if (photo.people.some((id) => hiddenPeople.has(id))) return false;
    const day = photoDay(photo);
    return !day || !ranges.some((range) => day >= range.from && day <= range.to);
  });
}
