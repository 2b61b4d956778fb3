import { describe, it, expect } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StringPool, shareEvent, shareGroup, shareMemory, sharePerson } from '../../src/pipeline/library/string-pool';
import type { EventRecord, MemoryRecord, PersonRecord } from '../../src/db/schema';
import { toEventOnTheWire } from '../../src/pipeline/library/library-event';
import type { SimilarGroup } from '../../src/pipeline/analyse/similar';

/** Ids as long as the app's, each read back as its own copy (as IndexedDB hands records over). */
const ids = Array.from({ length: 20_000 }, (_, i) => `${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`);
const freshCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('StringPool', () => {
  it('keeps one copy of each string, and records keep their values', () => {
    const pool = new StringPool();
    const stored = freshCopy<EventRecord>({
      schema: 1, id: 'e-1', kind: 'trip', start: '2023-05-01', end: '2023-05-03', place: null,
      photoIds: ids.slice(0, 3), days: [{ date: '2023-05-01', photoIds: ids.slice(0, 2) }, { date: '2023-05-02', photoIds: ids.slice(2, 3) }],
      photoPlaces: { [ids[0]!]: 'Lisbon, Portugal', [ids[1]!]: 'Lisbon, Portugal', [ids[2]!]: 'Sintra, Portugal' },
    });
    const memory = freshCopy({ id: 'm-1', photoIds: ids.slice(1, 3), coverPhotoId: ids[2]! }) as unknown as MemoryRecord;
    const person = freshCopy({ id: 'p1', photoIds: ids.slice(0, 2) }) as unknown as PersonRecord;
    const group = freshCopy<SimilarGroup>({ id: 's-1', photoIds: ids.slice(0, 2), best: ids[1]! } as SimilarGroup);
    const wire = toEventOnTheWire(stored);
    const before = freshCopy({ memory, person, group });
    const event = shareEvent(wire, pool);
    expect(shareMemory(memory, pool)).toBe(memory);
    expect(sharePerson(person, pool)).toBe(person);
    expect(shareGroup(group, pool)).toBe(group);
    const { photoPlaces, ...rest } = event;
    const { photoPlaces: storedPlaces, ...storedRest } = stored;
    expect(rest).toEqual(storedRest);
    expect(Object.fromEntries(photoPlaces)).toEqual(storedPlaces);
    expect(photoPlaces.get(ids[2]!)).toBe('Sintra, Portugal');
    // The event's ids are the pool's copies: the person's first photo is the event's, not an equal string.
    expect([...photoPlaces.keys()].every((id, i) => id === wire.photoIds[i])).toBe(true);
    expect({ memory, person, group }).toEqual(before);
    // Three ids and two place names, however many records named them.
    expect(pool.size).toBe(5);
  });

  it('frees the heap the copies took', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const json = JSON.stringify(ids);
    const copies = (): string[][] => Array.from({ length: 5 }, () => JSON.parse(json) as string[]);
    let start = heap();
    let kept = copies();
    const unshared = heap() - start;
    kept = [];
    start = heap();
    const pool = new StringPool();
    kept = copies().map((copy) => pool.shareAll(copy));
    const shared = heap() - start;
    expect(kept).toHaveLength(5);
    // Five copies of 20,000 ids against one copy plus the pool's table.
    expect(shared).toBeLessThan(0.6 * unshared);
  });
});
