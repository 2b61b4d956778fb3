/** Import worker: a thin comlink adapter around staging and per-file processing. */
import { expose } from 'comlink';
import { openKeepsakeDB, type KeepsakeDatabase } from '../src/db/schema';
import { processQueueItem } from '../src/bridge/process-file';
import { stageFiles, type PickedFile, type UnreadFile } from '../src/bridge/stage-files';
import { isStorageFull } from '../src/db/storage-full';

let db: Promise<KeepsakeDatabase> | null = null;
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB());

const api = {
  /** Files of the batch that could no longer be read come back settled; the rest are queued. */
  async stage(jobId: string, picked: PickedFile[]): Promise<UnreadFile[] | 'storage-full'> {
    try {
      return await stageFiles(await database(), jobId, picked);
    } catch (error) {
      if (isStorageFull(error)) return 'storage-full';
      throw error;
    }
  },
  async process(jobId: string, seq: number, picked?: File) {
    return processQueueItem(await database(), jobId, seq, picked);
  },
  /** Benchmark baseline: a full-size browser decode of the same file, nothing else. */
  async decodeOnly(file: File): Promise<number> {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const pixels = bitmap.width * bitmap.height;
    bitmap.close();
    return pixels;
  },
};

export type ImportWorkerApi = typeof api;
expose(api);
