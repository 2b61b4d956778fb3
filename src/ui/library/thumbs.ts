/**
 * Object URLs for grid thumbnails, loaded on demand from IndexedDB and kept in a bounded LRU so
 * scrolling through 100,000 photos never holds more than a few thousand blobs.
 */
import type { KeepsakeDatabase } from '../../db/schema';

const CAPACITY = 2000;

export class ThumbCache {
  readonly #urls = new Map<string, Promise<string | null>>();
  /** Reads asked for in this task, done together in one transaction (a transaction each is slow). */
  #batch: Array<{ id: string; resolve: (url: string | null) => void }> = [];

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
    const store = this.db.transaction('thumbs').store;
    const records = await Promise.all(batch.map(({ id }) => store.get(id)));
    batch.forEach(({ resolve }, i) => {
      const record = records[i];
      resolve(record ? URL.createObjectURL(record[this.kind]) : null);
    });
  }

  clear(): void {
    for (const url of this.#urls.values()) void url.then((u) => u && URL.revokeObjectURL(u));
    this.#urls.clear();
  }

  #evict(): void {
    while (this.#urls.size > this.capacity) {
      const [oldest, url] = this.#urls.entries().next().value as [string, Promise<string | null>];
      this.#urls.delete(oldest);
      void url.then((u) => u && URL.revokeObjectURL(u));
    }
  }
}

/** Svelte action: show a photo's thumbnail in an <img> once it is loaded. */
export function thumbnail(node: HTMLImageElement, params: { cache: ThumbCache; id: string }) {
  let current = params.id;
  const load = ({ cache, id }: { cache: ThumbCache; id: string }): void => {
    current = id;
    void cache.get(id).then((url) => {
      if (url && current === id) node.src = url;
    });
  };
  load(params);
  return { update: load };
}
