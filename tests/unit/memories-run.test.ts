import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RECORD_SCHEMA, libraryChanged, openKeepsakeDB, type AnalysisRecord, type EventRecord, type KeepsakeDatabase, type PhotoRecord } from '../../src/db/schema';
import { MEMORY_SETTINGS_KEY, generateStoredMemories } from '../../src/cluster/memories-run';

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

const memoryIds = async (db: KeepsakeDatabase): Promise<string[]> => (await db.getAll('memories')).map((memory) => memory.id).sort();

describe('memories over the stored library', () => {
  it('reads the library again only once a write replaced its revision', async () => {
    const db = await openKeepsakeDB(`t-memories-${++dbCount}`);
    const spring = ['a', 'b', 'c', 'd'].map((id, i) => photo(id, '2024-04-20', 9 + i));
    await write(db, spring, [event('e1', spring.map(([record]) => record.id))], true);
    await generateStoredMemories(db, NOW, ['en']);
    expect(await memoryIds(db)).toContain('event:e1');

    // Written without a new revision: a run for another language uses the library it kept (proof that it kept one).
    const autumn = ['f', 'g', 'h', 'i'].map((id, i) => photo(id, '2024-10-05', 10 + i));
    await write(db, autumn, [event('e2', autumn.map(([record]) => record.id))], false);
    await db.put('meta', { key: MEMORY_SETTINGS_KEY, value: { language: 'de', hiddenRanges: [] } });
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
});
