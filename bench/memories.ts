/**
 * `npm run bench -- memories [--count N]`: the pure memories pipeline (generateMemories: candidates,
 * taste, ranking with photo selection, titles), the part of a memories run the cluster worker spends
 * computing, in Node on a synthetic library of N photos (100,000 by default) shaped like a real one:
 * about twenty years of days with a few everyday photos, parties and outings, weekends and trips
 * abroad; bursts kept as similar groups with a best shot; about 250 people with a Zipf-like
 * frequency (the most photographed in about one photo in five); themes on about half the photos; a
 * few per cent junk; an appearance descriptor per photo (bursts almost the same); and a signals log
 * of a few hundred entries (renames, favourites, opens, dismisses, edits). Seeded and deterministic.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { SignalRecord } from '../src/db/schema';
import { APPEARANCE_LENGTH, lookOf } from '../src/pipeline/analyse/hash';
import type { PhotoKind, Theme } from '../src/pipeline/analyse/types';
import { dayKey } from '../src/pipeline/import/time';
import { memoryCandidates } from '../src/pipeline/memories/candidates';
import { generateMemories, type GenerationTimings } from '../src/pipeline/memories/generate';
import type { MemoryEvent, MemoryLibrary, MemoryPerson } from '../src/pipeline/memories/library';
import type { MemoryPhoto, MemoryPlace } from '../src/pipeline/memories/types';
import { mulberry32 } from '../src/pipeline/random';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const YEARS = 20;
const PEOPLE = 250;
/** Today for the synthetic life: fixed, so every run makes the same memories. */
export const SYNTHETIC_NOW = Date.UTC(2025, 5, 15, 12);

type SessionKind = 'moment' | 'party' | 'outing' | 'weekend' | 'trip';

interface Session {
  kind: SessionKind;
  /** Local wall clock of the first photo, as if UTC. */
  startMs: number;
  hours: number;
  /** Relative share of the library's photos. */
  weight: number;
  theme: Theme | null;
  /** Indices of the people around. */
  cast: number[];
  /** The trip or outing it belongs to (several days of a trip share one), or a day of everyday moments. */
  event: string;
}

const SCENE_THEMES: readonly Theme[] = ['nature', 'city', 'beach', 'food', 'pets', 'snow', 'night', 'flowers', 'sport', 'drinks', 'animals', 'vehicles', 'boats', 'planes', 'trains', 'home'];
const COUNTRIES = ['PT', 'ES', 'IT', 'FR', 'GR', 'JP', 'US', 'NO', 'HR', 'MA'];
const TOWNS = ['Porto', 'Lisbon', 'Seville', 'Rome', 'Nice', 'Athens', 'Kyoto', 'Boston', 'Bergen', 'Split', 'Fes', 'Lyon', 'Naples', 'Osaka'];

/** A synthetic life of `count` photos, its people and events, for the memories pipeline. */
export function syntheticMemoryLibrary(count: number, seed = 1): MemoryLibrary {
  const random = mulberry32(seed);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const int = (lo: number, hi: number): number => Math.floor(between(lo, hi + 1));
  const chance = (p: number): boolean => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  // People: a family of three always around, then a Zipf tail of friends and acquaintances.
  const people: MemoryPerson[] = Array.from({ length: PEOPLE }, (_, k) => ({ id: `p${k + 1}`, name: k < 12 || chance(0.05) ? `Person ${k + 1}` : null, hidden: k === 40 }));
  const zipf = people.map((_, k) => 1 / (k + 1) ** 1.05);
  const zipfTotal = zipf.reduce((a, b) => a + b, 0);
  const somebody = (): number => {
    let r = random() * zipfTotal;
    for (let k = 0; k < PEOPLE; k++) if ((r -= zipf[k]!) <= 0) return k;
    return PEOPLE - 1;
  };
  const castOf = (size: number): number[] => {
    // The photographer's partner comes along a good part of the time, and first in line.
    const cast = new Set<number>(size && chance(0.2) ? [0] : []);
    for (let tries = 0; cast.size < size && tries < 4 * size; tries++) cast.add(somebody());
    return [...cast];
  };

  // The life, day by day: sessions of photos, each with a weight (its share of the photos).
  const start = SYNTHETIC_NOW - YEARS * 365.25 * DAY;
  const sessions: Session[] = [];
  const events: Array<Omit<MemoryEvent, 'photoIds'> & { photoIds: string[] }> = [];
  const newEvent = (kind: MemoryEvent['kind'], place: MemoryPlace | null, awayKm: number | null): string => {
    const id = `e${events.length + 1}`;
    events.push({ id, kind, photoIds: [], place, awayKm });
    return id;
  };
  for (let day = start - (start % DAY); day < SYNTHETIC_NOW - DAY; ) {
    const r = random();
    if (r < 0.02) {
      const country = pick(COUNTRIES);
      const event = newEvent('trip', { cities: [pick(TOWNS), pick(TOWNS)].slice(0, int(1, 2)), region: null, countryCode: country }, between(300, 9000));
      const cast = castOf(int(1, 4));
      const days = int(3, 14);
      for (let d = 0; d < days; d++) if (chance(0.9)) sessions.push({ kind: 'trip', startMs: day + d * DAY + between(8, 11) * HOUR, hours: between(6, 11), weight: between(20, 60), theme: pick(SCENE_THEMES), cast, event });
      day += (days + 1) * DAY;
      continue;
    }
    if (r < 0.06) {
      const event = newEvent('event', { cities: [pick(TOWNS)], region: 'Region', countryCode: 'GB' }, between(60, 300));
      const cast = castOf(int(1, 5));
      const days = int(2, 3);
      for (let d = 0; d < days; d++) sessions.push({ kind: 'weekend', startMs: day + d * DAY + between(9, 12) * HOUR, hours: between(4, 9), weight: between(15, 35), theme: pick(SCENE_THEMES), cast, event });
      day += days * DAY;
      continue;
    }
    if (r < 0.4) {
      const event = newEvent('event', chance(0.7) ? { cities: ['Manchester'], region: 'England', countryCode: 'GB' } : null, between(0, 150));
      const party = chance(0.5);
      sessions.push({ kind: party ? 'party' : 'outing', startMs: day + between(party ? 17 : 9, party ? 21 : 13) * HOUR, hours: between(2, 6), weight: between(party ? 15 : 8, party ? 50 : 30), theme: party ? 'party' : pick(SCENE_THEMES), cast: castOf(party ? int(3, 10) : int(0, 3)), event });
    }
    // Everyday moments, morning and evening, on many days: one "day" event per day with photos.
    const moments = (chance(0.45) ? 1 : 0) + (chance(0.4) ? 1 : 0);
    if (moments) {
      const event = chance(0.8) ? newEvent('day', null, between(0, 5)) : '';
      for (let m = 0; m < moments; m++) sessions.push({ kind: 'moment', startMs: day + between(m ? 17 : 7, m ? 22 : 12) * HOUR, hours: between(0, 0.4), weight: between(1, 5), theme: chance(0.5) ? pick(SCENE_THEMES) : null, cast: castOf(int(0, 2)), event });
    }
    day += DAY;
  }

  // Photos: each session gets its share of `count`, in bursts of shots seconds apart.
  const totalWeight = sessions.reduce((sum, session) => sum + session.weight, 0);
  const photos: MemoryPhoto[] = [];
  const eventById = new Map(events.map((event) => [event.id, event]));
  let weightSoFar = 0;
  let groups = 0;
  for (const session of sessions) {
    const before = Math.round((weightSoFar / totalWeight) * count);
    weightSoFar += session.weight;
    let n = Math.round((weightSoFar / totalWeight) * count) - before;
    const base = unitVector(random);
    let t = session.startMs;
    const step = (session.hours * HOUR) / Math.max(1, n);
    while (n > 0) {
      const burst = n > 1 && chance(0.15) ? Math.min(n, int(2, 6)) : 1;
      const group = burst > 1 ? `g${++groups}` : null;
      const look = mix(base, unitVector(random), 0.7, random);
      const shots: MemoryPhoto[] = [];
      for (let b = 0; b < burst; b++, n--) {
        const id = `ph${photos.length + 1}`;
        const junk = chance(0.03);
        const who = session.cast.length ? castFor(session.cast, random) : [];
        const themes = new Set<Theme>();
        if (session.theme && chance(0.4)) themes.add(session.theme);
        if (chance(0.08)) themes.add(pick(SCENE_THEMES));
        if (who.length) themes.add('people');
        const photo: MemoryPhoto = {
          id,
          localMs: Math.round(t + b * 1500),
          kind: junk ? pick<PhotoKind>(['screenshot', 'document', 'receipt', 'other']) : 'photo',
          quality: Math.min(1, Math.max(0, 0.55 + 0.2 * (random() + random() + random() - 1.5))),
          themes: [...themes],
          people: who.map((k) => people[k]!.id),
          faceCount: who.length + (chance(0.1) ? int(1, 3) : 0),
          eventId: session.event || null,
          similarGroup: group,
          bestOfGroup: false,
          look: lookOf(mix(look, unitVector(random), 0.97, random)),
        };
        shots.push(photo);
        photos.push(photo);
        if (session.event) eventById.get(session.event)!.photoIds.push(id);
      }
      if (group) shots.reduce((best, shot) => (shot.quality > best.quality ? shot : best)).bestOfGroup = true;
      t += step * burst;
    }
  }
  return { photos, people, events: events.filter((event) => event.photoIds.length), now: SYNTHETIC_NOW };
}

/** Who is in one photo of a session: none to four of its cast, the first (the host, a parent) most often. */
function castFor(cast: readonly number[], random: () => number): number[] {
  const r = random();
  const wanted = r < 0.35 ? 0 : r < 0.7 ? 1 : r < 0.87 ? 2 : r < 0.96 ? 3 : 4;
  const who = new Set<number>();
  for (let tries = 0; who.size < Math.min(wanted, cast.length) && tries < 12; tries++) who.add(cast[random() < 0.5 ? 0 : Math.floor(random() * cast.length)]!);
  return [...who];
}

/** A random appearance descriptor: two unit-length, mean-removed luma blocks and a chroma block. */
function unitVector(random: () => number): Float32Array {
  const out = new Float32Array(APPEARANCE_LENGTH);
  for (let i = 0; i < APPEARANCE_LENGTH; i++) out[i] = random() - 0.5;
  normaliseLuma(out);
  for (let i = 512; i < APPEARANCE_LENGTH; i++) out[i] = 80 * (random() - 0.5);
  return out;
}

/** `keep` of `a` and the rest of `b`, luma blocks normalised again (a photo like its scene, a shot like its burst). */
function mix(a: Float32Array, b: Float32Array, keep: number, random: () => number): Float32Array {
  const out = new Float32Array(APPEARANCE_LENGTH);
  for (let i = 0; i < APPEARANCE_LENGTH; i++) out[i] = keep * a[i]! + (1 - keep) * b[i]! + 0.01 * (random() - 0.5);
  normaliseLuma(out);
  return out;
}

function normaliseLuma(v: Float32Array): void {
  for (const offset of [0, 256]) {
    let mean = 0;
    for (let i = 0; i < 256; i++) mean += v[offset + i]! / 256;
    let norm = 0;
    for (let i = 0; i < 256; i++) norm += (v[offset + i]! - mean) ** 2;
    const scale = 1 / (Math.sqrt(norm) || 1);
    for (let i = 0; i < 256; i++) v[offset + i] = (v[offset + i]! - mean) * scale;
  }
}

/**
 * A signals log of a few hundred entries over the last two years: people named, photos
 * favourited (and a few unfavourited or hidden), memories opened, favourited, dismissed, renamed
 * and edited (photos removed and added), thumbs up and down.
 */
export function syntheticSignals(library: MemoryLibrary, seed = 1): SignalRecord[] {
  const random = mulberry32(seed ^ 0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const photos = library.photos.filter((photo) => photo.kind === 'photo');
  const years = [...new Set(photos.flatMap((photo) => (photo.localMs === null ? [] : [dayKey(photo.localMs).slice(0, 4)])))];
  const memoryIds = [
    ...library.events.filter((event) => event.kind !== 'day').map((event) => `${event.kind}:${event.id}`),
    ...library.people.slice(0, 60).map((person) => `person:${person.id}`),
    ...years.map((year) => `year:${year}`),
    ...years.map((year) => `theme:nature:${year}`),
  ];
  const signals: SignalRecord[] = [];
  let at = library.now - 2 * 365 * DAY;
  const add = (type: SignalRecord['type'], target: SignalRecord['target'], value?: unknown): void => {
    at += Math.floor(random() * 2 * DAY);
    signals.push({ at, type, target, ...(value === undefined ? {} : { value }) });
  };
  for (const person of library.people.filter((p) => p.name)) add('rename', { personId: person.id }, person.name);
  for (let i = 0; i < 200; i++) add('favourite', { photoId: pick(photos).id });
  for (let i = 0; i < 10; i++) add('unfavourite', { photoId: pick(photos).id });
  for (let i = 0; i < 5; i++) add('hide', { photoId: pick(photos).id });
  for (let i = 0; i < 120; i++) add('open', { memoryId: pick(memoryIds) });
  for (let i = 0; i < 15; i++) add('favourite', { memoryId: pick(memoryIds) });
  for (let i = 0; i < 15; i++) add('dismiss', { memoryId: pick(memoryIds) });
  for (let i = 0; i < 10; i++) add(random() < 0.6 ? 'thumbsUp' : 'thumbsDown', { memoryId: pick(memoryIds) });
  for (let i = 0; i < 8; i++) add('rename', { memoryId: pick(memoryIds) }, `Our days ${i + 1}`);
  for (let i = 0; i < 10; i++) add('removeFromMemory', { memoryId: pick(memoryIds), photoId: pick(photos).id });
  for (let i = 0; i < 6; i++) add('addToMemory', { memoryId: pick(memoryIds), photoId: pick(photos).id });
  // Logged in the order they happened, mostly: shuffle a little so the replay's ordering matters.
  return signals.map((signal, i) => ({ signal, key: i + 3 * random() })).sort((a, b) => a.key - b.key).map(({ signal }) => signal);
}

export async function benchMemories(args: string[]): Promise<unknown> {
  const countAt = args.indexOf('--count');
  const count = countAt >= 0 ? Number(args[countAt + 1]) : 100_000;
  if (!Number.isInteger(count) || count <= 0) throw new Error('--count wants a whole number of photos');
  log(`building a synthetic library of ${count} photos…`);
  const library = syntheticMemoryLibrary(count);
  const signals = syntheticSignals(library);
  const junk = library.photos.filter((photo) => photo.kind !== 'photo').length;
  const topPerson = Math.max(...library.people.map((person) => library.photos.filter((photo) => photo.people.includes(person.id)).length));
  log('generating memories…');
  const timings: GenerationTimings = { candidates: 0, taste: 0, rank: 0, titles: 0 };
  const started = performance.now();
  const memories = generateMemories(library, signals, 'en', timings);
  const totalMs = Math.round(performance.now() - started);
  const kinds: Record<string, number> = {};
  for (const memory of memories) kinds[memory.kind] = (kinds[memory.kind] ?? 0) + 1;
  return {
    benchmark: 'memories',
    at: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: loadavg().map((load) => +load.toFixed(2)) },
    library: {
      photos: library.photos.length,
      junk,
      people: library.people.length,
      topPersonShare: +(topPerson / library.photos.length).toFixed(3),
      events: library.events.length,
      similarGroups: new Set(library.photos.flatMap((photo) => photo.similarGroup ?? [])).size,
      signals: signals.length,
    },
    // Every candidate becomes a memory unless the person dismissed it or removed all its photos.
    candidates: memoryCandidates(library).length,
    memories: memories.length,
    kinds,
    ms: { ...timings, total: totalMs },
  };
}
