import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { RECORD_SCHEMA, libraryChanged, openKeepsakeDB, type AnalysisRecord, type EventRecord, type KeepsakeDatabase, type PhotoRecord } from '../../src/db/schema';
import { MEMORY_SETTINGS_KEY, generateStoredMemories, packLibrary, unpackLibrary } from '../../src/cluster/memories-run';
import { readMemories } from '../../src/db/memories';
import { APPEARANCE_LENGTH, lookOf } from '../../src/pipeline/analyse/hash';
import * as generate from '../../src/pipeline/memories/generate';

// The real candidates and ranking, counted: a signal must not make candidates again, a language not rank again.
vi.mock('../../src/pipeline/memories/generate', async (original) => {
  const actual = await original<typeof import('../../src/pipeline/memories/generate')>();
  return { ...actual, libraryCandidates: vi.fn(actual.libraryCandidates), rankCandidates: vi.fn(actual.rankCandidates) };
});

let dbCount = 0;
const NOW = Date.UTC(2026, 5, 15, 12);

/** A photo taken on `day` (local, "YYYY-MM-DD") at `hour`, with its analysis: a plain, good photo. */
function photo(id: string, day: string, hour: number): [PhotoRecord, AnalysisRecord] {
  const takenAt = `${day}T${String(hour).padStart(2, '0')}:00:00`;
  const record = { schema: RECORD_SCHEMA, id, paths: [`${id}.jpg`], takenAt, takenAtSource: 'exif', localSortMs: Date.parse(`${takenAt}Z`), gps: null } as unknown as PhotoRecord;
  const analysis = { schema: RECORD_SCHEMA, photoId: id, faces: [], themes: [], quality: { score: 0.8 }, kind: { kind: 'photo' } } as unknown as AnalysisRecord;
  return [record, analysis];
}

function event(id: string, photoIds: string[]): EventRecord {
  return { schema: RECORD_SCHEMA, id, kind: 'event', start: '', end: '', place: null, photoIds, days: [], photoPlaces: {} };
}

/** Store photos and events; `mark` also replaces the library's revision, as every app writer does. */
async function write(db: KeepsakeDatabase, photos: Array<[PhotoRecord, AnalysisRecord]>, events: EventRecord[], mark: boolean): Promise<void> {
  const tx = db.transaction(['photos', 'analyses', 'events', 'meta'], 'readwrite');
  for (const [record, analysis] of photos) (void tx.objectStore('photos').put(record), void tx.objectStore('analyses').put(analysis));
  for (const record of events) void tx.objectStore('events').put(record);
  if (mark) void tx.objectStore('meta').put(libraryChanged());
  await tx.done;
}

const memoryIds = async (db: KeepsakeDatabase): Promise<string[]> => (await readMemories(db)).map((memory) => memory.id).sort();

describe('memories over the stored library', () => {
  it('reads the library again only once a write replaced its revision', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    await generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toContain('event:e1');

    // Written without a new revision: a run for a signal uses the library it kept (proof that it kept one).
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, autumn, [event('e2', autumn.map(([record]) => record.id))], false);
    await db.add('signals', { at: NOW, type: 'favourite', target: { photoId: 'a' } });
    expect(await generateStoredMemories(db, NOW, ['en'])).toMatchObject({ current: false });
    expect(await memoryIds(db)).not.toContain('event:e2');

    // Any writer replaces the revision with its change: the next run sees the new event.
    await write(db, [], [], true);
    await generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toContain('event:e2');
  });

  it('never keeps a library stored without a revision', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], false);
    await generateStoredMemories(db, NOW, ['en']);
    const autumn = ['f', 'g', 'h'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, autumn, [event('e2', autumn.map(([record]) => record.id))], false);
    await generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toEqual(expect.arrayContaining(['event:e1', 'event:e2']));
  });

  it('makes none again while nothing they are made of changed', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    const first = await generateStoredMemories(db, NOW, ['en']);
    expect(first).toMatchObject({ current: false });
    expect(first.memories).toBeGreaterThan(0);
    expect(await generateStoredMemories(db, NOW + 3_600_000, ['en'])).toMatchObject({ current: true, memories: first.memories, kinds: first.kinds });

    // Each input makes them again: the library, the signals log, the settings, the day.
    const changes: Array<[string, () => Promise<unknown>, number]> = [
      ['library', () => write(db, [], [], true), NOW],
      ['signals', () => db.add('signals', { at: NOW, type: 'favourite', target: { photoId: 'a' } }), NOW],
      ['settings', () => db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'fr', hiddenRanges: [] } }), NOW],
      ['day', async () => undefined, NOW + 86_400_000],
    ];
    for (const [what, change, now] of changes) {
      await change();
      expect(await generateStoredMemories(db, now, ['en']), what).toMatchObject({ current: false });
      expect(await generateStoredMemories(db, now, ['en']), what).toMatchObject({ current: true });
    }
  });

  it('after a reload, reads the library kept at its revision instead of every record, with the same memories', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const described = (id: string, day: string, hour: number): [PhotoRecord, AnalysisRecord] => {
      const [record, analysis] = photo(id, day, hour);
      const appearance = Float32Array.from({ length: APPEARANCE_LENGTH }, (_, i) => Math.sin(i * (id.charCodeAt(0) % 7 + 1)));
      return [record, { ...analysis, appearance }];
    };
    const spring = ['a', 'b', 'c', 'd', 'e'].map((id, i) => (i < 3 ? described(id, '2024-04-20', 9 + i) : photo(id, '2024-04-20', 9 + i)));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    await generateStoredMemories(db, NOW, ['en']);
    const fromRecords = await readMemories(db);

    // A new worker (a reload) keeps nothing in memory; a write without a new revision is not seen,
    // which proves the run read the kept snapshot.
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, autumn, [event('e2', autumn.map(([record]) => record.id))], false);
    await db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'de', hiddenRanges: [] } });
    await db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'en', hiddenRanges: [] } });
    await db.add('signals', { at: NOW, type: 'favourite', target: { photoId: 'zz' } });
    vi.resetModules();
    const reloaded = await import('../../src/cluster/memories-run');
    expect(await reloaded.generateStoredMemories(db, NOW, ['en'])).toMatchObject({ current: false });
    expect(await memoryIds(db)).not.toContain('event:e2');
    expect(await readMemories(db)).toEqual(fromRecords);

    // Once a writer replaced the revision, the snapshot is stale: the next worker reads the records.
    await write(db, [], [], true);
    vi.resetModules();
    const again = await import('../../src/cluster/memories-run');
    await again.generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toContain('event:e2');
  });

  it('packs a library into one record and back unchanged, looks and all', () => {
    const look = (seed: number) => lookOf(Float32Array.from({ length: APPEARANCE_LENGTH }, (_, i) => Math.sin(i * seed)))!;
    const base = { localMs: 0, kind: 'photo' as const, quality: 0.7, themes: [], people: ['p1'], faceCount: 1, eventId: 'e1', similarGroup: null, bestOfGroup: false };
    const library = {
      photos: [{ ...base, id: 'a', look: look(1) }, { ...base, id: 'b' }, { ...base, id: 'c', look: look(3) }],
      people: [{ id: 'p1', name: 'Anna', hidden: false }],
      events: [],
      southern: true,
    };
    const unpacked = unpackLibrary(structuredClone(packLibrary('r1', library)));
    expect(unpacked).toEqual(library);
    expect(unpacked.photos.map((photo) => 'look' in photo)).toEqual([true, false, true]);
  });

  it('reads the records instead of a snapshot an older build kept in another shape', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    // The shape the build before looks kept (no version, the full descriptors), of an empty library at today's revision.
    const revision = (await db.get('meta', 'library-revision'))?.value;
    await db.put('meta', { key: 'memories-library', value: { revision, library: { photos: [], people: [], events: [], southern: false }, appearances: new Float32Array(0), described: new Uint8Array(0) } });
    vi.resetModules();
    const reloaded = await import('../../src/cluster/memories-run');
    await reloaded.generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toContain('event:e1');
  });

  it('words the same ranking again for another language, ranks the same candidates again for a signal, and makes all again for the rest', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, [...spring, ...autumn], [event('e1', spring.map(([record]) => record.id)), event('e2', autumn.map(([record]) => record.id))], true);
    const candidates = vi.mocked(generate.libraryCandidates);
    const ranked = vi.mocked(generate.rankCandidates);
    const calls = (): [number, number] => [candidates.mock.calls.length, ranked.mock.calls.length];
    const settings = (language: string, hiddenRanges: Array<{ from: string; to: string }> = []) => db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language, hiddenRanges } });
    const stored = async () => (await readMemories(db)).map(({ id, title, photoIds, score }) => ({ id, title, photoIds, score }));
    await settings('en');
    await generateStoredMemories(db, NOW, ['en']);
    const [c, r] = calls();
    const english = await stored();

    await settings('de');
    await generateStoredMemories(db, NOW, ['en']);
    expect(calls()).toEqual([c, r]);
    expect(await stored()).not.toEqual(english);
    await settings('en');
    await generateStoredMemories(db, NOW, ['en']);
    expect(await stored()).toEqual(english);
    expect(calls()).toEqual([c, r]);

    // A signal: the kept candidates ranked again, the same memories as a worker that made all anew.
    await db.add('signals', { at: NOW, type: 'favourite', target: { photoId: 'f' } });
    await db.add('signals', { at: NOW + 1, type: 'dismiss', target: { memoryId: 'event:e1' } });
    await generateStoredMemories(db, NOW, ['en']);
    expect(calls()).toEqual([c, r + 1]);
    const afterSignals = await stored();
    expect(afterSignals.map((memory) => memory.id)).not.toContain('event:e1');
    vi.resetModules();
    const fresh = await import('../../src/cluster/memories-run');
    await db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'en', hiddenRanges: [] } });
    await db.delete('meta', 'memories-made');
    await fresh.generateStoredMemories(db, NOW, ['en']);
    expect(await stored()).toEqual(afterSignals);

    await settings('en', [{ from: '2024-04-20', to: '2024-04-20' }]);
    const [c2, r2] = calls();
    await generateStoredMemories(db, NOW, ['en']);
    expect(calls()).toEqual([c2 + 1, r2 + 1]);
  });

  it('words the stored memories again for another language after a reload, without reading or ranking the library, and prepares the candidates of current ones', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, [...spring, ...autumn], [event('e1', spring.map(([record]) => record.id)), event('e2', autumn.map(([record]) => record.id))], true);
    await db.add('signals', { at: NOW, type: 'rename', target: { memoryId: 'event:e1' }, value: 'Our spring' });
    const settings = (language: string) => db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language, hiddenRanges: [] } });
    /** The memories run of a new cluster worker (a reload), with its own counted candidates and ranking. */
    const newWorker = async () => {
      vi.resetModules();
      const counted = vi.mocked(await import('../../src/pipeline/memories/generate'));
      const run = await import('../../src/cluster/memories-run');
      const calls = (): number => counted.libraryCandidates.mock.calls.length + counted.rankCandidates.mock.calls.length;
      const before = calls();
      return { run: () => run.generateStoredMemories(db, NOW, ['en']), calls: () => calls() - before };
    };
    await settings('en');
    await generateStoredMemories(db, NOW, ['en']);
    const english = await readMemories(db);

    await settings('de');
    const reloaded = await newWorker();
    expect(await reloaded.run()).toMatchObject({ current: false, memories: english.length });
    expect(reloaded.calls()).toBe(0);
    const reworded = await readMemories(db);
    expect(reworded.find((memory) => memory.id === 'event:e1')).toMatchObject({ title: 'Our spring', titleEdited: true });
    expect(reworded.map((memory) => memory.subtitle)).not.toEqual(english.map((memory) => memory.subtitle));

    // The same memories as a worker that read, ranked and worded them all anew in that language.
    await db.delete('meta', 'memories-made');
    const anew = await newWorker();
    await anew.run();
    expect(anew.calls()).toBe(2);
    expect(await readMemories(db)).toEqual(reworded);

    // A new worker finding them current makes the candidates at once: the first signal only ranks.
    const opened = await newWorker();
    expect(await opened.run()).toMatchObject({ current: true });
    expect(opened.calls()).toBe(1);
    await db.add('signals', { at: NOW + 1, type: 'favourite', target: { photoId: 'f' } });
    await opened.run();
    expect(opened.calls()).toBe(2);
  });

  it('keeps each memory\'s pool apart, written again only when the candidates may have changed', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, [...spring, ...autumn], [event('e1', spring.map(([record]) => record.id)), event('e2', autumn.map(([record]) => record.id))], true);
    await generateStoredMemories(db, NOW, ['en']);
    const pools = new Map((await db.getAll('memoryPools')).map((pool) => [pool.id, pool.photoIds]));
    expect(pools.get('event:e1')?.split(' ').sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await memoryIds(db)).toEqual([...pools.keys()].sort());

    // Another language or a signal leaves the stored pools alone, but gives a memory without one its pool.
    const someOther = [...pools.keys()].find((id) => id !== 'event:e1')!;
    await db.put('memoryPools', { schema: RECORD_SCHEMA, id: 'event:e1', photoIds: 'left alone' });
    await db.delete('memoryPools', someOther);
    await db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'de', hiddenRanges: [] } });
    await generateStoredMemories(db, NOW, ['en']);
    await db.add('signals', { at: NOW, type: 'favourite', target: { photoId: 'a' } });
    await generateStoredMemories(db, NOW, ['en']);
    expect((await db.get('memoryPools', 'event:e1'))?.photoIds).toBe('left alone');
    expect((await db.get('memoryPools', someOther))?.photoIds).toBe(pools.get(someOther));

    // A change of the library makes every pool again.
    await write(db, [], [], true);
    await generateStoredMemories(db, NOW, ['en']);
    expect((await db.get('memoryPools', 'event:e1'))?.photoIds).toBe(pools.get('event:e1'));
  });

  it('makes memories without a snapshot where the storage is full, and drops the stale one to free its room', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    await db.put('meta', { key: 'memories-library', value: { revision: 'an older one' } });
    const put = IDBObjectStore.prototype.put;
    const full = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { key?: unknown } | null)?.key === 'memories-library') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    });
    try {
      vi.resetModules();
      const reloaded = await import('../../src/cluster/memories-run');
      expect(await reloaded.generateStoredMemories(db, NOW, ['en'])).toMatchObject({ current: false });
    } finally {
      full.mockRestore();
    }
    expect(await memoryIds(db)).toContain('event:e1');
    expect(await db.get('meta', 'memories-library')).toBeUndefined();
  });
});
