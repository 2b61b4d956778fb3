/**
 * Memories over the stored library, run in the cluster worker after people and events: reads the
 * records and the signals log, asks the pure pipeline (src/pipeline/memories) for ranked, titled
 * memories, and stores them as a whole, so the page and the report read the same answer.
 */
import { RECORD_SCHEMA, type KeepsakeDatabase, type MemoryRecord } from '../db/schema';
import { generateMemories, type GenerationTimings } from '../pipeline/memories/generate';
import { peopleByPhoto } from '../pipeline/people/summary';
import { hasOwnCaptureTime } from '../pipeline/import/time';
import { toMemoryEvents, type MemoryLibrary } from '../pipeline/memories/library';
import { LANGUAGES, type Language, type MemoryPhoto } from '../pipeline/memories/types';
import { SIMILAR_GROUPS_KEY, type StoredSimilarGroups } from '../vision/group-library';

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

/** `now` is today's local wall clock as if UTC (ms). */
export async function generateStoredMemories(db: KeepsakeDatabase, now: number, preferred: readonly string[]): Promise<MemoriesRun> {
  const started = performance.now();
  const [library, signals, settings] = await Promise.all([readLibrary(db, now), db.getAll('signals'), readMemorySettings(db, preferred)]);
  library.hiddenRanges = settings.hiddenRanges;
  const read = performance.now();
  const steps: GenerationTimings = { candidates: 0, taste: 0, rank: 0, titles: 0 };
  const memories = generateMemories(library, signals, settings.language, steps);
  const generated = performance.now();
  const tx = db.transaction('memories', 'readwrite');
  void tx.store.clear();
  for (const memory of memories) void tx.store.put({ schema: RECORD_SCHEMA, ...memory } satisfies MemoryRecord);
  await tx.done;
  const written = performance.now();
  return {
    memories: memories.length,
    kinds: new Set(memories.map((memory) => memory.kind)).size,
    ms: Math.round(written - started),
    phases: { readMs: Math.round(read - started), generateMs: Math.round(generated - read), writeMs: Math.round(written - generated), generate: steps },
  };
}

async function readLibrary(db: KeepsakeDatabase, now: number): Promise<MemoryLibrary> {
  const [photos, analyses, allPeople, events, similar] = await Promise.all([
    db.getAll('photos'),
    db.getAll('analyses'),
    db.getAll('people'),
    db.getAll('events'),
    db.get('meta', SIMILAR_GROUPS_KEY),
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
      appearance: analysis.appearance,
    }];
  });
  const positions = photos.map((photo) => ({ id: photo.id, takenAt: hasOwnCaptureTime(photo) ? photo.takenAt : null, gps: photo.gps }));
  return {
    photos: memoryPhotos,
    people: people.map((person) => ({ id: person.id, name: person.name, hidden: person.hidden })),
    events: toMemoryEvents(events, positions),
    now,
    southern: southernHome(photos),
  };
}

/** Whether most located photos are south of the equator (seasons turn around there). */
function southernHome(photos: ReadonlyArray<{ gps: { lat: number } | null }>): boolean {
  const located = photos.filter((photo) => photo.gps);
  return located.filter((photo) => photo.gps!.lat < 0).length * 2 > located.length;
}
