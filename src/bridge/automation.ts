/**
 * Hooks for the headless `book` command and the benchmarks, installed only with ?automation=1.
 * They read state and build the report; they never import anything themselves — files come in
 * through the app's real inputs, exactly as a person's would.
 */
import type { Library } from '../state/library.svelte';
import { buildReport, type Report } from '../pipeline/report/report';
import { WorkerPool, createImportWorker, poolSizeFor } from './pool';
import { unanalysedPhotos } from '../db/analyses';
import { stageVersions, versionKey } from '../vision/versions';
import type { ImportWorkerApi } from '../../workers/import.worker';
import { MODELS } from '../../models/registry';
import { libraryChanged, type SignalRecord } from '../db/schema';
import type { Language } from '../pipeline/memories/types';
import type { MemoriesRun } from '../cluster/memories-run';
import { readMemories } from '../db/memories';

export interface AutomationStatus {
  loaded: boolean;
  jobId: string | null;
  phase: string;
  /** When the current/last import job started (epoch ms). */
  startedAt: number | null;
  done: number;
  total: number;
  photos: number;
  notice?: string;
  /** The browser's reason when it replaced a damaged stored library with an empty one on open. */
  storageLost: string | null;
  analysis: { phase: string; done: number; total: number; failed: number; backend: string | null; notice?: string };
  /** What runs in the cluster worker now, and how long its last run of each task took (ms). */
  cluster: { running: string | null; notice?: string; lastMs: { people: number | null; events: number | null; memories: number | null }; memoryPhases: MemoriesRun['phases'] | null };
}

export interface KeepsakeAutomation {
  status(): AutomationStatus;
  report(root: string): Promise<Report>;
  /** Benchmark baseline: decode every file of an <input> at full size in a pool of the import pool's size. */
  decodeOnly(inputSelector: string): Promise<{ files: number; pixels: number; ms: number }>;
  /** Main-thread tasks over 50 ms: when they started (epoch ms) and how long they took. */
  longTasks(): Array<{ at: number; ms: number }>;
  /** Live TF.js tensors in each vision worker. */
  tensors(): Promise<number[]>;
  /** Photos stored without an analysis from the current models. */
  unanalysed(): Promise<number>;
  /** Re-analyse photos `rounds` times in one vision worker: its live tensors after each round. */
  stressAnalysis(ids: string[], rounds: number): Promise<number[]>;
  /** Stored faces with their embeddings (plain arrays), for the embedding measurements. */
  faces(): Promise<Array<{ photoId: string; box: number[]; score: number; embedding: number[] | null }>>;
  /** Resolves when people, events and memories are up to date with what is stored. */
  clusterSettled(): Promise<void>;
  /** Write memories' titles (and the UI) in this language. */
  setLanguage(language: Language): Promise<void>;
  /** Append signals to the log in order (the CLI's --signals) and re-rank memories. */
  replaySignals(signals: SignalRecord[]): Promise<void>;
  /** Lay out a book from a memory (null: the best-ranked memory with enough photos). */
  makeBook(memoryId: string | null, formatId: string, labId: string): Promise<{ bookId: string; memoryId: string; pages: number; notes: string[] } | { error: string }>;
  /** Lay out a book of these photos (the export benchmark). */
  makeBookOf(photoIds: string[], formatId: string, labId: string): Promise<{ bookId: string; pages: number; notes: string[] } | { error: string }>;
  /** Export a stored book as the app does and hand the PDF to the browser as a download. */
  exportBook(bookId: string, download?: boolean): Promise<{ ok: true; ms: number; bytes: number; cover: boolean } | { ok: false; error: string }>;
  /** Start analysing whatever is not analysed yet (for pages opened with ?analyse=0). */
  startAnalysis(): Promise<void>;
  /** Milliseconds per stage of each stored analysis, as its last run measured them. */
  stageTimings(): Promise<Array<Record<string, number>>>;
  /** Mark one stage of every stored analysis as made by an older model, then analyse again. */
  ageStage(stage: 'faces' | 'embeddings' | 'objects' | 'pixels'): Promise<void>;
}

declare global {
  interface Window {
    __keepsake?: KeepsakeAutomation;
  }
}

export function installAutomation(library: Library): void {
  const longTasks: Array<{ at: number; ms: number }> = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask', buffered: true });

  window.__keepsake = {
    status: () => ({
      loaded: library.loaded,
      jobId: library.progress?.jobId ?? null,
      phase: library.progress?.phase ?? 'idle',
      startedAt: library.progress?.startedAt ?? null,
      done: library.progress?.done ?? 0,
      total: library.progress?.total ?? 0,
      photos: library.photos.length,
      storageLost: library.storageLost,
      ...(library.progress?.notice ? { notice: library.progress.notice } : {}),
      analysis: {
        phase: library.analysis?.phase ?? 'idle',
        done: library.analysis?.done ?? 0,
        total: library.analysis?.total ?? 0,
        failed: library.analysis?.failed ?? 0,
        backend: library.analysis?.backend ?? null,
        ...(library.analysis?.notice ? { notice: library.analysis.notice } : {}),
      },
      cluster: {
        running: library.clustering?.running ?? null,
        ...(library.clustering?.notice ? { notice: library.clustering.notice } : {}),
        lastMs: { people: library.clustering?.lastPeople?.ms ?? null, events: library.clustering?.lastEvents?.ms ?? null, memories: library.clustering?.lastMemories?.ms ?? null },
        memoryPhases: library.clustering?.lastMemories?.phases ?? null,
      },
    }),
    report: async (root) =>
      buildReport({
        version: __APP_VERSION__,
        root,
        outcomes: library.outcomes,
        photos: await library.db.getAll('photos'),
        importMs: library.lastImportMs,
        analysis: {
          records: await library.db.getAll('analyses'),
          similar: library.similarGroups,
          backend: library.analysis?.backend ?? null,
          models: MODELS.map((model) => ({ name: model.id, version: model.version })),
          analyseMs: library.lastAnalyseMs,
        },
        cluster: {
          people: await library.db.getAll('people'),
          facePeople: new Map((await library.db.getAll('faces')).map((face) => [face.id, face.personId])),
          events: await library.db.getAll('events'),
          clusterMs: (library.clustering?.lastPeople?.ms ?? 0) + (library.clustering?.lastEvents?.ms ?? 0),
        },
        memories: {
          memories: await readMemories(library.db),
          language: library.memorySettings.language,
          rankMs: library.clustering?.lastMemories?.ms ?? 0,
        },
      }),
    decodeOnly: async (inputSelector) => {
      const input = document.querySelector<HTMLInputElement>(inputSelector);
      const files = Array.from(input?.files ?? []);
      const pool = new WorkerPool<ImportWorkerApi>(createImportWorker, poolSizeFor());
      const started = performance.now();
      let next = 0;
      let pixels = 0;
      await Promise.all(Array.from({ length: pool.size }, async () => {
        while (next < files.length) {
          const file = files[next++]!;
          pixels += await pool.run((api) => api.decodeOnly(file));
        }
      }));
      const ms = performance.now() - started;
      pool.terminate();
      return { files: files.length, pixels, ms };
    },
    longTasks: () => [...longTasks],
    tensors: () => library.tensors(),
    stressAnalysis: (ids, rounds) => library.stressAnalysis(ids, rounds),
    faces: async () => (await library.db.getAll('faces')).map((face) => ({ photoId: face.photoId, box: face.box, score: face.score, embedding: face.embedding ? Array.from(face.embedding) : null })),
    startAnalysis: () => library.analyseLibrary(true),
    clusterSettled: () => library.clusterSettled(),
    setLanguage: (language) => library.setLanguage(language),
    replaySignals: (signals) => library.replaySignals(signals),
    makeBook: async (memoryId, formatId, labId) => {
      const memory = memoryId ? library.memories.find((m) => m.id === memoryId) : bookWorthyMemory(library.memories);
      if (!memory) return { error: memoryId ? `there is no memory ${memoryId}` : 'there is no memory to make a book of' };
      const made = await library.makeBook(memory.id, formatId, labId);
      if (!made) return { error: library.error ?? 'the book could not be made' };
      return { bookId: made.book.id, memoryId: memory.id, pages: made.book.pages.length, notes: made.notes };
    },
    makeBookOf: async (photoIds, formatId, labId) => {
      const made = await library.makeBookOf(photoIds, 'Benchmark book', formatId, labId);
      return made ? { bookId: made.book.id, pages: made.book.pages.length, notes: made.notes } : { error: library.error ?? 'the book could not be made' };
    },
    exportBook: async (bookId, download = true) => {
      const started = performance.now();
      const files = await library.exportBook(bookId);
      if (!files) return { ok: false, error: library.exporting?.error ?? 'the export failed' };
      const ms = Math.round(performance.now() - started);
      if (download) {
        // The book first, then its cover: the CLI saves the downloads in that order.
        for (const [blob, name] of [[files.pdf, 'book.pdf'], [files.cover, 'book-cover.pdf']] as const) {
          if (!blob) continue;
          const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
        }
      }
      return { ok: true, ms, bytes: files.pdf.size, cover: files.cover !== null };
    },
    stageTimings: async () => (await library.db.getAll('analyses')).map((record) => record.timings),
    ageStage: async (stage) => {
      const tx = library.db.transaction(['analyses', 'meta'], 'readwrite');
      for (const record of await tx.objectStore('analyses').getAll()) {
        const versions = { ...record.versions, [stage]: `${record.versions[stage]}-older` };
        void tx.objectStore('analyses').put({ ...record, versions, versionKey: versionKey(versions) });
      }
      void tx.objectStore('meta').put(libraryChanged());
      await tx.done;
      await library.analyseLibrary(true);
    },
    unanalysed: async () => (await unanalysedPhotos(library.db, versionKey(stageVersions()))).length,
  };
}

/** Enough photos for a book worth printing. */
const BOOK_MIN_PHOTOS = 8;

/** The best-ranked memory with enough photos for a book, else the biggest one. */
function bookWorthyMemory<T extends { photoIds: string[] }>(memories: readonly T[]): T | undefined {
  return memories.find((memory) => memory.photoIds.length >= BOOK_MIN_PHOTOS) ?? [...memories].sort((a, b) => b.photoIds.length - a.photoIds.length)[0];
}
