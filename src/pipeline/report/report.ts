/**
 * The keepsake-report/1 document (DESIGN.md §4): the contract the CLI writes and tests read.
 * Pure: built from stored records. Parts a stage has not produced yet are absent, never faked.
 */
import type { AnalysisRecord, EventKind, EventRecord, FileOutcome, MemoryRecord, PersonRecord, PhotoRecord, TfBackend } from '../../db/schema';
import type { Language, MemoryKind } from '../memories/types';
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
  faces?: Array<{ box: Box; score: number; personScore?: number; looks?: number; personId?: string | null }>;
  labels?: Array<{ name: string; score: number; box?: Box }>;
  themes?: Theme[];
  similarGroup?: string | null;
  bestOfGroup?: boolean;
  /** From the cluster stage. */
  eventId?: string | null;
  place?: string | null;
}

export interface ReportPerson {
  id: string;
  name: string | null;
  hidden: boolean;
  photoIds: string[];
  faceCount: number;
}

export interface ReportEvent {
  id: string;
  kind: EventKind;
  title: string;
  start: string;
  end: string;
  place: string | null;
  photoIds: string[];
  days: Array<{ date: string; photoIds: string[] }>;
}

export interface ReportMemory {
  id: string;
  kind: MemoryKind;
  title: string;
  subtitle: string;
  score: number;
  why: string;
  coverPhotoId: string;
  photoIds: string[];
}

export interface MemoriesInput {
  memories: MemoryRecord[];
  language: Language;
  rankMs: number;
}

export interface ClusterInput {
  people: PersonRecord[];
  /** Face id (`${photoId}#${index}`) → person. */
  facePeople: ReadonlyMap<string, string | null>;
  events: EventRecord[];
  clusterMs: number;
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
  people?: ReportPerson[];
  events?: ReportEvent[];
  memories?: ReportMemory[];
  /** The exported book (the `book` command's --out). */
  book?: { pdf: string; cover?: string; pages: number; format: string; lab: string; memoryId: string };
  /** The language titles and reasons are written in. */
  language?: Language;
  timings: { importMs: number; analyseMs?: number; clusterMs?: number; rankMs?: number; exportMs?: number };
}

/** `root` is the picked folder's own name: report paths are relative to the folder itself. */
export function buildReport(input: { version: string; root: string; outcomes: FileOutcome[]; photos: PhotoRecord[]; importMs: number; analysis?: AnalysisInput; cluster?: ClusterInput; memories?: MemoriesInput }): Report {
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
  const eventOf = new Map((input.cluster?.events ?? []).flatMap((event) => event.photoIds.map((id) => [id, event] as const)));
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
      ...analysisFields(p.id, analyses.get(p.id), similar.get(p.id), input.cluster),
      ...(input.cluster ? eventFields(p.id, eventOf.get(p.id)) : {}),
    }))
    .sort((a, b) => (a.paths[0] ?? '').localeCompare(b.paths[0] ?? ''));
  const analysis = input.analysis;
  return {
    schema: 'keepsake-report/1',
    app: { version: input.version, ...(analysis?.backend ? { backend: analysis.backend, models: analysis.models } : {}) },
    files,
    photos,
    ...(input.cluster ? { people: reportPeople(input.cluster.people), events: input.cluster.events.map(reportEvent) } : {}),
    ...(input.memories ? { memories: [...input.memories.memories].sort((a, b) => a.rank - b.rank).map(reportMemory), language: input.memories.language } : {}),
    timings: {
      importMs: Math.round(input.importMs),
      ...(analysis ? { analyseMs: Math.round(analysis.analyseMs) } : {}),
      ...(input.cluster ? { clusterMs: Math.round(input.cluster.clusterMs) } : {}),
      ...(input.memories ? { rankMs: Math.round(input.memories.rankMs) } : {}),
    },
  };
}

/** People as the People screen lists them: most photographed first, merged ones left out. */
function reportPeople(people: PersonRecord[]): ReportPerson[] {
  return people
    .filter((person) => !person.mergedInto)
    .map((person) => ({ id: person.id, name: person.name, hidden: person.hidden, photoIds: person.photoIds, faceCount: person.faceCount }))
    .sort((a, b) => b.photoIds.length - a.photoIds.length || a.id.localeCompare(b.id, undefined, { numeric: true }));
}

function reportMemory(memory: MemoryRecord): ReportMemory {
  return {
    id: memory.id,
    kind: memory.kind,
    title: memory.title,
    subtitle: memory.subtitle,
    score: round(memory.score),
    why: memory.why,
    coverPhotoId: memory.coverPhotoId,
    photoIds: memory.photoIds,
  };
}

function reportEvent(event: EventRecord): ReportEvent {
  return {
    id: event.id,
    kind: event.kind,
    title: event.place?.label ?? event.start.slice(0, 10),
    start: event.start,
    end: event.end,
    place: event.place?.label ?? null,
    photoIds: event.photoIds,
    days: event.days,
  };
}

function eventFields(id: string, event: EventRecord | undefined): Partial<ReportPhoto> {
  return { eventId: event?.id ?? null, place: event?.photoPlaces[id] ?? null };
}

const round = (value: number): number => Math.round(value * 1e4) / 1e4;

function analysisFields(id: string, record: AnalysisRecord | undefined, group: SimilarGroup | undefined, cluster: ClusterInput | undefined): Partial<ReportPhoto> {
  if (!record) return {};
  const { score, ...parts } = record.quality;
  return {
    kind: record.kind.kind,
    kindReasons: record.kind.reasons,
    quality: round(score),
    qualityParts: parts,
    faces: record.faces.map((face, index) => ({
      box: face.box.map(round) as Box,
      score: round(face.score),
      ...(face.personScore !== undefined ? { personScore: round(face.personScore) } : {}),
      ...(face.looks ? { looks: face.looks } : {}),
      ...(cluster ? { personId: cluster.facePeople.get(`${id}#${index}`) ?? null } : {}),
    })),
    labels: record.labels.map((label) => ({ name: label.name, score: round(label.score), ...(label.box ? { box: label.box.map(round) as Box } : {}) })),
    themes: record.themes,
    similarGroup: group?.id ?? null,
    bestOfGroup: group ? group.best === id : false,
  };
}
