/**
 * The page's reader worker (workers/reader.worker.ts), started on first use: thumbnail URLs and
 * analysis summaries read from IndexedDB off the page's thread.
 */
import { wrap, type Remote } from 'comlink';
import type { ReaderWorkerApi } from '../../workers/reader.worker';

let reader: Remote<ReaderWorkerApi> | null = null;

export function readerWorker(): Remote<ReaderWorkerApi> {
  return (reader ??= wrap<ReaderWorkerApi>(new Worker(new URL('../../workers/reader.worker.ts', import.meta.url), { type: 'module', name: 'reader' })));
}
