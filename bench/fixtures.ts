/**
 * Benchmark fixtures: a library of realistic 12-megapixel phone JPEGs made from the shared corpus.
 *
 *   npx tsx bench/fixtures.ts --count 1000 [--dir bench/fixtures/import-1000] [--seed 1] [--verify]
 *
 * 16 distinct "base" pictures are made once per seed (cached in bench/fixtures/.bases/) the way a
 * phone would write them: in headless Chromium, a corpus photo is cover-cropped to 4:3 (or 3:4 for
 * portrait bases), upscaled to 4000×3000 (3000×4000) with the canvas's high-quality resampler,
 * given mild sensor-like noise whose strength is tuned per base until the JPEG weighs 2.6–4.3 MB,
 * and encoded by Chromium's own JPEG encoder (OffscreenCanvas.convertToBlob, quality 0.9): baseline,
 * 4:2:0 chroma subsampling, like real phone photos (jpeg-js, used before, only writes 4:4:4, with
 * twice the chroma blocks to decode). Every output file is one of those bases with its own EXIF
 * APP1 segment spliced in after SOI (Make/Model, DateTimeOriginal + OffsetTimeOriginal, pixel
 * dimensions, ImageUniqueID, GPS on about half), so all files have unique bytes and a known
 * capture time; `.fixtures.json` in the folder lists the expected values.
 * Re-running with the same count and seed returns at once when the folder is complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { chromium, type Page } from 'playwright-core';
import { mulberry32 } from '../src/pipeline/random';
import { buildExifApp1, type ExifFields } from './exif-writer';

/** Bump when the files change for the same count + seed (invalidates old folders). */
const GENERATOR_VERSION = 2;
/** Bump when the base pictures change (invalidates the cached bases). */
const BASES_VERSION = 2;
const LONG_EDGE = 4000;
const SHORT_EDGE = 3000;
const QUALITY = 90;
const BASE_COUNT = 16;
const PORTRAIT_BASES = 4;
const TARGET_MIN_BYTES = 2_600_000;
const TARGET_MAX_BYTES = 4_300_000;
const SYSTEM_CHROMIUM = ['/usr/bin/chromium'];

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES_ROOT = join(REPO_ROOT, 'bench', 'fixtures');
const CORPUS = '/work/shared/corpus';
// A dot-file, so the app's folder import skips it like any system file.
const INDEX_NAME = '.fixtures.json';
const FILE_NAME = /^IMG_\d{8}_\d{6}(_\d+)?\.jpg$/;

export interface ImportFixtures {
  dir: string;
  /** Absolute paths, in capture (= name) order. */
  files: string[];
  /** Megapixels of every file (all are 4000×3000 or 3000×4000). */
  megapixels: number;
  totalBytes: number;
}

export interface FixtureFile {
  name: string;
  /** Local capture time with its offset, e.g. '2023-05-12T09:40:13+01:00' (what EXIF says). */
  takenAt: string;
  /** The same instant in UTC, e.g. '2023-05-12T08:40:13Z'. */
  utc: string;
  timeZone: string;
  place: string;
  gps: { lat: number; lon: number } | null;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  make: string;
  model: string;
  /** Index into `bases`. */
  base: number;
}

export interface FixtureBase {
  file: string;
  source: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  noiseSigma: number;
  /** What encoded it, e.g. 'Chromium 156.0.8078.79'. */
  encoder: string;
}

export interface FixtureIndex {
  generator: string;
  version: number;
  count: number;
  seed: number;
  megapixels: number;
  totalBytes: number;
  averageBytes: number;
  bases: FixtureBase[];
  files: FixtureFile[];
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness


/** A seed of its own for each purpose, so changing one part does not reshuffle the others. */
function seedFor(seed: number, purpose: string): number {
  return createHash('sha256').update(`${seed}:${purpose}`).digest().readUInt32LE(0);
}

const rngFor = (seed: number, purpose: string): (() => number) => mulberry32(seedFor(seed, purpose));

const int = (rng: () => number, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

// ---------------------------------------------------------------------------------------------
// Base images

interface ManifestFile {
  path: string;
  format: string;
  kind: string;
  stored_width: number;
  stored_height: number;
  orientation: number | null;
  synthetic: unknown;
  near_duplicate_group: string | null;
}

/** The corpus photos used as bases: natural portraits first, then the largest, one per near-duplicate group. */
function chooseSources(): { path: string; portrait: boolean }[] {
  const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
  const eligible = manifest.files.filter(
    (f) => f.kind === 'photo' && f.format === 'JPEG' && Math.min(f.stored_width, f.stored_height) >= 400 && (f.orientation ?? 1) === 1 && !f.synthetic,
  );
  const isPortrait = (f: ManifestFile): boolean => f.stored_height > f.stored_width;
  eligible.sort((a, b) => Number(isPortrait(b)) - Number(isPortrait(a)) || b.stored_width * b.stored_height - a.stored_width * a.stored_height || a.path.localeCompare(b.path));
  const groups = new Set<string>();
  const chosen: ManifestFile[] = [];
  for (const f of eligible) {
    if (f.near_duplicate_group) {
      if (groups.has(f.near_duplicate_group)) continue;
      groups.add(f.near_duplicate_group);
    }
    chosen.push(f);
  }
  if (chosen.length < BASE_COUNT) throw new Error(`only ${chosen.length} usable corpus photos, need ${BASE_COUNT}`);
  const picked = chosen.slice(0, BASE_COUNT);
  let portraits = picked.filter(isPortrait).length;
  // Fill up the portrait quota with evenly spread landscape sources (centre crop to 3:4).
  return picked.map((f, i) => {
    let portrait = isPortrait(f);
    if (!portrait && portraits < PORTRAIT_BASES && i % Math.floor(BASE_COUNT / PORTRAIT_BASES) === 3) {
      portrait = true;
      portraits++;
    }
    return { path: join(CORPUS, f.path), portrait };
  });
}

/**
 * Runs in the page (plain JS, so no bundler helpers leak into it). `load` cover-crops a corpus photo
 * to width:height and upscales it onto an OffscreenCanvas with Chromium's high-quality resampler;
 * `encode` adds phone-sensor-like noise to a copy of those pixels and has Chromium's own JPEG
 * encoder (libjpeg-turbo via Skia: baseline, 4:2:0, optimised Huffman tables) write it.
 *
 * The noise: a luminance component, stronger in the shadows (shot noise after the tone curve),
 * plus weaker independent chroma noise per channel, drawn from a seeded table of 64 Ki standard
 * normal samples (Box–Muller) looked up by random 16-bit indices per pixel. Same seed → same noise
 * pattern, so only `sigma` changes between the calibration encodes.
 */
// The page gets the very same PRNG as Node (its source text), so both draw identical numbers.
const PAGE_SCRIPT = String.raw`(() => {
  ${mulberry32.toString()}
  function normalTable(rng) {
    const table = new Float32Array(65536);
    for (let i = 0; i < table.length; i += 2) {
      const u = 1 - rng();
      const v = rng();
      const r = Math.sqrt(-2 * Math.log(u));
      table[i] = r * Math.cos(2 * Math.PI * v);
      table[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    return table;
  }
  function fromBase64(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function toBase64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  let state = null;
  globalThis.__keepsakeFixtures = {
    async load({ source, width, height, tableSeed }) {
      const bitmap = await createImageBitmap(new Blob([fromBase64(source)], { type: 'image/jpeg' }));
      const sourceWidth = bitmap.width;
      const sourceHeight = bitmap.height;
      // Centre crop to width:height.
      let cw = sourceWidth;
      let ch = sourceHeight;
      if (sourceWidth / sourceHeight > width / height) cw = sourceHeight * (width / height);
      else ch = sourceWidth / (width / height);
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, (sourceWidth - cw) / 2, (sourceHeight - ch) / 2, cw, ch, 0, 0, width, height);
      bitmap.close();
      const clean = ctx.getImageData(0, 0, width, height);
      state = { canvas, ctx, clean, noisy: new ImageData(width, height), table: normalTable(mulberry32(tableSeed)) };
      return { sourceWidth, sourceHeight };
    },
    async encode({ sigma, noiseSeed, quality }) {
      const { canvas, ctx, clean, noisy, table } = state;
      const src = clean.data;
      const out = noisy.data;
      const rng = mulberry32(noiseSeed);
      const chroma = sigma * 0.45;
      for (let i = 0; i < src.length; i += 4) {
        const r = src[i];
        const g = src[i + 1];
        const b = src[i + 2];
        const luma = (r * 77 + g * 150 + b * 29) >> 8;
        const n1 = (rng() * 4294967296) >>> 0;
        const n2 = (rng() * 4294967296) >>> 0;
        const lum = table[n1 & 0xffff] * sigma * (1.35 - luma / 340);
        // ImageData is a Uint8ClampedArray: it clamps and rounds on assignment.
        out[i] = r + lum + table[n1 >>> 16] * chroma;
        out[i + 1] = g + lum + table[n2 & 0xffff] * chroma;
        out[i + 2] = b + lum + table[n2 >>> 16] * chroma;
        out[i + 3] = 255;
      }
      ctx.putImageData(noisy, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      return toBase64(new Uint8Array(await blob.arrayBuffer()));
    },
    unload() {
      state = null;
    },
  };
})();`;

interface PageApi {
  load(args: { source: string; width: number; height: number; tableSeed: number }): Promise<{ sourceWidth: number; sourceHeight: number }>;
  encode(args: { sigma: number; noiseSeed: number; quality: number }): Promise<string>;
  unload(): void;
}
type PageGlobal = { __keepsakeFixtures: PageApi };

/** Headless Chromium with the page script loaded; Debian's /usr/bin/chromium when present. */
async function openEncoder(): Promise<{ page: Page; version: string; close(): Promise<void> }> {
  const executablePath = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  const browser = await chromium.launch({
    headless: true,
    ...(executablePath ? { executablePath } : {}),
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.evaluate(PAGE_SCRIPT);
    return { page, version: `Chromium ${browser.version()}`, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Removes APP0 JFIF and APP1 Exif segments (a phone JPEG starts SOI, APP1 Exif, …). */
function stripAppSegments(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  let pos = 2;
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1]!;
    if (marker === 0xda) break;
    const end = pos + 2 + ((bytes[pos + 2]! << 8) | bytes[pos + 3]!);
    const id = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const drop = (marker === 0xe0 && id === 'JFIF') || (marker === 0xe1 && id === 'Exif');
    if (!drop) parts.push(bytes.subarray(pos, end));
    pos = end;
  }
  parts.push(bytes.subarray(pos));
  return Buffer.concat(parts);
}

function basesDir(seed: number): string {
  return join(FIXTURES_ROOT, '.bases', `seed-${seed}-v${BASES_VERSION}`);
}

function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Loads the cached bases for this seed, or makes them (a minute or so; done once per seed). */
async function ensureBases(seed: number, log: (s: string) => void): Promise<{ bases: FixtureBase[]; bytes: Uint8Array[] }> {
  const dir = basesDir(seed);
  const indexPath = join(dir, 'bases.json');
  if (existsSync(indexPath)) {
    const bases = JSON.parse(readFileSync(indexPath, 'utf8')) as FixtureBase[];
    const bytes = bases.map((b) => (existsSync(join(dir, b.file)) ? new Uint8Array(readFileSync(join(dir, b.file))) : undefined));
    if (bytes.every((b, i) => b !== undefined && sha256(b) === bases[i]!.sha256)) return { bases, bytes: bytes as Uint8Array[] };
    log('base cache incomplete, rebuilding');
  }
  mkdirSync(dir, { recursive: true });
  const sources = chooseSources();
  const sizeRng = rngFor(seed, 'base-sizes');
  const tableSeed = seedFor(seed, 'normal-table');
  const bases: FixtureBase[] = [];
  const all: Uint8Array[] = [];
  const encoder = await openEncoder();
  log(`bases: encoding with ${encoder.version}`);
  try {
    for (const [i, source] of sources.entries()) {
      const started = Date.now();
      const width = source.portrait ? SHORT_EDGE : LONG_EDGE;
      const height = source.portrait ? LONG_EDGE : SHORT_EDGE;
      const loaded = await encoder.page.evaluate((args) => (globalThis as unknown as PageGlobal).__keepsakeFixtures.load(args), { source: readFileSync(source.path).toString('base64'), width, height, tableSeed });
      const target = TARGET_MIN_BYTES + sizeRng() * (TARGET_MAX_BYTES - TARGET_MIN_BYTES);
      const noiseSeed = (sizeRng() * 4294967296) >>> 0;
      const encode = async (sigma: number): Promise<{ sigma: number; out: Uint8Array }> => {
        const b64 = await encoder.page.evaluate((args) => (globalThis as unknown as PageGlobal).__keepsakeFixtures.encode(args), { sigma, noiseSeed, quality: QUALITY / 100 });
        return { sigma, out: stripAppSegments(new Uint8Array(Buffer.from(b64, 'base64'))) };
      };
      // Size grows roughly linearly with sigma over this range: secant steps from two probes.
      let a = await encode(3);
      let b = await encode(7);
      let best = Math.abs(a.out.length - target) < Math.abs(b.out.length - target) ? a : b;
      for (let step = 0; step < 4 && Math.abs(best.out.length - target) > target * 0.03; step++) {
        const slope = (b.out.length - a.out.length) / (b.sigma - a.sigma);
        const sigma = Math.min(24, Math.max(0.3, b.sigma + (target - b.out.length) / (slope > 1000 ? slope : 1000)));
        const next = await encode(sigma);
        a = b;
        b = next;
        if (Math.abs(next.out.length - target) < Math.abs(best.out.length - target)) best = next;
      }
      await encoder.page.evaluate(() => (globalThis as unknown as PageGlobal).__keepsakeFixtures.unload());
      const file = `base-${String(i).padStart(2, '0')}.jpg`;
      writeFileSync(join(dir, file), best.out);
      const sourceName = source.path.slice(CORPUS.length + 1);
      bases.push({ file, source: sourceName, width, height, bytes: best.out.length, sha256: sha256(best.out), noiseSigma: Math.round(best.sigma * 100) / 100, encoder: encoder.version });
      all.push(best.out);
      log(`base ${i + 1}/${sources.length}: ${sourceName} ${loaded.sourceWidth}×${loaded.sourceHeight} → ${width}×${height}, noise σ ${best.sigma.toFixed(2)}, ${(best.out.length / 1e6).toFixed(2)} MB (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await encoder.close();
  }
  writeFileSync(indexPath, `${JSON.stringify(bases, null, 2)}\n`);
  // Older base caches of this seed are dead weight now.
  for (const entry of readdirSync(join(FIXTURES_ROOT, '.bases'))) {
    if (entry.startsWith(`seed-${seed}-v`) && entry !== `seed-${seed}-v${BASES_VERSION}`) rmSync(join(FIXTURES_ROOT, '.bases', entry), { recursive: true, force: true });
  }
  return { bases, bytes: all };
}

// ---------------------------------------------------------------------------------------------
// Capture times, places, cameras

interface Place {
  name: string;
  timeZone: string;
  lat: number;
  lon: number;
}

const HOME: Place[] = [
  { name: 'Chorlton, Manchester', timeZone: 'Europe/London', lat: 53.4418, lon: -2.2766 },
  { name: 'Didsbury, Manchester', timeZone: 'Europe/London', lat: 53.4166, lon: -2.2311 },
  { name: 'Manchester city centre', timeZone: 'Europe/London', lat: 53.4794, lon: -2.2453 },
];
const OUTINGS: Place[] = [
  { name: 'Windermere, Lake District', timeZone: 'Europe/London', lat: 54.3807, lon: -2.9068 },
  { name: 'Castleton, Peak District', timeZone: 'Europe/London', lat: 53.3436, lon: -1.7769 },
  { name: 'Edinburgh', timeZone: 'Europe/London', lat: 55.9533, lon: -3.1883 },
  { name: 'Llandudno, Wales', timeZone: 'Europe/London', lat: 53.3241, lon: -3.8276 },
  { name: 'York', timeZone: 'Europe/London', lat: 53.96, lon: -1.0873 },
];
const TRIPS: Place[] = [
  { name: 'Lisbon, Portugal', timeZone: 'Europe/Lisbon', lat: 38.7139, lon: -9.1394 },
  { name: 'Paris, France', timeZone: 'Europe/Paris', lat: 48.8566, lon: 2.3522 },
  { name: 'Barcelona, Spain', timeZone: 'Europe/Madrid', lat: 41.3874, lon: 2.1686 },
  { name: 'Athens, Greece', timeZone: 'Europe/Athens', lat: 37.9838, lon: 23.7275 },
  { name: 'Reykjavik, Iceland', timeZone: 'Atlantic/Reykjavik', lat: 64.1466, lon: -21.9426 },
  { name: 'New York, United States', timeZone: 'America/New_York', lat: 40.7128, lon: -74.006 },
  { name: 'San Francisco, United States', timeZone: 'America/Los_Angeles', lat: 37.7749, lon: -122.4194 },
  { name: 'Rio de Janeiro, Brazil', timeZone: 'America/Sao_Paulo', lat: -22.9068, lon: -43.1729 },
  { name: 'Tokyo, Japan', timeZone: 'Asia/Tokyo', lat: 35.6762, lon: 139.6503 },
  { name: 'Kyoto, Japan', timeZone: 'Asia/Tokyo', lat: 35.0116, lon: 135.7681 },
  { name: 'Jaipur, India', timeZone: 'Asia/Kolkata', lat: 26.9124, lon: 75.7873 },
  { name: 'Kathmandu, Nepal', timeZone: 'Asia/Kathmandu', lat: 27.7172, lon: 85.324 },
  { name: 'Sydney, Australia', timeZone: 'Australia/Sydney', lat: -33.8688, lon: 151.2093 },
];

interface Camera {
  make: string;
  model: string;
  software: string;
  fNumber: [number, number];
  focalLength: [number, number];
  focalLengthIn35mm: number;
  from: number;
  to: number;
}

/** The owner's phone changes over the years; a partner's phone shows up now and then. */
const OWNER_CAMERAS: Camera[] = [
  { make: 'Apple', model: 'iPhone 11', software: '14.4.2', fNumber: [18, 10], focalLength: [425, 100], focalLengthIn35mm: 26, from: 2000, to: 2020 },
  { make: 'Google', model: 'Pixel 6a', software: 'HDR+ 1.0.449493337zd', fNumber: [173, 100], focalLength: [438, 100], focalLengthIn35mm: 26, from: 2021, to: 2022 },
  { make: 'Apple', model: 'iPhone 14 Pro', software: '17.1.2', fNumber: [178, 100], focalLength: [686, 100], focalLengthIn35mm: 24, from: 2023, to: 2100 },
];
const OTHER_CAMERAS: Camera[] = [
  { make: 'samsung', model: 'SM-G991B', software: 'G991BXXU5CVF1', fNumber: [18, 10], focalLength: [540, 100], focalLengthIn35mm: 26, from: 2000, to: 2022 },
  { make: 'samsung', model: 'SM-S911B', software: 'S911BXXU1AWBD', fNumber: [18, 10], focalLength: [630, 100], focalLengthIn35mm: 24, from: 2023, to: 2100 },
];
const EXPOSURES: [number, number][] = [
  [1, 30],
  [1, 60],
  [1, 120],
  [1, 250],
  [1, 500],
  [1, 1000],
  [1, 2000],
];
const ISOS = [32, 50, 64, 80, 100, 125, 200, 400, 800];

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset (minutes) of `timeZone` at the instant `utcMs`. */
function offsetMinutes(timeZone: string, utcMs: number): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, f);
  }
  const name = f.formatToParts(utcMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset ${name} for ${timeZone}`);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function formatOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Fields of a "wall clock as if UTC" timestamp. */
function wall(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Date(ms);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

interface Shot {
  localMs: number; // wall clock as if UTC, normalised to an existing local time
  utcMs: number;
  offset: number;
  place: Place;
}

/**
 * A life in photos: home days, UK outings and trips abroad, spread from 2019 to 2025, several
 * photos a day (with the odd burst), local times following each place's daylight-saving rules.
 */
function planShots(count: number, seed: number): Shot[] {
  const rng = rngFor(seed, 'timeline');
  type Event = { places: Place[]; perDay: number[] };
  const events: Event[] = [];
  let planned = 0;
  while (planned < count) {
    const r = rng();
    let event: Event;
    if (r < 0.6) event = { places: [pick(rng, HOME)], perDay: [int(rng, 2, 8)] };
    else if (r < 0.82) {
      const place = pick(rng, OUTINGS);
      event = { places: [place], perDay: Array.from({ length: int(rng, 1, 2) }, () => int(rng, 3, 10)) };
    } else {
      const a = pick(rng, TRIPS);
      const nearby = TRIPS.filter((p) => p.timeZone === a.timeZone);
      event = { places: [a, pick(rng, nearby)], perDay: Array.from({ length: int(rng, 2, 6) }, () => int(rng, 3, 12)) };
    }
    const n = event.perDay.reduce((s, x) => s + x, 0);
    if (planned + n > count) {
      // Trim the last event to fit exactly.
      let left = count - planned;
      event.perDay = event.perDay.map((k) => {
        const take = Math.min(k, left);
        left -= take;
        return take;
      }).filter((k) => k > 0);
    }
    planned += event.perDay.reduce((s, x) => s + x, 0);
    events.push(event);
  }

  const DAY = 86_400_000;
  const start = Date.UTC(2019, 2, 1);
  const eventDays = events.reduce((s, e) => s + e.perDay.length, 0);
  const span = Math.max(Math.round((Date.UTC(2025, 8, 30) - start) / DAY), eventDays + events.length * 2);
  // One gap before each event plus one after the last, so a small set is not pushed to the end.
  const weights = [...events.map(() => 0.2 + rng()), 0.2 + rng()];
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const free = span - eventDays - events.length;

  const shots: Shot[] = [];
  let day = 0;
  events.forEach((event, e) => {
    day += 1 + Math.floor((weights[e]! / weightSum) * free);
    event.perDay.forEach((n, d) => {
      const place = event.places[Math.min(d * event.places.length / event.perDay.length | 0, event.places.length - 1)]!;
      let t = start + (day + d) * DAY + int(rng, 8 * 60, 12 * 60) * 60_000 + int(rng, 0, 59) * 1000;
      for (let k = 0; k < n; k++) {
        if (k > 0) {
          const burst = rng() < 0.15;
          t += burst ? int(rng, 1, 3) * 1000 : int(rng, 2, Math.max(3, Math.floor((12 * 60) / n))) * 60_000 + int(rng, 0, 59) * 1000;
        }
        // Wall clock → UTC with the zone's rules; normalise (a time in a DST gap moves forward).
        const guess = t - offsetMinutes(place.timeZone, t) * 60_000;
        const utcMs = t - offsetMinutes(place.timeZone, guess) * 60_000;
        const offset = offsetMinutes(place.timeZone, utcMs);
        shots.push({ localMs: utcMs + offset * 60_000, utcMs, offset, place });
      }
    });
    day += event.perDay.length - 1;
  });
  return shots;
}

function hex(rng: () => number, chars: number): string {
  let s = '';
  for (let i = 0; i < chars; i++) s += '0123456789abcdef'[Math.floor(rng() * 16)];
  return s;
}

// ---------------------------------------------------------------------------------------------
// The folder

function readIndex(dir: string): FixtureIndex | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, INDEX_NAME), 'utf8')) as FixtureIndex;
  } catch {
    return undefined;
  }
}

function isComplete(dir: string, index: FixtureIndex | undefined, count: number, seed: number): index is FixtureIndex {
  if (!index || index.version !== GENERATOR_VERSION || index.count !== count || index.seed !== seed || index.files.length !== count) return false;
  for (const f of index.files) {
    try {
      if (statSync(join(dir, f.name)).size !== f.bytes) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function result(dir: string, index: FixtureIndex): ImportFixtures {
  return { dir, files: index.files.map((f) => join(dir, f.name)), megapixels: index.megapixels, totalBytes: index.totalBytes };
}

export async function ensureImportFixtures(opts: { count: number; dir?: string; seed?: number; log?: (s: string) => void }): Promise<ImportFixtures> {
  const { count } = opts;
  const seed = opts.seed ?? 1;
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const dir = opts.dir ? resolve(opts.dir) : join(FIXTURES_ROOT, `import-${count}`);

  const existing = readIndex(dir);
  if (isComplete(dir, existing, count, seed)) {
    log(`fixtures: ${count} files already in ${dir}`);
    return result(dir, existing);
  }

  const started = Date.now();
  log(`fixtures: making ${count} files (seed ${seed}) in ${dir}`);
  const { bases, bytes: baseBytes } = await ensureBases(seed, log);
  // Base JPEG without its SOI; each file = SOI + APP1 + body.
  const bodies = baseBytes.map((b) => b.subarray(2));

  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, INDEX_NAME), { force: true }); // not complete until the index is written again

  const shots = planShots(count, seed);
  const rng = rngFor(seed, 'files');
  const names = new Set<string>();
  const soi = new Uint8Array([0xff, 0xd8]);
  const files: FixtureFile[] = [];
  const hashes = new Set<string>();
  let totalBytes = 0;
  let pending: Promise<void>[] = [];

  for (const [i, shot] of shots.entries()) {
    const w = wall(shot.localMs);
    const u = wall(shot.utcMs);
    const exifDate = `${w.y}:${pad(w.mo)}:${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
    const baseIndex = Math.floor(rng() * bases.length);
    const base = bases[baseIndex]!;
    const year = w.y;
    const camera = rng() < 0.8 ? OWNER_CAMERAS.find((c) => year >= c.from && year <= c.to)! : OTHER_CAMERAS.find((c) => year >= c.from && year <= c.to)!;
    const hasGps = rng() < 0.5;
    const gps = hasGps
      ? {
          lat: Math.round((shot.place.lat + (rng() - 0.5) * 0.04) * 1e6) / 1e6,
          lon: Math.round((shot.place.lon + (rng() - 0.5) * 0.06) * 1e6) / 1e6,
        }
      : null;
    const fields: ExifFields = {
      make: camera.make,
      model: camera.model,
      software: camera.software,
      orientation: 1,
      pixelXDimension: base.width,
      pixelYDimension: base.height,
      dateTimeOriginal: exifDate,
      offsetTimeOriginal: formatOffset(shot.offset),
      subSecTimeOriginal: pad(int(rng, 0, 999), 3),
      imageUniqueId: hex(rng, 32),
      camera: { exposureTime: pick(rng, EXPOSURES), fNumber: camera.fNumber, iso: pick(rng, ISOS), focalLength: camera.focalLength, focalLengthIn35mm: camera.focalLengthIn35mm },
      byteOrder: camera.make === 'Apple' ? 'MM' : 'II',
    };
    if (gps) {
      fields.gps = { latitude: gps.lat, longitude: gps.lon, altitude: int(rng, 0, 25000) / 100, utc: `${u.y}:${pad(u.mo)}:${pad(u.d)} ${pad(u.h)}:${pad(u.mi)}:${pad(u.s)}` };
    }
    const app1 = buildExifApp1(fields);
    const body = bodies[baseIndex]!;

    const stem = `IMG_${w.y}${pad(w.mo)}${pad(w.d)}_${pad(w.h)}${pad(w.mi)}${pad(w.s)}`;
    let name = `${stem}.jpg`;
    for (let k = 1; names.has(name); k++) name = `${stem}_${k}.jpg`;
    names.add(name);

    const hash = sha256(soi, app1, body);
    if (hashes.has(hash)) throw new Error(`duplicate file bytes for ${name}`);
    hashes.add(hash);
    const bytes = 2 + app1.length + body.length;
    totalBytes += bytes;
    files.push({
      name,
      takenAt: `${exifDate.slice(0, 10).replaceAll(':', '-')}T${exifDate.slice(11)}${formatOffset(shot.offset)}`,
      utc: `${new Date(shot.utcMs).toISOString().slice(0, 19)}Z`,
      timeZone: shot.place.timeZone,
      place: shot.place.name,
      gps,
      width: base.width,
      height: base.height,
      bytes,
      sha256: hash,
      make: camera.make,
      model: camera.model,
      base: baseIndex,
    });
    pending.push(writeParts(join(dir, name), [soi, app1, body]));
    if (pending.length >= 8) {
      await Promise.all(pending);
      pending = [];
    }
    if ((i + 1) % 200 === 0) log(`fixtures: ${i + 1}/${count} written`);
  }
  await Promise.all(pending);

  // Remove leftovers of an earlier, different set (only files named like ours).
  for (const entry of readdirSync(dir)) {
    if (FILE_NAME.test(entry) && !names.has(entry)) rmSync(join(dir, entry));
  }

  const index: FixtureIndex = {
    generator: 'bench/fixtures.ts',
    version: GENERATOR_VERSION,
    count,
    seed,
    megapixels: (LONG_EDGE * SHORT_EDGE) / 1e6,
    totalBytes,
    averageBytes: Math.round(totalBytes / count),
    bases,
    files: files.sort((a, b) => a.name.localeCompare(b.name)),
  };
  const tmp = join(dir, `${INDEX_NAME}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(index, null, 1)}\n`);
  await rename(tmp, join(dir, INDEX_NAME));
  log(`fixtures: ${count} files, ${(totalBytes / 1e9).toFixed(2)} GB (average ${(totalBytes / count / 1e6).toFixed(2)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result(dir, index);
}

async function writeParts(path: string, parts: Uint8Array[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writev(parts);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

interface JpegLayout {
  /** Marker byte of the frame header: 0xc0 baseline, 0xc2 progressive, … */
  sof: number;
  width: number;
  height: number;
  components: { id: number; h: number; v: number }[];
  /** APPn segments in order, e.g. ['APP1 Exif', 'APP2 ICC_PROFILE']. */
  apps: string[];
}

/** Walks the marker segments from SOI to SOS. */
function jpegLayout(bytes: Uint8Array): JpegLayout {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('no SOI');
  const apps: string[] = [];
  let frame: Omit<JpegLayout, 'apps'> | undefined;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) throw new Error(`no marker at ${pos}`);
    const marker = bytes[pos + 1]!;
    if (marker === 0xda) break;
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const body = bytes.subarray(pos + 4, pos + 2 + length);
    if (marker >= 0xe0 && marker <= 0xef) {
      const id = String.fromCharCode(...body.subarray(0, Math.max(0, body.indexOf(0))).subarray(0, 16));
      apps.push(`APP${marker - 0xe0} ${id}`);
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const components = [];
      for (let c = 0; c < body[5]!; c++) components.push({ id: body[6 + c * 3]!, h: body[7 + c * 3]! >> 4, v: body[7 + c * 3]! & 15 });
      frame = { sof: marker, height: (body[1]! << 8) | body[2]!, width: (body[3]! << 8) | body[4]!, components };
    }
    pos += 2 + length;
  }
  if (!frame) throw new Error('no SOF before SOS');
  return { ...frame, apps };
}

const describeSampling = (layout: JpegLayout): string =>
  layout.components.map((c, i) => `${['Y', 'Cb', 'Cr'][i] ?? `#${c.id}`} ${c.h}x${c.v}`).join(', ');

async function verify(fixtures: ImportFixtures, log: (s: string) => void): Promise<void> {
  const { default: exifr } = await import('exifr');
  const index = readIndex(fixtures.dir)!;
  let ok = 0;
  const samplings = new Map<string, number>();
  const sizes = index.files.map((f) => f.bytes);
  for (const f of index.files) {
    const bytes = new Uint8Array(readFileSync(join(fixtures.dir, f.name)));
    if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) throw new Error(`${f.name}: bytes differ from the index`);
    const layout = jpegLayout(bytes);
    const sampling = describeSampling(layout);
    samplings.set(`SOF${layout.sof - 0xc0} ${sampling}`, (samplings.get(`SOF${layout.sof - 0xc0} ${sampling}`) ?? 0) + 1);
    // Baseline, 4:2:0 (luma 2x2, both chroma 1x1), starting SOI, APP1 Exif like a phone's, no JFIF.
    if (layout.sof !== 0xc0) throw new Error(`${f.name}: SOF${layout.sof - 0xc0}, not baseline`);
    if (sampling !== 'Y 2x2, Cb 1x1, Cr 1x1') throw new Error(`${f.name}: sampling ${sampling}, not 4:2:0`);
    if (layout.width !== f.width || layout.height !== f.height) throw new Error(`${f.name}: SOF says ${layout.width}×${layout.height}`);
    if (layout.apps[0] !== 'APP1 Exif' || layout.apps.some((a, i) => a === 'APP0 JFIF' || (i > 0 && a === 'APP1 Exif'))) throw new Error(`${f.name}: segments ${layout.apps.join(', ')}`);

    const tags = await exifr.parse(bytes, { reviveValues: false, pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef', 'Make', 'Model'] });
    const takenAt = `${String(tags.DateTimeOriginal).slice(0, 10).replaceAll(':', '-')}T${String(tags.DateTimeOriginal).slice(11)}${tags.OffsetTimeOriginal}`;
    if (takenAt !== f.takenAt) throw new Error(`${f.name}: EXIF says ${takenAt}, index says ${f.takenAt}`);
    if (tags.Make !== f.make || tags.Model !== f.model) throw new Error(`${f.name}: camera ${tags.Make} ${tags.Model}`);
    const lat = tags.latitude as number | undefined;
    const lon = tags.longitude as number | undefined;
    if (f.gps ? !(Math.abs(lat! - f.gps.lat) < 1e-6 && Math.abs(lon! - f.gps.lon) < 1e-6) : lat !== undefined) throw new Error(`${f.name}: GPS ${lat},${lon}`);
    ok++;
  }
  log(`verify: all ${ok} files match the index (sha256, EXIF dates, camera, GPS)`);
  log(`verify: frame headers: ${[...samplings].map(([k, n]) => `${k} (${n} files)`).join('; ')}`);
  const first = jpegLayout(new Uint8Array(readFileSync(fixtures.files[0]!)));
  log(`verify: segments before SOS: ${first.apps.join(', ')}`);
  log(
    `verify: sizes: average ${(index.averageBytes / 1e6).toFixed(2)} MB, min ${(Math.min(...sizes) / 1e6).toFixed(2)} MB, max ${(Math.max(...sizes) / 1e6).toFixed(2)} MB`,
  );
  for (const f of [index.files[0]!, index.files[index.files.length - 1]!]) {
    const bytes = readFileSync(join(fixtures.dir, f.name));
    const t = Date.now();
    const image = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
    if (image.width !== f.width || image.height !== f.height) throw new Error(`${f.name}: decoded ${image.width}×${image.height}`);
    log(`verify: ${f.name} decodes with jpeg-js to ${image.width}×${image.height} in ${Date.now() - t} ms`);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && resolve(entry) === fileURLToPath(import.meta.url);
}

if (isMain()) {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const started = Date.now();
  const fixtures = await ensureImportFixtures({ count: Number(arg('--count') ?? 1000), dir: arg('--dir'), seed: arg('--seed') === undefined ? undefined : Number(arg('--seed')), log });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    JSON.stringify({ dir: fixtures.dir, files: fixtures.files.length, megapixels: fixtures.megapixels, totalBytes: fixtures.totalBytes, averageBytes: Math.round(fixtures.totalBytes / fixtures.files.length), seconds }),
  );
  if (args.includes('--verify')) await verify(fixtures, log);
}
