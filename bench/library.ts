/**
 * The library view with 100,000 photos: time to open the library, main-thread long tasks while it
 * loads, and frame times while scrolling the virtual timeline from top to bottom. The photos are
 * synthetic records (one tiny shared thumbnail) written straight into IndexedDB, since only the
 * view is measured here. Headless Chromium here rasterises in software on 2 shared cores, so frame
 * times are an upper bound for a real machine.
 */
import { cpus } from 'node:os';
import { launchBrowser } from '../cli/browser';
import { ensureBuilt, serveDist } from '../cli/serve';
import { openApp } from '../cli/drive';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

export async function benchLibrary(args: string[]): Promise<unknown> {
  const countArg = args.indexOf('--count');
  const count = countArg >= 0 ? Number(args[countArg + 1]) : 100_000;
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const browser = await launchBrowser();
  try {
    const page = await openApp(browser.context, url);
    log(`writing ${count} photo records…`);
    await page.evaluate(seedLibrary, count);
    await page.evaluate(observeFrames);
    const opened = Date.now();
    await page.reload();
    await page.evaluate(observeFrames);
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true && document.querySelector('[data-testid=library-grid] button[data-photo-id]') !== null, null, { timeout: 120_000 });
    const openMs = Date.now() - opened;
    const loadFrames = await page.evaluate(() => (window as unknown as FrameLog).__frames.splice(0));
    log('scrolling through the timeline…');
    const scroll = await page.evaluate(scrollThrough);
    const scrollFrames = await page.evaluate(() => (window as unknown as FrameLog).__frames.splice(0));
    return {
      benchmark: 'library',
      at: new Date().toISOString(),
      machine: { cores: cpus().length, browser: `Chromium ${browser.context.browser()?.version() ?? ''}`.trim() },
      inputs: { photos: count, viewport: '1280×860' },
      open: { ms: openMs, longestFrameMs: Math.max(0, ...loadFrames), framesOver100ms: loadFrames.filter((d) => d > 100).length },
      scroll: {
        pixels: scroll.pixels,
        frames: scroll.frames,
        ms: Math.round(scroll.ms),
        meanFrameMs: Math.round((scroll.ms / scroll.frames) * 10) / 10,
        longestFrameMs: Math.max(0, ...scrollFrames),
        framesOver50ms: scrollFrames.length,
        framesOver100ms: scrollFrames.filter((d) => d > 100).length,
      },
    };
  } finally {
    await browser.close();
    server.close();
  }
}

interface FrameLog {
  __frames: number[];
}

/** Runs in the page: log every animation frame longer than 50 ms. */
function observeFrames(): void {
  const log = window as unknown as FrameLog;
  log.__frames = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) log.__frames.push(Math.round(entry.duration));
  }).observe({ type: 'long-animation-frame', buffered: false });
}

/** Runs in the page: synthetic photos spread over 20 years, written in big transactions. */
async function seedLibrary(count: number): Promise<void> {
  const canvas = new OffscreenCanvas(64, 48);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#8a9';
  ctx.fillRect(0, 0, 64, 48);
  const tiny = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.6 });
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('keepsake');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const start = Date.UTC(2005, 0, 1);
  const span = Date.UTC(2025, 0, 1) - start;
  for (let first = 0; first < count; first += 5000) {
    const tx = db.transaction(['photos', 'thumbs'], 'readwrite');
    for (let i = first; i < Math.min(count, first + 5000); i++) {
      const id = i.toString(16).padStart(64, '0');
      const t = start + Math.floor((span * i) / count);
      tx.objectStore('photos').put({
        schema: 1, id, paths: [`bench/${i}.jpg`], size: 1, mime: 'image/jpeg', format: 'jpeg', width: 4000, height: 3000,
        storedWidth: 4000, storedHeight: 3000, orientation: 1, takenAt: new Date(t).toISOString().slice(0, 19), takenAtSource: 'exif',
        takenAtUtcMs: null, localSortMs: t, gps: null, camera: null, importedAt: 0, original: { kind: 'opfs', path: `bench/${i}` },
      });
      tx.objectStore('thumbs').put({ schema: 1, photoId: id, small: tiny, preview: tiny });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }
  db.close();
}

/**
 * Runs in the page: a brisk, steady scroll (300 px a frame, 18,000 px/s at 60 fps) for 1,000
 * frames, starting in the middle of the timeline (a jump through the month list).
 */
async function scrollThrough(): Promise<{ pixels: number; frames: number; ms: number }> {
  const grid = document.querySelector<HTMLElement>('[data-testid=library-grid]')!;
  grid.scrollTop = grid.scrollHeight / 2;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const from = grid.scrollTop;
  const started = performance.now();
  let frames = 0;
  for (; frames < 1000 && grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1; frames++) {
    grid.scrollTop += 300;
    await new Promise(requestAnimationFrame);
  }
  return { pixels: Math.round(grid.scrollTop - from), frames, ms: performance.now() - started };
}
