/**
 * A synthetic photo life with its true events, for tests and the benchmark. Written to be unlike
 * the shared corpus, so that passing it says something about libraries nobody here has seen: homes
 * on every continent (and a move to another city), real time zones with their summer time, sparse
 * and heavy photographers, everyday moments, errands, parties past midnight, day outings with
 * several stops, weekends away, long trips abroad across cities and zones with days off, bursts,
 * cameras without GPS and without offsets. Seeded and deterministic.
 *
 * Truth ids start with the kind of the event: "moment-", "party-", "outing-", "weekend-", "trip-".
 */
import { mulberry32 } from '../random';
import { zoneOffsetMinutes } from '../geo/timezone';
import type { EventPhoto } from './segment';

export interface SyntheticPhoto extends EventPhoto {
  truth: string;
}

interface Town {
  lat: number;
  lon: number;
  zone: string;
}

const town = (lat: number, lon: number, zone: string): Town => ({ lat, lon, zone });

const HOMES: Town[] = [
  town(52.52, 13.405, 'Europe/Berlin'),
  town(41.39, 2.17, 'Europe/Madrid'),
  town(40.71, -74.0, 'America/New_York'),
  town(-33.87, 151.21, 'Australia/Sydney'),
  town(34.05, -118.24, 'America/Los_Angeles'),
  town(19.08, 72.88, 'Asia/Kolkata'),
  town(-36.85, 174.76, 'Pacific/Auckland'),
  town(-23.55, -46.63, 'America/Sao_Paulo'),
  town(55.95, -3.19, 'Europe/London'),
  town(-33.92, 18.42, 'Africa/Johannesburg'),
];
const ABROAD: Town[] = [
  town(48.857, 2.352, 'Europe/Paris'),
  town(45.44, 12.33, 'Europe/Rome'),
  town(43.77, 11.25, 'Europe/Rome'),
  town(37.98, 23.73, 'Europe/Athens'),
  town(34.69, 135.5, 'Asia/Tokyo'),
  town(13.75, 100.5, 'Asia/Bangkok'),
  town(-22.91, -43.17, 'America/Sao_Paulo'),
  town(64.15, -21.94, 'Atlantic/Reykjavik'),
  town(19.43, -99.13, 'America/Mexico_City'),
  town(30.04, 31.24, 'Africa/Cairo'),
  town(1.29, 103.85, 'Asia/Singapore'),
  town(49.28, -123.12, 'America/Vancouver'),
  town(-41.29, 174.78, 'Pacific/Auckland'),
  town(38.72, -9.14, 'Europe/Lisbon'),
];


const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const KM_PER_DEGREE = 111.2;

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');

function takenAt(utcMs: number, zone: string, withOffset: boolean): string {
  const offset = zoneOffsetMinutes(zone, utcMs);
  const local = new Date(utcMs + offset * MIN).toISOString().slice(0, 19);
  return withOffset ? `${local}${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}` : local;
}

/** The point `km` from a town in direction `bearing` (radians), in the same zone. */
function offsetBy(from: Town, km: number, bearing: number): Town {
  const lat = from.lat + (km * Math.cos(bearing)) / KM_PER_DEGREE;
  const lon = from.lon + (km * Math.sin(bearing)) / (KM_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180));
  return { lat, lon, zone: from.zone };
}

/** UTC instant of a local wall-clock hour on the local calendar day that holds `utcDay`. */
const localHour = (utcDay: number, place: Town, hour: number): number => utcDay + hour * HOUR - zoneOffsetMinutes(place.zone, utcDay) * MIN;

export interface LifeOptions {
  years?: number;
  /** Everyday moments a day, on average (drawn per seed when not given: from one a fortnight to several a day); outings, parties, weekends and trips come as often whatever it is. */
  everyday?: number;
  /** Only phones: every event's device records positions and offsets (otherwise a drawn share of events is shot with cameras that record neither or one). */
  phonesOnly?: boolean;
}

export function syntheticLife(seed: number, { years = 2, everyday, phonesOnly = false }: LifeOptions = {}): SyntheticPhoto[] {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const count = (lo: number, hi: number): number => Math.floor(between(lo, hi + 1));
  // How this person takes photos: how often, and with which devices.
  const moments = everyday ?? pick([0.07, 0.2, 0.45, 1.2]);
  const gpsShare = phonesOnly ? 1 : between(0.5, 0.95);
  const offsetShare = phonesOnly ? 1 : between(0.3, 0.95);
  let home = pick(HOMES);
  const photos: SyntheticPhoto[] = [];
  let events = 0;

  /** One event's photos: a device (GPS or not, offset or not) for the whole event, as a camera would be. */
  const shooter = (kind: string) => {
    const truth = `${kind}-${++events}`;
    const hasGps = random() < gpsShare;
    const hasOffset = random() < offsetShare;
    const shoot = (utcMs: number, place: Town, spreadKm: number): void => {
      const spot = offsetBy(place, between(0, spreadKm), between(0, 2 * Math.PI));
      const gps = hasGps && random() < 0.9 ? { lat: spot.lat, lon: spot.lon } : null;
      photos.push({ id: `s${seed}-${photos.length}`, takenAt: takenAt(utcMs, place.zone, hasOffset), gps, truth });
      // Bursts: a few shots seconds apart.
      if (random() < 0.1) for (let k = count(1, 4); k > 0; k--) photos.push({ ...photos.at(-1)!, id: `s${seed}-${photos.length}`, takenAt: takenAt(utcMs + k * between(1, 3) * 1000, place.zone, hasOffset) });
    };
    /** `n` photos spread over `hours` from `start`, at random moments. */
    const session = (start: number, hours: number, n: number, place: Town, spreadKm: number): void => {
      const times = Array.from({ length: n }, (_, k) => start + (k === 0 ? 0 : random() * hours * HOUR)).sort((a, b) => a - b);
      for (const at of times) shoot(at, place, spreadKm);
    };
    return { shoot, session };
  };

  const metro = (): Town => offsetBy(home, between(0, 12), between(0, 2 * Math.PI));

  /** A long trip abroad: one to three cities, two to five days each, some days without photos; returns the day after. */
  const trip = (day: number): number => {
    const { session } = shooter('trip');
    const far = ABROAD.filter((city) => Math.abs(city.lat - home.lat) + Math.abs(city.lon - home.lon) > 4);
    let t = day;
    for (let stop = count(1, 3); stop > 0; stop--) {
      const city = pick(far);
      // A day of travel between cities, mostly without photos.
      if (t > day) t += DAY;
      for (let d = count(2, 5); d > 0; d--, t += DAY) {
        if (random() < 0.15) continue;
        session(localHour(t, city, between(8, 11)), between(2, 5), count(2, 8), city, 10);
        if (random() < 0.6) session(localHour(t, city, between(15, 19)), between(1, 4), count(1, 6), city, 10);
      }
    }
    return t + DAY;
  };

  /** A weekend away, 80–400 km from home in the same zone, two or three days. */
  const weekend = (day: number): number => {
    const { session } = shooter('weekend');
    const place = offsetBy(home, between(80, 400), between(0, 2 * Math.PI));
    const days = count(2, 3);
    for (let d = 0; d < days; d++) session(localHour(day + d * DAY, place, between(9, 13)), between(2, 8), count(2, 10), place, 12);
    return day + days * DAY;
  };

  /** A day out, 25–150 km from home, at one to three stops up to 15 km apart. */
  const outing = (day: number): void => {
    const { session } = shooter('outing');
    let place = offsetBy(home, between(25, 150), between(0, 2 * Math.PI));
    let t = localHour(day, place, between(9, 13));
    for (let stop = count(1, 3); stop > 0; stop--) {
      const hours = between(0.5, 2.5);
      session(t, hours, count(2, 6), place, 1);
      t += (hours + between(0.3, 1.2)) * HOUR;
      place = offsetBy(place, between(2, 15), between(0, 2 * Math.PI));
    }
  };

  /** A party in town that may run past midnight. */
  const party = (day: number): void => {
    const { session } = shooter('party');
    session(localHour(day, home, between(17, 21)), between(2, 6), count(5, 25), metro(), 0.2);
  };

  /** An everyday moment: a photo or three within minutes, at home or in town. */
  const moment = (day: number, hour: number): void => {
    const { session } = shooter('moment');
    session(localHour(day, home, hour), between(0, 0.3), count(1, 3), metro(), 0.5);
  };

  let day = Date.UTC(2005 + count(0, 15), count(0, 11), count(1, 28));
  const end = day + years * 365 * DAY;
  let moveHouseAt = random() < 0.3 ? day + between(0.3, 0.7) * (end - day) : Infinity;
  while (day < end) {
    if (day >= moveHouseAt) [home, day, moveHouseAt] = [pick(HOMES.filter((other) => other !== home)), day + 10 * DAY, Infinity];
    const r = random();
    if (r < 0.012) day = trip(day);
    else if (r < 0.03) day = weekend(day);
    else {
      // Everyday moments, morning and evening, as often as this person takes photos, but not
      // during an outing (all day) or a party (the evening).
      const out = r < 0.06;
      const partying = !out && r < 0.09;
      if (out) outing(day);
      else if (random() < 0.55 * moments) moment(day, between(7, 12));
      if (partying) party(day);
      else if (!out && random() < 0.45 * moments) moment(day, between(17, 23));
      day += DAY;
    }
  }
  return photos;
}
