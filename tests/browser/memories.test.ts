/**
 * Memories in the real app: part of the shared corpus becomes ranked, titled memories; the person
 * edits a title, removes and adds back a photo, favourites one memory and dismisses another,
 * favourites photos (and the memory they are in moves up), switches the language, reloads — and
 * everything they did is still there, replayed from the signals log in IndexedDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { appWithPhotos, type AppSession } from './session';
import type { Report } from '../../src/pipeline/report/report';
import { CORPUS, manifest } from '../corpus';

const files = manifest().files.filter((file) => ['S-E1', 'S-E2', 'S-E3', 'S-E6'].includes(file.event_id ?? '') || /IMG_1(00[15]|076|144|147|150|154|183|224|268)\./.test(file.path));
const zoo = manifest().files.filter((file) => file.event_id === 'S-E3').map((file) => file.sha256);

let session: AppSession;
let page: Page;

async function report(): Promise<Report> {
  await page.evaluate(() => window.__keepsake!.clusterSettled());
  return page.evaluate(() => window.__keepsake!.report('photos'));
}

async function showMemories(): Promise<void> {
  await page.click('[data-screen=memories]');
  await page.waitForSelector('[data-testid=memory-card]');
}

const card = (id: string): string => `[data-testid=memory-card][data-memory-id="${id}"]`;

beforeAll(async () => {
  session = await appWithPhotos(files.map((file) => join(CORPUS, file.path)));
  page = session.page;
}, 300_000);

afterAll(() => session?.close());

describe('memories', () => {
  let first: Report;
  let edited: string;
  let dismissed: string;
  let saved: string;
  let removed: string;

  it('proposes ranked memories of several kinds, each with a title, a reason and photos', async () => {
    first = await report();
    const memories = first.memories!;
    expect(new Set(memories.map((m) => m.kind)).size).toBeGreaterThanOrEqual(3);
    for (const memory of memories) {
      expect(memory.title).toBeTruthy();
      expect(memory.why).toBeTruthy();
      expect(memory.photoIds.length).toBeGreaterThan(0);
      expect(memory.photoIds).toContain(memory.coverPhotoId);
      const kinds = memory.photoIds.map((id) => first.photos.find((p) => p.id === id)!.kind);
      expect(kinds.every((kind) => kind === 'photo'), memory.title).toBe(true);
    }
    expect(memories.map((m) => m.score)).toEqual([...memories.map((m) => m.score)].sort((a, b) => b - a));
    await showMemories();
    expect(await page.locator('[data-testid=memory-card]').count()).toBe(memories.length);
    expect(await page.locator('[data-testid=memory-title]').first().textContent()).toBe(memories[0]!.title);
  });

  it('edits a title, removes a photo and adds it back', async () => {
    const trip = first.memories!.find((m) => m.kind === 'trip')!;
    edited = trip.id;
    await page.click(`${card(trip.id)} button.open`);
    await page.waitForSelector('[data-testid=memory-detail]');
    await page.fill('[data-testid=memory-title-input]', 'Our Lisbon weekend');
    await page.click('[data-testid=memory-save-title]');
    await page.waitForFunction((id) => window.__keepsake!.report('photos').then((r) => r.memories!.find((m) => m.id === id)!.title === 'Our Lisbon weekend'), trip.id);
    removed = trip.photoIds.find((id) => id !== trip.coverPhotoId)!;
    await page.click(`[data-testid=memory-photo][data-photo-id="${removed}"] [data-testid=memory-remove-photo]`);
    await page.waitForSelector(`[data-testid=memory-photo][data-photo-id="${removed}"]`, { state: 'detached' });
    await page.click('[data-testid=memory-add-toggle]');
    await page.click(`[data-testid=memory-candidate-photo][data-photo-id="${removed}"] [data-testid=memory-add-photo]`);
    await page.waitForSelector(`[data-testid=memory-photo][data-photo-id="${removed}"]`);
    // Remove it for good: the reload below must remember it.
    await page.click(`[data-testid=memory-photo][data-photo-id="${removed}"] [data-testid=memory-remove-photo]`);
    await page.waitForSelector(`[data-testid=memory-photo][data-photo-id="${removed}"]`, { state: 'detached' });
    await page.getByRole('button', { name: 'All memories' }).click();
  });

  it('favourites one memory and dismisses another', async () => {
    const others = first.memories!.filter((m) => m.id !== edited);
    saved = others[0]!.id;
    dismissed = others[1]!.id;
    await page.click(`${card(saved)} [data-testid=memory-favourite]`);
    await page.waitForSelector(`${card(saved)} [data-testid=memory-favourite][aria-pressed=true]`);
    await page.click(`${card(dismissed)} [data-testid=memory-dismiss]`);
    await page.waitForSelector(card(dismissed), { state: 'detached' });
  });

  it('moves a memory up when the person favourites its photos', async () => {
    const before = await report();
    const target = before.memories!.find((m) => m.photoIds.some((id) => zoo.includes(id)) && m.kind === 'event') ?? before.memories!.find((m) => m.photoIds.some((id) => zoo.includes(id)))!;
    const rankBefore = before.memories!.findIndex((m) => m.id === target.id);
    expect(rankBefore).toBeGreaterThan(0);
    const now = Date.now();
    await page.evaluate((signals) => window.__keepsake!.replaySignals(signals), zoo.map((photoId, i) => ({ at: now + i, type: 'favourite' as const, target: { photoId } })));
    const after = await report();
    expect(after.memories!.findIndex((m) => m.id === target.id)).toBeLessThan(rankBefore);
  });

  it('keeps every change across a reload, and writes titles in the chosen language', async () => {
    await page.reload();
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true);
    const again = await report();
    expect(again.memories!.find((m) => m.id === edited)!.title).toBe('Our Lisbon weekend');
    expect(again.memories!.find((m) => m.id === edited)!.photoIds).not.toContain(removed);
    expect(again.memories!.some((m) => m.id === dismissed)).toBe(false);
    await showMemories();
    await page.waitForSelector(`${card(saved)} [data-testid=memory-favourite][aria-pressed=true]`);

    const english = new Map(again.memories!.map((m) => [m.id, m.subtitle]));
    await page.selectOption('[data-testid=language-select]', 'de');
    await page.waitForFunction(() => window.__keepsake!.report('photos').then((r) => r.language === 'de'));
    const german = await report();
    expect(german.memories!.find((m) => m.id === edited)!.title).toBe('Our Lisbon weekend');
    const changed = german.memories!.filter((m) => english.has(m.id) && english.get(m.id) !== m.subtitle);
    expect(changed.length).toBeGreaterThan(german.memories!.length / 2);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
  });
});
