/**
 * Face geometry around the detector: where to look for small faces, how to merge what several
 * looks found, and the eye-aligned crop the embedding model expects. Pure: boxes in, boxes out.
 */
import { intersection, iou } from './boxes';
import type { Box, DetectedFace, Point } from './types';

/** A region of the image to run the detector on, in display pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A raw detector hit in the pixel space of the region it ran on. */
export interface RegionHit {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** Keypoints normalised to the region (MediaPipe's convention). */
  keypoints: Point[];
}

/** Faces narrower than this fraction of the image width are not "clearly visible" (corpus convention). */
export const SMALL_FACE_FRACTION = 0.03;

/**
 * BlazeFace full-range sees the image at 192 px: a face narrower than ~6% of the region is only
 * ~11 px there and is often missed. Small faces belong to people, and the object detector sees
 * people down to a few percent of the picture: so after the whole picture, the detector looks at a
 * head-and-shoulders region at the top of every person too small for the whole look, upscaled to
 * the model's input. A person whose face the whole look (`seen`) already found clearly needs no
 * closer look. A photo without people costs one look; a crowd a handful.
 */
export function closerLooks(width: number, height: number, people: Array<{ box: Box; score: number }>, seen: DetectedFace[], rules = REGION_RULES): Region[] {
  const long = Math.max(width, height);
  const clear = seen.filter((face) => face.score >= rules.seenScore && face.box[2] * width >= rules.seenFraction * long);
  const heads = people
    .filter((person) => person.score >= rules.minPerson && person.box[2] * width < rules.maxPersonFraction * long)
    .sort((a, b) => b.score - a.score)
    .map((person) => ({ person, head: headRegion(person.box, width, height, rules.minRegionPx) }))
    .filter(({ person, head }) => !clear.some((face) => centredIn(face.box, head, width, height) && isTheirFace(face.box, person.box)))
    .map(({ head }) => head);
  const regions: Region[] = [];
  for (const head of heads) {
    if (regions.length >= rules.maxRegions) break;
    if (!regions.some((region) => covers(region, head))) regions.push(head);
  }
  return regions;
}

export const REGION_RULES = {
  /** People at least this sure (object detector score) get a closer look. */
  minPerson: 0.1,
  /** People wider than this fraction of the long side have faces the whole look already sees. */
  maxPersonFraction: 0.3,
  /** Never upscale less than this many pixels to the model's input. */
  minRegionPx: 64,
  maxRegions: 8,
  /**
   * A face the whole look found at this score, and at least 16 of the model's 192 px wide, was seen
   * clearly: a closer look at its person's head would find it again. (A neighbour whose head region
   * it lies in keeps their look unless the face is of a size to be theirs: see isTheirFace.)
   */
  seenScore: 0.75,
  seenFraction: 16 / 192,
};

/** A face of a size to belong to this person: narrower than the person, and not a small face in front of a near one. */
function isTheirFace(face: Box, person: Box): boolean {
  return face[2] <= person[2] && face[2] >= 0.25 * person[2];
}

function centredIn([x, y, w, h]: Box, region: Region, width: number, height: number): boolean {
  const cx = (x + w / 2) * width;
  const cy = (y + h / 2) * height;
  return cx >= region.x && cx <= region.x + region.width && cy >= region.y && cy <= region.y + region.height;
}

/** The top of a person's box, as wide as the person plus a margin and as tall as it is wide. */
function headRegion([x, y, w, h]: Box, width: number, height: number, minPx: number): Region {
  const side = Math.max(minPx, 1.4 * w * width, Math.min(h * height, 1.4 * w * width));
  const centreX = (x + w / 2) * width;
  const top = y * height - 0.1 * side;
  const left = Math.max(0, Math.round(centreX - side / 2));
  const up = Math.max(0, Math.round(top));
  return { x: left, y: up, width: Math.min(width - left, Math.round(side)), height: Math.min(height - up, Math.round(side)) };
}

/** Whether `outer` holds most (80 %) of `inner`: one look serves both. */
function covers(outer: Region, inner: Region): boolean {
  const w = Math.min(outer.x + outer.width, inner.x + inner.width) - Math.max(outer.x, inner.x);
  const h = Math.min(outer.y + outer.height, inner.y + inner.height) - Math.max(outer.y, inner.y);
  return w > 0 && h > 0 && (w * h) / (inner.width * inner.height) >= 0.8;
}

/** A region hit in normalised display coordinates of the whole image. */
export function toImageFace(hit: RegionHit, region: Region, width: number, height: number): DetectedFace {
  const box: Box = [
    (region.x + hit.box.x) / width,
    (region.y + hit.box.y) / height,
    hit.box.width / width,
    hit.box.height / height,
  ];
  const landmarks = hit.keypoints.map(([px, py]): Point => [(region.x + px * region.width) / width, (region.y + py * region.height) / height]);
  return { box: clampBox(box), score: hit.score, landmarks };
}

function clampBox([x, y, w, h]: Box): Box {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  return [x0, y0, Math.min(1, x + w) - x0, Math.min(1, y + h) - y0];
}


/**
 * One face per person across overlapping looks: keep the best-scoring box and drop any other that
 * overlaps it (IoU) or lies mostly inside it (a face cut by a tile edge). Scores compare fairly
 * because every look runs the same model at the same input size.
 */
export function mergeFaces(faces: DetectedFace[], aspect: number, maxIoU = 0.3, maxContained = 0.5): DetectedFace[] {
  const area = (b: Box): number => b[2] * b[3] * aspect;
  const kept: DetectedFace[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    const same = kept.find((other) => {
      const inter = intersection(face.box, other.box) * aspect;
      const union = area(face.box) + area(other.box) - inter;
      return inter / union > maxIoU || inter / Math.min(area(face.box), area(other.box)) > maxContained;
    });
    if (same) same.looks = (same.looks ?? 1) + 1;
    else kept.push({ ...face, looks: 1 });
  }
  return kept;
}

/**
 * BlazeFace also fires on patterns, animals and printed faces at scores real faces reach too. A face
 * it is not sure of counts only where the object detector saw a person around it: in the whole
 * picture (its centre inside the person's box, and not wider than that person) or, failing that,
 * in a second look at a head-and-shoulders crop around the face.
 */
export function personScoreOf(face: DetectedFace, people: Array<{ box: Box; score: number }>): number {
  return Math.max(0, ...people.filter((person) => insidePerson(face.box, person.box)).map((person) => person.score));
}

/** Faces scoring at least this need no person around them. */
export const FACE_SURE_SCORE = 0.9;
/** A person at least this sure around a face confirms it. */
export const PERSON_CONFIRMS = 0.3;

export const needsSecondLook = (face: DetectedFace): boolean => face.score < FACE_SURE_SCORE && (face.personScore ?? 0) < PERSON_CONFIRMS;

function insidePerson([x, y, w, h]: Box, [px, py, pw, ph]: Box): boolean {
  const cx = x + w / 2;
  const cy = y + h / 2;
  return cx >= px && cx <= px + pw && cy >= py && cy <= py + ph && w <= pw * 1.2;
}

/** The square, eye-aligned crop the embedding model wants, in display pixels. */
export interface AlignedCrop {
  centreX: number;
  centreY: number;
  side: number;
  /** Radians to rotate the image by so the eyes lie level. */
  angle: number;
}

export function alignedCrop(face: DetectedFace, width: number, height: number, margin = 1.5): AlignedCrop {
  const [x, y, w, h] = face.box;
  const side = margin * Math.max(w * width, h * height);
  const [left, right] = face.landmarks;
  const angle = left && right ? Math.atan2((right[1] - left[1]) * height, (right[0] - left[0]) * width) : 0;
  return { centreX: (x + w / 2) * width, centreY: (y + h / 2) * height, side, angle };
}

/** Width of a face in display pixels of an image `width` wide. */
export const facePixels = (face: DetectedFace, width: number): number => face.box[2] * width;

/** What a person told us about a face, which must outlive a re-detection of the same face. */
export interface FaceIdentity {
  box: Box;
  personId: string | null;
  clustered?: boolean;
  confirmedPerson?: string | null;
  rejectedPeople?: string[];
}

/** A re-detected face is the same face when its box overlaps the old one this much. */
export const SAME_FACE_IOU = 0.5;

/**
 * A model upgrade re-detects every face and writes new face records: each new face takes the
 * identity (person, confirmation, rejections) of the old face it overlaps best, so names and
 * corrections survive. Each old face passes its identity on at most once.
 */
export function carryIdentity<T extends { box: Box }>(fresh: readonly T[], old: readonly FaceIdentity[]): Array<T & Omit<FaceIdentity, 'box'>> {
  const pairs = fresh.flatMap((face, i) => old.map((before, j) => ({ i, j, overlap: iou(face.box, before.box) })))
    .filter((pair) => pair.overlap >= SAME_FACE_IOU)
    .sort((a, b) => b.overlap - a.overlap);
  const taken = new Map<number, FaceIdentity>();
  const used = new Set<number>();
  for (const { i, j } of pairs) {
    if (taken.has(i) || used.has(j)) continue;
    taken.set(i, old[j]!);
    used.add(j);
  }
  return fresh.map((face, i) => {
    const before = taken.get(i);
    if (!before) return { ...face, personId: null };
    return {
      ...face,
      personId: before.personId,
      clustered: before.clustered ?? false,
      ...(before.confirmedPerson ? { confirmedPerson: before.confirmedPerson } : {}),
      ...(before.rejectedPeople?.length ? { rejectedPeople: before.rejectedPeople } : {}),
    };
  });
}
