/**
 * Object URLs for thumbnails, loaded on demand and kept in a bounded LRU so scrolling through
 * 100,000 photos never holds more than a few thousand. The reads and the URLs are made in the
 * reader worker (workers/reader.worker.ts): both wait on the browser process, and on the page's
 * thread they were what made a fast scroll stutter. The page only sets `src`.
 */
import type { KeepsakeDatabase } from '../../db/schema';
import { readerWorker } from '../../bridge/reader';
import { IdMap } from '../../pipeline/library/id-map';

const CAPACITY = 2000;
/**
 * URLs handed to cells per frame. Each <img> given a blob URL costs the page about 0.6 ms, so the
 * ~80 cells around the view filled at once after a fling made one task of 40–50 ms (at 100,000
 * photos, the longest of the scroll benchmark); a slice a frame keeps each frame's share near 10 ms.
 */
export const DELIVERY_SLICE = 12;

export class ThumbCache {
  /** By photo id, oldest first (IdMaps: the page never has the engine hash an id, id-map.ts says why). */
  readonly #urls = new IdMap<Promise<string | null>>();
  /** Reads asked for and not yet sent, with how many cells still want each. */
  readonly #waiting = new IdMap<{ resolve: (url: string | null) => void; wanted: number }>();
  /**
   * One batch is read at a time; what is asked meanwhile waits for the next. A fast scroll asks for
   * far more than can be read, and the cells it passed by let go of their photos before those are
   * sent, so the photos in view when it stops are read next instead of after every one passed by.
   */
  #reading = false;
  #scheduled = false;
  /** While the view moves too fast for a read to arrive in time, nothing is read (see `hold`). */
  #held = false;
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
      const waiting = this.#waiting.get(photoId);
      if (waiting) waiting.wanted++;
      return cached;
    }
    const url = new Promise<string | null>((resolve) => this.#waiting.set(photoId, { resolve, wanted: 1 }));
    this.#urls.set(photoId, url);
    this.#evict();
    this.#schedule();
    return url;
  }

  /**
   * Hold the reads while the view moves faster than they arrive, and let them go when it slows or
   * stops: a fling past thousands of photos would otherwise read, decode and draw each one it passed
   * for the moment it was in view, on the same two cores that draw the frames (at 100,000 photos
   * that work made the scroll's longest frames). Asks wait meanwhile, and the cells that move on let
   * go of theirs, so what is read on release is what is near the view then.
   */
  hold(held: boolean): void {
    if (this.#held === held) return;
    this.#held = held;
    if (!held) this.#schedule();
  }

  /** A cell no longer shows this photo: a read not yet sent for it is not sent unless another cell wants it. */
  release(photoId: string): void {
    const waiting = this.#waiting.get(photoId);
    if (!waiting || --waiting.wanted > 0) return;
    this.#urls.delete(photoId);
    this.#unask(photoId);
  }

  /** Drop a read not yet sent; whoever waits on it gets null. */
  #unask(photoId: string): void {
    this.#waiting.get(photoId)?.resolve(null);
    this.#waiting.delete(photoId);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#readWaiting());
  }

  /** Read what is waiting, in one transaction (a transaction each is slow), then what waited meanwhile. */
  async #readWaiting(): Promise<void> {
    this.#scheduled = false;
    if (this.#reading || this.#held || !this.#waiting.size) return;
    const batch = [...this.#waiting];
    this.#waiting.clear();
    this.#reading = true;
    try {
      await deliverInSlices(batch, await this.#urlsOf(batch.map(([id]) => id)));
    } finally {
      this.#reading = false;
    }
    void this.#readWaiting();
  }

  async #urlsOf(ids: string[]): Promise<Array<string | null>> {
    try {
      return await readerWorker().thumbnailUrls(ids, this.kind);
    } catch {
      // No worker (or it failed): read here, as before there was one.
      const store = this.db.transaction('thumbs').store;
      const records = await Promise.all(ids.map((id) => store.get(id)));
      const urls = records.map((record) => (record ? URL.createObjectURL(record[this.kind]) : null));
      for (const url of urls) if (url) this.#madeHere.add(url);
      return urls;
    }
  }

  clear(): void {
    for (const url of this.#urls.values()) this.#revoke(url);
    this.#urls.clear();
  }

  #evict(): void {
    while (this.#urls.size > this.capacity) {
      const [oldest, url] = this.#urls.entries().next().value as [string, Promise<string | null>];
      this.#urls.delete(oldest);
      // Not read yet: it never will be (a later ask reads it anew).
      this.#unask(oldest);
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

/** The next frame's start (the next task where there are no frames: Node, tests). */
const nextFrame = (): Promise<void> => new Promise((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => resolve()) : setTimeout(resolve, 0)));

/** Resolves each waiting read with its URL, DELIVERY_SLICE a frame (a cell sets its `src` in the task of its resolve). */
async function deliverInSlices(batch: Array<[string, { resolve: (url: string | null) => void }]>, urls: Array<string | null>): Promise<void> {
  for (let from = 0; from < batch.length; from += DELIVERY_SLICE) {
    if (from) await nextFrame();
    for (let i = from; i < Math.min(batch.length, from + DELIVERY_SLICE); i++) batch[i]![1].resolve(urls[i] ?? null);
  }
}

/**
 * Svelte action: show a photo's thumbnail in an <img> once it is loaded. An <img> given another
 * photo (a recycled grid cell) shows nothing until that photo's thumbnail is there, never the last one's.
 */
export function thumbnail(node: HTMLImageElement, params: { cache: ThumbCache; id: string }) {
  let current: { cache: ThumbCache; id: string } | null = null;
  const load = (next: { cache: ThumbCache; id: string }): void => {
    if (next.id === current?.id) return;
    if (current) {
      node.removeAttribute('src');
      current.cache.release(current.id);
    }
    const asked = (current = next);
    void next.cache.get(next.id).then((url) => {
      if (url && current === asked) node.src = url;
    });
  };
  load(params);
  return { update: load, destroy: () => current?.cache.release(current.id) };
}
