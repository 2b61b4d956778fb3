/**
 * `npm run bench -- scale [--count 100000] [--profile DIR [--port 4199]] [--scroll-step 400]`: the whole app at
 * 100,000 photos. A synthetic library (bench/synthetic-library.ts: records, thumbnails, analyses,
 * faces with embeddings, people, favourites) is written straight into the app's IndexedDB from
 * inside the page; the app then makes its events and memories as after a real import. Then, as a
 * person would use it: open the library, scroll the whole timeline, filter by person, place and
 * date, open People, make memories again, make a book of the top memory. Time, longest main-thread
 * task and memory (the page's JS heap; the peak RSS of all the browser's processes) for each, and
 * whether the targets are met → bench/results/scale.json.
 *
 * `--profile DIR` keeps the browser profile (the seeded library) in DIR and reuses it next time,
 * skipping the seeding (served on a fixed port, `--port`, so the origin is the same). Headless Chromium here renders in software on 2 shared cores: frame times
 * are an upper bound for a real machine, and the machine's load is written beside them.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { CDPSession } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { launchBrowser } from '../cli/browser';
import { ensureBuilt, ROOT, serveDist } from '../cli/serve';
import { sampleMemory } from './import';
import type { SeedSummary, SyntheticOptions } from './synthetic-library';
import type { FilterFigures } from './scale-page';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Done when, at 100,000 photos: */
export const TARGETS = { scrollLongestTaskMs: 50, filterMs: 100, memoriesMs: 5000 } as const;

/** How long opening the library may take (100,000 photos on 2 loaded cores take minutes). */
const OPEN_TIMEOUT_MS = 900_000;

const argOf = (args: string[], name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

export async function benchScale(args: string[]): Promise<unknown> {
  const count = Number(argOf(args, '--count') ?? 100_000);
  const profile = argOf(args, '--profile');
  const scrollStep = Number(argOf(args, '--scroll-step') ?? 400);
  ensureBuilt(log);
  const script = await bundlePageScript();
  const served = await serveDist();
  const { server } = served;
  let { url } = served;
  // A kept profile's library belongs to the origin it was written at: serve on the same port every time.
  if (profile) url = await relisten(server, Number(argOf(args, '--port') ?? 4199));
  if (profile) mkdirSync(profile, { recursive: true });
  const reused = profile !== undefined && existsSync(join(profile, 'Default'));
  const browser = await launchBrowser(profile ? { profile, keepProfile: true } : {});
  // The generator and the page's side of the benchmark, in every page before the app's own scripts.
  await browser.context.addInitScript({ content: `${script};globalThis.KeepsakeScale = KeepsakeScale;KeepsakeScale.observeMainThread();` });
  const loadAtStart = loadavg();
  try {
    // A big library takes a while to open on a slow machine: wait longer than the CLI's openApp does.
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`${url}/?automation=1&demo=0&analyse=0`);
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true, null, { timeout: OPEN_TIMEOUT_MS });
    // A kept profile's service worker would serve the build it cached last time: drop it, so the next
    // navigation runs (and caches) this build.
    const stale = await page.evaluate(async () => {
      const registrations = await navigator.serviceWorker.getRegistrations();
      for (const registration of registrations) await registration.unregister();
      return registrations.length;
    });
    if (stale) log('unregistered the service worker of the last run (it would serve its build)');
    const stored = await page.evaluate(() => KeepsakeScale.syntheticLibrarySize());
    let seed: (SeedSummary & { peakBrowserRssMB: number }) | { reused: true; photos: number; seededWith?: unknown };
    // What the generator wrote is kept beside a kept profile's library, for the runs that reuse it.
    const seedFile = profile ? join(profile, 'keepsake-seed.json') : null;
    if (stored === count) {
      const outdated = await page.evaluate(() => KeepsakeScale.syntheticLibraryStale());
      if (outdated) throw new Error(`${outdated} of the ${count} photos in ${profile} were analysed by other model versions than this build's, so the app would analyse them again while being measured: use a new --profile`);
      log(`reusing the ${count} photos in ${profile}`);
      seed = { reused: true, photos: stored, ...(seedFile && existsSync(seedFile) ? { seededWith: JSON.parse(readFileSync(seedFile, 'utf8')) as unknown } : {}) };
    } else {
      if (stored) throw new Error(`the profile holds ${stored} photos, not ${count}: use another --profile`);
      log(`writing a synthetic library of ${count} photos…`);
      const memory = sampleMemory(browser.profile);
      const summary = await page.evaluate((options) => KeepsakeScale.seedSyntheticLibrary(options), { count, seed: 1, now: Date.now() } satisfies SyntheticOptions);
      seed = { ...summary, peakBrowserRssMB: memory.stop() };
      if (seedFile) writeFileSync(seedFile, `${JSON.stringify(seed, null, 2)}\n`);
      log(`seeded in ${(summary.ms / 1000).toFixed(1)} s`);
    }

    // First open after the "import": the app segments events and makes memories, as after a real one.
    let memory = sampleMemory(browser.profile);
    await page.goto(`${url}/?automation=1&demo=0`);
    await page.waitForFunction(() => window.__keepsake?.status().loaded === true, null, { timeout: OPEN_TIMEOUT_MS });
    log('first open: events and memories…');
    const prepareStarted = Date.now();
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const prepared = { ms: Date.now() - prepareStarted, cluster: await page.evaluate(() => window.__keepsake!.status().cluster), peakBrowserRssMB: memory.stop() };
    const library = await page.evaluate(() => {
      const s = window.__keepsake!.status();
      return { photos: s.photos, events: document.querySelector('[data-screen=events] .count')?.textContent ?? null, memories: document.querySelector('[data-screen=memories] .count')?.textContent ?? null };
    });

    // Open: reload → the grid shows photos (cells, then their thumbnails).
    log('open…');
    const cdp = await browser.context.newCDPSession(page);
    memory = sampleMemory(browser.profile);
    await page.reload();
    await page.waitForFunction(() => KeepsakeScale.scale()?.thumbsAt != null, null, { timeout: OPEN_TIMEOUT_MS, polling: 100 });
    const openFigures = await page.evaluate(() => {
      const scale = KeepsakeScale.scale();
      return { gridMs: Math.round(scale.gridAt!), thumbnailsMs: Math.round(scale.thumbsAt!), ...scale.worst(0, scale.thumbsAt!) };
    });
    const settleStarted = await page.evaluate(() => performance.now());
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    // The memories run after a reload reads the whole library (a new worker keeps nothing yet).
    const afterOpen = await page.evaluate((from) => ({ ...KeepsakeScale.scale().worst(from, performance.now()), ms: Math.round(performance.now() - from), memoryPhases: window.__keepsake!.status().cluster.memoryPhases }), settleStarted);
    const open = { ...openFigures, ...(await heap(cdp)), peakBrowserRssMB: memory.stop(), backgroundAfterOpen: { what: 'people and memories brought up to date in the cluster worker after the open', ...afterOpen } };

    log('scrolling through the whole timeline…');
    memory = sampleMemory(browser.profile);
    const scroll = { ...(await page.evaluate((step) => KeepsakeScale.scrollThrough(step), scrollStep)), ...(await heap(cdp)), peakBrowserRssMB: memory.stop() };
    log(`scroll: longest task ${scroll.longestTaskMs} ms, longest frame ${scroll.longestFrameMs} ms over ${scroll.frames} frames`);

    log('filters…');
    const filters = await page.evaluate(() => KeepsakeScale.measureFilters());
    const filterSteps = { ...filters, ...(await heap(cdp)) };

    log('People screen…');
    memory = sampleMemory(browser.profile);
    const people = { ...(await page.evaluate(() => KeepsakeScale.openPeople())), ...(await heap(cdp)), peakBrowserRssMB: memory.stop() };

    log('memories…');
    memory = sampleMemory(browser.profile);
    const memories = { ...(await page.evaluate(() => KeepsakeScale.makeMemories())), ...(await heap(cdp)), peakBrowserRssMB: memory.stop() };
    log(`memories: ${Object.entries(memories.changes).map(([what, change]) => `${what} ${change.ms} ms (worker ${change.workerMs} ms)`).join(', ')}`);

    log('book…');
    memory = sampleMemory(browser.profile);
    const book = { ...(await page.evaluate(() => KeepsakeScale.makeBook())), ...(await heap(cdp)), peakBrowserRssMB: memory.stop() };

    const filterWorst = Math.max(...Object.values(filters).filter((f): f is FilterFigures => typeof f === 'object' && f !== null && 'ms' in f).map((f) => f.ms));
    return {
      benchmark: 'scale',
      at: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGB: Math.round(totalmem() / 2 ** 30),
        browser: `Chromium ${browser.context.browser()?.version() ?? ''}`.trim(),
        rendering: 'headless, software rasterisation',
        loadAverage: { atStart: loadAtStart.map((x) => +x.toFixed(2)), atEnd: loadavg().map((x) => +x.toFixed(2)) },
      },
      inputs: { photos: count, viewport: '1280×860', scrollStepPx: scrollStep, profile: profile ?? null, reusedProfile: reused },
      seed,
      library,
      firstOpen: { what: 'events segmented and memories made by the app after the library was written', ...prepared },
      steps: { open, scroll, filters: filterSteps, people, memories, book },
      targets: {
        scrollLongestTaskMs: { target: TARGETS.scrollLongestTaskMs, measured: scroll.longestTaskMs, met: scroll.longestTaskMs < TARGETS.scrollLongestTaskMs },
        filterMs: { target: TARGETS.filterMs, measured: filterWorst, met: filterWorst < TARGETS.filterMs },
        memoriesMs: { target: TARGETS.memoriesMs, measured: memories.ms, met: memories.ms < TARGETS.memoriesMs },
      },
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** bench/scale-page.ts (with the generator, which imports the app's schema, versions and hash code) as one script. */
async function bundlePageScript(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    publicDir: false,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: join(ROOT, 'bench/scale-page.ts'), formats: ['iife'], name: 'KeepsakeScale', fileName: 'scale-page' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((item) => item.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('could not bundle bench/scale-page.ts');
  return chunk.code;
}

declare global {
  // The bundled bench/scale-page.ts, in the page.
  var KeepsakeScale: typeof import('./scale-page');
}

/** Move a listening server to a fixed port on 127.0.0.1. */
async function relisten(server: Server, port: number): Promise<string> {
  await new Promise<void>((done) => server.close(() => done()));
  await new Promise<void>((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', done));
  return `http://127.0.0.1:${port}`;
}

async function heap(cdp: CDPSession): Promise<{ jsHeapMB: number }> {
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return { jsHeapMB: Math.round(usedSize / 2 ** 20) };
}

