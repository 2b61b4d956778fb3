/**
 * Reader worker: reads from IndexedDB off the page's thread what the page would otherwise read
 * itself. Reading a record means deserialising all of it (an analysis carries faces, labels and an
 * appearance descriptor when the library grid needs three numbers), and reading a Blob or making a
 * blob: URL waits on the browser process; done here, opening and scrolling a library of 100,000
 * photos leaves the page's thread to draw. Thumbnail URLs live as long as this worker (the page's),
 * until revoked.
 */
import { expose, transfer } from 'comlink';
import { openKeepsakeDB, type AnalysisRecord, type KeepsakeDatabase, type PhotoRecord } from '../src/db/schema';
import type { EventOnTheWire } from '../src/pipeline/library/library-event';
import { libraryEventsAfter } from '../src/db/events';
import { unanalysedPhotos } from '../src/db/analyses';
import { PHOTO_KINDS, type AnalysisSummaries, type TimelineColumns } from '../src/pipeline/library/filters';

let db: Promise<KeepsakeDatabase> | null = null;
// A newer Keepsake in another tab closes this connection: the next read opens it again.
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB(undefined, () => (db = null)));

/** Records read per transaction when reading a whole store: a few MB at a time. */
const CHUNK = 1000;

/** Every record of a store, a chunk at a time (one huge getAll would hold every record at once). */
async function* everyRecord<S extends 'photos' | 'analyses'>(store: S, keyOf: (record: S extends 'photos' ? PhotoRecord : AnalysisRecord) => string): AsyncGenerator<S extends 'photos' ? PhotoRecord : AnalysisRecord> {
  const db = await database();
  for (let after: string | null = null; ; ) {
    const range: IDBKeyRange | null = after === null ? null : IDBKeyRange.lowerBound(after, true);
    const chunk = (await db.getAll(store, range, CHUNK)) as Array<S extends 'photos' ? PhotoRecord : AnalysisRecord>;
    yield* chunk;
    if (chunk.length < CHUNK) return;
    after = keyOf(chunk[chunk.length - 1]!);
  }
}

const api = {
  /** Object URLs of these photos' thumbnails (null where there is none), read in one transaction. */
  async thumbnailUrls(ids: string[], kind: 'small' | 'preview'): Promise<Array<string | null>> {
    const store = (await database()).transaction('thumbs').store;
    const records = await Promise.all(ids.map((id) => store.get(id)));
    return records.map((record) => (record ? URL.createObjectURL(record[kind]) : null));
  },

  timeline,

  /** Stored photos with no analysis by these model versions (a `versionKey`). */
  unanalysed: async (versions: string): Promise<string[]> => unanalysedPhotos(await database(), versions),

  /** Up to `limit` events after the event `after`, their places as columns for the page (db/events.ts). */
  events: async (after: string | null, limit: number): Promise<EventOnTheWire[]> => libraryEventsAfter(await database(), after, limit),

  revoke(urls: string[]): void {
    for (const url of urls) URL.revokeObjectURL(url);
  },

  /** What the library grid needs of the analyses of these photos (or of every photo): kind, quality, faces. */
  async analysisSummaries(ids?: string[]): Promise<AnalysisSummaries> {
    const found: string[] = [];
    const kinds: number[] = [];
    const quality: number[] = [];
    const faces: number[] = [];
    const add = (record: AnalysisRecord | undefined): void => {
      if (!record) return;
      found.push(record.photoId);
      kinds.push(Math.max(0, PHOTO_KINDS.indexOf(record.kind.kind)));
      quality.push(record.quality.score);
      faces.push(record.faces.length);
    };
    if (ids) {
      const tx = (await database()).transaction('analyses');
      for (const record of await Promise.all(ids.map((id) => tx.store.get(id)))) add(record);
    } else {
      for await (const record of everyRecord('analyses', (analysis) => analysis.photoId)) add(record);
    }
    const summaries: AnalysisSummaries = { ids: found, kinds: Uint8Array.from(kinds), quality: Float32Array.from(quality), faces: Uint16Array.from(faces, (n) => Math.min(n, 65_535)) };
    return transfer(summaries, [summaries.kinds.buffer, summaries.quality.buffer, summaries.faces.buffer]);
  },
};

/** Every photo as the timeline needs it (id, local time, display size), newest first (ties by id). */
async function timeline(): Promise<TimelineColumns> {
  const ids: string[] = [];
  const times: number[] = [];
  const widths: number[] = [];
  const heights: number[] = [];
  for await (const photo of everyRecord('photos', (record) => record.id)) {
    ids.push(photo.id);
    times.push(photo.localSortMs);
    widths.push(photo.width);
    heights.push(photo.height);
  }
  const order = Array.from(ids, (_, i) => i).sort((a, b) => times[b]! - times[a]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const columns: TimelineColumns = {
    ids: order.map((i) => ids[i]!),
    t: Float64Array.from(order, (i) => times[i]!),
    width: Uint32Array.from(order, (i) => widths[i]!),
    height: Uint32Array.from(order, (i) => heights[i]!),
  };
  return transfer(columns, [columns.t.buffer, columns.width.buffer, columns.height.buffer]);
}

export type ReaderWorkerApi = typeof api;
expose(api);
