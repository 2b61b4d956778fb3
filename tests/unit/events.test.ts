import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGazetteer } from '../../src/pipeline/geo/build';
import { loadGazetteer, type Gazetteer } from '../../src/pipeline/geo/gazetteer';
import { chronological, segmentLibrary, type EventPhoto, type LibraryEvent } from '../../src/pipeline/events/segment';
import { fixedGapStarts, photoTocStarts } from '../../src/pipeline/events/baselines';
import { boundaryScores, evaluateEvents, labelStarts, matchBoundaries, type EventsEvaluation } from '../../src/pipeline/eval/events';
import { syntheticLife, type LifeOptions } from '../../src/pipeline/events/synthetic';
import { CORPUS } from '../corpus';

let gazetteer: Gazetteer;
beforeAll(() => {
  const bytes = buildGazetteer();
  gazetteer = loadGazetteer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
});

const BERLIN = { lat: 52.52, lon: 13.405 };
const DAY = 86_400_000;

/** A photo at a wall-clock time with its offset ("+01:00"), or none. */
const shot = (id: string, local: string, offset: string | null, gps: { lat: number; lon: number } | null): EventPhoto => ({ id, takenAt: offset ? `${local}${offset}` : local, gps });

/** One everyday photo a week at noon, from a date on (a Monday here), somewhere: the life a home is inferred from. */
function weekly(prefix: string, from: string, weeks: number, at: { lat: number; lon: number }, offset: string): EventPhoto[] {
  return Array.from({ length: weeks }, (_, w) => shot(`${prefix}${String(w).padStart(3, '0')}`, new Date(Date.parse(`${from}T12:00:00Z`) + w * 7 * DAY).toISOString().slice(0, 19), offset, at));
}

const eventOf = (events: readonly LibraryEvent[], id: string): LibraryEvent => events.find((event) => event.photoIds.includes(id))!;

describe('time order', () => {
  it('lends a zone to a shot without one from its neighbour on the same clock', () => {
    const photos: EventPhoto[] = [
      shot('b', '2008-05-08T09:54:34', null, null),
      shot('a', '2008-05-08T09:54:28', null, { lat: 36.46, lon: -116.87 }),
      shot('c', '2008-05-08T12:00:00', '+00:00', null),
    ];
    // 09:54 in California is 16:54 UTC: after the 12:00 UTC photo.
    expect(chronological(photos).map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });

  it("dates a photo with no clue at all in home's zone", () => {
    const auckland = { lat: -36.85, lon: 174.76 };
    const photos = [...weekly('h', '2024-01-01', 10, auckland, '+13:00'), shot('x', '2024-02-20T20:00:00', null, null), shot('y', '2024-02-20T07:30:00', 'Z', null)];
    // 20:00 in Auckland's summer is 07:00 UTC, before y (whose clock is too far off to lend x its zone).
    const order = chronological(photos).map((p) => p.id);
    expect(order.indexOf('x')).toBeLessThan(order.indexOf('y'));
  });
});

describe('segmentation', () => {
  const home = weekly('h', '2024-01-01', 30, BERLIN, '+01:00');

  it('keeps a party that runs past midnight in one event', () => {
    const party = ['20:05', '20:40', '21:30', '22:15', '23:40', '00:20', '01:10'].map((time, i) => shot(`p${i}`, `${i < 5 ? '2024-03-09' : '2024-03-10'}T${time}:00`, '+01:00', BERLIN));
    const { events } = segmentLibrary([...home, ...party], gazetteer);
    expect(eventOf(events, 'p0')).toMatchObject({ kind: 'event', photoIds: party.map((p) => p.id) });
  });

  it('makes days away one trip with its days as chapters, named after its town', () => {
    const rome = { lat: 41.9, lon: 12.49 };
    const trip = ['2024-04-11', '2024-04-12', '2024-04-13'].flatMap((date, d) => ['10:00', '15:30', '21:00'].map((time, i) => shot(`r${d}${i}`, `${date}T${time}:00`, '+02:00', rome)));
    const { events } = segmentLibrary([...home, ...trip], gazetteer);
    const found = eventOf(events, 'r00');
    expect(found).toMatchObject({ kind: 'trip', photoIds: trip.map((p) => p.id) });
    expect(found.days.map((day) => day.date)).toEqual(['2024-04-11', '2024-04-12', '2024-04-13']);
    expect(found.place?.label).toBe('Rome, Italy');
  });

  it('keeps day outings on two days in two directions apart, and joins the stops of one day', () => {
    const leipzig = { lat: 51.34, lon: 12.37 };
    const szczecin = { lat: 53.43, lon: 14.55 };
    const saturday = ['10:30', '11:10', '15:40', '16:20'].map((time, i) => shot(`l${i}`, `2024-05-04T${time}:00`, '+02:00', i < 2 ? leipzig : { lat: 51.25, lon: 12.6 }));
    const sunday = ['11:00', '12:30', '14:00'].map((time, i) => shot(`s${i}`, `2024-05-05T${time}:00`, '+02:00', szczecin));
    const { events } = segmentLibrary([...home, ...saturday, ...sunday], gazetteer);
    expect(eventOf(events, 'l0')).toMatchObject({ kind: 'event', photoIds: saturday.map((p) => p.id) });
    expect(eventOf(events, 's0')).toMatchObject({ kind: 'event', photoIds: sunday.map((p) => p.id) });
  });

  it('finds a trip without positions by its clock in another zone', () => {
    const trip = ['2024-06-11', '2024-06-12', '2024-06-13'].flatMap((date, d) => ['09:00', '14:00'].map((time, i) => shot(`j${d}${i}`, `${date}T${time}:00`, '+09:00', null)));
    const { events } = segmentLibrary([...home, ...trip], gazetteer);
    expect(eventOf(events, 'j00')).toMatchObject({ kind: 'trip', photoIds: trip.map((p) => p.id) });
  });

  it('moves home with the person: life in the new town is no trip', () => {
    const lisbon = { lat: 38.72, lon: -9.14 };
    const life = [...weekly('b', '2022-01-03', 40, BERLIN, '+01:00'), ...weekly('l', '2022-10-17', 40, lisbon, '+00:00')];
    const { events, home: now } = segmentLibrary(life, gazetteer);
    expect(events.filter((event) => event.kind === 'trip')).toEqual([]);
    expect(now?.label).toBe('Lisbon, Portugal');
  });

  it('does not take a holiday for home when it is all there is of a year', () => {
    const rome = { lat: 41.9, lon: 12.49 };
    const holiday = ['2019-08-01', '2019-08-02', '2019-08-03'].map((date, d) => shot(`r${d}`, `${date}T11:00:00`, '+02:00', rome));
    const { events } = segmentLibrary([...holiday, ...home], gazetteer);
    expect(eventOf(events, 'r0')).toMatchObject({ kind: 'trip', photoIds: holiday.map((p) => p.id) });
  });

  it('gives events ids from their first photo, the same whatever order the photos come in', () => {
    const life = syntheticLife(14, { years: 1 });
    const once = segmentLibrary(life, null).events;
    const again = segmentLibrary([...life].reverse(), null).events;
    expect(again.map((e) => [e.id, e.photoIds.length, e.kind])).toEqual(once.map((e) => [e.id, e.photoIds.length, e.kind]));
    expect(once[0]!.id).toBe(`e-${once[0]!.photoIds[0]!.slice(0, 12)}`);
    expect(new Set(once.map((event) => event.id)).size).toBe(once.length);
  });
});

describe('boundary scoring', () => {
  it('matches one to one, exactly first, then within one photo', () => {
    expect(boundaryScores([3, 5, 9], [3, 4, 10, 20])).toMatchObject({ matched: 3, precision: 1, recall: 0.75 });
    expect(boundaryScores([4], [3, 5]).matched).toBe(1);
    expect(matchBoundaries([4, 12], [3, 5])).toEqual({ matched: 1, missed: [5], extra: [12] });
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

/** Our events and both baselines on a synthetic life, scored against its truth. */
function scoreLife(seed: number, options: LifeOptions): EventsEvaluation {
  const life = syntheticLife(seed, options);
  const { events } = segmentLibrary(life, gazetteer);
  const ids = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event.id] as const)));
  expect(ids.size).toBe(life.length);
  return evaluateEvents(life.map((p) => ({ ...p, path: p.id, eventId: ids.get(p.id) ?? null, truthEvent: p.truth })));
}

const margin = (result: EventsEvaluation): number => result.ours.f1 - Math.max(result.fixedGap8h.f1, result.photoToc.f1);

describe('events of synthetic lives (homes on every continent, zones, moves, missing GPS and offsets)', () => {
  // A phone library like the shared corpus: events with positions and offsets, few everyday photos.
  it.each([1, 2, 3, 4, 5])('phone library %i: boundary F1 ≥ 0.9 and ≥ 0.1 above both baselines', (seed) => {
    const result = scoreLife(seed, { phonesOnly: true, everyday: 0.07 });
    expect(result.ours.f1).toBeGreaterThanOrEqual(0.9);
    expect(margin(result)).toBeGreaterThanOrEqual(0.1);
  });

  // Cameras without GPS or offsets and everyday photos at any rate: trips shot without either
  // cannot be told from days at home, and everyday photos are boundaries any method finds, so the
  // goal holds on average and ours stays above both baselines.
  it('mixed devices and habits: mean boundary F1 ≥ 0.9 over eight lives, above both baselines on each', () => {
    const results = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => scoreLife(seed, {}));
    expect(results.reduce((sum, result) => sum + result.ours.f1, 0) / results.length).toBeGreaterThanOrEqual(0.9);
    for (const result of results) {
      expect(result.ours.f1).toBeGreaterThanOrEqual(0.8);
      expect(margin(result)).toBeGreaterThan(0);
    }
  });
});

const corpusManifest = join(CORPUS, 'manifest.json');

describe.runIf(existsSync(corpusManifest))('events of the shared corpus', () => {
  it('finds the trips and events, above the goal and well above both baselines', () => {
    // Capture times and positions as the app imported them (a report of the corpus).
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/corpus-times.json'), 'utf8')) as { photos: Array<EventPhoto & { path: string; takenAtSource: string }> };
    const manifest = JSON.parse(readFileSync(corpusManifest, 'utf8')) as { files: Array<{ sha256: string; capture: unknown; event_id: string | null }> };
    const truth = new Map(manifest.files.filter((f) => f.capture).map((f) => [f.sha256, f.event_id]));
    const dated = fixture.photos.filter((p) => p.takenAt && (p.takenAtSource === 'exif' || p.takenAtSource === 'filename'));
    const { events, home } = segmentLibrary(dated, gazetteer);
    expect(home?.label).toBe('Manchester, England');
    const ids = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event.id] as const)));
    const result = evaluateEvents(dated.filter((p) => truth.has(p.id)).map((p) => ({ ...p, eventId: ids.get(p.id) ?? null, truthEvent: truth.get(p.id) ?? null })));
    expect(result.ours.f1).toBeGreaterThanOrEqual(0.9);
    expect(margin(result)).toBeGreaterThanOrEqual(0.1);
    const trips = events.filter((event) => event.kind === 'trip');
    expect(trips.map((trip) => [trip.place?.label, trip.days.length])).toEqual([
      ['Lisbon, Portugal', 4], [expect.stringMatching(/England$/), 2], ['Leuven, Belgium', 3], ['Japan', 6],
    ]);
  });
});
