/**
 * Events and trips from capture times and positions. Pure.
 *
 * Only photos with a capture time of their own take part (the caller leaves out takenAtSource
 * 'none' and 'file': a file date says when a file was copied, not when a picture was taken).
 *
 * 1. Photos are put in true time order (UTC: the EXIF offset, else the time zone at the GPS
 *    position, else that of a shot minutes away on the same clock, else home's).
 * 2. Moments are cut where the library itself pauses: a day or more without photos; a night (the
 *    local date changes across a gap of hours); within one day, a pause long for that day's own
 *    rhythm (six times its median gap between non-burst shots, 1.5 to 4 hours); or a move of
 *    25 km or more with a pause.
 * 3. Home, over time, is where photos are taken in the most different weeks (home.ts). A moment is
 *    away when most of its positions are 50 km or more from home, or, without positions, when its
 *    clock is in another zone. Away moments in a row (unknown ones between them, no home one)
 *    join across pauses of up to three days and across nights spent away: more than one local
 *    day makes a trip, with its days as chapters; within one day, one outing.
 * Fixed gaps (8 hours) cut trips into days and split parties across a late pause; PhotoTOC's
 * log-gap rule (baselines.ts) adapts to density but knows neither days nor places.
 */
import { dayKey, localSortMs } from '../import/time';
import { distanceKm, type Gazetteer } from '../geo/gazetteer';
import { placeAt, placeOfMany, type Place } from '../geo/places';
import { offsetMinutesAt } from '../geo/timezone';
import { homesOverTime, median, type Homes, type Position } from './home';

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
  /** The UTC offset written in the photo's own time stamp, minutes (null when it has none). */
  stampOffset: number | null;
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
  /** Shots closer than this are retakes of one scene, not the day's rhythm. */
  burst: 60_000,
  /** Consecutive photos this far apart are in different places… */
  moveKm: 25,
  /** …and a pause this long there ends the moment. */
  movePause: 0.75 * HOUR,
  /** Farther than this from home is away. */
  awayKm: 50,
  /** Moments away from home join into one trip across pauses up to this long… */
  tripPause: 72 * HOUR,
  /** …and across a night when the next morning starts within this share of the way home and back… */
  overnightShare: 0.5,
  /** …or beyond a day trip's reach of home (about two and a half hours' drive). */
  dayTripKm: 250,
} as const;

const OFFSET = /([+-])(\d{2}):?(\d{2})$|Z$/;

/** The UTC offset in minutes written in a time stamp, if any. */
function stampOffsetOf(takenAt: string): number | null {
  const m = OFFSET.exec(takenAt);
  if (!m) return null;
  return m[0] === 'Z' ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** A photo without an offset of its own takes the offset of the nearest photo (in wall-clock time) that has one, this close. */
const BORROW_OFFSET_MS = 12 * 3_600_000;

/** Photos in true time order (ties by id, so the order never depends on the input's). */
export function chronological<T extends EventPhoto>(photos: readonly T[]): Array<T & TimedPhoto> {
  return timeline(photos).ordered;
}

/** Photos in true time order, and where home was over time. */
function timeline<T extends EventPhoto>(photos: readonly T[]): { ordered: Array<T & TimedPhoto>; homes: Homes } {
  const timed = photos
    .map((photo) => {
      const localMs = localSortMs(photo.takenAt, Number.NaN);
      const stampOffset = stampOffsetOf(photo.takenAt);
      // Without an offset of its own, the zone at the photo's position says it.
      const offset = stampOffset ?? (photo.gps ? offsetMinutesAt(photo.gps.lat, photo.gps.lon, localMs) : null);
      return { ...photo, localMs, stampOffset, offset };
    })
    .filter(({ localMs }) => Number.isFinite(localMs))
    .sort((a, b) => a.localMs - b.localMs);
  // Home needs only wall clocks and positions, so it can date the photos that have no zone at all.
  const homes = homesOverTime(timed);
  // A camera with GPS on its first shot only, or a phone photo next to camera photos: shots
  // minutes apart on one wall clock share its zone. A photo with no clue at all was most likely
  // taken at home.
  const known = timed.filter((item) => item.offset !== null);
  let k = 0;
  const ordered = timed.map(({ offset, ...photo }) => {
    while (k + 1 < known.length && Math.abs(known[k + 1]!.localMs - photo.localMs) <= Math.abs(known[k]!.localMs - photo.localMs)) k++;
    const nearest = known[k];
    const borrowed = nearest && Math.abs(nearest.localMs - photo.localMs) <= BORROW_OFFSET_MS ? nearest.offset : null;
    const home = homes.at(photo.localMs);
    const atHome = home ? offsetMinutesAt(home.lat, home.lon, photo.localMs) : null;
    return { ...photo, utcMs: photo.localMs - (offset ?? borrowed ?? atHome ?? 0) * 60_000 } as T & TimedPhoto;
  });
  ordered.sort((a, b) => a.utcMs - b.utcMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ordered, homes };
}

/** Indices i where a new moment starts at photos[i] (time, night, day rhythm and place). */
export function momentStarts(photos: readonly TimedPhoto[], rules = RULES): number[] {
  const days = photos.map((photo) => dayKey(photo.localMs));
  const dayGaps = new Map<string, number[]>();
  for (let i = 1; i < photos.length; i++) {
    const gap = photos[i]!.utcMs - photos[i - 1]!.utcMs;
    // Bursts say nothing about the day's rhythm: a dozen retakes would shrink its median to seconds.
    if (days[i] !== days[i - 1] || gap < rules.burst) continue;
    const gaps = dayGaps.get(days[i]!);
    if (gaps) gaps.push(gap);
    else dayGaps.set(days[i]!, [gap]);
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

type Where = 'home' | 'away' | 'unknown';

/**
 * Where a moment was, by the majority of its positions; without any, a clock in another zone's
 * time means away (a phone follows the zone it is in), while a home-zone clock proves nothing.
 */
function whereIs(moment: readonly TimedPhoto[], homeAt: (localMs: number) => Position | null, rules = RULES): Where {
  const home = homeAt(moment[0]!.localMs);
  if (!home) return 'unknown';
  const located = moment.filter((photo) => photo.gps);
  if (located.length) {
    const away = located.filter((photo) => distanceKm(photo.gps!.lat, photo.gps!.lon, home.lat, home.lon) > rules.awayKm).length;
    return away * 2 > located.length ? 'away' : 'home';
  }
  const stamped = moment.filter((photo) => photo.stampOffset !== null);
  const otherZone = stamped.filter((photo) => photo.stampOffset !== offsetMinutesAt(home.lat, home.lon, photo.localMs)).length;
  return stamped.length && otherZone * 2 > stamped.length ? 'away' : 'unknown';
}

/**
 * Moments joined into trips: runs of away moments (and moments of unknown place between them) with
 * short pauses; a run over more than one local day is a trip, a run within one day is one outing
 * (a drive between two stops is not a new event). Returns groups of moment indices.
 */
export function joinTrips(moments: readonly TimedPhoto[][], homeAt: (localMs: number) => Position | null, rules = RULES): Array<{ moments: number[]; trip: boolean }> {
  const where = moments.map((moment) => whereIs(moment, homeAt, rules));
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
      if (where[j] !== 'away') continue;
      const overnight = dayKey(moments[last]!.at(-1)!.localMs) !== dayKey(moments[j]![0]!.localMs);
      if (overnight && !sleptAway(moments[last]!, moments[j]!, homeAt(moments[i]![0]!.localMs)!, rules)) break;
      last = j;
    }
    const run = Array.from({ length: last - i + 1 }, (_, k) => i + k);
    const firstDay = dayKey(moments[i]![0]!.localMs);
    const lastDay = dayKey(moments[last]!.at(-1)!.localMs);
    groups.push({ moments: run, trip: firstDay !== lastDay });
    i = last + 1;
  }
  return groups;
}

/**
 * Whether the night between two away moments was spent away. Beyond a day trip's reach of home,
 * it was; within reach, when the morning starts nearer to where the evening ended than a trip home
 * and back would be. So two day outings from home in different directions stay apart, while the
 * days of a trip join however far it moves on. Without positions on both sides (away by the
 * clock's zone), it was.
 */
function sleptAway(evening: readonly TimedPhoto[], morning: readonly TimedPhoto[], home: Position, rules = RULES): boolean {
  const end = evening.findLast((photo) => photo.gps)?.gps;
  const start = morning.find((photo) => photo.gps)?.gps;
  if (!end || !start) return true;
  const endToHome = distanceKm(end.lat, end.lon, home.lat, home.lon);
  const homeToStart = distanceKm(home.lat, home.lon, start.lat, start.lon);
  if (Math.max(endToHome, homeToStart) > rules.dayTripKm) return true;
  return distanceKm(end.lat, end.lon, start.lat, start.lon) < rules.overnightShare * (endToHome + homeToStart);
}

/** Everyday moments of one or two photos are "days"; bigger moments and outings are events. */
const EVENT_MIN_PHOTOS = 3;

export function segmentLibrary(photos: readonly EventPhoto[], gazetteer: Gazetteer | null): { events: LibraryEvent[]; home: Place | null; photoPlaces: Map<string, Place> } {
  const { ordered, homes } = timeline(photos);
  const photoPlaces = placesOf(ordered, gazetteer);
  const starts = [0, ...momentStarts(ordered), ordered.length];
  const moments = starts.slice(0, -1).map((start, k) => ordered.slice(start, starts[k + 1]));
  const events = joinTrips(moments, homes.at).map(({ moments: indices, trip }) => {
    const members = indices.flatMap((index) => moments[index]!);
    const away = whereIs(members, homes.at) === 'away';
    const kind: EventKind = trip ? 'trip' : members.length >= EVENT_MIN_PHOTOS || away ? 'event' : 'day';
    return toEvent(members, kind, photoPlaces);
  });
  const home = homes.latest && gazetteer ? placeAt(gazetteer, homes.latest.lat, homes.latest.lon) : null;
  return { events, home, photoPlaces };
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
