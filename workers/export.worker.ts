/** Export worker: a book's print PDF, page by page (src/pipeline/book/pdf.ts), its photos prepared by a pool of print-pixels workers. */
import { expose } from 'comlink';
import fontUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import japaneseFontUrl from '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf?url';
import chineseFontUrl from '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf?url';
import { openKeepsakeDB, type KeepsakeDatabase } from '../src/db/schema';
import { formatById, labById } from '../src/pipeline/book/formats';
import { BLOCK_PPI, resolutionIssues } from '../src/pipeline/book/model';
import { BookExportError, needsCjkFont, writeBookPdf, writeCoverPdf } from '../src/pipeline/book/pdf';
import { coverLayout } from '../src/pipeline/book/cover';
import type { PhotoSlot } from '../src/pipeline/book/model';
import { WorkerPool, poolSizeFor } from '../src/bridge/pool';
import type { PrintPixelsWorkerApi } from './print-pixels.worker';

let db: Promise<KeepsakeDatabase> | null = null;
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB());
let running: AbortController | null = null;

/**
 * Decoding and encoding the photos is most of an export's work: it runs in a pool of workers (one
 * per core) while this one assembles the PDF.
 */
const pixelWorkers = new WorkerPool<PrintPixelsWorkerApi>(
  () => new Worker(new URL('./print-pixels.worker.ts', import.meta.url), { type: 'module', name: 'print-pixels' }),
  poolSizeFor(),
  5_000,
);

/** Served by our own build: the colour profile from public/print, the font from the dejavu-fonts-ttf package. */
async function asset(url: string): Promise<Uint8Array> {
  const response = await fetch(new URL(url, self.location.origin));
  if (!response.ok) throw new BookExportError(`${url} could not be loaded (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * DejaVu for Latin, Greek and Cyrillic; Noto Sans JP and SC (several MB each) fetched only when a
 * text needs them, Japanese first when there is kana, else Chinese.
 */
async function fontsFor(texts: string[]): Promise<Uint8Array[]> {
  if (!needsCjkFont(texts)) return [await asset(fontUrl)];
  const kana = texts.some((text) => /[\u3040-\u30FF]/u.test(text));
  return Promise.all([fontUrl, ...(kana ? [japaneseFontUrl, chineseFontUrl] : [chineseFontUrl, japaneseFontUrl])].map(asset));
}

const api = {
  /**
   * The PDF of a stored book, and its cover apart when the lab wants that, as Blobs (handed over by
   * reference: no copy of a file of hundreds of MB); `progress(page, pages)` after each page.
   */
  async exportBook(bookId: string, progress: (page: number, pages: number) => void): Promise<{ pdf: Blob; cover: Blob | null }> {
    const store = await database();
    const book = await store.get('books', bookId);
    if (!book) throw new BookExportError('That book is no longer stored.');
    const format = formatById(book.formatId);
    const lab = labById(book.labId);
    if (!format || !lab) throw new BookExportError(`Unknown format or lab (${book.formatId}, ${book.labId}).`);
    const ids = [...new Set(book.pages.flatMap((page) => page.slots.map((slot) => slot.photoId)))];
    const photos = new Map((await Promise.all(ids.map((id) => store.get('photos', id)))).flatMap((photo) => (photo ? [[photo.id, photo] as const] : [])));
    const blocked = resolutionIssues(book, photos).filter((issue) => issue.level === 'block');
    if (blocked.length) throw new BookExportError(`Photos on pages ${[...new Set(blocked.map((issue) => issue.page))].join(', ')} would print under ${BLOCK_PPI} ppi. Make them smaller or choose other photos.`);
    running = new AbortController();
    try {
      const [iccProfile, fonts] = await Promise.all([asset(`${import.meta.env.BASE_URL}print/sRGB.icc`), fontsFor(book.pages.flatMap((page) => page.texts.map((text) => text.text)))]);
      const assets = { iccProfile, fonts };
      const pixels = (slot: PhotoSlot, target: { width: number; height: number }) => pixelWorkers.run((worker) => worker.pixels(slot, target));
      const pdf = await writeBookPdf(book, format, lab, assets, { pixels, signal: running.signal, progress });
      if (!lab.coverSeparate) return { pdf, cover: null };
      const coverId = book.pages[0]?.slots[0]?.photoId;
      const coverPhoto = coverId ? photos.get(coverId) : undefined;
      const layout = coverLayout(book, format, lab, coverPhoto && { id: coverPhoto.id, width: coverPhoto.width, height: coverPhoto.height, faces: (await store.get('analyses', coverPhoto.id))?.faces.map((face) => face.box) ?? [], quality: 0, favourite: false });
      return { pdf, cover: await writeCoverPdf(book, layout.page, layout.sheet, assets, { pixels, signal: running.signal }) };
    } finally {
      running = null;
      pixelWorkers.terminate();
    }
  },
  cancel(): void {
    running?.abort();
  },
};

export type ExportWorkerApi = typeof api;
expose(api);
