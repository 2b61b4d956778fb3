import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGazetteer } from '../../src/pipeline/geo/build';
import { Gazetteer, countryName, distanceKm } from '../../src/pipeline/geo/gazetteer';
import { placeAt, placeOfMany, type Place } from '../../src/pipeline/geo/places';
import { offsetMinutesAt } from '../../src/pipeline/geo/timezone';
import { chronological, segmentLibrary, type EventPhoto } from '../../src/pipeline/events/segment';
import { fixedGapStarts, photoTocStarts } from '../../src/pipeline/events/baselines';
import { boundaryScores, evaluateEvents, labelStarts } from '../../src/pipeline/eval/events';
import { syntheticLife } from '../../src/pipeline/events/synthetic';
import { CORPUS } from '../corpus';

let gazetteer: Gazetteer;
beforeAll(() => {
  const bytes = buildGazetteer();
  gazetteer = new Gazetteer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
});

const label = (lat: number, lon: number): string | undefined => placeAt(gazetteer, lat, lon)?.label;

describe('the offline gazetteer', () => {
  it('holds every town of the package, under a few megabytes', () => {
    expect(gazetteer.size).toBeGreaterThan(100_000);
    expect(buildGazetteer().length).toBeLessThan(5 * 2 ** 20);
  });

  it('names the city a neighbourhood belongs to, and a separate town by its own name', () => {
    expect(label(38.7139, -9.1334)).toBe('Lisbon, Portugal'); // Alfama
    expect(label(38.6916, -9.216)).toBe('Lisbon, Portugal'); // Belém, 7 km out
    expect(label(53.464, -2.291)).toBe('Manchester, England'); // Chorlton
    expect(label(35.017, 135.676)).toBe('Kyoto, Japan'); // Arashiyama
    expect(label(35.6595, 139.7005)).toBe('Tokyo, Japan'); // Shibuya
    expect(label(38.7976, -9.3907)).toBe('Sintra, Portugal');
    expect(label(50.8798, 4.7005)).toBe('Leuven, Belgium');
  });

  it('falls back to the country far from any town, and to nothing in the open ocean', () => {
    expect(label(36.46, -116.87)).toBe('United States'); // Death Valley
    expect(placeAt(gazetteer, -40, -120)).toBeNull();
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
});

describe('time zones at a position', () => {
  it('gives the offset in force at that date, summer time included', () => {
    expect(offsetMinutesAt(38.72, -9.14, Date.UTC(2023, 6, 1, 12))).toBe(60);
    expect(offsetMinutesAt(38.72, -9.14, Date.UTC(2023, 0, 1, 12))).toBe(0);
    expect(offsetMinutesAt(36.46, -116.87, Date.UTC(2008, 4, 8, 9))).toBe(-420);
    expect(offsetMinutesAt(35.68, 139.69, Date.UTC(2024, 9, 8, 16))).toBe(540);
  });

  it('orders photos by true time, lending a zone to a shot without one from its neighbour', () => {
    const photos: EventPhoto[] = [
      { id: 'b', takenAt: '2008-05-08T09:54:34', gps: null },
      { id: 'a', takenAt: '2008-05-08T09:54:28', gps: { lat: 36.46, lon: -116.87 } },
      { id: 'c', takenAt: '2008-05-08T12:00:00+00:00', gps: null },
    ];
    // 09:54 in California is 16:54 UTC: after the 12:00 UTC photo.
    expect(chronological(photos).map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('boundary scoring', () => {
  it('matches one to one, exactly first, then within one photo', () => {
    expect(boundaryScores([3, 5, 9], [3, 4, 10, 20])).toMatchObject({ matched: 3, precision: 1, recall: 0.75 });
    expect(boundaryScores([4], [3, 5]).matched).toBe(1);
    expect(labelStarts(['a', 'a', null, null, 'b'])).toEqual([2, 3, 4]);
  });

  it('implements both baselines as published', () => {
    const hour = 3_600_000;
    expect(fixedGapStarts([0, hour, 10 * hour, 11 * hour])).toEqual([2]);
    // Twenty-one photos a minute apart, then one a day later: only the long gap stands out.
    const times = [...Array.from({ length: 21 }, (_, i) => i * 60_000), 21 * 60_000 + 24 * hour];
    expect(photoTocStarts(times)).toEqual([21]);
  });
});

const corpusManifest = join(CORPUS, 'manifest.json');

describe.runIf(existsSync(corpusManifest))('events of the shared corpus', () => {
  it('finds the trips and events, above the goal and well above both baselines', () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/corpus-times.json'), 'utf8')) as { photos: Array<EventPhoto & { path: string; takenAtSource: string }> };
    const manifest = JSON.parse(readFileSync(corpusManifest, 'utf8')) as { files: Array<{ sha256: string; capture: unknown; event_id: string | null }> };
    const truth = new Map(manifest.files.filter((f) => f.capture).map((f) => [f.sha256, f.event_id]));
    const dated = fixture.photos.filter((p) => p.takenAt && (p.takenAtSource === 'exif' || p.takenAtSource === 'filename'));
    const { events, home } = segmentLibrary(dated, gazetteer);
    expect(home?.label).toBe('Manchester, England');
    const eventOf = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event] as const)));
    const result = evaluateEvents(dated.filter((p) => truth.has(p.id)).map((p) => ({ ...p, eventId: eventOf.get(p.id)?.id ?? null, truthEvent: truth.get(p.id) ?? null })));
    expect(result.ours.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.ours.f1 - Math.max(result.fixedGap8h.f1, result.photoToc.f1)).toBeGreaterThanOrEqual(0.1);
    const trips = events.filter((event) => event.kind === 'trip');
    expect(trips.map((trip) => [trip.place?.label, trip.days.length])).toEqual([
      ['Lisbon, Portugal', 4], [expect.stringMatching(/England$/), 2], ['Leuven, Belgium', 3], ['Japan', 6],
    ]);
  });
});

describe('events of synthetic lives (unseen places, zones, missing GPS and offsets)', () => {
  it.each([11, 12, 13])('seed %i: boundary F1 ≥ 0.9 and ≥ 0.1 above both baselines', (seed) => {
    const life = syntheticLife(seed);
    const { events } = segmentLibrary(life, gazetteer);
    const eventOf = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event.id] as const)));
    expect(eventOf.size).toBe(life.length);
    const result = evaluateEvents(life.map((p) => ({ ...p, path: p.id, eventId: eventOf.get(p.id) ?? null, truthEvent: p.truth })));
    expect(result.ours.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.ours.f1 - Math.max(result.fixedGap8h.f1, result.photoToc.f1)).toBeGreaterThanOrEqual(0.1);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('gives the same events and ids whatever order the photos come in', () => {
    const life = syntheticLife(14, 1);
    const once = segmentLibrary(life, null).events;
    const again = segmentLibrary([...life].reverse(), null).events;
    expect(again.map((e) => [e.id, e.photoIds.length, e.kind])).toEqual(once.map((e) => [e.id, e.photoIds.length, e.kind]));
  });
});
