import { afterEach, describe, expect, it, vi } from 'vitest';
import { countPhrase, kindLabel, placeName, themeName, titleMemory, whySentence } from '../../src/pipeline/story';
import { placeholdersOf } from '../../src/pipeline/story/format';
import { LOCALES } from '../../src/pipeline/story/locale';
import { TITLE_SLOTS } from '../../src/pipeline/story/titles';
import { LANGUAGES, MEMORY_KINDS, type Language, type MemoryFacts, type MemoryPlace, type WhyReason } from '../../src/pipeline/memories/types';
import type { Theme } from '../../src/pipeline/analyse/types';

const lisbon: MemoryPlace = { cities: ['Lisbon'], region: 'Lisbon', countryCode: 'PT' };
const leuvenBrussels: MemoryPlace = { cities: ['Leuven', 'Brussels'], region: 'Flanders', countryCode: 'BE' };
const threeBelgianCities: MemoryPlace = { cities: ['Leuven', 'Brussels', 'Ghent'], region: null, countryCode: 'BE' };
const kyotoRegion: MemoryPlace = { cities: [], region: 'Kyoto', countryCode: 'JP' };
const japanOnly: MemoryPlace = { cities: [], region: null, countryCode: 'JP' };
const newYork: MemoryPlace = { cities: ['New York City'], region: 'New York', countryCode: 'US' };
/** Latin names the fixtures use, which may keep their spaces inside Japanese and Chinese text. */
const LATIN_PLACE_NAMES = ['New York City', 'New York'];

const anna = { id: 'p1', name: 'Anna' };
const ben = { id: 'p2', name: 'Ben' };
const carla = { id: 'p3', name: 'Carla' };
const unnamed = (id: string) => ({ id, name: null });

function facts(overrides: Partial<MemoryFacts>): MemoryFacts {
  return {
    kind: 'trip',
    start: '2023-05-12',
    end: '2023-05-15',
    days: 4,
    photoCount: 22,
    place: null,
    people: [],
    theme: null,
    season: null,
    yearsAgo: null,
    occasion: null,
    ...overrides,
  };
}

const fourDayTrip = facts({ place: leuvenBrussels, season: 'spring', people: [anna] });

const FIXTURES: Record<string, MemoryFacts> = {
  'weekend trip, 2 days, 1 photo': facts({ start: '2023-05-13', end: '2023-05-14', days: 2, photoCount: 1, place: lisbon, season: 'spring' }),
  'trip, 4 days, 2 cities': fourDayTrip,
  'trip, 6 days, 3 cities, 112 photos': facts({ start: '2023-07-01', end: '2023-07-06', days: 6, photoCount: 112, place: threeBelgianCities, season: 'summer' }),
  'trip without a place, 5 photos': facts({ photoCount: 5, season: 'autumn' }),
  'trip without a place or season, 2 photos': facts({ days: 2, end: '2023-05-13', photoCount: 2 }),
  'trip to a region': facts({ place: kyotoRegion, season: 'autumn', start: '2022-11-02', end: '2022-11-07', days: 6 }),
  'trip to a country': facts({ place: japanOnly, season: 'spring', start: '2022-04-01', end: '2022-04-10', days: 10 }),
  'trip across New Year': facts({ place: newYork, season: 'winter', start: '2023-12-30', end: '2024-01-02', days: 4 }),
  'day trip': facts({ start: '2023-08-19', end: '2023-08-19', days: 1, place: lisbon }),
  'party, one day': facts({ kind: 'event', occasion: 'party', start: '2024-06-15', end: '2024-06-15', days: 1, photoCount: 5, place: lisbon }),
  'outing without a place': facts({ kind: 'event', occasion: 'outing', start: '2024-04-06', end: '2024-04-06', days: 1 }),
  'gathering over two months': facts({ kind: 'event', occasion: 'gathering', start: '2024-05-31', end: '2024-06-01', days: 2, place: leuvenBrussels }),
  'event without an occasion': facts({ kind: 'event', start: '2024-03-02', end: '2024-03-03', days: 2, place: kyotoRegion }),
  'named person over years': facts({ kind: 'person', start: '2019-03-01', end: '2024-08-20', days: 80, photoCount: 112, people: [anna, unnamed('x')] }),
  'named person within a year': facts({ kind: 'person', start: '2023-01-01', end: '2023-10-20', days: 12, people: [anna] }),
  'unnamed person (others named)': facts({ kind: 'person', start: '2020-01-01', end: '2024-10-20', days: 30, people: [unnamed('x'), anna] }),
  'two named together': facts({ kind: 'together', start: '2021-01-01', end: '2024-10-20', days: 20, people: [anna, ben] }),
  'three named together': facts({ kind: 'together', people: [anna, ben, carla], place: lisbon }),
  'one named together': facts({ kind: 'together', people: [unnamed('x'), ben] }),
  'nobody named together': facts({ kind: 'together', people: [unnamed('x'), unnamed('y')] }),
  'theme with a place': facts({ kind: 'theme', theme: 'pets', place: lisbon, start: '2023-01-05', end: '2023-12-20', days: 30 }),
  'theme without a place': facts({ kind: 'theme', theme: 'food', start: '2021-01-05', end: '2023-12-20', days: 30, photoCount: 1 }),
  'theme without a theme': facts({ kind: 'theme' }),
  'two years ago today': facts({ kind: 'on-this-day', yearsAgo: 2, start: '2023-05-12', end: '2023-05-12', days: 1, place: lisbon }),
  'a year ago today': facts({ kind: 'on-this-day', yearsAgo: 1, start: '2024-05-12', end: '2024-05-12', days: 1 }),
  'on this day, years unknown': facts({ kind: 'on-this-day', start: '2020-05-12', end: '2020-05-12', days: 1 }),
  year: facts({ kind: 'year', start: '2023-01-01', end: '2023-12-31', days: 140, photoCount: 112 }),
  'season with a city': facts({ kind: 'season', season: 'summer', start: '2024-06-21', end: '2024-09-20', days: 30, place: { cities: ['Kyoto'], region: 'Kyoto', countryCode: 'JP' } }),
  'season without a place': facts({ kind: 'season', season: 'winter', start: '2023-12-01', end: '2024-02-28', days: 30 }),
  'season without a season': facts({ kind: 'season' }),
  'unreadable dates': facts({ start: '2023-13-40', end: 'soon', place: lisbon }),
};

/** Every title and subtitle must read as finished text, whatever was missing from the facts. */
function expectFinished(text: string, lang: Language): void {
  expect(text.trim()).not.toBe('');
  expect(text).toBe(text.trim());
  expect(text).not.toMatch(/[{}]|undefined|null|NaN/);
  expect(text).not.toMatch(/\s\s/);
  if (lang === 'ja' || lang === 'zh') {
    const withoutLatinNames = LATIN_PLACE_NAMES.reduce((rest, name) => rest.replaceAll(name, ''), text);
    expect(withoutLatinNames).not.toContain(' ');
  }
}

function titlesOver(memory: MemoryFacts, lang: Language, variants = 21): string[] {
  return [...new Set(Array.from({ length: variants }, (_, variant) => titleMemory(memory, lang, variant).title))];
}

/** Title and subtitle together, for facts that one or the other carries. */
function wholeText(memory: MemoryFacts, lang: Language, variant = 0): string {
  const { title, subtitle } = titleMemory(memory, lang, variant);
  return `${title} — ${subtitle}`;
}

function subtitleParts(memory: MemoryFacts, lang: Language): string[] {
  return titleMemory(memory, lang, 0).subtitle.split(LOCALES[lang].separator);
}

const MAY_12_2023 = new Date(Date.UTC(2023, 4, 12));

describe('titles and subtitles', () => {
  it('are finished text for every kind of memory, in every language and variant', () => {
    for (const lang of LANGUAGES) {
      for (const [name, memory] of Object.entries(FIXTURES)) {
        for (let variant = 0; variant < 12; variant++) {
          const { title, subtitle } = titleMemory(memory, lang, variant);
          try {
            expectFinished(title, lang);
            expectFinished(subtitle, lang);
          } catch (error) {
            throw new Error(`${lang} / ${name} / variant ${variant}: "${title}" — "${subtitle}"`, { cause: error });
          }
        }
      }
    }
  });

  it('cover every kind of memory in the fixtures', () => {
    expect(new Set(Object.values(FIXTURES).map((memory) => memory.kind))).toEqual(new Set(MEMORY_KINDS));
  });

  it('start with a capital letter in languages that have them', () => {
    for (const lang of LANGUAGES) {
      for (const memory of Object.values(FIXTURES)) {
        for (const title of titlesOver(memory, lang, 6)) expect(title.charAt(0), `${lang}: ${title}`).toBe(title.charAt(0).toLocaleUpperCase(lang));
      }
    }
  });

  it('vary with the variant: at least three titles for a trip with a place', () => {
    for (const lang of LANGUAGES) expect(titlesOver(fourDayTrip, lang).length, lang).toBeGreaterThanOrEqual(3);
  });

  it('are stable for the same variant', () => {
    expect(titleMemory(fourDayTrip, 'de', 7)).toEqual(titleMemory(fourDayTrip, 'de', 7));
  });

  it('read as expected in English', () => {
    expect(titlesOver(fourDayTrip, 'en')).toEqual(
      expect.arrayContaining(['Leuven and Brussels, May 2023', '4 days in Leuven and Brussels', 'Spring in Leuven and Brussels']),
    );
    expect(titlesOver(FIXTURES['named person over years']!, 'en')).toContain('Anna through the years');
    expect(titlesOver(FIXTURES['unnamed person (others named)']!, 'en')).toContain('A familiar face');
    expect(titlesOver(FIXTURES['two named together']!, 'en')).toContain('Anna and Ben');
    expect(titlesOver(FIXTURES['two years ago today']!, 'en')).toContain('2 years ago today');
    expect(titlesOver(FIXTURES['a year ago today']!, 'en')).toContain('A year ago today');
    expect(titlesOver(FIXTURES.year!, 'en')).toContain('2023 in review');
    expect(titlesOver(FIXTURES['season with a city']!, 'en')).toEqual(expect.arrayContaining(['Summer 2024', 'Summer in Kyoto']));
    expect(titlesOver(FIXTURES['theme without a place']!, 'en')).toContain('Good food');
    expect(titlesOver(FIXTURES['party, one day']!, 'en')).toContain('A party in June');
  });

  it('name only what is known: no place, no name, no season when the facts have none', () => {
    for (const lang of LANGUAGES) {
      for (const title of titlesOver(FIXTURES['unnamed person (others named)']!, lang)) expect(title).not.toContain('Anna');
      for (const title of titlesOver(FIXTURES['nobody named together']!, lang)) expect(title).not.toMatch(/Anna|Ben/);
      const noPlace = titlesOver(FIXTURES['trip without a place or season, 2 photos']!, lang);
      expect(noPlace.length, lang).toBeGreaterThanOrEqual(2);
    }
  });

  it('say "weekend" only for two or three days over a Saturday or Sunday', () => {
    const saturdaySunday = FIXTURES['weekend trip, 2 days, 1 photo']!;
    const tuesdayWednesday = facts({ start: '2023-05-16', end: '2023-05-17', days: 2, place: lisbon });
    expect(titlesOver(saturdaySunday, 'en').some((title) => /weekend/i.test(title))).toBe(true);
    expect(titlesOver(saturdaySunday, 'de').some((title) => title.includes('Wochenende'))).toBe(true);
    expect(titlesOver(saturdaySunday, 'ja').some((title) => title.includes('週末'))).toBe(true);
    expect(titlesOver(tuesdayWednesday, 'en').some((title) => /weekend/i.test(title))).toBe(false);
    expect(titlesOver(fourDayTrip, 'en').some((title) => /weekend/i.test(title))).toBe(false);
  });

  it('count days with each language’s plural forms and counters', () => {
    const expected: Partial<Record<Language, [string, string, string]>> = {
      en: ['2 days in Lisbon', '4 days in Leuven and Brussels', '6 days in Leuven, Brussels, and Ghent'],
      de: ['2 Tage in Lisbon', '4 Tage in Leuven und Brussels', '6 Tage in Leuven, Brussels und Ghent'],
      pl: ['Lisbon: 2 dni', 'Leuven i Brussels: 4 dni', 'Leuven, Brussels i Ghent: 6 dni'],
      ja: ['Lisbonで過ごした2日間', 'Leuven、Brusselsで過ごした4日間', 'Leuven、Brussels、Ghentで過ごした6日間'],
      zh: ['在Lisbon的2天', '在Leuven和Brussels的4天', '在Leuven、Brussels和Ghent的6天'],
    };
    const trips = [FIXTURES['weekend trip, 2 days, 1 photo']!, fourDayTrip, FIXTURES['trip, 6 days, 3 cities, 112 photos']!];
    for (const [lang, titles] of Object.entries(expected) as Array<[Language, string[]]>) {
      trips.forEach((trip, i) => expect(titlesOver(trip, lang), lang).toContain(titles[i]));
    }
  });

  it('count photos in the subtitle with the right plural form', () => {
    const expected: Partial<Record<Language, Record<number, string>>> = {
      en: { 1: '1 photo', 2: '2 photos', 5: '5 photos', 22: '22 photos', 112: '112 photos' },
      de: { 1: '1 Foto', 2: '2 Fotos', 5: '5 Fotos', 22: '22 Fotos', 112: '112 Fotos' },
      fr: { 1: '1 photo', 2: '2 photos', 112: '112 photos' },
      nl: { 1: '1 foto', 2: "2 foto's" },
      pl: { 1: '1 zdjęcie', 2: '2 zdjęcia', 5: '5 zdjęć', 22: '22 zdjęcia', 112: '112 zdjęć' },
      ja: { 1: '1枚', 12: '12枚', 112: '112枚' },
      zh: { 1: '1张照片', 12: '12张照片', 112: '112张照片' },
    };
    for (const [lang, byCount] of Object.entries(expected) as Array<[Language, Record<number, string>]>) {
      for (const [count, phrase] of Object.entries(byCount)) {
        expect(subtitleParts(facts({ photoCount: Number(count), place: lisbon }), lang).at(-1)).toBe(phrase);
      }
    }
  });

  it('use Polish one/few/many and the counters of Japanese and Chinese in counted phrases', () => {
    expect([1, 2, 5, 22, 112].map((n) => countPhrase('days', n, 'pl'))).toEqual(['1 dzień', '2 dni', '5 dni', '22 dni', '112 dni']);
    expect([1, 2, 5, 12, 22].map((n) => countPhrase('yearsAgo', n, 'pl'))).toEqual(['rok temu', '2 lata temu', '5 lat temu', '12 lat temu', '22 lata temu']);
    expect([1, 4].map((n) => countPhrase('days', n, 'de'))).toEqual(['1 Tag', '4 Tage']);
    expect([1, 2].map((n) => countPhrase('yearsAgo', n, 'de'))).toEqual(['vor einem Jahr', 'vor 2 Jahren']);
    expect(countPhrase('days', 3, 'ja')).toBe('3日間');
    expect(countPhrase('days', 3, 'zh')).toBe('3天');
    expect(countPhrase('photos', 1234, 'en')).toBe('1,234 photos');
    expect(countPhrase('photos', 1234, 'de')).toBe('1.234 Fotos');
  });

  it('write the dates with Intl: the month as the language writes it in a date', () => {
    for (const lang of LANGUAGES) {
      const monthInDate =
        lang === 'ja' || lang === 'zh'
          ? new Intl.DateTimeFormat(lang, { month: 'numeric', timeZone: 'UTC' }).format(MAY_12_2023)
          : new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).formatToParts(MAY_12_2023).find((part) => part.type === 'month')?.value;
      expect(monthInDate).toBeTruthy();
      expect(titleMemory(fourDayTrip, lang, 0).subtitle, lang).toContain(monthInDate);
      const monthYear = new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(MAY_12_2023);
      expect(titlesOver(fourDayTrip, lang).some((title) => title.toLocaleLowerCase(lang).includes(monthYear.toLocaleLowerCase(lang))), lang).toBe(true);
    }
    expect(titleMemory(fourDayTrip, 'de', 0).subtitle).toContain('12.–15. Mai 2023');
    expect(titleMemory(fourDayTrip, 'ja', 0).subtitle).toContain('2023年5月12日～15日');
    expect(titleMemory(fourDayTrip, 'zh', 0).subtitle).toContain('2023年5月12日至15日');
    expect(wholeText(FIXTURES['gathering over two months']!, 'ja')).toContain('2024年5月31日～6月1日');
    expect(wholeText(FIXTURES['trip across New Year']!, 'ja')).toContain('2023年12月30日～2024年1月2日');
    expect(titlesOver(FIXTURES['trip, 6 days, 3 cities, 112 photos']!, 'pl')).toContain('Leuven, Brussels i Ghent, lipiec 2023');
  });

  describe('in a zone far from UTC', () => {
    const zone = process.env.TZ;
    afterEach(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });

    it('never move a day', async () => {
      const firstOfJune = facts({ kind: 'event', start: '2024-06-01', end: '2024-06-01', days: 1 });
      for (const tz of ['Pacific/Pago_Pago', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        // A fresh copy of the stage, so its cached Intl formatters are made in this zone.
        vi.resetModules();
        const story = await import('../../src/pipeline/story');
        expect(story.titleMemory(firstOfJune, 'en', 0).title).toBe('June 1, 2024');
        expect(story.titleMemory(firstOfJune, 'de', 0).title).toBe('1. Juni 2024');
      }
    });
  });

  it('write German nouns with capitals, French seasons as French titles do', () => {
    expect(titlesOver(fourDayTrip, 'de')).toEqual(expect.arrayContaining(['4 Tage in Leuven und Brussels', 'Leuven und Brussels im Frühling']));
    expect(titlesOver(FIXTURES['season without a place']!, 'de')).toContain('Winter 2023');
    expect(titlesOver(FIXTURES['season with a city']!, 'fr')).toEqual(expect.arrayContaining(['Été 2024', 'Un été à Kyoto', 'Kyoto en été']));
    expect(titlesOver(FIXTURES['season with a city']!, 'ja')).toEqual(expect.arrayContaining(['2024年の夏', 'Kyotoの夏']));
  });

  it('put the place with its localised country in the subtitle', () => {
    expect(subtitleParts(fourDayTrip, 'en')).toContain('Leuven and Brussels, Belgium');
    expect(subtitleParts(fourDayTrip, 'de')).toContain('Leuven und Brussels, Belgien');
    expect(subtitleParts(fourDayTrip, 'ja')).toContain('Leuven、Brussels（ベルギー）');
    for (let variant = 0; variant < 6; variant++) {
      const { title, subtitle } = titleMemory(FIXTURES['trip to a country']!, 'fr', variant);
      expect(`${title} — ${subtitle}`).toContain('Japon');
    }
  });

  it('leave out of the subtitle what the title already says', () => {
    const titles = Array.from({ length: 6 }, (_, variant) => titleMemory(FIXTURES['party, one day']!, 'en', variant));
    const dated = titles.find(({ title }) => title.includes('June 15, 2024'));
    const undated = titles.find(({ title }) => !title.includes('June 15, 2024'));
    expect(dated?.subtitle).toBe('Lisbon, Portugal · 5 photos');
    expect(undated?.subtitle).toMatch(/^June 15, 2024 · /);
  });
});

describe('placeName', () => {
  it('names one town, joins two or three with the language’s conjunction, and keeps their names as given', () => {
    expect(placeName(lisbon, 'de')).toBe('Lisbon');
    expect(placeName(leuvenBrussels, 'en')).toBe('Leuven and Brussels');
    expect(placeName(leuvenBrussels, 'de')).toBe('Leuven und Brussels');
    expect(placeName(leuvenBrussels, 'pl')).toBe('Leuven i Brussels');
    expect(placeName(threeBelgianCities, 'en')).toBe('Leuven, Brussels, and Ghent');
    expect(placeName(threeBelgianCities, 'fr')).toBe('Leuven, Brussels et Ghent');
    expect(placeName({ cities: ['Leuven', 'Brüssel'], region: null, countryCode: 'BE' }, 'de')).toBe('Leuven und Brüssel');
  });

  it('falls back to the region, then to the country in the language', () => {
    expect(placeName(kyotoRegion, 'en')).toBe('Kyoto');
    expect(placeName(japanOnly, 'nl')).toBe('Japan');
    expect(placeName(japanOnly, 'fr')).toBe('Japon');
    expect(placeName(japanOnly, 'zh')).toBe('日本');
    const portugal: MemoryPlace = { cities: [], region: null, countryCode: 'PT' };
    expect(placeName(portugal, 'de')).toBe('Portugal');
    expect(placeName(portugal, 'ja')).toBe('ポルトガル');
    expect(placeName(portugal, 'nl')).toBe('Portugal');
    expect(placeName(portugal, 'pl')).toBe('Portugalia');
  });
});

describe('labels', () => {
  it('give every kind a distinct badge in every language', () => {
    for (const lang of LANGUAGES) {
      const labels = MEMORY_KINDS.map((kind) => kindLabel(kind, lang));
      expect(labels.every(Boolean)).toBe(true);
      expect(new Set(labels).size, lang).toBe(MEMORY_KINDS.length);
    }
    expect([kindLabel('trip', 'en'), kindLabel('trip', 'de'), kindLabel('trip', 'ja')]).toEqual(['Trip', 'Reise', '旅行']);
  });

  it('give every theme a distinct name in every language', () => {
    const themes = Object.keys(LOCALES.en.themes) as Theme[];
    expect(themes).toHaveLength(18);
    for (const lang of LANGUAGES) {
      const names = themes.map((theme) => themeName(theme, lang));
      expect(new Set(names).size, lang).toBe(themes.length);
      expect(names.every(Boolean)).toBe(true);
    }
    expect(themeName('pets', 'de')).toBe('Haustiere');
  });
});

describe('templates', () => {
  it('use only the slots titles fill', () => {
    const known = new Set<string>(TITLE_SLOTS);
    for (const lang of LANGUAGES) {
      for (const [situation, templates] of Object.entries(LOCALES[lang].titles)) {
        for (const template of templates) for (const slot of placeholdersOf(template)) expect(known.has(slot), `${lang}/${situation}: ${template}`).toBe(true);
      }
    }
  });

  it('offer at least three titles for every situation but the one-line "over the years"', () => {
    for (const lang of LANGUAGES) {
      for (const [situation, templates] of Object.entries(LOCALES[lang].titles)) {
        if (situation !== 'personOverYears') expect(templates.length, `${lang}/${situation}`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('keep Japanese and Chinese templates free of spaces', () => {
    for (const lang of ['ja', 'zh'] as const) {
      const { titles, why, separator, placeInCountry } = LOCALES[lang];
      const texts = [...Object.values(titles).flat(), JSON.stringify(why), separator, placeInCountry];
      for (const text of texts) expect(text, text).not.toContain(' ');
    }
  });
});

describe('whySentence', () => {
  const REASONS: Record<string, WhyReason> = {
    'named person': { type: 'person', name: 'Anna' },
    'unnamed person': { type: 'person', name: null },
    'named people': { type: 'people', names: ['Anna', 'Ben'] },
    'people, one unnamed': { type: 'people', names: ['Anna', null] },
    'people, none named': { type: 'people', names: [null, null] },
    theme: { type: 'theme', theme: 'pets' },
    'day trip': { type: 'trip', days: 1 },
    trip: { type: 'trip', days: 4 },
    far: { type: 'far', km: 1234 },
    'far, distance unknown': { type: 'far', km: 0 },
    'a year ago': { type: 'anniversary', yearsAgo: 1 },
    'two years ago': { type: 'anniversary', yearsAgo: 2 },
    recent: { type: 'recent' },
    quality: { type: 'quality' },
    'liked kind': { type: 'liked-kind', kind: 'trip' },
    big: { type: 'big', photos: 112 },
    favourites: { type: 'favourites', count: 5 },
    new: { type: 'new' },
  };

  it('turns every reason, alone or followed by another, into a finished sentence in every language', () => {
    for (const lang of LANGUAGES) {
      const neutral = whySentence([], lang);
      expectFinished(neutral, lang);
      for (const [name, reason] of Object.entries(REASONS)) {
        const alone = whySentence([reason], lang);
        expectFinished(alone, lang);
        expect(alone, `${lang}/${name}`).not.toBe(neutral);
        for (const second of Object.values(REASONS)) expectFinished(whySentence([reason, second], lang), lang);
      }
    }
  });

  it('reads as expected in English', () => {
    expect(whySentence([], 'en')).toBe('Picked from your library');
    expect(whySentence([REASONS.trip!, REASONS.far!], 'en')).toBe('A 4-day trip, far from home');
    expect(whySentence([REASONS['two years ago']!], 'en')).toBe('2 years ago this week');
    expect(whySentence([REASONS['a year ago']!, REASONS['named person']!], 'en')).toBe('A year ago this week, with Anna');
    expect(whySentence([REASONS.far!], 'en')).toBe('1,200 km from home');
    expect(whySentence([REASONS['far, distance unknown']!], 'en')).toBe('Far from home');
    expect(whySentence([REASONS.theme!], 'en')).toBe('Lots of your favourite theme: pets');
    expect(whySentence([REASONS['named person']!], 'en')).toBe('Because Anna appears in many of your photos');
    expect(whySentence([REASONS.favourites!], 'en')).toBe('5 photos from your favourites');
  });

  it('describes unnamed people and never invents a name', () => {
    expect(whySentence([REASONS['unnamed person']!], 'en')).toBe('With someone who appears in many of your photos');
    expect(whySentence([REASONS['people, one unnamed']!], 'en')).toBe('Time with Anna and a familiar face');
    expect(whySentence([REASONS['people, none named']!], 'en')).toBe('Time with familiar faces');
    expect(whySentence([REASONS['people, one unnamed']!], 'de')).toBe('Zeit mit Anna und einem vertrauten Gesicht');
  });

  it('adds nothing after a sentence that is already a whole clause', () => {
    expect(whySentence([REASONS['named person']!, REASONS.far!], 'en')).toBe('Because Anna appears in many of your photos');
  });

  it('skips a reason whose numbers are unusable', () => {
    expect(whySentence([{ type: 'big', photos: Number.NaN }, REASONS.recent!], 'en')).toBe('Not long ago');
    expect(whySentence([{ type: 'trip', days: 0 }], 'en')).toBe('Picked from your library');
  });

  it('uses each language’s plurals and numbers', () => {
    expect(whySentence([REASONS['two years ago']!], 'pl')).toBe('2 lata temu, w tym tygodniu');
    expect(whySentence([{ type: 'anniversary', yearsAgo: 5 }], 'pl')).toBe('5 lat temu, w tym tygodniu');
    expect(whySentence([REASONS.big!], 'pl')).toBe('112 zdjęć do wspominania');
    expect(whySentence([REASONS['two years ago']!], 'de')).toBe('Diese Woche vor 2 Jahren');
    expect(whySentence([REASONS.far!], 'de')).toBe('1.200 km von zu Hause entfernt');
    expect(whySentence([REASONS.trip!, REASONS.far!], 'ja')).toBe('4日間の旅、家から遠く離れて');
    expect(whySentence([REASONS.far!], 'ja')).toBe('自宅から1,200km');
    expect(whySentence([REASONS.trip!], 'zh')).toBe('4天的旅行');
  });
});
