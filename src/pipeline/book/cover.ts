/**
 * The cover for labs that print it apart: one sheet with the back, the spine (its width from the
 * page count and the lab's paper) and the front. The front carries the cover photo to the bleed on
 * its three outer edges, cropped around its faces, and the title; the spine the title when it is
 * wide enough to read. Pure.
 */
import { spineWidthMm, type BookFormat, type Lab } from './formats';
import { fillCrop } from './edit';
import { MIN_PPI, bestPacking } from './layout';
import { effectivePpi, type Book, type BookPage, type BookPhoto, type PhotoSlot, type TextBlock } from './model';
import type { Sheet } from './pdf';

export interface CoverLayout {
  sheet: Sheet;
  spineMm: number;
  page: BookPage;
}

/** Below this a spine has no room for a line of text. */
const SPINE_TEXT_MIN_MM = 6;
const PHOTO_SHARE = 0.72;

export function coverLayout(book: Book, format: BookFormat, lab: Lab, photo: BookPhoto | undefined): CoverLayout {
  const spineMm = spineWidthMm(book.pages.length, lab);
  const { widthMm: w, heightMm: h } = format;
  const b = lab.bleedMm;
  const sheet: Sheet = { widthMm: 2 * w + spineMm, heightMm: h, bleedMm: b };
  const front = w + spineMm;
  const subtitle = book.pages[0]?.texts.find((text) => text.role === 'subtitle')?.text ?? '';
  const texts: TextBlock[] = [
    { text: book.title, role: 'title', frame: { x: front + lab.safeMm, y: h * (PHOTO_SHARE + 0.06), w: w - 2 * lab.safeMm, h: 14 }, sizePt: 24, align: 'center' },
    { text: subtitle, role: 'subtitle', frame: { x: front + lab.safeMm, y: h * (PHOTO_SHARE + 0.06) + 16, w: w - 2 * lab.safeMm, h: 8 }, sizePt: 12, align: 'center' },
    { text: 'Keepsake', role: 'caption', frame: { x: lab.safeMm, y: h - lab.safeMm - 8, w: w - 2 * lab.safeMm, h: 6 }, sizePt: 8, align: 'center' },
  ];
  if (spineMm >= SPINE_TEXT_MIN_MM) texts.push({ text: book.title, role: 'caption', frame: { x: w, y: lab.safeMm, w: spineMm, h: h - 2 * lab.safeMm }, sizePt: Math.min(10, spineMm * 1.6), align: 'center', rotate: -90 });
  const slots = photo ? [frontPhoto(photo, { x: front, y: -b, w: w + b, h: h * PHOTO_SHARE + b }, lab)] : [];
  return { sheet, spineMm, page: { id: 'cover', kind: 'title', layout: 'cover', slots, texts } };
}

/** The cover photo filling its area to the bleed, centred on faces; smaller and framed when it is too small for that. */
function frontPhoto(photo: BookPhoto, area: { x: number; y: number; w: number; h: number }, lab: Lab): PhotoSlot {
  const slot: PhotoSlot = { photoId: photo.id, frame: area, crop: fillCrop(photo, area.w / area.h) };
  if (effectivePpi(photo, slot) >= MIN_PPI) return slot;
  const inner = { x: area.x + lab.safeMm, y: area.y + lab.bleedMm + lab.safeMm, w: area.w - lab.bleedMm - 2 * lab.safeMm, h: area.h - lab.bleedMm - lab.safeMm };
  return bestPacking([photo], inner).slots[0]!;
}
