/**
 * The demo library in a real browser, analysed and grouped, and the way to each of Keepsake's
 * screens in it: shared by the accessibility, keyboard and screenshot tests.
 */
import type { Page } from 'playwright-core';
import type { Server } from 'node:http';
import { launchBrowser, type Browser } from '../../cli/browser';
import { serveDist } from '../../cli/serve';
import { openApp, waitForAnalysis, waitForImport } from '../../cli/drive';

export interface DemoSession {
  page: Page;
  url: string;
  close(): Promise<void>;
}

/**
 * Memories depend on today's date (on this day, recency): the page's clock starts at a fixed day so
 * that what the screens show is the same on any day the tests run. Time still runs from there.
 */
export const DEMO_TODAY = new Date('2026-06-15T10:00:00Z');

/** Keepsake in a fresh browser profile; `demo` false leaves the library empty (no demo on first start). */
export async function keepsakeSession(demo: boolean): Promise<DemoSession> {
  const { server, url }: { server: Server; url: string } = await serveDist();
  const browser: Browser = await launchBrowser();
  await browser.context.clock.setSystemTime(DEMO_TODAY);
  const page = await openApp(browser.context, url, demo ? 'automation=1' : 'automation=1&demo=0');
  return {
    page,
    url,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** Waits until the demo library (its import started) is imported, analysed and grouped into memories. */
export async function demoReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__keepsake!.status().jobId !== null, null, { timeout: 60_000 });
  await waitForImport(page, () => undefined);
  await waitForAnalysis(page, () => undefined);
  await page.evaluate(() => window.__keepsake!.clusterSettled());
  await page.waitForSelector('[data-screen=memories] .count', { state: 'attached', timeout: 60_000 });
}

export type ScreenState = 'library' | 'viewer' | 'people' | 'person' | 'events' | 'event' | 'memories' | 'memory' | 'memory-settings' | 'books' | 'book';

/**
 * Goes to one screen (and opens the first thing on it where the state is a detail), with the mouse.
 * False when the library has nothing to open there (the demo library has no person in two photos).
 */
export async function show(page: Page, state: ScreenState): Promise<boolean> {
  await page.keyboard.press('Escape'); // a dialog left open by the previous state
  const screen = ({ viewer: 'library', person: 'people', event: 'events', memory: 'memories', 'memory-settings': 'memories', book: 'books' } as const)[state as 'viewer'] ?? state;
  await page.click(`[data-screen=${screen}]`);
  // Details close when their screen is left and shown again.
  await page.click(`[data-screen=${screen === 'library' ? 'people' : 'library'}]`);
  await page.click(`[data-screen=${screen}]`);
  if (state === 'viewer') await page.click('[data-testid=library-grid] [data-index="0"]');
  if (state === 'person') {
    if (!(await page.getByTestId('person').count())) return false;
    await page.click('[data-testid=person] >> nth=0');
  }
  if (state === 'event') await page.click('[data-testid=event-card] >> nth=0');
  if (state === 'memory') await page.click('[data-testid=memory-card] button >> nth=0');
  if (state === 'memory-settings') await page.click('[data-testid=memories-settings]');
  if (state === 'book') {
    if (await page.getByTestId('book-card').count()) await page.click('[data-testid=book-card] >> nth=0');
    else await page.click('[data-testid=book-make]');
    await page.waitForSelector('[data-testid=book-editor]');
  }
  await settled(page);
  return true;
}

/** Waits until the pictures in view have loaded and nothing is moving. */
export async function settled(page: Page): Promise<void> {
  // "Ready to work offline" comes once, whenever the service worker has cached the app: not part of any screen.
  const offlineReady = page.locator('[data-testid=offline-ready] button');
  if (await offlineReady.count()) await offlineReady.click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('img')].every((img) => {
      const box = img.getBoundingClientRect();
      const inView = box.width > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
      return !inView || (img.complete && img.naturalWidth > 0);
    }), null, { timeout: 30_000 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(300);
}
