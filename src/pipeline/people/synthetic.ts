/**
 * Synthetic face embeddings shaped like faceres's on real photos (models/README.md): unit 1024-d
 * vectors sharing a common component, so different people sit at cosine ≈ 0.25–0.5 and the same
 * person at ≈ 0.75–0.9; people sized like a real library's (a few family members in thousands
 * of photos, a Zipf tail of friends, strangers seen once); one to four people per photo.
 * Seeded and deterministic, for tests and the benchmark.
 */
import { mulberry32 } from '../random';
import type { ClusterFace } from './types';

export interface SyntheticFace extends ClusterFace {
  truth: string;
}

const DIMS = 1024;

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function unit(random: () => number): Float32Array {
  const v = Float32Array.from({ length: DIMS }, () => gaussian(random));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function mix(parts: Array<[Float32Array, number]>): Float32Array {
  const v = new Float32Array(DIMS);
  for (const [part, weight] of parts) for (let d = 0; d < DIMS; d++) v[d]! += weight * part[d]!;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** `count` faces; `people` named people in a Zipf(1.1) distribution plus `strangerShare` of one-off strangers. */
export function syntheticFaces(count: number, seed = 1, people = 400, strangerShare = 0.15): SyntheticFace[] {
  const random = mulberry32(seed);
  const shared = unit(random);
  const weights = Array.from({ length: people }, (_, k) => 1 / (k + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const identities = new Map<string, { direction: Float32Array; common: number }>();
  const identity = (id: string) => {
    let found = identities.get(id);
    if (!found) identities.set(id, (found = { direction: unit(random), common: 0.25 + 0.2 * random() }));
    return found;
  };
  const pickPerson = (): string => {
    if (random() < strangerShare) return `stranger-${Math.floor(random() * 1e9)}`;
    let r = random() * total;
    for (let k = 0; k < people; k++) if ((r -= weights[k]!) <= 0) return `person-${k}`;
    return `person-${people - 1}`;
  };
  const faces: SyntheticFace[] = [];
  for (let photo = 0; faces.length < count; photo++) {
    const inPhoto = new Set<string>();
    const size = 1 + Math.floor(random() ** 2 * 4);
    while (inPhoto.size < size) inPhoto.add(pickPerson());
    for (const truth of inPhoto) {
      if (faces.length >= count) break;
      const { direction, common } = identity(truth);
      const noise = 0.1 + 0.15 * random();
      const self = Math.max(0.05, 1 - common - noise);
      const embedding = mix([[shared, Math.sqrt(common)], [direction, Math.sqrt(self)], [unit(random), Math.sqrt(noise)]]);
      faces.push({ id: `f${faces.length}`, photoId: `photo${photo}`, embedding, trusted: true, personId: null, truth });
    }
  }
  return faces;
}
