/**
 * Offline evaluation of memory ranking and photo selection (`npm run eval -- ranking`). Simulated
 * people with different tastes act on a library (a report of it) through signals, replayed in
 * order exactly as the app replays the log; after 20 signals the personalised ranking is scored
 * by NDCG@5/@10 against what each taste finds relevant, beside baselines computed in the same run
 * (recency, on-this-day first, quality only, random). Tastes are defined from ground truth where
 * the manifest has it (people, trips, faces) and from detected themes where it has none (pets,
 * nature). Pure: the caller reads the files.
 */
import type { SignalRecord } from '../../db/schema';
import type { Theme } from '../analyse/types';
import { dayKey, hasOwnCaptureTime, localSortMs } from '../import/time';
import { memoryCandidates, type MemoryCandidate } from '../memories/candidates';
import { toMemoryEvents, type MemoryLibrary } from '../memories/library';
import { FEATURES, PRIOR_WEIGHTS, libraryStats, rankMemories, replaySignals, selectionFor, type LibraryStats } from '../memories/rank';
import { emptyProfile } from '../memories/profile';
import { similarity } from '../memories/select';
import type { MemoryPhoto } from '../memories/types';
import { mulberry32 } from '../random';
import type { Report } from '../report/report';
import { unionGroups } from './metrics';

/** The manifest fields this evaluation reads. */
export interface RankingManifest {
  files: Array<{ path: string; sha256: string; kind: string; event_id?: string | null; faces: { boxes?: Array<{ person_id?: string | null }> } }>;
  events: Array<{ id: string; type: string }>;
  people: Array<{ id: string; n_capture_days: number; n_files: number }>;
  near_duplicate_groups: Array<{ id: string; files: string[] }>;
  bursts: Array<{ id: string; files: string[] }>;
}

export type RankingReport = Pick<Report, 'photos' | 'people' | 'events'>;

/** A simulated person: how much they care about each photo (0..1), and so about each memory. */
export interface Taste {
  name: string;
  description: string;
  photoRelevance: (photo: MemoryPhoto) => number;
}

export const SIGNALS = 20;
export const GOAL_MARGIN = 0.1;
const RANDOM_RUNS = 50;

export interface RankingScores {
  ndcg5: number;
  ndcg10: number;
}

export interface TasteResult {
  taste: string;
  description: string;
  relevantMemories: number;
  personalised: RankingScores;
  /** Before any signal: the priors alone. */
  priorsOnly: RankingScores;
  baselines: Record<'recency' | 'onThisDayFirst' | 'qualityOnly' | 'random', RankingScores>;
  bestBaseline: { name: string; ndcg10: number };
  margin: number;
  pass: boolean;
  selection: SelectionScores;
  signals: Array<Pick<SignalRecord, 'type' | 'target'>>;
  top: Array<{ id: string; relevance: number }>;
}

export interface SelectionScores {
  /** NDCG@10 of the selections (ordered by the selection's own preference) against the taste's photo relevance, mean over memories with relevant photos. */
  ndcg10: number;
  qualityOnlyNdcg10: number;
  randomNdcg10: number;
  /** Mean pairwise dissimilarity (1 − similarity) within selections. */
  intraListDiversity: number;
  /** Share of selections holding two photos of one near-duplicate group or burst (ground truth). */
  nearDuplicateRate: number;
  /** Share of selections holding a photo the manifest calls junk. */
  junkRate: number;
  /** Mean share of a memory's days that its selection covers. */
  dayCoverage: number;
}

export interface RankingEvaluation {
  candidates: number;
  kinds: Record<string, number>;
  now: string;
  tastes: TasteResult[];
  pass: boolean;
}

/** The library a report describes, as memories see it; `now` defaults to a year after the newest photo. */
export function libraryFromReport(report: RankingReport, now?: number): MemoryLibrary {
  const dated = (photo: Report['photos'][number]): number | null => (hasOwnCaptureTime(photo) ? localSortMs(photo.takenAt, Number.NaN) : null);
  const photos: MemoryPhoto[] = report.photos.map((photo) => {
    const localMs = dated(photo);
    return {
      id: photo.id,
      localMs: localMs !== null && Number.isFinite(localMs) ? localMs : null,
      kind: photo.kind ?? 'photo',
      quality: photo.quality ?? 0.5,
      themes: photo.themes ?? [],
      people: (photo.faces ?? []).flatMap((face) => (face.personId ? [face.personId] : [])),
      faceCount: photo.faces?.length ?? 0,
      eventId: photo.eventId ?? null,
      similarGroup: photo.similarGroup ?? null,
      bestOfGroup: photo.bestOfGroup ?? false,
    };
  });
  const positions = report.photos.map((photo) => ({ id: photo.id, takenAt: dated(photo) === null ? null : photo.takenAt, gps: photo.gps }));
  const events = toMemoryEvents((report.events ?? []).map((event) => ({ id: event.id, kind: event.kind, photoIds: event.photoIds, place: null, photoPlaces: {} })), positions);
  const newest = Math.max(0, ...photos.flatMap((photo) => (photo.localMs === null ? [] : [photo.localMs])));
  return {
    photos,
    people: (report.people ?? []).map((person) => ({ id: person.id, name: person.name, hidden: person.hidden })),
    events,
    now: now ?? newest + 365 * 86_400_000,
  };
}

/** The simulated tastes, from the manifest's ground truth (and detected themes where it has none). */
export function tastesFor(manifest: RankingManifest): Taste[] {
  const bySha = new Map(manifest.files.map((file) => [file.sha256, file]));
  const personFiles = new Map<string, Set<string>>();
  for (const file of manifest.files) for (const box of file.faces.boxes ?? []) if (box.person_id) personFiles.set(box.person_id, (personFiles.get(box.person_id) ?? new Set()).add(file.sha256));
  // The person seen on the most different days is the one a life's memories would keep returning to.
  const days = new Map(manifest.people.map((person) => [person.id, person.n_capture_days]));
  const [favourite] = [...personFiles].sort((a, b) => (days.get(b[0]) ?? 0) - (days.get(a[0]) ?? 0) || b[1].size - a[1].size || a[0].localeCompare(b[0]));
  const trips = new Set(manifest.events.filter((event) => event.type === 'trip').map((event) => event.id));
  const themed = (themes: Theme[]) => (photo: MemoryPhoto): number => (photo.themes.some((theme) => themes.includes(theme)) ? 1 : 0);
  const tastes: Taste[] = [
    { name: 'traveller', description: 'prefers trips (manifest trips)', photoRelevance: (photo) => (trips.has(bySha.get(photo.id)?.event_id ?? '') ? 1 : 0) },
    { name: 'people-person', description: 'loves photos of people (manifest faces)', photoRelevance: (photo) => ((bySha.get(photo.id)?.faces.boxes?.length ?? 0) > 0 ? 1 : 0) },
    { name: 'animal-lover', description: 'loves pets and animals (detected themes)', photoRelevance: themed(['pets', 'animals']) },
    { name: 'nature-lover', description: 'loves nature, snow, beaches and flowers (detected themes)', photoRelevance: themed(['nature', 'snow', 'beach', 'flowers']) },
  ];
  if (favourite) tastes.unshift({ name: 'cares-about-one-person', description: `cares about manifest person ${favourite[0]}`, photoRelevance: (photo) => (favourite[1].has(photo.id) ? 1 : 0) });
  return tastes;
}

/** A memory's relevance to a taste: the share of its photos the taste loves, 0..1. */
const memoryRelevance = (memory: MemoryCandidate, taste: Taste): number => memory.photos.reduce((sum, photo) => sum + taste.photoRelevance(photo), 0) / memory.photos.length;

export function ndcg(relevances: readonly number[], ideal: readonly number[], k: number): number {
  const dcg = (values: readonly number[]): number => values.slice(0, k).reduce((sum, rel, i) => sum + (2 ** (3 * rel) - 1) / Math.log2(i + 2), 0);
  const best = dcg([...ideal].sort((a, b) => b - a));
  return best ? dcg(relevances) / best : 0;
}

function scoresOf(order: readonly MemoryCandidate[], all: readonly MemoryCandidate[], taste: Taste): RankingScores {
  const ideal = all.map((memory) => memoryRelevance(memory, taste));
  const relevances = order.map((memory) => memoryRelevance(memory, taste));
  return { ndcg5: ndcg(relevances, ideal, 5), ndcg10: ndcg(relevances, ideal, 10) };
}

/**
 * A baseline's scores: candidates by descending key; memories with equal keys (a year and a
 * person album that end on the same day) come in random order, averaged over many draws, so no
 * baseline wins or loses by how ties happen to break.
 */
function baselineScores(candidates: readonly MemoryCandidate[], key: (memory: MemoryCandidate) => number, taste: Taste): RankingScores {
  return averageScores(Array.from({ length: RANDOM_RUNS }, (_, run) => {
    const order = shuffled(candidates, mulberry32(2000 + run)).sort((a, b) => key(b) - key(a));
    return scoresOf(order, candidates, taste);
  }));
}

/** The simulated person at work: alternately judging the memory in front of them and favouriting a photo they love. */
function simulate(candidates: MemoryCandidate[], stats: LibraryStats, taste: Taste, seed: number): SignalRecord[] {
  const random = mulberry32(seed);
  const signals: SignalRecord[] = [];
  const judged = new Set<string>();
  const loved = [...stats.photosById.values()].filter((photo) => photo.kind === 'photo' && taste.photoRelevance(photo) > 0).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let s = 0; s < SIGNALS; s++) {
    const at = s + 1;
    if (s % 2 === 1 && loved.length) {
      const [photo] = loved.splice(Math.floor(random() * loved.length), 1);
      signals.push({ at, type: 'favourite', target: { photoId: photo!.id } });
      continue;
    }
    const ranking = rankMemories(candidates, replaySignals(signals, candidates, stats), stats, { explore: true });
    const next = ranking.slice(0, 10).find((memory) => !judged.has(memory.candidate.id)) ?? ranking.find((memory) => !judged.has(memory.candidate.id));
    if (!next) {
      // Everything judged and no loved photo left to favourite: they go back to the one they like most.
      const favourite = [...ranking].sort((a, b) => memoryRelevance(b.candidate, taste) - memoryRelevance(a.candidate, taste))[0];
      if (favourite) signals.push({ at, type: 'open', target: { memoryId: favourite.candidate.id } });
      continue;
    }
    judged.add(next.candidate.id);
    const relevance = memoryRelevance(next.candidate, taste);
    const type = relevance >= 0.5 ? 'thumbsUp' : relevance < 0.2 ? 'thumbsDown' : 'open';
    signals.push({ at, type, target: { memoryId: next.candidate.id } });
  }
  return signals;
}

export function evaluateRanking(report: RankingReport, manifest: RankingManifest, options: { now?: number; seed?: number } = {}): RankingEvaluation {
  const library = libraryFromReport(report, options.now);
  const candidates = memoryCandidates(library);
  const stats = libraryStats(library, candidates);
  const neutral = emptyProfile(PRIOR_WEIGHTS);
  const priors = rankMemories(candidates, neutral, stats);
  const quality = new Map(priors.map((memory) => [memory.candidate.id, memory.features[FEATURES.indexOf('quality')]!]));
  const newest = (memory: MemoryCandidate): number => Date.parse(memory.facts.end || '1970-01-01');
  const baselineOrders = {
    recency: newest,
    onThisDayFirst: (memory: MemoryCandidate) => (memory.kind === 'on-this-day' ? 1e15 : 0) + newest(memory),
    qualityOnly: (memory: MemoryCandidate) => quality.get(memory.id) ?? 0,
  };
  const truth = unionGroups([...manifest.near_duplicate_groups, ...manifest.bursts].map((group) => ({ id: group.id, files: group.files })));
  const manifestBySha = new Map(manifest.files.map((file) => [file.sha256, file]));
  const tastes = tastesFor(manifest).flatMap((taste, t): TasteResult[] => {
    const relevantMemories = candidates.filter((memory) => memoryRelevance(memory, taste) > 0).length;
    if (relevantMemories < 2) return [];
    const signals = simulate(candidates, stats, taste, (options.seed ?? 1) + t);
    const profile = replaySignals(signals, candidates, stats);
    const personalised = rankMemories(candidates, profile, stats, { explore: true });
    const random = averageScores(Array.from({ length: RANDOM_RUNS }, (_, run) => scoresOf(shuffled(candidates, mulberry32(1000 + run)), candidates, taste)));
    const baselines = {
      recency: baselineScores(candidates, baselineOrders.recency, taste),
      onThisDayFirst: baselineScores(candidates, baselineOrders.onThisDayFirst, taste),
      qualityOnly: baselineScores(candidates, baselineOrders.qualityOnly, taste),
      random,
    };
    const [bestName, best] = Object.entries(baselines).sort((a, b) => b[1].ndcg10 - a[1].ndcg10)[0]!;
    const scores = scoresOf(personalised.map((memory) => memory.candidate), candidates, taste);
    const margin = scores.ndcg10 - best.ndcg10;
    return [{
      taste: taste.name,
      description: taste.description,
      relevantMemories,
      personalised: scores,
      priorsOnly: scoresOf(priors.map((memory) => memory.candidate), candidates, taste),
      baselines,
      bestBaseline: { name: bestName, ndcg10: best.ndcg10 },
      margin,
      pass: margin >= GOAL_MARGIN,
      selection: selectionScores(personalised.slice(0, 10).map((memory) => memory.candidate), profile, stats, taste, truth, manifestBySha),
      signals: signals.map(({ type, target }) => ({ type, target })),
      top: personalised.slice(0, 10).map((memory) => ({ id: memory.candidate.id, relevance: round(memoryRelevance(memory.candidate, taste)) })),
    }];
  });
  const kinds: Record<string, number> = {};
  for (const memory of candidates) kinds[memory.kind] = (kinds[memory.kind] ?? 0) + 1;
  return { candidates: candidates.length, kinds, now: dayKey(library.now), tastes, pass: tastes.length > 0 && tastes.every((taste) => taste.pass) };
}

function selectionScores(
  memories: readonly MemoryCandidate[],
  profile: ReturnType<typeof replaySignals>,
  stats: LibraryStats,
  taste: Taste,
  truth: ReadonlyMap<string, string>,
  manifest: ReadonlyMap<string, { kind: string; path: string }>,
): SelectionScores {
  const ours: number[] = [];
  const quality: number[] = [];
  const random: number[] = [];
  const diversity: number[] = [];
  const coverage: number[] = [];
  let duplicates = 0;
  let junk = 0;
  for (const memory of memories) {
    const chosen = selectionFor(memory, profile, stats).photoIds.map((id) => stats.photosById.get(id)!);
    const ideal = memory.photos.map((photo) => taste.photoRelevance(photo));
    if (ideal.some((rel) => rel > 0)) {
      // A selection is a set; order it the way the selection prefers (favourites and appeal first).
      const preferred = [...chosen].sort((a, b) => Number(profile.favourites.has(b.id)) - Number(profile.favourites.has(a.id)) || b.quality - a.quality);
      ours.push(ndcg(preferred.map((photo) => taste.photoRelevance(photo)), ideal, 10));
      quality.push(ndcg([...memory.photos].sort((a, b) => b.quality - a.quality).map((photo) => taste.photoRelevance(photo)), ideal, 10));
      random.push(ndcg(shuffled(memory.photos, mulberry32(7)).map((photo) => taste.photoRelevance(photo)), ideal, 10));
    }
    const groups = chosen.flatMap((photo) => {
      const path = manifest.get(photo.id)?.path;
      return path && truth.has(path) ? [truth.get(path)!] : [];
    });
    if (new Set(groups).size < groups.length) duplicates += 1;
    if (chosen.some((photo) => (manifest.get(photo.id)?.kind ?? 'photo') !== 'photo')) junk += 1;
    let pairs = 0;
    let apart = 0;
    for (let i = 0; i < chosen.length; i++) for (let j = i + 1; j < chosen.length; j++, pairs++) apart += 1 - similarity(chosen[i]!, chosen[j]!);
    if (pairs) diversity.push(apart / pairs);
    const days = new Set(memory.photos.map((photo) => (photo.localMs === null ? photo.id : dayKey(photo.localMs))));
    const covered = new Set(chosen.map((photo) => (photo.localMs === null ? photo.id : dayKey(photo.localMs))));
    coverage.push(covered.size / days.size);
  }
  return {
    ndcg10: mean(ours),
    qualityOnlyNdcg10: mean(quality),
    randomNdcg10: mean(random),
    intraListDiversity: mean(diversity),
    nearDuplicateRate: memories.length ? duplicates / memories.length : 0,
    junkRate: memories.length ? junk / memories.length : 0,
    dayCoverage: mean(coverage),
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function averageScores(runs: readonly RankingScores[]): RankingScores {
  return { ndcg5: mean(runs.map((run) => run.ndcg5)), ndcg10: mean(runs.map((run) => run.ndcg10)) };
}

const mean = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const round = (x: number): number => Math.round(x * 1000) / 1000;
