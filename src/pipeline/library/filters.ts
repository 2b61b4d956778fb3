/**
 * The library's filters (what the grid shows) and the indexes behind the place and date pickers.
 * Indexes are built once when the library, its analyses or its events change, so choosing a filter
 * at 100,000 photos is a lookup and one pass over the photos (a date is a binary search: the
 * timeline is sorted newest first). Pure.
 */
import type { PhotoKind } from '../analyse/types';
import type { TimelinePhoto } from './timeline';
import { IdList, IdMap, IdSet, idHash, type ReadonlyIdSet } from './id-map';

export type KindFilter = 'all' | 'photos' | 'junk' | 'similar' | 'faces';

/** What the grid and its filters need of a photo's analysis. */
export interface AnalysisSummary {
  kind: PhotoKind;
  quality: number;
  faces: number;
}

/** Photo kinds by their code in AnalysisSummaries.kinds. */
export const PHOTO_KINDS = ['photo', 'screenshot', 'document', 'receipt', 'other'] as const satisfies readonly PhotoKind[];

/** Analysis summaries by photo id: a Map of them, or the page's packed AnalysisSummaryMap. */
export interface AnalysisSummaryLookup {
  get(photoId: string): AnalysisSummary | undefined;
}

const KIND_BITS = 3;
const FACE_BITS = 14;
const QUALITY_STEPS = 4095;

/**
 * Analysis summaries by photo id, each packed into one small integer: the kind's code, the face
 * count (up to 16,383) and the quality to 1/4095. A map of objects held 200,000 heap objects at
 * 100,000 photos (each summary and its boxed quality), which every full garbage collection of the
 * page walks and moves while the person scrolls; small integers are no objects at all.
 */
export class AnalysisSummaryMap implements AnalysisSummaryLookup {
  readonly #packed: IdMap<number>;

  /** Empty, or a copy of `from` (to change and hand over whole, as the page's state wants). */
  constructor(from?: AnalysisSummaryMap) {
    this.#packed = from ? from.#packed.copy() : new IdMap();
  }

  get size(): number {
    return this.#packed.size;
  }

  set(photoId: string, summary: AnalysisSummary): this {
    return this.#put(photoId, Math.max(0, PHOTO_KINDS.indexOf(summary.kind as (typeof PHOTO_KINDS)[number])), summary.faces, summary.quality);
  }

  /** Row `row` of the reader worker's columns, under `photoId`: its kind is already a code. */
  setRow(photoId: string, columns: AnalysisSummaries, row: number): this {
    return this.#put(photoId, columns.kinds[row]!, columns.faces[row]!, columns.quality[row]!);
  }

  #put(photoId: string, kindCode: number, faces: number, quality: number): this {
    const kind = kindCode < PHOTO_KINDS.length ? kindCode : 0;
    const faceCount = Math.min(faces, 2 ** FACE_BITS - 1);
    const steps = Math.round(Math.min(1, Math.max(0, quality || 0)) * QUALITY_STEPS);
    this.#packed.set(photoId, kind | (faceCount << KIND_BITS) | (steps << (KIND_BITS + FACE_BITS)));
    return this;
  }

  get(photoId: string): AnalysisSummary | undefined {
    const packed = this.#packed.get(photoId);
    return packed === undefined ? undefined : unpack(packed);
  }

  *values(): IterableIterator<AnalysisSummary> {
    for (const packed of this.#packed.values()) yield unpack(packed);
  }
}

function unpack(packed: number): AnalysisSummary {
  return {
    kind: PHOTO_KINDS[packed & (2 ** KIND_BITS - 1)] ?? 'photo',
    faces: (packed >>> KIND_BITS) & (2 ** FACE_BITS - 1),
    quality: (packed >>> (KIND_BITS + FACE_BITS)) / QUALITY_STEPS,
  };
}

/** Analysis summaries as columns (one entry per photo id), so that they cross from a worker at once. */
export interface AnalysisSummaries {
  ids: string[];
  /** Index into PHOTO_KINDS. */
  kinds: Uint8Array;
  quality: Float32Array;
  faces: Uint16Array;
}

/** The timeline as columns, newest first (ties by id), so that it crosses from a worker at once. */
export interface TimelineColumns {
  ids: string[];
  /** Local wall-clock time as if UTC, ms (PhotoRecord.localSortMs). */
  t: Float64Array;
  width: Uint32Array;
  height: Uint32Array;
}

/** A place to pick: a whole country, or one place events were named after ("Lisbon, Portugal"). */
export interface PlaceChoice {
  key: string;
  label: string;
  count: number;
}

export interface CountryChoice extends PlaceChoice {
  countryCode: string;
  /** The country's places, by name. */
  places: PlaceChoice[];
}

export interface PlaceIndex {
  /** Countries with the most photos first. */
  countries: CountryChoice[];
  /** Place key → the photos taken there (the photos of the events named after it). */
  photos: Map<string, ReadonlyIdSet>;
  /** Place key → what to call it. */
  labels: Map<string, string>;
}

export interface PlacedEvent {
  photoIds: readonly string[];
  place: { countryCode: string; country: string; label: string } | null;
}

export const countryKey = (code: string): string => `country:${code}`;
export const placeKey = (label: string): string => `place:${label}`;

/**
 * Places from the events' places: each event's photos belong to the place it is named after and to
 * that place's country (a trip across countries to the country it was mostly in).
 */
export function indexPlaces(events: readonly PlacedEvent[]): PlaceIndex {
  const photos = new Map<string, IdSet>();
  const labels = new Map<string, string>();
  const places = new Map<string, Set<string>>();
  const add = (key: string, ids: readonly string[]): void => {
    let set = photos.get(key);
    if (!set) photos.set(key, (set = new IdSet()));
    for (const id of ids) set.add(id);
  };
  for (const event of events) {
    if (!event.place) continue;
    const country = countryKey(event.place.countryCode);
    const place = placeKey(event.place.label);
    add(country, event.photoIds);
    add(place, event.photoIds);
    labels.set(country, event.place.country);
    labels.set(place, event.place.label);
    let inCountry = places.get(country);
    if (!inCountry) places.set(country, (inCountry = new Set()));
    inCountry.add(place);
  }
  const choice = (key: string): PlaceChoice => ({ key, label: labels.get(key)!, count: photos.get(key)!.size });
  const countries = [...places].map(([key, inCountry]): CountryChoice => ({
    ...choice(key),
    countryCode: key.slice('country:'.length),
    places: [...inCountry].map(choice).sort((a, b) => a.label.localeCompare(b.label)),
  }));
  countries.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  // Lists, as a person's photos are: their positions can be worked out while the page is idle.
  return { countries, photos: new Map([...photos].map(([key, set]) => [key, new IdList([...set])])), labels };
}

export interface MonthChoice {
  /** 1..12 */
  month: number;
  count: number;
}

export interface YearChoice {
  year: number;
  count: number;
  /** Months with photos, newest first. */
  months: MonthChoice[];
}

/** Years and months with photos, newest first, from photos sorted newest first (one pass, a date computed per month, not per photo). */
export function indexDates(photos: readonly TimelinePhoto[]): YearChoice[] {
  const years: YearChoice[] = [];
  let monthStart = Infinity;
  let monthEnd = -Infinity;
  let current: MonthChoice | null = null;
  for (const photo of photos) {
    if (photo.t < monthStart || photo.t >= monthEnd) {
      const date = new Date(photo.t);
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth();
      monthStart = Date.UTC(year, month, 1);
      monthEnd = Date.UTC(year, month + 1, 1);
      let inYear = years.at(-1);
      if (inYear?.year !== year) years.push((inYear = { year, count: 0, months: [] }));
      current = inYear.months.find((m) => m.month === month + 1) ?? null;
      if (!current) inYear.months.push((current = { month: month + 1, count: 0 }));
    }
    current!.count++;
    years.at(-1)!.count++;
  }
  return years;
}

export interface DateFilter {
  year: number;
  /** 1..12, or null for the whole year. */
  month: number | null;
}

/** Where a year's or month's photos start and end in the newest-first timeline (binary search). */
function dateRange(photos: readonly TimelinePhoto[], date: DateFilter): [start: number, end: number] {
  const from = date.month === null ? Date.UTC(date.year, 0, 1) : Date.UTC(date.year, date.month - 1, 1);
  const to = date.month === null ? Date.UTC(date.year + 1, 0, 1) : Date.UTC(date.year, date.month, 1);
  return [firstOlderThan(photos, to), firstOlderThan(photos, from)];
}

/** Index of the first photo taken before `t` (photos newest first). */
function firstOlderThan(photos: readonly TimelinePhoto[], t: number): number {
  let lo = 0;
  let hi = photos.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (photos[mid]!.t >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface LibraryFilters {
  kind: KindFilter;
  /** Only photos with all of these people (one person, or a pair). */
  people: readonly string[];
  /** A place key from indexPlaces, or null. */
  place: string | null;
  date: DateFilter | null;
}

export interface FilterSources {
  analyses: () => AnalysisSummaryLookup;
  /** Photos in a similar group. */
  grouped: () => ReadonlyIdSet;
  /** The photos a person is in (a lookup of that person's own list: no index of every photo needed). */
  photosOf: (personId: string) => ReadonlyIdSet;
  places: () => PlaceIndex;
  /** Each photo's position in the list being filtered (a lookup of 100,000 made once per list), where there is one. */
  positionOf?: () => PositionLookup;
}

/**
 * The photos the grid shows, newest first: the date's slice first (cheapest, and it narrows the
 * rest), then kind, people and place. With no filter the library itself is returned, unchanged, so
 * the grid keeps its layout. Sources are asked for only when a filter needs them.
 */
export function filterLibrary<T extends TimelinePhoto>(photos: T[], filters: LibraryFilters, sources: FilterSources): T[] {
  const [start, end] = filters.date ? dateRange(photos, filters.date) : [0, photos.length];
  // Every set a photo must be in, then one plain pass: at 100,000 photos a closure per photo and
  // filter costs more than the lookups themselves.
  const within: Array<ReadonlyIdSet> = filters.people.map((id) => sources.photosOf(id));
  if (filters.kind === 'similar') within.push(sources.grouped());
  if (filters.place) within.push(sources.places().photos.get(filters.place) ?? new IdSet());
  const kind = filters.kind === 'all' || filters.kind === 'similar' ? null : filters.kind;
  if (!within.length && !kind) return filters.date ? photos.slice(start, end) : photos;
  // The smallest set first: most photos are turned away by the first lookup.
  within.sort((a, b) => a.size - b.size);
  const analyses = kind ? sources.analyses() : null;
  const positions = positionsWorthLooking(photos, start, end, within[0], sources.positionOf);
  const count = positions ? positions.length : end - start;
  // Positions come from the smallest set: its photos need not be looked up in it again.
  const checkFrom = positions ? 1 : 0;
  const out: T[] = [];
  for (let k = 0; k < count; k++) {
    const photo = photos[positions ? positions[k]! : start + k]!;
    let keep = true;
    for (let i = checkFrom; keep && i < within.length; i++) keep = within[i]!.has(photo.id);
    if (keep && kind && analyses) keep = ofKind(analyses.get(photo.id), kind);
    if (keep) out.push(photo);
  }
  return out;
}

/**
 * Where the smallest set is under a third of the range, its photos' positions in the range, in
 * timeline order (looked up, then sorted: a person's 5,000 photos instead of 100,000 lookups);
 * else null, and every position of the range is looked at. Measured in Node at 100,000 photos with
 * IdSets: a set of 5,000 0.9 ms instead of 12.1, 25,000 5.3 instead of 11.2, 40,000 11.9 instead of
 * 10.4.
 */
function positionsWorthLooking(photos: readonly TimelinePhoto[], start: number, end: number, smallest: ReadonlyIdSet | undefined, positionOf: FilterSources['positionOf']): Int32Array | null {
  const positions = smallest && positionOf && smallest.size < (end - start) / 3 ? positionOf() : null;
  if (!smallest || !positions || positions.size !== photos.length) return null;
  const all = positionsOfSet(smallest, positions);
  return all.subarray(firstAtOrAfter(all, start), firstAtOrAfter(all, end));
}

/**
 * The positions of a set's photos, sorted, each once (a list that names a photo twice shows it once).
 * An IdList keeps them while `positions` stand, so the page can work them out for its people while
 * it is idle (Library) and a person filter need not look up thousands of photos.
 */
export function positionsOfSet(set: ReadonlyIdSet, positions: PositionLookup): Int32Array {
  if (set instanceof IdList && set.positions?.of === positions) return set.positions.at;
  const found = new Int32Array(set.size);
  let n = 0;
  for (const id of set) {
    const at = positions.get(id);
    if (at !== undefined) found[n++] = at;
  }
  const sorted = found.subarray(0, n).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (!i || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
  const at = sorted.subarray(0, unique);
  if (set instanceof IdList) set.positions = { of: positions, at };
  return at;
}

/** Index of the first entry of `sorted` that is `value` or more (binary search). */
function firstAtOrAfter(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A photo's position in the list it was made for, by id (FilterSources.positionOf). */
export interface PositionLookup {
  /** How many photos the list had. */
  readonly size: number;
  get(photoId: string): number | undefined;
}

/**
 * Each photo's position in `photos`: an open-addressed table of positions (+1; 0 is free) in a
 * typed array, hashed by id (idHash) and checked against the photo at that position. A person
 * filter looks up each of their photos here: an IdMap took 0.4–0.8 µs a lookup in the page after a
 * scroll (two engine Maps of 100,000 entries); this is one probe of a 1 MB array and one compare.
 */
class PhotoPositions implements PositionLookup {
  readonly #table: Int32Array;
  readonly #mask: number;

  constructor(private readonly photos: readonly TimelinePhoto[]) {
    // At most 40 % full: runs stay short.
    this.#table = new Int32Array(2 ** Math.max(4, Math.ceil(Math.log2(photos.length * 2.5))));
    this.#mask = this.#table.length - 1;
    for (let i = 0; i < photos.length; i++) {
      let slot = idHash(photos[i]!.id) & this.#mask;
      while (this.#table[slot]) slot = (slot + 1) & this.#mask;
      this.#table[slot] = i + 1;
    }
  }

  get size(): number {
    return this.photos.length;
  }

  get(photoId: string): number | undefined {
    for (let slot = idHash(photoId) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const at = this.#table[slot]! - 1;
      if (at < 0) return undefined;
      if (this.photos[at]!.id === photoId) return at;
    }
  }
}

/** Each photo's position in `photos` (FilterSources.positionOf). */
export function positionsIn(photos: readonly TimelinePhoto[]): PositionLookup {
  return new PhotoPositions(photos);
}

function ofKind(analysis: AnalysisSummary | undefined, kind: Exclude<KindFilter, 'all' | 'similar'>): boolean {
  if (!analysis) return false;
  if (kind === 'photos') return analysis.kind === 'photo';
  if (kind === 'junk') return analysis.kind !== 'photo';
  return analysis.faces > 0;
}
