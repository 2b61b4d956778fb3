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
    expect([...db.objectStoreNames].sort()).toEqual(['analyses', 'books', 'events', 'faces', 'jobs', 'memories', 'meta', 'people', 'photos', 'queue', 'signals', 'thumbs']);
    expect([...db.transaction('books').store.indexNames]).toEqual(['byUpdated']);
    expect([...db.transaction('memories').store.indexNames]).toEqual(['byRank']);
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

  it('upgrades a version-1 database without losing a record', async () => {
    const v1 = await openDB('t-upgrade', 1, {
      upgrade(db) {
        db.createObjectStore('photos', { keyPath: 'id' }).createIndex('byLocalTime', 'localSortMs');
        db.createObjectStore('thumbs', { keyPath: 'photoId' });
        db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('byState', 'state');
        db.createObjectStore('queue', { keyPath: ['jobId', 'seq'] }).createIndex('byJobState', ['jobId', 'state']);
        db.createObjectStore('meta', { keyPath: 'key' });
      },
    });
    await v1.put('photos', { id: 'p1', localSortMs: 5 });
    await v1.put('meta', { key: 'demo-offered', value: true });
    v1.close();
    const db = await openKeepsakeDB('t-upgrade');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.get('photos', 'p1')).toEqual({ id: 'p1', localSortMs: 5 });
    expect(await db.get('meta', 'demo-offered')).toEqual({ key: 'demo-offered', value: true });
    expect(await db.count('analyses')).toBe(0);
    db.close();
  });

  it('upgrades a version-2 database keeping every face and analysis', async () => {
    const v2 = await openDB('t-upgrade-2', 2, {
      upgrade(db) {
        db.createObjectStore('photos', { keyPath: 'id' }).createIndex('byLocalTime', 'localSortMs');
        db.createObjectStore('thumbs', { keyPath: 'photoId' });
        db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('byState', 'state');
        db.createObjectStore('queue', { keyPath: ['jobId', 'seq'] }).createIndex('byJobState', ['jobId', 'state']);
        db.createObjectStore('meta', { keyPath: 'key' });
        db.createObjectStore('analyses', { keyPath: 'photoId' }).createIndex('byVersion', 'versionKey');
        db.createObjectStore('faces', { keyPath: 'id' }).createIndex('byPhoto', 'photoId');
      },
    });
    const face = { id: 'p1#0', photoId: 'p1', personId: null, embedding: new Float32Array([0.6, 0.8]) };
    await v2.put('faces', face);
    await v2.put('analyses', { photoId: 'p1', versionKey: 'v' });
    v2.close();
    const db = await openKeepsakeDB('t-upgrade-2');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.get('faces', 'p1#0')).toEqual(face);
    expect(await db.get('analyses', 'p1')).toEqual({ photoId: 'p1', versionKey: 'v' });
    expect(await db.count('people')).toBe(0);
    db.close();
  });

  it('upgrades a version-3 database keeping every person, event and signal', async () => {
    const v3 = await openDB('t-upgrade-3', 3, {
      upgrade(db) {
        db.createObjectStore('photos', { keyPath: 'id' }).createIndex('byLocalTime', 'localSortMs');
        db.createObjectStore('meta', { keyPath: 'key' });
        const faces = db.createObjectStore('faces', { keyPath: 'id' });
        faces.createIndex('byPhoto', 'photoId');
        faces.createIndex('byPerson', 'personId');
        db.createObjectStore('people', { keyPath: 'id' });
        db.createObjectStore('events', { keyPath: 'id' });
        db.createObjectStore('signals', { autoIncrement: true }).createIndex('byType', 'type');
      },
    });
    const person = { id: 'p1', name: 'Ana', hidden: false, mergedInto: null };
    const signal = { at: 5, type: 'favourite', target: { photoId: 'x' } };
    await v3.put('people', person);
    await v3.put('events', { id: 'e1', kind: 'trip' });
    const key = await v3.add('signals', signal);
    v3.close();
    const db = await openKeepsakeDB('t-upgrade-3');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.get('people', 'p1')).toEqual(person);
    expect(await db.get('events', 'e1')).toEqual({ id: 'e1', kind: 'trip' });
    expect(await db.get('signals', key as number)).toEqual(signal);
    expect(await db.count('memories')).toBe(0);
    expect(await db.count('books')).toBe(0);
    db.close();
  });

  it('upgrades a version-4 database keeping every memory and signal', async () => {
    const v4 = await openDB('t-upgrade-4', 4, {
      upgrade(db) {
        db.createObjectStore('meta', { keyPath: 'key' });
        db.createObjectStore('signals', { autoIncrement: true }).createIndex('byType', 'type');
        db.createObjectStore('memories', { keyPath: 'id' }).createIndex('byRank', 'rank');
      },
    });
    const memory = { id: 'trip:e1', rank: 0, title: 'Lisbon' };
    await v4.put('memories', memory);
    await v4.put('meta', { key: 'memory-settings', value: { language: 'pl', hiddenRanges: [] } });
    v4.close();
    const db = await openKeepsakeDB('t-upgrade-4');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.get('memories', 'trip:e1')).toEqual(memory);
    expect(await db.get('meta', 'memory-settings')).toEqual({ key: 'memory-settings', value: { language: 'pl', hiddenRanges: [] } });
    expect(await db.count('books')).toBe(0);
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
