/**
 * Ranking that learns on the device. Each memory is described by a few explainable features;
 * its score is a logistic model over them, started from sensible priors. The person's signals,
 * replayed in order, teach it twice: content lifts (which themes, people and kinds they favour,
 * profile.ts) feed the affinity features, and feedback on memories updates the weights online
 * (logistic regression, pulled back towards the priors). A small exploration bonus lets kinds
 * the person has not judged yet surface now and then. Every score comes with its reasons. Pure.
 */
import type { SignalRecord } from '../../db/schema';
import type { MemoryCandidate } from './candidates';
import type { MemoryLibrary } from './library';
import { applyFavourite, editsOf, emptyProfile, forgetLearning, inOrder, learnFromPhotos, learnKind, lift, memoryFeedback, photoFeedback, type TasteProfile } from './profile';
import { selectPhotos, type Selection } from './select';
import { MEMORY_KINDS, type MemoryPhoto, type WhyReason } from './types';

export const FEATURES = ['bias', 'quality', 'size', 'recency', 'anniversary', 'people', 'trip', 'themeAffinity', 'personAffinity', 'kindAffinity', 'favourites', 'novelty', 'faces'] as const;
type Feature = (typeof FEATURES)[number];

/** Priors: a good, big, recent or anniversary memory of important people or a far trip comes first. */
export const PRIOR_WEIGHTS: readonly number[] = weightsOf({
  bias: -2, quality: 1.5, size: 1, recency: 1, anniversary: 1.5, people: 1.2, trip: 1.2,
  themeAffinity: 3, personAffinity: 3, kindAffinity: 2, favourites: 2.5, novelty: 0.3, faces: 0.5,
});

const LEARNING_RATE = 0.3;
/** Pull towards the priors on every update, so a few signals refine rather than overturn them. */
const PRIOR_PULL = 0.02;
const EXPLORATION = 0.3;
/** A memory the person favourited stays near the top. */
const SAVED_BONUS = 2;

function weightsOf(values: Record<Feature, number>): number[] {
  return FEATURES.map((feature) => values[feature]);
}

export interface LibraryStats {
  photosById: Map<string, MemoryPhoto>;
  /** Share of usable photos with each theme / person. */
  themeBase: Map<string, number>;
  personBase: Map<string, number>;
  /** 0..1: how much a person matters before any signal (named, often photographed). */
  importance: Map<string, number>;
  now: number;
}

export function libraryStats(library: MemoryLibrary, candidates: readonly MemoryCandidate[]): LibraryStats {
  const photos = library.photos.filter((photo) => photo.kind === 'photo');
  const share = (key: (photo: MemoryPhoto) => readonly string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const photo of photos) for (const k of new Set(key(photo))) counts.set(k, (counts.get(k) ?? 0) + 1);
    return new Map([...counts].map(([k, n]) => [k, n / Math.max(1, photos.length)]));
  };
  const personBase = share((photo) => photo.people);
  const most = Math.max(0, ...personBase.values());
  const importance = new Map(library.people.map((person) => [person.id, (person.name ? 0.6 : 0) + 0.4 * Math.sqrt((personBase.get(person.id) ?? 0) / (most || 1))]));
  const photosById = new Map(library.photos.map((photo) => [photo.id, photo]));
  for (const candidate of candidates) for (const photo of candidate.photos) photosById.set(photo.id, photo);
  return { photosById, themeBase: share((photo) => photo.themes), personBase, importance, now: library.now };
}

/** Replay the signals log, oldest first, into a taste profile. */
export function replaySignals(signals: readonly SignalRecord[], candidates: readonly MemoryCandidate[], stats: LibraryStats): TasteProfile {
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const profile = emptyProfile(PRIOR_WEIGHTS);
  let current = profile;
  for (const signal of inOrder(signals)) current = applySignal(current, signal, byId, stats);
  return current;
}

function applySignal(profile: TasteProfile, signal: SignalRecord, memories: Map<string, MemoryCandidate>, stats: LibraryStats): TasteProfile {
  if (signal.type === 'resetLearning') return forgetLearning(profile, PRIOR_WEIGHTS);
  const { memoryId, photoId, personId } = signal.target;
  const photo = photoId ? stats.photosById.get(photoId) : undefined;
  if (memoryId) applyMemorySignal(profile, signal, memories.get(memoryId), stats);
  applyFavourite(profile.favourites, signal);
  if (photoId && (!memoryId || signal.type === 'removeFromMemory' || signal.type === 'addToMemory')) {
    if (signal.type === 'hide') profile.hiddenPhotos.add(photoId);
    if (signal.type === 'unhide') profile.hiddenPhotos.delete(photoId);
    if (photo) learnFromPhotos(profile, [photo], photoFeedback(signal));
  }
  // Naming someone says they matter.
  if (personId && !memoryId && !photoId && signal.type === 'rename') learnFromPhotos(profile, [{ ...NOBODY, people: [personId] }], 1);
  return profile;
}

const NOBODY: MemoryPhoto = { id: '', localMs: null, kind: 'photo', quality: 0, themes: [], people: [], faceCount: 0, eventId: null, similarGroup: null, bestOfGroup: false };

function applyMemorySignal(profile: TasteProfile, signal: SignalRecord, memory: MemoryCandidate | undefined, stats: LibraryStats): void {
  const id = signal.target.memoryId!;
  const photoId = signal.target.photoId;
  if (signal.type === 'open') profile.opened.add(id);
  if (signal.type === 'dismiss' || (signal.type === 'hide' && !photoId)) profile.dismissed.add(id);
  if (signal.type === 'favourite' && !photoId) profile.saved.add(id);
  if (signal.type === 'unfavourite' && !photoId) profile.saved.delete(id);
  if (signal.type === 'rename' && typeof signal.value === 'string') editsOf(profile, id).title = signal.value.trim() || undefined;
  if (photoId && signal.type === 'removeFromMemory') {
    editsOf(profile, id).removed.add(photoId);
    editsOf(profile, id).added = editsOf(profile, id).added.filter((added) => added !== photoId);
  }
  if (photoId && signal.type === 'addToMemory') {
    editsOf(profile, id).removed.delete(photoId);
    if (!editsOf(profile, id).added.includes(photoId)) editsOf(profile, id).added.push(photoId);
  }
  const feedback = photoId ? 0 : memoryFeedback(signal);
  if (!memory || !feedback) return;
  // Learn the weights on the memory as it looked when the person judged it, then its content.
  const x = features(memory, selectionFor(memory, profile, stats), profile, stats);
  const target = feedback > 0 ? 1 : 0;
  const error = target - sigmoid(dot(profile.weights, x));
  const rate = LEARNING_RATE * Math.abs(feedback);
  profile.weights = profile.weights.map((w, i) => w + rate * error * x[i]! - PRIOR_PULL * (w - PRIOR_WEIGHTS[i]!));
  learnKind(profile, memory.kind, feedback);
  learnFromPhotos(profile, memory.photos, feedback * 0.5);
  if (Math.abs(feedback) >= 1) {
    profile.feedbackByKind.set(memory.kind, (profile.feedbackByKind.get(memory.kind) ?? 0) + 1);
    profile.feedbackTotal += 1;
  }
}

/**
 * A memory's selection under the person's favourites, edits and learned appeal. `appeal` may be
 * shared by calls under one unchanged profile (appealFor), so a photo's appeal is found once.
 */
export function selectionFor(memory: MemoryCandidate, profile: TasteProfile, stats: LibraryStats, appeal = appealFor(profile, stats)): Selection {
  const edits = profile.edits.get(memory.id);
  const added = (edits?.added ?? []).flatMap((id) => stats.photosById.get(id) ?? []);
  return selectPhotos(memory, { favourites: profile.favourites, removed: new Set([...(edits?.removed ?? []), ...profile.hiddenPhotos]), added: edits?.added, appeal }, added);
}

/**
 * photoAppeal under this profile, remembered per photo: a photo is in many memories (its event,
 * people, pairs, themes, year, season), and ranking selects photos for thousands of them. Valid
 * while the profile does not change.
 */
function appealFor(profile: TasteProfile, stats: LibraryStats): (photo: MemoryPhoto) => number {
  const known = new Map<MemoryPhoto, number>();
  return (photo) => {
    let appeal = known.get(photo);
    if (appeal === undefined) known.set(photo, (appeal = photoAppeal(photo, profile, stats)));
    return appeal;
  };
}

/** How much this person is drawn to a photo's themes and people, 0..0.5. */
export function photoAppeal(photo: MemoryPhoto, profile: TasteProfile, stats: LibraryStats): number {
  const themes = photo.themes.map((theme) => lift(profile.themes, theme, stats.themeBase.get(theme) ?? 0));
  const people = photo.people.map((person) => lift(profile.people, person, stats.personBase.get(person) ?? 0));
  return Math.max(0, Math.min(0.5, 0.25 * Math.max(0, ...themes) + 0.25 * Math.max(0, ...people)));
}

export function features(memory: MemoryCandidate, selection: Selection, profile: TasteProfile, stats: LibraryStats): number[] {
  const chosen = selection.photoIds.flatMap((id) => stats.photosById.get(id) ?? []);
  const content = contentOf(memory, stats);
  const photos = memory.photos;
  let favourites = 0;
  for (const photo of photos) if (profile.favourites.has(photo.id)) favourites++;
  const values: Record<Feature, number> = {
    bias: 1,
    quality: chosen.length ? chosen.reduce((sum, photo) => sum + photo.quality, 0) / chosen.length : 0,
    size: content.size,
    recency: content.recency,
    anniversary: content.anniversary,
    people: content.people,
    trip: content.trip,
    themeAffinity: [...content.themeShares].reduce((sum, [theme, share]) => sum + share * lift(profile.themes, theme, stats.themeBase.get(theme) ?? 0), 0),
    personAffinity: [...content.personShares].reduce((sum, [person, share]) => sum + share * lift(profile.people, person, stats.personBase.get(person) ?? 0), 0),
    kindAffinity: lift(profile.kinds, memory.kind, 1 / MEMORY_KINDS.length),
    favourites: Math.min(1, (3 * favourites) / photos.length),
    novelty: profile.opened.has(memory.id) ? 0 : 1,
    faces: content.faces,
  };
  return weightsOf(values);
}

/** The features of a memory that no signal changes: what it holds, when and where. */
interface MemoryContent {
  size: number;
  recency: number;
  anniversary: number;
  /** Whole years ago of most of its anniversary photos (0: none). */
  yearsAgo: number;
  people: number;
  trip: number;
  faces: number;
  /** Share of its photos with each theme, and with each person. */
  themeShares: Map<string, number>;
  personShares: Map<string, number>;
}

/**
 * Content features by candidate, for the library statistics they were found with. A worker keeps a
 * library's candidates and statistics while the library stands, and ranks them again after every
 * signal: what they hold is counted once, not on every favourite.
 */
const contents = new WeakMap<MemoryCandidate, { stats: LibraryStats; content: MemoryContent }>();

export function contentOf(memory: MemoryCandidate, stats: LibraryStats): MemoryContent {
  const known = contents.get(memory);
  if (known?.stats === stats) return known.content;
  const photos = memory.photos;
  const endMs = memory.facts.end ? Date.parse(`${memory.facts.end}T00:00:00Z`) : null;
  const anniversary = anniversaryOf(memory, stats.now);
  let faces = 0;
  for (const photo of photos) if (photo.faceCount > 0) faces++;
  const content: MemoryContent = {
    size: Math.min(1, Math.log1p(photos.length) / Math.log(61)),
    recency: endMs === null ? 0 : Math.exp(-Math.max(0, stats.now - endMs) / (365 * 86_400_000)),
    anniversary: memory.kind === 'on-this-day' ? 1 : Math.min(1, anniversary.share),
    yearsAgo: anniversary.yearsAgo,
    people: Math.max(0, ...memory.facts.people.map((person) => stats.importance.get(person.id) ?? 0)),
    trip: tripValue(memory),
    faces: faces / photos.length,
    themeShares: shares(photos, (photo) => photo.themes),
    personShares: shares(photos, (photo) => photo.people),
  };
  contents.set(memory, { stats, content });
  return content;
}

/** The share of the photos that have each key (a photo counts once per key, however often it lists it). */
function shares(photos: readonly MemoryPhoto[], keys: (photo: MemoryPhoto) => readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const photo of photos) {
    const list = keys(photo);
    for (let i = 0; i < list.length; i++) if (list.indexOf(list[i]!) === i) counts.set(list[i]!, (counts.get(list[i]!) ?? 0) + 1 / photos.length);
  }
  return counts;
}

function tripValue(memory: MemoryCandidate): number {
  const far = memory.awayKm === null ? 0 : Math.min(1, Math.log10(1 + memory.awayKm) / 3.5);
  if (memory.kind === 'trip') return 0.5 * Math.min(1, memory.facts.days / 7) + 0.5 * far;
  return memory.kind === 'event' && (memory.awayKm ?? 0) > 50 ? 0.3 * far : 0;
}

/**
 * How much of a memory was taken within a week of today's date in an earlier year (0..1), and
 * how many years ago most of those photos were: a trip that began this week two years ago is an
 * anniversary; one stray photo in a person's album is not much of one.
 */
function anniversaryOf(memory: MemoryCandidate, now: number): { share: number; yearsAgo: number } {
  // Numbers, not day strings: this runs for every photo of every candidate (millions at 100,000 photos).
  const today = new Date(now);
  const year = today.getUTCFullYear();
  const todayMs = Date.UTC(year, today.getUTCMonth(), today.getUTCDate());
  const years = new Map<number, number>();
  for (const photo of memory.photos) {
    if (photo.localMs === null) continue;
    const taken = new Date(photo.localMs);
    const takenYear = taken.getUTCFullYear();
    if (takenYear >= year) continue;
    // The photo's day this year (29 February rolls over to 1 March, as the day strings did).
    const distance = Math.abs(Date.UTC(year, taken.getUTCMonth(), taken.getUTCDate()) - todayMs) / 86_400_000;
    if (Math.min(distance, 365 - distance) > 7) continue;
    const ago = year - takenYear;
    years.set(ago, (years.get(ago) ?? 0) + 1);
  }
  const [yearsAgo, count] = [...years].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [0, 0];
  return { share: count / memory.photos.length, yearsAgo };
}

export interface RankedMemory {
  candidate: MemoryCandidate;
  selection: Selection;
  features: number[];
  /** 0..1 */
  score: number;
  why: WhyReason[];
}

/** Rank the candidates for this person: dismissed ones left out, favourited ones kept high. */
export function rankMemories(candidates: readonly MemoryCandidate[], profile: TasteProfile, stats: LibraryStats, options: { explore?: boolean } = {}): RankedMemory[] {
  const appeal = appealFor(profile, stats);
  const scored = candidates.flatMap((candidate) => {
    if (profile.dismissed.has(candidate.id)) return [];
    const selection = selectionFor(candidate, profile, stats, appeal);
    if (!selection.photoIds.length) return [];
    const x = features(candidate, selection, profile, stats);
    const logit = dot(profile.weights, x) + (profile.saved.has(candidate.id) ? SAVED_BONUS : 0) + (options.explore ? explorationBonus(candidate, profile) : 0);
    return [{ candidate, selection, features: x, score: sigmoid(logit) }];
  });
  // Reasons say what sets a memory apart from the others, so every card does not say the same.
  const typical = FEATURES.map((_, i) => scored.reduce((sum, memory) => sum + memory.features[i]!, 0) / Math.max(1, scored.length));
  return scored
    .map((memory) => ({ ...memory, why: reasons(memory.candidate, memory.features, typical, profile, stats) }))
    .sort((a, b) => b.score - a.score || (a.candidate.id < b.candidate.id ? -1 : 1));
}

/** Upper-confidence bonus for kinds the person has judged least. */
function explorationBonus(candidate: MemoryCandidate, profile: TasteProfile): number {
  if (!profile.feedbackTotal) return 0;
  return EXPLORATION * Math.sqrt(Math.log(1 + profile.feedbackTotal) / (1 + (profile.feedbackByKind.get(candidate.kind) ?? 0)));
}

/** The features that lift this memory most above an unremarkable one, as reasons. */
function reasons(memory: MemoryCandidate, x: readonly number[], typical: readonly number[], profile: TasteProfile, stats: LibraryStats): WhyReason[] {
  const lifts = FEATURES.map((feature, i) => ({ feature, value: profile.weights[i]! * (x[i]! - typical[i]!) }))
    .filter(({ feature, value }) => value > 0.05 && feature !== 'bias' && feature !== 'faces')
    .sort((a, b) => b.value - a.value);
  return lifts.slice(0, 2).flatMap(({ feature }) => reasonFor(feature, memory, profile, stats));
}

function reasonFor(feature: Feature, memory: MemoryCandidate, profile: TasteProfile, stats: LibraryStats): WhyReason[] {
  const main = memory.facts.people[0];
  switch (feature) {
    case 'people':
    case 'personAffinity':
      if (memory.kind === 'together' || memory.facts.people.length >= 2 && memory.kind !== 'person') return [{ type: 'people', names: memory.facts.people.slice(0, 2).map((person) => person.name) }];
      return main ? [{ type: 'person', name: main.name }] : [];
    case 'themeAffinity': {
      const themes = [...new Set(memory.photos.flatMap((photo) => photo.themes))];
      const best = themes.sort((a, b) => lift(profile.themes, b, stats.themeBase.get(b) ?? 0) - lift(profile.themes, a, stats.themeBase.get(a) ?? 0))[0];
      return best ? [{ type: 'theme', theme: best }] : [];
    }
    case 'trip':
      return memory.kind === 'trip' ? [{ type: 'trip', days: memory.facts.days }] : [{ type: 'far', km: Math.round(memory.awayKm ?? 0) }];
    case 'anniversary':
      return [{ type: 'anniversary', yearsAgo: memory.facts.yearsAgo ?? contentOf(memory, stats).yearsAgo }];
    case 'recency':
      return [{ type: 'recent' }];
    case 'quality':
      return [{ type: 'quality' }];
    case 'kindAffinity':
      return [{ type: 'liked-kind', kind: memory.kind }];
    case 'size':
      return [{ type: 'big', photos: memory.photos.length }];
    case 'favourites':
      return [{ type: 'favourites', count: memory.photos.filter((photo) => profile.favourites.has(photo.id)).length }];
    case 'novelty':
      return [{ type: 'new' }];
    default:
      return [];
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const dot = (w: readonly number[], x: readonly number[]): number => w.reduce((sum, wi, i) => sum + wi * x[i]!, 0);
