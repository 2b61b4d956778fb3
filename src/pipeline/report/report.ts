/**
 * The keepsake-report/1 document (DESIGN.md §4): the contract the CLI writes and tests read.
 * Pure: built from stored records. Parts a stage has not produced yet are absent, never faked.
 */
import type { AnalysisRecord, FileOutcome, PhotoRecord, TfBackend } from '../../db/schema';
import type { SimilarGroup } from '../analyse/similar';
import type { Box, PhotoKind, QualityParts, Theme } from '../analyse/types';
import type { ImageFormat, RejectCode, TakenAtSource } from '../contracts';

export interface ReportFile {
  path: string;
  status: FileOutcome['status'];
  photoId?: string;
  duplicateOf?: string;
  errorCode?: RejectCode;
  error?: string;
}

export interface ReportPhoto {
  id: string;
  paths: string[];
  format: ImageFormat;
  width: number;
  height: number;
  takenAt: string | null;
  takenAtSource: TakenAtSource;
  gps: { lat: number; lon: number } | null;
  camera: { make: string | null; model: string | null } | null;
  orientation: number | null;
  bytes: number;
  /** From the analysis stage; absent until the photo is analysed. */
  kind?: PhotoKind;
  kindReasons?: string[];
  quality?: number;
  qualityParts?: Omit<QualityParts, 'score'>;
  faces?: Array<{ box: Box; score: number; personScore?: number; looks?: number }>;
  labels?: Array<{ name: string; score: number; box?: Box }>;
  themes?: Theme[];
  similarGroup?: string | null;
  bestOfGroup?: boolean;
}

export interface AnalysisInput {
  records: AnalysisRecord[];
  similar: SimilarGroup[];
  backend: TfBackend | null;
  models: Array<{ name: string; version: string }>;
  analyseMs: number;
}

export interface Report {
  schema: 'keepsake-report/1';
  app: { version: string; backend?: TfBackend; models?: Array<{ name: string; version: string }> };
  files: ReportFile[];
  photos: ReportPhoto[];
  timings: { importMs: number; analyseMs?: number };
}

/** `root` is the picked folder's own name: report paths are relative to the folder itself. */
export function buildReport(input: { version: string; root: string; outcomes: FileOutcome[]; photos: PhotoRecord[]; importMs: number; analysis?: AnalysisInput }): Report {
  const relative = (path: string): string => (path.startsWith(`${input.root}/`) ? path.slice(input.root.length + 1) : path);
  const files = input.outcomes
    .map((o): ReportFile => ({
      path: relative(o.path),
      status: o.status,
      ...(o.photoId ? { photoId: o.photoId } : {}),
      ...(o.duplicateOf ? { duplicateOf: relative(o.duplicateOf) } : {}),
      ...(o.errorCode ? { errorCode: o.errorCode, error: o.error } : {}),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const analyses = new Map((input.analysis?.records ?? []).map((record) => [record.photoId, record]));
  const similar = new Map((input.analysis?.similar ?? []).flatMap((group) => group.photoIds.map((id) => [id, group] as const)));
  const photos = input.photos
    .map((p): ReportPhoto => ({
      id: p.id,
      paths: p.paths.map(relative),
      format: p.format,
      width: p.width,
      height: p.height,
      takenAt: p.takenAt,
      takenAtSource: p.takenAtSource,
      gps: p.gps ? { lat: p.gps.lat, lon: p.gps.lon } : null,
      camera: p.camera,
      orientation: p.orientation,
      bytes: p.size,
      ...analysisFields(p.id, analyses.get(p.id), similar.get(p.id)),
    }))
    .sort((a, b) => (a.paths[0] ?? '').localeCompare(b.paths[0] ?? ''));
  const analysis = input.analysis;
  return {
    schema: 'keepsake-report/1',
    app: { version: input.version, ...(analysis?.backend ? { backend: analysis.backend, models: analysis.models } : {}) },
    files,
    photos,
    timings: { importMs: Math.round(input.importMs), ...(analysis ? { analyseMs: Math.round(analysis.analyseMs) } : {}) },
  };
}

const round = (value: number): number => Math.round(value * 1e4) / 1e4;

function analysisFields(id: string, record: AnalysisRecord | undefined, group: SimilarGroup | undefined): Partial<ReportPhoto> {
  if (!record) return {};
  const { score, ...parts } = record.quality;
  return {
    kind: record.kind.kind,
    kindReasons: record.kind.reasons,
    quality: round(score),
    qualityParts: parts,
    faces: record.faces.map((face) => ({ box: face.box.map(round) as Box, score: round(face.score), ...(face.personScore !== undefined ? { personScore: round(face.personScore) } : {}), ...(face.looks ? { looks: face.looks } : {}) })),
    labels: record.labels.map((label) => ({ name: label.name, score: round(label.score), ...(label.box ? { box: label.box.map(round) as Box } : {}) })),
    themes: record.themes,
    similarGroup: group?.id ?? null,
    bestOfGroup: group ? group.best === id : false,
  };
}
