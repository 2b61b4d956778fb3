/**
 * Queueing of picked files (no FileSystemFileHandle): each file's bytes are copied into OPFS
 * first, then its queue item is written, so that once queued a file survives a reload.
 */
import { opfsOriginalPath, removeOpfsEntry, writeOpfsFile } from '../media/opfs';
import { RECORD_SCHEMA, type KeepsakeDatabase, type QueueItem } from '../db/schema';

export interface PickedFile {
  seq: number;
  path: string;
  file: File;
}

/** Thrown when the browser's storage quota is exhausted; nothing half-written is left queued. */
export class StorageFullError extends Error {}

export async function stageFiles(db: KeepsakeDatabase, jobId: string, picked: PickedFile[]): Promise<void> {
  const items: QueueItem[] = [];
  for (const { seq, path, file } of picked) {
    const opfsPath = opfsOriginalPath(jobId, seq);
    try {
      await writeOpfsFile(opfsPath, file);
    } catch (error) {
      await removeOpfsEntry(opfsPath);
      if ((error as DOMException).name === 'QuotaExceededError') throw new StorageFullError('storage full');
      throw error;
    }
    items.push({ schema: RECORD_SCHEMA, jobId, seq, path, size: file.size, lastModified: file.lastModified, state: 'pending', source: { kind: 'opfs', path: opfsPath } });
  }
  await queueItems(db, jobId, items);
}

/** Write queue items and bump the job's queued count in one transaction. */
export async function queueItems(db: KeepsakeDatabase, jobId: string, items: QueueItem[]): Promise<void> {
  const tx = db.transaction(['queue', 'jobs'], 'readwrite');
  const job = await tx.objectStore('jobs').get(jobId);
  if (!job) throw new Error(`import job ${jobId} is missing`);
  for (const item of items) void tx.objectStore('queue').put(item);
  void tx.objectStore('jobs').put({ ...job, queued: job.queued + items.length });
  await tx.done;
}
