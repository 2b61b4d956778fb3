/**
 * The library timeline layout: newest first, grouped by month and day, cut into rows of square
 * cells. Pure and fast (100,000 photos lay out in a few ms), so the grid can render only the
 * rows in view.
 */
import { dayKey, monthKey } from '../import/time';

export interface TimelinePhoto {
  id: string;
  /** Local wall-clock time as if UTC (see localSortMs). */
  t: number;
}

export type TimelineRow =
  | { kind: 'month'; key: string; count: number; top: number; height: number }
  | { kind: 'day'; key: string; count: number; top: number; height: number }
  | { kind: 'cells'; first: number; count: number; top: number; height: number };

type MonthRow = Extract<TimelineRow, { kind: 'month' }>;

export interface TimelineLayout {
  rows: TimelineRow[];
  columns: number;
  cell: number;
  gap: number;
  height: number;
  /** Photos per month, newest month first. */
  months: Array<{ key: string; count: number; top: number }>;
}

export interface LayoutOptions {
  width: number;
  targetCell: number;
  gap: number;
  monthHeader: number;
  dayHeader: number;
}

/** Sort newest first (ties by id so the order is stable). */
export function sortNewestFirst<T extends TimelinePhoto>(photos: T[]): T[] {
  return photos.sort((a, b) => b.t - a.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function layoutTimeline(photos: readonly TimelinePhoto[], options: LayoutOptions): TimelineLayout {
  const { width, targetCell, gap, monthHeader, dayHeader } = options;
  const columns = Math.max(1, Math.floor((width + gap) / (targetCell + gap)));
  const cell = Math.max(1, (width - gap * (columns - 1)) / columns);
  const rows: TimelineRow[] = [];
  const months: TimelineLayout['months'] = [];
  let top = 0;
  let monthRow: MonthRow | undefined;
  for (const { start, end, day } of dayRuns(photos)) {
    const { month, date } = dayKeys(day);
    if (monthRow === undefined || monthRow.key !== month) {
      const row: MonthRow = { kind: 'month', key: month, count: 0, top, height: monthHeader };
      monthRow = row;
      rows.push(row);
      months.push({ key: month, count: 0, top });
      top += monthHeader;
    }
    monthRow.count += end - start;
    months[months.length - 1]!.count = monthRow.count;
    rows.push({ kind: 'day', key: date, count: end - start, top, height: dayHeader });
    top += dayHeader;
    for (let first = start; first < end; first += columns) {
      rows.push({ kind: 'cells', first, count: Math.min(columns, end - first), top, height: cell });
      top += cell + gap;
    }
  }
  return { rows, columns, cell, gap, height: top, months };
}

const DAY_MS = 86_400_000;

/**
 * A day's keys by its number (days since 1970): the same few thousand days are laid out again at
 * every filter, and wording a date is most of a layout's cost.
 */
const keysOfDay = new Map<number, { date: string; month: string }>();

function dayKeys(day: number): { date: string; month: string } {
  let keys = keysOfDay.get(day);
  if (!keys) keysOfDay.set(day, (keys = { date: dayKey(day * DAY_MS), month: monthKey(day * DAY_MS) }));
  return keys;
}

/** Runs of consecutive photos on the same local day (photos are sorted). */
function* dayRuns(photos: readonly TimelinePhoto[]): Generator<{ start: number; end: number; day: number }> {
  let start = 0;
  while (start < photos.length) {
    const day = Math.floor(photos[start]!.t / DAY_MS);
    let end = start + 1;
    while (end < photos.length && Math.floor(photos[end]!.t / DAY_MS) === day) end += 1;
    yield { start, end, day };
    start = end;
  }
}

/** Index of the first row whose bottom is below `y` (binary search). */
export function firstRowAt(rows: readonly TimelineRow[], y: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid]!;
    if (row.top + row.height < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows that reach into the band [from, to) px, in order. */
export function rowsInBand(rows: readonly TimelineRow[], from: number, to: number): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (let i = firstRowAt(rows, from); i < rows.length && rows[i]!.top < to; i++) out.push(rows[i]!);
  return out;
}

type CellsRow = Extract<TimelineRow, { kind: 'cells' }>;

/**
 * How many cells a band `span` px tall can hold: its rows of cells, plus a row cut at either edge.
 * The photos in such a band are consecutive, so this many slots give each its own (see cellSlots).
 */
export function slotsFor(layout: Pick<TimelineLayout, 'cell' | 'gap' | 'columns'>, span: number): number {
  return (Math.ceil(span / (layout.cell + layout.gap)) + 2) * layout.columns;
}

/**
 * The photos to draw, by slot: photo `index` always sits in slot `index % slots.length`. The slots
 * hold consecutive photos from the first one in `rows` (the band near the view; slotsFor of it), or
 * the library's last ones at its end, so no slot is ever empty and a cell is never made or dropped
 * while the view moves. While a photo stays near the view its slot, and so its cell, keeps it; only
 * the slots of photos that came near are given new ones.
 */
export function cellSlots(rows: readonly TimelineRow[], count: number, total: number): number[] {
  const size = Math.min(count, total);
  const start = Math.max(0, Math.min(firstPhotoBelow(rows, -Infinity), total - size));
  const slots = new Array<number>(size);
  for (let index = start; index < start + size; index++) slots[index % size] = index;
  return slots;
}

/** The first photo in `rows` whose row reaches below `y` px, or -1. */
export function firstPhotoBelow(rows: readonly TimelineRow[], y: number): number {
  for (const row of rows) if (row.kind === 'cells' && row.top + row.height > y) return row.first;
  return -1;
}

/** Where photo `index`'s cell sits in the timeline, px. */
export function cellPosition(layout: TimelineLayout, index: number): { top: number; left: number } {
  const row = layout.rows[rowOfPhoto(layout.rows, index)] as CellsRow;
  return { top: row.top, left: (index - row.first) * (layout.cell + layout.gap) };
}

/** Everything one grid cell shows: which photo, where, what it says to a screen reader, its mark. */
export interface GridCell {
  index: number;
  id: string;
  top: number;
  left: number;
  label: string;
  /** The mark's text (★ best of a similar group, the junk kind), or null. */
  mark: string | null;
  /** Whether Tab stops at this cell (the grid's roving tab stop). */
  tabStop: boolean;
}

/**
 * `next`, with each cell that reads the same as the cell `previous` had in its slot replaced by that
 * cell: the same object, so the grid leaves it alone. The grid draws its cells from one list made per
 * frame, so that each cell depends on its own entry only. Had every cell read the view, the layout
 * and the labels' sources itself, each of those would have one reader per cell (hundreds), and a
 * cell given a new photo is taken off and put back in every one of those lists: at 100,000 photos
 * that churn was the scroll's largest allocation outliving a minor collection (docs/decisions.md).
 */
export function keepUnchangedCells(next: GridCell[], previous: readonly GridCell[]): GridCell[] {
  for (let slot = 0; slot < next.length; slot++) {
    const before = previous[slot];
    if (before && sameCell(before, next[slot]!)) next[slot] = before;
  }
  return next;
}

function sameCell(a: GridCell, b: GridCell): boolean {
  return a.index === b.index && a.id === b.id && a.top === b.top && a.left === b.left && a.label === b.label && a.mark === b.mark && a.tabStop === b.tabStop;
}

/** Index into `rows` of the cells row holding photo `index` (binary search on `first`). */
export function rowOfPhoto(rows: readonly TimelineRow[], index: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid]!;
    const first = row.kind === 'cells' ? row.first : firstOfNextCells(rows, mid);
    if (first <= index) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  while (found >= 0 && rows[found]!.kind !== 'cells') found -= 1;
  return found;
}

/** Header rows sort with the cells row after them. */
function firstOfNextCells(rows: readonly TimelineRow[], at: number): number {
  for (let i = at; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.kind === 'cells') return row.first;
  }
  return Number.POSITIVE_INFINITY;
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

/**
 * Where a key moves the focus in the grid: left/right by one photo, up/down to the same column of
 * the previous/next row (the last photo of a shorter row), Home/End to the ends of the library.
 */
export function gridNeighbour(rows: readonly TimelineRow[], total: number, index: number, key: GridKey): number {
  if (key === 'Home') return 0;
  if (key === 'End') return total - 1;
  if (key === 'ArrowLeft') return Math.max(0, index - 1);
  if (key === 'ArrowRight') return Math.min(total - 1, index + 1);
  const at = rowOfPhoto(rows, index);
  const row = rows[at] as CellsRow;
  const column = index - row.first;
  const step = key === 'ArrowUp' ? -1 : 1;
  for (let i = at + step; i >= 0 && i < rows.length; i += step) {
    const next = rows[i]!;
    if (next.kind === 'cells') return next.first + Math.min(column, next.count - 1);
  }
  return index;
}

/** A read of thumbnails takes about this long: a cell that crosses the view faster is gone before its photo arrives. */
export const THUMBNAIL_READ_MS = 250;
/** No scroll for this long: the view has stopped (a moving one scrolls every frame). */
export const SCROLL_PAUSE_MS = 100;

/**
 * Whether the view moves too fast for thumbnails to be worth reading: the scroll moved `movedPx`
 * since the last one, `elapsedMs` ago, and at that pace a cell crosses the view in less than a read
 * takes. A jump after a pause (a month picked, Home or End) is no fling: its photos are read at once.
 */
export function tooFastForThumbnails(movedPx: number, elapsedMs: number, viewportPx: number): boolean {
  if (viewportPx <= 0 || elapsedMs > SCROLL_PAUSE_MS) return false;
  return Math.abs(movedPx) * THUMBNAIL_READ_MS > viewportPx * Math.max(elapsedMs, 1);
}
