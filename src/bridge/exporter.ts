/** The export controller (main thread): one export worker per export, cancellable, with progress. */
import { proxy, wrap, type Remote } from 'comlink';
import type { ExportWorkerApi } from '../../workers/export.worker';

export interface ExportProgress {
  page: number;
  pages: number;
  startedAt: number;
}

export class BookExport {
  #worker = new Worker(new URL('../../workers/export.worker.ts', import.meta.url), { type: 'module', name: 'export' });
  #api: Remote<ExportWorkerApi> = wrap<ExportWorkerApi>(this.#worker);

  /** The PDF; rejects with the worker's message on failure, with an AbortError when cancelled. */
  async run(bookId: string, progress: (progress: ExportProgress) => void): Promise<{ pdf: Blob; cover: Blob | null }> {
    const startedAt = Date.now();
    try {
      return await this.#api.exportBook(bookId, proxy((page: number, pages: number) => progress({ page, pages, startedAt })));
    } finally {
      this.#worker.terminate();
    }
  }

  cancel(): void {
    void this.#api.cancel();
  }
}
