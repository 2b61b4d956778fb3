/**
 * The keepsake-report/1 document (DESIGN.md §4): the contract the CLI writes and tests read.
 * Pure: built from stored records. Parts a stage has not produced yet are absent, never faked.
 */
import type { FileOutcome, PhotoRecord } from '../../db/schema';
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
}

export interface Report {
  schema: 'keepsake-report/1';
  app: { version: string };
  files: ReportFile[];
  photos: ReportPhoto[];
  timings: { importMs: number };
}

/** `root` is the picked folder's own name: report paths are relative to the folder itself. */
export function buildReport(input: { version: string; root: string; outcomes: FileOutcome[]; photos: PhotoRecord[]; importMs: number }): Report {
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
    }))
    .sort((a, b) => (a.paths[0] ?? '').localeCompare(b.paths[0] ?? ''));
  return { schema: 'keepsake-report/1', app: { version: input.version }, files, photos, timings: { importMs: Math.round(input.importMs) } };
}
