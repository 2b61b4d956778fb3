/**
 * Intl-backed formatting for the story stage: numbers, plural forms, dates and ranges, lists and
 * country names, plus the template filling every title and sentence goes through. Dates are
 * "YYYY-MM-DD" local days, read as UTC midnights and formatted in UTC, so the zone of the machine
 * running this never moves a day.
 */
import type { Language } from '../memories/types';
import type { CountForms } from './locale';

/** A memory's first and last day. */
export interface DayRange {
  start: Date;
  end: Date;
}

interface Formatters {
  number: Intl.NumberFormat;
  plural: Intl.PluralRules;
  distance: Intl.NumberFormat;
  date: Intl.DateTimeFormat;
  monthDay: Intl.DateTimeFormat;
  day: Intl.DateTimeFormat;
  monthYear: Intl.DateTimeFormat;
  month: Intl.DateTimeFormat;
  year: Intl.DateTimeFormat;
  list: Intl.ListFormat;
  regions: Intl.DisplayNames;
}

/** Building Intl objects costs far more than using them, and a library has hundreds of memories. */
const formattersByLanguage = new Map<Language, Formatters>();

function formatters(lang: Language): Formatters {
  let made = formattersByLanguage.get(lang);
  if (!made) {
    const utc = { timeZone: 'UTC' } as const;
    made = {
      number: new Intl.NumberFormat(lang),
      plural: new Intl.PluralRules(lang),
      // CLDR puts an ASCII space before "km" in Japanese; the narrow form reads as Japanese writes it.
      distance: new Intl.NumberFormat(lang, { style: 'unit', unit: 'kilometer', unitDisplay: lang === 'ja' ? 'narrow' : 'short', maximumFractionDigits: 0 }),
      date: new Intl.DateTimeFormat(lang, { ...utc, day: 'numeric', month: 'long', year: 'numeric' }),
      monthDay: new Intl.DateTimeFormat(lang, { ...utc, day: 'numeric', month: 'long' }),
      day: new Intl.DateTimeFormat(lang, { ...utc, day: 'numeric' }),
      monthYear: new Intl.DateTimeFormat(lang, { ...utc, month: 'long', year: 'numeric' }),
      month: new Intl.DateTimeFormat(lang, { ...utc, month: 'long' }),
      year: new Intl.DateTimeFormat(lang, { ...utc, year: 'numeric' }),
      list: new Intl.ListFormat(lang, { type: 'conjunction' }),
      regions: new Intl.DisplayNames([lang], { type: 'region' }),
    };
    formattersByLanguage.set(lang, made);
  }
  return made;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2023-05-12" as that day's UTC midnight; null for anything that is not a real day. */
function parseDay(text: string): Date | null {
  const match = DAY_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

export function parseDayRange(start: string, end: string): DayRange | null {
  const first = parseDay(start);
  const last = parseDay(end);
  if (!first || !last) return null;
  return first <= last ? { start: first, end: last } : { start: last, end: first };
}

function formatNumber(n: number, lang: Language): string {
  return formatters(lang).number.format(n);
}

/** The form of a counted phrase that the language's plural rules pick for n, with n filled in. */
export function formatCount(forms: CountForms, n: number, lang: Language): string {
  const form = (n === 1 ? forms['=1'] : undefined) ?? forms[formatters(lang).plural.select(n)] ?? forms.other;
  return form.replace('{n}', formatNumber(n, lang));
}

/** Distances are rough: "1,200 km" says as much as "1,234 km" and reads better. */
export function formatDistance(km: number, lang: Language): string {
  const rounded = km < 100 ? Math.round(km) : Number(km.toPrecision(2));
  return formatters(lang).distance.format(rounded);
}

export function formatMonthYear(date: Date, lang: Language): string {
  return formatters(lang).monthYear.format(date);
}

export function formatMonth(date: Date, lang: Language): string {
  return formatters(lang).month.format(date);
}

export function formatYear(date: Date, lang: Language): string {
  return formatters(lang).year.format(date);
}

/** "2023", or "2019–2024" when the range crosses years. */
export function formatYears({ start, end }: DayRange, lang: Language): string {
  const { year } = formatters(lang);
  return start.getUTCFullYear() === end.getUTCFullYear() ? year.format(start) : year.formatRange(start, end);
}

/**
 * What joins the two ends of a Japanese or Chinese range. ICU builds differ on these two languages'
 * range patterns (Node 20's gives "2023/05/12～2023/05/15" for a long-month range), so their
 * ranges are put together from Intl's own single-date pieces: "2023年5月12日～15日".
 */
const CJK_RANGE_JOIN: Partial<Record<Language, string>> = { ja: '～', zh: '至' };

/** One day, or the range from the first to the last, as the language writes it. */
export function formatDayRange(range: DayRange, lang: Language): string {
  const { start, end } = range;
  const { date, monthDay, day } = formatters(lang);
  if (start.getTime() === end.getTime()) return date.format(start);
  const join = CJK_RANGE_JOIN[lang];
  if (join === undefined) return date.formatRange(start, end);
  const sameYear = start.getUTCFullYear() === end.getUTCFullYear();
  const sameMonth = sameYear && start.getUTCMonth() === end.getUTCMonth();
  const endText = sameMonth ? day.format(end) : sameYear ? monthDay.format(end) : date.format(end);
  return date.format(start) + join + endText;
}

/** "A, B and C" with the language's own conjunction and commas. */
export function formatList(items: string[], lang: Language): string {
  return formatters(lang).list.format(items);
}

/** The country's name in the language, null when the code is not a usable region code. */
export function countryName(code: string, lang: Language): string | null {
  if (!/^[A-Za-z]{2}$/.test(code)) return null;
  const name = formatters(lang).regions.of(code.toUpperCase());
  return name && name !== code.toUpperCase() ? name : null;
}

/** Names and places come from people and gazetteers: trimmed, with runs of spaces made one. */
export function cleanText(text: string | null | undefined): string {
  return (text ?? '').trim().replace(/\s+/g, ' ');
}

/** Titles and sentences start with a capital where the script has them. */
export function capitalise(text: string, lang: Language): string {
  return text.slice(0, 1).toLocaleUpperCase(lang) + text.slice(1);
}

const PLACEHOLDER = /\{(\w+)\}/g;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * The template with its placeholders replaced, or null when any of them has no value: a template
 * that needs a missing fact is skipped rather than printed with a hole in it.
 */
export function fillTemplate(template: string, slots: Readonly<Record<string, string | undefined>>): string | null {
  let complete = true;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = slots[name];
    if (!value) complete = false;
    return value ?? '';
  });
  return complete ? text : null;
}
