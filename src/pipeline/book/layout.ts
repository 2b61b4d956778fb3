/**
 * Automatic layout of a whole book: a title page, chapters (an event's days, or a memory's events)
 * opening with their title, photos in order, packed page by page into justified rows that keep every
 * photo's aspect ratio (nothing cropped, no face cut), full-bleed heroes for favourites and the best
 * shots where their faces can stay inside the safe area and out of the gutter, and never a photo
 * enlarged past 300 ppi: a photo too small for its place is placed smaller. Pure.
 */
import { MM_PER_INCH, printablePageCount, type BookFormat, type Lab } from './formats';
import { bindingSide, effectivePpi, type Book, type BookPage, type BookPhoto, type PhotoSlot, type Rect, type TextBlock } from './model';

export const MIN_PPI = 300;

export interface LayoutChapter {
  title: string;
  subtitle?: string;
  photoIds: string[];
}

export interface LayoutInput {
  id: string;
  title: string;
  subtitle: string;
  memoryId: string | null;
  coverPhotoId: string | null;
  chapters: LayoutChapter[];
  photos: ReadonlyMap<string, BookPhoto>;
  format: BookFormat;
  lab: Lab;
  now: number;
}

export interface LayoutResult {
  book: Book;
  /** Sentences for the person: too many pages for the lab, blank pages added. */
  notes: string[];
}

const GAP_MM = 4;
const MARGIN_MM = 10;
const TITLE_PT = 26;
const SUBTITLE_PT = 13;
const CHAPTER_PT = 18;
const CHAPTER_TEXT_MM = 32;
/** At most one full-page photo for this many photos of a chapter. */
const PHOTOS_PER_HERO = 5;
const HERO_MIN_QUALITY = 0.75;

/** Row arrangements tried for 1 to 4 photos on a page (photos per row, top to bottom). */
const ARRANGEMENTS: Record<number, number[][]> = {
  1: [[1]],
  2: [[2], [1, 1]],
  3: [[3], [1, 2], [2, 1], [1, 1, 1]],
  4: [[2, 2], [1, 3], [3, 1], [4]],
};

export function layoutBook(input: LayoutInput): LayoutResult {
  const notes: string[] = [];
  let pages: BookPage[] = [];
  // Fewer photos per page until the book reaches the lab's minimum, before adding blank pages.
  for (let perPage = 4; perPage >= 1; perPage--) {
    pages = composePages(input, perPage);
    if (pages.length >= input.lab.minPages) break;
  }
  const target = printablePageCount(pages.length, input.lab);
  if (target > pages.length) {
    const blank = target - pages.length;
    notes.push(`${blank === 1 ? 'A blank page was' : `${blank} blank pages were`} added at the end: ${input.lab.name} prints at least ${input.lab.minPages} pages, in multiples of ${input.lab.pageMultiple}.`);
    for (let i = pages.length; i < target; i++) pages.push({ id: `p${i + 1}`, kind: 'blank', layout: 'blank', slots: [], texts: [] });
  }
  if (pages.length > input.lab.maxPages) notes.push(`The book has ${pages.length} pages; ${input.lab.name} prints at most ${input.lab.maxPages}. Remove photos or choose a shorter memory.`);
  const book: Book = { schema: 1, id: input.id, title: input.title, memoryId: input.memoryId, formatId: input.format.id, labId: input.lab.id, pages, createdAt: input.now, updatedAt: input.now };
  return { book, notes };
}

function composePages(input: LayoutInput, perPage: number): BookPage[] {
  const pages: BookPage[] = [];
  const next = (page: Omit<BookPage, 'id'>): void => void pages.push({ id: `p${pages.length + 1}`, ...page });
  const photo = (id: string): BookPhoto | undefined => input.photos.get(id);
  next(titlePage(input, pages.length + 1));
  for (const chapter of input.chapters) {
    const photos = chapter.photoIds.flatMap((id) => photo(id) ?? []);
    if (!photos.length) continue;
    const heroes = heroesOf(photos);
    // The chapter opens with its title and its first photos (as many of two as fit well).
    const opening = chapterPage(input, chapter, photos.slice(0, Math.min(2, perPage)), pages.length + 1);
    next(opening);
    let i = opening.slots.length;
    while (i < photos.length) {
      const pageNumber = pages.length + 1;
      const current = photos[i]!;
      const hero = heroes.has(current.id) ? heroSlot(current, input, pageNumber) : null;
      if (hero) {
        next({ kind: 'hero', layout: 'hero', slots: [hero], texts: [] });
        i += 1;
        continue;
      }
      // Heroes end a page's run of photos: they get their own page next.
      let run = 0;
      while (run < perPage && i + run < photos.length && (run === 0 || !heroes.has(photos[i + run]!.id))) run++;
      const best = bestPacking(photos.slice(i, i + run), contentRect(input, pageNumber));
      next({ kind: 'photos', layout: best.layout, slots: best.slots, texts: [] });
      i += best.slots.length;
    }
  }
  return pages;
}

/** The area photos and text use on a page: inside the margins, with the gutter on the binding side. */
export function contentRect(input: Pick<LayoutInput, 'format' | 'lab'>, pageNumber: number): Rect {
  const { widthMm: w, heightMm: h } = input.format;
  const outer = Math.max(MARGIN_MM, input.lab.safeMm);
  const inner = outer + input.lab.gutterMm;
  const left = bindingSide(pageNumber) === 'left' ? inner : outer;
  const right = bindingSide(pageNumber) === 'left' ? outer : inner;
  return { x: left, y: outer, w: w - left - right, h: h - 2 * outer };
}

/** Where a page's photos go: below the title on a chapter page, the whole content area on a photo page; none on a title page. */
export function photoArea(input: Pick<LayoutInput, 'format' | 'lab'>, kind: BookPage['kind'], pageNumber: number): Rect | null {
  const area = contentRect(input, pageNumber);
  if (kind === 'title') return null;
  return kind === 'chapter' ? { x: area.x, y: area.y + CHAPTER_TEXT_MM, w: area.w, h: area.h - CHAPTER_TEXT_MM } : area;
}

/** Where faces may be on a page: the safe area, away from the gutter. */
export function safeRect(input: Pick<LayoutInput, 'format' | 'lab'>, pageNumber: number): Rect {
  const { widthMm: w, heightMm: h } = input.format;
  const { safeMm, gutterMm } = input.lab;
  const left = bindingSide(pageNumber) === 'left' ? safeMm + gutterMm : safeMm;
  const right = bindingSide(pageNumber) === 'left' ? safeMm : safeMm + gutterMm;
  return { x: left, y: safeMm, w: w - left - right, h: h - 2 * safeMm };
}

function titlePage(input: LayoutInput, pageNumber: number): Omit<BookPage, 'id'> {
  const area = contentRect(input, pageNumber);
  const texts: TextBlock[] = [
    { text: input.title, role: 'title', frame: { x: area.x, y: area.y + area.h * 0.62, w: area.w, h: 16 }, sizePt: TITLE_PT, align: 'center' },
    { text: input.subtitle, role: 'subtitle', frame: { x: area.x, y: area.y + area.h * 0.62 + 18, w: area.w, h: 8 }, sizePt: SUBTITLE_PT, align: 'center' },
  ];
  const cover = input.coverPhotoId ? input.photos.get(input.coverPhotoId) : undefined;
  const slots = cover ? bestPacking([cover], { x: area.x, y: area.y, w: area.w, h: area.h * 0.58 }).slots : [];
  return { kind: 'title', layout: 'title', slots, texts };
}

function chapterPage(input: LayoutInput, chapter: LayoutChapter, photos: BookPhoto[], pageNumber: number): Omit<BookPage, 'id'> {
  const area = contentRect(input, pageNumber);
  const texts: TextBlock[] = [{ text: chapter.title, role: 'chapter', frame: { x: area.x, y: area.y, w: area.w, h: 12 }, sizePt: CHAPTER_PT, align: 'left' }];
  if (chapter.subtitle) texts.push({ text: chapter.subtitle, role: 'caption', frame: { x: area.x, y: area.y + 14, w: area.w, h: 6 }, sizePt: 10, align: 'left' });
  const below = photoArea(input, 'chapter', pageNumber)!;
  const packed = photos.length ? bestPacking(photos, below) : { slots: [], layout: 'chapter' };
  return { kind: 'chapter', layout: `chapter-${packed.layout}`, slots: packed.slots, texts };
}

/** Favourites and the best shots of a chapter, at most one per few photos. */
function heroesOf(photos: readonly BookPhoto[]): Set<string> {
  const limit = Math.floor(photos.length / PHOTOS_PER_HERO);
  const ranked = photos.filter((photo) => photo.favourite || photo.quality >= HERO_MIN_QUALITY).sort((a, b) => Number(b.favourite) - Number(a.favourite) || b.quality - a.quality);
  return new Set(ranked.slice(0, limit).map((photo) => photo.id));
}

/**
 * A full-bleed photo, cropped to the page, its faces inside the safe area and out of the gutter,
 * at 300 ppi or more; null when the photo cannot be all of that (it is then laid out framed).
 */
export function heroSlot(photo: BookPhoto, input: Pick<LayoutInput, 'format' | 'lab'>, pageNumber: number): PhotoSlot | null {
  const { widthMm: w, heightMm: h } = input.format;
  const bleed = input.lab.bleedMm;
  const frame: Rect = { x: -bleed, y: -bleed, w: w + 2 * bleed, h: h + 2 * bleed };
  const pageAspect = frame.w / frame.h;
  const photoAspect = photo.width / photo.height;
  // Heavy crops lose too much of a picture: only photos near the page's shape go full page.
  if (Math.abs(Math.log(photoAspect / pageAspect)) > 0.45) return null;
  const cw = photoAspect > pageAspect ? pageAspect / photoAspect : 1;
  const ch = photoAspect > pageAspect ? 1 : photoAspect / pageAspect;
  const safe = safeRect(input, pageNumber);
  const cx = cropOffset(photo.faces.map((f) => [f[0], f[0] + f[2]] as const), cw, frame.x, frame.w, safe.x, safe.x + safe.w);
  const cy = cropOffset(photo.faces.map((f) => [f[1], f[1] + f[3]] as const), ch, frame.y, frame.h, safe.y, safe.y + safe.h);
  if (cx === null || cy === null) return null;
  const slot: PhotoSlot = { photoId: photo.id, frame, crop: { x: cx, y: cy, w: cw, h: ch } };
  return effectivePpi(photo, slot) >= MIN_PPI ? slot : null;
}

/**
 * Where a crop of length `size` (fraction of the photo) starts on one axis so that every face
 * span [a, b] lands inside [lo, hi] on the page; centred on the faces (or the photo) when it can
 * move, null when no offset keeps them all inside.
 */
function cropOffset(spans: ReadonlyArray<readonly [number, number]>, size: number, frameStart: number, frameLength: number, lo: number, hi: number): number | null {
  let min = 0;
  let max = 1 - size;
  for (const [a, b] of spans) {
    // page(u) = frameStart + (u − c) / size × frameLength
    max = Math.min(max, a - ((lo - frameStart) * size) / frameLength);
    min = Math.max(min, b - ((hi - frameStart) * size) / frameLength);
  }
  if (min > max + 1e-9) return null;
  const centre = spans.length ? (Math.min(...spans.map((s) => s[0])) + Math.max(...spans.map((s) => s[1]))) / 2 : 0.5;
  return Math.min(max, Math.max(min, centre - size / 2));
}

interface Packing {
  layout: string;
  slots: PhotoSlot[];
  coverage: number;
}

/**
 * The best way to put up to four photos on a page: every arrangement of the first k photos in
 * justified rows, scored by how much of the area they fill, minus a little for crowding.
 */
export function bestPacking(photos: readonly BookPhoto[], area: Rect): Packing {
  let best: Packing | null = null;
  let bestScore = -Infinity;
  for (let k = Math.min(photos.length, 4); k >= 1; k--) {
    const packing = packEvery(photos.slice(0, k), area);
    // Each photo placed is worth a little, so pages are not wasted on one small photo each.
    const score = packing.coverage + 0.03 * k;
    if (score > bestScore) [best, bestScore] = [packing, score];
  }
  return best!;
}

/** All of these photos (one to four) on the page, in the arrangement that fills it best. */
export function packEvery(photos: readonly BookPhoto[], area: Rect): Packing {
  let best: Packing | null = null;
  for (const rows of ARRANGEMENTS[photos.length] ?? []) {
    const packing = justifiedRows(photos, rows, area);
    if (!best || packing.coverage > best.coverage) best = packing;
  }
  if (!best) throw new Error(`a page holds one to four photos, not ${photos.length}`);
  return best;
}

/** Photos in rows of equal height filling the area's width, scaled to fit its height, centred; no photo above 300 ppi. */
function justifiedRows(photos: readonly BookPhoto[], rows: readonly number[], area: Rect): Packing {
  let index = 0;
  const laid = rows.map((count) => {
    const members = photos.slice(index, (index += count));
    const aspects = members.map((photo) => photo.width / photo.height);
    const height = (area.w - GAP_MM * (count - 1)) / aspects.reduce((a, b) => a + b, 0);
    return { members, aspects, height };
  });
  const natural = laid.reduce((sum, row) => sum + row.height, 0);
  const scale = Math.min(1, (area.h - GAP_MM * (rows.length - 1)) / natural);
  const totalHeight = natural * scale + GAP_MM * (rows.length - 1);
  let y = area.y + (area.h - totalHeight) / 2;
  const slots: PhotoSlot[] = [];
  for (const row of laid) {
    const h = row.height * scale;
    const rowWidth = row.aspects.reduce((sum, a) => sum + a * h, 0) + GAP_MM * (row.members.length - 1);
    let x = area.x + (area.w - rowWidth) / 2;
    row.members.forEach((photo, i) => {
      const cell = { x, y, w: row.aspects[i]! * h, h };
      slots.push({ photoId: photo.id, frame: atMostMinPpi(photo, cell), crop: { x: 0, y: 0, w: 1, h: 1 } });
      x += cell.w + GAP_MM;
    });
    y += h + GAP_MM;
  }
  const used = slots.reduce((sum, slot) => sum + slot.frame.w * slot.frame.h, 0);
  return { layout: `rows-${rows.join('+')}`, slots, coverage: used / (area.w * area.h) };
}

/** A frame no bigger than the photo can fill at 300 ppi, centred in its cell. */
function atMostMinPpi(photo: BookPhoto, cell: Rect): Rect {
  const maxW = (photo.width / MIN_PPI) * MM_PER_INCH;
  if (cell.w <= maxW) return cell;
  const w = maxW;
  const h = (cell.h * maxW) / cell.w;
  return { x: cell.x + (cell.w - w) / 2, y: cell.y + (cell.h - h) / 2, w, h };
}
