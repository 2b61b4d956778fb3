/**
 * A crash is not a reload: the whole browser is killed (SIGKILL, every process of its profile)
 * mid-import and again mid-analysis, then started again on the same profile. Work resumes by
 * itself, and nothing the person had — photos, faces, a person's name, a favourite, a book and its
 * edit — is lost or duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist, type Served } from '../../cli/serve';
import { importFiles, openApp, waitForAnalysis, waitForImport } from '../../cli/drive';
import { installPageHelpers } from './page-helpers';
import type { Report } from '../../src/pipeline/report/report';
import type { BookRecord, SignalRecord } from '../../src/db/schema';
import { CORPUS, manifest } from '../corpus';

const quiet = (): void => undefined;
const corpus = manifest().files;
/** A trip and a person's portraits first; then the rest of the corpus, imported while the browser dies. */
const FIRST = corpus.filter((file) => file.event_id === 'S-E1' || ['hopper.jpg', 'hopper_orientation_2.jpg', 'hopper_orientation_3.jpg'].some((name) => file.path.endsWith(`/${name}`)));
const LATER = corpus.filter((file) => !FIRST.includes(file));
const distinct = (files: typeof corpus): number => new Set(files.map((file) => file.sha256)).size;

let served: Served;
const profile = mkdtempSync(join(tmpdir(), 'keepsake-crash-'));
let browser: Browser;
let page: Page;

async function start(): Promise<void> {
  browser = await launchBrowser({ profile });
  page = await openApp(browser.context, served.url);
  await installPageHelpers(page);
  // Chromium throws away a database it finds damaged; the app would say so, and this test must too.
  expect(await page.evaluate(() => window.__keepsake!.status().storageLost), 'the browser replaced the stored library').toBeNull();
}

const profileProcesses = (): boolean => spawnSync('pgrep', ['-f', `user-data-dir=${profile}`]).status === 0;

/** What a power cut or a crashed browser does: every process of this profile killed at once. */
async function killBrowser(): Promise<void> {
  const killed = spawnSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
  expect(killed.status, 'no Chromium process of the profile was running').toBe(0);
  await browser.context.close().catch(() => undefined);
  // A restart comes after the crash is over: every process gone and its files let go.
  await expect.poll(profileProcesses, { timeout: 30_000 }).toBe(false);
}

const report = (): Promise<Report> => page.evaluate(() => window.__keepsake!.report('photos'));
const books = (): Promise<BookRecord[]> => page.evaluate(() => window.__kt.records<BookRecord>('books'));
const favouriteSignals = (): Promise<SignalRecord[]> => page.evaluate(() => window.__kt.records<SignalRecord>('signals').then((all) => all.filter((signal) => signal.type === 'favourite')));

/** Every stored photo once, with its thumbnail; every analysed photo's faces stored once each. */
async function expectConsistent(photos: number): Promise<void> {
  const now = await report();
  expect(now.photos).toHaveLength(photos);
  expect(new Set(now.photos.map((photo) => photo.id)).size).toBe(photos);
  for (const photo of now.photos) expect(await page.evaluate((id) => window.__kt.record('thumbs', id).then(Boolean), photo.id), photo.id).toBe(true);
  const faces = await page.evaluate(() => window.__keepsake!.faces());
  for (const photo of now.photos.filter((p) => p.faces)) expect(faces.filter((face) => face.photoId === photo.id), photo.id).toHaveLength(photo.faces!.length);
}

beforeAll(async () => {
  served = await serveDist();
  await start();
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  served?.server.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('a browser killed mid-work', () => {
  let personId: string;
  let bookId: string;
  let favourite: string;

  it('has a library with a named person, a favourite and an edited book before the crash', async () => {
    await importFiles(page, FIRST.map((file) => join(CORPUS, file.path)), quiet, 'file-input');
    await waitForAnalysis(page, quiet);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const before = await report();
    personId = before.people!.find((person) => person.photoIds.length >= 3)!.id;
    await page.click('[data-screen=people]');
    await page.click(`[data-testid=person][data-person-id="${personId}"]`);
    await page.fill('[data-testid=person-name]', 'Grace Hopper');
    await page.click('[data-testid=person-detail] button[type=submit]');
    await page.waitForSelector(`[data-testid=person][data-person-id="${personId}"] >> text=Grace Hopper`);
    favourite = before.photos[0]!.id;
    await page.evaluate((id) => window.__keepsake!.replaySignals([{ at: Date.now(), type: 'favourite', target: { photoId: id } }]), favourite);
    await page.click('[data-screen=books]');
    await page.selectOption('[data-testid=book-memory]', before.memories![0]!.id);
    await page.click('[data-testid=book-make]');
    await page.waitForSelector('[data-testid=book-editor]');
    await page.fill('[data-testid=book-text] >> nth=0', 'Our trip, before the crash');
    await page.press('[data-testid=book-text] >> nth=0', 'Tab');
    await expect.poll(() => books().then((all) => all.map((book) => book.pages[0]!.texts[0]?.text))).toEqual(['Our trip, before the crash']);
    bookId = (await books())[0]!.id;
  });

  it('resumes an import killed halfway, adding every photo once', async () => {
    await page.click('[data-screen=library]');
    const later = LATER.map((file) => join(CORPUS, file.path));
    await page.setInputFiles('[data-testid=file-input]', later);
    await page.waitForFunction(() => {
      const s = window.__keepsake!.status();
      return s.done >= 3 && s.done < s.total - 3;
    }, null, { timeout: 120_000, polling: 100 });
    await killBrowser();

    await start();
    const resumed = await waitForImport(page, quiet);
    expect(resumed.done).toBeGreaterThan(0);
    if (resumed.notice) {
      // Killed while the picked files were still being copied in: the person is told how many to add again, and does.
      expect(resumed.notice).toMatch(/files? (was|were) not saved before the page closed/);
      await importFiles(page, later, quiet, 'file-input');
    }
    const files = (await report()).files;
    expect(files.filter((file) => file.status === 'rejected')).toEqual([]);
    await expectConsistent(distinct([...FIRST, ...LATER]));
  });

  it('resumes an analysis killed halfway, analysing every photo once', async () => {
    await page.waitForFunction(() => {
      const a = window.__keepsake!.status().analysis;
      return a.phase === 'running' && a.done >= 2 && a.done < a.total - 2;
    }, null, { timeout: 180_000, polling: 100 });
    await killBrowser();

    await start();
    const settled = await waitForAnalysis(page, quiet);
    expect(settled.analysis.phase).toBe('done');
    expect(await page.evaluate(() => window.__keepsake!.unanalysed())).toBe(0);
    await expectConsistent(distinct([...FIRST, ...LATER]));
  });

  it('kept the name, the favourite, the book and its edit through both crashes', async () => {
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const after = await report();
    expect(after.people!.find((person) => person.id === personId)?.name).toBe('Grace Hopper');
    expect(after.people!.filter((person) => person.name === 'Grace Hopper')).toHaveLength(1);
    expect((await favouriteSignals()).map((signal) => signal.target.photoId)).toEqual([favourite]);
    const kept = await books();
    expect(kept.map((book) => [book.id, book.pages[0]!.texts[0]?.text])).toEqual([[bookId, 'Our trip, before the crash']]);
    await page.click('[data-screen=books]');
    expect(await page.locator('[data-testid=book-card]').count()).toBe(1);
  });
});

describe('a stored library the browser finds damaged', () => {
  it('tells the person it was replaced with an empty one, and how to rebuild it', async () => {
    const own = await launchBrowser();
    let reopened: Browser | undefined;
    try {
      const first = await openApp(own.context, served.url);
      await importFiles(first, FIRST.slice(0, 2).map((file) => join(CORPUS, file.path)), quiet, 'file-input');
      await own.context.close();
      // What a failing disk does to the database's index of files; Chromium then throws the database away.
      const databases = join(own.profile, 'Default', 'IndexedDB');
      const store = readdirSync(databases).find((name) => name.endsWith('.indexeddb.leveldb'))!;
      for (const name of readdirSync(join(databases, store)).filter((file) => file.startsWith('MANIFEST-'))) writeFileSync(join(databases, store, name), 'not a manifest');
      reopened = await launchBrowser({ profile: own.profile });
      const again = await openApp(reopened.context, served.url);
      expect(await again.evaluate(() => window.__keepsake!.status().storageLost)).toMatch(/corrupt/);
      await expect.poll(() => again.textContent('[data-testid=storage-lost]')).toMatch(/replaced it with an empty one .*add them again/);
      expect(await again.evaluate(() => window.__keepsake!.status().photos)).toBe(0);
    } finally {
      await reopened?.context.close().catch(() => undefined);
      rmSync(own.profile, { recursive: true, force: true });
    }
  });
});
