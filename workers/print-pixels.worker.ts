/** Print pixels worker: one placed photo's JPEG at its printed size (src/media/print-pixels.ts); the export worker runs two. */
import { expose, transfer } from 'comlink';
import { openKeepsakeDB, type KeepsakeDatabase } from '../src/db/schema';
import { slotPixels } from '../src/media/print-pixels';
import type { PhotoSlot } from '../src/pipeline/book/model';
import type { SlotPixels } from '../src/pipeline/book/pdf';

let db: Promise<KeepsakeDatabase> | null = null;
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB());

const api = {
  async pixels(slot: PhotoSlot, target: { width: number; height: number }): Promise<SlotPixels> {
    const pixels = await slotPixels(await database(), slot, target);
    return transfer(pixels, [pixels.jpeg.buffer]);
  },
};

export type PrintPixelsWorkerApi = typeof api;
expose(api);
