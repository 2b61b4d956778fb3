/** Time helpers for the timeline. Pure. */
import type { TakenAtSource } from '../contracts';

/**
 * Whether a capture time comes from the photo itself (EXIF, or a camera's file name): only such a
 * time dates a photo for events, bursts and memories; a file date says when a file was copied.
 */
export const hasOwnCaptureTime = (photo: { takenAt?: string | null; takenAtSource?: TakenAtSource }): boolean =>
  !!photo.takenAt && (photo.takenAtSource === 'exif' || photo.takenAtSource === 'filename');

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;

/**
 * The photo's local wall-clock time read as if it were UTC, in ms. Sorting and grouping by this
 * keeps a photo on the day it was taken where it was taken, whatever the viewer's time zone.
 */
export function localSortMs(takenAt: string | null, fallbackMs: number): number {
  const m = takenAt ? LOCAL_ISO.exec(takenAt) : null;
  if (!m) return fallbackMs;
  const [, y, mo, d, h, mi, s, ms] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms ? +ms.padEnd(3, '0') : 0);
}

/** "2024-06-03" of a local-sort instant. */
export function dayKey(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/** "2024-06" of a local-sort instant. */
export function monthKey(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 7);
}
