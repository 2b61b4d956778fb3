import { describe, expect, it } from 'vitest';
import { IdList } from '../../src/pipeline/library/id-map';
import { AnalysisSummaryMap, countryKey, filterLibrary, indexDates, indexPlaces, placeKey, positionsIn, positionsOfSet, type AnalysisSummary, type FilterSources, type LibraryFilters, type PositionLookup } from '../../src/pipeline/library/filters';
import { sortNewestFirst, type TimelinePhoto } from '../../src/pipeline/library/timeline';

const at = (iso: string, id: string): TimelinePhoto => ({ id, t: Date.parse(`${iso}Z`) });

const photos = sortNewestFirst([
  at('2024-01-01T00:00:00', 'new-year'),
  at('2023-12-31T23:59:59.999', 'eve'),
  at('2023-12-24T18:00:00', 'xmas'),
  at('2023-07-14T10:00:00', 'lisbon-1'),
  at('2023-07-15T11:00:00', 'lisbon-2'),
  at('2023-07-16T12:00:00', 'porto'),
  at('2023-02-01T08:00:00', 'feb'),
  at('2019-05-05T05:05:05', 'old'),
]);

const place = (label: string, countryCode: string, country: string) => ({ label, countryCode, country });
const events = [
  { photoIds: ['lisbon-1', 'lisbon-2'], place: place('Lisbon, Portugal', 'PT', 'Portugal') },
  { photoIds: ['porto'], place: place('Porto, Portugal', 'PT', 'Portugal') },
  { photoIds: ['xmas', 'eve', 'new-year'], place: place('Leuven, Belgium', 'BE', 'Belgium') },
  { photoIds: ['lisbon-2'], place: place('Lisbon, Portugal', 'PT', 'Portugal') },
  { photoIds: ['feb'], place: null },
];

const none: LibraryFilters = { kind: 'all', people: [], place: null, date: null };

function sources(overrides: Partial<{ analyses: Map<string, AnalysisSummary>; grouped: Set<string>; people: Map<string, string[]> }> = {}): FilterSources {
  return {
    analyses: () => overrides.analyses ?? new Map(),
    grouped: () => overrides.grouped ?? new Set(),
    photosOf: (id) => new Set([...(overrides.people ?? new Map<string, string[]>())].filter(([, inPhoto]) => inPhoto.includes(id)).map(([photo]) => photo)),
    places: () => indexPlaces(events),
  };
}

describe('indexPlaces', () => {
  const index = indexPlaces(events);

  it('groups the places events are named after by country, the country with the most photos first (then by name)', () => {
    expect(index.countries.map((c) => [c.key, c.label, c.count])).toEqual([[countryKey('BE'), 'Belgium', 3], [countryKey('PT'), 'Portugal', 3]]);
    expect(indexPlaces([...events, { photoIds: ['old'], place: place('Faro, Portugal', 'PT', 'Portugal') }]).countries[0]!.label).toBe('Portugal');
    const portugal = index.countries.find((c) => c.countryCode === 'PT')!;
    expect(portugal.places.map((p) => [p.label, p.count])).toEqual([['Lisbon, Portugal', 2], ['Porto, Portugal', 1]]);
  });

  it('holds each place and country with its photos, each photo once', () => {
    expect([...index.photos.get(placeKey('Lisbon, Portugal'))!]).toEqual(['lisbon-1', 'lisbon-2']);
    expect([...index.photos.get(countryKey('PT'))!].sort()).toEqual(['lisbon-1', 'lisbon-2', 'porto']);
    expect(index.labels.get(countryKey('BE'))).toBe('Belgium');
    expect(index.photos.has(placeKey('feb'))).toBe(false);
  });
});

describe('indexDates and the date filter', () => {
  it('counts photos per year and month, newest first', () => {
    expect(indexDates(photos)).toEqual([
      { year: 2024, count: 1, months: [{ month: 1, count: 1 }] },
      { year: 2023, count: 6, months: [{ month: 12, count: 2 }, { month: 7, count: 3 }, { month: 2, count: 1 }] },
      { year: 2019, count: 1, months: [{ month: 5, count: 1 }] },
    ]);
    expect(indexDates([])).toEqual([]);
  });

  it('cuts a year or a month out of the timeline at its exact bounds', () => {
    expect(filterLibrary(photos, { ...none, date: { year: 2023, month: null } }, sources()).map((p) => p.id)).toEqual(['eve', 'xmas', 'porto', 'lisbon-2', 'lisbon-1', 'feb']);
    expect(filterLibrary(photos, { ...none, date: { year: 2024, month: null } }, sources()).map((p) => p.id)).toEqual(['new-year']);
    expect(filterLibrary(photos, { ...none, date: { year: 2023, month: 7 } }, sources()).map((p) => p.id)).toEqual(['porto', 'lisbon-2', 'lisbon-1']);
    expect(filterLibrary(photos, { ...none, date: { year: 2023, month: 12 } }, sources()).map((p) => p.id)).toEqual(['eve', 'xmas']);
    expect(filterLibrary(photos, { ...none, date: { year: 2020, month: null } }, sources())).toEqual([]);
    expect(filterLibrary(photos, { ...none, date: { year: 2030, month: 1 } }, sources())).toEqual([]);
  });
});

describe('filterLibrary', () => {
  it('gives the library itself back when nothing is filtered, so the grid keeps its layout', () => {
    expect(filterLibrary(photos, none, sources())).toBe(photos);
  });

  it('filters by kind, similar groups, people, place and date, together and in timeline order', () => {
    const analyses = new Map<string, AnalysisSummary>(photos.map((p) => [p.id, { kind: p.id === 'eve' ? 'screenshot' : 'photo', quality: 0.5, faces: p.id.startsWith('lisbon') ? 2 : 0 }]));
    const people = new Map([['lisbon-1', ['ana']], ['lisbon-2', ['ana', 'ben']], ['xmas', ['ben']]]);
    const all = sources({ analyses, grouped: new Set(['lisbon-1', 'porto']), people });
    const ids = (filters: Partial<LibraryFilters>): string[] => filterLibrary(photos, { ...none, ...filters }, all).map((p) => p.id);
    expect(ids({ kind: 'junk' })).toEqual(['eve']);
    expect(ids({ kind: 'photos', date: { year: 2023, month: 12 } })).toEqual(['xmas']);
    expect(ids({ kind: 'faces' })).toEqual(['lisbon-2', 'lisbon-1']);
    expect(ids({ kind: 'similar' })).toEqual(['porto', 'lisbon-1']);
    expect(ids({ people: ['ana'] })).toEqual(['lisbon-2', 'lisbon-1']);
    expect(ids({ people: ['ana', 'ben'] })).toEqual(['lisbon-2']);
    expect(ids({ place: countryKey('PT') })).toEqual(['porto', 'lisbon-2', 'lisbon-1']);
    expect(ids({ place: placeKey('Leuven, Belgium'), date: { year: 2024, month: null } })).toEqual(['new-year']);
    expect(ids({ place: countryKey('PT'), people: ['ben'] })).toEqual(['lisbon-2']);
    expect(ids({ place: placeKey('Nowhere') })).toEqual([]);
  });

  it('asks for an index only when a filter needs it', () => {
    const asked: string[] = [];
    const watching: FilterSources = {
      analyses: () => (asked.push('analyses'), new Map()),
      grouped: () => (asked.push('grouped'), new Set()),
      photosOf: () => (asked.push('people'), new Set()),
      places: () => (asked.push('places'), indexPlaces(events)),
    };
    filterLibrary(photos, { ...none, date: { year: 2023, month: null } }, watching);
    expect(asked).toEqual([]);
    filterLibrary(photos, { ...none, place: countryKey('BE') }, watching);
    expect(asked).toEqual(['places']);
  });
});

describe('filterLibrary with photo positions', () => {
  // 400 photos, a day apart, newest first; a person in every 7th, listed in no particular order.
  const many = sortNewestFirst(Array.from({ length: 400 }, (_, i) => ({ id: `p${i}`, t: Date.UTC(2020, 0, 1) + i * 86_400_000 })));
  const person = new Set(many.filter((_, i) => i % 7 === 3).map((p) => p.id).sort());
  const lookups: FilterSources = {
    analyses: () => new Map(many.map((p, i) => [p.id, { kind: i % 2 ? 'photo' : 'screenshot', quality: 0.5, faces: i % 3 }])),
    grouped: () => new Set(many.filter((_, i) => i % 11 === 0).map((p) => p.id).reverse()),
    photosOf: () => person,
    places: () => ({ countries: [], photos: new Map([['everywhere', new Set(many.map((p) => p.id))]]), labels: new Map() }),
  };
  const positions = positionsIn(many);

  it('knows each photo\'s position, from any copy of its id, and no position for another id', () => {
    expect(positions.size).toBe(many.length);
    many.forEach((photo, i) => expect(positions.get(JSON.parse(JSON.stringify(photo.id)) as string)).toBe(i));
    for (const id of ['p400', 'p-1', '', 'someone']) expect(positions.get(id)).toBeUndefined();
  });

  it('finds what a pass over every photo finds, in timeline order, for every kind of filter', () => {
    const filters: Array<Partial<LibraryFilters>> = [
      { people: ['someone'] },
      { people: ['someone'], kind: 'faces' },
      { kind: 'similar' },
      { kind: 'similar', date: { year: 2020, month: 6 } },
      { people: ['someone'], date: { year: 2020, month: null } },
      { place: 'everywhere', people: ['someone'] },
      { place: 'everywhere', kind: 'junk' },
    ];
    for (const filter of filters) {
      const scanned = filterLibrary(many, { ...none, ...filter }, lookups).map((p) => p.id);
      const looked = filterLibrary(many, { ...none, ...filter }, { ...lookups, positionOf: () => positions }).map((p) => p.id);
      expect(looked.length).toBeGreaterThan(0);
      expect(looked).toEqual(scanned);
    }
  });

  it('takes a person\'s photos as a list: looked up in only when another filter needs it, each photo once', () => {
    const listed = [...person, ...[...person].slice(0, 5)];
    const list = new IdList(listed);
    const fromList = { ...lookups, photosOf: () => list, positionOf: () => positions };
    const expected = many.filter((p) => person.has(p.id));
    expect(filterLibrary(many, { ...none, people: ['someone'] }, fromList)).toEqual(expected);
    // With a second person in fewer photos, theirs are walked and the list is looked up in.
    const alsoIn = new Set([...expected.slice(0, 10).map((p) => p.id), 'not in the library', many[0]!.id]);
    const pair = filterLibrary(many, { ...none, people: ['someone', 'someone else'] }, { ...fromList, photosOf: (id) => (id === 'someone' ? list : alsoIn) });
    expect(pair).toEqual(expected.slice(0, 10));
  });

  it('keeps a list\'s positions while the timeline\'s stand, and the filter uses them for any date range', () => {
    const list = new IdList([...person]);
    let looked = 0;
    const counted: PositionLookup = { size: positions.size, get: (id) => (looked++, positions.get(id)) };
    const kept = positionsOfSet(list, counted);
    expect([...kept]).toEqual(many.flatMap((p, i) => (person.has(p.id) ? [i] : [])));
    expect(looked).toBe(person.size);
    const fromList = { ...lookups, photosOf: () => list, positionOf: () => counted };
    const year = { year: 2020, month: null };
    expect(filterLibrary(many, { ...none, people: ['someone'], date: year }, fromList)).toEqual(filterLibrary(many, { ...none, people: ['someone'], date: year }, lookups));
    expect(filterLibrary(many, { ...none, people: ['someone'] }, fromList)).toHaveLength(person.size);
    expect(looked).toBe(person.size);
    // Another timeline's positions: looked up again.
    positionsOfSet(list, positionsIn(many.slice(1)));
    expect(list.positions?.of).not.toBe(counted);
  });

  it('looks up positions only for a set under a third of the photos, and only when they are of this list', () => {
    let asked = 0;
    const counting = { ...lookups, positionOf: () => (asked++, positions) };
    filterLibrary(many, { ...none, place: 'everywhere' }, counting);
    expect(asked).toBe(0);
    filterLibrary(many, { ...none, people: ['someone'] }, counting);
    expect(asked).toBe(1);
    // Positions of another list are not used: the answer is still right.
    const fewer = many.slice(1);
    expect(filterLibrary(fewer, { ...none, people: ['someone'] }, counting)).toEqual(fewer.filter((p) => person.has(p.id)));
  });
});

describe('AnalysisSummaryMap', () => {
  it('gives back each summary it was given: every kind, face counts, quality to 1/4095', () => {
    const given: Array<[string, AnalysisSummary]> = [
      ['a', { kind: 'photo', quality: 0.8312, faces: 3 }],
      ['b', { kind: 'screenshot', quality: 0, faces: 0 }],
      ['c', { kind: 'document', quality: 1, faces: 0 }],
      ['d', { kind: 'receipt', quality: 0.5, faces: 1 }],
      ['e', { kind: 'other', quality: 0.0001, faces: 250 }],
    ];
    const map = new AnalysisSummaryMap();
    for (const [id, summary] of given) map.set(id, summary);
    expect(map.size).toBe(5);
    for (const [id, summary] of given) {
      const back = map.get(id)!;
      expect({ kind: back.kind, faces: back.faces }).toEqual({ kind: summary.kind, faces: summary.faces });
      expect(Math.abs(back.quality - summary.quality)).toBeLessThanOrEqual(0.5 / 4095);
    }
    expect(map.get('nope')).toBeUndefined();
    expect([...map.values()].map((summary) => summary.kind)).toEqual(given.map(([, summary]) => summary.kind));
  });

  it('keeps out-of-range values in range and leaves the map it was copied from as it was', () => {
    const map = new AnalysisSummaryMap().set('a', { kind: 'photo', quality: 1.7, faces: 100_000 });
    expect(map.get('a')).toEqual({ kind: 'photo', quality: 1, faces: 2 ** 14 - 1 });
    const copy = new AnalysisSummaryMap(map).set('b', { kind: 'other', quality: Number.NaN, faces: 0 });
    expect(copy.get('b')).toEqual({ kind: 'other', quality: 0, faces: 0 });
    expect(map.get('b')).toBeUndefined();
    expect(copy.get('a')).toEqual(map.get('a'));
  });

  it('takes a row of the reader worker\'s columns as it takes the same summary', () => {
    const columns = { ids: ['a', 'b'], kinds: Uint8Array.of(2, 9), quality: Float32Array.of(0.25, 0.75), faces: Uint16Array.of(0, 4) };
    const rows = new AnalysisSummaryMap().setRow('a', columns, 0).setRow('b', columns, 1);
    const summaries = new AnalysisSummaryMap().set('a', { kind: 'document', quality: 0.25, faces: 0 }).set('b', { kind: 'photo', quality: 0.75, faces: 4 });
    // An unknown kind code (9) reads as a photo, as an unknown kind name does.
    expect([...rows.values()]).toEqual([...summaries.values()]);
  });

  it('serves the kind filters like a map of objects', () => {
    const photos = [{ id: 'x', t: 3 }, { id: 'y', t: 2 }, { id: 'z', t: 1 }];
    const analyses = new AnalysisSummaryMap()
      .set('x', { kind: 'photo', quality: 0.4, faces: 2 })
      .set('y', { kind: 'receipt', quality: 0.9, faces: 0 })
      .set('z', { kind: 'photo', quality: 0.7, faces: 0 });
    const run = (kind: LibraryFilters['kind']) => filterLibrary(photos, { kind, people: [], place: null, date: null }, { ...sources(), analyses: () => analyses }).map((p) => p.id);
    expect(run('photos')).toEqual(['x', 'z']);
    expect(run('junk')).toEqual(['y']);
    expect(run('faces')).toEqual(['x']);
  });
});

