import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openKeepsakeDB, RECORD_SCHEMA } from '../../src/db/schema';
import { DELIVERY_SLICE, ThumbCache } from '../../src/ui/library/thumbs';

// Node has no Worker: the cache reads the stored thumbnails itself, as a page without one does.
async function library(name: string, ids: string[]) {
  const db = await openKeepsakeDB(name);
  for (const photoId of ids) await db.put('thumbs', { schema: RECORD_SCHEMA, photoId, small: new Blob([photoId]), preview: new Blob([photoId]) });
  return db;
}

const text = async (url: string | null): Promise<string | null> => (url ? (await fetch(url)).text() : null);

describe('ThumbCache', () => {
  it('gives each photo its own thumbnail and reads it once', async () => {
    const cache = new ThumbCache(await library('thumbs-own', ['a', 'b']));
    const [a, b] = await Promise.all([cache.get('a'), cache.get('b')]);
    expect([await text(a), await text(b)]).toEqual(['a', 'b']);
    expect(await cache.get('a')).toBe(a);
  });

  it('does not read a photo every cell let go of while an earlier read ran; one still wanted is read', async () => {
    const cache = new ThumbCache(await library('thumbs-release', ['a', 'b', 'c', 'd']));
    const reading = cache.get('a');
    await Promise.resolve(); // the read of a is sent
    const passed = cache.get('b');
    const kept = cache.get('c');
    cache.get('d');
    cache.get('d');
    // While a is being read the others wait (a read each as soon as asked would send them now).
    for (let tick = 0; tick < 3; tick++) await Promise.resolve();
    cache.release('b');
    cache.release('d'); // another cell still wants d
    cache.release('a'); // already being read: not undone
    expect(await passed).toBeNull();
    expect(await text(await reading)).toBe('a');
    expect(await text(await kept)).toBe('c');
    expect(await text(await cache.get('d'))).toBe('d');
    // Asked again later, b is read then.
    const again = cache.get('b');
    expect(again).not.toBe(passed);
    expect(await text(await again)).toBe('b');
  });

  it('reads nothing while held, then only what cells still want', async () => {
    const cache = new ThumbCache(await library('thumbs-hold', ['a', 'b', 'c']));
    cache.hold(true);
    let settled = 0;
    const passed = cache.get('a');
    const kept = cache.get('b');
    void Promise.all([passed, kept]).then(() => settled++);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(0); // held: not read, not even with time to spare
    cache.release('a'); // the cell moved on during the fling
    cache.hold(false);
    expect(await passed).toBeNull();
    expect(await text(await kept)).toBe('b');
    // Once let go, asks are read as before.
    expect(await text(await cache.get('c'))).toBe('c');
  });

  it('hands a big batch to the cells a slice at a time, a frame (or, without frames, a task) between slices', async () => {
    const ids = Array.from({ length: 2 * DELIVERY_SLICE + 5 }, (_, i) => `p${i}`);
    const cache = new ThumbCache(await library('thumbs-slices', ids));
    let given = 0;
    const asked = ids.map((id) => cache.get(id));
    for (const url of asked) void url.then(() => given++);
    await asked[0];
    // However many microtasks run, the next slice waits for the next task.
    for (let tick = 0; tick < 50; tick++) await Promise.resolve();
    expect(given).toBe(DELIVERY_SLICE);
    const urls = await Promise.all(asked);
    expect(given).toBe(ids.length);
    expect(await text(urls.at(-1)!)).toBe(ids.at(-1));
  });
});
