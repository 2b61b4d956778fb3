/**
 * People in the real app: faces from a part of the shared corpus are grouped into people; the
 * person names one, merges two, removes a wrong face, reloads and imports more photos, and asks
 * for a full regroup — every correction survives all of it. Filtering the library by a person and
 * by a pair of people shows exactly their photos.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist } from '../../cli/serve';
import { importFiles, openApp, waitForAnalysis } from '../../cli/drive';
import type { Report } from '../../src/pipeline/report/report';
import { CORPUS, manifest } from '../corpus';
import { LOOKS, seriousViolations, setLook } from './axe';

const quiet = (): void => undefined;
const photo = (name: string): string => join(CORPUS, 'photos', name);
const idOf = (name: string): string => (manifest().files as Array<{ path: string; sha256: string }>).find((f) => f.path === `photos/${name}`)!.sha256;

// Grace Hopper (copies of one portrait), a party of five seen in two photos, Franck on three days.
const FIRST = ['hopper.jpg', 'hopper_orientation_2.jpg', 'hopper_orientation_3.jpg', 'IMG_1205.jpg', 'IMG_1210.jpg', 'IMG_1144.jpg', 'IMG_1268.jpg', 'IMG_1074.JPG'];
const LATER = ['hopper_orientation_4.jpg', 'hopper_orientation_5.jpg', 'IMG_1099.jpg', 'IMG_1257.JPG'];

let server: Server;
let url: string;
let browser: Browser;
let page: Page;

async function settle(): Promise<Report> {
  await waitForAnalysis(page, quiet);
  await page.evaluate(() => window.__keepsake!.clusterSettled());
  return page.evaluate(() => window.__keepsake!.report('photos'));
}

const personIn = (report: Report, photoId: string, not: string[] = []): string =>
  report.people!.find((person) => person.photoIds.includes(photoId) && !not.includes(person.id))!.id;
const facePerson = (report: Report, photoId: string): Array<string | null> => report.photos.find((p) => p.id === photoId)!.faces!.map((f) => f.personId ?? null);

async function openPerson(id: string): Promise<void> {
  await page.click('[data-screen=people]');
  await page.click(`[data-testid=person][data-person-id="${id}"]`);
  await page.waitForSelector('[data-testid=person-detail]');
}

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchBrowser();
  page = await openApp(browser.context, url);
  await importFiles(page, FIRST.map(photo), quiet, 'file-input');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('people, and the corrections a person makes', () => {
  let grace: string;
  let partyA: string;
  let partyB: string;
  let removedFace: string;

  it('groups the faces into people: the portrait copies are one person, the party five', async () => {
    const report = await settle();
    grace = personIn(report, idOf('hopper.jpg'));
    for (const name of ['hopper_orientation_2.jpg', 'hopper_orientation_3.jpg']) expect(facePerson(report, idOf(name))).toEqual([grace]);
    const party = new Set(facePerson(report, idOf('IMG_1205.jpg')).filter(Boolean));
    // Faces in one photo are never one person.
    expect(party.size).toBe(facePerson(report, idOf('IMG_1205.jpg')).filter(Boolean).length);
    expect(party.size).toBeGreaterThanOrEqual(4);
    [partyA, partyB] = [...party] as [string, string];
    for (const person of report.people!) expect(person.photoIds.length).toBeGreaterThanOrEqual(2);
  });

  it('names a person, merges two and removes a wrong face through the People screen', async () => {
    await openPerson(grace);
    await page.fill('[data-testid=person-name]', 'Grace Hopper');
    await page.click('[data-testid=person-detail] button[type=submit]');
    await page.waitForSelector(`[data-testid=person][data-person-id="${grace}"] >> text=Grace Hopper`);

    removedFace = `${idOf('hopper_orientation_3.jpg')}#0`;
    await page.click(`[data-testid=person-face][data-face-id="${removedFace}"] >> text=Not Grace Hopper`);
    await page.waitForSelector(`[data-testid=person-face][data-face-id="${removedFace}"]`, { state: 'detached' });

    await openPerson(partyA);
    await page.selectOption('[data-testid=merge-into]', partyB);
    await page.click('[data-testid=merge]');
    await page.waitForSelector(`[data-testid=person][data-person-id="${partyA}"]`, { state: 'detached' });

    const report = await page.evaluate(() => window.__keepsake!.report('photos'));
    expectCorrections(report);
  });

  function expectCorrections(report: Report): void {
    const named = report.people!.find((person) => person.id === grace)!;
    expect(named.name).toBe('Grace Hopper');
    expect(facePerson(report, idOf('hopper.jpg'))).toEqual([grace]);
    expect(facePerson(report, idOf('hopper_orientation_3.jpg'))).not.toContain(grace);
    expect(report.people!.some((person) => person.id === partyA)).toBe(false);
    for (const name of ['IMG_1205.jpg', 'IMG_1210.jpg']) {
      const inPhoto = facePerson(report, idOf(name));
      // Both merged faces are now one person: the photo shows partyB twice and partyA never.
      expect(inPhoto.filter((id) => id === partyB).length).toBe(2);
      expect(inPhoto).not.toContain(partyA);
    }
  }

  it('keeps every correction across a reload', async () => {
    await page.reload();
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true);
    const report = await settle();
    expectCorrections(report);
    await page.click('[data-screen=people]');
    await expect(page.textContent(`[data-testid=person][data-person-id="${grace}"]`)).resolves.toContain('Grace Hopper');
  });

  it('keeps them when more photos arrive, and new faces join the named person', async () => {
    await importFiles(page, LATER.map(photo), quiet, 'file-input');
    const report = await settle();
    expectCorrections(report);
    for (const name of ['hopper_orientation_4.jpg', 'hopper_orientation_5.jpg']) expect(facePerson(report, idOf(name))).toEqual([grace]);
  });

  it('keeps them through a full regroup', async () => {
    await openPerson(grace);
    await page.click('text=Regroup faces');
    await page.waitForFunction(() => window.__keepsake!.status().cluster.running === null);
    const report = await settle();
    expectCorrections(report);
    const signals = await page.evaluate(() => new Promise<string[]>((resolve) => {
      const open = indexedDB.open('keepsake');
      open.onsuccess = () => {
        const all = open.result.transaction('signals').objectStore('signals').getAll();
        all.onsuccess = () => resolve(all.result.map((s: { type: string }) => s.type));
      };
    }));
    expect(signals).toEqual(['rename', 'notThisPerson', 'merge']);
  });

  it('filters the library by a person and by a pair of people', async () => {
    const report = await page.evaluate(() => window.__keepsake!.report('photos'));
    await openPerson(grace);
    await page.click('text=Show their photos');
    await page.waitForSelector('[data-testid=person-filter]');
    const graceCount = report.people!.find((p) => p.id === grace)!.photoIds.length;
    await expect(page.locator('[data-testid=library-grid] [data-index]').count()).resolves.toBe(graceCount);

    const third = personIn(report, idOf('IMG_1205.jpg'), [partyB]);
    await openPerson(partyB);
    await page.selectOption('#together-with', third);
    await page.click('[data-testid=show-together]');
    await page.waitForSelector('[data-testid=person-filter]');
    await expect(page.locator('[data-testid=library-grid] [data-index]').count()).resolves.toBe(2);
  });
});

describe('people, for everyone', () => {
  // The demo library has no one in two photos: the People screen with people is checked here.
  it('has no serious or critical axe violation on People, a person and their photos, in both themes, on a phone and a desktop', async () => {
    const found: string[] = [];
    for (const look of LOOKS) {
      await setLook(page, look);
      await page.click('[data-screen=people]');
      found.push(...(await seriousViolations(page, `${look.size} ${look.theme} people`)));
      await page.click('[data-testid=person] >> nth=0');
      await page.waitForSelector('[data-testid=person-detail] [data-testid=person-face]');
      found.push(...(await seriousViolations(page, `${look.size} ${look.theme} person`)));
      await page.click('[data-screen=library]');
      found.push(...(await seriousViolations(page, `${look.size} ${look.theme} library with faces`)));
    }
    await setLook(page, { size: 'desktop', width: 1280, height: 860, theme: 'light' });
    expect(found).toEqual([]);
  });
});
