import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, openKeepsakeDB, RECORD_SCHEMA, type ImportJob } from '../../src/db/schema';
import { queueItems } from '../../src/bridge/stage-files';

const job = (id: string): ImportJob => ({ schema: RECORD_SCHEMA, id, kind: 'import', state: 'staging', createdAt: 1, expected: 3, queued: 0 });

describe('the keepsake database', () => {
  it('creates every store and index of the current version', async () => {
    const db = await openKeepsakeDB('t-stores');
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['analyses', 'books', 'events', 'faces', 'jobs', 'memoryPages', 'memoryPools', 'meta', 'people', 'photos', 'queue', 'signals', 'thumbs']);
    expect([...db.transaction('books').store.indexNames]).toEqual(['byUpdated']);
    expect([...db.transaction('memoryPages').store.indexNames]).toEqual([]);
    expect([...db.transaction('memoryPools').store.indexNames]).toEqual([]);
    expect([...db.transaction('analyses').store.indexNames]).toEqual(['byVersion']);
    expect([...db.transaction('faces').store.indexNames].sort()).toEqual(['byPerson', 'byPhoto']);
    expect([...db.transaction('signals').store.indexNames]).toEqual(['byType']);
    expect([...db.transaction('photos').store.indexNames]).toEqual(['byLocalTime']);
    expect([...db.transaction('queue').store.indexNames]).toEqual(['byJobState']);
    db.close();
  });

  it('queues items and counts them on the job in one transaction', async () => {
    const db = await openKeepsakeDB('t-queue');
    await db.put('jobs', job('j1'));
    await queueItems(db, 'j1', [0, 1].map((seq) => ({ schema: RECORD_SCHEMA, jobId: 'j1', seq, path: `a/${seq}.jpg`, size: 1, lastModified: 0, state: 'pending' as const, source: { kind: 'opfs' as const, path: `originals/j1/${seq}` } })));
    expect((await db.get('jobs', 'j1'))!.queued).toBe(2);
    expect(await db.countFromIndex('queue', 'byJobState', ['j1', 'pending'])).toBe(2);
    await expect(queueItems(db, 'missing', [])).rejects.toThrow(/missing/);
    db.close();
  });

  it('opens an existing database without touching its records', async () => {
    const first = await openKeepsakeDB('t-reopen');
    await first.put('meta', { key: 'demo-offered', value: 7 });
    first.close();
    const again = await openDB('t-reopen');
    expect(again.version).toBe(DB_VERSION);
    again.close();
    const db = await openKeepsakeDB('t-reopen');
    expect(await db.get('meta', 'demo-offered')).toEqual({ key: 'demo-offered', value: 7 });
    db.close();
  });
});
