/**
 * Edits a person makes to a book, each returning a new book (the old one stays for undo): swap or
 * move photos, change a page's layout, pan and zoom a crop, edit text, add, remove and reorder
 * pages. Photos keep at least 300 ppi where the layout gave them that; crops never leave the photo.
 * Pure.
 */
import { MM_PER_INCH } from './formats';
import { MIN_PPI, packEvery, photoArea, type LayoutInput } from './layout';
import { effectivePpi, type Book, type BookPage, type BookPhoto, type PhotoSlot, type Rect } from './model';

type Geometry = Pick<LayoutInput, 'format' | 'lab'>;

const withPages = (book: Book, pages: BookPage[]): Book => ({ ...book, pages });
const replacePage = (book: Book, index: number, page: BookPage): Book => withPages(book, book.pages.map((p, i) => (i === index ? page : p)));

/**
 * The largest crop of a photo with the frame's shape, centred on its faces (or its middle): what a
 * photo shows when it is put into a frame of another shape.
 */
export function fillCrop(photo: BookPhoto, frameAspect: number): Rect {
  const aspect = photo.width / photo.height;
  const w = aspect > frameAspect ? frameAspect / aspect : 1;
  const h = aspect > frameAspect ? 1 : aspect / frameAspect;
  const centre = photo.faces.length
    ? { x: photo.faces.reduce((s, f) => s + f[0] + f[2] / 2, 0) / photo.faces.length, y: photo.faces.reduce((s, f) => s + f[1] + f[3] / 2, 0) / photo.faces.length }
    : { x: 0.5, y: 0.5 };
  return { x: clamp(centre.x - w / 2, 0, 1 - w), y: clamp(centre.y - h / 2, 0, 1 - h), w, h };
}

/** Exchange the photos of two slots (on one page or two); each fills the other's frame. */
export function swapPhotos(book: Book, a: { page: number; slot: number }, b: { page: number; slot: number }, photos: ReadonlyMap<string, BookPhoto>): Book {
  const slotA = book.pages[a.page]?.slots[a.slot];
  const slotB = book.pages[b.page]?.slots[b.slot];
  if (!slotA || !slotB) return book;
  const put = (slot: PhotoSlot, photoId: string): PhotoSlot => {
    const photo = photos.get(photoId);
    if (!photo) return { ...slot, photoId };
    const placed = { photoId, frame: slot.frame, crop: fillCrop(photo, slot.frame.w / slot.frame.h) };
    // A photo too small for the frame is placed smaller (centred in it), never enlarged below 300 ppi.
    const ppi = effectivePpi(photo, placed);
    if (ppi >= MIN_PPI) return placed;
    const scale = ppi / MIN_PPI;
    const { x, y, w, h } = slot.frame;
    return { ...placed, frame: { x: x + (w * (1 - scale)) / 2, y: y + (h * (1 - scale)) / 2, w: w * scale, h: h * scale } };
  };
  let next = replacePage(book, a.page, { ...book.pages[a.page]!, slots: book.pages[a.page]!.slots.map((s, i) => (i === a.slot ? put(slotA, slotB.photoId) : s)) });
  next = replacePage(next, b.page, { ...next.pages[b.page]!, slots: next.pages[b.page]!.slots.map((s, i) => (i === b.slot ? put(slotB, slotA.photoId) : s)) });
  return next;
}

/** Pages hold at most this many photos (the layouts the packing knows). */
const MAX_PER_PAGE = 4;

/**
 * Move a photo to another page: both pages are packed again with their photos in order (a page
 * left without photos stays as a blank page). Refused (the book returned as it was) onto a title
 * page or a full page.
 */
export function movePhoto(book: Book, from: { page: number; slot: number }, toPage: number, geometry: Geometry, photos: ReadonlyMap<string, BookPhoto>): Book {
  const source = book.pages[from.page];
  const target = book.pages[toPage];
  const slot = source?.slots[from.slot];
  if (!source || !target || !slot || from.page === toPage || target.slots.length >= MAX_PER_PAGE) return book;
  const targetKind = target.kind === 'blank' || target.kind === 'hero' ? 'photos' : target.kind;
  const targetArea = photoArea(geometry, targetKind, toPage + 1);
  if (!targetArea) return book;
  const repack = (page: BookPage, ids: string[], area: Rect | null, kind: BookPage['kind']): BookPage => {
    const members = ids.flatMap((id) => photos.get(id) ?? []);
    if (!members.length || !area) return { ...page, kind: page.kind === 'chapter' || page.kind === 'title' ? page.kind : 'blank', layout: page.kind === 'chapter' ? 'chapter' : 'blank', slots: [] };
    const packed = packEvery(members, area);
    return { ...page, kind, layout: kind === 'chapter' ? `chapter-${packed.layout}` : packed.layout, slots: packed.slots };
  };
  const sourceIds = source.slots.filter((_, i) => i !== from.slot).map((s) => s.photoId);
  const sourceKind = source.kind === 'hero' ? 'photos' : source.kind;
  let next = replacePage(book, from.page, repack(source, sourceIds, photoArea(geometry, sourceKind, from.page + 1), sourceKind));
  next = replacePage(next, toPage, repack(target, [...target.slots.map((s) => s.photoId), slot.photoId], targetArea, targetKind));
  return next;
}

/** The arrangements a page's photos can take (its current one first), for "change layout". */
export function layoutChoices(page: BookPage, pageIndex: number, geometry: Geometry, photos: ReadonlyMap<string, BookPhoto>): BookPage[] {
  const members = page.slots.flatMap((slot) => photos.get(slot.photoId) ?? []);
  const kind = page.kind === 'hero' ? 'photos' : page.kind;
  const area = photoArea(geometry, kind, pageIndex + 1);
  if (!members.length || !area || members.length > MAX_PER_PAGE) return [page];
  const choices = [page];
  // Each photo as the lead, the rest after it: different rhythms of the same photos.
  for (let lead = 0; lead < members.length; lead++) {
    const packed = packEvery([members[lead]!, ...members.filter((_, i) => i !== lead)], area);
    if (!choices.some((c) => c.layout.endsWith(packed.layout) && c.slots[0]?.photoId === packed.slots[0]?.photoId)) {
      choices.push({ ...page, kind, layout: kind === 'chapter' ? `chapter-${packed.layout}` : packed.layout, slots: packed.slots });
    }
  }
  return choices;
}

export function setPage(book: Book, index: number, page: BookPage): Book {
  return replacePage(book, index, page);
}

/**
 * Pan (dx, dy in fractions of the visible crop) and zoom (factor > 1 shows less of the photo) a
 * slot's crop. The crop keeps the frame's shape, stays inside the photo, and never shrinks below
 * what 300 ppi allows.
 */
export function panZoom(book: Book, at: { page: number; slot: number }, change: { dx?: number; dy?: number; zoom?: number }, photo: BookPhoto): Book {
  const page = book.pages[at.page];
  const slot = page?.slots[at.slot];
  if (!page || !slot) return book;
  const frameAspect = slot.frame.w / slot.frame.h;
  const minW = Math.min(1, ((slot.frame.w / MM_PER_INCH) * MIN_PPI) / photo.width);
  const largest = fillCrop(photo, frameAspect);
  const w = clamp(slot.crop.w / (change.zoom ?? 1), Math.min(minW, largest.w), largest.w);
  const h = (w * photo.width) / (frameAspect * photo.height);
  const cx = slot.crop.x + slot.crop.w / 2 + (change.dx ?? 0) * slot.crop.w;
  const cy = slot.crop.y + slot.crop.h / 2 + (change.dy ?? 0) * slot.crop.h;
  const crop = { x: clamp(cx - w / 2, 0, 1 - w), y: clamp(cy - h / 2, 0, 1 - h), w, h };
  return replacePage(book, at.page, { ...page, slots: page.slots.map((s, i) => (i === at.slot ? { ...s, crop } : s)) });
}

export function editText(book: Book, at: { page: number; text: number }, text: string): Book {
  const page = book.pages[at.page];
  if (!page?.texts[at.text]) return book;
  return replacePage(book, at.page, { ...page, texts: page.texts.map((block, i) => (i === at.text ? { ...block, text } : block)) });
}

export function addBlankPage(book: Book, after: number): Book {
  const id = `p${Math.max(0, ...book.pages.map((page) => Number(page.id.slice(1)) || 0)) + 1}`;
  const pages = [...book.pages];
  pages.splice(after + 1, 0, { id, kind: 'blank', layout: 'blank', slots: [], texts: [] });
  return withPages(book, pages);
}

/** Remove a page (never the title page: a book needs one). */
export function removePage(book: Book, index: number): Book {
  if (index <= 0 || index >= book.pages.length) return book;
  return withPages(book, book.pages.filter((_, i) => i !== index));
}

/** Move a page to another place (the title page stays first). */
export function movePage(book: Book, from: number, to: number): Book {
  if (from <= 0 || to <= 0 || from >= book.pages.length || to >= book.pages.length || from === to) return book;
  const pages = [...book.pages];
  const [page] = pages.splice(from, 1);
  pages.splice(to, 0, page!);
  return withPages(book, pages);
}

/** Undo and redo over immutable values. */
export class History<T> {
  #past: T[] = [];
  #future: T[] = [];
  constructor(public current: T, private readonly limit = 100) {}

  push(next: T): T {
    if (next === this.current) return next;
    this.#past.push(this.current);
    if (this.#past.length > this.limit) this.#past.shift();
    this.#future = [];
    return (this.current = next);
  }

  undo(): T {
    const previous = this.#past.pop();
    if (previous === undefined) return this.current;
    this.#future.push(this.current);
    return (this.current = previous);
  }

  redo(): T {
    const next = this.#future.pop();
    if (next === undefined) return this.current;
    this.#past.push(this.current);
    return (this.current = next);
  }

  get canUndo(): boolean {
    return this.#past.length > 0;
  }

  get canRedo(): boolean {
    return this.#future.length > 0;
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
