/** Driving the real app in a browser page: the import path shared by the CLI, tests and benchmarks. */
import type { BrowserContext, Download, Page } from 'playwright-core';
import { basename } from 'node:path';
import type { Report } from '../src/pipeline/report/report';
import type { AutomationStatus } from '../src/bridge/automation';
import type { Language } from '../src/pipeline/memories/types';
import { resolveSignalPaths, type FileSignal } from '../src/pipeline/memories/signals-file';

export async function openApp(context: BrowserContext, url: string, query = 'automation=1&demo=0'): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  await page.goto(`${url}/?${query}`);
  await page.waitForFunction(() => window.__keepsake?.status().loaded === true, null, { timeout: 60_000 });
  return page;
}

export async function status(page: Page): Promise<AutomationStatus> {
  return page.evaluate(() => window.__keepsake!.status());
}

/** Wait until the running import (if any) finishes, logging progress now and then. */
export async function waitForImport(page: Page, log: (line: string) => void): Promise<AutomationStatus> {
  let lastLog = 0;
  for (;;) {
    const s = await status(page);
    if (s.phase === 'done' || s.phase === 'cancelled') return s;
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      if (s.total) log(`import: ${s.done}/${s.total}`);
    }
    await page.waitForTimeout(200);
  }
}

/**
 * Wait until every stored photo has a current analysis (or the person's pause/stop, or a failure,
 * ends the run), logging progress now and then. `watch` sees every status polled (the benchmark
 * notes when the done count moves).
 */
export async function waitForAnalysis(page: Page, log: (line: string) => void, watch?: (s: AutomationStatus) => void): Promise<AutomationStatus> {
  let lastLog = 0;
  for (;;) {
    const s = await status(page);
    watch?.(s);
    const settled = s.analysis.phase !== 'loading' && s.analysis.phase !== 'running';
    // Photos that failed stay unanalysed: once the queue has settled, they end the wait too.
    if (settled && (s.analysis.phase === 'stopped' || s.analysis.phase === 'paused' || (await page.evaluate(() => window.__keepsake!.unanalysed())) <= s.analysis.failed)) return s;
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      if (s.analysis.total) log(`analyse: ${s.analysis.done}/${s.analysis.total}${s.analysis.backend ? ` on ${s.analysis.backend}` : ''}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Import through one of the app's own inputs (a folder, or files), exactly as a person picking them would. */
export async function importFiles(page: Page, files: string | string[], log: (line: string) => void, input: 'folder-input' | 'file-input' = 'folder-input'): Promise<AutomationStatus> {
  const before = (await status(page)).jobId;
  await page.setInputFiles(`[data-testid=${input}]`, files);
  await page.waitForFunction((previous) => window.__keepsake!.status().jobId !== previous, before, { timeout: 120_000 });
  return waitForImport(page, log);
}

export interface RunOptions {
  /** Titles (and the UI) in this language. */
  language?: Language;
  /** Signals to replay after clustering, before the report. */
  signals?: FileSignal[];
  /** Make a book and write its PDF there. */
  book?: { out: string; memoryId: string | null; formatId: string; labId: string };
}

export async function runImport(context: BrowserContext, url: string, folder: string, log: (line: string) => void, options: RunOptions = {}): Promise<Report> {
  const page = await openApp(context, url);
  if (options.language) await page.evaluate((language) => window.__keepsake!.setLanguage(language), options.language);
  log(`importing ${folder}`);
  const result = await importFiles(page, folder, log);
  if (result.notice) log(`note: ${result.notice}`);
  const analysed = await waitForAnalysis(page, log);
  if (analysed.analysis.notice) log(`note: ${analysed.analysis.notice}`);
  log('grouping people and events');
  await page.evaluate(() => window.__keepsake!.clusterSettled());
  const clustered = await status(page);
  if (clustered.cluster.notice) log(`note: ${clustered.cluster.notice}`);
  const root = basename(folder);
  if (options.signals?.length) {
    const files = (await page.evaluate((r) => window.__keepsake!.report(r), root)).files;
    const byPath = new Map(files.flatMap((file) => (file.photoId ? [[file.path, file.photoId] as const] : [])));
    const signals = resolveSignalPaths(options.signals, (path) => byPath.get(path));
    log(`replaying ${signals.length} signals`);
    await page.evaluate((list) => window.__keepsake!.replaySignals(list), signals);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
  }
  const report = await page.evaluate((r) => window.__keepsake!.report(r), root);
  if (options.book) {
    const { book, exportMs } = await exportBook(page, options.book, log);
    report.book = book;
    report.timings.exportMs = exportMs;
  }
  return report;
}

/** Lay out the book and export it through the app, saving the PDF the page hands over as a download. */
async function exportBook(page: Page, book: NonNullable<RunOptions['book']>, log: (line: string) => void): Promise<{ book: NonNullable<Report['book']>; exportMs: number }> {
  const made = await page.evaluate(({ memoryId, formatId, labId }) => window.__keepsake!.makeBook(memoryId, formatId, labId), book);
  if ('error' in made) throw new Error(`no book: ${made.error}`);
  log(`book of ${made.memoryId}: ${made.pages} pages`);
  for (const note of made.notes) log(`note: ${note}`);
  const downloads: Download[] = [];
  const collect = (download: Download): void => void downloads.push(download);
  page.on('download', collect);
  const exported = await page.evaluate((id) => window.__keepsake!.exportBook(id), made.bookId);
  if (!exported.ok) throw new Error(exported.error);
  while (downloads.length < (exported.cover ? 2 : 1)) await page.waitForTimeout(100);
  page.off('download', collect);
  await downloads[0]!.saveAs(book.out);
  log(`PDF written to ${book.out} in ${(exported.ms / 1000).toFixed(1)} s`);
  const coverPath = book.out.replace(/(\.pdf)?$/i, '-cover.pdf');
  if (exported.cover) {
    await downloads[1]!.saveAs(coverPath);
    log(`the lab wants the cover apart: ${coverPath}`);
  }
  return {
    book: { pdf: basename(book.out), ...(exported.cover ? { cover: basename(coverPath) } : {}), pages: made.pages, format: book.formatId, lab: book.labId, memoryId: made.memoryId },
    exportMs: exported.ms,
  };
}
