import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { FORMATS, LABS, formatById, labById, printablePageCount, spineWidthMm } from '../../src/pipeline/book/formats';
import { bestPacking, heroSlot, layoutBook, MIN_PPI, safeRect, type LayoutInput } from '../../src/pipeline/book/layout';
import { effectivePpi, resolutionIssues, type Book, type BookPhoto } from '../../src/pipeline/book/model';
import { addBlankPage, editText, fillCrop, History, layoutChoices, movePage, movePhoto, panZoom, removePage, swapPhotos } from '../../src/pipeline/book/edit';
import { BookExportError, needsCjkFont, writeBookPdf, writeCoverPdf } from '../../src/pipeline/book/pdf';
import { coverLayout } from '../../src/pipeline/book/cover';
import { nodeSlotPixels } from '../book-pixels';
import { CORPUS, manifest } from '../corpus';

const ROOT = resolve(__dirname, '../..');
const assets = () => ({
  iccProfile: new Uint8Array(readFileSync(join(ROOT, 'public/print/sRGB.icc'))),
  fonts: [new Uint8Array(readFileSync(join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf')))],
});
const japaneseFont = (): Uint8Array => new Uint8Array(readFileSync(join(ROOT, 'node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')));

const synthetic = (id: string, width: number, height: number, extra: Partial<BookPhoto> = {}): BookPhoto => ({ id, width, height, faces: [], quality: 0.6, favourite: false, ...extra });

function input(photos: BookPhoto[], format = 'square-20', lab = 'standard', chapters = 2): LayoutInput {
  const ids = photos.map((photo) => photo.id);
  const size = Math.ceil(ids.length / chapters);
  return {
    id: 'b1', title: 'Lisbon, May 2023', subtitle: '12–15 May 2023', memoryId: 'trip:e1', coverPhotoId: ids[0] ?? null,
    chapters: Array.from({ length: chapters }, (_, i) => ({ title: `Day ${i + 1}`, photoIds: ids.slice(i * size, (i + 1) * size) })),
    photos: new Map(photos.map((photo) => [photo.id, photo])), format: formatById(format)!, lab: labById(lab)!, now: 0,
  };
}

const inside = (inner: { x: number; y: number; w: number; h: number }, outer: { x: number; y: number; w: number; h: number }, tol = 1e-6): boolean =>
  inner.x >= outer.x - tol && inner.y >= outer.y - tol && inner.x + inner.w <= outer.x + outer.w + tol && inner.y + inner.h <= outer.y + outer.h + tol;

describe('formats and labs', () => {
  it('offers at least four formats and labs with 3 and 4 mm bleed, and counts pages and spines by their rules', () => {
    expect(FORMATS.length).toBeGreaterThanOrEqual(4);
    expect(new Set(LABS.map((lab) => lab.bleedMm))).toEqual(new Set([3, 4, 3.175]));
    const saddle = labById('saddle-stitch')!;
    expect(printablePageCount(13, saddle)).toBe(16);
    expect(printablePageCount(3, saddle)).toBe(12);
    expect(printablePageCount(41, labById('standard')!)).toBe(42);
    expect(spineWidthMm(100, labById('standard')!)).toBe(10);
  });
});

describe('automatic layout', () => {
  const photos = Array.from({ length: 40 }, (_, i) => synthetic(`p${i}`, i % 3 ? 6000 : 4000, i % 3 ? 4000 : 6000, { quality: i % 7 === 0 ? 0.9 : 0.55, favourite: i === 12, faces: i % 7 === 0 ? [[0.45, 0.3, 0.1, 0.12]] : [] }));

  it('keeps every photo once, in order, inside the margins or full page, never under 300 ppi', () => {
    for (const format of FORMATS) {
      const { book } = layoutBook(input(photos, format.id));
      const placed = book.pages.flatMap((page) => page.slots.map((slot) => slot.photoId));
      // The cover photo appears on the title page and again in its chapter.
      expect(placed.slice(1)).toEqual(photos.map((photo) => photo.id));
      for (const page of book.pages) {
        for (const slot of page.slots) {
          const photo = photos.find((p) => p.id === slot.photoId)!;
          expect(effectivePpi(photo, slot)).toBeGreaterThanOrEqual(MIN_PPI - 1e-6);
          if (page.kind === 'hero') expect(slot.frame).toEqual({ x: -3, y: -3, w: format.widthMm + 6, h: format.heightMm + 6 });
          else expect(inside(slot.frame, { x: 0, y: 0, w: format.widthMm, h: format.heightMm })).toBe(true);
        }
      }
    }
  });

  it('keeps faces of full-page photos inside the safe area and out of the gutter', () => {
    const { book } = layoutBook(input(photos));
    const heroes = book.pages.map((page, i) => ({ page, number: i + 1 })).filter(({ page }) => page.kind === 'hero');
    expect(heroes.length).toBeGreaterThan(0);
    const lab = labById('standard')!;
    const format = formatById('square-20')!;
    for (const { page, number } of heroes) {
      const slot = page.slots[0]!;
      const safe = safeRect({ format, lab }, number);
      for (const face of photos.find((p) => p.id === slot.photoId)!.faces) {
        const onPage = {
          x: slot.frame.x + ((face[0] - slot.crop.x) / slot.crop.w) * slot.frame.w,
          y: slot.frame.y + ((face[1] - slot.crop.y) / slot.crop.h) * slot.frame.h,
          w: (face[2] / slot.crop.w) * slot.frame.w,
          h: (face[3] / slot.crop.h) * slot.frame.h,
        };
        expect(inside(onPage, safe), `page ${number}`).toBe(true);
      }
    }
  });

  it('refuses a full page when faces would fall into the gutter or the photo is too small', () => {
    const format = formatById('square-20')!;
    const lab = labById('standard')!;
    // A face at the very left edge: on a right-hand page (bound on the left) it would sit in the gutter.
    expect(heroSlot(synthetic('edge', 4000, 4000, { faces: [[0.0, 0.4, 0.08, 0.1]] }), { format, lab }, 1)).toBeNull();
    expect(heroSlot(synthetic('small', 1200, 1200), { format, lab }, 1)).toBeNull();
    expect(heroSlot(synthetic('ok', 4000, 4000, { faces: [[0.4, 0.4, 0.1, 0.1]] }), { format, lab }, 1)).not.toBeNull();
  });

  it('places a photo too small for its place smaller instead of enlarging it', () => {
    const small = synthetic('small', 600, 400);
    const { slots } = bestPacking([small], { x: 10, y: 10, w: 180, h: 180 });
    expect(slots[0]!.frame.w).toBeCloseTo((600 / MIN_PPI) * 25.4, 5);
    expect(effectivePpi(small, slots[0]!)).toBeCloseTo(MIN_PPI, 5);
  });

  it('meets the lab page rules: spreads photos out, then adds blank pages', () => {
    const few = photos.slice(0, 6);
    const result = layoutBook(input(few, 'square-20', 'standard', 1));
    expect(result.book.pages.length).toBe(20);
    expect(result.book.pages.filter((page) => page.kind === 'blank').length).toBeGreaterThan(0);
    expect(result.notes[0]).toMatch(/blank pages? (were|was) added/);
    const saddle = layoutBook(input(photos, 'square-20', 'saddle-stitch'));
    expect(saddle.book.pages.length % 4).toBe(0);
  });
});

/** A book of real corpus photos (upright JPEGs), laid out and exported. */
function corpusBook(): { book: Book; paths: Map<string, string> } {
  const files = manifest().files.filter((file) => file.format === 'JPEG' && (file.kind ?? 'photo') === 'photo' && !file.path.includes('large') && (file as { orientation?: number | null }).orientation !== null && [1].includes((file as { orientation?: number | null }).orientation ?? 1)).slice(0, 24);
  const photos = files.map((file) => synthetic(file.sha256, file.width, file.height, { faces: (file.faces?.boxes ?? []).map((b) => b.box) }));
  const paths = new Map(files.map((file) => [file.sha256, join(CORPUS, file.path)]));
  return { book: layoutBook(input(photos, 'square-20', 'standard', 3)).book, paths };
}

describe('the print PDF', () => {
  it('passes the print preflight at 3 mm bleed and 300 ppi, and renders photos where the layout put them', async () => {
    const missing = ['qpdf', 'pdftoppm', 'mutool', 'jq'].filter((tool) => spawnSync('which', [tool]).status !== 0);
    expect(missing, 'the print preflight needs: apt-get install -y qpdf poppler-utils mupdf-tools jq').toEqual([]);
    const { book, paths } = corpusBook();
    const pdf = await writeBookPdf(book, formatById('square-20')!, labById('standard')!, assets(), { pixels: nodeSlotPixels((id) => paths.get(id)!), now: new Date(0) });
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-book-'));
    const file = join(dir, 'book.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const check = spawnSync(resolve(CORPUS, '../tools/check-print-pdf.sh'), [file, '--min-ppi', '300', '--bleed-mm', '3', '--trim-mm', '200x200', '--json'], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
    const verdict = JSON.parse(check.stdout.split('\n').find((line) => line.startsWith('{'))!);
    expect(verdict.pages).toBe(book.pages.length);
    expect(verdict.warnings).toBe(0);

    // Render page 3 (the first chapter's second page, photos only) and compare it with the model.
    const pageNumber = book.pages.findIndex((page) => page.kind === 'photos') + 1;
    const dpi = 40;
    execFileSync('pdftoppm', ['-f', String(pageNumber), '-l', String(pageNumber), '-r', String(dpi), '-cropbox', '-jpeg', file, join(dir, 'page')]);
    const rendered = jpeg.decode(readFileSync(join(dir, `page-${String(pageNumber).padStart(2, '0')}.jpg`)), { useTArray: true });
    const px = (mm: number): number => Math.round((mm / 25.4) * dpi);
    const white = (x: number, y: number): boolean => {
      const i = (y * rendered.width + x) * 4;
      return rendered.data[i]! > 245 && rendered.data[i + 1]! > 245 && rendered.data[i + 2]! > 245;
    };
    for (const slot of book.pages[pageNumber - 1]!.slots) {
      // Inside a photo, the page is not blank paper.
      let paper = 0;
      let total = 0;
      for (let y = px(slot.frame.y) + 2; y < px(slot.frame.y + slot.frame.h) - 2; y++) for (let x = px(slot.frame.x) + 2; x < px(slot.frame.x + slot.frame.w) - 2; x++, total++) paper += Number(white(x, y));
      expect(paper / total).toBeLessThan(0.5);
    }
    // The margins are blank paper.
    for (let y = 0; y < px(5); y++) for (let x = 0; x < rendered.width; x++) expect(white(x, y)).toBe(true);
  }, 120_000);

  it('writes the cover apart for labs that want it: back, spine from the page count, front, through the preflight', async () => {
    const { book, paths } = corpusBook();
    const format = formatById('square-20')!;
    const lab = labById('standard')!;
    const coverId = book.pages[0]!.slots[0]!.photoId;
    const file = manifest().files.find((f) => f.sha256 === coverId)!;
    const cover = coverLayout(book, format, lab, synthetic(coverId, file.width, file.height));
    expect(cover.spineMm).toBe(spineWidthMm(book.pages.length, lab));
    expect(cover.sheet.widthMm).toBeCloseTo(2 * format.widthMm + cover.spineMm, 6);
    // The photo and the title are on the front, right of the spine.
    for (const block of [...cover.page.slots.map((s) => s.frame), cover.page.texts[0]!.frame]) expect(block.x).toBeGreaterThanOrEqual(format.widthMm + cover.spineMm - 1e-6);
    const pdf = await writeCoverPdf(book, cover.page, cover.sheet, assets(), { pixels: nodeSlotPixels((id) => paths.get(id)!), now: new Date(0) });
    const out = join(mkdtempSync(join(tmpdir(), 'keepsake-cover-')), 'cover.pdf');
    writeFileSync(out, Buffer.from(await pdf.arrayBuffer()));
    const check = spawnSync(resolve(CORPUS, '../tools/check-print-pdf.sh'), [out, '--min-ppi', '300', '--bleed-mm', '3', '--trim-mm', `${cover.sheet.widthMm}x200`], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
  }, 60_000);

  it('refuses text no font can print, naming the characters', async () => {
    const { book, paths } = corpusBook();
    book.pages[0]!.texts[0]!.text = '京都の秋';
    await expect(writeBookPdf(book, formatById('square-20')!, labById('standard')!, assets(), { pixels: nodeSlotPixels((id) => paths.get(id)!) })).rejects.toThrow(/京 都 の 秋/);
  });

  it('sets Japanese titles in the CJK font, and the preflight renders every glyph', async () => {
    const { book, paths } = corpusBook();
    book.pages[0]!.texts[0]!.text = '京都の秋、2024年10月';
    expect(needsCjkFont(book.pages.flatMap((page) => page.texts.map((text) => text.text)))).toBe(true);
    const pdf = await writeBookPdf({ ...book, pages: book.pages.slice(0, 4) }, formatById('square-20')!, labById('standard')!, { ...assets(), fonts: [...assets().fonts, japaneseFont()] }, { pixels: nodeSlotPixels((id) => paths.get(id)!) });
    const file = join(mkdtempSync(join(tmpdir(), 'keepsake-ja-')), 'ja.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const check = spawnSync(resolve(CORPUS, '../tools/check-print-pdf.sh'), [file, '--min-ppi', '300', '--bleed-mm', '3'], { encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').at(-1), check.stdout).toBe('SUMMARY: PASS');
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/NotoSansJP/);
    expect(execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' })).toContain('京都の秋');
  }, 60_000);

  it('stops when cancelled', async () => {
    const { book, paths } = corpusBook();
    const controller = new AbortController();
    controller.abort();
    await expect(writeBookPdf(book, formatById('square-20')!, labById('standard')!, assets(), { pixels: nodeSlotPixels((id) => paths.get(id)!), signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('editing a book', () => {
  const photos = Array.from({ length: 60 }, (_, i) => synthetic(`p${i}`, i % 2 ? 6000 : 4000, i % 2 ? 4000 : 6000, { faces: i === 3 ? [[0.7, 0.2, 0.1, 0.1]] : [] }));
  const byId = new Map(photos.map((photo) => [photo.id, photo]));
  const { book } = layoutBook(input(photos, 'square-20', 'standard', 1));
  const geometry = { format: formatById('square-20')!, lab: labById('standard')! };
  const photoPage = book.pages.findIndex((page) => page.kind === 'photos' && page.slots.length >= 2);

  it('swaps two photos, each filling the other frame with a crop of its shape, centred on faces', () => {
    const swapped = swapPhotos(book, { page: photoPage, slot: 0 }, { page: photoPage, slot: 1 }, byId);
    const [a, b] = swapped.pages[photoPage]!.slots;
    expect(a!.photoId).toBe(book.pages[photoPage]!.slots[1]!.photoId);
    expect(b!.photoId).toBe(book.pages[photoPage]!.slots[0]!.photoId);
    for (const slot of [a!, b!]) {
      const photo = byId.get(slot.photoId)!;
      expect((slot.crop.w * photo.width) / (slot.crop.h * photo.height)).toBeCloseTo(slot.frame.w / slot.frame.h, 6);
    }
    // The original book is untouched (undo keeps it).
    expect(book.pages[photoPage]!.slots[0]!.photoId).not.toBe(a!.photoId);
    const small = new Map([...byId, [a!.photoId, { ...byId.get(a!.photoId)!, width: 600, height: 400 }]]);
    const shrunk = swapPhotos(book, { page: photoPage, slot: 0 }, { page: photoPage, slot: 1 }, small).pages[photoPage]!.slots[0]!;
    expect(effectivePpi(small.get(shrunk.photoId)!, shrunk)).toBeCloseTo(MIN_PPI, 6);
    expect(shrunk.frame.w).toBeLessThan(book.pages[photoPage]!.slots[0]!.frame.w);
    const crop = fillCrop(byId.get('p3')!, 1);
    expect(crop.x + crop.w).toBeGreaterThanOrEqual(0.8);
  });

  it('moves a photo to another page, packing both pages again and keeping every photo', () => {
    const pages = book.pages.map((page, i) => ({ page, i }));
    const from = pages.find(({ page }) => page.kind === 'photos' && page.slots.length >= 2)!;
    const to = pages.find(({ page, i }) => i !== from.i && page.kind === 'photos' && page.slots.length < 4)!;
    const moving = from.page.slots[0]!.photoId;
    const moved = movePhoto(book, { page: from.i, slot: 0 }, to.i, geometry, byId);
    expect(moved.pages[from.i]!.slots.map((s) => s.photoId)).toEqual(from.page.slots.slice(1).map((s) => s.photoId));
    expect(moved.pages[to.i]!.slots.map((s) => s.photoId).sort()).toEqual([...to.page.slots.map((s) => s.photoId), moving].sort());
    const all = (b: typeof book): string[] => b.pages.flatMap((page) => page.slots.map((s) => s.photoId)).sort();
    expect(all(moved)).toEqual(all(book));
    for (const page of [moved.pages[from.i]!, moved.pages[to.i]!]) for (const slot of page.slots) expect(effectivePpi(byId.get(slot.photoId)!, slot)).toBeGreaterThanOrEqual(MIN_PPI - 1e-6);
    // Never onto the title page.
    expect(movePhoto(book, { page: from.i, slot: 0 }, 0, geometry, byId)).toBe(book);
  });

  it('offers other layouts of a page with the same photos', () => {
    const choices = layoutChoices(book.pages[photoPage]!, photoPage, geometry, byId);
    expect(choices.length).toBeGreaterThan(1);
    for (const choice of choices) expect(choice.slots.map((s) => s.photoId).sort()).toEqual(book.pages[photoPage]!.slots.map((s) => s.photoId).sort());
  });

  it('pans and zooms a crop inside the photo, never below 300 ppi', () => {
    const at = { page: photoPage, slot: 0 };
    const photo = byId.get(book.pages[photoPage]!.slots[0]!.photoId)!;
    const zoomed = panZoom(book, at, { zoom: 100, dx: 5, dy: -5 }, photo);
    const slot = zoomed.pages[photoPage]!.slots[0]!;
    expect(effectivePpi(photo, slot)).toBeGreaterThanOrEqual(MIN_PPI - 1e-6);
    expect(slot.crop.x).toBeGreaterThanOrEqual(0);
    expect(slot.crop.y).toBeGreaterThanOrEqual(0);
    expect(slot.crop.x + slot.crop.w).toBeLessThanOrEqual(1 + 1e-9);
    expect(slot.crop.y + slot.crop.h).toBeLessThanOrEqual(1 + 1e-9);
    expect(slot.crop.w).toBeLessThan(1);
  });

  it('edits text, adds, removes and moves pages, keeping the title page first, with undo and redo', () => {
    const history = new History(book);
    history.push(editText(history.current, { page: 0, text: 0 }, 'Our summer'));
    history.push(addBlankPage(history.current, 1));
    expect(history.current.pages[2]!.kind).toBe('blank');
    history.push(movePage(history.current, 2, 4));
    expect(history.current.pages[4]!.kind).toBe('blank');
    expect(movePage(history.current, 0, 3)).toBe(history.current);
    expect(removePage(history.current, 0)).toBe(history.current);
    history.push(removePage(history.current, 4));
    expect(history.current.pages.length).toBe(book.pages.length);
    expect(history.current.pages[0]!.texts[0]!.text).toBe('Our summer');
    history.undo();
    history.undo();
    history.undo();
    expect(history.current.pages[0]!.texts[0]!.text).toBe('Our summer');
    history.undo();
    expect(history.current).toBe(book);
    expect(history.canUndo).toBe(false);
    history.redo();
    expect(history.current.pages[0]!.texts[0]!.text).toBe('Our summer');
  });

  it('flags photos that would print soft, and blocks those under 150 ppi', () => {
    const slot = book.pages[photoPage]!.slots[0]!;
    const tiny = new Map([[slot.photoId, { width: 400, height: 300 }]]);
    const issues = resolutionIssues({ pages: [book.pages[photoPage]!] }, tiny);
    expect(issues[0]).toMatchObject({ page: 1, photoId: slot.photoId, level: 'block' });
    expect(resolutionIssues(book, byId)).toEqual([]);
  });
});
