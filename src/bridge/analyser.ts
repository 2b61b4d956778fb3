/**
 * The analysis controller (main thread). The queue is the library itself: every photo without an
 * analysis made by the current model versions is pending, so a reload, a crash or a model upgrade
 * simply resumes where the stored results stop. Work runs in a pool of vision workers with
 * progress (done/total, photos/s, ETA), pause/resume and stop.
 */
import { isStorageFull, storageFullMessage } from '../db/storage-full';
import type { KeepsakeDatabase, TfBackend } from '../db/schema';
import { WorkerPool } from './pool';
import type { VisionWorkerApi } from '../../workers/vision.worker';
import { IdSet } from '../pipeline/library/id-map';

export type AnalysisPhase = 'idle' | 'loading' | 'running' | 'paused' | 'stopped' | 'done';

export interface AnalysisProgress {
  phase: AnalysisPhase;
  total: number;
  done: number;
  failed: number;
  photosPerSecond: number;
  etaSeconds: number | null;
  backend: TfBackend | null;
  backendReason: string | null;
  startedAt: number | null;
  notice?: string;
}

export interface AnalysisListener {
  progress(progress: AnalysisProgress): void;
  /** Photos whose analysis was just stored. */
  analysed(photoIds: string[]): void;
  /** Similar groups were recomputed and stored. */
  grouped(): void;
}

const PROGRESS_INTERVAL_MS = 250;
/** Similar groups are refreshed this often during a long run, and always at its end. */
const GROUP_EVERY = 200;
const PAUSED_KEY = 'analysis-paused';

/** Each worker holds its own models (~0.3 GB); wasm runs one inference per worker at a time. */
export const visionPoolSize = (cores = navigator.hardwareConcurrency || 2): number => Math.max(1, Math.min(cores, 4));

export const createVisionWorker = (): Worker =>
  new Worker(new URL('../../workers/vision.worker.ts', import.meta.url), { type: 'module', name: 'vision' });

export class AnalysisRunner {
  #pool: WorkerPool<VisionWorkerApi>;
  #queue: string[] = [];
  #progress: AnalysisProgress = { phase: 'idle', total: 0, done: 0, failed: 0, photosPerSecond: 0, etaSeconds: null, backend: null, backendReason: null, startedAt: null };
  #running: Promise<void> | null = null;
  #paused = false;
  #stopped = false;
  #lastEmit = 0;
  #sinceGroup = 0;
  #fresh: string[] = [];
  #rate = { at: 0, done: 0 };

  constructor(
    private readonly db: KeepsakeDatabase,
    private readonly listener: AnalysisListener,
    private readonly forcedBackend?: TfBackend,
    size = visionPoolSize(),
  ) {
    this.#pool = new WorkerPool<VisionWorkerApi>(createVisionWorker, size);
  }

  get progress(): AnalysisProgress {
    return this.#progress;
  }

  /** Whether the person paused analysis (kept across reloads). */
  async wasPaused(): Promise<boolean> {
    return (await this.db.get('meta', PAUSED_KEY))?.value === true;
  }

  /** Queue photos with no analysis by the current model versions (in the order given) and run unless paused. */
  async enqueue(pending: string[]): Promise<void> {
    const queued = new IdSet(this.#queue);
    const added = pending.filter((id) => !queued.has(id));
    if (!added.length && this.#running) return;
    this.#queue.push(...added);
    if (this.#progress.phase === 'done' || this.#progress.phase === 'idle' || this.#progress.phase === 'stopped') {
      this.#progress = { ...this.#progress, total: 0, done: 0, failed: 0, startedAt: null };
    }
    this.#progress.total += added.length;
    this.#paused = await this.wasPaused();
    if (this.#paused) return this.#setPhase('paused');
    if (!added.length && !this.#queue.length) return this.#setPhase(this.#progress.total ? 'done' : 'idle');
    this.#stopped = false;
    this.#running ??= this.#run().finally(() => (this.#running = null));
  }

  async pause(): Promise<void> {
    this.#paused = true;
    await this.db.put('meta', { key: PAUSED_KEY, value: true });
    this.#setPhase('paused');
  }

  async resume(pending: string[]): Promise<void> {
    this.#paused = false;
    this.#progress.notice = undefined;
    // Only a preference: with storage still full it cannot be stored, and the run says so itself.
    await this.db.put('meta', { key: PAUSED_KEY, value: false }).catch(() => undefined);
    if (this.#running) return this.#setPhase('running');
    await this.enqueue(pending);
  }

  /** Stop now: what is analysed stays; the rest waits (paused) until the person resumes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue = [];
    await this.db.put('meta', { key: PAUSED_KEY, value: true });
    await this.#running;
    this.#pool.terminate();
    this.#setPhase('stopped');
  }

  /** Live tensors in every vision worker now running (the scale benchmark and the GPU run report them). */
  async tensors(): Promise<number[]> {
    return (await this.#pool.each((api) => api.memory())).map((memory) => memory.numTensors);
  }

  /** Re-analyse `ids` `rounds` times in one worker; its live tensor count after each round. */
  async stress(ids: string[], rounds: number): Promise<number[]> {
    return this.#pool.run(async (api) => {
      await api.init(this.forcedBackend);
      return api.stress(ids, rounds);
    });
  }

  dispose(): void {
    this.#stopped = true;
    this.#pool.terminate();
  }

  async #run(): Promise<void> {
    this.#setPhase('loading');
    try {
      // Every worker the queue needs loads its models at once: one by one, the second only started
      // once the first had loaded (1.3 s later on a 2-core machine) and analysed a photo.
      const workers = Math.max(1, Math.min(this.#pool.size, this.#queue.length));
      const [info] = await Promise.all(Array.from({ length: workers }, () => this.#pool.run((api) => api.init(this.forcedBackend))));
      this.#progress.backend = info!.backend;
      this.#progress.backendReason = info!.reason;
    } catch (error) {
      this.#progress.notice = `Keepsake could not load its vision models (${(error as Error).message}). Photos stay in your library; reload to try again.`;
      return this.#setPhase('stopped');
    }
    this.#progress.startedAt ??= Date.now();
    this.#rate = { at: performance.now(), done: this.#progress.done };
    this.#setPhase('running');
    for (;;) {
      await Promise.all(Array.from({ length: this.#pool.size }, () => this.#loop()));
      if (this.#stopped) return;
      // With storage full, grouping could not store its result either: it runs once there is room.
      if (this.#paused && this.#progress.notice) return this.#setPhase('paused');
      await this.#group();
      if (this.#paused) return this.#setPhase('paused');
      // Photos enqueued while the last ones finished are picked up here.
      if (!this.#queue.length) return this.#setPhase('done');
    }
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      if (this.#paused) return;
      const id = this.#queue.shift();
      if (id === undefined) return;
      const outcome = await this.#pool
        .run(async (api) => {
          await api.init(this.forcedBackend);
          return api.analyse(id);
        })
        .catch((error: Error) => ({ photoId: id, status: 'failed' as const, error }));
      if (outcome.status === 'failed' && isStorageFull(outcome.error)) return this.#pauseForStorage(id);
      if (outcome.status === 'analysed') {
        this.#fresh.push(id);
        this.#progress.done += 1;
      } else {
        this.#progress.failed += 1;
        this.#progress.done += 1;
      }
      // The run groups the whole library when its queue empties: grouping here as well would do it twice.
      if (++this.#sinceGroup >= GROUP_EVERY && this.#queue.length) await this.#group();
      this.#emit();
    }
  }

  /**
   * Storage is full: every next photo would fail the same way, so analysis pauses (in this tab; the
   * pause cannot be stored) with the photo back in the queue, and Resume carries on once there is room.
   */
  #pauseForStorage(id: string): void {
    this.#queue.unshift(id);
    this.#paused = true;
    this.#progress.notice = storageFullMessage(`the analysis of ${this.#queue.length} photo${this.#queue.length === 1 ? '' : 's'}`);
  }

  async #group(): Promise<void> {
    this.#sinceGroup = 0;
    await this.#pool.run((api) => api.group());
    this.listener.grouped();
  }

  #setPhase(phase: AnalysisPhase): void {
    this.#progress.phase = phase;
    this.#emit(true);
  }

  #emit(force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastEmit < PROGRESS_INTERVAL_MS) return;
    this.#lastEmit = now;
    const p = this.#progress;
    const seconds = (now - this.#rate.at) / 1000;
    p.photosPerSecond = p.phase === 'running' && seconds > 0 ? (p.done - this.#rate.done) / seconds : 0;
    p.etaSeconds = p.photosPerSecond > 0 ? (p.total - p.done) / p.photosPerSecond : null;
    this.listener.progress({ ...p });
    if (this.#fresh.length) this.listener.analysed(this.#fresh.splice(0));
  }
}
