/** The shared corpus (../shared/corpus) and what its manifest expects of an import. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RejectCode } from '../src/pipeline/contracts';
import { CORPUS } from '../cli/corpus';

export { CORPUS };

export interface ManifestFile {
  path: string;
  sha256: string;
  format: string;
  width: number;
  height: number;
  original_metadata: boolean;
  capture: null | { datetime_original?: string; datetime_original_raw?: string; offset: string | null };
  gps: null | { lat: number; lon: number };
  /** Ground-truth kind (photo, screenshot, document, receipt, other). */
  kind?: 'photo' | 'screenshot' | 'document' | 'receipt' | 'other';
  exif_present?: boolean;
  faces?: null | { count: number | null; boxes: Array<{ box: [number, number, number, number]; person_id: string | null }> };
  near_duplicate_group?: string | null;
  burst_group?: string | null;
  event_id?: string | null;
}

export interface ManifestGroup {
  id: string;
  description: string;
  files: string[];
}

export interface ManifestBad {
  path: string;
  sha256: string;
  expectation: string;
}

export interface Manifest {
  files: ManifestFile[];
  bad: ManifestBad[];
  near_duplicate_groups?: ManifestGroup[];
  bursts?: ManifestGroup[];
}

export const manifest = (): Manifest => JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as Manifest;

/** The reject code a bad file's expectation sentence asks for, or 'accept'. */
export function expectedOutcome(expectation: string): RejectCode | 'accept' {
  const text = expectation.toLowerCase();
  if (text.startsWith('accept')) return 'accept';
  if (text.includes('empty')) return 'empty';
  if (text.includes('truncated')) return 'truncated';
  if (text.includes('not an image')) return 'not-an-image';
  if (text.includes('too large')) return 'too-large';
  if (text.includes('unsupported')) return 'unsupported';
  if (text.includes('malformed') || text.includes('corrupt')) return 'corrupt';
  throw new Error(`no reject code for expectation "${expectation}"`);
}

const STANDARD_RAW = /^(\d{4})[:/-](\d{2})[:/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** The capture time the report must show, or undefined where the manifest's raw value is too odd to predict here (unit tests cover those). */
export function expectedTakenAt(file: ManifestFile): string | null | undefined {
  const capture = file.capture;
  if (!capture) return null;
  if (capture.datetime_original) return `${capture.datetime_original}${capture.offset ?? ''}`;
  const m = STANDARD_RAW.exec(capture.datetime_original_raw ?? '');
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${capture.offset ?? ''}`;
}
