/**
 * Files that change or disappear while they are being imported: each is refused with its own
 * reason, and the rest of the import goes on. Picked files are real files on disk (Chromium keeps
 * a snapshot of each and refuses to read it once the file was deleted or modified); a picked folder
 * is an OPFS directory handed to the app's folder picker, so its files are real handles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist, type Served } from '../../cli/serve';
import { openApp, waitForImport } from '../../cli/drive';
import type { Report } from '../../src/pipeline/report/report';
import { CORPUS, manifest } from '../corpus';

const quiet = (): void => undefined;
/** Distinct plain photos of the corpus (no junk, no duplicates), by size so the test stays quick. */
const PHOTOS = [...new Map(manifest().files.filter((file) => file.kind === 'photo').map((file) => [file.sha256, file])).values()].slice(0, 16);

let served: Served;
let browser: Browser;
let page: Page;
const scratch = mkdtempSync(join(tmpdir(), 'keepsake-vanishing-'));

const report = (): Promise<Report> => page.evaluate(() => window.__keepsake!.report('x'));
const outcomeOf = async (name: string) => (await report()).files.find((file) => file.path.endsWith(name));
const reasonShown = (code: string): Promise<string | null> => page.textContent(`[data-testid=import-problems] li[data-code=${code}] .reason`);

beforeAll(async () => {
  served = await serveDist();
  browser = await launchBrowser();
  page = await openApp(browser.context, served.url, 'automation=1&demo=0&analyse=0');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  served?.server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('files that change or disappear during an import', () => {
  it('refuses a picked file deleted and one changed after they were chosen, and imports the rest', async () => {
    const paths = PHOTOS.slice(0, 4).map((file, i) => {
      const path = join(scratch, `picked-${i}.jpg`);
      copyFileSync(join(CORPUS, file.path), path);
      return path;
    });
    // Chosen first (into an input the app does not listen to), then changed on disk, then handed to the app.
    await page.evaluate(() => {
      const probe = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'chosen-earlier' });
      probe.hidden = true;
      document.body.append(probe);
    });
    await page.setInputFiles('#chosen-earlier', paths);
    unlinkSync(paths[1]!);
    appendFileSync(paths[2]!, Buffer.from('synced later'));
    const before = (await page.evaluate(() => window.__keepsake!.status())).jobId;
    await page.evaluate(() => {
      const app = document.querySelector<HTMLInputElement>('[data-testid=file-input]')!;
      app.files = document.querySelector<HTMLInputElement>('#chosen-earlier')!.files;
      app.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForFunction((previous) => window.__keepsake!.status().jobId !== previous, before);
    const done = await waitForImport(page, quiet);
    expect(done.notice).toBeUndefined();
    expect(await outcomeOf('picked-1.jpg')).toMatchObject({ status: 'rejected', errorCode: 'missing' });
    expect(await outcomeOf('picked-2.jpg')).toMatchObject({ status: 'rejected', errorCode: 'changed' });
    for (const name of ['picked-0.jpg', 'picked-3.jpg']) expect((await outcomeOf(name))?.status, name).toBe('imported');
    expect(await reasonShown('missing')).toMatch(/moved, renamed or deleted after you chose it/);
    expect(await reasonShown('changed')).toMatch(/changed while it was being imported/);
  });

  it('refuses a file deleted from a picked folder mid-import, and imports the rest', async () => {
    await page.setInputFiles('#chosen-earlier', PHOTOS.map((file) => join(CORPUS, file.path)));
    // The folder the person picks: a real directory handle (OPFS), filled with the photos.
    await page.evaluate(async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('Holiday', { create: true });
      const files = Array.from(document.querySelector<HTMLInputElement>('#chosen-earlier')!.files!);
      for (const [i, file] of files.entries()) {
        const writable = await (await folder.getFileHandle(`${String(i + 1).padStart(2, '0')}.jpg`, { create: true })).createWritable();
        await writable.write(file);
        await writable.close();
      }
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => folder;
      // The last photo is deleted as soon as the import has listed the folder, long before its turn.
      const last = `${String(files.length).padStart(2, '0')}.jpg`;
      const watch = setInterval(() => {
        if (window.__keepsake!.status().total < files.length) return;
        clearInterval(watch);
        void folder.removeEntry(last);
      }, 5);
    });
    const before = (await page.evaluate(() => window.__keepsake!.status())).jobId;
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await page.waitForFunction((previous) => window.__keepsake!.status().jobId !== previous, before);
    const done = await waitForImport(page, quiet);
    const last = `Holiday/${PHOTOS.length}.jpg`;
    expect(await outcomeOf(last)).toMatchObject({ status: 'rejected', errorCode: 'missing' });
    expect(done.done).toBe(PHOTOS.length);
    expect((await report()).files.filter((file) => file.status === 'rejected')).toHaveLength(1);
    expect(await reasonShown('missing')).toMatch(/moved, renamed or deleted/);
  });
});
