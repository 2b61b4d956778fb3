/**
 * The photobook in the real app: a book is made from a memory of part of the shared corpus, edited
 * (text, a swap by drag and drop, a removed page, undo), autosaved across a reload, and exported as
 * a PDF that the print preflight passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { appWithPhotos, type AppSession } from './session';
import { installPageHelpers } from './page-helpers';
import { CORPUS, manifest } from '../corpus';

const files = manifest().files.filter((file) => ['S-E1', 'S-E4'].includes(file.event_id ?? ''));

let session: AppSession;
let page: Page;

const slots = (): Promise<string[]> => page.locator('[data-testid=book-page] [data-testid=book-slot]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-photo-id')!));
const pageCount = (): Promise<number> => page.locator('[data-testid=book-page-thumb]').count();

beforeAll(async () => {
  session = await appWithPhotos(files.map((file) => join(CORPUS, file.path)));
  page = session.page;
}, 300_000);

afterAll(() => session?.close());

describe('the photobook', () => {
  let pages: number;

  it('makes a book of a trip: title page, chapters, every page in the strip', async () => {
    const report = await page.evaluate(() => window.__keepsake!.report('photos'));
    const trip = report.memories!.find((m) => m.kind === 'trip')!;
    // The towns its photos were taken in, as their events place them ("Lisbon, Portugal" → Lisbon).
    const places = new Map(report.photos.map((photo) => [photo.id, photo.place ?? null]));
    const towns = new Set(trip.photoIds.flatMap((id) => places.get(id)?.split(',')[0]?.trim() ?? []));
    await page.click('[data-screen=books]');
    await page.selectOption('[data-testid=book-memory]', trip.id);
    await page.selectOption('[data-testid=book-format]', 'a4-landscape');
    await page.selectOption('[data-testid=book-lab]', 'bleed-4mm');
    await page.click('[data-testid=book-make]');
    await page.waitForSelector('[data-testid=book-editor]');
    pages = await pageCount();
    expect(pages).toBeGreaterThanOrEqual(24);
    expect(pages % 2).toBe(0);
    expect(await page.locator('[data-testid=book-text]').first().inputValue()).toBe(trip.title);
    // Each day's chapter names the towns its photos were taken in.
    expect(towns.size).toBeGreaterThan(0);
    await installPageHelpers(page);
    const books = await page.evaluate(() => window.__kt.records<{ pages: Array<{ texts: Array<{ role: string; text: string }> }> }>('books'));
    const captions = books.flatMap((book) => book.pages.flatMap((bookPage) => bookPage.texts.filter((text) => text.role === 'caption').map((text) => text.text)));
    expect(captions.some((caption) => [...towns].some((town) => caption.includes(town))), `chapters say ${captions.join(' | ')}; towns ${[...towns].join(', ')}`).toBe(true);
  });

  it('edits text, moves a photo to another page by dragging, removes a page, undoes, and keeps it all after a reload', async () => {
    await page.fill('[data-testid=book-text] >> nth=0', 'Lisboa com amigos');
    await page.press('[data-testid=book-text] >> nth=0', 'Tab');
    // Two pages with photos: drag the photo of one onto the other in the page strip to move it there.
    const withPhotos: number[] = [];
    for (let i = 1; i < pages && withPhotos.length < 2; i++) {
      await page.click(`[data-testid=book-page-thumb] >> nth=${i}`);
      if ((await slots()).length) withPhotos.push(i);
    }
    const [first, second] = withPhotos as [number, number];
    await page.click(`[data-testid=book-page-thumb] >> nth=${second}`);
    const theirs = await slots();
    await page.click(`[data-testid=book-page-thumb] >> nth=${first}`);
    const mine = await slots();
    await page.dragAndDrop('[data-testid=book-page] [data-testid=book-slot] >> nth=0', `[data-testid=book-page-thumb] >> nth=${second}`);
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid=book-page] [data-testid=book-slot]').length === count, mine.length - 1);
    await page.click(`[data-testid=book-page-thumb] >> nth=${second}`);
    expect((await slots()).sort()).toEqual([...theirs, mine[0]!].sort());
    await page.click('[data-testid=book-remove-page]');
    expect(await pageCount()).toBe(pages - 1);
    await page.click('[data-testid=book-undo]');
    expect(await pageCount()).toBe(pages);

    await page.reload();
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true);
    await page.click('[data-screen=books]');
    await page.click('[data-testid=book-card]');
    await page.waitForSelector('[data-testid=book-editor]');
    expect(await pageCount()).toBe(pages);
    expect(await page.locator('[data-testid=book-text]').first().inputValue()).toBe('Lisboa com amigos');
  });

  it('exports a PDF with progress that passes the print preflight', async () => {
    const download = page.waitForEvent('download');
    await page.click('[data-testid=book-export]');
    const file = join(mkdtempSync(join(tmpdir(), 'keepsake-book-')), 'book.pdf');
    await (await download).saveAs(file);
    await page.waitForSelector('[data-testid=book-exported]');
    const check = spawnSync(join(CORPUS, '../tools/check-print-pdf.sh'), [file, '--min-ppi', '300', '--bleed-mm', '4', '--trim-mm', '297x210', '--json'], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
    expect(JSON.parse(check.stdout.split('\n').find((line) => line.startsWith('{'))!).pages).toBe(pages);
  });

  it('exports a book titled in Japanese with its glyphs embedded', async () => {
    await page.evaluate(() => window.__keepsake!.setLanguage('ja'));
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const made = await page.evaluate(() => window.__keepsake!.makeBook(null, 'square-20', 'saddle-stitch'));
    if ('error' in made) throw new Error(made.error);
    const download = page.waitForEvent('download');
    const exported = await page.evaluate((id) => window.__keepsake!.exportBook(id), made.bookId);
    expect(exported.ok, JSON.stringify(exported)).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'keepsake-book-ja-')), 'book.pdf');
    await (await download).saveAs(file);
    const check = spawnSync(join(CORPUS, '../tools/check-print-pdf.sh'), [file, '--min-ppi', '300', '--bleed-mm', '3', '--page-multiple', '4'], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
    expect(spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout).toMatch(/NotoSans(JP|SC)/);
  });
});
