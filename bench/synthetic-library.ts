/**
 * A synthetic photo library written straight into the app's real IndexedDB, for the scale
 * benchmark (bench/scale.ts). It runs inside the app's page: bench/scale.ts bundles this module
 * (bundleSyntheticLibrary) and the page calls `KeepsakeSynthetic.seedSyntheticLibrary(options)`.
 *
 * What it writes, shaped like a real library after import and analysis, with the app's own record
 * types and model versions (so nothing is "pending analysis"):
 * - photos over ~15 years up to today: everyday moments at home, parties, day outings, weekends
 *   away and trips abroad (a move to another city half way); GPS in clusters around home and
 *   each trip's towns (a DSLR on trips records neither position nor offset); phones by era;
 *   bursts of shots seconds apart (stored as similar groups); screenshots, documents, receipts;
 * - thumbnails: a pool of a few hundred distinct small JPEGs (drawn on an OffscreenCanvas, themed
 *   like the scene) reused across records; each record's preview is its grid thumbnail (the
 *   viewer is not measured), so the disk holds 100,000 thumbnails, not 100,000 previews;
 * - analyses: kind, quality parts, labels and themes from the scene, dHash and appearance
 *   descriptor (the app's own functions, on a small picture drawn for each photo in its scene's
 *   colours, so photos are as alike as real ones: a burst's shots almost the same), stage timings; faces with boxes, landmarks and 1024-d L2-normalised embeddings clustered by
 *   identity as in src/pipeline/people/synthetic.ts (a family, friends at parties, a Zipf tail,
 *   strangers seen once);
 * - people already clustered (a few named, one hidden), favourites and renames in the signals log.
 * Events and trips are left to the app's own segmentation (the cluster worker, with its offline
 * gazetteer), as after a real import. Seeded and deterministic for a given `now`.
 */
import { openKeepsakeDB, RECORD_SCHEMA, type AnalysisRecord, type FaceRecord, type KeepsakeDatabase, type PersonRecord, type PhotoRecord, type SignalRecord, type ThumbRecord } from '../src/db/schema';
import type { DetectedFace, Label, PhotoKind, QualityParts, Raster, Theme } from '../src/pipeline/analyse/types';
import type { SimilarGroup } from '../src/pipeline/analyse/similar';
import { appearanceDescriptor, dHash } from '../src/pipeline/analyse/hash';
import { toGrey } from '../src/pipeline/analyse/raster';
import { zoneOffsetMinutes } from '../src/pipeline/geo/timezone';
import { mulberry32 } from '../src/pipeline/random';
import { stageVersions, versionKey } from '../src/vision/versions';
import { SIMILAR_GROUPS_KEY, type StoredSimilarGroups } from '../src/vision/group-library';

export interface SyntheticOptions {
  count: number;
  seed?: number;
  /** Today (epoch ms); the library ends here. */
  now?: number;
  /** Distinct thumbnails in the pool. */
  thumbnails?: number;
  /** Identities (people seen more than once) for 100,000 photos; scaled by √(count / 100,000). */
  people?: number;
  years?: number;
  /** Photos per write transaction. */
  batch?: number;
}

export interface SeedSummary {
  photos: number;
  years: number;
  located: number;
  junk: number;
  bursts: number;
  thumbnails: { distinct: number; meanBytes: number; what: string };
  faces: number;
  embeddedFaces: number;
  strangers: number;
  people: number;
  named: number;
  hidden: number;
  favourites: number;
  signals: number;
  similarGroups: number;
  ms: number;
  /** Of which waiting for IndexedDB to write. */
  writeMs: number;
}

const DIMS = 1024;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Town {
  name: string;
  lat: number;
  lon: number;
  zone: string;
  theme: Theme;
}

const town = (name: string, lat: number, lon: number, zone: string, theme: Theme): Town => ({ name, lat, lon, zone, theme });

/** Home before and after the move. */
const HOMES: Town[] = [town('Leuven', 50.8798, 4.7005, 'Europe/Brussels', 'home'), town('Lisbon', 38.7223, -9.1393, 'Europe/Lisbon', 'home')];
const ABROAD: Town[] = [
  town('Paris', 48.8566, 2.3522, 'Europe/Paris', 'city'),
  town('Rome', 41.9028, 12.4964, 'Europe/Rome', 'city'),
  town('Florence', 43.7696, 11.2558, 'Europe/Rome', 'city'),
  town('Barcelona', 41.3874, 2.1686, 'Europe/Madrid', 'beach'),
  town('Seville', 37.3891, -5.9845, 'Europe/Madrid', 'city'),
  town('Nice', 43.7102, 7.262, 'Europe/Paris', 'beach'),
  town('Chamonix', 45.9237, 6.8694, 'Europe/Paris', 'snow'),
  town('Innsbruck', 47.2692, 11.4041, 'Europe/Vienna', 'snow'),
  town('Vienna', 48.2082, 16.3738, 'Europe/Vienna', 'city'),
  town('Edinburgh', 55.9533, -3.1883, 'Europe/London', 'city'),
  town('Reykjavik', 64.1466, -21.9426, 'Atlantic/Reykjavik', 'nature'),
  town('Athens', 37.9838, 23.7275, 'Europe/Athens', 'city'),
  town('Crete', 35.3387, 25.1442, 'Europe/Athens', 'beach'),
  town('Kyoto', 35.0116, 135.7681, 'Asia/Tokyo', 'city'),
  town('Tokyo', 35.6762, 139.6503, 'Asia/Tokyo', 'city'),
  town('New York', 40.7128, -74.006, 'America/New_York', 'city'),
  town('Bangkok', 13.7563, 100.5018, 'Asia/Bangkok', 'city'),
  town('Phuket', 7.8804, 98.3923, 'Asia/Bangkok', 'beach'),
  town('Cape Town', -33.9249, 18.4241, 'Africa/Johannesburg', 'nature'),
  town('Marrakesh', 31.6295, -7.9811, 'Africa/Casablanca', 'city'),
];

type SessionKind = 'moment' | 'party' | 'outing' | 'weekend' | 'trip';

interface Session {
  kind: SessionKind;
  /** UTC instant of the first photo. */
  utcStart: number;
  hours: number;
  place: Town;
  /** How far photos stray from the place, km. */
  spreadKm: number;
  weight: number;
  /** Identities around (index into the identity table). */
  cast: number[];
  dslr: boolean;
}

/** The phone of each era (years since the library began), then the trip camera. */
const PHONES = [
  { from: 0, make: 'Apple', model: 'iPhone 4S', w: 3264, h: 2448 },
  { from: 3, make: 'samsung', model: 'SM-G900F', w: 5312, h: 2988 },
  { from: 6, make: 'Apple', model: 'iPhone 8', w: 4032, h: 3024 },
  { from: 9, make: 'Google', model: 'Pixel 4a', w: 4032, h: 3024 },
  { from: 12, make: 'Apple', model: 'iPhone 14', w: 4032, h: 3024 },
];
const DSLR = { make: 'Canon', model: 'Canon EOS 70D', w: 5472, h: 3648 };

const NAMES = ['Anna', 'Tom', 'Lotte', 'Jonas', 'Marie', 'Pieter', 'Sofia', 'Bram', 'Inès', 'Lucas', 'Eva', 'Ruben', 'Noor', 'Daan', 'Julia'];

/** Labels each theme brings, as the object detector or image statistics would name them. */
const THEME_LABELS: Partial<Record<Theme, Array<[string, 'objects' | 'scene']>>> = {
  beach: [['beach', 'scene'], ['umbrella', 'objects'], ['surfboard', 'objects']],
  snow: [['snow', 'scene'], ['skis', 'objects']],
  nature: [['nature', 'scene'], ['bird', 'objects']],
  city: [['car', 'objects'], ['traffic light', 'objects'], ['bicycle', 'objects']],
  party: [['cake', 'objects'], ['wine glass', 'objects'], ['cup', 'objects']],
  food: [['pizza', 'objects'], ['dining table', 'objects'], ['bowl', 'objects']],
  pets: [['dog', 'objects']],
  night: [['night', 'scene']],
  home: [['couch', 'objects'], ['tv', 'objects'], ['potted plant', 'objects']],
  flowers: [['potted plant', 'objects'], ['vase', 'objects']],
};

/** Scene palettes for the thumbnail pool: sky, ground, accent. */
const PALETTES: Record<string, [string, string, string]> = {
  home: ['#d9cbb4', '#8c6e54', '#c0392b'],
  city: ['#9fb4c7', '#5d6d7e', '#f1c40f'],
  beach: ['#5dade2', '#f5deb3', '#1abc9c'],
  snow: ['#d6eaf8', '#fdfefe', '#2e86c1'],
  nature: ['#85c1e9', '#27ae60', '#784212'],
  party: ['#4a235a', '#e67e22', '#f4d03f'],
  night: ['#0b1a2e', '#1c2833', '#f8c471'],
  food: ['#fdebd0', '#a04000', '#27ae60'],
  junk: ['#ffffff', '#f2f3f4', '#2c3e50'],
};

interface PoolThumb {
  blob: Blob;
}

/** Draw `count` distinct scene thumbnails (256 px on the long side). */
async function thumbnailPool(count: number, random: () => number): Promise<Map<string, PoolThumb[]>> {
  const pool = new Map<string, PoolThumb[]>();
  const scenes = Object.keys(PALETTES);
  for (let i = 0; i < count; i++) {
    const scene = scenes[i % scenes.length]!;
    const [sky, ground, accent] = PALETTES[scene]!;
    const portrait = scene !== 'junk' && random() < 0.25;
    const [w, h] = scene === 'junk' ? [118, 256] : portrait ? [192, 256] : [256, 192];
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d')!;
    if (scene === 'junk') {
      ctx.fillStyle = sky;
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = accent;
      for (let y = 12; y < h - 8; y += 9 + Math.floor(random() * 6)) ctx.fillRect(8, y, 20 + random() * (w - 36), 4);
    } else {
      const horizon = h * (0.3 + 0.4 * random());
      const gradient = ctx.createLinearGradient(0, 0, 0, h);
      gradient.addColorStop(0, sky);
      gradient.addColorStop(horizon / h, shade(sky, random() * 40 - 20));
      gradient.addColorStop(Math.min(1, horizon / h + 0.01), ground);
      gradient.addColorStop(1, shade(ground, random() * 60 - 30));
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, w, h);
      for (let k = 3 + Math.floor(random() * 6); k > 0; k--) {
        ctx.fillStyle = shade(k % 2 ? accent : ground, random() * 80 - 40);
        ctx.globalAlpha = 0.5 + 0.5 * random();
        if (random() < 0.5) ctx.fillRect(random() * w, random() * h, 10 + random() * w * 0.4, 10 + random() * h * 0.4);
        else {
          ctx.beginPath();
          ctx.arc(random() * w, random() * h, 6 + random() * w * 0.15, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      ctx.globalAlpha = 1;
      // Speckle, so that the JPEGs are about as big as a photo's.
      const image = ctx.getImageData(0, 0, w, h);
      for (let p = 0; p < image.data.length; p += 4) {
        const n = (random() - 0.5) * 28;
        image.data[p] = image.data[p]! + n;
        image.data[p + 1] = image.data[p + 1]! + n;
        image.data[p + 2] = image.data[p + 2]! + n;
      }
      ctx.putImageData(image, 0, 0);
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
    const list = pool.get(scene) ?? [];
    list.push({ blob });
    pool.set(scene, list);
  }
  return pool;
}

function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const c = (shift: number): number => Math.max(0, Math.min(255, ((n >> shift) & 255) + Math.round(amount)));
  return `rgb(${c(16)}, ${c(8)}, ${c(0)})`;
}

/**
 * A photo's own small picture (32×24 RGBA) in its scene's colours: a sky, a horizon, a ground and
 * a few shapes, all drawn at random. Analysis describes this picture (dHash, appearance), so that
 * two photos are as alike as real ones: unrelated shots barely, a burst's shots almost entirely.
 */
export function sceneRaster(scene: string, random: () => number): Raster {
  const [sky, ground, accent] = (PALETTES[scene] ?? PALETTES.home!).map((hex) => [1, 2, 3].map((k) => (parseInt(hex.slice(1), 16) >> (24 - 8 * k)) & 255));
  const width = 32;
  const height = 24;
  const data = new Uint8ClampedArray(width * height * 4);
  const horizon = height * (0.25 + 0.5 * random());
  const tilt = (random() - 0.5) * 0.6;
  const light = 0.7 + 0.6 * random();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = y > horizon + tilt * (x - width / 2) ? ground! : sky!;
      const fade = 0.8 + (0.4 * y) / height;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 4 + c] = colour[c]! * light * fade;
      data[(y * width + x) * 4 + 3] = 255;
    }
  }
  for (let k = 2 + Math.floor(random() * 5); k > 0; k--) {
    const colour = random() < 0.5 ? accent! : [random() * 255, random() * 255, random() * 255];
    const [cx, cy, r] = [random() * width, random() * height, 1 + random() * 7];
    const round = random() < 0.5;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, cy + r); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, cx + r); x++) {
        if (round && (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        for (let c = 0; c < 3; c++) data[(y * width + x) * 4 + c] = colour[c]!;
      }
    }
  }
  return { width, height, data };
}

/** Another shot of the same scene seconds later: the camera moved a pixel or two, the light a little. */
export function burstShot(from: Raster, random: () => number): Raster {
  const { width, height } = from;
  const data = new Uint8ClampedArray(from.data.length);
  const dx = Math.round((random() - 0.5) * 3);
  const dy = Math.round((random() - 0.5) * 2);
  const gain = 0.95 + 0.1 * random();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, x + dx));
      const sy = Math.min(height - 1, Math.max(0, y + dy));
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = c === 3 ? 255 : from.data[(sy * width + sx) * 4 + c]! * gain + (random() - 0.5) * 6;
    }
  }
  return { width, height, data };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function unitVector(random: () => number): Float32Array {
  const v = new Float32Array(DIMS);
  let energy = 0;
  for (let d = 0; d < DIMS; d++) energy += (v[d] = gaussian(random)) ** 2;
  const norm = Math.sqrt(energy);
  for (let d = 0; d < DIMS; d++) v[d] = v[d]! / norm;
  return v;
}

/**
 * One face's embedding, shaped as src/pipeline/people/synthetic.ts makes them (like faceres's on
 * real photos): a component every face shares, the identity's own direction and per-face noise,
 * L2-normalised; the same person at cosine ≈ 0.75–0.9, different people at ≈ 0.25–0.5.
 */
function faceEmbedding(shared: Float32Array, identity: { direction: Float32Array; common: number }, random: () => number): Float32Array {
  const noise = 0.1 + 0.15 * random();
  const self = Math.max(0.05, 1 - identity.common - noise);
  const [a, b, c] = [Math.sqrt(identity.common), Math.sqrt(self), Math.sqrt(noise)];
  const v = new Float32Array(DIMS);
  let energy = 0;
  for (let d = 0; d < DIMS; d++) energy += (v[d] = a * shared[d]! + b * identity.direction[d]! + c * gaussian(random) / 32) ** 2;
  const norm = Math.sqrt(energy);
  for (let d = 0; d < DIMS; d++) v[d] = v[d]! / norm;
  return v;
}

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');

/** "2019-07-14T10:22:05+02:00" (or without the offset), the local wall clock as if UTC, and the UTC instant. */
function timeAt(utcMs: number, zone: string, withOffset: boolean): { takenAt: string; localMs: number } {
  const offset = zoneOffsetMinutes(zone, utcMs);
  const localMs = utcMs + offset * MINUTE;
  const local = new Date(localMs).toISOString().slice(0, 19);
  return { takenAt: withOffset ? `${local}${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}` : local, localMs };
}

function offsetBy(from: Town, km: number, bearing: number): { lat: number; lon: number } {
  return {
    lat: from.lat + (km * Math.cos(bearing)) / 111.2,
    lon: from.lon + (km * Math.sin(bearing)) / (111.2 * Math.cos((from.lat * Math.PI) / 180)),
  };
}

/** A SHA-256-looking id (64 hex digits) for photo `i`. */
function photoId(seed: number, i: number): string {
  const random = mulberry32((seed * 0x9e3779b1) ^ (i * 0x85ebca6b) ^ 0x5bd1e995);
  let hex = '';
  for (let k = 0; k < 8; k++) hex += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  return hex;
}

interface Identity {
  direction: Float32Array;
  common: number;
  /** Years since the start from which this person is around (children are born). */
  from: number;
  personId: string;
  photoIds: string[];
  faces: number;
  cover: { id: string; rank: number } | null;
}

/** Write the library into the app's database (opened here with the app's own schema). */
export async function seedSyntheticLibrary(options: SyntheticOptions): Promise<SeedSummary> {
  const started = performance.now();
  const { count, seed = 1, years = 15, batch = 1000 } = options;
  const now = options.now ?? Date.now();
  const random = mulberry32(seed);
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const int = (lo: number, hi: number): number => Math.floor(between(lo, hi + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number): boolean => random() < p;

  const pool = await thumbnailPool(options.thumbnails ?? 320, random);
  const poolBytes = [...pool.values()].flat().reduce((sum, thumb) => sum + thumb.blob.size, 0);
  const poolSize = [...pool.values()].reduce((sum, list) => sum + list.length, 0);

  // People: the family (always around at home and on trips; the children born a few years in),
  // friends (parties, weekends), then a long Zipf tail of acquaintances.
  const identityCount = Math.max(24, Math.round((options.people ?? 300) * Math.sqrt(count / 100_000)));
  const shared = unitVector(random);
  const identities: Identity[] = Array.from({ length: identityCount }, (_, k) => ({
    direction: unitVector(random),
    common: 0.25 + 0.2 * random(),
    from: k === 1 ? 3 : k === 2 ? 6 : k === 0 ? 0 : random() * years * 0.6,
    personId: `p${k + 1}`,
    photoIds: [],
    faces: 0,
    cover: null,
  }));
  const FAMILY = [0, 1, 2, 3, 4, 5];
  const friendWeights = identities.map((_, k) => (k < FAMILY.length ? 0 : 1 / (k - FAMILY.length + 1) ** 1.1));
  const friendTotal = friendWeights.reduce((a, b) => a + b, 0);
  const friend = (): number => {
    let r = random() * friendTotal;
    for (let k = FAMILY.length; k < identityCount; k++) if ((r -= friendWeights[k]!) <= 0) return k;
    return identityCount - 1;
  };
  const castOf = (kind: SessionKind, yearsIn: number): number[] => {
    const around = (k: number): boolean => identities[k]!.from <= yearsIn;
    const family = FAMILY.filter((k) => around(k) && (k <= 2 || chance(kind === 'moment' ? 0.15 : 0.3)));
    const friends = new Set<number>();
    const wanted = kind === 'party' ? int(4, 10) : kind === 'weekend' ? int(1, 4) : kind === 'outing' ? int(0, 3) : kind === 'trip' ? int(0, 2) : int(0, 1);
    for (let tries = 0; friends.size < wanted && tries < 40; tries++) {
      const k = friend();
      if (around(k)) friends.add(k);
    }
    return [...(kind === 'party' ? family.slice(0, 1) : family), ...friends];
  };

  // The life, day by day: the photographer's sessions, each with a weight (its share of photos).
  const end = now;
  const start = end - years * 365.25 * DAY;
  const moveAt = start + 0.45 * (end - start);
  const sessions: Session[] = [];
  for (let day = start - (start % DAY); day < end - DAY; ) {
    const home = day < moveAt ? HOMES[0]! : HOMES[1]!;
    const yearsIn = (day - start) / (365.25 * DAY);
    const local = (place: Town, hour: number): number => day + hour * HOUR - zoneOffsetMinutes(place.zone, day) * MINUTE;
    const r = random();
    if (r < 0.009) {
      // A trip abroad: one to three towns, a week or two, some days without photos.
      const cast = castOf('trip', yearsIn);
      const dslr = chance(0.5);
      let t = day;
      for (let stop = int(1, 3); stop > 0; stop--) {
        const place = pick(ABROAD);
        for (let d = int(2, 6); d > 0; d--, t += DAY) {
          if (chance(0.1)) continue;
          const at = t - (t % DAY);
          sessions.push({ kind: 'trip', utcStart: at + between(8, 11) * HOUR - zoneOffsetMinutes(place.zone, at) * MINUTE, hours: between(6, 11), place, spreadKm: 12, weight: between(25, 60), cast, dslr });
        }
        t += DAY;
      }
      day = t - (t % DAY) + DAY;
      continue;
    }
    if (r < 0.022) {
      const place = { ...home, name: `${home.name} area`, ...offsetBy(home, between(80, 300), between(0, 2 * Math.PI)), theme: pick<Theme>(['nature', 'city', 'beach']) };
      const cast = castOf('weekend', yearsIn);
      const days = int(2, 3);
      for (let d = 0; d < days; d++) sessions.push({ kind: 'weekend', utcStart: local(place, 9 + d * 24 + between(0, 3)), hours: between(4, 9), place, spreadKm: 10, weight: between(15, 35), cast, dslr: false });
      day += days * DAY;
      continue;
    }
    if (r < 0.05) {
      const place = { ...home, ...offsetBy(home, between(25, 150), between(0, 2 * Math.PI)), theme: pick<Theme>(['nature', 'city', 'beach', 'nature']) };
      sessions.push({ kind: 'outing', utcStart: local(place, between(9, 13)), hours: between(2, 6), place, spreadKm: 6, weight: between(10, 30), cast: castOf('outing', yearsIn), dslr: false });
    } else if (r < 0.075) {
      sessions.push({ kind: 'party', utcStart: local(home, between(17, 21)), hours: between(2, 6), place: { ...home, theme: 'party' }, spreadKm: 0.3, weight: between(15, 45), cast: castOf('party', yearsIn), dslr: false });
    }
    // Everyday moments, morning and evening, on many days.
    if (chance(0.45)) sessions.push({ kind: 'moment', utcStart: local(home, between(7, 12)), hours: between(0, 0.4), place: home, spreadKm: 6, weight: between(1, 5), cast: castOf('moment', yearsIn), dslr: false });
    if (chance(0.4)) sessions.push({ kind: 'moment', utcStart: local(home, between(17, 22)), hours: between(0, 0.4), place: home, spreadKm: 6, weight: between(1, 5), cast: castOf('moment', yearsIn), dslr: false });
    day += DAY;
  }

  const db = await openKeepsakeDB();
  const versions = stageVersions();
  const key = versionKey(versions);
  const groups: SimilarGroup[] = [];
  const favourites: Array<{ id: string; at: number }> = [];
  let located = 0;
  let junk = 0;
  let faceCount = 0;
  let embedded = 0;
  let strangers = 0;
  let written = 0;
  let writeMs = 0;

  let pending: { photos: PhotoRecord[]; thumbs: ThumbRecord[]; analyses: AnalysisRecord[]; faces: FaceRecord[] } = { photos: [], thumbs: [], analyses: [], faces: [] };
  const flush = async (): Promise<void> => {
    const { photos, thumbs, analyses, faces } = pending;
    pending = { photos: [], thumbs: [], analyses: [], faces: [] };
    if (!photos.length) return;
    const writing = performance.now();
    // Relaxed: a benchmark's library need not survive a power cut, and each strict commit waits for the disk.
    const tx = db.transaction(['photos', 'thumbs', 'analyses', 'faces'], 'readwrite', { durability: 'relaxed' });
    for (const record of photos) void tx.objectStore('photos').put(record);
    for (const record of thumbs) void tx.objectStore('thumbs').put(record);
    for (const record of analyses) void tx.objectStore('analyses').put(record);
    for (const record of faces) void tx.objectStore('faces').put(record);
    await tx.done;
    writeMs += performance.now() - writing;
  };

  const totalWeight = sessions.reduce((sum, session) => sum + session.weight, 0);
  let cumulative = 0;
  let index = 0;
  for (const session of sessions) {
    const before = Math.round((cumulative / totalWeight) * count);
    cumulative += session.weight;
    const n = Math.round((cumulative / totalWeight) * count) - before;
    const yearsIn = (session.utcStart - start) / (365.25 * DAY);
    const phone = [...PHONES].reverse().find((p) => p.from <= yearsIn)!;
    const withOffset = !session.dslr;
    const times = Array.from({ length: n }, () => session.utcStart + random() * session.hours * HOUR).sort((a, b) => a - b);
    let burst: { group: string[]; left: number; thumb: PoolThumb; raster: Raster; at: number } | null = null;
    for (let k = 0; k < n; k++) {
      const id = photoId(seed, index);
      // Junk: screenshots (no camera, no position, dated by the file name), documents and receipts (phone photos at home).
      const junkKind: PhotoKind | null = session.kind === 'moment' && chance(0.12) ? pick<PhotoKind>(['screenshot', 'screenshot', 'document', 'receipt']) : null;
      const dslr = session.dslr && !junkKind && chance(0.6);
      const camera = junkKind === 'screenshot' ? null : dslr ? DSLR : phone;
      let utc = times[k]!;
      if (burst) utc = burst.at + between(0.5, 2.5) * 1000;
      const { takenAt, localMs } = timeAt(utc, session.place.zone, withOffset && !dslr);
      const gpsSpot = camera && !dslr && chance(0.95) ? offsetBy(session.place, session.spreadKm * Math.sqrt(random()), between(0, 2 * Math.PI)) : null;
      if (gpsSpot) located++;
      const portrait = !junkKind && chance(0.22);
      const [w, h] = junkKind === 'screenshot' ? [1170, 2532] : camera ? (portrait ? [camera.h, camera.w] : [camera.w, camera.h]) : [1170, 2532];
      const year = takenAt.slice(0, 4);
      const name = junkKind === 'screenshot' ? `Screenshot_${takenAt.slice(0, 10).replaceAll('-', '')}-${takenAt.slice(11, 19).replaceAll(':', '')}.png` : `${dslr ? 'IMG' : 'PXL'}_${String(index).padStart(6, '0')}.jpg`;
      const photo: PhotoRecord = {
        schema: RECORD_SCHEMA,
        id,
        paths: [`Pictures/${year}/${name}`],
        size: Math.round(junkKind === 'screenshot' ? between(0.3e6, 1.2e6) : between(1.8e6, 6.5e6)),
        mime: junkKind === 'screenshot' ? 'image/png' : 'image/jpeg',
        format: junkKind === 'screenshot' ? 'png' : 'jpeg',
        width: w,
        height: h,
        storedWidth: portrait ? h : w,
        storedHeight: portrait ? w : h,
        orientation: portrait ? 6 : 1,
        takenAt,
        takenAtSource: junkKind === 'screenshot' ? 'filename' : 'exif',
        takenAtUtcMs: withOffset && !dslr ? utc : null,
        localSortMs: localMs,
        gps: gpsSpot,
        camera: camera ? { make: camera.make, model: camera.model } : null,
        importedAt: end - between(0, 30) * DAY,
        original: { kind: 'opfs', path: `originals/${id}` },
      };

      // The scene: the place's theme, now and then food, pets (the dog from year five), night.
      const themes = new Set<Theme>();
      let scene: string = junkKind ? 'junk' : session.place.theme;
      if (!junkKind) {
        if (scene !== 'home') themes.add(scene as Theme);
        if (session.kind === 'party') (themes.add('party'), chance(0.4) && themes.add('food'));
        if (chance(0.08)) (themes.add('food'), (scene = 'food'));
        if (session.place.name === HOMES[0]!.name || session.place.name === HOMES[1]!.name) {
          if (yearsIn > 5 && chance(0.18)) themes.add('pets');
          if (session.kind === 'moment') themes.add('home');
          if (chance(0.05)) themes.add('flowers');
        }
        const hour = Number(takenAt.slice(11, 13));
        if (hour >= 21 || hour < 6) (themes.add('night'), (scene = scene === 'party' ? 'party' : 'night'));
      }
      const thumb: PoolThumb = burst?.thumb ?? pick(pool.get(scene) ?? pool.get('home')!);

      // Faces: who is around, plus strangers; none on junk.
      const faces: DetectedFace[] = [];
      const who: Array<number | null> = [];
      if (!junkKind && session.cast.length) {
        const r = random();
        const wanted = r < 0.42 ? 0 : r < 0.7 ? 1 : r < 0.85 ? 2 : r < 0.93 ? 3 : int(4, 7);
        const chosen = new Set<number>();
        for (let f = 0; f < wanted; f++) {
          if (chance(0.1)) {
            who.push(null);
            continue;
          }
          const k = pick(session.cast);
          if (chosen.has(k)) continue;
          chosen.add(k);
          who.push(k);
        }
      } else if (!junkKind && chance(0.2)) who.push(null);
      for (let f = 0; f < who.length; f++) {
        const size = who.length > 3 ? between(0.03, 0.1) : between(0.05, 0.3);
        const x = between(0, 1 - size);
        const y = between(0.05, Math.max(0.06, 0.8 - size));
        const box: [number, number, number, number] = [x, y, size, size * (w / h)];
        const eye = size * 0.3;
        faces.push({
          box,
          score: between(0.62, 0.99),
          landmarks: [[x + eye, y + size * 0.35], [x + size - eye, y + size * 0.35], [x + size / 2, y + size * 0.55], [x + size / 2, y + size * 0.75], [x, y + size * 0.4], [x + size, y + size * 0.4]],
          looks: 1,
          personScore: between(0.6, 0.95),
          sharpness: between(40, 600),
        });
      }
      if (faces.length) themes.add('people');

      const labels: Label[] = faces.length ? [{ name: 'person', score: between(0.6, 0.98), source: 'objects', box: faces[0]!.box }] : [];
      for (const theme of themes) for (const [label, source] of THEME_LABELS[theme] ?? []) if (chance(0.7)) labels.push({ name: label, score: between(0.35, 0.95), source });
      const sharpness = junkKind ? between(0.7, 1) : Math.min(1, Math.max(0, gaussian(random) * 0.15 + 0.65));
      const faceSharpness = faces.length ? Math.min(1, Math.max(0, sharpness + gaussian(random) * 0.1)) : null;
      const exposure = Math.min(1, Math.max(0, gaussian(random) * 0.12 + 0.78));
      const noise = Math.min(1, Math.max(0, gaussian(random) * 0.1 + (themes.has('night') ? 0.55 : 0.8)));
      const faceVisibility = faces.length ? between(0.4, 1) : null;
      const quality: QualityParts = {
        sharpness, faceSharpness, exposure, noise, faceVisibility,
        score: Math.min(1, Math.max(0, 0.45 * sharpness + 0.25 * exposure + 0.15 * noise + 0.15 * (faceVisibility ?? 0.7))),
      };
      const raster: Raster = burst ? burstShot(burst.raster, random) : sceneRaster(scene, random);
      const faceTimes = faces.length * between(25, 45);
      const analysis: AnalysisRecord = {
        schema: RECORD_SCHEMA,
        photoId: id,
        versions,
        versionKey: key,
        backend: 'wasm',
        faces,
        labels,
        themes: [...themes],
        quality,
        kind: junkKind
          ? { kind: junkKind, confidence: between(0.7, 0.95), reasons: junkKind === 'screenshot' ? ['no camera in EXIF', 'phone screen size 1170 × 2532'] : ['dense text', 'paper'] }
          : { kind: 'photo', confidence: between(0.8, 0.99), reasons: ['camera EXIF'] },
        dhash: dHash(toGrey(raster)),
        appearance: appearanceDescriptor(raster),
        timings: { decode: between(30, 90), faces: between(120, 320), embeddings: faceTimes, objects: between(180, 420), pixels: between(15, 40) },
        analysedAt: end - between(0, 20) * DAY,
      };
      if (junkKind) junk++;

      const faceRecords: FaceRecord[] = faces.map((face, f) => {
        const k = who[f]!;
        const tooSmall = face.box[2] < 0.035;
        const embedding = tooSmall ? null : k === null ? faceEmbedding(shared, { direction: unitVector(random), common: 0.3 }, random) : faceEmbedding(shared, identities[k]!, random);
        const faceId = `${id}#${f}`;
        const trusted = face.score >= 0.7 && embedding !== null;
        let personId: string | null = null;
        if (k !== null && trusted) {
          const identity = identities[k]!;
          personId = identity.personId;
          identity.photoIds.push(id);
          identity.faces++;
          const rank = face.box[2] * face.score;
          if (!identity.cover || rank > identity.cover.rank) identity.cover = { id: faceId, rank };
        }
        if (k === null) strangers++;
        if (embedding) embedded++;
        return { schema: RECORD_SCHEMA, id: faceId, photoId: id, box: face.box, landmarks: face.landmarks, score: face.score, embedding, embeddingModel: versions.embeddings, personId, clustered: true };
      });
      faceCount += faceRecords.length;

      pending.photos.push(photo);
      pending.thumbs.push({ schema: RECORD_SCHEMA, photoId: id, small: thumb.blob, preview: thumb.blob });
      pending.analyses.push(analysis);
      pending.faces.push(...faceRecords);
      if (!junkKind && chance(session.kind === 'trip' ? 0.025 : session.kind === 'moment' ? 0.006 : 0.015) && quality.score > 0.5) favourites.push({ id, at: Math.max(photo.importedAt, end - between(0, 60) * DAY) });

      // Bursts: a few shots seconds apart, the same scene (a similar group with its best).
      if (burst) {
        burst.group.push(id);
        burst.at = utc;
        if (--burst.left <= 0) {
          groups.push(burstGroup(burst.group, pending.analyses));
          burst = null;
        }
      } else if (!junkKind && k < n - 2 && chance(0.06)) {
        burst = { group: [id], left: Math.min(int(1, 4), n - k - 1), thumb, raster, at: utc };
      }
      index++;
      written++;
      if (pending.photos.length >= batch && !burst) await flush();
    }
    if (burst && burst.group.length > 1) groups.push(burstGroup(burst.group, pending.analyses));
    if (written >= count) break;
  }
  await flush();

  // People, as clustering left them: the photos and faces each is in, a cover face; a few named, one hidden.
  const people: PersonRecord[] = identities.flatMap((identity, k) =>
    identity.photoIds.length
      ? [{
          schema: RECORD_SCHEMA,
          id: identity.personId,
          name: k < NAMES.length && k !== 9 && k !== 13 ? NAMES[k]! : null,
          hidden: k === 11,
          mergedInto: null,
          coverFaceId: identity.cover?.id ?? null,
          photoIds: [...new Set(identity.photoIds)],
          faceCount: identity.faces,
          createdAt: start,
          updatedAt: end,
        }]
      : [],
  );
  const signals: SignalRecord[] = [
    ...people.filter((person) => person.name).map((person, i): SignalRecord => ({ at: end - 200 * DAY + i * MINUTE, type: 'rename', target: { personId: person.id }, value: person.name })),
    ...people.filter((person) => person.hidden).map((person): SignalRecord => ({ at: end - 100 * DAY, type: 'hide', target: { personId: person.id }, value: null })),
    ...favourites.map(({ id, at }): SignalRecord => ({ at, type: 'favourite', target: { photoId: id } })),
  ].sort((a, b) => a.at - b.at);
  const similar: StoredSimilarGroups = { computedAt: end, groups };
  const tx = db.transaction(['people', 'signals', 'meta'], 'readwrite');
  for (const person of people) void tx.objectStore('people').put(person);
  for (const signal of signals) void tx.objectStore('signals').add(signal);
  void tx.objectStore('meta').put({ key: SIMILAR_GROUPS_KEY, value: similar });
  void tx.objectStore('meta').put({ key: 'person-counter', value: identityCount });
  void tx.objectStore('meta').put({ key: 'people-model', value: versions.embeddings });
  void tx.objectStore('meta').put({ key: 'demo-offered', value: end });
  await tx.done;
  db.close();

  return {
    photos: written,
    years,
    located,
    junk,
    bursts: groups.length,
    thumbnails: { distinct: poolSize, meanBytes: Math.round(poolBytes / poolSize), what: 'a pool of distinct scene JPEGs (256 px) reused across records; each preview is its grid thumbnail' },
    faces: faceCount,
    embeddedFaces: embedded,
    strangers,
    people: people.length,
    named: people.filter((person) => person.name).length,
    hidden: people.filter((person) => person.hidden).length,
    favourites: favourites.length,
    signals: signals.length,
    similarGroups: groups.length,
    ms: Math.round(performance.now() - started),
    writeMs: Math.round(writeMs),
  };
}

/** A burst as a similar group; its best is the sharpest shot. */
function burstGroup(ids: string[], analyses: readonly AnalysisRecord[]): SimilarGroup {
  const score = new Map(analyses.filter((a) => ids.includes(a.photoId)).map((a) => [a.photoId, a.quality.score]));
  const best = ids.reduce((a, b) => ((score.get(b) ?? 0) > (score.get(a) ?? 0) ? b : a));
  return { id: `s-${ids[0]!.slice(0, 12)}`, photoIds: ids, best, reason: 'burst' };
}

/** Whether the app's database already holds a library of this size (a kept profile is reused). */
export async function syntheticLibrarySize(): Promise<number> {
  const db: KeepsakeDatabase = await openKeepsakeDB();
  const photos = await db.count('photos');
  db.close();
  return photos;
}

/**
 * Photos of a kept library whose analysis this build's models did not make. A model change makes the
 * app analyse them again as soon as it opens, and every step would measure that instead.
 */
export async function syntheticLibraryStale(): Promise<number> {
  const db: KeepsakeDatabase = await openKeepsakeDB();
  const [photos, current] = await Promise.all([db.count('photos'), db.countFromIndex('analyses', 'byVersion', versionKey(stageVersions()))]);
  db.close();
  return photos - current;
}
