/** First start: the demo library imports itself, and the app shell is an installable, offline PWA. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { launchBrowser, type Browser } from '../../cli/browser';
import { DIST, serveDist } from '../../cli/serve';
import { openApp, waitForImport } from '../../cli/drive';

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  ({ server, url } = await serveDist());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('a newcomer opening Keepsake', () => {
  it('sees the demo library import itself into an empty library, and nothing leaves the origin', async () => {
    const demo = JSON.parse(readFileSync(join(DIST, 'demo/index.json'), 'utf8')) as { files: unknown[] };
    const elsewhere: string[] = [];
    browser.context.on('request', (request) => {
      const target = request.url();
      if (!target.startsWith(`${url}/`) && !/^(blob|data):/.test(target)) elsewhere.push(target);
    });
    const page = await openApp(browser.context, url, 'automation=1');
    await page.waitForFunction(() => window.__keepsake!.status().jobId !== null, null, { timeout: 60_000 });
    await waitForImport(page, () => undefined);
    // The last photos join the grid a moment after the import says it is done (their records are read back).
    await expect.poll(() => page.evaluate(() => window.__keepsake!.status().photos)).toBe(demo.files.length);
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toMatch(new RegExp(`${demo.files.length} photos added`));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=library-grid] img[src^="blob:"]').length >= 4);
    await page.screenshot({ path: join('test-results', 'library-demo.png') });
    expect(elsewhere).toEqual([]);
  });

  it('hears where each photo in view was taken, as its event places it', async () => {
    const page = await openApp(browser.context, url, 'automation=1&demo=0&analyse=0');
    await page.waitForFunction(() => window.__keepsake!.status().loaded === true);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const places = new Map((await page.evaluate(() => window.__keepsake!.report('photos'))).photos.map((photo) => [photo.id, photo.place ?? null]));
    const cells = await page.evaluate(() => [...document.querySelectorAll('[data-testid=library-grid] button[data-photo-id]')].map((cell) => [cell.getAttribute('data-photo-id')!, cell.getAttribute('aria-label') ?? ''] as const));
    const placed = cells.filter(([id]) => places.get(id));
    // The demo's photos carry GPS: most cells have a place to say.
    expect(placed.length).toBeGreaterThan(cells.length / 2);
    for (const [id, label] of placed) expect(label).toContain(places.get(id));
    await page.close();
  });

  it('is cross-origin isolated and runs offline once loaded (service worker)', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}/?demo=0`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await browser.context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { name: 'Keepsake' }).isVisible()).toBe(true);
    } finally {
      await browser.context.setOffline(false);
    }
    const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
    expect(manifest).toMatchObject({ name: expect.stringContaining('Keepsake'), display: 'standalone' });
  });
});
