/**
 * A small pool of comlink-wrapped workers. Tasks wait for a free worker; workers idle for
 * `idleMs` are terminated (and re-created on demand) so an idle app holds no decoder memory.
 */
import { wrap, type Remote } from 'comlink';

interface Slot<T> {
  worker: Worker;
  api: Remote<T>;
  busy: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export class WorkerPool<T> {
  readonly #slots: Slot<T>[] = [];
  readonly #waiting: Array<(slot: Slot<T>) => void> = [];

  constructor(
    private readonly create: () => Worker,
    readonly size: number,
    private readonly idleMs = 30_000,
  ) {}

  async run<R>(task: (api: Remote<T>) => Promise<R>): Promise<R> {
    const slot = await this.#acquire();
    try {
      return await task(slot.api);
    } finally {
      this.#release(slot);
    }
  }

  /** `task` on every worker started so far, at once, whether busy or not (read-only questions such as memory use). */
  each<R>(task: (api: Remote<T>) => Promise<R>): Promise<R[]> {
    return Promise.all(this.#slots.map((slot) => task(slot.api)));
  }

  terminate(): void {
    for (const slot of this.#slots.splice(0)) {
      clearTimeout(slot.idleTimer);
      slot.worker.terminate();
    }
  }

  #acquire(): Promise<Slot<T>> {
    const free = this.#slots.find((slot) => !slot.busy);
    if (free) return Promise.resolve(this.#claim(free));
    if (this.#slots.length < this.size) {
      const worker = this.create();
      const slot: Slot<T> = { worker, api: wrap<T>(worker), busy: false };
      this.#slots.push(slot);
      return Promise.resolve(this.#claim(slot));
    }
    return new Promise((resolve) => this.#waiting.push((slot) => resolve(this.#claim(slot))));
  }

  #claim(slot: Slot<T>): Slot<T> {
    clearTimeout(slot.idleTimer);
    slot.busy = true;
    return slot;
  }

  #release(slot: Slot<T>): void {
    slot.busy = false;
    const next = this.#waiting.shift();
    if (next) return next(slot);
    slot.idleTimer = setTimeout(() => this.#retire(slot), this.idleMs);
  }

  #retire(slot: Slot<T>): void {
    if (slot.busy) return;
    slot.worker.terminate();
    this.#slots.splice(this.#slots.indexOf(slot), 1);
  }
}

/** Import work is CPU-bound decoding: one worker per core, leaving the page its share. */
export function poolSizeFor(cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(2, Math.min(cores, 8));
}

export const createImportWorker = (): Worker =>
  new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'import' });
