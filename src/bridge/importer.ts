/**
 * The import controller (main thread): queues files as a resumable job, feeds the worker pool,
 * reports progress (done/total, photos/s, ETA) and supports cancel and resume-after-reload.
 * The page only dispatches and counts; all reading, hashing, decoding and storing is in workers.
 */
import { RECORD_SCHEMA, type FileOutcome, type ImportJob, type KeepsakeDatabase, type QueueItem } from '../db/schema';
import { removeOpfsEntry } from '../media/opfs';
import { isStorageFull, storageFullMessage } from '../db/storage-full';
import { holdingImport, importIsIdle } from './tabs';
import { queueItems } from './stage-files';
import { rejectMessage } from '../pipeline/import/sniff';
import { readFailure } from '../pipeline/import/read-failure';
import type { WorkerPool } from './pool';
import type { ImportWorkerApi } from '../../workers/import.worker';

/** One file the person chose, with the path shown to them (relative to what they picked). */
export interface ImportSource {
  path: string;
  file?: File;
  handle?: FileSystemFileHandle;
  /** The picked or dropped folder/file this came through, when the browser gave a handle. */
  root?: FileSystemHandle;
}

export interface ImportProgress {
  jobId: string;
  phase: 'queueing' | 'importing' | 'done' | 'cancelled';
  total: number;
  done: number;
  imported: number;
  duplicates: number;
  rejected: number;
  photosPerSecond: number;
  etaSeconds: number | null;
  startedAt: number;
  /** Something the person must know: storage full, files lost when the tab closed… */
  notice?: string;
  /** Stopped because the browser took back read permission on the picked folder: the rest stays queued. */
  permissionLost?: true;
}

export interface ImportListener {
  progress(progress: ImportProgress): void;
  outcomes(outcomes: FileOutcome[]): void;
}

const STAGE_BATCH = 8;
const QUEUE_BATCH = 500;
const PROGRESS_INTERVAL_MS = 250;

export class ImportRunner {
  #abort = new AbortController();
  #progress: ImportProgress;
  #ready: number[] = [];
  #queueingDone = false;
  #waiters: Array<() => void> = [];
  #lastEmit = 0;
  #pendingOutcomes: FileOutcome[] = [];
  #rateStart: { at: number; done: number };
  /** Picked files this page still holds, by seq; dropped once processed. */
  #picked = new Map<number, File>();
  /** Why the import stopped early with files still queued (they resume later). */
  #stopped: 'storage-full' | 'permission' | null = null;

  private constructor(
    private readonly db: KeepsakeDatabase,
    private readonly pool: WorkerPool<ImportWorkerApi>,
    private readonly stager: WorkerPool<ImportWorkerApi>,
    private readonly listener: ImportListener,
    private readonly job: ImportJob,
  ) {
    const now = performance.now();
    this.#progress = {
      jobId: job.id, phase: 'queueing', total: job.expected, done: 0, imported: 0, duplicates: 0, rejected: 0,
      photosPerSecond: 0, etaSeconds: null, startedAt: Date.now(),
    };
    this.#rateStart = { at: now, done: 0 };
  }

  static async start(db: KeepsakeDatabase, pool: WorkerPool<ImportWorkerApi>, stager: WorkerPool<ImportWorkerApi>, listener: ImportListener, sources: ImportSource[]): Promise<ImportRunner> {
    const roots = [...new Set(sources.flatMap((source) => (source.root ? [source.root] : [])))];
    const job: ImportJob = {
      schema: RECORD_SCHEMA, id: crypto.randomUUID(), kind: 'import', state: 'staging', createdAt: Date.now(),
      expected: sources.length, queued: 0, ...(roots.length ? { roots } : {}),
    };
    await db.put('jobs', job);
    const runner = new ImportRunner(db, pool, stager, listener, job);
    runner.#start(runner.#queueSources(sources));
    return runner;
  }

  /** Continue a job found unfinished on start-up (the tab was closed or reloaded mid-import). */
  static async resume(db: KeepsakeDatabase, pool: WorkerPool<ImportWorkerApi>, stager: WorkerPool<ImportWorkerApi>, listener: ImportListener, job: ImportJob): Promise<ImportRunner> {
    const runner = new ImportRunner(db, pool, stager, listener, job);
    const items = await db.getAll('queue', IDBKeyRange.bound([job.id, 0], [job.id, Infinity]));
    const done = items.filter((item) => item.state === 'done');
    // What was done before the reload is counted and handed to the listener with the first progress.
    runner.#pendingOutcomes = done.flatMap((item) => (item.outcome ? [item.outcome] : []));
    for (const outcome of runner.#pendingOutcomes) runner.#count(outcome);
    runner.#rateStart.done = done.length;
    runner.#ready = items.filter((item) => item.state === 'pending').map((item) => item.seq);
    if (job.state === 'staging' && job.expected > job.queued) {
      const lost = job.expected - job.queued;
      runner.#progress.total = job.queued;
      runner.#progress.notice = `${lost} file${lost === 1 ? ' was' : 's were'} not saved before the page closed. Add ${lost === 1 ? 'it' : 'them'} again to finish; anything already imported is skipped.`;
    }
    runner.#start(Promise.resolve());
    return runner;
  }

  /** Give up an unfinished job: its queued files (and our copies of them) are dropped. */
  static async discard(db: KeepsakeDatabase, job: ImportJob): Promise<void> {
    await discardPending(db, job.id);
    await db.put('jobs', { ...job, state: 'cancelled', finishedAt: Date.now() });
  }

  get progress(): ImportProgress {
    return this.#progress;
  }

  cancel(): void {
    this.#abort.abort();
    this.#wakeAll();
  }

  #start(queueing: Promise<void>): void {
    holdingImport(this.job.id, () => this.#run(queueing)).catch((error: Error) => {
      this.#progress.notice = `The import stopped unexpectedly (${error.message}). Everything imported so far is safe; reload to resume the rest.`;
      this.#progress.phase = 'done';
      this.#emit(true);
    });
  }

  async #run(queueing: Promise<void>): Promise<void> {
    // Once every file is queued the job is 'running': a reload after that point loses nothing.
    const queued = queueing.then(() => this.#markJob('running'));
    queued.then(() => this.#finishQueueing(), (error: Error) => this.#finishQueueing(error.message));
    const workers = Array.from({ length: this.pool.size }, () => this.#processLoop());
    await Promise.all(workers);
    await queued.catch(() => undefined);
    if (this.#abort.signal.aborted) await discardPending(this.db, this.job.id);
    if (this.#stopped) {
      // The job stays 'running': its queued files are kept and resume on the next start (or Resume).
      if (this.#stopped === 'permission') this.#progress.permissionLost = true;
      this.#progress.phase = 'done';
      this.#emit(true);
      return;
    }
    await this.#closeJob();
  }

  async #processLoop(): Promise<void> {
    for (;;) {
      if (this.#abort.signal.aborted || this.#stopped) return;
      const seq = this.#ready.shift();
      if (seq === undefined) {
        if (this.#queueingDone) return;
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      const picked = this.#picked.get(seq);
      this.#picked.delete(seq);
      const outcome = await this.pool.run((api) => api.process(this.job.id, seq, picked)).catch((error: Error) => this.#failed(seq, error));
      if (outcome) this.#settled(outcome);
    }
  }

  /** A file is finished with: counted and shown. */
  #settled(outcome: FileOutcome): void {
    this.#count(outcome);
    this.#pendingOutcomes.push(outcome);
    this.#emit();
  }

  /**
   * An unexpected worker failure (not a bad file) marks the file and moves on — except a full
   * disk or lost permission on the folder, which stop the import (every later file would fail the
   * same way) and leave the rest queued, so it resumes once there is room or permission again.
   */
  async #failed(seq: number, error: Error): Promise<FileOutcome | null> {
    if (readFailure(error) === 'no-permission') {
      this.#stopped = 'permission';
      return null;
    }
    const item = await this.db.get('queue', [this.job.id, seq]);
    const path = item?.path ?? `#${seq}`;
    if (isStorageFull(error)) {
      this.#progress.notice = storageFullNotice(this.#progress.total - this.#progress.done);
      this.#stopped = 'storage-full';
      return { path, status: 'rejected', errorCode: 'storage-full', error: rejectMessage('storage-full') };
    }
    const outcome: FileOutcome = { path, status: 'rejected', errorCode: 'corrupt', error: rejectMessage('corrupt', `the decoder failed (${error.message})`) };
    if (item) await this.db.put('queue', { ...item, state: 'done', outcome });
    return outcome;
  }

  async #queueSources(sources: ImportSource[]): Promise<void> {
    const withHandle: QueueItem[] = [];
    const picked: Array<{ seq: number; path: string; file: File }> = [];
    sources.forEach((source, seq) => {
      if (source.handle) {
        withHandle.push({ schema: RECORD_SCHEMA, jobId: this.job.id, seq, path: source.path, size: source.file?.size ?? 0, lastModified: source.file?.lastModified ?? 0, state: 'pending', source: { kind: 'handle', handle: source.handle } });
      } else if (source.file) {
        picked.push({ seq, path: source.path, file: source.file });
        this.#picked.set(seq, source.file);
      }
    });
    for (let i = 0; i < withHandle.length; i += QUEUE_BATCH) {
      const batch = withHandle.slice(i, i + QUEUE_BATCH);
      await queueItems(this.db, this.job.id, batch);
      this.#makeReady(batch.map((item) => item.seq));
    }
    for (let i = 0; i < picked.length && !this.#abort.signal.aborted; i += STAGE_BATCH) {
      const batch = picked.slice(i, i + STAGE_BATCH);
      const result = await this.stager.run(async (api) => await api.stage(this.job.id, batch));
      if (result === 'storage-full') throw new Error(storageFullNotice(picked.length - i));
      const unread = new Set(result.map(({ seq }) => seq));
      for (const { seq, outcome } of result) {
        this.#picked.delete(seq);
        this.#settled(outcome);
      }
      this.#makeReady(batch.map((item) => item.seq).filter((seq) => !unread.has(seq)));
    }
  }

  #makeReady(seqs: number[]): void {
    this.#ready.push(...seqs);
    this.#wakeAll();
  }

  #finishQueueing(notice?: string): void {
    this.#queueingDone = true;
    this.#progress.phase = 'importing';
    if (notice) {
      this.#progress.notice = notice;
      this.#progress.total = this.#progress.done + this.#ready.length;
    }
    this.#wakeAll();
  }

  /** Every waiting loop re-checks the queue; each exits once it is drained and queueing is over. */
  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #markJob(state: ImportJob['state'], finishedAt?: number): Promise<void> {
    const job = (await this.db.get('jobs', this.job.id)) ?? this.job;
    await this.db.put('jobs', { ...job, state, ...(finishedAt ? { finishedAt } : {}) });
  }

  #count(outcome: FileOutcome): void {
    const p = this.#progress;
    p.done += 1;
    if (outcome.status === 'imported') p.imported += 1;
    else if (outcome.status === 'duplicate') p.duplicates += 1;
    else p.rejected += 1;
  }

  #emit(force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastEmit < PROGRESS_INTERVAL_MS) return;
    this.#lastEmit = now;
    const p = this.#progress;
    const seconds = (now - this.#rateStart.at) / 1000;
    p.photosPerSecond = seconds > 0 ? (p.done - this.#rateStart.done) / seconds : 0;
    p.etaSeconds = p.photosPerSecond > 0 ? (p.total - p.done) / p.photosPerSecond : null;
    this.listener.progress({ ...p });
    if (this.#pendingOutcomes.length) this.listener.outcomes(this.#pendingOutcomes.splice(0));
  }

  async #closeJob(): Promise<void> {
    const cancelled = this.#abort.signal.aborted;
    await this.#markJob(cancelled ? 'cancelled' : 'done', Date.now());
    this.#progress.phase = cancelled ? 'cancelled' : 'done';
    this.#emit(true);
  }
}

async function discardPending(db: KeepsakeDatabase, jobId: string): Promise<void> {
  const items = await db.getAll('queue', IDBKeyRange.bound([jobId, 0], [jobId, Infinity]));
  const pending = items.filter((item) => item.state === 'pending');
  const tx = db.transaction('queue', 'readwrite');
  for (const item of pending) void tx.store.delete([item.jobId, item.seq]);
  await tx.done;
  for (const item of pending) if (item.source?.kind === 'opfs') await removeOpfsEntry(item.source.path);
}

function storageFullNotice(remaining: number): string {
  return storageFullMessage(`${remaining} file${remaining === 1 ? '' : 's'}`);
}

/** Unfinished import jobs that no tab is running now, oldest first: resumed on start-up. */
export async function unfinishedJobs(db: KeepsakeDatabase): Promise<ImportJob[]> {
  const [staging, running] = await Promise.all([db.getAllFromIndex('jobs', 'byState', 'staging'), db.getAllFromIndex('jobs', 'byState', 'running')]);
  const idle = await Promise.all([...staging, ...running].map(async (job) => ((await importIsIdle(job.id)) ? [job] : [])));
  return idle.flat().sort((a, b) => a.createdAt - b.createdAt);
}
