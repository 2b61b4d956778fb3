/**
 * A synthetic photo life with its true events, for tests and the benchmark: everyday moments at
 * home, day outings, parties that run late, weekend trips and long trips abroad across cities and
 * time zones, bursts; some photos without GPS, some without an offset. Seeded and deterministic.
 */
import type { EventPhoto } from './segment';

export interface SyntheticPhoto extends EventPhoto {
  truth: string;
}

interface City {
  lat: number;
  lon: number;
  offset: number;
}

const HOMES: City[] = [
  { lat: 52.52, lon: 13.405, offset: 60 }, // Berlin
  { lat: 41.39, lon: 2.17, offset: 60 }, // Barcelona
  { lat: 40.71, lon: -74.0, offset: -300 }, // New York
  { lat: -33.87, lon: 151.21, offset: 600 }, // Sydney
];
const ABROAD: City[] = [
  { lat: 48.857, lon: 2.352, offset: 60 }, // Paris
  { lat: 45.44, lon: 12.33, offset: 60 }, // Venice
  { lat: 43.77, lon: 11.25, offset: 60 }, // Florence
  { lat: 37.98, lon: 23.73, offset: 120 }, // Athens
  { lat: 34.69, lon: 135.5, offset: 540 }, // Osaka
  { lat: 13.75, lon: 100.5, offset: 420 }, // Bangkok
  { lat: -22.91, lon: -43.17, offset: -180 }, // Rio
  { lat: 64.15, lon: -21.94, offset: 0 }, // Reykjavik
];

/** Mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');

function takenAt(utcMs: number, offset: number, withOffset: boolean): string {
  const local = new Date(utcMs + offset * MIN).toISOString().slice(0, 19);
  return withOffset ? `${local}${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}` : local;
}

export function syntheticLife(seed: number, years = 2): SyntheticPhoto[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const home = pick(HOMES);
  const photos: SyntheticPhoto[] = [];
  let events = 0;
  const shoot = (utcMs: number, city: City, spreadKm: number, truth: string): void => {
    const gps = random() < 0.8 ? { lat: city.lat + between(-1, 1) * spreadKm / 111, lon: city.lon + between(-1, 1) * spreadKm / 111 / Math.cos((city.lat * Math.PI) / 180) } : null;
    photos.push({ id: `s${seed}-${photos.length}`, takenAt: takenAt(utcMs, city.offset, random() < 0.7), gps, truth });
  };
  /** A run of photos from `start` over `hours`, at `city`, some in bursts seconds apart. */
  const session = (start: number, hours: number, count: number, city: City, spreadKm: number, truth: string): void => {
    for (let k = 0; k < count; k++) {
      const at = start + (hours * HOUR * k) / Math.max(1, count - 1) + between(-5, 5) * MIN * (k > 0 && k < count - 1 ? 1 : 0);
      shoot(at, city, spreadKm, truth);
      if (random() < 0.15) shoot(at + between(1, 8) * 1000, city, 0.01, truth);
    }
  };
  const localMidnight = (utcDay: number, city: City): number => utcDay - city.offset * MIN;
  let day = Date.UTC(2022, 0, 1);
  const end = day + years * 365 * DAY;
  while (day < end) {
    const r = random();
    const midnight = localMidnight(day, home);
    if (r < 0.04) {
      // A long trip abroad: several cities, days of photos, travel days in between.
      const stops = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(ABROAD));
      const truth = `trip-${++events}`;
      let t = day;
      for (const city of stops) {
        for (let d = 0; d < 2 + Math.floor(random() * 3); d++) {
          if (random() < 0.85) session(localMidnight(t, city) + between(9, 11) * HOUR, between(4, 10), 3 + Math.floor(random() * 10), city, 8, truth);
          t += DAY;
        }
      }
      day = t + 2 * DAY;
      continue;
    }
    if (r < 0.08) {
      // A weekend away, 150–600 km from home.
      const away = { lat: home.lat + between(1.5, 5) * (random() < 0.5 ? -1 : 1), lon: home.lon + between(1.5, 5), offset: home.offset };
      const truth = `weekend-${++events}`;
      for (let d = 0; d < 2 + Math.floor(random() * 2); d++) session(midnight + d * DAY + between(9, 12) * HOUR, between(3, 8), 3 + Math.floor(random() * 8), away, 10, truth);
      day += 4 * DAY;
      continue;
    }
    if (r < 0.14) {
      // A day outing 60–150 km away.
      const away = { lat: home.lat + between(0.6, 1.3), lon: home.lon - between(0.2, 1), offset: home.offset };
      session(midnight + between(10, 13) * HOUR, between(2, 6), 3 + Math.floor(random() * 8), away, 3, `outing-${++events}`);
    } else if (r < 0.19) {
      // A party at home that may run past midnight, maybe after a morning moment.
      if (random() < 0.4) session(midnight + between(8, 10) * HOUR, 0.3, 1 + Math.floor(random() * 2), home, 2, `moment-${++events}`);
      session(midnight + between(18, 21) * HOUR, between(2, 5), 5 + Math.floor(random() * 15), home, 1, `party-${++events}`);
    } else if (r < 0.5) {
      // An everyday moment or two at home.
      session(midnight + between(8, 20) * HOUR, between(0, 0.3), 1 + Math.floor(random() * 2), home, 8, `moment-${++events}`);
    }
    day += DAY;
  }
  return photos;
}
