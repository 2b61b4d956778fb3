/**
 * A book from a memory: its selection in time order, in chapters — the days of a trip or an
 * event, or the events (else months) of a longer memory — titled in the person's language, ready
 * for the automatic layout. Pure.
 */
import { dayKey } from '../import/time';
import type { Language } from '../memories/types';
import type { BookFormat, Lab } from './formats';
import type { LayoutChapter, LayoutInput } from './layout';
import type { BookPhoto } from './model';

export interface BookSourcePhoto extends BookPhoto {
  /** Local wall clock as if UTC, ms; null without a capture time. */
  localMs: number | null;
  eventId: string | null;
  /** The town it was taken in ("Sintra"), when known. */
  town: string | null;
}

export interface BookSourceMemory {
  id: string;
  kind: string;
  title: string;
  subtitle: string;
  coverPhotoId: string;
  photoIds: string[];
}

/** Chapters smaller than this join the next one: a chapter page per photo would be a book of titles. */
const MIN_CHAPTER_PHOTOS = 3;
const MAX_CHAPTERS = 12;

export function bookFromMemory(memory: BookSourceMemory, photos: ReadonlyMap<string, BookSourcePhoto>, lang: Language, format: BookFormat, lab: Lab, now: number): LayoutInput {
  const chosen = memory.photoIds.flatMap((id) => photos.get(id) ?? []).sort((a, b) => (a.localMs ?? Infinity) - (b.localMs ?? Infinity));
  const byDay = memory.kind === 'trip' || memory.kind === 'event';
  let chapters = byDay ? dayChapters(chosen, lang) : eventChapters(chosen, lang);
  if (chapters.length > MAX_CHAPTERS) chapters = monthChapters(chosen, lang);
  return {
    id: `book-${memory.id}-${now}`,
    title: memory.title,
    subtitle: memory.subtitle,
    memoryId: memory.id,
    coverPhotoId: memory.coverPhotoId || null,
    chapters: mergeSmall(chapters),
    photos,
    format,
    lab,
    now,
  };
}

function dayChapters(photos: readonly BookSourcePhoto[], lang: Language): LayoutChapter[] {
  const format = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  return groups(photos, (photo) => (photo.localMs === null ? 'undated' : dayKey(photo.localMs))).map(([, members]) => ({
    title: members[0]!.localMs === null ? '' : capitalise(format.format(new Date(members[0]!.localMs)), lang),
    subtitle: towns(members, lang),
    photoIds: members.map((photo) => photo.id),
  }));
}

function eventChapters(photos: readonly BookSourcePhoto[], lang: Language): LayoutChapter[] {
  const format = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return groups(photos, (photo) => photo.eventId ?? (photo.localMs === null ? 'undated' : dayKey(photo.localMs).slice(0, 7))).map(([, members]) => {
    const first = members[0]!.localMs;
    const last = members.at(-1)!.localMs;
    const dates = first === null ? '' : last === null || dayKey(first) === dayKey(last) ? format.format(new Date(first)) : format.formatRange(new Date(first), new Date(last));
    const place = towns(members, lang);
    return { title: place || dates, subtitle: place ? dates : undefined, photoIds: members.map((photo) => photo.id) };
  });
}

function monthChapters(photos: readonly BookSourcePhoto[], lang: Language): LayoutChapter[] {
  const format = new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return groups(photos, (photo) => (photo.localMs === null ? 'undated' : dayKey(photo.localMs).slice(0, 7))).map(([, members]) => ({
    title: members[0]!.localMs === null ? '' : capitalise(format.format(new Date(members[0]!.localMs)), lang),
    photoIds: members.map((photo) => photo.id),
  }));
}

/** Consecutive runs of photos with the same key, in order. */
function groups(photos: readonly BookSourcePhoto[], key: (photo: BookSourcePhoto) => string): Array<[string, BookSourcePhoto[]]> {
  const out: Array<[string, BookSourcePhoto[]]> = [];
  for (const photo of photos) {
    const k = key(photo);
    const last = out.at(-1);
    if (last && last[0] === k) last[1].push(photo);
    else out.push([k, [photo]]);
  }
  return out;
}

/** The towns of some photos, in order, as a list in the language ("Lisbon and Sintra"). */
function towns(photos: readonly BookSourcePhoto[], lang: Language): string {
  const names = [...new Set(photos.flatMap((photo) => photo.town ?? []))].slice(0, 3);
  return names.length ? new Intl.ListFormat(lang, { type: 'conjunction' }).format(names) : '';
}

function mergeSmall(chapters: readonly LayoutChapter[]): LayoutChapter[] {
  const out: LayoutChapter[] = [];
  for (const chapter of chapters) {
    const last = out.at(-1);
    if (last && last.photoIds.length < MIN_CHAPTER_PHOTOS) last.photoIds.push(...chapter.photoIds);
    else out.push({ ...chapter, photoIds: [...chapter.photoIds] });
  }
  const tail = out.at(-1);
  if (out.length > 1 && tail && tail.photoIds.length < MIN_CHAPTER_PHOTOS) out.at(-2)!.photoIds.push(...out.pop()!.photoIds);
  return out;
}

const capitalise = (text: string, lang: Language): string => text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);
