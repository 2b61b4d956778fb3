/**
 * Similar groups: near-duplicates (the same picture resized, re-encoded, brightened, cropped or
 * re-oriented; the same scene from a step to the side) and bursts (shots seconds apart), each with
 * one best-of-group pick. Pure; scales to large libraries by only comparing candidate pairs:
 * neighbours in time, and photos sharing a band of their perceptual hash.
 */
import { hammingDistance } from './hash';
import type { QualityParts } from './types';

export interface SimilarInput {
  id: string;
  /** Capture instant (ms) when known from the photo's metadata, else null. */
  takenMs: number | null;
  camera: string | null;
  pixels: number;
  dhash: string;
  /** Compared with the `similarity` function given to groupSimilar. */
  appearance: Float32Array;
  quality: QualityParts;
  faceCount: number;
}

export interface SimilarGroup {
  id: string;
  photoIds: string[];
  best: string;
  /** Why these belong together, for the UI: "near-duplicates" or "burst". */
  reason: 'near-duplicate' | 'burst';
}

export interface SimilarRules {
  /** Hash distance (of 64 bits) at or below which two pictures are near-duplicates on their own. */
  maxHashDistance: number;
  /** Appearance similarity at or above which two pictures are near-duplicates on their own. */
  minAppearance: number;
  /**
   * Shots this close in time from the same camera form a burst, whatever they show: a burst is
   * one moment, and a book wants its best frame, not all of them.
   */
  burstGapMs: number;
  /** Photos compared with each of their neighbours in time order (capture time or import order). */
  window: number;
}

/**
 * Measured on the shared corpus (pipeline/analyse/hash.ts has the distributions): every synthetic
 * edit scores ≥ 0.99 appearance and no unrelated pair above 0.86; unrelated pictures come as close
 * as 7 dHash bits, re-encodes and re-orientations within 1.
 */
export const SIMILAR_RULES: SimilarRules = {
  maxHashDistance: 6,
  minAppearance: 0.9,
  burstGapMs: 12_000,
  window: 12,
};

export function groupSimilar(
  photos: SimilarInput[],
  similarity: (a: Float32Array, b: Float32Array) => number,
  rules: SimilarRules = SIMILAR_RULES,
): SimilarGroup[] {
  const parent = photos.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const burstLinked = new Set<number>();
  const nearLinked = new Set<number>();
  const consider = (i: number, j: number): void => {
    const a = photos[i]!;
    const b = photos[j]!;
    const look = similarity(a.appearance, b.appearance);
    const near = hammingDistance(a.dhash, b.dhash) <= rules.maxHashDistance || look >= rules.minAppearance;
    const burst = !near && isBurst(a, b, rules);
    if (!near && !burst) return;
    (near ? nearLinked : burstLinked).add(i).add(j);
    parent[find(i)] = find(j);
  };
  for (const [i, j] of candidatePairs(photos, rules.window)) consider(i, j);

  const members = new Map<number, number[]>();
  photos.forEach((_, i) => {
    const root = find(i);
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  });
  const groups: SimilarGroup[] = [];
  for (const indices of members.values()) {
    if (indices.length < 2) continue;
    const group = indices.map((i) => photos[i]!);
    const ordered = [...group].sort((a, b) => (a.takenMs ?? 0) - (b.takenMs ?? 0) || a.id.localeCompare(b.id));
    groups.push({
      id: `s-${ordered[0]!.id.slice(0, 12)}`,
      photoIds: ordered.map((p) => p.id),
      best: bestOf(group).id,
      reason: indices.every((i) => burstLinked.has(i) && !nearLinked.has(i)) ? 'burst' : 'near-duplicate',
    });
  }
  return groups.sort((a, b) => a.id.localeCompare(b.id));
}

function isBurst(a: SimilarInput, b: SimilarInput, rules: SimilarRules): boolean {
  if (a.takenMs === null || b.takenMs === null) return false;
  if (a.camera && b.camera && a.camera !== b.camera) return false;
  return Math.abs(a.takenMs - b.takenMs) <= rules.burstGapMs;
}

/** Time neighbours (undated photos by their place in the input) plus photos sharing a 16-bit band of their hash. */
function candidatePairs(photos: SimilarInput[], window: number): Array<[number, number]> {
  const seen = new Set<string>();
  const pairs: Array<[number, number]> = [];
  const add = (i: number, j: number): void => {
    const key = i < j ? `${i}:${j}` : `${j}:${i}`;
    if (i === j || seen.has(key)) return;
    seen.add(key);
    pairs.push([i, j]);
  };
  const byTime = photos.map((_, i) => i).sort((a, b) => (photos[a]!.takenMs ?? Infinity) - (photos[b]!.takenMs ?? Infinity) || a - b);
  byTime.forEach((i, k) => {
    for (let d = 1; d <= window && k + d < byTime.length; d++) add(i, byTime[k + d]!);
  });
  // Pigeonhole: two 64-bit hashes within 3 bits of each other agree on at least one of 4 bands;
  // most closer near-duplicates share one too. Very common bands (flat images) are skipped.
  const bands = new Map<string, number[]>();
  photos.forEach((photo, i) => {
    for (let band = 0; band < 4; band++) {
      const key = `${band}:${photo.dhash.slice(band * 4, band * 4 + 4)}`;
      const list = bands.get(key);
      if (list) list.push(i);
      else bands.set(key, [i]);
    }
  });
  for (const members of bands.values()) {
    if (members.length > 64) continue;
    for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) add(members[a]!, members[b]!);
  }
  return pairs;
}

/** The one to keep: sharpest faces and best quality, then the most pixels (an original over a smaller copy). */
export function bestOf(group: SimilarInput[]): SimilarInput {
  const score = (p: SimilarInput): number =>
    p.quality.score + 0.3 * (p.quality.faceSharpness ?? 0) + 0.2 * (p.quality.faceVisibility ?? 0) + 0.05 * Math.log2(Math.max(1, p.pixels));
  return group.reduce((best, p) => (score(p) > score(best) ? p : best));
}
