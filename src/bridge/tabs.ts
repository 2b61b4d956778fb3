/**
 * Keepsake open in several tabs at once. One tab leads: it holds the pipeline lock (Web Locks) for
 * its lifetime and is the only one that analyses photos, groups people and events and ranks
 * memories, so no two tabs ever cluster the same faces into different people. The other tabs show
 * the same library, write what the person does in them (imports, names, edits — each an IndexedDB
 * transaction) and ask the leader for the work that follows; when the leader closes, the next tab
 * takes the lock and carries on. Every tab tells the others what it changed (BroadcastChannel), so
 * each shows the latest library and an edit made in one tab is never overwritten by a stale copy
 * in another. An import holds a lock of its own while it runs, so a job is never resumed by a
 * second tab while the first is still working on it.
 */

/** What a tab changed in the database: the others reload exactly that. */
export type Changed =
  | { kind: 'photos'; ids: string[] }
  | { kind: 'analyses'; ids: string[] }
  | { kind: 'people' | 'events' | 'memories' | 'books' | 'signals' | 'settings' };

/** The work a tab without the lock asks the leader for. */
export type Request = { kind: 'analyse' } | { kind: 'cluster'; task: 'people' | 'events' | 'memories' | 'regroup' };

type Message = { changed: Changed } | { request: Request };

const CHANNEL = 'keepsake';
const PIPELINE_LOCK = 'keepsake-pipeline';
const importLock = (jobId: string): string => `keepsake-import-${jobId}`;

export interface TabListener {
  changed(change: Changed): void;
  /** Only the leader gets requests. */
  requested(request: Request): void;
}

export class Tabs {
  #channel = new BroadcastChannel(CHANNEL);
  #leading = false;

  constructor(listener: TabListener) {
    this.#channel.onmessage = (event: MessageEvent<Message>) => {
      const message = event.data;
      if ('changed' in message) listener.changed(message.changed);
      else if (this.#leading) listener.requested(message.request);
    };
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Lead now if no other tab does (true), else false and `whenLeading` runs once this tab takes
   * over. The lock is held until the tab closes.
   */
  async lead(whenLeading: () => void): Promise<boolean> {
    const now = await holdWhileOpen(PIPELINE_LOCK, { ifAvailable: true });
    if (now) return (this.#leading = true);
    void holdWhileOpen(PIPELINE_LOCK, {}).then(() => {
      this.#leading = true;
      whenLeading();
    });
    return false;
  }

  announce(changed: Changed): void {
    this.#channel.postMessage({ changed } satisfies Message);
  }

  ask(request: Request): void {
    this.#channel.postMessage({ request } satisfies Message);
  }
}

/** Take `name` and keep it until the page goes away; resolves true once held (false: not available). */
function holdWhileOpen(name: string, options: LockOptions): Promise<boolean> {
  return new Promise((resolve) => {
    void navigator.locks.request(name, options, (lock) => {
      resolve(lock !== null);
      // Held until the tab closes (or crashes): the browser then releases it.
      return lock ? new Promise<never>(() => undefined) : undefined;
    });
  });
}

/** Run an import while holding its lock. */
export async function holdingImport(jobId: string, run: () => Promise<void>): Promise<void> {
  await navigator.locks.request(importLock(jobId), run);
}

/** Whether no tab is running this import now (its lock is free), so this tab may resume it. */
export async function importIsIdle(jobId: string): Promise<boolean> {
  const { held = [] } = await navigator.locks.query();
  return !held.some((lock) => lock.name === importLock(jobId));
}
