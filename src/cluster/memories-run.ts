/**
 * Memories over the stored library, run in the cluster worker after people and events: reads the
 * records and the signals log, asks the pure pipeline (src/pipeline/memories) for ranked, titled
 * memories, and stores them as a whole, so the page and the report read the same answer.
 */
import type { IDBPTransaction } from 'idb';
import { LIBRARY_REVISION_KEY, memoryPoolRecord, memoryRecord, type KeepsakeDB, type KeepsakeDatabase, type SignalRecord } from '../db/schema';
import { libraryCandidates, memoryWords, rankCandidates, wordMemories, type GenerationTimings, type LibraryCandidates, type Memory, type RankedLibrary } from '../pipeline/memories/generate';
import { peopleByPhoto } from '../pipeline/people/summary';
import { dayKey, hasOwnCaptureTime } from '../pipeline/import/time';
import { toMemoryEvents, type MemoryLibrary } from '../pipeline/memories/library';
import { LANGUAGES, type Language, type MemoryPhoto } from '../pipeline/memories/types';
import { SIMILAR_GROUPS_KEY, type StoredSimilarGroups } from '../vision/group-library';
import { LOOK_LENGTH, lookOf } from '../pipeline/analyse/hash';
import { isStorageFull } from '../db/storage-full';
import { putMemories, readMemories } from '../db/memories';

export const MEMORY_SETTINGS_KEY = 'memory-settings';

/** What the person chose about memories (kept in meta; user data, never recomputed). */
export interface MemorySettings {
  language: Language;
  /** Local dates ("YYYY-MM-DD", inclusive) never to show in memories. */
  hiddenRanges: Array<{ from: string; to: string }>;
}

export interface MemoriesRun {
  memories: number;
  kinds: number;
  /** Nothing memories are made of changed since the stored ones were made: none was made again. */
  current: boolean;
  ms: number;
  /** Where the time went: reading the records, the pure pipeline (and its steps), storing the memories. */
  phases: { readMs: number; generateMs: number; writeMs: number; generate: GenerationTimings };
}

export function defaultLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export async function readMemorySettings(db: KeepsakeDatabase, preferred: readonly string[]): Promise<MemorySettings> {
  const stored = (await db.get('meta', MEMORY_SETTINGS_KEY))?.value as Partial<MemorySettings> | undefined;
  return { language: stored?.language ?? defaultLanguage(preferred), hiddenRanges: stored?.hiddenRanges ?? [] };
}

/** The library as memories see it, without what each run sets (today, hidden date ranges). */
type StoredLibrary = Omit<MemoryLibrary, 'now' | 'hiddenRanges'>;

/**
 * The library as the last run read it, with the revision it was read at: a change of settings or a
 * signal (a favourite, a dismissed memory) makes memories again without reading 100,000 photos and
 * analyses again. With it, the last run's candidates and ranking, each with what it was made of
 * (`inputsOf`): a signal only ranks the same candidates again, a change of
 * language only words the same memories again. Forgotten after 15 minutes without a
 * run, so an idle worker does not hold it.
 */
let kept: {
  db: KeepsakeDatabase;
  revision: unknown;
  library: StoredLibrary;
  candidates?: { inputs: string; made: LibraryCandidates };
  ranking?: { inputs: string; ranked: RankedLibrary };
  forget: ReturnType<typeof setTimeout>;
} | null = null;
/** How long the kept library outlives its last run (the cluster worker is kept alive as long). */
export const KEEP_MS = 15 * 60_000;

/**
 * Bump when the pure pipeline would make other memories from the same library: stored ones made by
 * another version are made again on the next run.
 */
const MEMORIES_VERSION = 4;
/** What the stored memories were made of (`inputsOf`), and their counts. */
const MEMORIES_MADE_KEY = 'memories-made';
/** What the stored pools were made of (`inputsOf`). */
const POOLS_MADE_KEY = 'memory-pools-made';

interface MemoriesMade {
  inputs: string;
  /** What their ranking was made of (absent in what older builds stored). */
  ranking?: string;
  memories: number;
  kinds: number;
}

/**
 * What each part of a run depends on, as strings to compare: the candidates (and so each memory's
 * pool) on the library's revision, today's date, the hidden date ranges and this code's version;
 * the ranking on those and the signals log; the stored memories on those and the language. Null
 * when the library has no revision (then nothing tells its versions apart).
 */
interface Inputs {
  pools: string;
  ranking: string;
  memories: string;
}

function inputsOf(revision: unknown, signals: readonly SignalRecord[], settings: MemorySettings, now: number): Inputs | null {
  if (revision === undefined) return null;
  const pools = JSON.stringify([MEMORIES_VERSION, revision, dayKey(now), settings.hiddenRanges]);
  const ranking = JSON.stringify([pools, signals]);
  return { pools, ranking, memories: JSON.stringify([ranking, settings.language]) };
}

/** `now` is today's local wall clock as if UTC (ms). */
export async function generateStoredMemories(db: KeepsakeDatabase, now: number, preferred: readonly string[]): Promise<MemoriesRun> {
  const started = performance.now();
  const [revision, signals, settings, made] = await Promise.all([
    db.get('meta', LIBRARY_REVISION_KEY).then((record) => record?.value),
    db.getAll('signals'),
    readMemorySettings(db, preferred),
    db.get('meta', MEMORIES_MADE_KEY).then((record) => record?.value as MemoriesMade | undefined),
  ]);
  const steps: GenerationTimings = { candidates: 0, taste: 0, rank: 0, titles: 0 };
  // Opening the app asks for memories: when nothing changed, the stored ones stand.
  const asked = inputsOf(revision, signals, settings, now);
  if (asked !== null && made?.inputs === asked.memories) {
    await prepareCandidates(db, revision, asked, settings, now, steps);
    const ms = Math.round(performance.now() - started);
    return { memories: made.memories, kinds: made.kinds, current: true, ms, phases: { readMs: ms, generateMs: 0, writeMs: 0, generate: steps } };
  }
  if (asked !== null && made?.ranking === asked.ranking) {
    const reworded = await rewordStoredMemories(db, made, asked, settings.language, steps, started);
    if (reworded) return reworded;
  }
  const stored = await currentLibrary(db, revision);
  const read = performance.now();
  const inputs = stored.revision === revision ? asked : inputsOf(stored.revision, signals, settings, now);
  const memories = wordMemories(rankingFor(stored.library, inputs, signals, settings, now, steps), settings.language, steps);
  const generated = performance.now();
  const summary: MemoriesMade = { inputs: inputs?.memories ?? '', ranking: inputs?.ranking, memories: memories.length, kinds: new Set(memories.map((memory) => memory.kind)).size };
  const tx = db.transaction(['memoryPages', 'memoryPools', 'meta'], 'readwrite');
  putMemories(tx, memories.map(memoryRecord));
  await writePools(tx, memories, inputs?.pools ?? null);
  void tx.objectStore('meta').put({ key: MEMORIES_MADE_KEY, value: summary });
  await tx.done;
  return madeRun(summary, steps, [started, read, generated, performance.now()]);
}

/**
 * Only the language changed since the stored memories were made: they are worded again as they
 * are, without reading the library or ranking anything (a new worker, after a reload, would
 * otherwise read and rank 100,000 photos for new titles). Null when the stored memories are not
 * all there (then they are made again).
 */
async function rewordStoredMemories(db: KeepsakeDatabase, made: MemoriesMade, asked: Inputs, lang: Language, steps: GenerationTimings, started: number): Promise<MemoriesRun | null> {
  const stored = await readMemories(db);
  if (stored.length !== made.memories) return null;
  const read = performance.now();
  const memories = stored.map((memory) => ({ ...memory, ...memoryWords({ ...memory, editedTitle: memory.titleEdited ? memory.title : undefined }, lang) }));
  const generated = performance.now();
  steps.titles = Math.round(generated - read);
  const tx = db.transaction(['memoryPages', 'memoryPools', 'meta'], 'readwrite');
  putMemories(tx, memories);
  void tx.objectStore('meta').put({ key: MEMORIES_MADE_KEY, value: { ...made, inputs: asked.memories } satisfies MemoriesMade });
  await tx.done;
  return madeRun(made, steps, [started, read, generated, performance.now()]);
}

/** A run that made memories, from its counts and when it started, read, generated and wrote. */
function madeRun({ memories, kinds }: MemoriesMade, steps: GenerationTimings, [started, read, generated, written]: [number, number, number, number]): MemoriesRun {
  return {
    memories,
    kinds,
    current: false,
    ms: Math.round(written - started),
    phases: { readMs: Math.round(read - started), generateMs: Math.round(generated - read), writeMs: Math.round(written - generated), generate: steps },
  };
}

/**
 * Pools change only with the candidates: made of the same inputs, only a memory without one (one a
 * signal brought back) gets its pool; else they are all written again. Most runs (a favourite, a
 * language) write none of the million photo ids a big library's pools hold.
 */
async function writePools(tx: IDBPTransaction<KeepsakeDB, Array<'memoryPages' | 'memoryPools' | 'meta'>, 'readwrite'>, memories: readonly Memory[], inputs: string | null): Promise<void> {
  const pools = tx.objectStore('memoryPools');
  const meta = tx.objectStore('meta');
  const same = inputs !== null && (await meta.get(POOLS_MADE_KEY))?.value === inputs;
  const have = same ? new Set(await pools.getAllKeys()) : new Set<string>();
  if (!same) void pools.clear();
  for (const memory of memories) if (!have.has(memory.id)) void pools.put(memoryPoolRecord(memory));
  void meta.put({ key: POOLS_MADE_KEY, value: inputs });
}

/**
 * A worker that keeps nothing yet (after a reload) reads the library and makes its candidates while
 * the stored memories stand, so that the person's first favourite or dismissal only ranks again:
 * seconds of this worker's time at 100,000 photos, none of the page's.
 */
async function prepareCandidates(db: KeepsakeDatabase, revision: unknown, inputs: Inputs, settings: MemorySettings, now: number, steps: GenerationTimings): Promise<void> {
  const stored = await currentLibrary(db, revision);
  if (stored.revision === revision) candidatesFor(stored.library, inputs, settings, now, steps);
}

/** The kept ranking when made of the same inputs, else a new one, kept with the library. */
function rankingFor(library: StoredLibrary, inputs: Inputs | null, signals: readonly SignalRecord[], settings: MemorySettings, now: number, steps: GenerationTimings): RankedLibrary {
  const keep = kept?.library === library ? kept : null;
  if (inputs && keep?.ranking?.inputs === inputs.ranking) return keep.ranking.ranked;
  const ranked = rankCandidates(candidatesFor(library, inputs, settings, now, steps), signals, steps);
  if (keep && inputs) keep.ranking = { inputs: inputs.ranking, ranked };
  return ranked;
}

/** The kept candidates when made of the same inputs, else new ones, kept with the library. */
function candidatesFor(library: StoredLibrary, inputs: Inputs | null, settings: MemorySettings, now: number, steps: GenerationTimings): LibraryCandidates {
  const keep = kept?.library === library ? kept : null;
  if (inputs && keep?.candidates?.inputs === inputs.pools) return keep.candidates.made;
  const made = libraryCandidates({ ...library, now, hiddenRanges: settings.hiddenRanges }, steps);
  if (keep && inputs) keep.candidates = { inputs: inputs.pools, made };
  return made;
}

/**
 * The kept library while no write changed the revision (read just before) since it was read, else
 * the stored one, read now with the revision it is current at.
 */
async function currentLibrary(db: KeepsakeDatabase, revision: unknown): Promise<{ revision: unknown; library: StoredLibrary }> {
  const still = kept?.db === db && revision !== undefined && kept.revision === revision ? kept.library : null;
  const made = still ? { candidates: kept?.candidates, ranking: kept?.ranking } : {};
  if (kept) clearTimeout(kept.forget);
  kept = null;
  const current = still ? { revision, library: still } : await storedLibrary(db);
  // A library written without a revision (none yet) cannot be told apart from a later one: not kept.
  if (current.revision !== undefined) kept = { db, ...current, ...made, forget: setTimeout(() => (kept = null), KEEP_MS) };
  return current;
}

/**
 * The library as the last full read found it, kept in meta with its revision for the next worker
 * (after a reload): one record reads in a second or two where the photos and analyses it is made
 * of take half a minute at 100,000 photos.
 */
const SNAPSHOT_KEY = 'memories-library';

/** Bump when the snapshot's shape changes: one of another shape is read as none. */
const SNAPSHOT_VERSION = 2;

/** A library as one record: the photos' looks travel as one array (a clone of 100,000 small arrays is what makes the records slow). */
export interface LibrarySnapshot {
  version: number;
  revision: unknown;
  library: Omit<StoredLibrary, 'photos'> & { photos: Array<Omit<MemoryPhoto, 'look'>> };
  /** Photo i's look at i · LOOK_LENGTH, where `described[i]` is 1. */
  looks: Float32Array;
  described: Uint8Array;
}

export function packLibrary(revision: unknown, library: StoredLibrary): LibrarySnapshot {
  const { photos, ...rest } = library;
  const looks = new Float32Array(photos.length * LOOK_LENGTH);
  const described = new Uint8Array(photos.length);
  const bare = photos.map(({ look, ...photo }, i) => {
    if (look?.length === LOOK_LENGTH) (looks.set(look, i * LOOK_LENGTH), (described[i] = 1));
    return photo;
  });
  return { version: SNAPSHOT_VERSION, revision, library: { ...rest, photos: bare }, looks, described };
}

export function unpackLibrary({ library, looks, described }: LibrarySnapshot): StoredLibrary {
  const photos = library.photos.map((photo, i): MemoryPhoto => (described[i] ? { ...photo, look: looks.subarray(i * LOOK_LENGTH, (i + 1) * LOOK_LENGTH) } : photo));
  return { ...library, photos };
}

/** The snapshot when it is current, else a full read, kept as the next snapshot unless a write came since (then it is stale already). */
async function storedLibrary(db: KeepsakeDatabase): Promise<{ revision: unknown; library: StoredLibrary }> {
  const meta = db.transaction('meta').store;
  const [snapshot, revision] = await Promise.all([meta.get(SNAPSHOT_KEY), meta.get(LIBRARY_REVISION_KEY)]);
  const stored = snapshot?.value as LibrarySnapshot | undefined;
  if (stored?.version === SNAPSHOT_VERSION && revision?.value !== undefined && stored.revision === revision.value) return { revision: stored.revision, library: unpackLibrary(stored) };
  const read = await readLibrary(db);
  if (read.revision !== undefined) await keepSnapshot(db, read.revision, read.library);
  return read;
}

/**
 * Keep the library read at `revision` for the next worker, unless a write came since (it is stale
 * already). A snapshot is only a shortcut: where the storage is full, the stale one is dropped to
 * free its room and memories go on without one.
 */
async function keepSnapshot(db: KeepsakeDatabase, revision: unknown, library: StoredLibrary): Promise<void> {
  try {
    const tx = db.transaction('meta', 'readwrite');
    if ((await tx.store.get(LIBRARY_REVISION_KEY))?.value === revision) void tx.store.put({ key: SNAPSHOT_KEY, value: packLibrary(revision, library) });
    await tx.done;
  } catch (error) {
    if (!isStorageFull(error)) throw error;
    await db.delete('meta', SNAPSHOT_KEY);
  }
}

/** Everything memories are made of, and the revision it is current at, in one transaction. */
async function readLibrary(db: KeepsakeDatabase): Promise<{ revision: unknown; library: StoredLibrary }> {
  const tx = db.transaction(['photos', 'analyses', 'people', 'events', 'meta']);
  const [photos, analyses, allPeople, events, similar, revision] = await Promise.all([
    tx.objectStore('photos').getAll(),
    tx.objectStore('analyses').getAll(),
    tx.objectStore('people').getAll(),
    tx.objectStore('events').getAll(),
    tx.objectStore('meta').get(SIMILAR_GROUPS_KEY),
    tx.objectStore('meta').get(LIBRARY_REVISION_KEY),
  ]);
  // Each person's photos are kept with the person (merged ones hold none): no need to read every face and its embedding.
  const people = allPeople.filter((person) => !person.mergedInto);
  const peopleOf = peopleByPhoto(people);
  const groups = ((similar?.value as StoredSimilarGroups | undefined)?.groups ?? []).flatMap((group) => group.photoIds.map((id) => [id, group] as const));
  const groupOf = new Map(groups);
  const eventOf = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event.id] as const)));
  const analysisOf = new Map(analyses.map((analysis) => [analysis.photoId, analysis]));
  // Photos not analysed yet wait: memories are made of what Keepsake has seen.
  const memoryPhotos: MemoryPhoto[] = photos.flatMap((photo) => {
    const analysis = analysisOf.get(photo.id);
    if (!analysis) return [];
    const group = groupOf.get(photo.id);
    return [{
      id: photo.id,
      localMs: hasOwnCaptureTime(photo) ? photo.localSortMs : null,
      kind: analysis.kind.kind,
      quality: analysis.quality.score,
      themes: analysis.themes,
      people: peopleOf.get(photo.id) ?? [],
      faceCount: analysis.faces.length,
      eventId: eventOf.get(photo.id) ?? null,
      similarGroup: group?.id ?? null,
      bestOfGroup: group?.best === photo.id,
      look: analysis.appearance && lookOf(analysis.appearance),
    }];
  });
  const positions = photos.map((photo) => ({ id: photo.id, takenAt: hasOwnCaptureTime(photo) ? photo.takenAt : null, gps: photo.gps }));
  return {
    revision: revision?.value,
    library: {
      photos: memoryPhotos,
      people: people.map((person) => ({ id: person.id, name: person.name, hidden: person.hidden })),
      events: toMemoryEvents(events, positions),
      southern: southernHome(photos),
    },
  };
}

/** Whether most located photos are south of the equator (seasons turn around there). */
function southernHome(photos: ReadonlyArray<{ gps: { lat: number } | null }>): boolean {
  const located = photos.filter((photo) => photo.gps);
  return located.filter((photo) => photo.gps!.lat < 0).length * 2 > located.length;
}
