/**
 * Memory candidates (retrieval): every album worth proposing — trips, events, a person through
 * time, two people together, themes, on this day, years and seasons — each with its photos and
 * the facts its title is written from. Ranking decides which come first; this decides what exists.
 * Pure.
 */
import type { Theme } from '../analyse/types';
import { dayKey } from '../import/time';
import { photoDayNumber, usablePhotos, type MemoryEvent, type MemoryLibrary } from './library';
import type { MemoryFacts, MemoryKind, MemoryPhoto, MemoryPlace, Occasion, Season } from './types';

export interface MemoryCandidate {
  /** Stable across runs while the library does not change what it is about (signals refer to it). */
  id: string;
  kind: MemoryKind;
  /** Usable photos (no junk, nothing hidden), oldest first. */
  photos: MemoryPhoto[];
  facts: MemoryFacts;
  /** The event it comes from (trip/event), and how far from home it went. */
  eventId: string | null;
  awayKm: number | null;
}

/** The least a memory needs to be worth a card. */
export const MINIMUM = {
  eventPhotos: 3,
  personPhotos: 3,
  togetherPhotos: 3,
  themePhotos: 4,
  themeDays: 2,
  /** A theme gets a memory per year only once a year holds this many of its photos. */
  themeYearPhotos: 12,
  onThisDayPhotos: 2,
  /** Days either side of today's date that still count as "this day". */
  onThisDayWindow: 3,
  yearPhotos: 10,
  yearDays: 3,
  seasonPhotos: 8,
  seasonDays: 3,
  /** A season that is mostly one event is that event, not a season. */
  seasonOneEventShare: 0.8,
} as const;

/** Themes that make albums of their own ("people" is every album; "home" is not a story). */
const ALBUM_THEMES: readonly Theme[] = ['pets', 'animals', 'food', 'drinks', 'vehicles', 'boats', 'planes', 'trains', 'sport', 'nature', 'beach', 'snow', 'city', 'night', 'party', 'flowers'];

export function memoryCandidates(library: MemoryLibrary): MemoryCandidate[] {
  const photos = usablePhotos(library).sort(byTime);
  const byId = new Map(photos.map((photo) => [photo.id, photo]));
  const context: Context = { library, photos, byId, eventPlace: new Map(library.events.map((event) => [event.id, event.place])) };
  return [
    ...eventMemories(context),
    ...personMemories(context),
    ...togetherMemories(context),
    ...themeMemories(context),
    ...onThisDayMemories(context),
    ...yearMemories(context),
    ...seasonMemories(context),
  ];
}

interface Context {
  library: MemoryLibrary;
  photos: MemoryPhoto[];
  byId: Map<string, MemoryPhoto>;
  eventPlace: Map<string, MemoryPlace | null>;
}

const byTime = (a: MemoryPhoto, b: MemoryPhoto): number => (a.localMs ?? Infinity) - (b.localMs ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function eventMemories({ library, byId }: Context): MemoryCandidate[] {
  return library.events.flatMap((event) => {
    if (event.kind === 'day') return [];
    const photos = event.photoIds.flatMap((id) => byId.get(id) ?? []).sort(byTime);
    if (photos.length < MINIMUM.eventPhotos) return [];
    const kind: MemoryKind = event.kind === 'trip' ? 'trip' : 'event';
    return [make(`${kind}:${event.id}`, kind, photos, library, { place: event.place, occasion: kind === 'event' ? occasionOf(photos, event) : null }, event)];
  });
}

function personMemories({ library, photos }: Context): MemoryCandidate[] {
  // Each person's photos in one pass over the library (in its order), not one pass per person.
  const byPerson = new Map<string, MemoryPhoto[]>();
  for (const photo of photos) {
    for (const id of new Set(photo.people)) {
      const theirs = byPerson.get(id);
      if (theirs) theirs.push(photo);
      else byPerson.set(id, [photo]);
    }
  }
  return library.people.flatMap((person) => {
    if (person.hidden) return [];
    const theirs = byPerson.get(person.id) ?? [];
    return theirs.length >= MINIMUM.personPhotos ? [make(`person:${person.id}`, 'person', theirs, library, { people: [person.id] })] : [];
  });
}

function togetherMemories({ library, photos }: Context): MemoryCandidate[] {
  const visible = new Set(library.people.filter((person) => !person.hidden).map((person) => person.id));
  const pairs = new Map<string, MemoryPhoto[]>();
  for (const photo of photos) {
    const present = [...new Set(photo.people)].filter((id) => visible.has(id)).sort();
    for (let i = 0; i < present.length; i++) {
      for (let j = i + 1; j < present.length; j++) {
        const key = `${present[i]}+${present[j]}`;
        const shared = pairs.get(key);
        if (shared) shared.push(photo);
        else pairs.set(key, [photo]);
      }
    }
  }
  return [...pairs].flatMap(([key, shared]) =>
    shared.length >= MINIMUM.togetherPhotos ? [make(`together:${key}`, 'together', shared, library, { people: key.split('+') })] : [],
  );
}

function themeMemories({ library, photos }: Context): MemoryCandidate[] {
  return ALBUM_THEMES.flatMap((theme) => {
    const themed = photos.filter((photo) => photo.themes.includes(theme));
    if (themed.length < MINIMUM.themePhotos || distinctDays(themed) < MINIMUM.themeDays) return [];
    const years = groupBy(themed.filter((photo) => photo.localMs !== null), (photo) => dayKey(photo.localMs!).slice(0, 4));
    const yearly = [...years].filter(([, inYear]) => inYear.length >= MINIMUM.themeYearPhotos && distinctDays(inYear) >= MINIMUM.themeDays);
    // A theme that fills several years gets one album per year; otherwise one for the whole library.
    if (yearly.length >= 2) return yearly.map(([year, inYear]) => make(`theme:${theme}:${year}`, 'theme', inYear, library, { theme }));
    return [make(`theme:${theme}`, 'theme', themed, library, { theme })];
  });
}

function onThisDayMemories({ library, photos }: Context): MemoryCandidate[] {
  const today = dayKey(library.now);
  const thisYear = Number(today.slice(0, 4));
  const years = groupBy(
    photos.filter((photo) => photo.localMs !== null && Number(dayKey(photo.localMs).slice(0, 4)) < thisYear && nearSameDate(photo.localMs, library.now)),
    (photo) => dayKey(photo.localMs!).slice(0, 4),
  );
  return [...years].flatMap(([year, inYear]) =>
    inYear.length >= MINIMUM.onThisDayPhotos ? [make(`on-this-day:${year}-${today.slice(5)}`, 'on-this-day', inYear, library, { yearsAgo: thisYear - Number(year) })] : [],
  );
}

/** Whether a photo's date is within a few days of today's date in another year. */
function nearSameDate(localMs: number, now: number): boolean {
  const then = new Date(localMs);
  const anniversary = Date.UTC(new Date(now).getUTCFullYear(), then.getUTCMonth(), then.getUTCDate());
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const days = Math.abs(anniversary - today) / 86_400_000;
  return Math.min(days, 365 - days) <= MINIMUM.onThisDayWindow;
}

function yearMemories({ library, photos }: Context): MemoryCandidate[] {
  const years = groupBy(photos.filter((photo) => photo.localMs !== null), (photo) => dayKey(photo.localMs!).slice(0, 4));
  return [...years].flatMap(([year, inYear]) => {
    const events = new Set(inYear.flatMap((photo) => photo.eventId ?? []));
    if (inYear.length < MINIMUM.yearPhotos || distinctDays(inYear) < MINIMUM.yearDays || events.size < 2) return [];
    return [make(`year:${year}`, 'year', inYear, library, {})];
  });
}

function seasonMemories({ library, photos }: Context): MemoryCandidate[] {
  const seasons = groupBy(photos.filter((photo) => photo.localMs !== null), (photo) => {
    const { season, year } = seasonOf(photo.localMs!, library.southern ?? false);
    return `${year}:${season}`;
  });
  return [...seasons].flatMap(([key, inSeason]) => {
    if (inSeason.length < MINIMUM.seasonPhotos || distinctDays(inSeason) < MINIMUM.seasonDays) return [];
    const biggestEvent = Math.max(0, ...[...groupBy(inSeason, (photo) => photo.eventId ?? photo.id).values()].map((group) => group.length));
    if (biggestEvent >= MINIMUM.seasonOneEventShare * inSeason.length) return [];
    return [make(`season:${key}`, 'season', inSeason, library, { season: key.split(':')[1] as Season })];
  });
}

/** Meteorological seasons; a winter belongs to the year its January is in. */
export function seasonOf(localMs: number, southern: boolean): { season: Season; year: number } {
  const date = new Date(localMs);
  const month = date.getUTCMonth();
  const northern: Season[] = ['winter', 'winter', 'spring', 'spring', 'spring', 'summer', 'summer', 'summer', 'autumn', 'autumn', 'autumn', 'winter'];
  const flip: Record<Season, Season> = { winter: 'summer', summer: 'winter', spring: 'autumn', autumn: 'spring' };
  const season = southern ? flip[northern[month]!] : northern[month]!;
  const year = date.getUTCFullYear() + (month === 11 && season === (southern ? 'summer' : 'winter') ? 1 : 0);
  return { season, year };
}

/** What kind of gathering an event looks like, from its photos' themes and how many people are in them. */
function occasionOf(photos: readonly MemoryPhoto[], event: MemoryEvent): Occasion | null {
  const share = (theme: Theme): number => photos.filter((photo) => photo.themes.includes(theme)).length / photos.length;
  if (share('party') >= 0.2) return 'party';
  if (event.awayKm !== null && event.awayKm > 50) return 'outing';
  const people = new Set(photos.flatMap((photo) => photo.people));
  const crowded = photos.filter((photo) => photo.faceCount >= 3).length / photos.length;
  if (people.size >= 3 || crowded >= 0.3) return 'gathering';
  return share('nature') >= 0.5 ? 'outing' : null;
}

interface FactHints {
  place?: MemoryPlace | null;
  people?: string[];
  theme?: Theme;
  occasion?: Occasion | null;
  yearsAgo?: number;
  season?: Season;
}

function make(id: string, kind: MemoryKind, photos: MemoryPhoto[], library: MemoryLibrary, hints: FactHints, event?: MemoryEvent): MemoryCandidate {
  const dated = photos.filter((photo) => photo.localMs !== null);
  const start = dated.length ? dayKey(dated[0]!.localMs!) : '';
  const end = dated.length ? dayKey(dated.at(-1)!.localMs!) : '';
  const facts: MemoryFacts = {
    kind,
    start,
    end,
    days: distinctDays(photos),
    photoCount: photos.length,
    place: hints.place !== undefined ? hints.place : dominantPlace(photos, library),
    people: peopleOf(photos, library, hints.people),
    theme: hints.theme ?? mainTheme(photos),
    season: hints.season ?? (dated.length ? seasonOf(dated[0]!.localMs!, library.southern ?? false).season : null),
    yearsAgo: hints.yearsAgo ?? null,
    occasion: hints.occasion ?? null,
  };
  return { id, kind, photos, facts, eventId: event?.id ?? null, awayKm: event?.awayKm ?? null };
}

/** The people of a memory, most present first: the ones it is about, then the rest. */
function peopleOf(photos: readonly MemoryPhoto[], library: MemoryLibrary, about: string[] = []): MemoryFacts['people'] {
  const counts = new Map<string, number>();
  for (const photo of photos) for (const id of new Set(photo.people)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const visible = new Map(library.people.filter((person) => !person.hidden).map((person) => [person.id, person]));
  const rest = [...counts].filter(([id]) => !about.includes(id)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
  return [...about, ...rest].flatMap((id) => {
    const person = visible.get(id);
    return person ? [{ id, name: person.name }] : [];
  });
}

/** A memory's place when most of its photos come from one event that has one. */
function dominantPlace(photos: readonly MemoryPhoto[], library: MemoryLibrary): MemoryPlace | null {
  const groups = groupBy(photos.filter((photo) => photo.eventId), (photo) => photo.eventId!);
  const [eventId, members] = [...groups].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  if (!eventId || members!.length < 0.6 * photos.length) return null;
  return eventsById(library.events).get(eventId)?.place ?? null;
}

const eventIndexes = new WeakMap<readonly MemoryEvent[], Map<string, MemoryEvent>>();

/** Events by id (the first of an id, as a search from the start would find it), built once per list. */
function eventsById(events: readonly MemoryEvent[]): Map<string, MemoryEvent> {
  let index = eventIndexes.get(events);
  if (!index) {
    index = new Map();
    for (const event of events) if (!index.has(event.id)) index.set(event.id, event);
    eventIndexes.set(events, index);
  }
  return index;
}

/** The theme most photos share (people aside), when at least 30 % of them do. */
function mainTheme(photos: readonly MemoryPhoto[]): Theme | null {
  const counts = new Map<Theme, number>();
  for (const photo of photos) for (const theme of photo.themes) if (theme !== 'people') counts.set(theme, (counts.get(theme) ?? 0) + 1);
  const [theme, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  return theme && count! >= 0.3 * photos.length ? theme : null;
}

/** Distinct capture days (a photo without a date counts as a day of its own). */
export function distinctDays(photos: readonly MemoryPhoto[]): number {
  return new Set(photos.map((photo) => photoDayNumber(photo) ?? photo.id)).size;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
