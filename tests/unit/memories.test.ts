import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SignalRecord } from '../../src/db/schema';
import type { Theme } from '../../src/pipeline/analyse/types';
import { memoryCandidates, seasonOf } from '../../src/pipeline/memories/candidates';
import type { MemoryLibrary } from '../../src/pipeline/memories/library';
import { libraryStats, rankMemories, replaySignals } from '../../src/pipeline/memories/rank';
import { selectPhotos, selectionSize } from '../../src/pipeline/memories/select';
import { generateMemories } from '../../src/pipeline/memories/generate';
import { parseSignalsFile, resolveSignalPaths, SignalsFileError } from '../../src/pipeline/memories/signals-file';
import type { MemoryPhoto } from '../../src/pipeline/memories/types';
import { evaluateRanking, GOAL_MARGIN, libraryFromReport, type RankingManifest } from '../../src/pipeline/eval/ranking';
import { LANGUAGES } from '../../src/pipeline/memories/types';
import { CORPUS } from '../corpus';

const DAY = 86_400_000;
const at = (iso: string): number => Date.parse(`${iso}Z`);

function photo(id: string, when: string | null, extra: Partial<MemoryPhoto> = {}): MemoryPhoto {
  return { id, localMs: when ? at(when) : null, kind: 'photo', quality: 0.6, themes: [], people: [], faceCount: extra.people?.length ?? 0, eventId: null, similarGroup: null, bestOfGroup: false, ...extra };
}

/** A small life: a trip to Lisbon, a party, Ana and Ben, a dog across months, junk, on-this-day photos. */
function life(): MemoryLibrary {
  const photos: MemoryPhoto[] = [];
  const add = (p: MemoryPhoto): void => void photos.push(p);
  for (let d = 0; d < 4; d++) for (let k = 0; k < 3; k++) add(photo(`trip-${d}-${k}`, `2023-05-${12 + d}T1${k}:00:00`, { eventId: 'e-trip', themes: d === 1 ? ['city'] : [], people: k === 0 ? ['ana'] : [] }));
  for (let k = 0; k < 5; k++) add(photo(`party-${k}`, `2024-06-15T${16 + k}:00:00`, { eventId: 'e-party', themes: ['party', 'people'], people: ['ana', 'ben', 'cy'].slice(0, 1 + (k % 3)) }));
  for (let m = 1; m <= 8; m++) add(photo(`dog-${m}`, `2024-0${m}-0${m}T09:00:00`, { themes: ['pets'], eventId: `e-dog-${m}` }));
  add(photo('burst-a', '2024-06-15T16:00:01', { eventId: 'e-party', similarGroup: 's1', bestOfGroup: true, quality: 0.9, people: ['ana'] }));
  add(photo('burst-b', '2024-06-15T16:00:02', { eventId: 'e-party', similarGroup: 's1', quality: 0.5, people: ['ana'] }));
  add(photo('screenshot', '2024-06-15T17:30:00', { kind: 'screenshot', eventId: 'e-party' }));
  add(photo('receipt', '2023-05-13T12:00:00', { kind: 'receipt', eventId: 'e-trip' }));
  for (let k = 0; k < 3; k++) add(photo(`otd-${k}`, `2022-11-2${2 + k}T12:00:00`, { eventId: 'e-otd' }));
  add(photo('hidden-eve', '2024-06-15T18:10:00', { eventId: 'e-party', people: ['eve'] }));
  return {
    photos,
    people: [
      { id: 'ana', name: 'Ana', hidden: false },
      { id: 'ben', name: null, hidden: false },
      { id: 'cy', name: null, hidden: false },
      { id: 'eve', name: 'Eve', hidden: true },
    ],
    events: [
      { id: 'e-trip', kind: 'trip', photoIds: photos.filter((p) => p.eventId === 'e-trip').map((p) => p.id), place: { cities: ['Lisbon'], region: null, countryCode: 'PT' }, awayKm: 1500 },
      { id: 'e-party', kind: 'event', photoIds: photos.filter((p) => p.eventId === 'e-party').map((p) => p.id), place: { cities: ['Manchester'], region: 'England', countryCode: 'GB' }, awayKm: 2 },
      { id: 'e-otd', kind: 'event', photoIds: ['otd-0', 'otd-1', 'otd-2'], place: null, awayKm: null },
    ],
    now: at('2024-11-23T12:00:00'),
  };
}

const signal = (type: SignalRecord['type'], target: SignalRecord['target'], time: number, value?: unknown): SignalRecord => ({ at: time, type, target, ...(value === undefined ? {} : { value }) });

describe('memory candidates', () => {
  const candidates = memoryCandidates(life());
  const byId = new Map(candidates.map((c) => [c.id, c]));

  it('proposes trips, events, people, pairs, themes, on this day, years and seasons', () => {
    expect(new Set(candidates.map((c) => c.kind))).toEqual(new Set(['trip', 'event', 'person', 'together', 'theme', 'on-this-day', 'year', 'season']));
    expect(byId.get('trip:e-trip')!.facts).toMatchObject({ kind: 'trip', start: '2023-05-12', end: '2023-05-15', days: 4, place: { cities: ['Lisbon'] } });
    expect(byId.get('event:e-party')!.facts.occasion).toBe('party');
    expect(byId.get('person:ana')!.facts.people[0]).toEqual({ id: 'ana', name: 'Ana' });
    expect(byId.get('together:ana+ben')).toBeDefined();
    expect(byId.get('theme:pets')!.photos).toHaveLength(8);
    expect(byId.get('on-this-day:2022-11-23')!.facts.yearsAgo).toBe(2);
  });

  it('never uses junk, hidden people or hidden photos', () => {
    for (const c of candidates) {
      expect(c.photos.every((p) => p.kind === 'photo')).toBe(true);
      expect(c.photos.some((p) => p.id === 'hidden-eve')).toBe(false);
      expect(c.facts.people.some((p) => p.id === 'eve')).toBe(false);
    }
    expect(candidates.some((c) => c.id.split(/[:+]/).includes('eve'))).toBe(false);
    const hiddenDog = memoryCandidates({ ...life(), hiddenPhotos: new Set(['dog-1']), hiddenRanges: [{ from: '2023-05-01', to: '2023-05-31' }] });
    expect(hiddenDog.some((c) => c.kind === 'trip')).toBe(false);
    expect(hiddenDog.find((c) => c.id === 'theme:pets')!.photos.map((p) => p.id)).not.toContain('dog-1');
  });

  it('keeps ids stable from run to run', () => {
    expect(memoryCandidates(life()).map((c) => c.id)).toEqual(candidates.map((c) => c.id));
  });

  it('turns seasons around south of the equator and gives December to the next winter', () => {
    expect(seasonOf(at('2023-12-20T10:00:00'), false)).toEqual({ season: 'winter', year: 2024 });
    expect(seasonOf(at('2023-07-20T10:00:00'), true)).toEqual({ season: 'winter', year: 2023 });
    expect(seasonOf(at('2023-12-20T10:00:00'), true)).toEqual({ season: 'summer', year: 2024 });
  });
});

describe('photo selection', () => {
  const candidates = memoryCandidates(life());
  const party = candidates.find((c) => c.id === 'event:e-party')!;

  it('keeps one photo per similar group, the best, and no junk', () => {
    const selection = selectPhotos(party, { favourites: new Set() });
    expect(selection.photoIds).toContain('burst-a');
    expect(selection.photoIds).not.toContain('burst-b');
    expect(selection.photoIds).not.toContain('screenshot');
    expect(selection.photoIds).toContain(selection.cover);
  });

  it('prefers a favourite over the group pick, obeys removals and additions, and stays in time order', () => {
    const selection = selectPhotos(party, { favourites: new Set(['burst-b']), removed: new Set(['party-0']), added: ['dog-3'] }, [photo('dog-3', '2024-03-03T09:00:00', { themes: ['pets'] })]);
    expect(selection.photoIds).toContain('burst-b');
    expect(selection.photoIds).not.toContain('burst-a');
    expect(selection.photoIds).not.toContain('party-0');
    expect(selection.photoIds[0]).toBe('dog-3');
  });

  it('adds a photo of the memory back once, however it is given', () => {
    const own = party.photos.find((p) => p.id === 'party-1')!;
    const selection = selectPhotos(party, { favourites: new Set(), added: ['party-1'] }, [own]);
    expect(selection.photoIds.filter((id) => id === 'party-1')).toHaveLength(1);
  });

  it('takes all of a small memory and a diverse part of a big one', () => {
    expect(selectionSize(8)).toBe(8);
    expect(selectionSize(400)).toBe(60);
    const big = { ...party, photos: Array.from({ length: 100 }, (_, i) => photo(`b${i}`, `2024-06-${String(1 + (i % 10)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00`, { quality: i < 50 ? 0.9 : 0.5 })) };
    const selection = selectPhotos(big, { favourites: new Set() });
    expect(selection.photoIds).toHaveLength(selectionSize(100));
    // Ten days: every one of them is covered.
    expect(new Set(selection.photoIds.map((id) => Number(id.slice(1)) % 10)).size).toBe(10);
  });
});

describe('ranking that learns', () => {
  const library = life();
  const candidates = memoryCandidates(library);
  const stats = libraryStats(library, candidates);
  const position = (signals: SignalRecord[], id: string): number => rankMemories(candidates, replaySignals(signals, candidates, stats), stats).findIndex((m) => m.candidate.id === id);

  it('moves the dog up after the person favourites dog photos', () => {
    const before = position([], 'theme:pets');
    const favourites = ['dog-1', 'dog-4', 'dog-6'].map((id, i) => signal('favourite', { photoId: id }, i + 1));
    expect(position(favourites, 'theme:pets')).toBeLessThan(before);
    expect(position(favourites, 'theme:pets')).toBe(0);
  });

  it('moves a kind down after thumbs down, and drops dismissed memories', () => {
    const down = [signal('thumbsDown', { memoryId: 'trip:e-trip' }, 1), signal('thumbsDown', { memoryId: 'year:2023' }, 2)];
    expect(position(down, 'trip:e-trip')).toBeGreaterThan(position([], 'trip:e-trip'));
    expect(position([signal('dismiss', { memoryId: 'trip:e-trip' }, 1)], 'trip:e-trip')).toBe(-1);
  });

  it('forgets what it learned on reset, keeping favourites and edits', () => {
    const signals = [
      signal('favourite', { photoId: 'dog-1' }, 1),
      signal('favourite', { photoId: 'dog-2' }, 2),
      signal('rename', { memoryId: 'theme:pets' }, 3, 'Rex'),
      signal('resetLearning', {}, 4),
    ];
    const profile = replaySignals(signals, candidates, stats);
    expect(profile.themes.positiveTotal).toBe(0);
    expect([...profile.favourites]).toEqual(['dog-1', 'dog-2']);
    expect(profile.edits.get('theme:pets')!.title).toBe('Rex');
  });

  it('explains every memory with at least one reason', () => {
    const ranked = rankMemories(candidates, replaySignals([signal('favourite', { photoId: 'dog-1' }, 1)], candidates, stats), stats);
    for (const memory of ranked) expect(memory.why.length).toBeGreaterThan(0);
    expect(ranked.find((m) => m.candidate.id === 'theme:pets')!.why).toContainEqual({ type: 'theme', theme: 'pets' as Theme });
  });

  it('writes titles, reasons and edited titles into generated memories', () => {
    const memories = generateMemories(library, [signal('rename', { memoryId: 'trip:e-trip' }, 1, 'Our Lisbon')], 'de');
    const trip = memories.find((m) => m.id === 'trip:e-trip')!;
    expect(trip.title).toBe('Our Lisbon');
    expect(trip.titleEdited).toBe(true);
    for (const memory of memories) {
      expect(memory.title).toBeTruthy();
      expect(memory.why).toBeTruthy();
      expect(memory.photoIds.length).toBeGreaterThan(0);
      expect(memory.photoIds).toContain(memory.coverPhotoId);
    }
    expect(memories.map((m) => m.rank)).toEqual(memories.map((_, i) => i));
    // A trip is also in its year and its season: each card still shows a photo of its own where it has one.
    const used = new Set<string>();
    for (const memory of memories) {
      if (memory.photoIds.some((id) => !used.has(id))) expect(used.has(memory.coverPhotoId), memory.id).toBe(false);
      used.add(memory.coverPhotoId);
    }
    expect(used.size).toBeGreaterThan(memories.length / 2);
  });
});

describe('the signals file', () => {
  it('reads JSON lines, numbers them in order and resolves photo paths', () => {
    const signals = parseSignalsFile('{"type":"favourite","target":{"path":"a/b.jpg"}}\n\n{"type":"thumbsUp","target":{"memoryId":"trip:e1"},"at":50}\n');
    expect(signals).toEqual([{ at: 1, type: 'favourite', target: { path: 'a/b.jpg' } }, { at: 50, type: 'thumbsUp', target: { memoryId: 'trip:e1' } }]);
    expect(resolveSignalPaths(signals, (path) => (path === 'a/b.jpg' ? 'sha' : undefined))[0]!.target).toEqual({ photoId: 'sha' });
    expect(() => resolveSignalPaths(signals, () => undefined)).toThrow(/no imported photo has the path a\/b\.jpg/);
  });

  it('names the line of every mistake', () => {
    expect(() => parseSignalsFile('{"type":"favourite","target":{}}\nnope')).toThrow(new SignalsFileError('line 2 is not JSON'));
    expect(() => parseSignalsFile('{"type":"like","target":{}}')).toThrow(/line 1: unknown signal type "like"/);
    expect(() => parseSignalsFile('{"type":"open","target":{"album":"x"}}')).toThrow(/unknown target field "album"/);
    expect(() => parseSignalsFile('{"type":"open","target":{"photoId":3}}')).toThrow(/target ids must be strings/);
  });
});

describe('the corpus memories in every language', () => {
  const report = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/corpus-report.json'), 'utf8'));
  const library = libraryFromReport(report);
  const PHOTOS: Record<string, (n: number) => string> = {
    en: (n) => `${n} ${n === 1 ? 'photo' : 'photos'}`,
    de: (n) => `${n} ${n === 1 ? 'Foto' : 'Fotos'}`,
    pl: (n) => `${n} ${n === 1 ? 'zdjęcie' : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? 'zdjęcia' : 'zdjęć'}`,
    ja: (n) => `${n}枚`,
  };

  it.each(LANGUAGES)('%s: every memory has a title, a subtitle and a reason, with nothing left unfilled', (lang) => {
    const memories = generateMemories(library, [], lang);
    expect(memories.length).toBeGreaterThanOrEqual(10);
    for (const memory of memories) {
      for (const text of [memory.title, memory.subtitle, memory.why]) {
        expect(text.trim(), memory.id).not.toBe('');
        expect(text, memory.id).not.toMatch(/[{}]|undefined|null|NaN|\s{2}/);
      }
      const count = PHOTOS[lang];
      if (count && !memory.title.includes(String(memory.facts.photoCount))) expect(memory.subtitle, memory.id).toContain(count(memory.facts.photoCount));
    }
    // Titles differ between languages (English leaking into another language would not).
    if (lang !== 'en') {
      const english = generateMemories(library, [], 'en');
      const text = (memory: { title: string; subtitle: string; why: string }): string => `${memory.title} · ${memory.subtitle} · ${memory.why}`;
      const same = memories.filter((memory, i) => text(memory) === text(english[i]!));
      expect(same.map(text)).toEqual([]);
    }
  });
});

describe('ranking evaluation on the shared corpus (report fixture)', () => {
  const report = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/corpus-report.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as RankingManifest;
  const result = evaluateRanking(report, manifest);

  it('proposes at least five kinds of memory', () => {
    expect(Object.keys(result.kinds).length).toBeGreaterThanOrEqual(5);
  });

  it('beats the best baseline by the goal margin for every simulated taste after 20 signals', () => {
    expect(result.tastes.length).toBeGreaterThanOrEqual(4);
    for (const taste of result.tastes) {
      expect(taste.signals).toHaveLength(20);
      expect(taste.margin, `${taste.taste}: ${taste.personalised.ndcg10.toFixed(3)} vs ${taste.bestBaseline.name} ${taste.bestBaseline.ndcg10.toFixed(3)}`).toBeGreaterThanOrEqual(GOAL_MARGIN);
    }
    expect(result.pass).toBe(true);
  });

  it('selects no junk and never two photos of one similar group', () => {
    for (const taste of result.tastes) {
      expect(taste.selection.junkRate).toBe(0);
      expect(taste.selection.nearDuplicateRate).toBe(0);
    }
  });
});
