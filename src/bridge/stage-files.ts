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

/**
 * Copy a batch into OPFS and queue it. If anything fails (storage full above all), the batch's
 * copies are removed again, so nothing half-staged is left behind and a retry starts clean.
 */
export async function stageFiles(db: KeepsakeDatabase, jobId: string, picked: PickedFile[]): Promise<void> {
  try {
    const items: QueueItem[] = [];
    for (const { seq, path, file } of picked) {
      const opfsPath = opfsOriginalPath(jobId, seq);
      await writeOpfsFile(opfsPath, file);
      items.push({ schema: RECORD_SCHEMA, jobId, seq, path, size: file.size, lastModified: file.lastModified, state: 'pending', source: { kind: 'opfs', path: opfsPath } });
    }
    await queueItems(db, jobId, items);
  } catch (error) {
    for (const { seq } of picked) await removeOpfsEntry(opfsOriginalPath(jobId, seq));
    throw error;
  }
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
