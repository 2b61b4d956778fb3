import { describe, expect, it } from 'vitest';
import { alignedCrop, carryIdentity, closerLooks, mergeFaces, toImageFace } from '../../src/pipeline/analyse/faces';
import { sceneLabels, themesOf } from '../../src/pipeline/analyse/themes';
import type { Box, DetectedFace, Label } from '../../src/pipeline/analyse/types';

const face = (box: [number, number, number, number], score: number): DetectedFace => ({ box, score, landmarks: [] });

describe('where the face detector looks', () => {
  it('looks closer at the head of every person too small for the whole look', () => {
    const far = { box: [0.1, 0.4, 0.06, 0.3] as [number, number, number, number], score: 0.6 };
    const near = { box: [0.5, 0.1, 0.45, 0.9] as [number, number, number, number], score: 0.9 };
    const faint = { box: [0.8, 0.5, 0.05, 0.2] as [number, number, number, number], score: 0.05 };
    const regions = closerLooks(1600, 1200, [far, near, faint], []);
    expect(regions).toHaveLength(1);
    const head = regions[0]!;
    // Around the far person's head: 1.4 × its width, starting just above it.
    expect(head.width).toBeCloseTo(1.4 * 0.06 * 1600, -1);
    expect(head.x).toBeLessThan(0.1 * 1600);
    expect(head.x + head.width).toBeGreaterThan(0.16 * 1600);
    expect(head.y).toBeLessThan(0.4 * 1200);
    // A 3%-wide face there lands at ≥ 12 px of the detector's 192-px input.
    expect((0.03 * 1600 / head.width) * 192).toBeGreaterThanOrEqual(12);
  });

  it('gives one look to people standing together', () => {
    const a = { box: [0.2, 0.3, 0.1, 0.5] as [number, number, number, number], score: 0.7 };
    const same = { box: [0.205, 0.31, 0.1, 0.5] as [number, number, number, number], score: 0.4 };
    expect(closerLooks(1000, 1000, [a, same], [])).toHaveLength(1);
    expect(closerLooks(1000, 1000, [], [])).toHaveLength(0);
  });

  it('skips a person whose face the whole look already found clearly, and only that person', () => {
    const left = { box: [0.1, 0.3, 0.2, 0.6] as [number, number, number, number], score: 0.8 };
    const right = { box: [0.6, 0.3, 0.2, 0.6] as [number, number, number, number], score: 0.8 };
    // 0.1 of the width of a 1000-px picture is 19 px of the detector's 192: seen clearly.
    const leftFace = face([0.15, 0.32, 0.1, 0.1], 0.9);
    expect(closerLooks(1000, 1000, [left, right], [leftFace])).toHaveLength(1);
    expect(closerLooks(1000, 1000, [left, right], [leftFace])[0]!.x).toBeGreaterThan(500);
    // Unsure, or too small at 192 px to trust its box and eyes: the closer look still happens.
    expect(closerLooks(1000, 1000, [left, right], [face([0.15, 0.32, 0.1, 0.1], 0.6)])).toHaveLength(2);
    expect(closerLooks(1000, 1000, [left, right], [face([0.18, 0.32, 0.05, 0.05], 0.95)])).toHaveLength(2);
  });

  it('keeps the look at someone standing behind a person whose clear face falls in their head region', () => {
    const front = { box: [0.3, 0.2, 0.25, 0.8] as [number, number, number, number], score: 0.9 };
    const behind = { box: [0.38, 0.15, 0.08, 0.3] as [number, number, number, number], score: 0.5 };
    // The front person's face (0.12 wide) is centred in both head regions: too wide to be the face of
    // the person behind (0.08 wide), so only the front person's look is skipped.
    const frontFace = face([0.36, 0.17, 0.12, 0.12], 0.95);
    const looks = closerLooks(1000, 1000, [front, behind], [frontFace]);
    expect(looks).toHaveLength(1);
    expect(looks[0]!.width).toBeLessThan(0.2 * 1000);
  });

  it('maps a hit in a tile back to the whole picture, keypoints included', () => {
    const hit = { box: { x: 10, y: 20, width: 40, height: 50 }, score: 0.9, keypoints: [[0.5, 0.5] as [number, number]] };
    const result = toImageFace(hit, { x: 100, y: 200, width: 400, height: 400 }, 1000, 800);
    [0.11, 0.275, 0.04, 0.0625].forEach((value, i) => expect(result.box[i]).toBeCloseTo(value, 9));
    [0.3, 0.5].forEach((value, i) => expect(result.landmarks[0]![i]).toBeCloseTo(value, 9));
  });
});

describe('merging what several looks found', () => {
  it('keeps one box per face, the surest, and drops a face cut in half by the edge of a closer look', () => {
    const whole = face([0.4, 0.4, 0.1, 0.1], 0.95);
    const again = face([0.405, 0.4, 0.1, 0.1], 0.8);
    const half = face([0.45, 0.4, 0.05, 0.1], 0.85);
    const other = face([0.1, 0.1, 0.05, 0.05], 0.7);
    const merged = mergeFaces([again, half, whole, other], 4 / 3);
    expect(merged.map((f) => [f.box, f.looks])).toEqual([[whole.box, 3], [other.box, 1]]);
  });

  it('keeps two faces side by side', () => {
    expect(mergeFaces([face([0.2, 0.2, 0.1, 0.1], 0.9), face([0.31, 0.2, 0.1, 0.1], 0.9)], 1)).toHaveLength(2);
  });
});

describe('the aligned crop for the embedding model', () => {
  it('is a square of 1.5 × the face, centred on it, rotated by the eye line', () => {
    const tilted: DetectedFace = { box: [0.4, 0.4, 0.2, 0.2], score: 1, landmarks: [[0.45, 0.45], [0.55, 0.55]] };
    const crop = alignedCrop(tilted, 1000, 1000);
    expect(crop.side).toBeCloseTo(300);
    expect(crop.centreX).toBeCloseTo(500);
    expect(crop.centreY).toBeCloseTo(500);
    expect(crop.angle).toBeCloseTo(Math.PI / 4);
  });
});

describe('themes', () => {
  const object = (name: string, score: number): Label => ({ name, score, source: 'objects' });

  it('maps detected objects to the theme vocabulary, surest first', () => {
    expect(themesOf([object('dog', 0.9), object('car', 0.5)], 0)).toEqual(['pets', 'vehicles']);
    expect(themesOf([object('dog', 0.2)], 0)).toEqual([]);
  });

  it('counts faces as people and a crowd with food or drinks as a party', () => {
    expect(themesOf([], 2)).toEqual(['people']);
    expect(themesOf([object('wine glass', 0.7), ...Array.from({ length: 5 }, () => object('person', 0.8))], 0)).toContain('party');
  });

  it('reads night and greenery from colour statistics only when they are strong', () => {
    expect(sceneLabels({ green: 0.5, sky: 0.1, white: 0, sand: 0, meanLuma: 0.4 }).map((l) => l.name)).toEqual(['greenery']);
    expect(sceneLabels({ green: 0, sky: 0, white: 0, sand: 0, meanLuma: 0.05 }).map((l) => l.name)).toEqual(['night']);
    expect(sceneLabels({ green: 0.1, sky: 0.1, white: 0.1, sand: 0.05, meanLuma: 0.5 })).toEqual([]);
  });
});

describe('carrying identity over re-detected faces', () => {
  const old = [
    { box: [0.1, 0.1, 0.2, 0.2] as Box, personId: 'p1', clustered: true, confirmedPerson: 'p1' },
    { box: [0.6, 0.1, 0.2, 0.2] as Box, personId: null, clustered: true, rejectedPeople: ['p2'] },
  ];

  it('gives each new face the identity of the old face it overlaps best, once', () => {
    const fresh = [{ box: [0.61, 0.11, 0.2, 0.2] as Box }, { box: [0.11, 0.1, 0.2, 0.21] as Box }, { box: [0.12, 0.1, 0.2, 0.2] as Box }];
    const carried = carryIdentity(fresh, old);
    expect(carried[0]).toMatchObject({ personId: null, rejectedPeople: ['p2'], clustered: true });
    expect(carried[1]).toMatchObject({ personId: 'p1', confirmedPerson: 'p1' });
    // The third overlaps p1's face too, but that identity is already taken: it starts unknown.
    expect(carried[2]).toEqual({ box: [0.12, 0.1, 0.2, 0.2], personId: null });
  });

  it('leaves faces that moved elsewhere unknown', () => {
    expect(carryIdentity([{ box: [0.3, 0.5, 0.2, 0.2] as Box }], old)).toEqual([{ box: [0.3, 0.5, 0.2, 0.2], personId: null }]);
  });
});
