import { describe, expect, it } from 'vitest';
import { assignNewFaces, reclusterAll } from '../../src/pipeline/people/cluster';
import { syntheticFaces } from '../../src/pipeline/people/synthetic';
import type { ClusterFace, PeopleConstraints } from '../../src/pipeline/people/types';
import { pairwiseScores } from '../../src/pipeline/eval/metrics';

const none: PeopleConstraints = { confirmed: new Map(), rejected: new Map() };
const ids = (prefix = 'p') => {
  let n = 0;
  return () => `${prefix}${++n}`;
};
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const truthOf = (faces: Array<{ id: string; truth: string }>) => new Map(faces.map((f) => [f.id, f.truth.startsWith('stranger') ? null : f.truth]));

describe('synthetic faces', () => {
  it('look like the real model: same person ≈ 0.75–0.9, different ≈ 0.2–0.5, unit length', () => {
    const faces = syntheticFaces(600, 3);
    for (const face of faces.slice(0, 20)) expect(dot(face.embedding, face.embedding)).toBeCloseTo(1, 4);
    const same: number[] = [];
    const different: number[] = [];
    for (let i = 0; i < 200; i++) for (let j = i + 1; j < 200; j++) (faces[i]!.truth === faces[j]!.truth ? same : different).push(dot(faces[i]!.embedding, faces[j]!.embedding));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(same)).toBeGreaterThan(0.75);
    expect(mean(same)).toBeLessThan(0.9);
    expect(mean(different)).toBeGreaterThan(0.25);
    expect(mean(different)).toBeLessThan(0.5);
    expect(Math.max(...different)).toBeLessThan(Math.min(...same));
  });
});

describe('clustering faces into people', () => {
  const faces = syntheticFaces(3000, 5);

  it('finds the people of a few thousand faces, precisely', () => {
    const result = reclusterAll(faces, none, ids());
    const scores = pairwiseScores(result, truthOf(faces));
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('never puts two faces of one photo in one person, and leaves lone strangers alone', () => {
    const result = reclusterAll(faces, none, ids());
    const seen = new Set<string>();
    for (const face of faces) {
      const person = result.get(face.id);
      if (!person) continue;
      expect(seen.has(`${face.photoId}|${person}`)).toBe(false);
      seen.add(`${face.photoId}|${person}`);
    }
    const strangers = faces.filter((f) => f.truth.startsWith('stranger'));
    expect(strangers.filter((f) => result.get(f.id)).length).toBe(0);
  });

  it('never assigns untrusted faces', () => {
    const untrusted = faces.slice(0, 300).map((f) => ({ ...f, trusted: false }));
    const result = reclusterAll([...untrusted, ...faces.slice(300)], none, ids());
    expect(untrusted.every((f) => result.get(f.id) === null)).toBe(true);
  });

  it('adds faces incrementally as well as from scratch, keeping stored ids', () => {
    const first = faces.slice(0, 2000);
    const full = reclusterAll(first, none, ids());
    const stored = first.map((f) => ({ ...f, personId: full.get(f.id) ?? null }));
    const added = assignNewFaces(stored, faces.slice(2000), none, ids('n'));
    // Stored people keep their faces; pooled faces may now have found their person.
    for (const f of first) if (full.get(f.id)) expect(added.get(f.id)).toBe(full.get(f.id));
    const scores = pairwiseScores(added, truthOf(faces));
    expect(scores.precision).toBeGreaterThanOrEqual(0.99);
    expect(scores.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps person ids stable across a full re-clustering', () => {
    const once = reclusterAll(faces, none, ids());
    const stored = faces.map((f) => ({ ...f, personId: once.get(f.id) ?? null }));
    const again = reclusterAll(stored, none, ids('x'));
    let same = 0;
    for (const f of faces) if (again.get(f.id) === once.get(f.id)) same += 1;
    expect(same / faces.length).toBeGreaterThan(0.99);
  });
});

describe('corrections the person made', () => {
  const faces = syntheticFaces(1500, 9);
  const base = reclusterAll(faces, none, ids());
  const stored: ClusterFace[] = faces.map((f) => ({ ...f, personId: base.get(f.id) ?? null }));
  const byPerson = new Map<string, string[]>();
  for (const f of stored) if (f.personId) byPerson.set(f.personId, [...(byPerson.get(f.personId) ?? []), f.id]);
  const [big, other] = [...byPerson.entries()].sort((a, b) => b[1].length - a[1].length) as [[string, string[]], [string, string[]]];

  it('never moves a confirmed face, even one the model would put elsewhere', () => {
    const moved = other[1][0]!;
    const constraints: PeopleConstraints = { confirmed: new Map([[moved, big[0]]]), rejected: new Map() };
    for (const result of [reclusterAll(stored, constraints, ids('r')), assignNewFaces(stored, [], constraints, ids('i'))]) expect(result.get(moved)).toBe(big[0]);
  });

  it('never puts a rejected face back with that person', () => {
    const rejected = big[1][0]!;
    const constraints: PeopleConstraints = { confirmed: new Map(), rejected: new Map([[rejected, new Set([big[0]])]]) };
    const unstored = stored.map((f) => (f.id === rejected ? { ...f, personId: null } : f));
    const full = reclusterAll(unstored, constraints, ids('r'));
    expect(full.get(rejected)).not.toBe(big[0]);
    const incremental = assignNewFaces(unstored.filter((f) => f.id !== rejected), unstored.filter((f) => f.id === rejected), constraints, ids('i'));
    expect(incremental.get(rejected)).not.toBe(big[0]);
  });

  it('never joins two people the person confirmed apart, even when their faces are alike', () => {
    // Both people's faces confirmed; then a face that looks like the first is confirmed as the second.
    const confirmed = new Map<string, string>([...big[1].map((id) => [id, big[0]] as const), ...other[1].map((id) => [id, other[0]] as const)]);
    const result = reclusterAll(stored, { confirmed, rejected: new Map() }, ids('r'));
    for (const id of big[1]) expect(result.get(id)).toBe(big[0]);
    for (const id of other[1]) expect(result.get(id)).toBe(other[0]);
  });

  it('makes no person of one lone face', () => {
    const lone = faces.find((f) => f.truth.startsWith('stranger'))!;
    expect(assignNewFaces([], [lone], none, ids()).get(lone.id)).toBeNull();
  });
});
