/**
 * Import through the real UI inputs in headless Chromium with real IndexedDB and OPFS, checked
 * against the shared corpus manifest: every valid photo with the right id, size, time and GPS;
 * every bad file refused with its code; duplicates recognised; the library survives a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { ROOT, serveDist } from '../../cli/serve';
import { importFiles, openApp, status } from '../../cli/drive';
import type { Report } from '../../src/pipeline/report/report';
import { buildExifApp1, insertExifApp1 } from '../../bench/exif-writer';
import { installPageHelpers } from './page-helpers';
import { CORPUS, expectedOutcome, expectedTakenAt, manifest } from '../corpus';

const quiet = (): void => undefined;
/** The import tests look at import only: analysis would compete with it for the two cores. */
const IMPORT_ONLY = 'automation=1&demo=0&analyse=0';
let server: Server;
let url: string;
let browser: Browser;
let page: Page;

/** A test in a browser of its own (fresh profile: empty library). */
async function withFreshApp(test: (tab: Page) => Promise<void>): Promise<void> {
  const fresh = await launchBrowser();
  try {
    await test(await openApp(fresh.context, url, IMPORT_ONLY));
  } finally {
    await fresh.close();
  }
}

const report = (root: string): Promise<Report> => page.evaluate((r) => window.__keepsake!.report(r), root);

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchBrowser();
  page = await openApp(browser.context, url, IMPORT_ONLY);
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('importing the shared corpus through the folder input', () => {
  let result: Report;

  beforeAll(async () => {
    await importFiles(page, join(CORPUS, 'photos'), quiet);
    result = await report('photos');
  });

  it('imports every valid file under its SHA-256 id, once', () => {
    const files = manifest().files;
    expect(result.files).toHaveLength(files.length);
    for (const file of files) {
      const entry = result.files.find((f) => `photos/${f.path}` === file.path);
      expect(entry, file.path).toMatchObject({ status: 'imported', photoId: file.sha256 });
    }
    expect(result.photos).toHaveLength(files.length);
  });

  it('gives display dimensions, capture times and GPS as the manifest has them', () => {
    for (const file of manifest().files) {
      const photo = result.photos.find((p) => p.id === file.sha256)!;
      expect({ w: photo.width, h: photo.height }, file.path).toEqual({ w: file.width, h: file.height });
      const takenAt = expectedTakenAt(file);
      if (takenAt === null) expect(photo.takenAtSource, file.path).not.toBe('exif');
      else if (takenAt !== undefined) expect(photo.takenAt, file.path).toBe(takenAt);
      if (file.gps) {
        expect(photo.gps, file.path).not.toBeNull();
        expect(photo.gps!.lat, file.path).toBeCloseTo(file.gps.lat, 4);
        expect(photo.gps!.lon, file.path).toBeCloseTo(file.gps.lon, 4);
      }
    }
  });

  it('makes display-oriented previews (≤ 1600 px) and grid thumbnails for every photo', async () => {
    await installPageHelpers(page);
    const sizes = await page.evaluate(async (ids) => {
      const out: Record<string, number[]> = {};
      for (const id of ids) {
        const record = await window.__kt.record<{ small: Blob; preview: Blob }>('thumbs', id);
        out[id] = [...(await window.__kt.size(record.preview)), ...(await window.__kt.size(record.small))];
      }
      return out;
    }, result.photos.map((p) => p.id));
    for (const photo of result.photos) {
      const [pw, ph, sw, sh] = sizes[photo.id]!;
      const expectedLong = Math.min(1600, Math.max(photo.width, photo.height));
      expect(Math.max(pw!, ph!), photo.paths[0]).toBe(expectedLong);
      expect(Math.abs(pw! / ph! - photo.width / photo.height), photo.paths[0]).toBeLessThan(0.02);
      expect(Math.min(sw!, sh!), photo.paths[0]).toBeLessThanOrEqual(256);
      expect(Math.abs(sw! / sh! - photo.width / photo.height), photo.paths[0]).toBeLessThan(0.05);
    }
  });

  it('turns every EXIF orientation (1–8) of the same picture upright in its preview', async () => {
    const hoppers = manifest().files.filter((f) => /hopper(_orientation_\d)?\.jpg$/.test(f.path));
    expect(hoppers.length).toBe(8);
    await installPageHelpers(page);
    const diffs = await page.evaluate(async (ids) => {
      const pixels = async (id: string) => window.__kt.pixels((await window.__kt.record<{ preview: Blob }>('thumbs', id)).preview, 16, 16);
      const reference = await pixels(ids[0]!);
      return Promise.all(ids.slice(1).map(async (id) => window.__kt.meanDifference(await pixels(id), reference)));
    }, hoppers.map((f) => f.sha256));
    for (const diff of diffs) expect(diff).toBeLessThan(12);
  });

  it('shows the library grid with a thumbnail for every photo in view', async () => {
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=library-grid] img[src^="blob:"]').length >= 12);
    const months = await page.locator('[data-testid=library-grid] h2[data-month]').count();
    expect(months).toBeGreaterThan(0);
  });

  it('shows each photo\'s own thumbnail in the cells it gives to other photos while scrolling', async () => {
    await installPageHelpers(page);
    const { checked, wrong } = await page.getByTestId('library-grid').evaluate(async (scroller) => {
      const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
      for (const top of [scroller.scrollHeight, scroller.scrollHeight / 3, 0]) {
        scroller.scrollTop = top;
        await settle();
      }
      const wrong: string[] = [];
      let checked = 0;
      for (const cell of scroller.querySelectorAll<HTMLElement>('button[data-photo-id]')) {
        const img = cell.querySelector('img');
        if (!img?.getAttribute('src')) continue;
        await img.decode();
        const own = await window.__kt.record<{ small: Blob }>('thumbs', cell.dataset.photoId!);
        const difference = window.__kt.meanDifference(await window.__kt.pixels(img, 16, 16), await window.__kt.pixels(own.small, 16, 16));
        if (difference > 2) wrong.push(`${cell.dataset.photoId} (${difference.toFixed(1)})`);
        checked++;
      }
      return { checked, wrong };
    });
    expect(checked).toBeGreaterThanOrEqual(12);
    expect(wrong).toEqual([]);
  });

  it('reads no thumbnails during a fling and shows the photos in view once it stops', async () => {
    // A narrow window, so that the grid does not hold the whole library and a fling passes photos not read yet.
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 720, height: 900 });
    // Every photo given to a cell from the page's start: those may have been read before the fling.
    await page.addInitScript(() => {
      const given = new Set<string>();
      Object.assign(window, { __photosGiven: given });
      new MutationObserver((records) => {
        for (const record of records) {
          const target = record.target as HTMLElement;
          if (record.type === 'attributes' && target.dataset?.photoId) given.add(target.dataset.photoId);
          for (const node of record.addedNodes) if (node instanceof HTMLElement) for (const cell of node.querySelectorAll<HTMLElement>('[data-photo-id]')) given.add(cell.dataset.photoId!);
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-photo-id'] });
    });
    // A new page: the earlier tests scrolled through the library, and its thumbnails would come from memory.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=library-grid] img[src^="blob:"]').length >= 3);
    try {
      const fling = await page.getByTestId('library-grid').evaluate(async (scroller) => {
        const idsShown = () => new Set([...scroller.querySelectorAll<HTMLElement>('button[data-photo-id]')].filter((cell) => cell.querySelector('img[src]')).map((cell) => cell.dataset.photoId!));
        const frame = () => new Promise(requestAnimationFrame);
        scroller.scrollTop = 0;
        await new Promise((resolve) => setTimeout(resolve, 800));
        // The first step follows a pause (no fling yet): the photos it brings near may be read.
        scroller.scrollTop += 250;
        await frame();
        const given = (window as unknown as { __photosGiven: Set<string> }).__photosGiven;
        const mayShow = new Set(given);
        const before = given.size;
        let frames = 0;
        const readInFling: string[] = [];
        let last = performance.now();
        while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
          scroller.scrollTop += 250;
          await frame();
          const now = performance.now();
          const shown = [...idsShown()].filter((id) => !mayShow.has(id));
          // Only a frame that came in time belongs to the fling (a stalled machine makes a pause, and reads).
          if (now - last < 80) readInFling.push(...shown);
          for (const id of shown) mayShow.add(id);
          last = now;
          frames++;
        }
        const stopped = performance.now();
        const inView = () => [...scroller.querySelectorAll('img')].filter((img) => {
          const box = img.getBoundingClientRect();
          const view = scroller.getBoundingClientRect();
          return box.bottom > view.top && box.top < view.bottom;
        });
        while (performance.now() - stopped < 5000 && !inView().every((img) => img.getAttribute('src'))) await new Promise((resolve) => setTimeout(resolve, 20));
        return { frames, passedUnread: given.size - before, readInFling, inView: inView().length, shown: inView().filter((img) => img.getAttribute('src')).length };
      });
      expect(fling.frames).toBeGreaterThanOrEqual(5);
      // The fling passed photos that no cell had before (the grid holds about a third of the library).
      expect(fling.passedUnread).toBeGreaterThanOrEqual(10);
      expect(fling.readInFling).toEqual([]);
      expect(fling.inView).toBeGreaterThan(0);
      expect(fling.shown).toBe(fling.inView);
    } finally {
      await page.setViewportSize(size);
      await page.getByTestId('library-grid').evaluate((scroller) => scroller.scrollTo({ top: 0 }));
    }
  });

  it('opens the viewer, moves with the arrow keys and closes with Escape', async () => {
    await page.locator('[data-testid=library-grid] button[data-photo-id]').first().click();
    const viewer = page.getByTestId('viewer');
    await expect.poll(() => viewer.isVisible()).toBe(true);
    const first = await page.getByTestId('viewer-taken').textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByText('2 of').isVisible()).toBe(true);
    expect(first).toBeTruthy();
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
  });

  it('moves between photos with the arrow keys, Home and End, scrolling as needed', async () => {
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.index);
    await page.locator('[data-testid=library-grid] button[data-index="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).toBe('1');
    await page.keyboard.press('End');
    await expect.poll(focused).toBe(String(result.photos.length - 1));
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe('0');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('viewer').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe('0');
  });

  it('is one tab stop: Tab leaves the grid and Shift+Tab comes back to the photo focused last', async () => {
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.index ?? null);
    const stops = () => page.locator('[data-testid=library-grid] button[data-photo-id][tabindex="0"]').count();
    expect(await stops()).toBe(1);
    await page.locator('[data-testid=library-grid] button[data-index="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).toBe('2');
    await page.keyboard.press('Tab');
    expect(await focused()).toBeNull();
    await page.keyboard.press('Shift+Tab');
    await expect.poll(focused).toBe('2');
    expect(await stops()).toBe(1);
  });

  it('recognises the same files imported again, and the same bytes under another name', async () => {
    const copies = mkdtempSync(join(tmpdir(), 'keepsake-copies-'));
    const some = manifest().files.slice(0, 3);
    some.forEach((file, i) => copyFileSync(join(CORPUS, file.path), join(copies, `renamed-${i}.jpg`)));
    const before = (await status(page)).photos;
    await importFiles(page, readdirSync(copies).map((name) => join(copies, name)), quiet, 'file-input');
    const again = await report('photos');
    expect(again.photos).toHaveLength(before);
    for (const [i, file] of some.entries()) {
      expect(again.files.find((f) => f.path === `renamed-${i}.jpg`)).toMatchObject({ status: 'duplicate', photoId: file.sha256, duplicateOf: file.path.replace(/^photos\//, '') });
    }
  });

  it('keeps the library across a reload', async () => {
    const before = (await status(page)).photos;
    await page.reload();
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true);
    expect((await status(page)).photos).toBe(before);
  });
});

describe('bad input', () => {
  it('refuses each bad file with its specific code and a sentence, and imports the rest', async () => {
    const before = (await status(page)).photos;
    await importFiles(page, join(CORPUS, 'bad'), quiet);
    const result = await report('bad');
    const bad = manifest().bad;
    let accepted = 0;
    for (const file of bad) {
      const entry = result.files.find((f) => `bad/${f.path}` === file.path);
      const expected = expectedOutcome(file.expectation);
      if (expected === 'accept') {
        accepted += 1;
        expect(entry, file.path).toMatchObject({ status: 'imported', photoId: file.sha256 });
      } else {
        expect(entry, file.path).toMatchObject({ status: 'rejected', errorCode: expected });
        expect(entry!.error!.length, file.path).toBeGreaterThan(20);
      }
    }
    expect((await status(page)).photos).toBe(before + accepted);
    const shown = await page.locator('[data-testid=import-problems] li[data-status=rejected]').count();
    expect(shown).toBe(bad.length - accepted);
  });
});

describe('an import interrupted by a reload', () => {
  it('resumes on the next open and finishes without duplicates', async () => {
    await withFreshApp(async (tab) => {
      const files = manifest().files;
      await tab.setInputFiles('[data-testid=folder-input]', resolve(CORPUS, 'photos'));
      await tab.waitForFunction(() => {
        const s = window.__keepsake!.status();
        return s.done >= 5 && s.phase === 'importing';
      }, null, { timeout: 120_000 });
      await tab.reload();
      await tab.waitForFunction(() => window.__keepsake?.status().loaded === true);
      await tab.waitForFunction(() => window.__keepsake!.status().phase === 'done', null, { timeout: 180_000 });
      const result = await tab.evaluate(() => window.__keepsake!.report('photos'));
      expect(result.photos).toHaveLength(files.length);
      expect(new Set(result.files.map((f) => f.path)).size).toBe(result.files.length);
      expect(result.files.filter((f) => f.status === 'imported')).toHaveLength(files.length);
    });
  });
});

describe('other ways in, and changing one’s mind', () => {
  it('imports photos dropped on the window', async () => {
    await withFreshApp(async (tab) => {
      const names = await tab.evaluate(async () => {
        const index = (await (await fetch('/demo/index.json')).json()) as { files: Array<{ name: string }> };
        const picked = index.files.slice(0, 3).map((f) => f.name);
        const transfer = new DataTransfer();
        for (const name of picked) transfer.items.add(new File([await (await fetch(`/demo/${name}`)).blob()], name));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        return picked;
      });
      await tab.waitForFunction(() => window.__keepsake!.status().phase === 'done', null, { timeout: 60_000 });
      const result = await tab.evaluate(() => window.__keepsake!.report(''));
      expect(result.files.map((f) => [f.path, f.status]).sort()).toEqual(names.map((n) => [n, 'imported']).sort());
    });
  });

  it('cancels an import: what was imported stays, nothing else is left queued', async () => {
    await withFreshApp(async (tab) => {
      await tab.setInputFiles('[data-testid=folder-input]', resolve(CORPUS, 'photos'));
      await tab.waitForFunction(() => window.__keepsake!.status().done >= 3, null, { timeout: 120_000 });
      await tab.getByRole('button', { name: 'Cancel' }).click();
      await tab.waitForFunction(() => window.__keepsake!.status().phase === 'cancelled', null, { timeout: 60_000 });
      await expect.poll(() => tab.getByTestId('import-summary').textContent()).toMatch(/Import cancelled/);
      const result = await tab.evaluate(() => window.__keepsake!.report('photos'));
      expect(result.photos.length).toBeGreaterThanOrEqual(3);
      expect(result.photos.length).toBeLessThan(manifest().files.length);
      expect(result.photos.length).toBe(result.files.filter((f) => f.status === 'imported').length);
      await tab.reload();
      await tab.waitForFunction(() => window.__keepsake?.status().loaded === true);
      const after = await status(tab);
      expect(after.phase).toBe('idle');
      expect(after.photos).toBe(result.photos.length);
    });
  });
});

describe('AVIF', () => {
  it('imports AVIF through the browser decoder, with its EXIF and its irot rotation', async () => {
    await withFreshApp(async (tab) => {
      const dir = resolve(ROOT, 'tests/fixtures');
      await importFiles(tab, ['cat.avif', 'cat-irot90.avif'].map((name) => join(dir, name)), quiet, 'file-input');
      const result = await tab.evaluate(() => window.__keepsake!.report(''));
      const byPath = (path: string) => result.photos.find((p) => p.paths[0] === path)!;
      expect(result.files.every((f) => f.status === 'imported')).toBe(true);
      expect(byPath('cat.avif')).toMatchObject({ format: 'avif', width: 451, height: 300, takenAt: '2023-03-04T10:15:22+00:00' });
      expect(byPath('cat-irot90.avif')).toMatchObject({ format: 'avif', width: 300, height: 451 });
      await installPageHelpers(tab);
      const preview = await tab.evaluate(async (id) => window.__kt.size((await window.__kt.record<{ preview: Blob }>('thumbs', id)).preview), byPath('cat-irot90.avif').id);
      expect(preview).toEqual([300, 451]);
    });
  });
});

describe('a big rotated phone JPEG', () => {
  it('decodes at reduced scale and still turns the preview upright', async () => {
    const jpeg = new Uint8Array(readFileSync(join(CORPUS, 'bad/large_50mp.jpg')));
    const app1 = buildExifApp1({ dateTimeOriginal: '2024:06:03 14:22:05', offsetTimeOriginal: '+01:00', orientation: 6, make: 'Keepsake', model: 'Test', pixelXDimension: 9440, pixelYDimension: 5310 });
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-rotated-'));
    writeFileSync(join(dir, 'rotated.jpg'), insertExifApp1(jpeg, app1));
    await withFreshApp(async (tab) => {
      await importFiles(tab, [join(dir, 'rotated.jpg')], quiet, 'file-input');
      const [photo] = (await tab.evaluate(() => window.__keepsake!.report(''))).photos;
      expect(photo).toMatchObject({ width: 5310, height: 9440, orientation: 6, takenAt: '2024-06-03T14:22:05+01:00' });
      await installPageHelpers(tab);
      const check = await tab.evaluate(async (id) => {
        const record = await window.__kt.record<{ original: { path: string } }>('photos', id);
        const thumbs = await window.__kt.record<{ preview: Blob }>('thumbs', id);
        const original = await window.__kt.opfsFile(record.original.path);
        const [a, b] = await Promise.all([
          window.__kt.pixels(thumbs.preview, 18, 32),
          window.__kt.pixels(original, 18, 32, { imageOrientation: 'from-image' }),
        ]);
        return { size: await window.__kt.size(thumbs.preview), meanDiff: window.__kt.meanDifference(a, b) };
      }, photo!.id);
      expect(check.size).toEqual([900, 1600]);
      expect(check.meanDiff).toBeLessThan(10);
    });
  });
});
