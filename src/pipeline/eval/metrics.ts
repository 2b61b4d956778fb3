/**
 * Evaluation metrics (DESIGN.md §5), written once: faces, junk, clusterings (similar groups,
 * people). Pure functions over plain values; the corpus adapter is corpus-eval.ts.
 *
 * Ratios with an empty denominator are 1 (nothing predicted means nothing predicted wrongly;
 * nothing to find means nothing missed); F is 0 when precision and recall are both 0.
 */
import type { Box } from '../analyse/types';
import { iou } from '../analyse/boxes';

export { iou };

export type { Box };

/** Faces narrower than this share of the image width are not counted (DESIGN.md §5). */
export const MIN_FACE_WIDTH = 0.03;
/** A predicted face matches a true one at this intersection-over-union or more. */
export const MIN_FACE_IOU = 0.4;

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 1 : numerator / denominator);
const harmonic = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/** Intersection over union of two [x, y, w, h] boxes (normalised 0..1). */

export interface FaceMatch {
  /** Index into `predicted`. */
  predicted: number;
  /** Index into `truth`. */
  truth: number;
  iou: number;
}

export interface FaceMatching {
  matches: FaceMatch[];
  /** Indices of predictions that matched nothing, ascending. */
  unmatchedPredicted: number[];
  /** Indices of true boxes that nothing matched, ascending. */
  unmatchedTruth: number[];
}

/** One-to-one matching, greedy by IoU (highest first; ties by index), keeping pairs with IoU ≥ minIoU. */
export function matchFaces(predicted: ReadonlyArray<Readonly<Box>>, truth: ReadonlyArray<Readonly<Box>>, minIoU = MIN_FACE_IOU): FaceMatching {
  const candidates: FaceMatch[] = [];
  predicted.forEach((p, pi) =>
    truth.forEach((t, ti) => {
      const overlap = iou(p, t);
      if (overlap >= minIoU && overlap > 0) candidates.push({ predicted: pi, truth: ti, iou: overlap });
    }),
  );
  candidates.sort((a, b) => b.iou - a.iou || a.predicted - b.predicted || a.truth - b.truth);
  const usedP = new Set<number>();
  const usedT = new Set<number>();
  const matches: FaceMatch[] = [];
  for (const c of candidates) {
    if (usedP.has(c.predicted) || usedT.has(c.truth)) continue;
    usedP.add(c.predicted);
    usedT.add(c.truth);
    matches.push(c);
  }
  return {
    matches,
    unmatchedPredicted: predicted.map((_, i) => i).filter((i) => !usedP.has(i)),
    unmatchedTruth: truth.map((_, i) => i).filter((i) => !usedT.has(i)),
  };
}

/** A file's face ground truth, as the corpus manifest writes it (`files[].faces`). */
export interface FaceTruth {
  /** null: the count could not be checked; the file is skipped. */
  count: number | null;
  boxes: ReadonlyArray<{ box: Readonly<Box>; person_id?: string | null }>;
  small_faces?: ReadonlyArray<{ box: Readonly<Box> }>;
  non_person_detections?: ReadonlyArray<{ box: Readonly<Box> }>;
}

export interface FaceCase {
  file: string;
  /** The faces the app found; null when the file has no prediction at all (missing from the report). */
  predicted: ReadonlyArray<Readonly<Box>> | null;
  truth: FaceTruth;
}

export type FalsePositiveReason = 'non-person' | 'unmatched' | 'duplicate';

export interface FaceFileDetail {
  file: string;
  /** The file had no prediction (missing from the report): every counted face is missed. */
  missing: boolean;
  tp: number;
  fp: number;
  fn: number;
  /** Predictions neither right nor wrong: on a too-small real face, or too small and matching nothing. */
  ignored: number;
  /** True faces (≥ MIN_FACE_WIDTH) that no prediction matched. */
  missed: Box[];
  /** Predictions counted as wrong: on a non-person detection, a second hit on a matched face, or on nothing. */
  falsePositives: Array<{ box: Box; reason: FalsePositiveReason }>;
}

export interface FaceScores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** Files with a miss, a false positive or no prediction, in input order. */
  files: FaceFileDetail[];
  /** Files skipped because their true count is unknown. */
  skipped: string[];
}

const copyBox = (box: Readonly<Box>): Box => [box[0], box[1], box[2], box[3]];

/**
 * Precision and recall over faces at least `minWidth` of the image width. True faces are
 * `truth.boxes` of that width; smaller true boxes and `small_faces` are real but not counted
 * (a prediction on one is ignored); a prediction on a `non_person_detections` box is a false
 * positive; a too-narrow prediction that matches nothing is ignored.
 */
export function faceScores(cases: readonly FaceCase[], options: { minIoU?: number; minWidth?: number } = {}): FaceScores {
  const minIoU = options.minIoU ?? MIN_FACE_IOU;
  const minWidth = options.minWidth ?? MIN_FACE_WIDTH;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const files: FaceFileDetail[] = [];
  const skipped: string[] = [];
  const overlaps = (box: Readonly<Box>, others: ReadonlyArray<Readonly<Box>>): boolean => others.some((o) => iou(box, o) >= minIoU && iou(box, o) > 0);
  for (const c of cases) {
    if (c.truth.count === null) {
      skipped.push(c.file);
      continue;
    }
    const counted = c.truth.boxes.map((b) => b.box).filter((box) => box[2] >= minWidth);
    const small = [...c.truth.boxes.map((b) => b.box).filter((box) => box[2] < minWidth), ...(c.truth.small_faces ?? []).map((b) => b.box)];
    const negatives = (c.truth.non_person_detections ?? []).map((b) => b.box);
    const detail: FaceFileDetail = { file: c.file, missing: c.predicted === null, tp: 0, fp: 0, fn: 0, ignored: 0, missed: [], falsePositives: [] };
    const predicted = c.predicted ?? [];
    const matching = matchFaces(predicted, counted, minIoU);
    detail.tp = matching.matches.length;
    detail.missed = matching.unmatchedTruth.map((i) => copyBox(counted[i]!));
    for (const pi of matching.unmatchedPredicted) {
      const box = predicted[pi]!;
      if (overlaps(box, small)) detail.ignored += 1;
      else if (overlaps(box, negatives)) detail.falsePositives.push({ box: copyBox(box), reason: 'non-person' });
      else if (overlaps(box, counted)) detail.falsePositives.push({ box: copyBox(box), reason: 'duplicate' });
      else if (box[2] < minWidth) detail.ignored += 1;
      else detail.falsePositives.push({ box: copyBox(box), reason: 'unmatched' });
    }
    detail.fp = detail.falsePositives.length;
    detail.fn = detail.missed.length;
    tp += detail.tp;
    fp += detail.fp;
    fn += detail.fn;
    if (detail.missing || detail.fp > 0 || detail.fn > 0) files.push(detail);
  }
  return { tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), files, skipped };
}

export interface BinaryScores {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 of a yes/no prediction (for junk: yes = kind ≠ 'photo'). */
export function binaryScores(predicted: readonly boolean[], truth: readonly boolean[]): BinaryScores {
  if (predicted.length !== truth.length) throw new Error(`binaryScores: ${predicted.length} predictions for ${truth.length} truths`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  predicted.forEach((p, i) => {
    const t = truth[i]!;
    if (p && t) tp += 1;
    else if (p) fp += 1;
    else if (t) fn += 1;
    else tn += 1;
  });
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { tp, fp, fn, tn, precision, recall, f1: harmonic(precision, recall) };
}

/** A clustering: item → cluster id, or null (or no entry) for an item alone. */
export type Clustering<K> = ReadonlyMap<K, string | null>;

export interface ClusterScores {
  precision: number;
  recall: number;
  f: number;
}

export interface PairwiseScores extends ClusterScores {
  /** Same-cluster pairs in the prediction, in the truth, and in both. */
  pairs: { predicted: number; truth: number; both: number };
}

/** Items of both clusterings; each item's cluster key, null items each their own singleton. */
function clusterKeys<K>(predicted: Clustering<K>, truth: Clustering<K>): { items: K[]; pred: Map<K, string>; true: Map<K, string> } {
  const items = [...new Set([...predicted.keys(), ...truth.keys()])];
  const keyOf = (clustering: Clustering<K>, item: K, index: number): string => {
    const id = clustering.get(item);
    return id === null || id === undefined ? `\u0000alone:${index}` : `c:${id}`;
  };
  return {
    items,
    pred: new Map(items.map((item, i) => [item, keyOf(predicted, item, i)])),
    true: new Map(items.map((item, i) => [item, keyOf(truth, item, i)])),
  };
}

const pairsIn = (n: number): number => (n * (n - 1)) / 2;

function counts<T>(values: Iterable<T>): Map<T, number> {
  const result = new Map<T, number>();
  for (const value of values) result.set(value, (result.get(value) ?? 0) + 1);
  return result;
}

/**
 * Pairwise precision/recall/F over item pairs: a pair is positive when both items share a
 * cluster. Items in either map are scored; an item absent from one map is alone there.
 */
export function pairwiseScores<K>(predicted: Clustering<K>, truth: Clustering<K>): PairwiseScores {
  const { items, pred, true: tru } = clusterKeys(predicted, truth);
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((s, n) => s + pairsIn(n), 0);
  const predictedPairs = sum(counts(items.map((item) => pred.get(item)!)));
  const truthPairs = sum(counts(items.map((item) => tru.get(item)!)));
  const bothPairs = sum(counts(items.map((item) => `${pred.get(item)!}\u0001${tru.get(item)!}`)));
  const precision = ratio(bothPairs, predictedPairs);
  const recall = ratio(bothPairs, truthPairs);
  return { pairs: { predicted: predictedPairs, truth: truthPairs, both: bothPairs }, precision, recall, f: harmonic(precision, recall) };
}

/** BCubed precision/recall/F: per-item overlap of its predicted and true clusters, averaged over items. */
export function bcubed<K>(predicted: Clustering<K>, truth: Clustering<K>): ClusterScores {
  const { items, pred, true: tru } = clusterKeys(predicted, truth);
  if (items.length === 0) return { precision: 1, recall: 1, f: 1 };
  const predSize = counts(items.map((item) => pred.get(item)!));
  const trueSize = counts(items.map((item) => tru.get(item)!));
  const both = counts(items.map((item) => `${pred.get(item)!}\u0001${tru.get(item)!}`));
  let p = 0;
  let r = 0;
  for (const item of items) {
    const shared = both.get(`${pred.get(item)!}\u0001${tru.get(item)!}`)!;
    p += shared / predSize.get(pred.get(item)!)!;
    r += shared / trueSize.get(tru.get(item)!)!;
  }
  const precision = p / items.length;
  const recall = r / items.length;
  return { precision, recall, f: harmonic(precision, recall) };
}

/** The same-cluster pairs of a clustering, each pair and the list sorted. */
export function clusterPairs(clustering: Clustering<string>): Array<[string, string]> {
  const members = new Map<string, string[]>();
  for (const [item, id] of clustering) if (id !== null) members.set(id, [...(members.get(id) ?? []), item]);
  const pairs: Array<[string, string]> = [];
  for (const list of members.values()) {
    const sorted = [...list].sort();
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.push([sorted[i]!, sorted[j]!]);
  }
  return pairs.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
}

/**
 * Joins overlapping groups (union-find over shared members): a file in two groups joins them.
 * Returns member → joined group id (the ids of the joined groups, sorted, joined by '+').
 */
export function unionGroups(groups: ReadonlyArray<{ id: string; files: readonly string[] }>): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  // Nodes: `g:<id>` per group and `f:<file>` per member, so groups join through shared files.
  for (const group of groups) {
    const g = `g:${group.id}`;
    if (!parent.has(g)) parent.set(g, g);
    for (const file of group.files) {
      const f = `f:${file}`;
      if (!parent.has(f)) parent.set(f, f);
      union(g, f);
    }
  }
  const ids = new Map<string, string[]>();
  for (const group of groups) {
    const root = find(`g:${group.id}`);
    ids.set(root, [...(ids.get(root) ?? []), group.id]);
  }
  const result = new Map<string, string>();
  for (const group of groups)
    for (const file of group.files) result.set(file, [...new Set(ids.get(find(`f:${file}`))!)].sort().join('+'));
  return result;
}
