import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { GpsPosition, ImageFormat, RejectCode, TakenAtSource } from '../pipeline/contracts';
import type { Box, DetectedFace, KindEvidence, Label, Point, QualityParts, Theme } from '../pipeline/analyse/types';
import type { Memory } from '../pipeline/memories/generate';
import type { Book } from '../pipeline/book/model';

/** Bump when a store or index changes; add a step to the ladder in `upgrade`, never drop user data. */
export const DB_NAME = 'keepsake';
export const DB_VERSION = 7;
/** Version of the record shapes written by this build (records carry it as `schema`). */
export const RECORD_SCHEMA = 1;

/** Where the original bytes live: the user's own file (File System Access API) or our OPFS copy. */
export type OriginalSource =
  | { kind: 'handle'; handle: FileSystemFileHandle }
  | { kind: 'opfs'; path: string };

export interface PhotoRecord {
  schema: number;
  /** SHA-256 of the file bytes, hex. */
  id: string;
  /** Every relative path these exact bytes were imported under, first one first. */
  paths: string[];
  size: number;
  mime: string;
  format: ImageFormat;
  /** Display orientation (EXIF Orientation / HEIF irot applied). */
  width: number;
  height: number;
  storedWidth: number;
  storedHeight: number;
  orientation: number | null;
  takenAt: string | null;
  takenAtSource: TakenAtSource;
  takenAtUtcMs: number | null;
  /** Local wall-clock time as if it were UTC, in ms: orders the timeline and groups days in the photo's own time. */
  localSortMs: number;
  gps: GpsPosition | null;
  camera: { make: string | null; model: string | null } | null;
  exifWarning?: string;
  importedAt: number;
  original: OriginalSource;
}

export interface ThumbRecord {
  schema: number;
  photoId: string;
  /** ≈256 px on the short side, for the grid. */
  small: Blob;
  /** ≈1600 px on the long side, for the viewer. */
  preview: Blob;
}

export type FileStatus = 'imported' | 'duplicate' | 'rejected';

/** The outcome of one file of an import, kept for the import summary and the report. */
export interface FileOutcome {
  path: string;
  status: FileStatus;
  photoId?: string;
  duplicateOf?: string;
  errorCode?: RejectCode;
  error?: string;
}

export type QueueState = 'pending' | 'done';

/** One file of an import job: a unit of resumable work. */
export interface QueueItem {
  schema: number;
  jobId: string;
  seq: number;
  path: string;
  size: number;
  lastModified: number;
  state: QueueState;
  /** Where to read the bytes: the user's file handle, or our OPFS staging copy; null once done. */
  source: OriginalSource | null;
  outcome?: FileOutcome;
}

export type JobState = 'staging' | 'running' | 'cancelled' | 'done';

export interface ImportJob {
  schema: number;
  id: string;
  kind: 'import';
  state: JobState;
  createdAt: number;
  finishedAt?: number;
  /** Files the person chose; may exceed the queued count if the tab closed while staging. */
  expected: number;
  /** Files safely queued (their bytes are reachable after a reload). */
  queued: number;
  /** The folders/files the person picked or dropped, when the browser gave handles: after a reload, read permission is asked for again on these. */
  roots?: FileSystemHandle[];
}

/** Which model/code version produced each part of an analysis: a change re-runs only that part. */
export interface StageVersions {
  faces: string;
  embeddings: string;
  objects: string;
  pixels: string;
}

export type TfBackend = 'webgpu' | 'webgl' | 'wasm';

/** What the vision worker learned about one photo (display-orientation coordinates, 0..1). */
export interface AnalysisRecord {
  schema: number;
  photoId: string;
  versions: StageVersions;
  /** `versions` joined: the index that finds photos analysed by the current models. */
  versionKey: string;
  backend: TfBackend;
  faces: DetectedFace[];
  labels: Label[];
  themes: Theme[];
  quality: QualityParts;
  kind: KindEvidence;
  /** 64-bit dHash, hex. */
  dhash: string;
  /** Compact appearance descriptor for near-duplicate matching (see pipeline/analyse/hash). */
  appearance: Float32Array;
  /** Milliseconds per stage, for the benchmark and the info panel. */
  timings: Record<string, number>;
  analysedAt: number;
}

/** One face with its embedding: what people clustering (issue 5) works on. */
export interface FaceRecord {
  schema: number;
  /** `${photoId}#${index in AnalysisRecord.faces}` */
  id: string;
  photoId: string;
  box: Box;
  landmarks: Point[];
  score: number;
  /** L2-normalised; null when the face was too small or blurred to embed reliably. */
  embedding: Float32Array | null;
  embeddingModel: string;
  personId: string | null;
  /** Whether people clustering has seen this face (new faces are the incremental run's input). */
  clustered?: boolean;
  /** The person said this face is this person (named, merged or moved it): clustering never moves it. */
  confirmedPerson?: string | null;
  /** People the person said this face is not ("not this person"): it never joins them again. */
  rejectedPeople?: string[];
}

/** One person: what the person told us (name, hidden) and what clustering derived (photos, cover). */
export interface PersonRecord {
  schema: number;
  id: string;
  name: string | null;
  /** Hidden people never appear in memories (and are listed apart on the People screen). */
  hidden: boolean;
  /** Set when this person was merged into another: the id keeps resolving, the record holds nothing else. */
  mergedInto: string | null;
  /** Derived: the face shown for this person, the photos and faces they are in. */
  coverFaceId: string | null;
  photoIds: string[];
  faceCount: number;
  createdAt: number;
  updatedAt: number;
}

export type EventKind = 'day' | 'event' | 'trip';

/** A stored place: the structured parts (localisable later) and the label shown today. */
export interface StoredPlace {
  city: string | null;
  admin1: string | null;
  admin2?: string | null;
  countryCode: string;
  country: string;
  label: string;
}

/** An event or trip (derived from capture times and positions; recomputed as the library grows). */
export interface EventRecord {
  schema: number;
  id: string;
  kind: EventKind;
  /** ISO local time with offset (when known) of the first and last photo. */
  start: string;
  end: string;
  place: StoredPlace | null;
  photoIds: string[];
  /** The event's days in its own local time (a trip's chapters). */
  days: Array<{ date: string; photoIds: string[] }>;
  /** Where each photo of the event was taken, by photo id (photos with a position only). */
  photoPlaces: Record<string, string>;
}

export type SignalType =
  | 'favourite' | 'unfavourite' | 'hide' | 'unhide' | 'open' | 'dwellMs' | 'share' | 'print'
  | 'removeFromMemory' | 'addToMemory' | 'rename' | 'thumbsUp' | 'thumbsDown'
  | 'notThisPerson' | 'moveFace' | 'merge'
  /** Memories: never show this one again; forget what ranking learned (favourites and edits stay). */
  | 'dismiss' | 'resetLearning';

/** One entry of the append-only log of what the person did (DESIGN.md §6). */
export interface SignalRecord {
  at: number;
  type: SignalType;
  target: { photoId?: string; memoryId?: string; personId?: string; eventId?: string; faceId?: string };
  value?: unknown;
}

/**
 * A generated memory, ranked, titled and with its selection: derived from the library and the
 * signals log (which holds everything the person did to it), so it is recomputed, never migrated.
 */
export interface MemoryRecord extends Omit<Memory, 'poolPhotoIds'> {
  schema: number;
}

export const memoryRecord = ({ poolPhotoIds: _pool, ...memory }: Memory): MemoryRecord => ({ schema: RECORD_SCHEMA, ...memory });

/**
 * Memories are stored a page of ranks per record, best first (page 0 holds ranks 0..MEMORY_PAGE − 1):
 * every run writes them all (a favourite moves every score), and a big library has thousands. A
 * put per memory cost a second or more of each run at 100,000 photos; a page of them costs about
 * what one record does.
 */
export interface MemoryPageRecord {
  schema: number;
  page: number;
  memories: MemoryRecord[];
}

export const MEMORY_PAGE = 250;

/** Memories in rank order, as the pages that store them. */
export function memoryPages(memories: readonly MemoryRecord[]): MemoryPageRecord[] {
  return Array.from({ length: Math.ceil(memories.length / MEMORY_PAGE) }, (_, page) => ({ schema: RECORD_SCHEMA, page, memories: memories.slice(page * MEMORY_PAGE, (page + 1) * MEMORY_PAGE) }));
}

/**
 * Every photo a memory could draw from ("add photos"), by memory id, apart from the memories: only
 * the memory open on screen needs it, and it changes only with the library, not with a language or
 * a signal. Ids joined by spaces (poolOf): a thousand ids clone and store far cheaper as one string.
 */
export interface MemoryPoolRecord {
  schema: number;
  id: string;
  photoIds: string;
}

export const poolOf = (record: MemoryPoolRecord | undefined): string[] => (record?.photoIds ? record.photoIds.split(' ') : []);

export const memoryPoolRecord = (memory: Memory): MemoryPoolRecord => ({ schema: RECORD_SCHEMA, id: memory.id, photoIds: memory.poolPhotoIds.join(' ') });

/** A photobook the person made (user data: autosaved, never recomputed). */
export type BookRecord = Book;

export interface MetaRecord {
  key: string;
  value: unknown;
}

/**
 * A token in meta that every write to what memories are made of (photos, analyses, people, events,
 * similar groups) replaces, in the same transaction: a worker that kept those records in memory can
 * tell in one read whether they are still current, whichever tab or worker wrote since.
 */
export const LIBRARY_REVISION_KEY = 'library-revision';

/** The meta record that marks the library changed (put it in the transaction that changes it). */
export const libraryChanged = (): MetaRecord => ({ key: LIBRARY_REVISION_KEY, value: crypto.randomUUID() });

/**
 * A token in meta that every write of detected faces replaces (the analysis commit, in its
 * transaction); the people run stores the token it placed faces at, so opening the app does not
 * read every face and its embedding again when none came since.
 */
export const FACES_REVISION_KEY = 'faces-revision';

/** The meta record that marks the faces changed (put it in the transaction that writes them). */
export const facesChanged = (): MetaRecord => ({ key: FACES_REVISION_KEY, value: crypto.randomUUID() });

export interface KeepsakeDB extends DBSchema {
  photos: { key: string; value: PhotoRecord; indexes: { byLocalTime: number } };
  thumbs: { key: string; value: ThumbRecord };
  jobs: { key: string; value: ImportJob; indexes: { byState: string } };
  queue: { key: [string, number]; value: QueueItem; indexes: { byJobState: [string, string] } };
  meta: { key: string; value: MetaRecord };
  analyses: { key: string; value: AnalysisRecord; indexes: { byVersion: string } };
  faces: { key: string; value: FaceRecord; indexes: { byPhoto: string; byPerson: string } };
  people: { key: string; value: PersonRecord };
  events: { key: string; value: EventRecord };
  signals: { key: number; value: SignalRecord; indexes: { byType: string } };
  memoryPages: { key: number; value: MemoryPageRecord };
  books: { key: string; value: BookRecord; indexes: { byUpdated: number } };
  memoryPools: { key: string; value: MemoryPoolRecord };
}

export type KeepsakeDatabase = IDBPDatabase<KeepsakeDB>;

/** Chromium's own report that it had to throw a damaged database away (not in the standard types). */
interface DataLossEvent {
  dataLoss?: 'none' | 'total';
  dataLossMessage?: string;
}

/**
 * Open (and if needed upgrade) the database. When a newer version of Keepsake opens it in another
 * tab, this connection closes so the upgrade can proceed, and `onOutdated` tells the page.
 * `onDataLoss` hears when the browser found the stored library damaged and replaced it with an
 * empty one: the only data loss the app cannot prevent, so at least the person is told.
 */
export function openKeepsakeDB(name = DB_NAME, onOutdated?: () => void, onDataLoss?: (browserMessage: string) => void): Promise<KeepsakeDatabase> {
  return openDB<KeepsakeDB>(name, DB_VERSION, {
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      onOutdated?.();
    },
    upgrade(db, oldVersion, _newVersion, transaction, event) {
      const loss = event as DataLossEvent;
      if (loss.dataLoss === 'total') onDataLoss?.(loss.dataLossMessage ?? '');
      // The version ladder: each step brings a database from the previous version to the next.
      // Stores a later step removes are not in today's types: those steps reach them untyped.
      const legacy = db as unknown as IDBPDatabase;
      if (oldVersion < 1) {
        const photos = db.createObjectStore('photos', { keyPath: 'id' });
        photos.createIndex('byLocalTime', 'localSortMs');
        db.createObjectStore('thumbs', { keyPath: 'photoId' });
        const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
        jobs.createIndex('byState', 'state');
        const queue = db.createObjectStore('queue', { keyPath: ['jobId', 'seq'] });
        queue.createIndex('byJobState', ['jobId', 'state']);
        db.createObjectStore('meta', { keyPath: 'key' });
      }
      if (oldVersion < 2) {
        // Analysis results: new stores only, so every existing photo is simply "not analysed yet".
        const analyses = db.createObjectStore('analyses', { keyPath: 'photoId' });
        analyses.createIndex('byVersion', 'versionKey');
        const faces = db.createObjectStore('faces', { keyPath: 'id' });
        faces.createIndex('byPhoto', 'photoId');
      }
      if (oldVersion < 3) {
        // People, events and the signals log: new stores and one new index; faces keep every field.
        transaction.objectStore('faces').createIndex('byPerson', 'personId');
        db.createObjectStore('people', { keyPath: 'id' });
        db.createObjectStore('events', { keyPath: 'id' });
        const signals = db.createObjectStore('signals', { autoIncrement: true });
        signals.createIndex('byType', 'type');
      }
      if (oldVersion < 4) {
        // Memories: a new store of derived records; nothing existing changes.
        legacy.createObjectStore('memories', { keyPath: 'id' }).createIndex('byRank', 'rank');
      }
      if (oldVersion < 5) {
        // Books: a new store; nothing existing changes.
        db.createObjectStore('books', { keyPath: 'id' }).createIndex('byUpdated', 'updatedAt');
      }
      if (oldVersion < 6) {
        // Memories' pools apart from the memories: a new store of derived records; the next memories
        // run fills it (and replaces the memories, which held their pools until now).
        db.createObjectStore('memoryPools', { keyPath: 'id' });
      }
      if (oldVersion < 7) {
        // Memories a page of ranks per record (memoryPages): the stored ones move over in rank order,
        // so the screen shows them until the next memories run replaces them.
        const pages = db.createObjectStore('memoryPages', { keyPath: 'page' });
        void (transaction as unknown as IDBPTransaction<unknown, string[], 'versionchange'>).objectStore('memories').index('byRank').getAll().then((memories: MemoryRecord[]) => {
          for (const page of memoryPages(memories)) void pages.put(page);
          legacy.deleteObjectStore('memories');
        });
      }
    },
  });
}
