import { describe, it, expect } from 'vitest';
import { IdMap, IdSet, idHash } from '../../src/pipeline/library/id-map';

/** Ids shaped like the app's (32 hex characters). */
const idOf = (i: number): string => `${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`;

/** Ids whose hashes clash: found by trying ids until `count` of them share one hash (a second or two for three). */
function findClashingIds(count: number): string[] {
  const byHash = new Map<number, string[]>();
  for (let i = 0; ; i++) {
    const id = idOf(i);
    const same = byHash.get(idHash(id)) ?? [];
    same.push(id);
    byHash.set(idHash(id), same);
    if (same.length === count) return same;
  }
}

const [a, b, c] = findClashingIds(3) as [string, string, string];

describe('idHash', () => {
  it('is a small integer the same for equal ids, whichever copy', () => {
    const id = idOf(7);
    const copy = JSON.parse(JSON.stringify(id)) as string;
    expect(idHash(copy)).toBe(idHash(id));
    expect(Number.isInteger(idHash(id)) && idHash(id) >= 0 && idHash(id) < 2 ** 30).toBe(true);
    expect(idHash(idOf(8))).not.toBe(idHash(id));
  });
});

describe('IdMap', () => {
  it('does what a Map does, in insertion order, through sets, overwrites and deletes', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => idOf(i));
    const map = new IdMap<number>();
    const reference = new Map<string, number>();
    for (const [i, id] of ids.entries()) (map.set(id, i), reference.set(id, i));
    for (let i = 0; i < ids.length; i += 3) (map.delete(ids[i]!), reference.delete(ids[i]!));
    for (let i = 0; i < ids.length; i += 5) (map.set(ids[i]!, -i), reference.set(ids[i]!, -i));
    expect(map.size).toBe(reference.size);
    expect([...map]).toEqual([...reference]);
    expect([...map.keys()]).toEqual([...reference.keys()]);
    expect([...map.values()]).toEqual([...reference.values()]);
    for (const id of ids) expect(map.get(JSON.parse(JSON.stringify(id)) as string)).toBe(reference.get(id));
    expect(map.delete('not an id')).toBe(false);
    const copy = map.copy();
    copy.set(ids[1]!, 99);
    expect(map.get(ids[1]!)).toBe(reference.get(ids[1]!));
    expect([...copy.keys()]).toEqual([...map.keys()]);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.has(ids[1]!)).toBe(false);
  });

  it('keeps ids whose hashes clash apart, and finds the rest after one of them goes', () => {
    const map = new IdMap([[a, 'a'], [b, 'b'], [c, 'c']]);
    expect([map.get(a), map.get(b), map.get(c)]).toEqual(['a', 'b', 'c']);
    expect(map.delete(a)).toBe(true);
    expect([map.get(a), map.get(b), map.get(c)]).toEqual([undefined, 'b', 'c']);
    expect(map.delete(b)).toBe(true);
    expect([map.has(b), map.get(c), map.size]).toEqual([false, 'c', 1]);
    map.set(a, 'a again');
    expect([map.get(a), map.get(c)]).toEqual(['a again', 'c']);
  });
});

describe('IdSet', () => {
  it('does what a Set does, and hands out its own copy of an id', () => {
    const set = new IdSet([a, b, c, idOf(1), a]);
    expect(set.size).toBe(4);
    expect([...set]).toEqual([a, b, c, idOf(1)]);
    const copyOfB = JSON.parse(JSON.stringify(b)) as string;
    expect(set.find(copyOfB)).toBe(b);
    expect(set.delete(a)).toBe(true);
    expect([set.has(a), set.has(copyOfB), set.has(c), set.size]).toEqual([false, true, true, 3]);
    expect(set.find('elsewhere')).toBeUndefined();
  });
});
