/**
 * Face geometry around the detector: where to look for small faces, how to merge what several
 * looks found, and the eye-aligned crop the embedding model expects. Pure: boxes in, boxes out.
 */
import { intersection } from './boxes';
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
 * ~11 px there and is often missed. To reach faces of 3% of the width, the detector also looks at
 * overlapping tiles of ≤ 45% of the long side, each upscaled to the model's input.
 */
export function searchRegions(width: number, height: number, tileFraction = 0.45, overlap = 0.12): Region[] {
  const whole: Region = { x: 0, y: 0, width, height };
  const side = Math.round(Math.max(width, height) * tileFraction);
  if (side >= Math.min(width, height) && side >= Math.max(width, height) * 0.9) return [whole];
  const tiles: Region[] = [];
  for (const y of tileStarts(height, side, overlap)) {
    for (const x of tileStarts(width, side, overlap)) {
      tiles.push({ x, y, width: Math.min(side, width - x), height: Math.min(side, height - y) });
    }
  }
  return [whole, ...tiles];
}

function tileStarts(length: number, side: number, overlap: number): number[] {
  if (side >= length) return [0];
  const step = side * (1 - overlap);
  const count = Math.ceil((length - side) / step) + 1;
  const stride = (length - side) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * stride));
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
