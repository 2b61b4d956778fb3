/**
 * Export of a long book from 12-MP originals: a library of generated 12-MP JPEGs is imported
 * (analysis off: the layout needs no faces to be timed), laid out as one book of about 100 pages
 * at 300 ppi or more, and exported by the app's export worker, as a person's click would. Writes
 * the time, pages per second and the browser's peak memory (all its processes). 285 photos make
 * 102 pages.
 */
import { cpus, totalmem } from 'node:os';
import { launchBrowser } from '../cli/browser';
import { ensureBuilt, serveDist } from '../cli/serve';
import { importFiles, openApp } from '../cli/drive';
import { ensureImportFixtures } from './fixtures';
import { sampleMemory } from './import';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

export async function benchExport(args: string[]): Promise<unknown> {
  const countArg = args.indexOf('--count');
  const count = countArg >= 0 ? Number(args[countArg + 1]) : 285;
  // The app's default format, and the largest pages (the most pixels per page) as the worst case.
  const formats = (args.includes('--formats') ? args[args.indexOf('--formats') + 1]! : 'square-20,square-30').split(',');
  const fixtures = await ensureImportFixtures({ count, log });
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const browser = await launchBrowser();
  try {
    const page = await openApp(browser.context, url, 'automation=1&demo=0&analyse=0');
    log(`importing ${fixtures.files.length} 12-MP photos…`);
    await importFiles(page, fixtures.dir, log);
    const report = await page.evaluate(() => window.__keepsake!.report('bench'));
    const ids = report.photos.slice().sort((a, b) => (a.takenAt ?? '').localeCompare(b.takenAt ?? '')).map((photo) => photo.id);
    const runs = [];
    for (const format of formats) {
      const made = await page.evaluate(({ ids, format }) => window.__keepsake!.makeBookOf(ids, format, 'standard'), { ids, format });
      if ('error' in made) throw new Error(made.error);
      log(`exporting a ${made.pages}-page ${format} book of ${ids.length} photos…`);
      const memory = sampleMemory(browser.profile);
      const exported = await page.evaluate((id) => window.__keepsake!.exportBook(id, false), made.bookId);
      const peakRssMB = memory.stop();
      if (!exported.ok) throw new Error(exported.error);
      runs.push({
        format,
        pages: made.pages,
        coverApart: exported.cover,
        exportMs: exported.ms,
        pagesPerSecond: Math.round((made.pages / (exported.ms / 1000)) * 100) / 100,
        pdfMB: Math.round(exported.bytes / 2 ** 20),
        peakBrowserRssMB: peakRssMB,
      });
    }
    return {
      benchmark: 'export',
      at: new Date().toISOString(),
      machine: { cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), browser: browser.context.browser()?.version() ?? 'chromium (persistent context)' },
      input: { photos: ids.length, megapixels: 12, lab: 'standard', ppi: 300 },
      runs,
      goals: { exportMs: 60_000, peakMemoryMB: 1536 },
    };
  } finally {
    await browser.close();
    server.close();
  }
}
