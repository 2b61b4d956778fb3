/**
 * Privacy over the whole flow, in the built app with its service worker: import → analysis →
 * people and events → memories → book → PDF export. Every request leaving the app's origin is
 * refused and fails the test; the Content-Security-Policy is sent with every response, enforced
 * (an injected inline script and eval are refused) and never violated by the app itself, in the
 * page or in a worker; the exported PDF carries none of the originals' EXIF or GPS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../../cli/browser';
import { DIST, serveDist, type Served } from '../../cli/serve';
import { TELEMETRY_ENDPOINT } from '../../src/security/no-telemetry';
import { importFiles, openApp, waitForAnalysis } from '../../cli/drive';
import { CORPUS, manifest } from '../corpus';

/** Two trips (GPS, EXIF) and the photos of the corpus's most photographed person: every stage has work. */
const corpus = manifest().files;
const personOf = (file: (typeof corpus)[number]): string[] => (file.faces?.boxes ?? []).flatMap((box) => (box.person_id ? [box.person_id] : []));
const mostPhotographed = (): string => {
  const counts = new Map<string, number>();
  for (const id of corpus.flatMap(personOf)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
};
const person = mostPhotographed();
const files = corpus.filter((file) => ['S-E1', 'S-E4'].includes(file.event_id ?? '') || personOf(file).includes(person));
const withGps = files.find((file) => file.gps && /\.jpe?g$/i.test(file.path))!;
const quiet = (): void => undefined;

let served: Served;
let browser: Browser;
let page: Page;
/** Requests to anywhere but our origin (refused), and every request the context saw. */
const elsewhere: string[] = [];
let requests = 0;

const ownOrigin = (target: string): boolean => target.startsWith(`${served.url}/`) || /^(blob|data):/.test(target);

beforeAll(async () => {
  served = await serveDist();
  browser = await launchBrowser();
  // Requests from the service worker reach the context too (Chromium): nothing goes out unseen.
  await browser.context.route('**/*', (route) => {
    const target = route.request().url();
    if (ownOrigin(target)) return route.continue();
    elsewhere.push(target);
    return route.abort('blockedbyclient');
  });
  browser.context.on('request', (request) => {
    requests += 1;
    if (!ownOrigin(request.url())) elsewhere.push(request.url());
  });
  page = await openApp(browser.context, served.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  served?.server.close();
});

describe('privacy over the whole flow', () => {
  let pdf: Buffer;

  it('imports, analyses, groups, ranks, makes a book and exports it', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready);
    const imported = await importFiles(page, files.map((file) => join(CORPUS, file.path)), quiet, 'file-input');
    expect(imported.photos).toBe(files.length);
    await waitForAnalysis(page, quiet);
    await page.evaluate(() => window.__keepsake!.clusterSettled());
    const report = await page.evaluate(() => window.__keepsake!.report('photos'));
    expect(report.people?.length).toBeGreaterThan(0);
    expect(report.events?.length).toBeGreaterThan(0);
    const memory = report.memories!.find((m) => m.kind === 'trip') ?? report.memories![0]!;
    const made = await page.evaluate((id) => window.__keepsake!.makeBook(id, 'square-20', 'standard'), memory.id);
    if ('error' in made) throw new Error(made.error);
    const download = new Promise<Download>((resolve) => page.once('download', resolve));
    const exported = await page.evaluate((id) => window.__keepsake!.exportBook(id), made.bookId);
    expect(exported.ok).toBe(true);
    pdf = readFileSync(await (await download).path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(requests).toBeGreaterThan(50);
  });

  it('made no request outside its own origin, from the page, its workers or its service worker', () => {
    expect(elsewhere).toEqual([]);
  });

  it('ships no code that reports usage to Google (MediaPipe’s logger is patched out of the build)', () => {
    const scripts = readdirSync(join(DIST, 'assets'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'));
    expect(scripts.some((name) => name.startsWith('vision.worker'))).toBe(true);
    for (const name of scripts) expect(readFileSync(join(DIST, 'assets', name), 'utf8').includes(TELEMETRY_ENDPOINT), name).toBe(false);
  });

  it('never violated its Content-Security-Policy, in the page or in any worker', () => {
    expect(served.cspViolations.map((violation) => JSON.stringify(violation))).toEqual([]);
  });

  it('exports photos without the EXIF and GPS their originals carry', () => {
    const original = readFileSync(join(CORPUS, withGps.path));
    expect(original.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);
    const photos = pdf.toString('latin1').match(/\/Filter\s*\/DCTDecode/g) ?? [];
    expect(photos.length).toBeGreaterThan(0);
    for (const marker of ['Exif\0\0', 'GPSLatitude', 'exif:', 'tiff:Make']) expect(pdf.includes(Buffer.from(marker, 'latin1')), marker).toBe(false);
  });
});

describe('the Content-Security-Policy', () => {
  it('is sent with the page and every worker script, and set in index.html too', async () => {
    const response = await page.request.get(`${served.url}/`);
    const policy = response.headers()['content-security-policy'] ?? '';
    expect(policy).toMatch(/default-src 'self'/);
    const scriptSrc = policy.split('; ').find((directive) => directive.startsWith('script-src '));
    expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval'");
    const meta = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    expect(meta).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    const workers = page.workers().map((worker) => worker.url()).filter((target) => target.startsWith(served.url));
    expect(workers.length).toBeGreaterThan(0);
    for (const worker of workers) {
      const response = await page.request.head(worker);
      expect(response.headers()['content-security-policy'], worker).toBe(policy);
    }
  });

  it('refuses an injected inline script and reports it', async () => {
    const before = served.cspViolations.length;
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => served.cspViolations.slice(before).map((v) => v['violated-directive'])).toEqual(['script-src-elem']);
    served.cspViolations.splice(before);
  });
});
