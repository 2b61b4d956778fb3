/**
 * The clustering controller (main thread): people after new faces, events after new photos, in one
 * cluster worker. Requests coalesce: ten analysis batches finishing while people are being
 * clustered cause one more run, not ten.
 */
import { isStorageFull, storageFullMessage } from '../db/storage-full';
import { WorkerPool } from './pool';
import type { ClusterWorkerApi } from '../../workers/cluster.worker';
import type { PeopleRun } from '../cluster/people-run';
import type { EventsRun } from '../cluster/events-run';
import { KEEP_MS, type MemoriesRun } from '../cluster/memories-run';

export type ClusterTask = 'people' | 'regroup' | 'events' | 'memories';

export interface ClusterProgress {
  /** What runs now; null when nothing does. */
  running: ClusterTask | null;
  lastPeople: PeopleRun | null;
  lastEvents: EventsRun | null;
  lastMemories: MemoriesRun | null;
  notice?: string;
}

export interface ClusterListener {
  progress(progress: ClusterProgress): void;
  /** People were (re)clustered and stored. */
  people(): void;
  /** Events were recomputed and stored. */
  events(): void;
  /** Memories were ranked and stored. */
  memories(): void;
}

const createClusterWorker = (): Worker =>
  new Worker(new URL('../../workers/cluster.worker.ts', import.meta.url), { type: 'module', name: 'cluster' });

export class ClusterRunner {
  // The worker keeps the library its last memories run read (src/cluster/memories-run.ts): retiring it
  // sooner would make the next run read 100,000 photos and analyses again.
  #pool = new WorkerPool<ClusterWorkerApi>(createClusterWorker, 1, KEEP_MS);
  #wanted = new Set<ClusterTask>();
  #loop: Promise<void> | null = null;
  #progress: ClusterProgress = { running: null, lastPeople: null, lastEvents: null, lastMemories: null };

  constructor(private readonly listener: ClusterListener) {}

  get progress(): ClusterProgress {
    return this.#progress;
  }

  /** Ask for a task; it runs once after everything asked before it. */
  request(task: ClusterTask): void {
    this.#wanted.add(task);
    this.#loop ??= this.#drain().finally(() => (this.#loop = null));
  }

  /** Resolves when nothing is asked for or running (the CLI and tests wait on it). */
  async settled(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  dispose(): void {
    this.#pool.terminate();
  }

  async #drain(): Promise<void> {
    for (;;) {
      const task = (['regroup', 'people', 'events', 'memories'] as const).find((t) => this.#wanted.has(t));
      if (!task) return;
      this.#wanted.delete(task);
      // A full regroup also places new faces.
      if (task === 'regroup') this.#wanted.delete('people');
      this.#set({ running: task });
      try {
        await this.#run(task);
        this.#set({ running: null, notice: undefined });
      } catch (error) {
        const what = { events: 'group your photos into events', memories: 'make your memories', people: 'group faces into people', regroup: 'group faces into people' }[task];
        const notice = isStorageFull(error)
          ? storageFullMessage(`the latest ${task === 'regroup' ? 'people' : task}`)
          : `Keepsake could not ${what}: ${(error as Error).message}. Your photos and corrections are safe; it will try again after the next import.`;
        this.#set({ running: null, notice });
      }
    }
  }

  async #run(task: ClusterTask): Promise<void> {
    if (task === 'memories') {
      const lastMemories = await this.#pool.run((api) => api.memories(localNow(), [...navigator.languages]));
      this.#set({ lastMemories });
      if (!lastMemories.current) this.listener.memories();
      return;
    }
    // People and events change what memories are made of.
    this.#wanted.add('memories');
    if (task === 'events') {
      const lastEvents = await this.#pool.run((api) => api.events());
      this.#set({ lastEvents });
      this.listener.events();
    } else {
      const lastPeople = await this.#pool.run((api) => api.people(task === 'regroup'));
      this.#set({ lastPeople });
      // No face came since the last run: the people the page holds are still right.
      if (lastPeople.mode !== 'current') this.listener.people();
    }
  }

  #set(change: Partial<ClusterProgress>): void {
    this.#progress = { ...this.#progress, ...change };
    this.listener.progress(this.#progress);
  }
}

/** Today's local wall clock as if it were UTC (how the library keeps times). */
function localNow(): number {
  const now = new Date();
  return now.getTime() - now.getTimezoneOffset() * 60_000;
}
