/**
 * Import throughput of a generated library of 12-MP JPEGs through the real folder input, beside
 * a decode-only baseline measured in the same run (a full-size browser decode of every file, in a
 * worker pool of the same size): the upper bound for what import could reach.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { launchBrowser } from '../cli/browser';
import { ensureBuilt, serveDist } from '../cli/serve';
import { importFiles, openApp } from '../cli/drive';
import { ensureImportFixtures } from './fixtures';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

export async function benchImport(args: string[]): Promise<unknown> {
  const countArg = args.indexOf('--count');
  const count = countArg >= 0 ? Number(args[countArg + 1]) : 1000;
  const fixtures = await ensureImportFixtures({ count, log });
  ensureBuilt(log);
  const { url, server } = await serveDist();
  const browser = await launchBrowser();
  try {
    const page = await openApp(browser.context, url, 'automation=1&demo=0&analyse=0');
    const version = browser.context.browser()?.version() ?? 'unknown';

    log(`decode-only baseline over ${fixtures.files.length} files…`);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.id = 'bench-input';
      input.hidden = true;
      document.body.append(input);
    });
    await page.setInputFiles('#bench-input', fixtures.files);
    const decodeBefore = await page.evaluate(() => window.__keepsake!.decodeOnly('#bench-input'));

    log(`importing ${fixtures.files.length} files through the folder input…`);
    const longTasksBefore = (await page.evaluate(() => window.__keepsake!.longTasks())).length;
    const memory = sampleMemory(browser.profile);
    const started = Date.now();
    const result = await importFiles(page, fixtures.dir, log);
    const wallMs = Date.now() - started;
    const peakRssMB = memory.stop();
    const tasks = (await page.evaluate(() => window.__keepsake!.longTasks())).slice(longTasksBefore);
    // The browser builds the input's FileList (1,000 File objects) on the main thread before any
    // Keepsake code runs; that task is reported apart from those during the import itself.
    const jobStart = result.startedAt ?? started;
    const selection = tasks.filter((t) => t.at < jobStart).map((t) => t.ms);
    const longTasks = tasks.filter((t) => t.at >= jobStart).map((t) => t.ms);
    const imported = result.photos;
    // The machine's 2 cores are shared, so its speed drifts: the baseline is taken before and after.
    log('decode-only baseline again…');
    const decodeAfter = await page.evaluate(() => window.__keepsake!.decodeOnly('#bench-input'));

    const rate = (run: { files: number; ms: number }): number => run.files / (run.ms / 1000);
    const decodePerSecond = (rate(decodeBefore) + rate(decodeAfter)) / 2;
    const importPerSecond = imported / (wallMs / 1000);
    return {
      benchmark: 'import',
      at: new Date().toISOString(),
      machine: { cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), browser: `Chromium ${version}`, pool: 'import workers = hardwareConcurrency (min 2)' },
      inputs: { files: fixtures.files.length, megapixels: fixtures.megapixels, totalMB: Math.round(fixtures.totalBytes / 1e6) },
      decodeOnly: {
        photosPerSecond: round(decodePerSecond),
        before: round(rate(decodeBefore)),
        after: round(rate(decodeAfter)),
        what: 'createImageBitmap full size in workers, nothing else; mean of a run before and one after the import',
      },
      import: {
        photosPerSecond: round(importPerSecond),
        ms: wallMs,
        imported,
        what: 'folder input → OPFS copy → SHA-256 → sniff → EXIF → decode to 1600 px → 2 JPEG thumbnails → IndexedDB',
      },
      importVsDecodeOnly: round(importPerSecond / decodePerSecond),
      peakBrowserRssMB: peakRssMB,
      mainThread: {
        duringImport: { longestTaskMs: Math.round(Math.max(0, ...longTasks)), tasksOver50ms: longTasks.length, tasksOver100ms: longTasks.filter((d) => d > 100).length },
        fileSelection: { longestTaskMs: Math.round(Math.max(0, ...selection)), what: 'the browser turning the chosen folder into a FileList, before the import starts' },
      },
    };
  } finally {
    await browser.close();
    server.close();
  }
}

export const round = (n: number): number => Math.round(n * 100) / 100;

/** Every process of this browser profile now, with its resident memory (KiB) and command line. */
export function profileProcesses(profile: string): Array<{ pid: number; rss: number; args: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  const rows = out.trim().split('\n').map((line) => {
    const [pid, ppid, rss, ...args] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(' ') };
  });
  // The browser process names the profile; renderers, GPU and utility processes descend from it.
  const ours = new Set(rows.filter((r) => r.args.includes(profile)).map((r) => r.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (!ours.has(r.pid) && ours.has(r.ppid)) (ours.add(r.pid), (grew = true));
  }
  return rows.filter((r) => ours.has(r.pid));
}

/** Peak resident memory of every process of this browser profile, sampled twice a second. */
export function sampleMemory(profile: string): { stop(): number } {
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, profileProcesses(profile).reduce((sum, r) => sum + r.rss, 0));
  };
  const timer = setInterval(sample, 500);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Math.round(peak / 1024);
    },
  };
}
