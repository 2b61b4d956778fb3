/**
 * Memories, start to finish: candidates from the library, the person's signals replayed into a
 * taste, ranking, photo selection, and titles and reasons in the person's language. Pure: the
 * cluster worker runs it over stored records, the ranking evaluation over a report.
 */
import type { SignalRecord } from '../../db/schema';
import { memoryCandidates, type MemoryCandidate } from './candidates';
import type { MemoryLibrary } from './library';
import { contentOf, libraryStats, rankMemories, replaySignals, type LibraryStats, type RankedMemory } from './rank';
import type { TasteProfile } from './profile';
import { titleMemory, whySentence } from '../story';
import type { Language, MemoryFacts, MemoryKind, MemoryPhoto, MemoryTitle, WhyReason } from './types';

export interface Memory {
  id: string;
  kind: MemoryKind;
  title: string;
  subtitle: string;
  /** The person wrote this title themselves. */
  titleEdited: boolean;
  why: string;
  reasons: WhyReason[];
  /** 0..1, and the place in the ranking (0 = first). */
  score: number;
  rank: number;
  coverPhotoId: string;
  /** The selection, oldest first. */
  photoIds: string[];
  /** Every usable photo the memory could draw from (for "add photos"). */
  poolPhotoIds: string[];
  facts: MemoryFacts;
  /** The person favourited the memory itself. */
  saved: boolean;
}

/** Milliseconds per step of one generation, filled in when asked for (the benchmarks). */
export interface GenerationTimings {
  candidates: number;
  taste: number;
  rank: number;
  titles: number;
}

export function generateMemories(library: MemoryLibrary, signals: readonly SignalRecord[], lang: Language, timings?: GenerationTimings): Memory[] {
  return wordMemories(rankCandidates(libraryCandidates(library, timings), signals, timings), lang, timings);
}

/** Every memory of a run but its words: what a change of language leaves as it was. */
export interface RankedLibrary {
  ranked: RankedMemory[];
  profile: TasteProfile;
}

/** The library's memory candidates and what ranking needs to know of the library as a whole. */
export interface LibraryCandidates {
  candidates: MemoryCandidate[];
  stats: LibraryStats;
}

/** Candidates from the library: what a signal or a language leaves as it was. */
export function libraryCandidates(library: MemoryLibrary, timings?: GenerationTimings): LibraryCandidates {
  const lap = stopwatch(timings);
  const candidates = memoryCandidates(library);
  const stats = libraryStats(library, candidates);
  // Counted now, while the library is read: the first ranking (a person's first favourite) then only ranks.
  for (const candidate of candidates) contentOf(candidate, stats);
  lap('candidates');
  return { candidates, stats };
}

/** The signals replayed into a taste, and the candidates ranked under it with their photo selections. */
export function rankCandidates({ candidates, stats }: LibraryCandidates, signals: readonly SignalRecord[], timings?: GenerationTimings): RankedLibrary {
  const lap = stopwatch(timings);
  const profile = replaySignals(signals, candidates, stats);
  lap('taste');
  const ranked = rankMemories(candidates, profile, stats, { explore: true });
  lap('rank');
  return { ranked, profile };
}

/** Titles, reasons and covers in the person's language. */
export function wordMemories({ ranked, profile }: RankedLibrary, lang: Language, timings?: GenerationTimings): Memory[] {
  const lap = stopwatch(timings);
  const covers = new Set<string>();
  const memories = ranked.map(({ candidate, selection, score, why }, rank): Memory => {
    const coverPhotoId = freshCover(selection.cover, selection.photoIds, candidate.photos, covers);
    return {
      id: candidate.id,
      kind: candidate.kind,
      ...memoryWords({ id: candidate.id, facts: candidate.facts, reasons: why, editedTitle: profile.edits.get(candidate.id)?.title }, lang),
      reasons: why,
      score,
      rank,
      coverPhotoId,
      photoIds: selection.photoIds,
      poolPhotoIds: candidate.photos.map((photo) => photo.id),
      facts: candidate.facts,
      saved: profile.saved.has(candidate.id),
    };
  });
  lap('titles');
  return memories;
}

/** What a memory says in a language: its title (unless the person wrote their own), subtitle and why. */
export function memoryWords(memory: { id: string; facts: MemoryFacts; reasons: readonly WhyReason[]; editedTitle: string | undefined }, lang: Language): Pick<Memory, 'title' | 'subtitle' | 'titleEdited' | 'why'> {
  const generated = titleOf(memory.facts, lang, variantOf(memory.id));
  return {
    title: memory.editedTitle ?? generated.title,
    subtitle: generated.subtitle,
    titleEdited: memory.editedTitle !== undefined,
    why: whySentence(memory.reasons, lang),
  };
}

/**
 * Titles by what they were written from: the facts, the language and the wording. After a
 * favourite or a dismissal only the ranking changes, and the thousands of titles of a big library
 * need not be written again; the facts are compared by value, as the memories worded after a reload
 * are read from storage while the ones ranked later are made from the library. Forgotten whole
 * when it grows past a few libraries' worth.
 */
const titlesWritten = new Map<string, MemoryTitle>();
const MAX_TITLES_KEPT = 50_000;

function titleOf(facts: MemoryFacts, lang: Language, variant: number): MemoryTitle {
  const key = `${lang} ${variant} ${JSON.stringify(facts)}`;
  let title = titlesWritten.get(key);
  if (!title) {
    if (titlesWritten.size >= MAX_TITLES_KEPT) titlesWritten.clear();
    titlesWritten.set(key, (title = titleMemory(facts, lang, variant)));
  }
  return title;
}

/** Laps of one step after another into `timings`, when asked for. */
function stopwatch(timings?: GenerationTimings): (step: keyof GenerationTimings) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    if (timings) timings[step] = Math.round(now - last);
    last = now;
  };
}

/**
 * Memories share photos (a trip is also in its year and its season): a cover already used by a
 * memory ranked higher gives way to the memory's next best photo, so the cards do not repeat.
 */
function freshCover(cover: string, selection: readonly string[], photos: readonly MemoryPhoto[], used: Set<string>): string {
  let choice = cover;
  if (used.has(cover)) {
    const byId = new Map(photos.map((photo) => [photo.id, photo]));
    choice = selection.filter((id) => !used.has(id)).sort((a, b) => appeal(byId.get(b)) - appeal(byId.get(a)))[0] ?? cover;
  }
  used.add(choice);
  return choice;
}

const appeal = (photo: MemoryPhoto | undefined): number => (photo ? photo.quality + (photo.faceCount ? 0.1 : 0) : 0);

/** A stable small number from a memory id, so each memory keeps its title wording from run to run. */
function variantOf(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % 997;
}
