/** Geometry of normalised [x, y, w, h] boxes, shared by detection, merging and evaluation. */
import type { Box } from './types';

/** Area of the overlap of two boxes. */
export function intersection(a: Readonly<Box>, b: Readonly<Box>): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, 0 when the boxes do not touch. */
export function iou(a: Readonly<Box>, b: Readonly<Box>): number {
  const inter = intersection(a, b);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union <= 0 ? 0 : inter / union;
}
