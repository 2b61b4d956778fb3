/**
 * Pixels for a placed photo (export worker): the original read from the person's disk or our OPFS
 * copy, decoded upright at the scale its crop needs (never above its own size), cropped, and
 * encoded as a fresh JPEG — a canvas writes no EXIF, so nothing of the original's metadata (GPS
 * included) reaches the PDF.
 */
import type { KeepsakeDatabase, PhotoRecord } from '../db/schema';
import type { PhotoSlot } from '../pipeline/book/model';
import type { SlotPixels } from '../pipeline/book/pdf';
import { BookExportError } from '../pipeline/book/pdf';
import { decodeToSize } from './decode';
import { readOpfsFile } from './opfs';

const PRINT_JPEG_QUALITY = 0.92;

export async function readOriginal(photo: PhotoRecord): Promise<File> {
  try {
    return photo.original.kind === 'handle' ? await photo.original.handle.getFile() : await readOpfsFile(photo.original.path);
  } catch (error) {
    const name = (error as DOMException).name;
    const why = name === 'NotAllowedError' ? 'Keepsake needs permission to read it again' : name === 'NotFoundError' ? 'it was moved or deleted' : (error as Error).message;
    throw new BookExportError(`The original of ${photo.paths[0] ?? photo.id} could not be read (${why}).`);
  }
}

export async function slotPixels(db: KeepsakeDatabase, slot: PhotoSlot, target: { width: number; height: number }): Promise<SlotPixels> {
  const photo = await db.get('photos', slot.photoId);
  if (!photo) throw new BookExportError('A photo of this book is no longer in the library.');
  const file = await readOriginal(photo);
  const cropWidth = slot.crop.w * photo.width;
  const cropHeight = slot.crop.h * photo.height;
  const scale = Math.min(1, target.width / cropWidth, target.height / cropHeight);
  const whole = { width: Math.max(1, Math.round(photo.width * scale)), height: Math.max(1, Math.round(photo.height * scale)) };
  const bitmap = await decodeToSize(file, new Uint8Array(await file.arrayBuffer()), photo, whole);
  // Rounded up (within the photo), so a photo placed at exactly 300 ppi never prints at 299.9.
  const width = Math.max(1, Math.min(whole.width, Math.ceil(cropWidth * scale)));
  const height = Math.max(1, Math.min(whole.height, Math.ceil(cropHeight * scale)));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new BookExportError('2D canvas is unavailable in this browser');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, slot.crop.x * whole.width, slot.crop.y * whole.height, width, height, 0, 0, width, height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: PRINT_JPEG_QUALITY });
  return { jpeg: new Uint8Array(await blob.arrayBuffer()), width, height };
}
