import { describe, expect, it } from 'vitest';
import { bestOf, groupSimilar, type SimilarInput } from '../../src/pipeline/analyse/similar';
import type { QualityParts } from '../../src/pipeline/analyse/types';

const quality = (score: number, faceSharpness: number | null = null): QualityParts => ({ sharpness: score, faceSharpness, exposure: 1, noise: 1, faceVisibility: faceSharpness === null ? null : 1, score });
/** A one-number "appearance": photos look alike when their numbers are close. */
const look = (value: number): Float32Array => Float32Array.of(value);
const likeness = (a: Float32Array, b: Float32Array): number => 1 - Math.abs(a[0]! - b[0]!);

function photo(id: string, over: Partial<SimilarInput> = {}): SimilarInput {
  return { id, takenMs: null, camera: null, pixels: 12e6, dhash: id.padEnd(16, '0').slice(0, 16).replace(/[^0-9a-f]/g, 'f'), appearance: look(Math.random() * 0.1 + Number.parseInt(id.slice(-1), 36) * 10), quality: quality(0.5), faceCount: 0, ...over };
}

describe('similar groups', () => {
  it('groups near-duplicates by appearance even without capture times, and leaves the rest alone', () => {
    const a = photo('a1', { appearance: look(5), dhash: '0f0f0f0f0f0f0f0f' });
    const b = photo('b2', { appearance: look(5.05), dhash: 'f0f0f0f0f0f0f0f0' });
    const c = photo('c3', { appearance: look(9), dhash: '123456789abcdef0' });
    const groups = groupSimilar([a, b, c], likeness);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.photoIds.sort()).toEqual(['a1', 'b2']);
    expect(groups[0]!.reason).toBe('near-duplicate');
  });

  it('groups by perceptual hash alone when the hashes are within a few bits', () => {
    const a = photo('a1', { appearance: look(1), dhash: 'ffffffffffffffff' });
    const b = photo('b2', { appearance: look(7), dhash: 'fffffffffffffff0' });
    expect(groupSimilar([a, b], likeness)).toHaveLength(1);
  });

  it('chains shots seconds apart from one camera into a burst, but not across cameras or long gaps', () => {
    const t = Date.UTC(2024, 5, 1, 12);
    const shots = [
      photo('a1', { takenMs: t, camera: 'Canon S5', appearance: look(1), dhash: '0000000000000001' }),
      photo('b2', { takenMs: t + 7_000, camera: 'Canon S5', appearance: look(3), dhash: '3333000000000000' }),
      photo('c3', { takenMs: t + 14_000, camera: 'Canon S5', appearance: look(5), dhash: 'ffff00000000ffff' }),
      photo('d4', { takenMs: t + 16_000, camera: 'Pixel 8', appearance: look(7), dhash: 'abcdabcdabcdabcd' }),
      photo('e5', { takenMs: t + 60_000, camera: 'Canon S5', appearance: look(9), dhash: '9999999999999999' }),
    ];
    const groups = groupSimilar(shots, likeness);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.photoIds).toEqual(['a1', 'b2', 'c3']);
    expect(groups[0]!.reason).toBe('burst');
  });

  it('picks the sharpest faces, then the best quality, then the larger original as the best of a group', () => {
    const blurryFaces = photo('a1', { quality: quality(0.7, 0.2) });
    const sharpFaces = photo('b2', { quality: quality(0.7, 0.9) });
    expect(bestOf([blurryFaces, sharpFaces]).id).toBe('b2');
    const small = photo('c3', { pixels: 0.3e6, quality: quality(0.6) });
    const original = photo('d4', { pixels: 12e6, quality: quality(0.6) });
    expect(bestOf([small, original]).id).toBe('d4');
  });

  it('finds a near-duplicate pair far apart in a large library through the hash bands', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      photo(`p${i.toString(36)}`, { takenMs: i * 3_600_000, appearance: look(i * 3), dhash: (BigInt(i) * 0x9e3779b97f4a7c15n % 2n ** 64n).toString(16).padStart(16, '0') }));
    many[2999] = { ...many[2999]!, dhash: many[5]!.dhash, appearance: look(5000) };
    const groups = groupSimilar(many, likeness);
    expect(groups.map((g) => g.photoIds.length)).toEqual([2]);
    expect(groups[0]!.photoIds.sort()).toEqual([many[5]!.id, many[2999]!.id].sort());
  });
});
