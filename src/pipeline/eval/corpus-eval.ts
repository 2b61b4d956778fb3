/**
 * Scores a keepsake-report/1 (DESIGN.md §4) against a corpus manifest (ground truth, §5):
 * faces, junk and similar groups, each against its goal. Pure: the caller reads the files.
 *
 * Report photos are matched to manifest files by sha256 (a report photo's id is the sha256 of
 * the file's bytes). A manifest file missing from the report counts against recall and is
 * listed; report photos the manifest does not know (e.g. from bad/) are left out. A section
 * whose report fields are absent altogether is `missing`, never scored as zero.
 */
import type { Report, ReportPhoto } from '../report/report';
import {
  bcubed,
  binaryScores,
  clusterPairs,
  faceScores,
  matchFaces,
  pairwiseScores,
  unionGroups,
  type BinaryScores,
  type ClusterScores,
  type FaceScores,
  type FaceTruth,
  type PairwiseScores,
} from './metrics';
import { evaluateEvents, type EventsEvaluation } from './events';
import { hasOwnCaptureTime } from '../import/time';

/** The part of a report the evaluation reads (a whole Report fits). */
export type EvalPhoto = Pick<ReportPhoto, 'id'> & Partial<Pick<ReportPhoto, 'paths' | 'kind' | 'faces' | 'similarGroup' | 'bestOfGroup' | 'takenAt' | 'takenAtSource' | 'gps' | 'eventId'>>;
export interface EvalReport {
  schema: Report['schema'];
  photos: EvalPhoto[];
}

/** The part of the corpus manifest the evaluation reads (see the corpus README). */
export interface EvalManifestFile {
  path: string;
  sha256: string;
  kind: string;
  faces: FaceTruth;
  /** Capture time as written (null: none); only its presence is read. */
  capture?: unknown;
  event_id?: string | null;
}
export interface EvalManifest {
  files: EvalManifestFile[];
  near_duplicate_groups: Array<{ id: string; files: string[] }>;
  bursts: Array<{ id: string; files: string[] }>;
}

export const GOALS = { faceRecall: 0.95, facePrecision: 0.95, junkPrecision: 0.95, junkRecall: 0.95, similarF: 0.95, peoplePrecision: 0.97, peopleF: 0.9, eventF1: 0.9, eventMarginOverBaselines: 0.1 } as const;
export type GoalName = keyof typeof GOALS;
export type Goals = Record<GoalName, number>;

export interface Missing {
  status: 'missing';
  /** Why there is nothing to score. */
  reason: string;
}

export interface FaceSection extends FaceScores {
  status: 'ok';
  /** Manifest files present in the report without a `faces` field: scored as finding nothing. */
  unanalysed: string[];
}

export interface JunkSection extends BinaryScores {
  status: 'ok';
  /** Files the app called junk that are photos. */
  falsePositives: Array<{ file: string; predicted: string; truth: string }>;
  /** Junk files the app kept as photos, did not classify, or did not import (predicted null). */
  misses: Array<{ file: string; predicted: string | null; truth: string }>;
  unanalysed: string[];
}

export interface SimilarSection extends PairwiseScores {
  status: 'ok';
  bcubed: ClusterScores;
  /** Pairs the truth groups together that the app did not (file paths, sorted). */
  missedPairs: Array<[string, string]>;
  /** Pairs the app grouped that the truth does not. */
  extraPairs: Array<[string, string]>;
}

export interface PeopleSection extends PairwiseScores {
  status: 'ok';
  bcubed: ClusterScores;
  /** Faces with a known identity in the truth, and those the app found and put in a person. */
  faces: { labelled: number; found: number; assigned: number };
  /** Face pairs (`path#k` of the manifest box) the truth joins and the app did not, and the reverse. */
  missedPairs: Array<[string, string]>;
  extraPairs: Array<[string, string]>;
}

export interface GoalCheck {
  metric: GoalName;
  /** null when the section is missing. */
  value: number | null;
  goal: number;
  passed: boolean;
  status: 'pass' | 'fail' | 'missing';
}

export interface EvalResult {
  schema: 'keepsake-eval/1';
  /** Manifest files, those found in the report, and report photos the manifest does not know. */
  counts: { manifestFiles: number; matchedFiles: number; extraPhotos: number };
  /** Manifest files (paths) with no photo in the report. */
  missingFiles: string[];
  faces: FaceSection | Missing;
  junk: JunkSection | Missing;
  similar: SimilarSection | Missing;
  people: PeopleSection | Missing;
  events: (EventsEvaluation & { status: 'ok' }) | Missing;
  goals: GoalCheck[];
  /** Every goal has data and passes. */
  passed: boolean;
}

const isJunk = (kind: string): boolean => kind !== 'photo';

export function evaluateReport(report: EvalReport, manifest: EvalManifest, goals: Goals = GOALS): EvalResult {
  const byId = new Map(report.photos.map((p) => [p.id, p]));
  const known = new Set(manifest.files.map((f) => f.sha256));
  const matched = manifest.files.map((file) => ({ file, photo: byId.get(file.sha256) }));
  const present = matched.filter((m) => m.photo !== undefined);
  const missingFiles = matched.filter((m) => m.photo === undefined).map((m) => m.file.path);

  const faces = ((): FaceSection | Missing => {
    if (!present.some((m) => m.photo!.faces !== undefined)) return { status: 'missing', reason: 'no photo in the report has a `faces` field' };
    const unanalysed = present.filter((m) => m.photo!.faces === undefined).map((m) => m.file.path);
    const scores = faceScores(matched.map(({ file, photo }) => ({ file: file.path, predicted: photo?.faces?.map((f) => f.box) ?? null, truth: file.faces })));
    return { status: 'ok', ...scores, unanalysed };
  })();

  const junk = ((): JunkSection | Missing => {
    if (!present.some((m) => m.photo!.kind !== undefined)) return { status: 'missing', reason: 'no photo in the report has a `kind` field' };
    const unanalysed = present.filter((m) => m.photo!.kind === undefined).map((m) => m.file.path);
    const predicted = matched.map(({ photo }) => photo?.kind ?? null);
    const scores = binaryScores(
      predicted.map((kind) => kind !== null && isJunk(kind)),
      matched.map(({ file }) => isJunk(file.kind)),
    );
    const falsePositives: JunkSection['falsePositives'] = [];
    const misses: JunkSection['misses'] = [];
    matched.forEach(({ file }, i) => {
      const kind = predicted[i] ?? null;
      const said = kind !== null && isJunk(kind);
      if (said && !isJunk(file.kind)) falsePositives.push({ file: file.path, predicted: kind, truth: file.kind });
      if (!said && isJunk(file.kind)) misses.push({ file: file.path, predicted: kind, truth: file.kind });
    });
    return { status: 'ok', ...scores, falsePositives, misses, unanalysed };
  })();

  const similar = ((): SimilarSection | Missing => {
    if (!present.some((m) => m.photo!.similarGroup !== undefined)) return { status: 'missing', reason: 'no photo in the report has a `similarGroup` field' };
    const truthGroups = similarTruth(manifest);
    const truth = new Map(manifest.files.map((f) => [f.path, truthGroups.get(f.path) ?? null]));
    const predicted = new Map(matched.map(({ file, photo }) => [file.path, photo?.similarGroup ?? null]));
    return { status: 'ok', ...pairwiseScores(predicted, truth), bcubed: bcubed(predicted, truth), ...pairDifferences(predicted, truth) };
  })();

  const people = peopleSection(matched);
  const events = eventsSection(matched);

  const values: Record<GoalName, number | null> = {
    faceRecall: faces.status === 'ok' ? faces.recall : null,
    facePrecision: faces.status === 'ok' ? faces.precision : null,
    junkPrecision: junk.status === 'ok' ? junk.precision : null,
    junkRecall: junk.status === 'ok' ? junk.recall : null,
    similarF: similar.status === 'ok' ? similar.f : null,
    peoplePrecision: people.status === 'ok' ? people.precision : null,
    peopleF: people.status === 'ok' ? people.f : null,
    eventF1: events.status === 'ok' ? events.ours.f1 : null,
    eventMarginOverBaselines: events.status === 'ok' ? events.ours.f1 - Math.max(events.fixedGap8h.f1, events.photoToc.f1) : null,
  };
  const checks = (Object.keys(GOALS) as GoalName[]).map((metric): GoalCheck => {
    const value = values[metric];
    const goal = goals[metric];
    const passed = value !== null && value >= goal;
    return { metric, value, goal, passed, status: value === null ? 'missing' : passed ? 'pass' : 'fail' };
  });

  return {
    schema: 'keepsake-eval/1',
    counts: { manifestFiles: manifest.files.length, matchedFiles: present.length, extraPhotos: report.photos.filter((p) => !known.has(p.id)).length },
    missingFiles,
    faces,
    junk,
    similar,
    people,
    events,
    goals: checks,
    passed: checks.every((c) => c.passed),
  };
}

/**
 * People: every manifest face with a known identity is an item; its true cluster is its person id,
 * its predicted cluster the person of the app's face that matches it (IoU ≥ 0.4), or alone when
 * the app found no face there or put it in no person.
 */
function peopleSection(matched: Array<{ file: EvalManifestFile; photo: EvalPhoto | undefined }>): PeopleSection | Missing {
  if (!matched.some(({ photo }) => photo?.faces?.some((face) => face.personId !== undefined)))
    return { status: 'missing', reason: 'no face in the report has a `personId` field' };
  const truth = new Map<string, string | null>();
  const predicted = new Map<string, string | null>();
  let found = 0;
  for (const { file, photo } of matched) {
    const boxes = file.faces.boxes;
    const faces = photo?.faces ?? [];
    const matching = matchFaces(faces.map((face) => face.box), boxes.map((box) => box.box));
    const personOf = new Map(matching.matches.map((m) => [m.truth, faces[m.predicted]!.personId ?? null]));
    boxes.forEach((box, k) => {
      if (!box.person_id) return;
      const key = `${file.path}#${k}`;
      truth.set(key, box.person_id);
      predicted.set(key, personOf.get(k) ?? null);
      if (personOf.has(k)) found += 1;
    });
  }
  return {
    status: 'ok',
    ...pairwiseScores(predicted, truth),
    bcubed: bcubed(predicted, truth),
    faces: { labelled: truth.size, found, assigned: [...predicted.values()].filter((id) => id !== null).length },
    ...pairDifferences(predicted, truth),
  };
}

/** Event boundaries of the photos with a capture time in the truth and in the report, against both baselines. */
function eventsSection(matched: Array<{ file: EvalManifestFile; photo: EvalPhoto | undefined }>): (EventsEvaluation & { status: 'ok' }) | Missing {
  if (!matched.some(({ photo }) => photo?.eventId !== undefined)) return { status: 'missing', reason: 'no photo in the report has an `eventId` field' };
  const photos = matched.flatMap(({ file, photo }) =>
    file.capture && photo?.takenAt && hasOwnCaptureTime(photo)
      ? [{ id: photo.id, path: file.path, takenAt: photo.takenAt, gps: photo.gps ?? null, eventId: photo.eventId ?? null, truthEvent: file.event_id ?? null }]
      : [],
  );
  return { status: 'ok', ...evaluateEvents(photos) };
}

/** Pairs the truth joins that the prediction does not (missed), and the reverse (extra). */
function pairDifferences(predicted: Map<string, string | null>, truth: Map<string, string | null>): { missedPairs: Array<[string, string]>; extraPairs: Array<[string, string]> } {
  const truthPairs = clusterPairs(truth);
  const predictedPairs = clusterPairs(predicted);
  const key = ([a, b]: [string, string]): string => `${a}\u0000${b}`;
  const truthKeys = new Set(truthPairs.map(key));
  const predictedKeys = new Set(predictedPairs.map(key));
  return { missedPairs: truthPairs.filter((p) => !predictedKeys.has(key(p))), extraPairs: predictedPairs.filter((p) => !truthKeys.has(key(p))) };
}

/** Truth for similar groups: near-duplicate groups and bursts, joined where they share a file. */
export function similarTruth(manifest: Pick<EvalManifest, 'near_duplicate_groups' | 'bursts'>): Map<string, string> {
  return unionGroups([...manifest.near_duplicate_groups, ...manifest.bursts]);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks that parsed JSON is a keepsake-report/1 with photos; throws a sentence saying what is wrong. */
export function parseReport(value: unknown): EvalReport {
  if (!isObject(value)) throw new Error('the report is not a JSON object');
  if (value.schema !== 'keepsake-report/1') throw new Error(`the report's schema is ${JSON.stringify(value.schema)}, not "keepsake-report/1"`);
  if (!Array.isArray(value.photos)) throw new Error('the report has no `photos` list');
  value.photos.forEach((photo, i) => {
    if (!isObject(photo) || typeof photo.id !== 'string') throw new Error(`photos[${i}] has no string \`id\``);
    if (photo.faces !== undefined && (!Array.isArray(photo.faces) || !photo.faces.every((f) => isObject(f) && isBox(f.box))))
      throw new Error(`photos[${i}].faces must be a list of { box: [x, y, w, h] }`);
  });
  return value as unknown as EvalReport;
}

const isBox = (value: unknown): boolean => Array.isArray(value) && value.length === 4 && value.every((n) => typeof n === 'number' && Number.isFinite(n));

/** Checks that parsed JSON looks like a corpus manifest; throws a sentence saying what is wrong. */
export function parseManifest(value: unknown): EvalManifest {
  if (!isObject(value)) throw new Error('the manifest is not a JSON object');
  if (!Array.isArray(value.files)) throw new Error('the manifest has no `files` list');
  value.files.forEach((file, i) => {
    if (!isObject(file) || typeof file.path !== 'string' || typeof file.sha256 !== 'string' || typeof file.kind !== 'string' || !isObject(file.faces))
      throw new Error(`manifest files[${i}] lacks path, sha256, kind or faces`);
  });
  for (const list of ['near_duplicate_groups', 'bursts'] as const)
    if (!Array.isArray(value[list])) throw new Error(`the manifest has no \`${list}\` list`);
  return value as unknown as EvalManifest;
}
