/**
 * Where home is, over time. Home is the place photographed in the most different weeks around a
 * given time: weeks, not photos or days, so that a fortnight abroad with hundreds of photos never
 * outweighs the months of everyday photos at home; and around a given time, so that after moving
 * house the new town becomes home and the old one a place to visit. Pure.
 */
import { distanceKm } from '../geo/gazetteer';
export interface Position {
  lat: number;
  lon: number;
}

interface WallClockPhoto {
  /** Local wall clock as if UTC, ms. */
  localMs: number;
  gps: Position | null;
}

export interface Homes {
  /** Home at a local wall-clock time; null where no photo has a position. */
  at(localMs: number): Position | null;
  /** Home at the time of the newest located photo. */
  latest: Position | null;
}

const WEEK_MS = 7 * 86_400_000;
/** Weeks further away in time count less, by e each half year: recent life says where home is now. */
const MEMORY_WEEKS = 26;
/** Photos this close to a home candidate's centre are taken at that home (a town and its suburbs). */
const HOME_AREA_KM = 25;
/** The most places, by weeks photographed, that may be home at some time… */
const CANDIDATES = 8;
/** …each photographed in at least this many weeks (a long trip spans three), unless none is. */
const MIN_WEEKS = 6;

interface Cell {
  weeks: Set<number>;
  lat: number[];
  lon: number[];
}

export function homesOverTime(photos: readonly WallClockPhoto[]): Homes {
  const located = photos.filter((photo) => photo.gps);
  if (!located.length) return { at: () => null, latest: null };
  const origin = located.reduce((min, photo) => Math.min(min, photo.localMs), Infinity);
  const weekOf = (localMs: number): number => Math.floor((localMs - origin) / WEEK_MS);
  const cells = cellsOf(located, weekOf);
  const candidates = candidatesOf(cells);
  const weeks = weekOf(located.reduce((max, photo) => Math.max(max, photo.localMs), -Infinity)) + 1;
  const scores = candidates.map(({ weeks: photographed }) => decayedCounts(photographed, weeks));
  const winners = Array.from({ length: weeks }, (_, week) => {
    let best = 0;
    for (let c = 1; c < candidates.length; c++) if (scores[c]![week]! > scores[best]![week]!) best = c;
    return candidates[best]!.centre;
  });
  const at = (localMs: number): Position => winners[Math.min(weeks - 1, Math.max(0, weekOf(localMs)))]!;
  return { at, latest: winners.at(-1)! };
}

/** Photos by ~10 km cell, with the weeks each cell was photographed in. */
function cellsOf(located: readonly WallClockPhoto[], weekOf: (localMs: number) => number): Cell[] {
  const cells = new Map<string, Cell>();
  for (const photo of located) {
    const key = `${Math.round(photo.gps!.lat * 10)}:${Math.round(photo.gps!.lon * 10)}`;
    const cell = cells.get(key) ?? { weeks: new Set<number>(), lat: [], lon: [] };
    cell.weeks.add(weekOf(photo.localMs));
    cell.lat.push(photo.gps!.lat);
    cell.lon.push(photo.gps!.lon);
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/**
 * The places that may be home: the cells photographed in the most weeks, each with the weeks of
 * its whole area (a home's photos spread over neighbouring cells); a cell within the area of a
 * stronger one is that same home. Places seen in a few weeks only were visited, never lived in,
 * so a sparse year with nothing but a holiday does not make the holiday home.
 */
function candidatesOf(cells: readonly Cell[]): Array<{ centre: Position; weeks: Set<number> }> {
  const centres = cells.map((cell) => ({ lat: median(cell.lat), lon: median(cell.lon) }));
  const order = cells.map((_, i) => i).sort((a, b) => cells[b]!.weeks.size - cells[a]!.weeks.size);
  const chosen: Array<{ centre: Position; weeks: Set<number> }> = [];
  for (const i of order) {
    if (chosen.length === CANDIDATES) break;
    const centre = centres[i]!;
    if (chosen.some((other) => distanceKm(centre.lat, centre.lon, other.centre.lat, other.centre.lon) <= HOME_AREA_KM)) continue;
    const weeks = new Set<number>();
    cells.forEach((cell, j) => {
      if (distanceKm(centre.lat, centre.lon, centres[j]!.lat, centres[j]!.lon) <= HOME_AREA_KM) for (const week of cell.weeks) weeks.add(week);
    });
    if (weeks.size >= MIN_WEEKS || i === order[0]) chosen.push({ centre, weeks });
  }
  return chosen;
}

/** For every week, the photographed weeks counted with weight e^(−distance / MEMORY_WEEKS), in two linear passes. */
function decayedCounts(photographed: ReadonlySet<number>, weeks: number): Float64Array {
  const decay = Math.exp(-1 / MEMORY_WEEKS);
  const before = new Float64Array(weeks);
  const after = new Float64Array(weeks);
  for (let w = 0; w < weeks; w++) before[w] = (photographed.has(w) ? 1 : 0) + (w > 0 ? before[w - 1]! * decay : 0);
  for (let w = weeks - 1; w >= 0; w--) after[w] = (photographed.has(w) ? 1 : 0) + (w < weeks - 1 ? after[w + 1]! * decay : 0);
  return before.map((value, w) => value + after[w]! - (photographed.has(w) ? 1 : 0));
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};
