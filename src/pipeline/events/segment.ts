/**
 * Events and trips from capture times and positions. Pure.
 *
 * 1. Photos are put in true time order (UTC: the EXIF offset, else the time zone at the GPS
 *    position, else the wall clock as is).
 * 2. Moments are cut where the library itself pauses: a day or more without photos; a night (the
 *    local date changes across a gap of hours); within one day, a pause long for that day's own
 *    rhythm (six times its median gap, between 1.5 and 4 hours); or a move to another place.
 * 3. Home is where photos are taken on the most distinct days. Consecutive moments away from home,
 *    with no home photo between them and at most two days' pause, spanning more than one local day,
 *    are one trip; its days are its chapters.
 * Fixed gaps (8 hours) cut trips into days and split parties across a late pause; PhotoTOC's
 * log-gap rule (baselines.ts) adapts to density but knows neither days nor places.
 */
import { dayKey, localSortMs } from '../import/time';
import { distanceKm, type Gazetteer } from '../geo/gazetteer';
import { placeAt, placeOfMany, type Place } from '../geo/places';
import { offsetMinutesAt } from '../geo/timezone';

export interface EventPhoto {
  id: string;
  /** ISO local wall-clock time, with the offset when known ("2023-05-12T09:40:13+01:00"). */
  takenAt: string;
  gps: { lat: number; lon: number } | null;
}

export type EventKind = 'day' | 'event' | 'trip';

export interface LibraryEvent {
  id: string;
  kind: EventKind;
  photoIds: string[];
  start: string;
  end: string;
  place: Place | null;
  days: Array<{ date: string; photoIds: string[] }>;
}

export interface TimedPhoto extends EventPhoto {
  /** Wall clock as if UTC (days are cut in the photo's own local time). */
  localMs: number;
  utcMs: number;
}

const HOUR = 3_600_000;
export const RULES = {
  /** A pause this long always ends a moment (a trip may join moments again). */
  longPause: 24 * HOUR,
  /** Across a change of local date, a pause this long is a night. */
  night: 5 * HOUR,
  /** Within a day: a pause of this many times the day's median gap ends a moment… */
  dayRhythm: 6,
  /** …but never less than this, and always this much. */
  minPause: 1.5 * HOUR,
  maxPause: 4 * HOUR,
  /** Consecutive photos this far apart are in different places… */
  moveKm: 25,
  /** …and a pause this long there ends the moment. */
  movePause: 0.75 * HOUR,
  /** Farther than this from home is away. */
  awayKm: 50,
  /** Moments away from home join into one trip across pauses up to this long. */
  tripPause: 48 * HOUR,
} as const;

const OFFSET = /([+-])(\d{2}):?(\d{2})$|Z$/;

/** The photo's UTC offset in minutes: from its own time stamp, else the zone at its position. */
function offsetOf(photo: EventPhoto, localMs: number): number | null {
  const m = OFFSET.exec(photo.takenAt);
  if (m) return m[0] === 'Z' ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return photo.gps ? offsetMinutesAt(photo.gps.lat, photo.gps.lon, localMs) : null;
}

/** A photo without an offset of its own takes the offset of the nearest photo (in wall-clock time) that has one, this close. */
const BORROW_OFFSET_MS = 12 * 3_600_000;

/** Photos in true time order (ties by id, so the order never depends on the input's). */
export function chronological<T extends EventPhoto>(photos: readonly T[]): Array<T & TimedPhoto> {
  const timed = photos
    .map((photo) => {
      const localMs = localSortMs(photo.takenAt, Number.NaN);
      return { photo, localMs, offset: offsetOf(photo, localMs) };
    })
    .filter(({ localMs }) => Number.isFinite(localMs))
    .sort((a, b) => a.localMs - b.localMs);
  // A camera with GPS on its first shot only, or a phone photo next to camera photos: shots
  // minutes apart on one wall clock share its zone.
  const known = timed.filter((item) => item.offset !== null);
  let k = 0;
  const result = timed.map(({ photo, localMs, offset }) => {
    while (k + 1 < known.length && Math.abs(known[k + 1]!.localMs - localMs) <= Math.abs(known[k]!.localMs - localMs)) k++;
    const nearest = known[k];
    const borrowed = nearest && Math.abs(nearest.localMs - localMs) <= BORROW_OFFSET_MS ? nearest.offset : null;
    return { ...photo, localMs, utcMs: localMs - (offset ?? borrowed ?? 0) * 60_000 };
  });
  return result.sort((a, b) => a.utcMs - b.utcMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};

/** Indices i where a new moment starts at photos[i] (time, night, day rhythm and place). */
export function momentStarts(photos: readonly TimedPhoto[], rules = RULES): number[] {
  const days = photos.map((photo) => dayKey(photo.localMs));
  const dayGaps = new Map<string, number[]>();
  for (let i = 1; i < photos.length; i++) {
    if (days[i] !== days[i - 1]) continue;
    const gaps = dayGaps.get(days[i]!);
    if (gaps) gaps.push(photos[i]!.utcMs - photos[i - 1]!.utcMs);
    else dayGaps.set(days[i]!, [photos[i]!.utcMs - photos[i - 1]!.utcMs]);
  }
  const dayPause = new Map([...dayGaps].map(([day, gaps]) => [day, Math.min(rules.maxPause, Math.max(rules.minPause, rules.dayRhythm * median(gaps)))]));
  const starts: number[] = [];
  for (let i = 1; i < photos.length; i++) {
    const before = photos[i - 1]!;
    const photo = photos[i]!;
    const gap = photo.utcMs - before.utcMs;
    const day = days[i]!;
    const moved = !!photo.gps && !!before.gps && distanceKm(photo.gps.lat, photo.gps.lon, before.gps.lat, before.gps.lon) >= rules.moveKm;
    const ends =
      gap >= rules.longPause ||
      (day !== days[i - 1] ? gap >= rules.night : gap >= (dayPause.get(day) ?? rules.maxPause)) ||
      (moved && gap >= rules.movePause);
    if (ends) starts.push(i);
  }
  return starts;
}

/** Home: the ~10 km cell where photos were taken on the most distinct local days. */
export function inferHome(photos: readonly TimedPhoto[]): { lat: number; lon: number } | null {
  const cells = new Map<string, { days: Set<string>; lat: number[]; lon: number[] }>();
  for (const photo of photos) {
    if (!photo.gps) continue;
    const key = `${Math.round(photo.gps.lat * 10)}:${Math.round(photo.gps.lon * 10)}`;
    const cell = cells.get(key) ?? { days: new Set(), lat: [], lon: [] };
    cell.days.add(dayKey(photo.localMs));
    cell.lat.push(photo.gps.lat);
    cell.lon.push(photo.gps.lon);
    cells.set(key, cell);
  }
  let best: { days: Set<string>; lat: number[]; lon: number[] } | null = null;
  for (const cell of cells.values()) if (!best || cell.days.size > best.days.size) best = cell;
  return best ? { lat: median(best.lat), lon: median(best.lon) } : null;
}

type Where = 'home' | 'away' | 'unknown';

function whereIs(moment: readonly TimedPhoto[], home: { lat: number; lon: number } | null, rules = RULES): Where {
  const located = moment.filter((photo) => photo.gps);
  if (!home || !located.length) return 'unknown';
  const away = located.filter((photo) => distanceKm(photo.gps!.lat, photo.gps!.lon, home.lat, home.lon) > rules.awayKm).length;
  return away * 2 > located.length ? 'away' : 'home';
}

/**
 * Moments joined into trips: runs of away moments (and undated-place moments between them) with
 * short pauses, more than one local day long. Returns groups of moment indices.
 */
export function joinTrips(moments: readonly TimedPhoto[][], home: { lat: number; lon: number } | null, rules = RULES): Array<{ moments: number[]; trip: boolean }> {
  const where = moments.map((moment) => whereIs(moment, home, rules));
  const groups: Array<{ moments: number[]; trip: boolean }> = [];
  let i = 0;
  while (i < moments.length) {
    if (where[i] !== 'away') {
      groups.push({ moments: [i++], trip: false });
      continue;
    }
    let last = i;
    for (let j = i + 1; j < moments.length && where[j] !== 'home'; j++) {
      if (moments[j]![0]!.utcMs - moments[j - 1]!.at(-1)!.utcMs > rules.tripPause) break;
      if (where[j] === 'away') last = j;
    }
    const run = Array.from({ length: last - i + 1 }, (_, k) => i + k);
    const firstDay = dayKey(moments[i]![0]!.localMs);
    const lastDay = dayKey(moments[last]!.at(-1)!.localMs);
    if (firstDay !== lastDay) groups.push({ moments: run, trip: true });
    else for (const index of run) groups.push({ moments: [index], trip: false });
    i = last + 1;
  }
  return groups;
}

/** Everyday moments of one or two photos are "days"; bigger moments and outings are events. */
const EVENT_MIN_PHOTOS = 3;

export function segmentLibrary(photos: readonly EventPhoto[], gazetteer: Gazetteer | null): { events: LibraryEvent[]; home: Place | null; photoPlaces: Map<string, Place> } {
  const ordered = chronological(photos);
  const photoPlaces = placesOf(ordered, gazetteer);
  const home = inferHome(ordered);
  const starts = [0, ...momentStarts(ordered), ordered.length];
  const moments = starts.slice(0, -1).map((start, k) => ordered.slice(start, starts[k + 1]));
  const events = joinTrips(moments, home).map(({ moments: indices, trip }) => {
    const members = indices.flatMap((index) => moments[index]!);
    const away = whereIs(members, home) === 'away';
    const kind: EventKind = trip ? 'trip' : members.length >= EVENT_MIN_PHOTOS || away ? 'event' : 'day';
    return toEvent(members, kind, photoPlaces);
  });
  return { events, home: home && gazetteer ? placeAt(gazetteer, home.lat, home.lon) : null, photoPlaces };
}

function toEvent(members: TimedPhoto[], kind: EventKind, places: ReadonlyMap<string, Place>): LibraryEvent {
  const days = new Map<string, string[]>();
  for (const photo of members) {
    const day = dayKey(photo.localMs);
    const ids = days.get(day);
    if (ids) ids.push(photo.id);
    else days.set(day, [photo.id]);
  }
  const located = members.flatMap((photo) => places.get(photo.id) ?? []);
  return {
    id: `e-${members[0]!.id.slice(0, 12)}`,
    kind,
    photoIds: members.map((photo) => photo.id),
    start: members[0]!.takenAt,
    end: members.at(-1)!.takenAt,
    place: placeOfMany(located),
    days: [...days].map(([date, photoIds]) => ({ date, photoIds })),
  };
}

/** Reverse geocoding, once per ~1 km cell: a library has thousands of photos from a few hundred spots. */
function placesOf(photos: readonly TimedPhoto[], gazetteer: Gazetteer | null): Map<string, Place> {
  const places = new Map<string, Place>();
  if (!gazetteer) return places;
  const cache = new Map<string, Place | null>();
  for (const photo of photos) {
    if (!photo.gps) continue;
    const key = `${photo.gps.lat.toFixed(2)}:${photo.gps.lon.toFixed(2)}`;
    if (!cache.has(key)) cache.set(key, placeAt(gazetteer, photo.gps.lat, photo.gps.lon));
    const place = cache.get(key);
    if (place) places.set(photo.id, place);
  }
  return places;
}
