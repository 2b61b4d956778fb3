/** Display formatting shared by the UI, in the UI's current language. */
import type { TfBackend } from '../db/schema';
import { grammar, type ByteUnit, type Grammar } from '../i18n/grammar';
import type { Language } from '../pipeline/memories/types';
import { locale, t } from '../i18n/i18n.svelte';

const BYTE_UNITS: readonly ByteUnit[] = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value < 10 && unit > 0 ? 1 : 0;
  const amount = value.toLocaleString(locale.language, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
  return t('format.bytes', { amount, unit: BYTE_UNITS[unit]! });
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return t('format.seconds', { seconds: Math.ceil(seconds) });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('format.minutes', { minutes, seconds: Math.round(seconds % 60) });
  return t('format.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

const grammars = new Map<Language, Grammar>();

/** "1,234", "1.234": a whole number in the UI's language, worded as the catalogues word numbers. */
export function formatNumber(n: number): string {
  let words = grammars.get(locale.language);
  if (!words) grammars.set(locale.language, (words = grammar(locale.language)));
  return words.number(n);
}

const MONTH = { month: 'long', year: 'numeric', timeZone: 'UTC' } as const;
const DAY = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' } as const;
/** Building a date format is slow next to using one, and the grid formats hundreds of headers. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(style: 'month' | 'day'): Intl.DateTimeFormat {
  const key = `${locale.language}:${style}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale.language, style === 'month' ? MONTH : DAY)));
  return format;
}

// Local-sort times are wall clock stored as UTC, hence the UTC formats and the Z.
const dayDate = (key: string): Date => new Date(`${key}T00:00:00Z`);

/** "May 2024", "Mai 2024", "2024年5月" from "2024-05". */
export const formatMonth = (key: string): string => dateFormat('month').format(dayDate(`${key}-01`));
/** Days already worded, by language and day: the grid words each cell's day as it scrolls past. */
const dayWords = new Map<string, string>();

/** "Mon, Jun 3, 2024", "Mo., 3. Juni 2024" from "2024-06-03". */
export function formatDay(key: string): string {
  const known = `${locale.language}:${key}`;
  let words = dayWords.get(known);
  if (words === undefined) dayWords.set(known, (words = dateFormat('day').format(dayDate(key))));
  return words;
}
/** "Fri, May 12 – Mon, May 15, 2023": the language's own way of joining two days, naming what they share once. */
export const formatDayRange = (first: string, last: string): string => dateFormat('day').formatRange(dayDate(first), dayDate(last));

/** How the vision backends are named to people. */
export const backendName = (backend: TfBackend): string => t(`backend.${backend}`);

/** "pets, food, and beach", "Haustiere, Essen und Strand", "ペット、食べ物、ビーチ". */
export const formatList = (items: readonly string[]): string => new Intl.ListFormat(locale.language, { type: 'conjunction' }).format(items);
