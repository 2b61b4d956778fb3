/**
 * Memories in IndexedDB, a page of ranks per record (MemoryPageRecord): written whole by each
 * memories run, read in rank order a page per request, so each page's records arrive in a task of
 * their own and a library of thousands of memories never holds the page for long.
 */
import type { IDBPTransaction } from 'idb';
import { memoryPages, type KeepsakeDB, type KeepsakeDatabase, type MemoryRecord } from './schema';

/** Replace every stored memory with these, best first (inside the caller's transaction). */
export function putMemories(tx: IDBPTransaction<KeepsakeDB, Array<'memoryPages' | 'memoryPools' | 'meta'>, 'readwrite'>, memories: readonly MemoryRecord[]): void {
  const store = tx.objectStore('memoryPages');
  void store.clear();
  for (const page of memoryPages(memories)) void store.put(page);
}

/** Every stored memory, best first. */
export async function readMemories(db: KeepsakeDatabase): Promise<MemoryRecord[]> {
  const store = db.transaction('memoryPages').store;
  const pages = await Promise.all((await store.getAllKeys()).map((page) => store.get(page)));
  return pages.flatMap((page) => page?.memories ?? []);
}
