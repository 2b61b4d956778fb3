/**
 * Event boundaries against the corpus truth (DESIGN.md §5): on the time-ordered list of photos with
 * a capture time, a boundary is a place where the next photo starts another event. Predicted and
 * true boundaries are matched one to one, exactly first, then within ±1 photo. Our method (the
 * report's eventId) and the two baselines (fixed 8-hour gap, PhotoTOC) are scored on the same list.
 */
import { chronological, type EventPhoto } from '../events/segment';
import { fixedGapStarts, photoTocStarts } from '../events/baselines';

export interface BoundaryScores {
  precision: number;
  recall: number;
  f1: number;
  predicted: number;
  truth: number;
  matched: number;
}

/** One-to-one matching of boundary positions, exact matches first, then those `tolerance` apart: what is left on each side. */
export function matchBoundaries(predicted: readonly number[], truth: readonly number[], tolerance = 1): { matched: number; missed: number[]; extra: number[] } {
  const free = new Set(predicted);
  let missed = truth.filter((t) => !free.delete(t));
  for (let distance = 1; distance <= tolerance; distance++) {
    missed = missed.filter((t) => {
      const hit = [t - distance, t + distance].find((p) => free.has(p));
      return hit === undefined || !free.delete(hit);
    });
  }
  return { matched: truth.length - missed.length, missed, extra: [...free].sort((a, b) => a - b) };
}

export function boundaryScores(predicted: readonly number[], truth: readonly number[], tolerance = 1): BoundaryScores {
  const { matched } = matchBoundaries(predicted, truth, tolerance);
  const precision = predicted.length ? matched / predicted.length : 1;
  const recall = truth.length ? matched / truth.length : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, predicted: predicted.length, truth: truth.length, matched };
}

/** Where consecutive labels differ; a null label is an event of its own. */
export function labelStarts(labels: ReadonlyArray<string | null>): number[] {
  const starts: number[] = [];
  for (let i = 1; i < labels.length; i++) if (labels[i] === null || labels[i] !== labels[i - 1]) starts.push(i);
  return starts;
}

export interface EventsEvaluation {
  /** Photos scored: those with a capture time in both the truth and the report. */
  photos: number;
  ours: BoundaryScores;
  fixedGap8h: BoundaryScores;
  photoToc: BoundaryScores;
  /** Our missed and extra boundaries (left over by the one-to-one matching), as "before → after" file paths. */
  missed: string[];
  extra: string[];
}

export interface EventsEvalPhoto extends EventPhoto {
  path: string;
  eventId: string | null;
  truthEvent: string | null;
}

export function evaluateEvents(photos: readonly EventsEvalPhoto[]): EventsEvaluation {
  const ordered = chronological(photos);
  const truth = labelStarts(ordered.map((photo) => photo.truthEvent));
  const ours = labelStarts(ordered.map((photo) => photo.eventId));
  const times = ordered.map((photo) => photo.utcMs);
  const describe = (i: number): string => `${ordered[i - 1]!.path} → ${ordered[i]!.path}`;
  const { missed, extra } = matchBoundaries(ours, truth);
  return {
    photos: ordered.length,
    ours: boundaryScores(ours, truth),
    fixedGap8h: boundaryScores(fixedGapStarts(times), truth),
    photoToc: boundaryScores(photoTocStarts(times), truth),
    missed: missed.map(describe),
    extra: extra.map(describe),
  };
}
