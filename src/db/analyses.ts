import type { KeepsakeDatabase } from './schema';

/**
 * Stored photos with no analysis made by these model versions (a `versionKey`), in key order.
 * Reads two whole key lists: the page asks the reader worker for it (workers/reader.worker.ts),
 * because every key IndexedDB hands a page becomes a string the page's garbage collector must
 * later release one by one (200,000 of them at 100,000 photos, tens of ms in one pause).
 */
export async function unanalysedPhotos(db: KeepsakeDatabase, versions: string): Promise<string[]> {
  const current = new Set(await db.getAllKeysFromIndex('analyses', 'byVersion', versions));
  return (await db.getAllKeys('photos')).filter((id) => !current.has(id));
}
