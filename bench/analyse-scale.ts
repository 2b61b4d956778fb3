/**
 * Analysis at scale: does memory stay flat over one long session? A library of distinct photos is
 * imported (analysis off), then analysed in one page on one TF.js backend (wasm by default), and
 * every `--every` analysed photos the benchmark takes a sample: photos done, the page's JS heap and
 * each vision worker's JS heap (both right after a forced full GC, so the series shows what is
 * retained, not garbage), live TF.js tensors and WebAssembly memory per vision worker, and the
 * resident memory of the whole browser. Writes bench/results/analyse-scale.json: the series and a
 * summary (first- vs last-quarter means, slope per 1,000 photos, growth from the second sample to
 * the last, and a verdict).
 *
 *   npm run bench -- analyse-scale [--count 2000] [--every 100] [--backend wasm] [--seed 1]
 *
 * The photos are made here, once (into bench/fixtures/, git-ignored), not by bench/fixtures.ts:
 * those are 16 pictures with 2,000 different EXIF headers, so 2,000 of them would be 125 copies of
 * each picture. Here every file is its own picture: a corpus photo cropped at a random zoom and
 * position, mirrored half the time, with its own brightness, contrast, saturation and hue, encoded
 * by Chromium at 1600×1200 (1.9 MP; portrait sources 1200×1600), with phone-like EXIF (camera and a
 * capture time, shots grouped into events and the odd burst). Analysis reads the preview made at
 * import (long edge 1600 px), so it gets the same input as from a 12-MP photo, while making and
 * importing the files takes a fraction of the time.
 *
 * How the workers are measured: a CDP session on the page auto-attaches (non-flattened) to its
 * dedicated workers, so each vision worker gets HeapProfiler.collectGarbage and
 * Runtime.getHeapUsage of its own, and its TF.js engine's counters and WebAssembly heap
 * (globalThis._tfengine, which @tensorflow/tfjs-core puts there) and that of any other Emscripten
 * module it exposes. No domain is enabled in the workers (no debugger), and each read runs between
 * the worker's own tasks, so analysis carries on around it. (Runtime.queryObjects, which would find
 * every WebAssembly.Memory, stalled a worker for over a minute and the renderer crashed: not used.)
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../cli/browser';
import { ROOT, ensureBuilt, serveDist } from '../cli/serve';
import { importFiles, openApp, status } from '../cli/drive';
import { mulberry32 } from '../src/pipeline/random';
import { buildExifApp1, insertExifApp1 } from './exif-writer';
import { profileProcesses, round, sampleMemory } from './import';
import type { TfBackend } from '../src/db/schema';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const option = (args: string[], name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};

/**
 * Heap growth (page, and each vision worker) from the second sample to the last under which a run
 * counts as flat. Absolute, not relative: the heaps are small (under 10 MB after a GC), so 10 % of
 * them is within the sample-to-sample jitter and the JIT's warm-up, while the page's heap
 * legitimately holds a little per analysed photo (its analysis summary, people, similar groups).
 * 20 MB over the 1,800 photos between the second and the last sample of a 2,000-photo run is ~11 MB
 * per 1,000 photos: a leak below that would cost about 1 GB over a 100,000-photo library, the size
 * the scale benchmark opens.
 */
const HEAP_TOLERANCE_MB = 20;
/** The same for the whole browser's resident memory (the WebAssembly heaps only ever grow, and allocators keep freed pages). */
const RSS_TOLERANCE_MB = 100;

export async function benchAnalyseScale(args: string[]): Promise<unknown> {
  const count = Number(option(args, '--count', '2000'));
  const every = Number(option(args, '--every', '100'));
  const seed = Number(option(args, '--seed', '1'));
  const backend = option(args, '--backend', 'wasm') as TfBackend;
  if (!Number.isInteger(every) || every < 1) throw new Error(`--every must be a positive integer, got ${every}`);
  const fixtures = await ensureScaleFixtures({ count, seed });
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const browser = await launchBrowser();
  try {
    const version = browser.context.browser()?.version() ?? 'unknown';
    const page = await openApp(browser.context, url, `automation=1&demo=0&analyse=0&backend=${backend}`);
    const probe = await Probe.attach(browser.context, page);

    log(`importing ${count} photos (analysis off)…`);
    const importStarted = Date.now();
    const imported = await importFiles(page, fixtures.dir, log);
    const importMs = Date.now() - importStarted;
    const notImported = imported.photos === count ? [] : (await page.evaluate(() => window.__keepsake!.report(''))).files.filter((f) => f.status !== 'imported');
    for (const f of notImported) log(`not imported: ${f.path}: ${f.status}${f.error ? ` (${f.error})` : ''}`);
    // A file the import turned down (under heavy load a decode can fail) is reported, not fatal; a broken import is.
    if (imported.photos < count * 0.99) throw new Error(`${imported.photos} photos in the library after importing ${count} files${imported.notice ? ` (${imported.notice})` : ''}`);

    const beforeAnalysis = await takeSample(page, probe, browser.profile, 0);
    log(`before analysis: page heap ${beforeAnalysis.page.heapMB} MB, browser RSS ${beforeAnalysis.rss.totalMB} MB`);

    const peak = sampleMemory(browser.profile);
    const started = Date.now();
    await page.evaluate(() => window.__keepsake!.startAnalysis());
    const series: Sample[] = [];
    let next = every;
    let lastLog = 0;
    let settled: Awaited<ReturnType<typeof status>>;
    for (;;) {
      const s = await status(page);
      const running = s.analysis.phase === 'loading' || s.analysis.phase === 'running';
      if (!running && (s.analysis.phase === 'stopped' || s.analysis.phase === 'paused' || (await page.evaluate(() => window.__keepsake!.unanalysed())) === 0)) {
        settled = s;
        break;
      }
      if (s.analysis.done >= next && s.analysis.done < count) {
        const sample = await takeSample(page, probe, browser.profile, (Date.now() - started) / 1000);
        series.push(sample);
        log(describe(sample));
        next = Math.floor(sample.done / every) * every + every;
      } else if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`analyse: ${s.analysis.done}/${s.analysis.total}`);
      }
      await page.waitForTimeout(250);
    }
    const analyseMs = Date.now() - started;
    // At once, before the idle vision workers are retired (after 30 s).
    const last = await takeSample(page, probe, browser.profile, analyseMs / 1000);
    series.push(last);
    log(describe(last));
    const peakRssMB = peak.stop();
    if (settled.analysis.notice) throw new Error(settled.analysis.notice);
    // The app's own hook, for comparison: one count per vision worker still running.
    const appTensors = await page.evaluate(() => window.__keepsake!.tensors());
    const report = await page.evaluate(() => window.__keepsake!.report(''));
    const faces = report.photos.reduce((n, photo) => n + (photo.faces?.length ?? 0), 0);

    return {
      benchmark: 'analyse-scale',
      at: new Date().toISOString(),
      command: `npm run bench -- analyse-scale --count ${count} --every ${every} --backend ${backend}${seed !== 1 ? ` --seed ${seed}` : ''}`,
      app: { version: report.app.version, commit: appCommit(), models: report.app.models },
      machine: { cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), browser: `Chromium ${version}`, note: 'shared 2-core machine: other work ran beside it, so photos/s is not a speed measurement' },
      inputs: {
        photos: fixtures.files.length,
        size: `${LONG}×${SHORT} (portrait sources ${SHORT}×${LONG}), ${round((LONG * SHORT) / 1e6)} MP`,
        averageKB: Math.round(fixtures.totalBytes / fixtures.files.length / 1000),
        totalMB: Math.round(fixtures.totalBytes / 1e6),
        distinct: { files: fixtures.distinctFiles, pictures: fixtures.distinctPictures, sources: fixtures.sources },
        what: 'every file its own picture: a corpus photo cropped at a random zoom and place, mirrored half the time, own brightness/contrast/saturation/hue, Chromium JPEG q90, phone EXIF (camera, capture time in events and bursts)',
      },
      method: {
        samples: `every ${every} analysed photos while analysis runs (the next ones carry on meanwhile), and once when it ends; "done" is the count when the sample began`,
        heap: 'Runtime.getHeapUsage (V8 heap in use) right after HeapProfiler.collectGarbage, for the page and for each vision worker on its own',
        tensors: 'the worker\'s TF.js engine counters (globalThis._tfengine.state, what tf.memory() reports), read three times 50 ms apart: min and max',
        wasm: 'size of the WebAssembly heap of the TF.js wasm backend (globalThis._tfengine.registry.wasm) and of any Emscripten module on the worker\'s global object (MediaPipe\'s, where it puts one there)',
        rss: 'resident memory of every process of the browser profile (ps), total and per process type',
      },
      import: { photos: imported.photos, ms: importMs, photosPerSecond: round(imported.photos / (importMs / 1000)), notImported },
      analysis: {
        backend: settled.analysis.backend,
        photos: settled.analysis.done,
        failed: settled.analysis.failed,
        faces,
        ms: analyseMs,
        photosPerSecond: round(settled.analysis.done / (analyseMs / 1000)),
      },
      peakBrowserRssMB: peakRssMB,
      appTensorsAtEnd: appTensors,
      summary: summarise(series),
      beforeAnalysis,
      series,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** The commit the app was built from: KEEPSAKE_COMMIT (a run from an exported copy), else git's HEAD, marked when the tree has changes. */
function appCommit(): string | null {
  if (process.env.KEEPSAKE_COMMIT) return process.env.KEEPSAKE_COMMIT;
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Samples

interface WorkerSample {
  worker: string;
  heapMB: number;
  tensors: { min: number; max: number } | null;
  tensorMB: number | null;
  wasmMB: Record<string, number>;
}

interface Sample {
  done: number;
  /** Seconds since analysis started. */
  atS: number;
  /** How long taking the sample took (GC in the page and every worker). */
  tookMs: number;
  page: { heapMB: number };
  vision: WorkerSample[];
  /** Other workers alive at the time (import, cluster…): heap only. */
  otherWorkers: Array<{ worker: string; heapMB: number }>;
  rss: { totalMB: number; byType: Record<string, number> };
}

const MB = (bytes: number): number => round(bytes / 2 ** 20);

async function takeSample(page: Page, probe: Probe, profile: string, atS: number): Promise<Sample> {
  const started = Date.now();
  const done = (await status(page)).analysis.done;
  const pageHeap = await probe.heap(null);
  const vision: WorkerSample[] = [];
  const otherWorkers: Sample['otherWorkers'] = [];
  for (const worker of probe.workers()) {
    try {
      const heap = await probe.heap(worker.session);
      if (worker.title !== 'vision') {
        otherWorkers.push({ worker: worker.label, heapMB: MB(heap) });
        continue;
      }
      const reads: Array<EngineRead | null> = [];
      for (let i = 0; i < 3; i++) {
        if (i) await page.waitForTimeout(50);
        reads.push(await probe.evaluate<EngineRead | null>(worker.session, ENGINE));
      }
      const counts = reads.flatMap((r) => (r ? [r.numTensors] : []));
      const last = reads[reads.length - 1];
      vision.push({
        worker: worker.label,
        heapMB: MB(heap),
        tensors: counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : null,
        tensorMB: last ? MB(last.numBytes) : null,
        wasmMB: Object.fromEntries(Object.entries(last?.wasm ?? {}).map(([name, bytes]) => [name, MB(bytes)])),
      });
    } catch (error) {
      // A worker retired while being read: it simply is not in this sample.
      log(`sample: ${worker.label}: ${(error as Error).message}`);
    }
  }
  return { done, atS: round(atS), tookMs: Date.now() - started, page: { heapMB: MB(pageHeap) }, vision, otherWorkers, rss: browserRss(profile) };
}

interface EngineRead {
  numTensors: number;
  numBytes: number;
  /** WebAssembly heap size per module: 'tfjs' (the wasm backend), and any global Emscripten module (MediaPipe's). */
  wasm: Record<string, number>;
}

/** Runs in a worker: its TF.js engine's live tensors and their bytes, and its WebAssembly heaps (null before TF.js loaded). */
const ENGINE = `(() => {
  const engine = globalThis._tfengine;
  if (!engine || !engine.state) return null;
  const wasm = {};
  const tf = engine.registry && engine.registry.wasm && engine.registry.wasm.wasm;
  if (tf && tf.HEAPU8) wasm.tfjs = tf.HEAPU8.buffer.byteLength;
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    let value;
    try { value = globalThis[key]; } catch { continue; }
    if (value && (typeof value === 'object' || typeof value === 'function') && value !== tf && value.HEAPU8 instanceof Uint8Array) wasm[key] = value.HEAPU8.buffer.byteLength;
  }
  return { numTensors: engine.state.numTensors, numBytes: engine.state.numBytes, wasm };
})()`;

function describe(sample: Sample): string {
  const workers = sample.vision.map((w) => `${w.worker} heap ${w.heapMB} MB, ${w.tensors ? `${w.tensors.min}–${w.tensors.max}` : '?'} tensors, wasm ${Object.values(w.wasmMB).join('+')} MB`).join('; ');
  return `sample at ${sample.done} photos (${sample.atS} s, took ${sample.tookMs} ms): page heap ${sample.page.heapMB} MB; ${workers}; browser RSS ${sample.rss.totalMB} MB`;
}

/** Resident memory now of every process of this browser profile, in total and per process type. */
function browserRss(profile: string): { totalMB: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const r of profileProcesses(profile)) {
    const type = /--type=(\S+)/.exec(r.args)?.[1] ?? (r.args.includes('chrom') ? 'browser' : 'other');
    const utility = type === 'utility' ? /--utility-sub-type=\S*?(\w+)\.mojom/.exec(r.args)?.[1] : undefined;
    const key = utility ? `utility:${utility}` : type;
    byType[key] = (byType[key] ?? 0) + r.rss;
    total += r.rss;
  }
  for (const key of Object.keys(byType)) byType[key] = Math.round(byType[key]! / 1024);
  return { totalMB: Math.round(total / 1024), byType };
}

// ---------------------------------------------------------------------------------------------
// Summary

interface Trend {
  first: number;
  second: number;
  last: number;
  firstQuarterMean: number;
  lastQuarterMean: number;
  /** Least-squares slope against photos done, per 1,000 photos. */
  slopePer1000Photos: number;
  growthSecondToLast: number;
  growthSecondToLastPercent: number;
}

function trend(points: Array<{ done: number; value: number }>): Trend | null {
  if (points.length < 2) return null;
  const quarter = Math.max(1, Math.round(points.length / 4));
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const mx = mean(points.map((p) => p.done));
  const my = mean(points.map((p) => p.value));
  const sxx = points.reduce((s, p) => s + (p.done - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.done - mx) * (p.value - my), 0);
  const second = points[1]!.value;
  const last = points[points.length - 1]!.value;
  return {
    first: points[0]!.value,
    second,
    last,
    firstQuarterMean: round(mean(points.slice(0, quarter).map((p) => p.value))),
    lastQuarterMean: round(mean(points.slice(-quarter).map((p) => p.value))),
    slopePer1000Photos: sxx ? round((sxy / sxx) * 1000) : 0,
    growthSecondToLast: round(last - second),
    growthSecondToLastPercent: second ? round(((last - second) / second) * 100) : 0,
  };
}

function summarise(series: Sample[]): unknown {
  const workers = [...new Set(series.flatMap((s) => s.vision.map((w) => w.worker)))];
  const of = (pick: (w: WorkerSample) => number | null, worker: string): Array<{ done: number; value: number }> =>
    series.flatMap((s) => {
      const w = s.vision.find((v) => v.worker === worker);
      const value = w ? pick(w) : null;
      return value === null ? [] : [{ done: s.done, value }];
    });
  const pageHeap = trend(series.map((s) => ({ done: s.done, value: s.page.heapMB })));
  const rss = trend(series.map((s) => ({ done: s.done, value: s.rss.totalMB })));
  // The renderer holds the page and its workers; the total also counts Chromium's own services, which come and go.
  const rendererRss = trend(series.map((s) => ({ done: s.done, value: s.rss.byType.renderer ?? 0 })));
  const perWorker = workers.map((worker) => {
    const tensorsMin = of((w) => w.tensors?.min ?? null, worker);
    const tensorsMax = of((w) => w.tensors?.max ?? null, worker);
    const quarter = Math.max(1, Math.round(tensorsMin.length / 4));
    const firstQuarterMax = Math.max(...tensorsMax.slice(0, quarter).map((p) => p.value));
    const lastQuarterMin = Math.min(...tensorsMin.slice(-quarter).map((p) => p.value));
    return {
      worker,
      samples: tensorsMin.length,
      heapMB: trend(of((w) => w.heapMB, worker)),
      tensors: { ...trend(tensorsMin), firstQuarterMax, lastQuarterMin, flat: lastQuarterMin <= firstQuarterMax },
      tensorMB: trend(of((w) => w.tensorMB, worker)),
      wasmMB: trend(of((w) => round(Object.values(w.wasmMB).reduce((s, x) => s + x, 0)), worker)),
    };
  });
  const heapFlat = (t: Trend | null): boolean => t !== null && t.growthSecondToLast < HEAP_TOLERANCE_MB;
  const checks = {
    pageHeap: heapFlat(pageHeap),
    workerHeaps: perWorker.length > 0 && perWorker.every((w) => heapFlat(w.heapMB)),
    tensors: perWorker.length > 0 && perWorker.every((w) => w.tensors.flat),
    rss: rss !== null && rss.growthSecondToLast < RSS_TOLERANCE_MB,
  };
  return {
    verdict: Object.values(checks).every(Boolean) ? 'flat' : 'growing',
    checks,
    tolerance: {
      heap: `growth from the second sample to the last under ${HEAP_TOLERANCE_MB} MB, for the page and for each vision worker (absolute, not relative: the heaps are under 10 MB after a GC, so 10 % of them is within the sample-to-sample jitter and the JIT's warm-up, and the page legitimately keeps a little per analysed photo; ${HEAP_TOLERANCE_MB} MB over 1,800 photos is ~11 MB per 1,000 photos, ~1 GB over a 100,000-photo library)`,
      tensors: 'no climb: the smallest count a worker shows in the last quarter of the samples is not above the largest it shows in the first quarter (a sample may catch a photo\'s tensors in flight)',
      rss: `whole-browser resident memory from the second sample to the last under ${RSS_TOLERANCE_MB} MB`,
      why: 'the first sample is taken after the first photos, while the WebAssembly heaps and the allocators are still warming up; from the second on the run should be level',
    },
    pageHeapMB: pageHeap,
    browserRssMB: rss,
    rendererRssMB: rendererRss,
    visionWorkers: perWorker,
  };
}

// ---------------------------------------------------------------------------------------------
// CDP: the page and its workers

interface AttachedWorker {
  session: string;
  title: string;
  url: string;
  /** e.g. 'vision-1', numbered in the order they started. */
  label: string;
}

class Probe {
  readonly #cdp: CDPSession;
  readonly #workers = new Map<string, AttachedWorker>();
  readonly #pending = new Map<number, { session: string; resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #started = new Map<string, number>();
  #nextId = 1;

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type !== 'worker') return;
      const title = targetInfo.title || 'worker';
      const n = (this.#started.get(title) ?? 0) + 1;
      this.#started.set(title, n);
      this.#workers.set(sessionId, { session: sessionId, title, url: targetInfo.url, label: `${title}-${n}` });
    });
    cdp.on('Target.detachedFromTarget', ({ sessionId }) => {
      if (!sessionId) return;
      this.#workers.delete(sessionId);
      for (const waiting of [...this.#pending.values()]) if (waiting.session === sessionId) waiting.reject(new Error('the worker closed'));
    });
    cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
      const reply = JSON.parse(message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = reply.id === undefined ? undefined : this.#pending.get(reply.id);
      if (!waiting) return;
      if (reply.error) waiting.reject(new Error(reply.error.message));
      else waiting.resolve(reply.result);
    });
  }

  static async attach(context: BrowserContext, page: Page): Promise<Probe> {
    const probe = new Probe(await context.newCDPSession(page));
    // Non-flattened: replies come back as events on this session, so Playwright's own (flattened) sessions are not disturbed.
    await probe.#cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return probe;
  }

  workers(): AttachedWorker[] {
    return [...this.#workers.values()];
  }

  /** V8 heap in use (bytes) right after a full GC, of the page (`session` null) or a worker. */
  async heap(session: string | null): Promise<number> {
    await this.#send(session, 'HeapProfiler.collectGarbage');
    const usage = (await this.#send(session, 'Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize;
  }

  async evaluate<T>(session: string, expression: string): Promise<T> {
    const reply = (await this.#send(session, 'Runtime.evaluate', { expression, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (reply.exceptionDetails) throw new Error(reply.exceptionDetails.text);
    return reply.result.value;
  }

  /** A command to the page itself (`session` null) or, through the page's session, to one of its workers. */
  async #send(session: string | null, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (session === null) return this.#cdp.send(method as 'Runtime.evaluate', params as never);
    const id = this.#nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = new Promise<unknown>((resolve, reject) => {
      const settle = (): void => void (clearTimeout(timer), this.#pending.delete(id));
      this.#pending.set(id, { session, resolve: (value) => (settle(), resolve(value)), reject: (error) => (settle(), reject(error)) });
      timer = setTimeout(() => this.#pending.get(id)?.reject(new Error(`${method}: no reply in 60 s`)), 60_000);
    });
    try {
      await this.#cdp.send('Target.sendMessageToTarget', { sessionId: session, message: JSON.stringify({ id, method, params }) });
    } catch (error) {
      // The worker is gone (retired when idle): no reply will come, and nobody waits for this one.
      this.#pending.get(id)?.reject(error as Error);
      reply.catch(() => {});
    }
    return reply;
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: distinct pictures

const GENERATOR_VERSION = 1;
const LONG = 1600;
const SHORT = 1200;
const QUALITY = 0.9;
const CORPUS = '/work/shared/corpus';
const INDEX_NAME = '.fixtures.json';
const FILE_NAME = /^IMG_\d{8}_\d{6}(_\d+)?\.jpg$/;

interface ScaleFixtures {
  dir: string;
  files: string[];
  totalBytes: number;
  distinctFiles: number;
  distinctPictures: number;
  sources: number;
}

interface ScaleIndex {
  generator: string;
  version: number;
  count: number;
  seed: number;
  size: string;
  totalBytes: number;
  sources: string[];
  /** Files whose picture (the JPEG after the EXIF segment) is distinct: all of them. */
  distinctPictures: number;
  files: Array<{ name: string; bytes: number; sha256: string; source: number; takenAt: string }>;
}

interface Plan {
  source: number;
  crop: { zoom: number; x: number; y: number };
  flip: boolean;
  filter: string;
  localMs: number;
  camera: (typeof CAMERAS)[number];
  uniqueId: string;
}

const CAMERAS = [
  { make: 'Apple', model: 'iPhone 13', software: '16.5', fNumber: [16, 10] as [number, number], focalLength: [510, 100] as [number, number], focalLengthIn35mm: 26 },
  { make: 'Google', model: 'Pixel 7', software: 'HDR+ 1.0.540104767zd', fNumber: [185, 100] as [number, number], focalLength: [681, 100] as [number, number], focalLengthIn35mm: 24 },
  { make: 'samsung', model: 'SM-S911B', software: 'S911BXXU1AWBD', fNumber: [18, 10] as [number, number], focalLength: [630, 100] as [number, number], focalLengthIn35mm: 24 },
];

/** Corpus photos the browser decodes, big enough to crop from, one per near-duplicate group. */
function chooseSources(): string[] {
  type Entry = { path: string; format: string; kind: string; stored_width: number; stored_height: number; synthetic: unknown; near_duplicate_group: string | null };
  const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { files: Entry[] };
  const groups = new Set<string>();
  const chosen: string[] = [];
  for (const f of manifest.files) {
    if (f.kind !== 'photo' || !['JPEG', 'PNG'].includes(f.format) || Math.min(f.stored_width, f.stored_height) < 400 || f.synthetic) continue;
    if (f.near_duplicate_group) {
      if (groups.has(f.near_duplicate_group)) continue;
      groups.add(f.near_duplicate_group);
    }
    chosen.push(f.path);
  }
  return chosen.sort();
}

/** Events of 3–24 shots, one or two scenes each, days apart; shots minutes apart, now and then a burst. */
function plan(count: number, seed: number, sources: number): Plan[] {
  const rng = mulberry32(createHash('sha256').update(`analyse-scale:${seed}`).digest().readUInt32LE(0));
  const between = (lo: number, hi: number): number => lo + rng() * (hi - lo);
  const int = (lo: number, hi: number): number => Math.floor(between(lo, hi + 1));
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  const plans: Plan[] = [];
  let day = Date.UTC(2021, 2, 1);
  while (plans.length < count) {
    day += int(1, 9) * 86_400_000;
    const scenes = [int(0, sources - 1), int(0, sources - 1)].slice(0, int(1, 2));
    const camera = CAMERAS[rng() < 0.8 ? 0 : int(1, 2)]!;
    let t = day + int(8 * 3600, 17 * 3600) * 1000;
    const shots = Math.min(int(3, 24), count - plans.length);
    for (let k = 0; k < shots; k++) {
      if (k) t += rng() < 0.12 ? int(1, 3) * 1000 : int(20, 25 * 60) * 1000;
      plans.push({
        source: scenes[k % scenes.length]!,
        crop: { zoom: between(1, 1.7), x: rng(), y: rng() },
        flip: rng() < 0.5,
        filter: `brightness(${between(0.88, 1.12).toFixed(3)}) contrast(${between(0.92, 1.1).toFixed(3)}) saturate(${between(0.85, 1.2).toFixed(3)}) hue-rotate(${between(-6, 6).toFixed(2)}deg)`,
        localMs: t,
        camera,
        uniqueId: hex(32),
      });
    }
  }
  return plans;
}

/** In the encoder page (plain JS): decode a source once, then crop, mirror, tint and encode variants of it. */
const PAGE_SCRIPT = String.raw`(() => {
  let bitmap = null;
  globalThis.__scaleFixtures = {
    async load(base64) {
      bitmap?.close();
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      bitmap = await createImageBitmap(new Blob([bytes]));
      return { width: bitmap.width, height: bitmap.height };
    },
    async make({ sx, sy, sw, sh, width, height, flip, filter, quality }) {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { alpha: false });
      ctx.filter = filter;
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      if (flip) {
        ctx.translate(width, 0);
        ctx.scale(-1, 1);
      }
      ctx.drawImage(bitmap, sx, sy, sw, sh, 0, 0, width, height);
      const out = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
      let s = '';
      for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode.apply(null, out.subarray(i, i + 0x8000));
      return btoa(s);
    },
  };
})();`;

type EncoderGlobal = {
  __scaleFixtures: {
    load(base64: string): Promise<{ width: number; height: number }>;
    make(args: { sx: number; sy: number; sw: number; sh: number; width: number; height: number; flip: boolean; filter: string; quality: number }): Promise<string>;
  };
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function readIndex(dir: string): ScaleIndex | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, INDEX_NAME), 'utf8')) as ScaleIndex;
  } catch {
    return undefined;
  }
}

function complete(dir: string, index: ScaleIndex | undefined, count: number, seed: number): index is ScaleIndex {
  if (!index || index.version !== GENERATOR_VERSION || index.size !== `${LONG}×${SHORT}` || index.count !== count || index.seed !== seed || index.files.length !== count) return false;
  return index.files.every((f) => existsSync(join(dir, f.name)) && statSync(join(dir, f.name)).size === f.bytes);
}

function fixturesOf(dir: string, index: ScaleIndex): ScaleFixtures {
  return {
    dir,
    files: index.files.map((f) => join(dir, f.name)),
    totalBytes: index.totalBytes,
    distinctFiles: new Set(index.files.map((f) => f.sha256)).size,
    distinctPictures: index.distinctPictures,
    sources: index.sources.length,
  };
}

/** Makes (once per count and seed) `count` distinct pictures in bench/fixtures/analyse-scale-<count>/. */
export async function ensureScaleFixtures({ count, seed }: { count: number; seed: number }): Promise<ScaleFixtures> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got ${count}`);
  const dir = join(ROOT, 'bench', 'fixtures', `analyse-scale-${count}`);
  const existing = readIndex(dir);
  if (complete(dir, existing, count, seed)) {
    log(`fixtures: ${count} distinct photos already in ${dir}`);
    return fixturesOf(dir, existing);
  }
  const started = Date.now();
  log(`fixtures: making ${count} distinct ${LONG}×${SHORT} photos in ${dir}`);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, INDEX_NAME), { force: true });
  const sources = chooseSources();
  const plans = plan(count, seed, sources.length);
  const names = new Set<string>();
  const files: ScaleIndex['files'] = [];
  const pictures = new Set<string>();
  let totalBytes = 0;
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.evaluate(PAGE_SCRIPT);
    const order = plans.map((p, i) => ({ p, i })).sort((a, b) => a.p.source - b.p.source || a.i - b.i);
    let loaded = -1;
    let size = { width: 0, height: 0 };
    for (const { p } of order) {
      if (p.source !== loaded) {
        const bytes = readFileSync(join(CORPUS, sources[p.source]!)).toString('base64');
        size = await page.evaluate((b64) => (globalThis as unknown as EncoderGlobal).__scaleFixtures.load(b64), bytes);
        loaded = p.source;
      }
      const portrait = size.height > size.width;
      const width = portrait ? SHORT : LONG;
      const height = portrait ? LONG : SHORT;
      // The largest region of the output's shape, shrunk by the zoom, placed at (x, y) of the room left.
      const scale = Math.min(size.width / width, size.height / height) / p.crop.zoom;
      const sw = width * scale;
      const sh = height * scale;
      const encoded = await page.evaluate((args) => (globalThis as unknown as EncoderGlobal).__scaleFixtures.make(args), {
        sx: (size.width - sw) * p.crop.x, sy: (size.height - sh) * p.crop.y, sw, sh, width, height, flip: p.flip, filter: p.filter, quality: QUALITY,
      });
      const picture = new Uint8Array(Buffer.from(encoded, 'base64'));
      const pictureHash = sha256(picture);
      if (pictures.has(pictureHash)) throw new Error('two variants encoded to the same picture');
      pictures.add(pictureHash);

      const w = new Date(p.localMs);
      const date = `${w.getUTCFullYear()}:${pad(w.getUTCMonth() + 1)}:${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
      const app1 = buildExifApp1({
        make: p.camera.make, model: p.camera.model, software: p.camera.software, orientation: 1,
        pixelXDimension: width, pixelYDimension: height,
        dateTimeOriginal: date, offsetTimeOriginal: '+00:00', imageUniqueId: p.uniqueId,
        camera: { exposureTime: [1, 120], fNumber: p.camera.fNumber, iso: 100, focalLength: p.camera.focalLength, focalLengthIn35mm: p.camera.focalLengthIn35mm },
        byteOrder: p.camera.make === 'Apple' ? 'MM' : 'II',
      });
      const file = insertExifApp1(picture, app1);
      const stem = `IMG_${date.slice(0, 10).replaceAll(':', '')}_${date.slice(11).replaceAll(':', '')}`;
      let name = `${stem}.jpg`;
      for (let k = 1; names.has(name); k++) name = `${stem}_${k}.jpg`;
      names.add(name);
      writeFileSync(join(dir, name), file);
      totalBytes += file.length;
      files.push({ name, bytes: file.length, sha256: sha256(file), source: p.source, takenAt: `${date.slice(0, 10).replaceAll(':', '-')}T${date.slice(11)}+00:00` });
      if (files.length % 200 === 0) log(`fixtures: ${files.length}/${count}`);
    }
  } finally {
    await browser.close();
  }
  for (const entry of readdirSync(dir)) if (FILE_NAME.test(entry) && !names.has(entry)) rmSync(join(dir, entry));
  const index: ScaleIndex = {
    generator: 'bench/analyse-scale.ts',
    version: GENERATOR_VERSION,
    count,
    seed,
    size: `${LONG}×${SHORT}`,
    totalBytes,
    sources,
    distinctPictures: pictures.size,
    files: files.sort((a, b) => a.name.localeCompare(b.name)),
  };
  if (new Set(files.map((f) => f.sha256)).size !== count) throw new Error('duplicate file bytes');
  writeFileSync(join(dir, INDEX_NAME), `${JSON.stringify(index, null, 1)}\n`);
  log(`fixtures: ${count} files from ${sources.length} corpus photos, ${(totalBytes / 1e6).toFixed(0)} MB (average ${(totalBytes / count / 1e3).toFixed(0)} KB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return fixturesOf(dir, index);
}
