/**
 * Storage full, for real: Chromium's quota for the app's origin is lowered (DevTools protocol
 * Storage.overrideQuotaForOrigin) to what is already used, so every write that needs room fails
 * with the browser's own QuotaExceededError — in the import workers, the vision workers, the
 * cluster worker and the page. Each time the person gets a clear message with what to do, every
 * stored record stays consistent, and once there is room again everything carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist, type Served } from '../../cli/serve';
import { importFiles, openApp, waitForAnalysis } from '../../cli/drive';
import { installPageHelpers } from './page-helpers';
import type { AnalysisRecord, BookRecord, FaceRecord, ImportJob, PersonRecord, PhotoRecord, QueueItem, SignalRecord, ThumbRecord } from '../../src/db/schema';
import { CORPUS, manifest } from '../corpus';

const quiet = (): void => undefined;
const FULL = /storage for Keepsake is full, so .+ could not be saved\. Everything saved before is safe\. To make room/;
const corpus = manifest().files;
const FIRST = corpus.filter((file) => file.event_id === 'S-E1' || /\/hopper(_orientation_[23])?\.jpg$/.test(file.path)).map((file) => join(CORPUS, file.path));
const LATER = corpus.filter((file) => file.event_id === 'S-E4').map((file) => join(CORPUS, file.path));

let served: Served;
let browser: Browser;
let page: Page;
let cdp: CDPSession;

const records = <T,>(store: string): Promise<T[]> => page.evaluate((name) => window.__kt.records<T>(name), store);
const usage = (): Promise<number> => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
/** The origin's quota in bytes; `undefined` gives the browser's own quota back. */
async function setQuota(bytes: number | undefined): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: served.url, ...(bytes === undefined ? {} : { quotaSize: bytes }) });
}
/** Whether a 256 KB write to a scratch database of the origin (not the app's) still fits. */
const probeFits = (): Promise<boolean> =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('quota-probe');
      open.onupgradeneeded = () => open.result.createObjectStore('probe');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('probe', 'readwrite');
    tx.objectStore('probe').put(new Uint8Array(256 * 1024), 'probe');
    const fits = await new Promise<boolean>((resolve) => {
      tx.oncomplete = () => resolve(true);
      tx.onabort = () => resolve(false);
    });
    if (fits) db.transaction('probe', 'readwrite').objectStore('probe').delete('probe');
    db.close();
    return fits;
  });

/**
 * No room beyond what is used now. Chromium applies a new quota to IndexedDB after a moment (it
 * caches the space left for a while), so wait until a probe write is refused.
 */
async function fillStorage(): Promise<void> {
  await setQuota(await usage());
  await expect.poll(probeFits, { timeout: 60_000, interval: 500 }).toBe(false);
}

/** The browser's own quota back, once IndexedDB sees it. */
async function makeRoom(): Promise<void> {
  await setQuota(undefined);
  await expect.poll(probeFits, { timeout: 60_000, interval: 500 }).toBe(true);
}

/** Every photo has its thumbnails; every analysis has exactly its faces; nothing is half-written. */
async function expectConsistent(): Promise<void> {
  const [photos, thumbs, analyses, faces] = await Promise.all([records<PhotoRecord>('photos'), records<ThumbRecord>('thumbs'), records<AnalysisRecord>('analyses'), records<FaceRecord>('faces')]);
  expect(thumbs.map((thumb) => thumb.photoId).sort()).toEqual(photos.map((photo) => photo.id).sort());
  const photoIds = new Set(photos.map((photo) => photo.id));
  for (const analysis of analyses) {
    expect(photoIds.has(analysis.photoId)).toBe(true);
    expect(faces.filter((face) => face.photoId === analysis.photoId)).toHaveLength(analysis.faces.length);
  }
  expect(faces.every((face) => analyses.some((analysis) => analysis.photoId === face.photoId))).toBe(true);
}

beforeAll(async () => {
  served = await serveDist();
  browser = await launchBrowser();
  page = await openApp(browser.context, served.url, 'automation=1&demo=0&analyse=0');
  await installPageHelpers(page);
  cdp = await browser.context.newCDPSession(page);
  await importFiles(page, FIRST, quiet, 'file-input');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  served?.server.close();
});

describe('when the browser’s storage is full', () => {
  it('pauses analysis with a message, and finishes it once there is room', async () => {
    await fillStorage();
    await page.evaluate(() => window.__keepsake!.startAnalysis());
    // Loading the models takes a while on a busy machine; the pause comes with the first photo that cannot be stored.
    await page.waitForFunction(() => window.__keepsake!.status().analysis.phase === 'paused', null, { timeout: 240_000 });
    const panel = page.getByTestId('analysis-panel');
    expect(await panel.getAttribute('data-phase')).toBe('paused');
    expect(await panel.getByRole('alert').textContent()).toMatch(FULL);
    await expectConsistent();
    expect((await records<AnalysisRecord>('analyses')).length).toBeLessThan(FIRST.length);

    await makeRoom();
    await panel.getByRole('button', { name: /resume/i }).click();
    // Resuming takes a moment: until then the phase still says paused, which would end the wait at once.
    await page.waitForFunction(() => window.__keepsake!.status().analysis.phase !== 'paused', null, { timeout: 60_000 });
    await waitForAnalysis(page, quiet);
    expect(await page.evaluate(() => window.__keepsake!.unanalysed())).toBe(0);
    await expect.poll(() => panel.getByRole('alert').count()).toBe(0);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    await expectConsistent();
  }, 400_000);

  it('stops an import with a message, keeping what it had; the rest comes in once there is room', async () => {
    const before = await records<PhotoRecord>('photos');
    const job = (await page.evaluate(() => window.__keepsake!.status())).jobId;
    await fillStorage();
    await page.setInputFiles('[data-testid=file-input]', LATER);
    // Either not even the import job fits (the page says so), or the import stops at the first file that does not.
    const importNotice = page.getByTestId('import-panel').getByRole('alert');
    const pageAlert = page.locator('.error[role=alert]');
    await expect
      .poll(async () => (await importNotice.count()) + (await pageAlert.count()), { timeout: 60_000, message: JSON.stringify(await page.evaluate(() => window.__keepsake!.status())) })
      .toBe(1);
    const message = (await importNotice.count()) ? importNotice : pageAlert;
    expect(await message.textContent()).toMatch(FULL);
    const status = await page.evaluate(() => window.__keepsake!.status());
    if (status.jobId !== job) expect(status.phase).toBe('done');
    await expectConsistent();
    expect((await records<PhotoRecord>('photos')).length).toBeLessThan(before.length + LATER.length);

    await makeRoom();
    // What was queued resumes on the next start; what never made it into the queue is added again.
    await page.reload();
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true);
    await installPageHelpers(page);
    await expect.poll(() => records<ImportJob>('jobs').then((jobs) => jobs.filter((j) => j.state === 'staging' || j.state === 'running').length), { timeout: 120_000 }).toBe(0);
    const again = await importFiles(page, LATER, quiet, 'file-input');
    expect(again.notice).toBeUndefined();
    const photos = await records<PhotoRecord>('photos');
    expect(photos.length).toBe(new Set([...before.map((photo) => photo.id), ...corpus.filter((file) => file.event_id === 'S-E4').map((file) => file.sha256)]).size);
    expect((await records<QueueItem>('queue')).filter((item) => item.state === 'pending')).toEqual([]);
    await expectConsistent();
  });

  it('refuses a name, a favourite and a new book with a message, changing nothing', async () => {
    await page.evaluate(() => window.__keepsake!.startAnalysis());
    await waitForAnalysis(page, quiet);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const [people, signals, books] = await Promise.all([records<PersonRecord>('people'), records<SignalRecord>('signals'), records<BookRecord>('books')]);
    const person = people.find((p) => !p.mergedInto && p.photoIds.length >= 2)!;
    await fillStorage();
    const alert = page.locator('.error[role=alert]');

    await page.click('[data-screen=people]');
    await page.click(`[data-testid=person][data-person-id="${person.id}"]`);
    await page.fill('[data-testid=person-name]', 'Grace Hopper');
    await page.click('[data-testid=person-detail] button[type=submit]');
    await expect.poll(() => alert.textContent()).toMatch(FULL);
    expect((await records<PersonRecord>('people')).find((p) => p.id === person.id)!.name).toBe(person.name);
    await alert.getByRole('button').click();

    await page.click('[data-screen=library]');
    await page.locator('[data-testid=library-grid] button[data-photo-id]').first().click();
    await page.getByTestId('viewer-favourite').click();
    await expect.poll(() => alert.textContent()).toMatch(FULL);
    expect(await page.getByTestId('viewer-favourite').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Escape');
    await alert.getByRole('button').click();

    const memory = (await page.evaluate(() => window.__keepsake!.report('photos'))).memories![0]!;
    await page.click('[data-screen=books]');
    await page.selectOption('[data-testid=book-memory]', memory.id);
    await page.click('[data-testid=book-make]');
    await expect.poll(() => alert.textContent()).toMatch(FULL);

    expect(await records<SignalRecord>('signals')).toEqual(signals);
    expect(await records<BookRecord>('books')).toEqual(books);
    await expectConsistent();
    await makeRoom();
  });
});
