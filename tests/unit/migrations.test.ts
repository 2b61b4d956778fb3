/**
 * Migrations: a database made by the real build of every earlier schema version (fixtures in
 * tests/fixtures/db, see its README) opens with this build's ladder at DB_VERSION with every store
 * and index a fresh database has, every old record unchanged, and the new indexes answering over
 * the old records.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from 'idb';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_VERSION, openKeepsakeDB, type KeepsakeDatabase, type MemoryPageRecord, type MemoryRecord } from '../../src/db/schema';
import { codec, storeValues, readFixture, type DatabaseDump, type IndexSchema, type StoreSchema } from '../fixtures/db/codec';

const DIR = resolve(import.meta.dirname, '../fixtures/db');

const fixtures = readdirSync(DIR)
  .flatMap((file) => {
    const version = /^v(\d+)\.json\.gz$/.exec(file)?.[1];
    return version ? [{ version: Number(version), fixture: readFixture(join(DIR, file)) }] : [];
  })
  .sort((a, b) => a.version - b.version);

/** What this build creates in an empty database. */
async function freshSchema(): Promise<StoreSchema[]> {
  (await openKeepsakeDB('fresh')).close();
  return (await codec.dump(indexedDB, 'fresh')).schema;
}

function isKey(value: unknown): value is IDBValidKey {
  try {
    // cmp throws a DataError for anything that is not a valid key (undefined, null, objects…).
    indexedDB.cmp(value, value);
    return true;
  } catch {
    return false;
  }
}

/** The key an index files a record under, or undefined where the record is not in the index. */
function indexKey(record: unknown, keyPath: IndexSchema['keyPath']): IDBValidKey | undefined {
  const at = (path: string): unknown => path.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], record);
  const key = typeof keyPath === 'string' ? at(keyPath) : keyPath.map(at);
  return isKey(key) ? key : undefined;
}

describe('database fixtures', () => {
  it('exist for every schema version from 1 to DB_VERSION: make the outgoing version\'s before bumping it', () => {
    expect(fixtures.map((f) => f.version)).toEqual(Array.from({ length: DB_VERSION }, (_, i) => i + 1));
    for (const { version, fixture } of fixtures) expect(fixture.version).toBe(version);
  });

  it('round-trip every value the codec tags', async () => {
    const value = {
      blob: new Blob([new Uint8Array([0, 1, 255])], { type: 'image/jpeg' }),
      floats: new Float32Array([0.5, -1, Number.NaN]),
      buffer: new Uint8Array([9, 8]).buffer,
      date: new Date(1_700_000_000_000),
      map: new Map([['a', new Set([1, 2])]]),
      numbers: [Number.NaN, Number.POSITIVE_INFINITY, -0, 3],
      missing: undefined,
      tagLike: { $t: 'Blob' },
    };
    const decoded = codec.decode(JSON.parse(JSON.stringify(await codec.encode(value)))) as typeof value;
    expect(decoded).toEqual(value);
    expect(Object.is(decoded.numbers[2], -0)).toBe(true);
    expect('missing' in decoded).toBe(true);
    expect([...new Uint8Array(await decoded.blob.arrayBuffer())]).toEqual([0, 1, 255]);
    expect(decoded.blob.type).toBe('image/jpeg');
    await expect(codec.encode({ handle: new (class FileSystemFileHandle {})() })).rejects.toThrow(/FileSystemFileHandle/);
  });
});

describe.each(fixtures)('a version-$version database made by that version\'s build', ({ version, fixture }) => {
  const name = `fixture-v${version}`;
  let db: KeepsakeDatabase;
  let upgraded: DatabaseDump;

  beforeAll(async () => {
    await codec.restore(indexedDB, name, fixture);
    db = await openKeepsakeDB(name);
    upgraded = await codec.dump(indexedDB, name);
  });

  afterAll(() => db.close());

  it('opens at DB_VERSION with exactly the stores and indexes of a fresh database', async () => {
    expect(db.version).toBe(DB_VERSION);
    expect(upgraded.schema).toEqual(await freshSchema());
  });

  it('keeps every record of every store: keys and values, blobs byte for byte (memories in pages of ranks)', () => {
    // Compared encoded: blobs and typed arrays become their bytes in base64.
    for (const [store, records] of Object.entries(fixture.records)) {
      if (store === 'memories') {
        const byRank = storeValues<MemoryRecord>(fixture, 'memories').sort((a, b) => a.rank - b.rank);
        expect(storeValues<MemoryPageRecord>(upgraded, 'memoryPages').flatMap((page) => page.memories)).toEqual(byRank);
        continue;
      }
      expect(records.length, store).toBe(upgraded.records[store]?.length);
      expect(upgraded.records[store], store).toEqual(records);
    }
  });

  it('answers every current index over the old records', async () => {
    for (const store of upgraded.schema) {
      const records = (fixture.records[store.name] ?? []).map(([, value]) => codec.decode(value));
      for (const index of store.indexes) {
        const expected = new Map<string, { key: IDBValidKey; count: number }>();
        for (const key of records.map((record) => indexKey(record, index.keyPath))) {
          if (key === undefined) continue;
          const id = JSON.stringify(await codec.encode(key));
          expected.set(id, { key, count: (expected.get(id)?.count ?? 0) + 1 });
        }
        const label = `${store.name}.${index.name}`;
        const count = (key?: IDBValidKey): Promise<number> => codec.request(unwrap(db).transaction(store.name).objectStore(store.name).index(index.name).count(key));
        expect(await count(), label).toBe([...expected.values()].reduce((sum, entry) => sum + entry.count, 0));
        for (const entry of expected.values()) expect(await count(entry.key), `${label} ${String(entry.key)}`).toBe(entry.count);
      }
    }
  });

  it('finds what the app looks up by index: photos in time order, a person\'s faces, the signals of a type', async () => {
    const photos = await db.getAllFromIndex('photos', 'byLocalTime');
    expect(photos.length).toBe(fixture.records.photos?.length);
    expect(photos.map((photo) => photo.localSortMs)).toEqual(photos.map((photo) => photo.localSortMs).sort((a, b) => a - b));
    for (const person of await db.getAll('people')) {
      const faces = await db.getAllFromIndex('faces', 'byPerson', person.id);
      expect(faces.length, person.id).toBe(person.faceCount);
    }
    for (const signal of await db.getAll('signals')) expect(await db.countFromIndex('signals', 'byType', signal.type)).toBeGreaterThan(0);
  });
});
