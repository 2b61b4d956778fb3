/**
 * Migrations in the real browser: the database an old build left in Chromium's IndexedDB (the
 * oldest and the newest earlier version's fixture, tests/fixtures/db) is opened by this build,
 * which upgrades it and shows the person's library as they left it. The app analyses and groups
 * again on open, so derived records may change; what the person owns must not: photos and their
 * thumbnails, names, confirmed and rejected faces, the signals log (favourites among them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist } from '../../cli/serve';
import { openApp, waitForAnalysis } from '../../cli/drive';
import { DB_VERSION, type FaceRecord, type PersonRecord, type SignalRecord } from '../../src/db/schema';
import { codec, storeValues, INSTALL_CODEC, readFixture, type DatabaseDump, type Encoded } from '../fixtures/db/codec';
import { installPageHelpers } from './page-helpers';

const quiet = (): void => undefined;
const FIXTURES = resolve(import.meta.dirname, '../fixtures/db');

let server: Server;
let url: string;

beforeAll(async () => {
  ({ server, url } = await serveDist());
});

afterAll(() => server?.close());

/** Put the old database into a fresh profile from a page of the origin that is not the app, then open the app on it. */
async function openOnOldDatabase(browser: Browser, fixture: DatabaseDump): Promise<Page> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${url}/manifest.webmanifest`);
  await page.evaluate(INSTALL_CODEC);
  await page.evaluate((dump) => window.__fixtureCodec!.restore(indexedDB, 'keepsake', dump), fixture);
  const app = await openApp(browser.context, url);
  await waitForAnalysis(app, quiet);
  await app.evaluate(() => window.__keepsake!.clusterSettled());
  await installPageHelpers(app);
  await app.evaluate(INSTALL_CODEC);
  return app;
}

/** Every photo the library grid shows: it draws only the rows near the viewport, so scroll it through. */
function gridPhotoIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid=library-grid]').evaluate(async (scroller) => {
    const seen = new Set<string>();
    for (let top = 0; ; top += scroller.clientHeight) {
      scroller.scrollTop = top;
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const cell of scroller.querySelectorAll('[data-photo-id]')) seen.add(cell.getAttribute('data-photo-id')!);
      if (top + scroller.clientHeight >= scroller.scrollHeight) return [...seen];
    }
  });
}

describe.each([1, DB_VERSION - 1])('a version-%i database left by an old build', (version) => {
  const fixture = readFixture(join(FIXTURES, `v${version}.json.gz`));
  let browser: Browser;
  let page: Page;
  let upgraded: DatabaseDump;

  const record = <T>(store: string, key: Encoded): Promise<T> =>
    page.evaluate(({ store, key }) => window.__kt.record<T>(store, window.__fixtureCodec!.decode(key) as IDBValidKey), { store, key });

  beforeAll(async () => {
    expect(fixture.version).toBe(version);
    browser = await launchBrowser();
    page = await openOnOldDatabase(browser, fixture);
    upgraded = await page.evaluate(() => window.__fixtureCodec!.dump(indexedDB, 'keepsake'));
  }, 300_000);

  afterAll(() => browser?.close());

  it('is upgraded to the current version, every photo and thumbnail unchanged', () => {
    expect(upgraded.version).toBe(DB_VERSION);
    for (const store of ['photos', 'thumbs']) expect(upgraded.records[store], store).toEqual(fixture.records[store]);
  });

  it('shows every photo in the library grid', async () => {
    const ids = storeValues<{ id: string }>(fixture, 'photos').map((photo) => photo.id);
    expect((await page.evaluate(() => window.__keepsake!.status())).photos).toBe(ids.length);
    await page.waitForSelector('[data-testid=library-grid] [data-photo-id]');
    expect((await gridPhotoIds(page)).sort()).toEqual(ids.sort());
  });

  it('keeps every signal the person gave, under its own key', async () => {
    for (const [key, value] of fixture.records.signals ?? []) expect(await record<SignalRecord>('signals', key)).toEqual(codec.decode(value));
  });

  it('keeps the names the person gave and shows them on the People screen', async () => {
    const named = storeValues<PersonRecord>(fixture, 'people').filter((person) => person.name);
    if (version >= 3) expect(named.length).toBeGreaterThan(0);
    for (const person of named) {
      expect((await record<PersonRecord>('people', person.id)).name).toBe(person.name);
      await page.click('[data-screen=people]');
      await page.waitForSelector(`[data-testid=person][data-person-id="${person.id}"] >> text=${person.name}`);
    }
  });

  it('keeps every face the person confirmed or took away from someone', async () => {
    const corrected = storeValues<FaceRecord>(fixture, 'faces').filter((face) => face.confirmedPerson !== undefined || face.rejectedPeople);
    if (version >= 3) expect(corrected.length).toBeGreaterThan(0);
    for (const face of corrected) {
      const now = await record<FaceRecord>('faces', face.id);
      expect({ confirmedPerson: now.confirmedPerson, rejectedPeople: now.rejectedPeople }, face.id).toEqual({ confirmedPerson: face.confirmedPerson, rejectedPeople: face.rejectedPeople });
      if (face.confirmedPerson) expect(now.personId, face.id).toBe(face.confirmedPerson);
      if (face.rejectedPeople) expect(face.rejectedPeople, face.id).not.toContain(now.personId);
    }
  });

  it('keeps every book the person made, as they left it', async () => {
    const books = fixture.records.books ?? [];
    if (version >= 5) expect(books.length).toBeGreaterThan(0);
    for (const [key, value] of books) expect(await record('books', key)).toEqual(codec.decode(value));
  });

  it('shows the photos the person favourited as favourites', async () => {
    const favourites = storeValues<SignalRecord>(fixture, 'signals').filter((signal) => signal.type === 'favourite' && signal.target.photoId).map((signal) => signal.target.photoId!);
    if (version >= 4) expect(favourites.length).toBeGreaterThan(0);
    for (const id of favourites) {
      await page.click('[data-screen=library]');
      await page.click(`[data-testid=library-grid] [data-photo-id="${id}"]`);
      await page.waitForSelector('[data-testid=viewer-favourite][aria-pressed=true]');
      await page.keyboard.press('Escape');
    }
  });
});
