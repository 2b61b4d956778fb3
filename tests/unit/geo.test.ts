import { beforeAll, describe, expect, it } from 'vitest';
import { buildGazetteer } from '../../src/pipeline/geo/build';
import { Gazetteer, countryName, distanceKm, loadGazetteer } from '../../src/pipeline/geo/gazetteer';
import { placeAt, placeOfMany, type Place } from '../../src/pipeline/geo/places';
import { offsetMinutesAt } from '../../src/pipeline/geo/timezone';

let bytes: Uint8Array;
let gazetteer: Gazetteer;
beforeAll(() => {
  bytes = buildGazetteer();
  gazetteer = loadGazetteer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
});

const label = (lat: number, lon: number): string | undefined => placeAt(gazetteer, lat, lon)?.label;

describe('the offline gazetteer', () => {
  it('holds every town of the package, under a few megabytes', () => {
    expect(gazetteer.size).toBeGreaterThan(100_000);
    expect(bytes.length).toBeLessThan(5 * 2 ** 20);
  });

  it('refuses bytes that are not a gazetteer', () => {
    expect(() => loadGazetteer(new ArrayBuffer(64))).toThrow(/not a Keepsake gazetteer/);
  });

  it('names the city a neighbourhood belongs to, and a separate town by its own name', () => {
    expect(label(38.7139, -9.1334)).toBe('Lisbon, Portugal'); // Alfama
    expect(label(38.6916, -9.216)).toBe('Lisbon, Portugal'); // Belém, 7 km out
    expect(label(53.464, -2.291)).toBe('Manchester, England'); // Chorlton
    expect(label(35.017, 135.676)).toBe('Kyoto, Japan'); // Arashiyama
    expect(label(35.6595, 139.7005)).toBe('Tokyo, Japan'); // Shibuya
    expect(label(40.6782, -73.9442)).toBe('New York City, United States'); // Brooklyn
    expect(label(38.7976, -9.3907)).toBe('Sintra, Portugal');
    expect(label(50.8798, 4.7005)).toBe('Leuven, Belgium');
  });

  it('keeps the name of a city in its own right beside a bigger one', () => {
    expect(label(52.3906, 13.0645)).toBe('Potsdam, Germany'); // not Berlin
    expect(label(34.6851, 135.8048)).toBe('Nara, Japan'); // not Osaka, and not "Nara-shi"
    expect(label(33.7701, -118.1937)).toBe('Long Beach, United States'); // not Los Angeles
  });

  it('falls back to the country far from any town, and to nothing in the open ocean', () => {
    expect(label(36.46, -116.87)).toBe('United States'); // Death Valley
    expect(placeAt(gazetteer, -40, -120)).toBeNull();
  });

  it('finds towns across the date line', () => {
    expect(label(-8.52, -179.9)).toBe('Tuvalu'); // Funafuti is at +179.2°
  });

  it('measures distances on the sphere', () => {
    expect(distanceKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(344, -1);
  });

  it('names countries in English through Intl', () => {
    expect(countryName('PT')).toBe('Portugal');
    expect(countryName('GB')).toBe('United Kingdom');
  });
});

describe('naming an event from its photos', () => {
  const at = (city: string | null, admin1: string, countryCode: string, country: string): Place => ({ city, admin1, countryCode, country, label: city ? `${city}, ${country}` : country });
  const lisbon = at('Lisbon', 'Lisbon', 'PT', 'Portugal');

  it('names one dominant town, a pair of towns, a region, a country or countries', () => {
    expect(placeOfMany([lisbon, lisbon, lisbon, at('Cascais', 'Lisbon', 'PT', 'Portugal')])?.label).toBe('Lisbon, Portugal');
    expect(placeOfMany([at('Leuven', 'Flanders', 'BE', 'Belgium'), at('Brussels', 'Brussels', 'BE', 'Belgium')])?.label).toBe('Leuven and Brussels, Belgium');
    const scots = ['Edinburgh', 'Glasgow', 'Inverness'].map((city) => at(city, 'Scotland', 'GB', 'United Kingdom'));
    expect(placeOfMany(scots)?.label).toBe('Scotland');
    const japan = [at('Tokyo', 'Tokyo', 'JP', 'Japan'), at('Kyoto', 'Kyoto', 'JP', 'Japan'), at('Fujikawaguchiko', 'Yamanashi', 'JP', 'Japan')];
    expect(placeOfMany(japan)?.label).toBe('Japan');
    expect(placeOfMany([lisbon, at('Madrid', 'Madrid', 'ES', 'Spain')])?.label).toBe('Portugal and Spain');
    expect(placeOfMany([])).toBeNull();
  });

  it('keeps the structured place, with the country code, for other languages later', () => {
    const place = placeAt(gazetteer, 38.7139, -9.1334);
    expect(place).toMatchObject({ city: 'Lisbon', countryCode: 'PT', country: 'Portugal' });
    expect(place?.admin1).toBeTruthy();
  });
});

describe('time zones at a position', () => {
  it('gives the offset in force at that date, summer time included', () => {
    expect(offsetMinutesAt(38.72, -9.14, Date.UTC(2023, 6, 1, 12))).toBe(60);
    expect(offsetMinutesAt(38.72, -9.14, Date.UTC(2023, 0, 1, 12))).toBe(0);
    expect(offsetMinutesAt(36.46, -116.87, Date.UTC(2008, 4, 8, 9))).toBe(-420);
    expect(offsetMinutesAt(35.68, 139.69, Date.UTC(2024, 9, 8, 16))).toBe(540);
    expect(offsetMinutesAt(-36.85, 174.76, Date.UTC(2024, 0, 10, 12))).toBe(780); // Auckland's summer
    expect(offsetMinutesAt(19.08, 72.88, Date.UTC(2024, 0, 10, 12))).toBe(330); // half-hour zone
  });
});
