/**
 * Queueing of picked files (no FileSystemFileHandle): each file's bytes are copied into OPFS
 * first, then its queue item is written, so that once queued a file survives a reload.
 */
import { opfsOriginalPath, removeOpfsEntry, writeOpfsFile } from '../media/opfs';
import { RECORD_SCHEMA, type FileOutcome, type KeepsakeDatabase, type QueueItem } from '../db/schema';
import { readFailure } from '../pipeline/import/read-failure';
import { rejectMessage } from '../pipeline/import/sniff';

export interface PickedFile {
  seq: number;
  path: string;
  file: File;
}

/** A picked file that could not be copied in (deleted or changed since it was chosen), already settled. */
export interface UnreadFile {
  seq: number;
  outcome: FileOutcome;
}

/**
 * Copy a batch into OPFS and queue it. A file that can no longer be read is queued as done with
 * its reason, and the rest go on. If anything else fails (storage full above all), the batch's
 * copies are removed again, so nothing half-staged is left behind and a retry starts clean.
 */
export async function stageFiles(db: KeepsakeDatabase, jobId: string, picked: PickedFile[]): Promise<UnreadFile[]> {
  try {
    const items: QueueItem[] = [];
    const unread: UnreadFile[] = [];
    for (const { seq, path, file } of picked) {
      const opfsPath = opfsOriginalPath(jobId, seq);
      const base = { schema: RECORD_SCHEMA, jobId, seq, path, size: file.size, lastModified: file.lastModified } as const;
      try {
        // A chosen file deleted before it was first read looks empty (size 0, empty slices); only a whole read says it is gone.
        if (file.size === 0) await file.arrayBuffer();
        await writeOpfsFile(opfsPath, file);
        items.push({ ...base, state: 'pending', source: { kind: 'opfs', path: opfsPath } });
      } catch (error) {
        const code = readFailure(error);
        if (!code) throw error;
        await removeOpfsEntry(opfsPath);
        const outcome: FileOutcome = { path, status: 'rejected', errorCode: code, error: rejectMessage(code) };
        items.push({ ...base, state: 'done', outcome, source: null });
        unread.push({ seq, outcome });
      }
    }
    await queueItems(db, jobId, items);
    return unread;
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
