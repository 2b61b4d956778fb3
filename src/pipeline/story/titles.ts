/**
 * Titles and subtitles for memories, from their facts, in every language of LANGUAGES. The facts
 * pick which template lists apply (titles name only what is known), the memory's variant picks one
 * of the templates that could be filled, so a library's memories do not all read alike.
 */
import type { Language, MemoryFacts, MemoryTitle } from '../memories/types';
import {
  capitalise,
  cleanText,
  fillTemplate,
  formatDayRange,
  formatList,
  formatMonth,
  formatMonthYear,
  formatYear,
  formatYears,
  parseDayRange,
  type DayRange,
} from './format';
import { LOCALES, type TitleSituation } from './locale';
import { cityList, countPhrase, kindLabel, placeName, placeWithCountry, themeName } from './words';

/**
 * Every placeholder a title template may use: place (the towns, else the region, else the
 * country), city (the towns only, for phrases like "à {city}" that a country would break),
 * monthYear, month and year of the first day, years (that year, or "2019–2024"), when (the day or
 * the range), days (from two days up), season and inSeason, name, name2 and pair (named people
 * only), theme and themeTitle, ago ("2 years ago").
 */
export const TITLE_SLOTS = [
  'place',
  'city',
  'monthYear',
  'month',
  'year',
  'years',
  'when',
  'days',
  'season',
  'inSeason',
  'name',
  'name2',
  'pair',
  'theme',
  'themeTitle',
  'ago',
] as const;

type TitleSlots = Partial<Record<(typeof TITLE_SLOTS)[number], string>>;

const DAY_MS = 86_400_000;

/**
 * The title and subtitle of a memory. `variant` is any non-negative integer that stays the same
 * for the memory (a hash of its id); different variants choose different wordings.
 */
export function titleMemory(facts: MemoryFacts, lang: Language, variant: number): MemoryTitle {
  const range = parseDayRange(facts.start, facts.end);
  const slots = titleSlots(facts, range, lang);
  const templates = situationsOf(facts, range).flatMap((situation) => LOCALES[lang].titles[situation]);
  const titles = [...new Set(templates.map((template) => fillTemplate(template, slots)).filter((title) => title !== null))];
  const chosen = titles[variantIndex(variant, titles.length)] ?? slots.when ?? kindLabel(facts.kind, lang);
  const title = capitalise(chosen, lang);
  return { title, subtitle: subtitleOf(facts, slots, title, lang) };
}

function variantIndex(variant: number, count: number): number {
  return Number.isSafeInteger(variant) && variant > 0 && count > 0 ? variant % count : 0;
}

function situationsOf(facts: MemoryFacts, range: DayRange | null): TitleSituation[] {
  const named = namedPeople(facts);
  switch (facts.kind) {
    case 'trip': {
      const weekend: TitleSituation[] = range && isWeekendTrip(range, facts.days) ? ['weekend'] : [];
      return [facts.place ? 'trip' : 'tripAnywhere', ...weekend];
    }
    case 'event':
      return facts.occasion ? [facts.occasion, 'event'] : ['event'];
    case 'person':
      if (named.length === 0) return ['familiarFace'];
      return range && range.start.getUTCFullYear() !== range.end.getUTCFullYear() ? ['person', 'personOverYears'] : ['person'];
    case 'together':
      return named.length >= 2 ? ['pair'] : named.length === 1 ? ['withOne'] : ['together'];
    case 'theme':
      return ['theme'];
    case 'on-this-day':
      return ['onThisDay'];
    case 'year':
      return ['year'];
    case 'season':
      return ['season'];
  }
}

/** Two or three days that take in a Saturday or a Sunday. */
function isWeekendTrip({ start, end }: DayRange, days: number): boolean {
  const span = Math.round((end.getTime() - start.getTime()) / DAY_MS) + 1;
  if (days < 2 || span < 2 || span > 3) return false;
  for (let time = start.getTime(); time <= end.getTime(); time += DAY_MS) {
    const weekday = new Date(time).getUTCDay();
    if (weekday === 0 || weekday === 6) return true;
  }
  return false;
}

/** The names a title may use: the memory's person for a person memory, else everyone named. */
function namedPeople(facts: MemoryFacts): string[] {
  const people = facts.kind === 'person' ? facts.people.slice(0, 1) : facts.people;
  return people.map((person) => cleanText(person.name)).filter(Boolean);
}

function titleSlots(facts: MemoryFacts, range: DayRange | null, lang: Language): TitleSlots {
  const locale = LOCALES[lang];
  const names = namedPeople(facts);
  const season = facts.season ? locale.seasons[facts.season] : null;
  return {
    ...(range ? dateSlots(range, lang) : {}),
    place: facts.place ? placeName(facts.place, lang) : undefined,
    city: facts.place ? cityList(facts.place, lang) : undefined,
    days: facts.days >= 2 ? countPhrase('days', facts.days, lang) : undefined,
    season: season?.name,
    inSeason: season?.in,
    name: names[0],
    name2: names[1],
    pair: names.length >= 2 ? formatList(names.slice(0, 2), lang) : undefined,
    theme: facts.theme ? themeName(facts.theme, lang) : undefined,
    themeTitle: facts.theme ? locale.themeTitles[facts.theme] : undefined,
    ago: facts.yearsAgo !== null && facts.yearsAgo >= 1 ? countPhrase('yearsAgo', facts.yearsAgo, lang) : undefined,
  };
}

function dateSlots(range: DayRange, lang: Language): TitleSlots {
  return {
    when: formatDayRange(range, lang),
    monthYear: formatMonthYear(range.start, lang),
    month: formatMonth(range.start, lang),
    year: formatYear(range.start, lang),
    years: formatYears(range, lang),
  };
}

/** The facts the title left out: the dates, the place with its country, how many photos. */
function subtitleOf(facts: MemoryFacts, slots: TitleSlots, title: string, lang: Language): string {
  const place = facts.place ? placeWithCountry(facts.place, lang) : '';
  const parts = [slots.when ?? '', place].filter((part) => part !== '' && !title.includes(part));
  if (facts.photoCount > 0) parts.push(countPhrase('photos', facts.photoCount, lang));
  return parts.join(LOCALES[lang].separator) || slots.when || kindLabel(facts.kind, lang);
}
