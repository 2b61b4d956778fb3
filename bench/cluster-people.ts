/**
 * People clustering of 50,000 synthetic faces shaped like the real model's (src/pipeline/people/
 * synthetic.ts): a full re-clustering, then 1,000 new faces placed incrementally on top; time,
 * heap and pairwise precision/recall against the synthetic truth. Node, single thread.
 */
import { syntheticFaces } from '../src/pipeline/people/synthetic';
import { assignNewFaces, reclusterAll } from '../src/pipeline/people/cluster';
import { pairwiseScores } from '../src/pipeline/eval/metrics';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const noConstraints = { confirmed: new Map<string, string>(), rejected: new Map<string, ReadonlySet<string>>() };

export async function benchPeople(count = 50_000, added = 1_000): Promise<object> {
  log(`making ${count + added} synthetic faces…`);
  const faces = syntheticFaces(count + added, 7);
  const base = faces.slice(0, count);
  const extra = faces.slice(count);
  // Strangers are one-offs: their truth is "alone".
  const truthOf = (list: typeof faces) => new Map(list.map((face) => [face.id, face.truth.startsWith('stranger') ? null : face.truth]));
  let next = 0;
  const newId = (): string => `p${++next}`;
  log('full re-clustering…');
  let started = performance.now();
  const full = reclusterAll(base, noConstraints, newId);
  const fullMs = performance.now() - started;
  const heapAfterFull = process.memoryUsage().heapUsed;
  const existing = base.map((face) => ({ ...face, personId: full.get(face.id) ?? null }));
  log(`adding ${added} faces…`);
  started = performance.now();
  const incremental = assignNewFaces(existing, extra, noConstraints, newId);
  const incrementalMs = performance.now() - started;
  const quality = (scores: ReturnType<typeof pairwiseScores>) => ({ precision: +scores.precision.toFixed(4), recall: +scores.recall.toFixed(4), f: +scores.f.toFixed(4) });
  return {
    faces: count,
    dims: faces[0]!.embedding.length,
    truePeople: new Set(base.filter((face) => !face.truth.startsWith('stranger')).map((face) => face.truth)).size,
    strangers: base.filter((face) => face.truth.startsWith('stranger')).length,
    full: { ms: Math.round(fullMs), people: new Set([...full.values()].filter(Boolean)).size, ...quality(pairwiseScores(full, truthOf(base))) },
    incremental: { added, ms: Math.round(incrementalMs), ...quality(pairwiseScores(incremental, truthOf(faces))) },
    heapUsedMB: mb(heapAfterFull),
  };
}
