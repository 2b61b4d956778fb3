import { describe, expect, it } from 'vitest';
import { cellPosition, cellSlots, firstPhotoBelow, firstRowAt, gridNeighbour, keepUnchangedCells, layoutTimeline, rowOfPhoto, rowsInBand, slotsFor, sortNewestFirst, SCROLL_PAUSE_MS, THUMBNAIL_READ_MS, tooFastForThumbnails, type GridCell, type TimelinePhoto } from '../../src/pipeline/library/timeline';
import { dayKey, localSortMs, monthKey } from '../../src/pipeline/import/time';

const at = (iso: string, id: string): TimelinePhoto => ({ id, t: Date.parse(`${iso}Z`) });
const options = { width: 1000, targetCell: 180, gap: 4, monthHeader: 56, dayHeader: 32 };

describe('localSortMs', () => {
  it('reads the wall clock, ignoring the offset, so days stay where the photo was taken', () => {
    expect(dayKey(localSortMs('2024-10-08T23:30:00+09:00', 0))).toBe('2024-10-08');
    expect(monthKey(localSortMs('2008-05-08T09:54:28', 0))).toBe('2008-05');
    expect(localSortMs('2024-06-03T14:22:05.25+01:00', 0)).toBe(Date.UTC(2024, 5, 3, 14, 22, 5, 250));
  });
  it('falls back when there is no time', () => {
    expect(localSortMs(null, 42)).toBe(42);
  });
});

describe('layoutTimeline', () => {
  const photos = sortNewestFirst([
    at('2024-06-03T10:00:00', 'a'), at('2024-06-03T11:00:00', 'b'), at('2024-06-01T09:00:00', 'c'),
    at('2024-05-31T23:59:59', 'd'), ...Array.from({ length: 12 }, (_, i) => at(`2023-01-0${(i % 3) + 1}T12:00:00`, `z${i}`)),
  ]);
  const layout = layoutTimeline(photos, options);

  it('groups newest first by month then day, with counts', () => {
    expect(layout.months.map((m) => [m.key, m.count])).toEqual([['2024-06', 3], ['2024-05', 1], ['2023-01', 12]]);
    const days = layout.rows.filter((r) => r.kind === 'day').map((r) => (r.kind === 'day' ? `${r.key}:${r.count}` : ''));
    expect(days).toEqual(['2024-06-03:2', '2024-06-01:1', '2024-05-31:1', '2023-01-03:4', '2023-01-02:4', '2023-01-01:4']);
  });

  it('fills rows up to the column count and stacks rows without overlap', () => {
    expect(layout.columns).toBe(5);
    const cells = layout.rows.filter((r) => r.kind === 'cells');
    expect(cells.reduce((n, r) => n + r.count, 0)).toBe(photos.length);
    for (let i = 1; i < layout.rows.length; i++) expect(layout.rows[i]!.top).toBeGreaterThanOrEqual(layout.rows[i - 1]!.top + layout.rows[i - 1]!.height);
  });

  it('finds the first visible row by binary search', () => {
    const mid = layout.rows[5]!;
    expect(firstRowAt(layout.rows, mid.top + 1)).toBe(5);
    expect(firstRowAt(layout.rows, -100)).toBe(0);
    expect(firstRowAt(layout.rows, layout.height + 10)).toBe(layout.rows.length);
  });

  it('lays out 100,000 photos', () => {
    const many = sortNewestFirst(Array.from({ length: 100_000 }, (_, i) => ({ id: `p${i}`, t: Date.UTC(2010, 0, 1) + i * 3_600_000 })));
    const big = layoutTimeline(many, options);
    expect(big.rows.filter((r) => r.kind === 'cells').reduce((n, r) => n + r.count, 0)).toBe(100_000);
    expect(big.months.reduce((n, m) => n + m.count, 0)).toBe(100_000);
  });
});

describe('cells near the view by slot', () => {
  // Days of 1 to 40 photos, so that rows are cut short and headers fall everywhere; then one long day.
  const photos = sortNewestFirst(Array.from({ length: 5000 }, (_, i) => ({ id: `p${i}`, t: Date.UTC(2020, 0, 1) + (i < 3000 ? Math.floor(Math.sqrt(i) * 7) : 400) * 86_400_000 + i })));
  const layout = layoutTimeline(photos, options);
  const span = 860 + 2 * 800;
  const count = slotsFor(layout, span);
  const slotsAt = (top: number): number[] => cellSlots(rowsInBand(layout.rows, top - 800, top - 800 + span), count, photos.length);

  it('gives every photo near the view its own slot, index mod the slot count, and leaves no slot empty', () => {
    for (let top = 0; top < layout.height; top += 97) {
      const band = rowsInBand(layout.rows, top - 800, top - 800 + span).flatMap((row) => (row.kind === 'cells' ? Array.from({ length: row.count }, (_, k) => row.first + k) : []));
      const slots = slotsAt(top);
      expect(slots).toHaveLength(count);
      expect(new Set(slots).size).toBe(count);
      for (const index of band) expect(slots[index % count]).toBe(index);
      for (const index of slots) expect(index).toBeGreaterThanOrEqual(0), expect(index).toBeLessThan(photos.length);
    }
  });

  it('leaves a photo in its slot while the view moves', () => {
    const before = slotsAt(4000);
    const after = slotsAt(4800);
    const kept = before.filter((index) => after.includes(index));
    expect(kept.length).toBeGreaterThan(0);
    for (const index of kept) expect(after.indexOf(index)).toBe(before.indexOf(index));
  });

  it('draws a small library whole', () => {
    expect(cellSlots(layout.rows.slice(0, 3), count, 7).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('finds the first photo whose row reaches below a line', () => {
    const row = layout.rows.find((r) => r.kind === 'cells' && r.first > 100)!;
    if (row.kind !== 'cells') throw new Error('no cells');
    expect(firstPhotoBelow(layout.rows, row.top)).toBe(row.first);
    expect(firstPhotoBelow(layout.rows, layout.height)).toBe(-1);
  });

  it('places a cell in its row and column', () => {
    const row = layout.rows.find((r) => r.kind === 'cells' && r.count > 2 && r.first > 100)!;
    if (row.kind !== 'cells') throw new Error('no cells');
    expect(cellPosition(layout, row.first + 2)).toEqual({ top: row.top, left: 2 * (layout.cell + layout.gap) });
  });
});

describe('grid cells from one frame to the next', () => {
  const cell = (index: number, changes: Partial<GridCell> = {}): GridCell => ({ index, id: `p${index}`, top: 100 * Math.floor(index / 4), left: 80 * (index % 4), label: `Photo ${index + 1}`, mark: null, tabStop: false, ...changes });

  it('keeps the object of each slot whose cell reads the same, and takes the new one elsewhere', () => {
    const previous = [cell(8), cell(1), cell(2), cell(3)];
    // Slot 0 was given photo 4 (the view moved); slot 2 gained a mark; slot 3 became the tab stop.
    const next = keepUnchangedCells([cell(4), cell(1), cell(2, { mark: '★' }), cell(3, { tabStop: true })], previous);
    expect(next[0]).toEqual(cell(4));
    expect(next[0]).not.toBe(previous[0]);
    expect(next[1]).toBe(previous[1]);
    expect(next[2]).toEqual(cell(2, { mark: '★' }));
    expect(next[3]!.tabStop).toBe(true);
  });

  it('redraws a cell whose words changed though its photo did not (another language, a new name)', () => {
    const previous = [cell(0), cell(1)];
    const next = keepUnchangedCells([cell(0, { label: 'Foto 1' }), cell(1)], previous);
    expect(next[0]!.label).toBe('Foto 1');
    expect(next[1]).toBe(previous[1]);
  });

  it('keeps nothing when there was nothing, or when the slots grew', () => {
    expect(keepUnchangedCells([cell(0)], [])).toEqual([cell(0)]);
    const previous = [cell(0)];
    const next = keepUnchangedCells([cell(0), cell(1)], previous);
    expect(next[0]).toBe(previous[0]);
    expect(next[1]).toEqual(cell(1));
  });
});

describe('keyboard movement in the grid', () => {
  // 3 photos on one day, then 7 on the next (5 columns): rows [0..2], [3..7], [8..9].
  const photos = sortNewestFirst([
    ...Array.from({ length: 3 }, (_, i) => at(`2024-06-03T1${i}:00:00`, `a${i}`)),
    ...Array.from({ length: 7 }, (_, i) => at(`2024-06-02T1${i}:00:00`, `b${i}`)),
  ]);
  const { rows } = layoutTimeline(photos, options);

  it('finds the row of any photo', () => {
    const firsts = [0, 2, 3, 7, 8, 9].map((i) => (rows[rowOfPhoto(rows, i)] as { first: number }).first);
    expect(firsts).toEqual([0, 0, 3, 3, 8, 8]);
  });

  it('moves by photo, by row in the same column, and to the ends', () => {
    expect(gridNeighbour(rows, 10, 2, 'ArrowRight')).toBe(3);
    expect(gridNeighbour(rows, 10, 0, 'ArrowLeft')).toBe(0);
    expect(gridNeighbour(rows, 10, 1, 'ArrowDown')).toBe(4);
    expect(gridNeighbour(rows, 10, 7, 'ArrowUp')).toBe(2);
    expect(gridNeighbour(rows, 10, 6, 'ArrowDown')).toBe(9);
    expect(gridNeighbour(rows, 10, 9, 'ArrowDown')).toBe(9);
    expect(gridNeighbour(rows, 10, 5, 'End')).toBe(9);
    expect(gridNeighbour(rows, 10, 5, 'Home')).toBe(0);
  });
});

describe('thumbnails during a fling', () => {
  const view = 860;
  it('holds them while a cell would cross the view faster than a read takes', () => {
    // A fling: 800 px a frame; a steady wheel: 100 px every 50 ms (a cell crosses in 430 ms).
    expect(tooFastForThumbnails(800, 16, view)).toBe(true);
    expect(tooFastForThumbnails(-800, 16, view)).toBe(true);
    expect(tooFastForThumbnails(100, 50, view)).toBe(false);
    // Just over and just under a view per read, 20 ms after the last scroll.
    const edge = (view * 20) / THUMBNAIL_READ_MS;
    expect(tooFastForThumbnails(edge + 1, 20, view)).toBe(true);
    expect(tooFastForThumbnails(edge - 1, 20, view)).toBe(false);
  });

  it('reads at once after a jump that follows a pause, and when nothing is known yet', () => {
    expect(tooFastForThumbnails(400_000, 2000, view)).toBe(false); // a month picked two seconds after the last scroll
    expect(tooFastForThumbnails(400_000, SCROLL_PAUSE_MS + 1, view)).toBe(false);
    expect(tooFastForThumbnails(400_000, SCROLL_PAUSE_MS, view)).toBe(true); // dragging the scroll bar
    expect(tooFastForThumbnails(400_000, Infinity, view)).toBe(false); // the first scroll of the grid
    expect(tooFastForThumbnails(800, 16, 0)).toBe(false); // not laid out yet
  });
});

