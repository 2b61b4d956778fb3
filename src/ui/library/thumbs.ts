/**
 * Object URLs for thumbnails, loaded on demand and kept in a bounded LRU so scrolling through
 * 100,000 photos never holds more than a few thousand. The reads and the URLs are made in the
 * reader worker (workers/reader.worker.ts): both wait on the browser process, and on the page's
 * thread they were what made a fast scroll stutter. The page only sets `src`.
 */
import type { KeepsakeDatabase } from '../../db/schema';
import { readerWorker } from '../../bridge/reader';

const CAPACITY = 2000;

export class ThumbCache {
  readonly #urls = new Map<string, Promise<string | null>>();
  /** Reads asked for in this task, done together in one transaction (a transaction each is slow). */
  #batch: Array<{ id: string; resolve: (url: string | null) => void }> = [];
  /** URLs evicted in this task, revoked together. */
  #revoked: string[] = [];
  /** URLs made on this thread (when the worker could not be used). */
  readonly #madeHere = new Set<string>();

  constructor(private readonly db: KeepsakeDatabase, private readonly kind: 'small' | 'preview' = 'small', private readonly capacity = CAPACITY) {}

  get(photoId: string): Promise<string | null> {
    const cached = this.#urls.get(photoId);
    if (cached) {
      this.#urls.delete(photoId);
      this.#urls.set(photoId, cached);
      return cached;
    }
    const url = new Promise<string | null>((resolve) => {
      if (this.#batch.push({ id: photoId, resolve }) === 1) queueMicrotask(() => void this.#readBatch());
    });
    this.#urls.set(photoId, url);
    this.#evict();
    return url;
  }

  async #readBatch(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    let urls: Array<string | null>;
    try {
      urls = await readerWorker().thumbnailUrls(batch.map(({ id }) => id), this.kind);
    } catch {
      // No worker (or it failed): read here, as before there was one.
      const store = this.db.transaction('thumbs').store;
      const records = await Promise.all(batch.map(({ id }) => store.get(id)));
      urls = records.map((record) => (record ? URL.createObjectURL(record[this.kind]) : null));
      for (const url of urls) if (url) this.#madeHere.add(url);
    }
    batch.forEach(({ resolve }, i) => resolve(urls[i] ?? null));
  }

  clear(): void {
    for (const url of this.#urls.values()) this.#revoke(url);
    this.#urls.clear();
  }

  #evict(): void {
    while (this.#urls.size > this.capacity) {
      const [oldest, url] = this.#urls.entries().next().value as [string, Promise<string | null>];
      this.#urls.delete(oldest);
      this.#revoke(url);
    }
  }

  #revoke(url: Promise<string | null>): void {
    void url.then((u) => {
      if (!u) return;
      if (this.#revoked.push(u) === 1) setTimeout(() => this.#flushRevoked(), 0);
    });
  }

  #flushRevoked(): void {
    const urls = this.#revoked;
    this.#revoked = [];
    // Whichever context made a URL revokes it: the worker's, or (the fallback) this page's.
    const here = urls.filter((u) => this.#madeHere.has(u));
    for (const u of here) (URL.revokeObjectURL(u), this.#madeHere.delete(u));
    if (here.length < urls.length) void readerWorker().revoke(urls.filter((u) => !here.includes(u))).catch(() => undefined);
  }
}

/**
 * Svelte action: show a photo's thumbnail in an <img> once it is loaded. An <img> given another
 * photo (a recycled grid cell) shows nothing until that photo's thumbnail is there, never the last one's.
 */
export function thumbnail(node: HTMLImageElement, params: { cache: ThumbCache; id: string }) {
  let current = params.id;
  const load = ({ cache, id }: { cache: ThumbCache; id: string }): void => {
    if (id === current && node.hasAttribute('src')) return;
    if (id !== current) node.removeAttribute('src');
    current = id;
    void cache.get(id).then((url) => {
      if (url && current === id) node.src = url;
    });
  };
  load(params);
  return { update: load };
}
