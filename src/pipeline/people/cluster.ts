/**
 * Faces → people, incrementally and from scratch. Pure.
 *
 * A person is a set of faces with a centroid (the normalised mean embedding). A face joins the
 * person whose centroid it is most similar to, when that similarity clears JOIN and no rule forbids
 * it: faces in one photo are never one person, a face never joins a person it was rejected from,
 * a confirmed face stays with its person. A face that joins nobody waits in a pool; a new person
 * is only made from two mutually similar faces (PAIR) in different photos, so a lone stranger
 * never becomes a person and a wrong face cannot start one. Precision first: merging two people
 * later is one click, splitting a wrong one is not.
 *
 * Speed: every embedding is also kept as a 64-d random projection of its deviation from the mean
 * face, where different people are near orthogonal; candidates are short-listed there and decided
 * on the full embedding.
 */
import { mulberry32 } from '../random';
import type { ClusterFace, PeopleConstraints } from './types';

/** Face-to-centroid cosine to join a person. Same person ≈ 0.84–0.92 (models/README.md), different ≤ ~0.6. */
export const JOIN = 0.7;
/** Face-to-face cosine for two pooled faces to start a person: same person 0.73–0.92, different ≤ 0.59. */
export const PAIR = 0.7;
/** Two people whose centroids are this similar are one (the from-scratch run's clean-up). */
export const MERGE = 0.8;
const PROJECTED = 64;
const SHORTLIST = 8;

interface Person {
  id: string;
  sum: Float64Array;
  centroid: Float32Array;
  projected: Float32Array;
  photos: Set<string>;
  faces: Set<string>;
  /** Whose confirmed faces it holds (a person never takes another person's confirmed faces). */
  confirmedAs: string | null;
  /** The centroid and its projection lag behind `sum` until read. */
  stale: boolean;
}

/** Four running sums: V8 keeps them in registers, about twice as fast as one. */
function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (let i = n; i < a.length; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

function normalised(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  return v.map((x) => x / n);
}

export class PeopleIndex {
  readonly #people = new Map<string, Person>();
  readonly #faces = new Map<string, ClusterFace>();
  readonly #projected = new Map<string, Float32Array>();
  readonly #personOf = new Map<string, string>();
  readonly #pool = new ProjectedPool();
  readonly #mean: Float32Array;
  readonly #basis: Float32Array[];

  /** `sample` sets the mean face (the shared component of every embedding). */
  constructor(sample: readonly ClusterFace[], private readonly constraints: PeopleConstraints, private readonly newPersonId: () => string) {
    const dims = sample[0]?.embedding.length ?? 0;
    const mean = new Float32Array(dims);
    const step = Math.max(1, Math.floor(sample.length / 2000));
    let n = 0;
    for (let i = 0; i < sample.length; i += step, n++) for (let d = 0; d < dims; d++) mean[d]! += sample[i]!.embedding[d]!;
    this.#mean = mean.map((x) => x / Math.max(1, n));
    const random = mulberry32(1024);
    this.#basis = Array.from({ length: PROJECTED }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
  }

  /** Current assignment of every face the index holds. */
  assignments(): Map<string, string | null> {
    return new Map([...this.#faces.keys()].map((id) => [id, this.#personOf.get(id) ?? null]));
  }

  /** Put faces with their stored persons (trusted or not) as they are: the starting point of incremental runs. */
  load(faces: readonly ClusterFace[]): void {
    for (const face of faces) {
      this.#faces.set(face.id, face);
      const confirmed = this.constraints.confirmed.get(face.id);
      if (confirmed) this.#join(face, this.#person(confirmed));
      else if (face.trusted && face.personId) this.#join(face, this.#person(face.personId));
      else if (face.trusted) this.#pool.add(face, this.#project(face));
    }
  }

  /** Place new faces: join a person, start one with a pooled face, or wait in the pool. */
  add(faces: readonly ClusterFace[]): void {
    for (const face of faces) {
      this.#faces.set(face.id, face);
      const confirmed = this.constraints.confirmed.get(face.id);
      if (confirmed) this.#join(face, this.#person(confirmed));
      else if (face.trusted) this.#place(face);
    }
  }

  /** Join people whose centroids say they are one, where no rule forbids it (from-scratch runs). */
  mergeSimilar(): void {
    const people = [...this.#people.values()].sort((a, b) => b.faces.size - a.faces.size);
    for (let i = 0; i < people.length; i++) {
      const big = people[i]!;
      if (!this.#people.has(big.id)) continue;
      for (let j = i + 1; j < people.length; j++) {
        const small = people[j]!;
        if (!this.#people.has(small.id) || dot(this.#fresh(big).centroid, this.#fresh(small).centroid) < MERGE) continue;
        if (!this.#canMerge(big, small)) continue;
        // A person the person confirmed keeps their id: the other one joins them.
        if (small.confirmedAs && !big.confirmedAs) this.#absorb(small, big);
        else this.#absorb(big, small);
      }
    }
  }

  #canMerge(a: Person, b: Person): boolean {
    if (a.confirmedAs && b.confirmedAs && a.confirmedAs !== b.confirmedAs) return false;
    for (const photo of b.photos) if (a.photos.has(photo)) return false;
    for (const faceId of b.faces) if (this.constraints.rejected.get(faceId)?.has(a.id)) return false;
    for (const faceId of a.faces) if (this.constraints.rejected.get(faceId)?.has(b.id)) return false;
    return true;
  }

  #absorb(into: Person, from: Person): void {
    for (const faceId of from.faces) {
      this.#leave(faceId);
      this.#join(this.#faces.get(faceId)!, into);
    }
    this.#people.delete(from.id);
  }

  #place(face: ClusterFace): void {
    const projected = this.#project(face);
    const person = this.#bestPerson(face, projected);
    if (person) return this.#join(face, person);
    const partner = this.#bestPoolPartner(face, projected);
    if (!partner) {
      this.#pool.add(face, projected);
      return;
    }
    this.#pool.delete(partner.id);
    const created = this.#person(this.newPersonId());
    this.#join(partner, created);
    this.#join(face, created);
    this.#gatherFromPool(created);
  }

  #allowed(face: ClusterFace, person: Person): boolean {
    return !person.photos.has(face.photoId) && !this.constraints.rejected.get(face.id)?.has(person.id) && !(person.confirmedAs && this.#confirmedElsewhere(face, person));
  }

  #confirmedElsewhere(face: ClusterFace, person: Person): boolean {
    const confirmed = this.constraints.confirmed.get(face.id);
    return confirmed !== undefined && confirmed !== person.id;
  }

  #bestPerson(face: ClusterFace, projected: Float32Array): Person | null {
    const candidates = shortlist(this.#people.values(), (person) => dot(projected, this.#fresh(person).projected));
    let best: Person | null = null;
    let bestScore = JOIN;
    for (const person of candidates) {
      if (!this.#allowed(face, person)) continue;
      const score = dot(face.embedding, this.#fresh(person).centroid);
      if (score >= bestScore) [best, bestScore] = [person, score];
    }
    return best;
  }

  #bestPoolPartner(face: ClusterFace, projected: Float32Array): ClusterFace | null {
    const candidates = this.#pool.nearest(projected, SHORTLIST);
    let best: ClusterFace | null = null;
    let bestScore = PAIR;
    for (const other of candidates) {
      if (other.photoId === face.photoId) continue;
      const score = dot(face.embedding, other.embedding);
      if (score >= bestScore) [best, bestScore] = [other, score];
    }
    return best;
  }

  /** A new person may be the one some pooled faces were waiting for. */
  #gatherFromPool(person: Person): void {
    const fresh = this.#fresh(person);
    for (const face of this.#pool.nearest(fresh.projected, SHORTLIST * 4)) {
      if (this.#allowed(face, person) && dot(face.embedding, this.#fresh(person).centroid) >= JOIN) {
        this.#pool.delete(face.id);
        this.#join(face, person);
      }
    }
  }

  #person(id: string): Person {
    let person = this.#people.get(id);
    if (!person) {
      const dims = this.#mean.length;
      person = { id, sum: new Float64Array(dims), centroid: new Float32Array(dims), projected: new Float32Array(PROJECTED), photos: new Set(), faces: new Set(), confirmedAs: null, stale: false };
      this.#people.set(id, person);
    }
    return person;
  }

  #join(face: ClusterFace, person: Person): void {
    this.#personOf.set(face.id, person.id);
    person.faces.add(face.id);
    person.photos.add(face.photoId);
    if (this.constraints.confirmed.get(face.id) === person.id) person.confirmedAs = person.id;
    this.#move(person, face, 1);
  }

  #leave(faceId: string): void {
    const personId = this.#personOf.get(faceId);
    const person = personId ? this.#people.get(personId) : undefined;
    const face = this.#faces.get(faceId)!;
    this.#personOf.delete(faceId);
    if (!person) return;
    person.faces.delete(faceId);
    person.photos.delete(face.photoId);
    this.#move(person, face, -1);
  }

  #move(person: Person, face: ClusterFace, sign: 1 | -1): void {
    for (let d = 0; d < person.sum.length; d++) person.sum[d]! += sign * face.embedding[d]!;
    person.stale = true;
  }

  #fresh(person: Person): Person {
    if (person.stale) {
      person.centroid = normalised(Float32Array.from(person.sum));
      person.projected = normalised(this.#projectVector(person.centroid));
      person.stale = false;
    }
    return person;
  }

  #project(face: ClusterFace): Float32Array {
    let projected = this.#projected.get(face.id);
    if (!projected) {
      projected = normalised(this.#projectVector(face.embedding));
      this.#projected.set(face.id, projected);
    }
    return projected;
  }

  #projectVector(v: Float32Array): Float32Array {
    const centred = new Float32Array(v.length);
    for (let d = 0; d < v.length; d++) centred[d] = v[d]! - this.#mean[d]!;
    const out = new Float32Array(PROJECTED);
    for (let k = 0; k < PROJECTED; k++) out[k] = dot(this.#basis[k]!, centred);
    return out;
  }
}

/**
 * Pooled faces with their projections in one flat array: scanning thousands of strangers for a
 * partner is the hot loop of clustering, and a flat loop is several times faster than a map walk.
 */
class ProjectedPool {
  #faces: ClusterFace[] = [];
  #rows = new Float32Array(PROJECTED * 256);
  readonly #row = new Map<string, number>();

  add(face: ClusterFace, projected: Float32Array): void {
    if ((this.#faces.length + 1) * PROJECTED > this.#rows.length) {
      const grown = new Float32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    this.#row.set(face.id, this.#faces.length);
    this.#rows.set(projected, this.#faces.length * PROJECTED);
    this.#faces.push(face);
  }

  /** Remove by moving the last row into the hole. */
  delete(id: string): void {
    const row = this.#row.get(id);
    if (row === undefined) return;
    const last = this.#faces.length - 1;
    const moved = this.#faces[last]!;
    this.#faces[row] = moved;
    this.#rows.copyWithin(row * PROJECTED, last * PROJECTED, (last + 1) * PROJECTED);
    this.#row.set(moved.id, row);
    this.#faces.pop();
    this.#row.delete(id);
  }

  nearest(query: Float32Array, size: number): ClusterFace[] {
    const rows = this.#rows;
    const scores = new Float32Array(this.#faces.length);
    for (let r = 0, base = 0; r < this.#faces.length; r++, base += PROJECTED) {
      let s = 0;
      for (let d = 0; d < PROJECTED; d++) s += rows[base + d]! * query[d]!;
      scores[r] = s;
    }
    return shortlist(this.#faces.keys(), (r) => scores[r]!, size).map((r) => this.#faces[r]!);
  }
}

/** The `size` items with the highest score, best first. */
function shortlist<T>(items: Iterable<T>, score: (item: T) => number, size = SHORTLIST): T[] {
  const top: Array<{ item: T; s: number }> = [];
  for (const item of items) {
    const s = score(item);
    if (top.length === size && s <= top[size - 1]!.s) continue;
    let at = top.length === size ? size - 1 : top.length;
    while (at > 0 && top[at - 1]!.s < s) at--;
    top.splice(at, 0, { item, s });
    if (top.length > size) top.pop();
  }
  return top.map(({ item }) => item);
}

/** New faces join existing people or the pool; faces already stored keep their person. */
export function assignNewFaces(existing: readonly ClusterFace[], added: readonly ClusterFace[], constraints: PeopleConstraints, newPersonId: () => string): Map<string, string | null> {
  const index = new PeopleIndex([...existing, ...added], constraints, newPersonId);
  index.load(existing);
  index.add(added);
  return index.assignments();
}

/**
 * Every face from scratch (only confirmed faces keep their person), then people whose centroids
 * agree are joined. Ids stay stable: each new person takes the id most of its faces had before.
 */
export function reclusterAll(faces: readonly ClusterFace[], constraints: PeopleConstraints, newPersonId: () => string): Map<string, string | null> {
  let temporary = 0;
  const index = new PeopleIndex(faces, constraints, () => `\u0000new${++temporary}`);
  const ordered = [...faces].sort((a, b) => Number(constraints.confirmed.has(b.id)) - Number(constraints.confirmed.has(a.id)) || (a.id < b.id ? -1 : 1));
  index.add(ordered);
  index.mergeSimilar();
  const result = stableIds(index.assignments(), faces, newPersonId);
  // People get their lasting ids only now: a face rejected from the person whose id its cluster took leaves it.
  for (const [faceId, personId] of result) if (personId && constraints.rejected.get(faceId)?.has(personId)) result.set(faceId, null);
  return result;
}

/** Give each new cluster the old person id most of its faces had (each old id once), else a fresh id. */
function stableIds(assigned: Map<string, string | null>, faces: readonly ClusterFace[], newPersonId: () => string): Map<string, string | null> {
  const before = new Map(faces.map((face) => [face.id, face.personId]));
  const votes = new Map<string, Map<string, number>>();
  for (const [faceId, cluster] of assigned) {
    const old = before.get(faceId);
    if (!cluster || !old) continue;
    const tally = votes.get(cluster) ?? new Map<string, number>();
    tally.set(old, (tally.get(old) ?? 0) + 1);
    votes.set(cluster, tally);
  }
  const pairs = [...votes].flatMap(([cluster, tally]) => [...tally].map(([old, count]) => ({ cluster, old, count })));
  pairs.sort((a, b) => b.count - a.count || (a.cluster < b.cluster ? -1 : 1));
  const rename = new Map<string, string>();
  // Confirmed people kept their own ids: no new cluster may take one.
  const used = new Set([...assigned.values()].filter((id): id is string => !!id && !id.startsWith('\u0000')));
  for (const { cluster, old } of pairs) {
    if (rename.has(cluster) || used.has(old) || (!cluster.startsWith('\u0000') && cluster !== old)) continue;
    rename.set(cluster, old);
    used.add(old);
  }
  const result = new Map<string, string | null>();
  for (const [faceId, cluster] of assigned) {
    if (!cluster) result.set(faceId, null);
    else if (!cluster.startsWith('\u0000')) result.set(faceId, cluster);
    else {
      if (!rename.has(cluster)) rename.set(cluster, newPersonId());
      result.set(faceId, rename.get(cluster)!);
    }
  }
  return result;
}
