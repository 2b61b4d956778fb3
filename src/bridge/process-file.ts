/**
 * Import of one queued file, run inside an import worker: read → sniff → hash → EXIF →
 * thumbnails → one IndexedDB transaction that stores the photo and marks the queue item done.
 * The transaction is the commit point: a reload before it re-runs the item, after it skips it,
 * so nothing is imported twice and nothing is lost.
 */
import type { RejectCode } from '../pipeline/contracts';
import { sniffImage, rejectMessage } from '../pipeline/import/sniff';
import { displaySize, readPhotoMeta } from '../pipeline/import/meta';
import { localSortMs } from '../pipeline/import/time';
import { DecodeError, makeThumbnails } from '../media/decode';
import { readOpfsFile, removeOpfsEntry } from '../media/opfs';
import { readFailure } from '../pipeline/import/read-failure';
import { RECORD_SCHEMA, libraryChanged, type FileOutcome, type KeepsakeDatabase, type PhotoRecord, type QueueItem, type ThumbRecord } from '../db/schema';

/**
 * `picked` is the person's own File when this page still holds it (not after a reload): reading
 * it is cheaper than reading back our OPFS copy of it.
 */
export async function processQueueItem(db: KeepsakeDatabase, jobId: string, seq: number, picked?: File): Promise<FileOutcome> {
  const item = await db.get('queue', [jobId, seq]);
  if (!item) throw new Error(`queue item ${jobId}/${seq} is missing`);
  if (item.state === 'done' && item.outcome) return item.outcome;

  const source = await readSource(item, picked);
  if ('code' in source) return finish(db, item, rejected(item, source.code, source.detail));
  const { file, bytes } = source;
  const sniffed = sniffImage(bytes, item.path);
  if (!sniffed.ok) return finish(db, item, { path: item.path, status: 'rejected', errorCode: sniffed.code, error: sniffed.message });

  const photoId = await sha256Hex(bytes);
  const existing = await db.get('photos', photoId);
  if (existing) return finish(db, item, duplicateOutcome(item, existing));

  // Our OPFS copy has its own date; the person's file (handle) or the picked File's date is the real one.
  const lastModified = item.source?.kind === 'handle' ? file.lastModified : item.lastModified;
  const meta = await readPhotoMeta(bytes, sniffed.format, fileName(item.path), lastModified);
  const display = displaySize(sniffed.storedWidth, sniffed.storedHeight, sniffed.format, meta.orientation, sniffed.heifTransform?.rotation);
  let thumbs;
  try {
    thumbs = await makeThumbnails(file, bytes, sniffed, display);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return finish(db, item, rejected(item, 'corrupt', error.message));
  }
  if (!item.source) throw new Error('a pending queue item has no source');
  const photo: PhotoRecord = {
    schema: RECORD_SCHEMA,
    id: photoId,
    paths: [item.path],
    size: bytes.byteLength,
    mime: sniffed.mime,
    format: sniffed.format,
    width: display.width,
    height: display.height,
    storedWidth: sniffed.storedWidth,
    storedHeight: sniffed.storedHeight,
    orientation: meta.orientation,
    takenAt: meta.takenAt,
    takenAtSource: meta.takenAtSource,
    takenAtUtcMs: meta.takenAtUtcMs,
    localSortMs: localSortMs(meta.takenAt, lastModified),
    gps: meta.gps,
    camera: meta.camera,
    ...(meta.exifWarning ? { exifWarning: meta.exifWarning } : {}),
    importedAt: Date.now(),
    original: item.source,
  };
  return commitPhoto(db, item, photo, { schema: RECORD_SCHEMA, photoId, ...thumbs });
}

/** Store photo + thumbnails + queue state atomically; a concurrent twin with the same bytes makes this one a duplicate. */
async function commitPhoto(db: KeepsakeDatabase, item: QueueItem, photo: PhotoRecord, thumbs: ThumbRecord): Promise<FileOutcome> {
  const tx = db.transaction(['photos', 'thumbs', 'queue', 'meta'], 'readwrite');
  const twin = await tx.objectStore('photos').get(photo.id);
  let outcome: FileOutcome;
  if (twin) {
    outcome = duplicateOutcome(item, twin);
    addPath(tx.objectStore('photos'), twin, item.path);
  } else {
    outcome = { path: item.path, status: 'imported', photoId: photo.id };
    void tx.objectStore('photos').put(photo);
    void tx.objectStore('thumbs').put(thumbs);
  }
  void tx.objectStore('meta').put(libraryChanged());
  void tx.objectStore('queue').put(doneItem(item, outcome, twin ? null : item.source));
  await tx.done;
  if (twin) await dropOwnCopy(item);
  return outcome;
}

async function finish(db: KeepsakeDatabase, item: QueueItem, outcome: FileOutcome): Promise<FileOutcome> {
  if (outcome.status === 'duplicate') {
    const tx = db.transaction(['photos', 'queue', 'meta'], 'readwrite');
    const photo = outcome.photoId ? await tx.objectStore('photos').get(outcome.photoId) : undefined;
    if (photo) addPath(tx.objectStore('photos'), photo, item.path);
    void tx.objectStore('meta').put(libraryChanged());
    void tx.objectStore('queue').put(doneItem(item, outcome, null));
    await tx.done;
  } else {
    await db.put('queue', doneItem(item, outcome, null));
  }
  await dropOwnCopy(item);
  return outcome;
}

/** Remember another path the same bytes were imported under (inside the caller's transaction). */
function addPath(photos: { put(photo: PhotoRecord): unknown }, photo: PhotoRecord, path: string): void {
  if (photo.paths.includes(path)) return;
  photo.paths.push(path);
  void photos.put(photo);
}

function doneItem(item: QueueItem, outcome: FileOutcome, source: QueueItem['source']): QueueItem {
  return { ...item, state: 'done', outcome, source };
}

/** Our OPFS copy of a file that did not become a photo is no longer needed. */
async function dropOwnCopy(item: QueueItem): Promise<void> {
  if (item.source?.kind === 'opfs') await removeOpfsEntry(item.source.path);
}

function duplicateOutcome(item: QueueItem, existing: PhotoRecord): FileOutcome {
  return { path: item.path, status: 'duplicate', photoId: existing.id, duplicateOf: existing.paths[0] ?? item.path };
}

function rejected(item: QueueItem, code: RejectCode, detail?: string): FileOutcome {
  return { path: item.path, status: 'rejected', errorCode: code, error: rejectMessage(code, detail) };
}

type Read = { file: File; bytes: Uint8Array<ArrayBuffer> } | { code: RejectCode; detail?: string };

/**
 * The file's bytes: the person's picked File while this page holds it, else our OPFS copy of it,
 * or the file in their folder as it is now. Losing read permission on the folder is not this
 * file's fault: it is thrown (the import stops and asks again) and the file stays queued.
 */
async function readSource(item: QueueItem, picked?: File): Promise<Read> {
  if (picked) {
    try {
      return { file: picked, bytes: new Uint8Array(await picked.arrayBuffer()) };
    } catch (error) {
      // Changed or deleted since it was chosen: our OPFS copy still holds it as it was then.
      if (!readFailure(error)) throw error;
    }
  }
  if (!item.source) return { code: 'unreadable' };
  try {
    const file = item.source.kind === 'handle' ? await item.source.handle.getFile() : await readOpfsFile(item.source.path);
    return { file, bytes: new Uint8Array(await file.arrayBuffer()) };
  } catch (error) {
    const failure = item.source.kind === 'handle' ? readFailure(error) : null;
    if (failure === 'no-permission') throw error;
    return failure ? { code: failure } : { code: 'unreadable', detail: (error as Error).message };
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
