/**
 * Same-person vs different-person similarity of face embeddings on a labelled corpus: each stored
 * face is matched (IoU ≥ 0.4) to a manifest face with a person id; then every pair of labelled faces
 * is scored by cosine similarity. Pairs of faces on byte-identical or re-encoded copies of one picture
 * are kept apart ("copies"), since they say nothing about recognising a person across photos.
 */
import { iou } from '../analyse/boxes';
import type { Box } from '../analyse/types';

export interface EmbeddedFace {
  photoId: string;
  box: Box;
  embedding: ArrayLike<number>;
}

export interface LabelledFile {
  sha256: string;
  path: string;
  faces: { boxes: ReadonlyArray<{ box: Readonly<Box>; person_id?: string | null }> } | null;
}

export interface Distribution {
  pairs: number;
  min: number | null;
  p05: number | null;
  mean: number | null;
  p95: number | null;
  max: number | null;
}

export interface SimilarityReport {
  labelledFaces: number;
  samePerson: Distribution & { byPerson: Record<string, Distribution> };
  /** Same person, different pictures of the same moment (copies, crops, re-orientations): near 1 by construction. */
  samePicture: Distribution;
  differentPeople: Distribution;
  /** Whether one threshold separates every same-person pair from every different-person pair. */
  gap: { lowestSame: number | null; highestDifferent: number | null; separable: boolean };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb || 1);
}

export function distribution(values: number[]): Distribution {
  if (!values.length) return { pairs: 0, min: null, p05: null, mean: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { pairs: values.length, min: round(sorted[0]!), p05: at(0.05), mean: round(values.reduce((s, v) => s + v, 0) / values.length), p95: at(0.95), max: round(sorted[sorted.length - 1]!) };
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * `sameScene(a, b)` tells whether two files show the same picture (near-duplicate copies):
 * pairs between them are reported as `samePicture`, not as recognition across photos.
 */
export function faceSimilarity(faces: EmbeddedFace[], files: LabelledFile[], sameScene: (a: string, b: string) => boolean): SimilarityReport {
  const byHash = new Map(files.map((file) => [file.sha256, file]));
  const labelled: Array<{ person: string; path: string; embedding: ArrayLike<number> }> = [];
  for (const face of faces) {
    const file = byHash.get(face.photoId);
    const truth = file?.faces?.boxes.find((candidate) => candidate.person_id && iou(candidate.box, face.box) >= 0.4);
    if (file && truth?.person_id) labelled.push({ person: truth.person_id, path: file.path, embedding: face.embedding });
  }
  const same: number[] = [];
  const picture: number[] = [];
  const different: number[] = [];
  const byPerson = new Map<string, number[]>();
  for (let i = 0; i < labelled.length; i++) {
    for (let j = i + 1; j < labelled.length; j++) {
      const a = labelled[i]!;
      const b = labelled[j]!;
      const score = cosine(a.embedding, b.embedding);
      if (a.person !== b.person) different.push(score);
      else if (a.path === b.path || sameScene(a.path, b.path)) picture.push(score);
      else {
        same.push(score);
        byPerson.set(a.person, [...(byPerson.get(a.person) ?? []), score]);
      }
    }
  }
  const lowestSame = same.length ? Math.min(...same) : null;
  const highestDifferent = different.length ? Math.max(...different) : null;
  return {
    labelledFaces: labelled.length,
    samePerson: { ...distribution(same), byPerson: Object.fromEntries([...byPerson].map(([person, values]) => [person, distribution(values)])) },
    samePicture: distribution(picture),
    differentPeople: distribution(different),
    gap: { lowestSame: lowestSame === null ? null : round(lowestSame), highestDifferent: highestDifferent === null ? null : round(highestDifferent), separable: lowestSame !== null && highestDifferent !== null && lowestSame > highestDifferent },
  };
}
