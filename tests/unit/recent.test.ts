import { describe, expect, it } from 'vitest';
import { RecentValues } from '../../src/pipeline/library/recent';

describe('RecentValues', () => {
  it('keeps the values of the last keys used, by identity, and drops the least recently used', () => {
    const library = [1, 2, 3];
    const filtered = [1];
    const other = [1];
    const cache = new RecentValues<number[], string>(2);
    expect(cache.set(library, 'library')).toBe('library');
    cache.set(filtered, 'filtered');
    // An equal list is not the same list.
    expect(cache.get([1, 2, 3])).toBeUndefined();
    // Using the library's list again makes the filtered one the oldest…
    expect(cache.get(library)).toBe('library');
    cache.set(other, 'other');
    // …so it is the one dropped.
    expect(cache.get(filtered)).toBeUndefined();
    expect(cache.get(library)).toBe('library');
    expect(cache.get(other)).toBe('other');
  });

  it('replaces the value kept for a key instead of keeping it twice', () => {
    const key = {};
    const kept = {};
    const cache = new RecentValues<object, number>(2);
    cache.set(kept, 1);
    cache.set(key, 2);
    cache.set(key, 3);
    // Kept twice, the key would have pushed the other out.
    expect(cache.get(kept)).toBe(1);
    expect(cache.get(key)).toBe(3);
  });
});
