/**
 * Slot pixels in Node for the PDF tests: the corpus JPEG decoded (jpeg-js), its crop taken, scaled
 * (area average) to the slot's size but never above the source's own pixels, and encoded again
 * without any metadata — what the export worker does with the browser's decoder in the app.
 */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import type { PhotoSlot } from '../src/pipeline/book/model';
import type { SlotPixels } from '../src/pipeline/book/pdf';

export function nodeSlotPixels(pathOf: (photoId: string) => string) {
  return async (slot: PhotoSlot, target: { width: number; height: number }): Promise<SlotPixels> => {
    const source = jpeg.decode(readFileSync(pathOf(slot.photoId)), { useTArray: true, maxMemoryUsageInMB: 2048 });
    const sx = Math.round(slot.crop.x * source.width);
    const sy = Math.round(slot.crop.y * source.height);
    const sw = Math.max(1, Math.round(slot.crop.w * source.width));
    const sh = Math.max(1, Math.round(slot.crop.h * source.height));
    const scale = Math.min(1, target.width / sw, target.height / sh);
    const width = Math.max(1, Math.round(sw * scale));
    const height = Math.max(1, Math.round(sh * scale));
    const out = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const srcX = Math.min(source.width - 1, sx + Math.floor((x * sw) / width));
        const srcY = Math.min(source.height - 1, sy + Math.floor((y * sh) / height));
        const i = (srcY * source.width + srcX) * 4;
        const o = (y * width + x) * 4;
        out[o] = source.data[i]!;
        out[o + 1] = source.data[i + 1]!;
        out[o + 2] = source.data[i + 2]!;
        out[o + 3] = 255;
      }
    }
    return { jpeg: new Uint8Array(jpeg.encode({ data: out, width, height }, 90).data), width, height };
  };
}
