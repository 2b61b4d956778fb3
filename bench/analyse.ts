/**
 * Analysis throughput: a library of 12-MP JPEGs is imported (import-only throughput, analysis off),
 * then analysed (full analysis: faces, embeddings, objects, quality, hash, junk, similar groups);
 * photos/s and milliseconds per stage, per TF.js backend. wasm runs the whole library; GPU backends
 * run a sample (on a machine without a GPU they are software-emulated: correctness, not speed).
 *
 *   npm run bench -- analyse [--count 200] [--backends wasm,webgl,webgpu] [--gpu-count 12]
 */
import { cpus, totalmem } from 'node:os';
import { launchBrowser } from '../cli/browser';
import { ensureBuilt, serveDist } from '../cli/serve';
import { importFiles, openApp, waitForAnalysis } from '../cli/drive';
import { ensureImportFixtures } from './fixtures';
import { round, sampleMemory } from './import';
import type { TfBackend } from '../src/db/schema';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const option = (args: string[], name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};

export async function benchAnalyse(args: string[]): Promise<unknown> {
  const count = Number(option(args, '--count', '200'));
  const gpuCount = Number(option(args, '--gpu-count', '12'));
  const backends = option(args, '--backends', 'wasm,webgl').split(',') as TfBackend[];
  const fixtures = await ensureImportFixtures({ count, log });
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const runs: Record<string, unknown> = {};
  let browserVersion = 'unknown';
  try {
    for (const backend of backends) {
      const files = backend === 'wasm' ? fixtures.files : fixtures.files.slice(0, gpuCount);
      log(`${backend}: importing ${files.length} photos, then analysing them…`);
      runs[backend] = await runBackend(url, backend, files, (version) => (browserVersion = version));
    }
  } finally {
    server.close();
  }
  return {
    benchmark: 'analyse',
    at: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), browser: `Chromium ${browserVersion}`, gpu: 'none (webgl/webgpu run on SwiftShader, a CPU emulation: not a speed measurement)' },
    inputs: { photos: fixtures.files.length, megapixels: fixtures.megapixels, what: 'phone-like 12 MP JPEGs made from the corpus; analysis reads the ~1600 px preview made at import' },
    backends: runs,
  };
}

async function runBackend(url: string, backend: TfBackend, files: string[], version: (v: string) => void): Promise<unknown> {
  const browser = await launchBrowser({ webgpu: backend === 'webgpu' });
  try {
    version(browser.context.browser()?.version() ?? 'unknown');
    const page = await openApp(browser.context, url, `automation=1&demo=0&analyse=0&backend=${backend}`);
    const importStarted = Date.now();
    const imported = await importFiles(page, files, log, 'file-input');
    const importMs = Date.now() - importStarted;
    const memory = sampleMemory(browser.profile);
    const started = Date.now();
    // (ms since the start, photos done) whenever the count moves: models load before the first photo.
    const marks: Array<[number, number]> = [];
    await page.evaluate(() => window.__keepsake!.startAnalysis());
    const settled = await waitForAnalysis(page, log, (s) => {
      if (s.analysis.done && s.analysis.done !== marks.at(-1)?.[1]) marks.push([Date.now() - started, s.analysis.done]);
    });
    const analyseMs = Date.now() - started;
    const peakRssMB = memory.stop();
    if (settled.analysis.notice) throw new Error(settled.analysis.notice);
    if (settled.analysis.failed) throw new Error(`${settled.analysis.failed} of ${imported.photos} photos could not be analysed on ${backend}`);
    const timings = await page.evaluate(() => window.__keepsake!.stageTimings());
    const report = await page.evaluate(() => window.__keepsake!.report(''));
    const faces = report.photos.reduce((n, photo) => n + (photo.faces?.length ?? 0), 0);
    return {
      backend: report.app.backend,
      photos: imported.photos,
      faces,
      importOnly: { photosPerSecond: round(imported.photos / (importMs / 1000)), ms: importMs },
      analysis: { photosPerSecond: round(imported.photos / (analyseMs / 1000)), ms: analyseMs, workers: 'vision workers = min(4, hardwareConcurrency)', ...startAndPace(marks) },
      msPerStage: stageSummary(timings, faces),
      peakBrowserRssMB: peakRssMB,
    };
  } finally {
    await browser.close();
  }
}

/**
 * When the first photo was done, photos/s from then to the last one (after the models loaded), and
 * when the last was done (the rest of the run: grouping similar photos, and the 250-ms polling).
 */
function startAndPace(marks: Array<[number, number]>): { firstPhotoMs: number | null; steadyPhotosPerSecond: number | null; lastPhotoMs: number | null } {
  const first = marks[0];
  const last = marks.at(-1);
  const steady = first && last && last[0] > first[0] ? round((last[1] - first[1]) / ((last[0] - first[0]) / 1000)) : null;
  return { firstPhotoMs: first?.[0] ?? null, steadyPhotosPerSecond: steady, lastPhotoMs: last?.[0] ?? null };
}

/** Mean and p95 per stage over photos; embedding also per face. */
function stageSummary(timings: Array<Record<string, number>>, faces: number): Record<string, unknown> {
  const stages = [...new Set(timings.flatMap((t) => Object.keys(t)))];
  const summary: Record<string, unknown> = {};
  for (const stage of stages) {
    const values = timings.map((t) => t[stage] ?? 0).sort((a, b) => a - b);
    summary[stage] = { mean: round(values.reduce((s, v) => s + v, 0) / values.length), p95: round(values[Math.floor(values.length * 0.95)] ?? 0) };
  }
  const embedTotal = timings.reduce((s, t) => s + (t.embed ?? 0), 0);
  summary.embedPerFace = faces ? round(embedTotal / faces) : null;
  return summary;
}
