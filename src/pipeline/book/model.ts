/**
 * The book model: pages with photo slots and text blocks, in millimetres on the trimmed page
 * (origin top left; frames of full-bleed photos reach into the bleed, beyond 0 and the page size).
 * The layout stage writes it, the editor changes it, the PDF export draws it. Pure data.
 */
import { MM_PER_INCH } from './formats';
import type { Box } from '../analyse/types';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PhotoSlot {
  photoId: string;
  /** Where the photo is placed on the page, mm. */
  frame: Rect;
  /** The part of the photo shown, as fractions of its displayed width and height. */
  crop: Rect;
}

export type TextRole = 'title' | 'subtitle' | 'chapter' | 'caption';

export interface TextBlock {
  text: string;
  role: TextRole;
  frame: Rect;
  sizePt: number;
  align: 'left' | 'center';
  /** −90: the text runs down the frame (a spine). */
  rotate?: -90;
}

export type PageKind = 'title' | 'chapter' | 'photos' | 'hero' | 'blank';

export interface BookPage {
  id: string;
  kind: PageKind;
  /** Which template made it ("rows-2+1", "hero", "single"…), for the editor. */
  layout: string;
  slots: PhotoSlot[];
  texts: TextBlock[];
}

export interface Book {
  schema: number;
  id: string;
  title: string;
  memoryId: string | null;
  formatId: string;
  labId: string;
  pages: BookPage[];
  createdAt: number;
  updatedAt: number;
}

/** What the layout needs of a photo: its displayed pixel size (of the original), faces and value. */
export interface BookPhoto {
  id: string;
  width: number;
  height: number;
  faces: Box[];
  quality: number;
  favourite: boolean;
}

/** Pages are numbered from 1; odd pages are right-hand pages, bound on their left edge. */
export const bindingSide = (pageNumber: number): 'left' | 'right' => (pageNumber % 2 === 1 ? 'left' : 'right');

/** Effective resolution of a placed photo: source pixels per inch of the printed frame (the smaller axis). */
export function effectivePpi(photo: Pick<BookPhoto, 'width' | 'height'>, slot: Pick<PhotoSlot, 'frame' | 'crop'>): number {
  const x = (photo.width * slot.crop.w) / (slot.frame.w / MM_PER_INCH);
  const y = (photo.height * slot.crop.h) / (slot.frame.h / MM_PER_INCH);
  return Math.min(x, y);
}

export interface ResolutionIssue {
  /** 1-based page number. */
  page: number;
  photoId: string;
  ppi: number;
  /** 'warn' under 300 ppi (it may print soft), 'block' under 150 (export refuses). */
  level: 'warn' | 'block';
}

/** Below this a placed photo may print soft (the editor marks it)… */
export const WARN_PPI = 300;
/** …and below this it is too small to print (export refuses). */
export const BLOCK_PPI = 150;

/** Placed photos printing under 300 ppi, page by page. */
export function resolutionIssues(book: Pick<Book, 'pages'>, photos: ReadonlyMap<string, Pick<BookPhoto, 'width' | 'height'>>): ResolutionIssue[] {
  return book.pages.flatMap((page, index) =>
    page.slots.flatMap((slot) => {
      const photo = photos.get(slot.photoId);
      if (!photo) return [];
      const ppi = effectivePpi(photo, slot);
      // A hair under the threshold is rounding in the layout, not a soft print.
      if (ppi >= WARN_PPI - 0.5) return [];
      return [{ page: index + 1, photoId: slot.photoId, ppi: Math.round(ppi), level: ppi < BLOCK_PPI ? 'block' : 'warn' } satisfies ResolutionIssue];
    }),
  );
}
