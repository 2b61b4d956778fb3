import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LIBRARY_REVISION_KEY, RECORD_SCHEMA, facesChanged, openKeepsakeDB, type FaceRecord, type KeepsakeDatabase } from '../../src/db/schema';
import { clusterPeople } from '../../src/cluster/people-run';
import { syntheticFaces } from '../../src/pipeline/people/synthetic';

const MODEL = 'faceres@test';
let dbCount = 0;

/** Faces as the analysis stores them: embedded, not placed with anyone yet. */
function faceRecords(count: number, seed: number): FaceRecord[] {
  return syntheticFaces(count, seed, 6, 0).map((face) => ({
    schema: RECORD_SCHEMA,
    id: `${seed}-${face.id}`,
    photoId: `${seed}-${face.photoId}`,
    box: [0.4, 0.4, 0.1, 0.1],
    landmarks: [],
    score: 0.95,
    embedding: face.embedding,
    embeddingModel: MODEL,
    personId: null,
  }));
}

/** Store faces; `mark` also replaces the faces revision, as the analysis commit does. */
async function writeFaces(db: KeepsakeDatabase, faces: FaceRecord[], mark: boolean): Promise<void> {
  const tx = db.transaction(['faces', 'meta'], 'readwrite');
  for (const face of faces) void tx.objectStore('faces').put(face);
  if (mark) void tx.objectStore('meta').put(facesChanged());
  await tx.done;
}

const libraryRevision = async (db: KeepsakeDatabase): Promise<unknown> => (await db.get('meta', LIBRARY_REVISION_KEY))?.value;

describe('the people run', () => {
  it('reads no face when none came since it last placed them, and changes nothing then', async () => {
    const db = await openKeepsakeDB(`t-people-${++dbCount}`);
    await writeFaces(db, faceRecords(90, 1), true);
    const first = await clusterPeople(db, false, MODEL);
    expect(first).toMatchObject({ mode: 'incremental', faces: 90 });
    expect(first.changed).toBeGreaterThan(0);
    expect(first.people).toBeGreaterThan(0);
    const revision = await libraryRevision(db);
    expect(revision).toBeDefined();

    const again = await clusterPeople(db, false, MODEL);
    expect(again).toMatchObject({ mode: 'current', faces: 90, changed: 0, people: first.people });
    expect(await libraryRevision(db)).toBe(revision);

    // New faces replace the faces revision: the next run places them.
    await writeFaces(db, faceRecords(30, 2), true);
    const next = await clusterPeople(db, false, MODEL);
    expect(next).toMatchObject({ mode: 'incremental', faces: 120 });
    expect((await db.getAll('faces')).every((face) => face.clustered)).toBe(true);
  });

  it('gives a library stored before the faces revision existed one, once', async () => {
    const db = await openKeepsakeDB(`t-people-${++dbCount}`);
    await writeFaces(db, faceRecords(60, 3), false);
    expect(await clusterPeople(db, false, MODEL)).toMatchObject({ mode: 'incremental', faces: 60 });
    expect(await clusterPeople(db, false, MODEL)).toMatchObject({ mode: 'current', faces: 60 });
  });

  it('places every face again when asked to, or when the embedding model changed', async () => {
    const db = await openKeepsakeDB(`t-people-${++dbCount}`);
    await writeFaces(db, faceRecords(60, 4), true);
    await clusterPeople(db, false, MODEL);
    expect(await clusterPeople(db, true, MODEL)).toMatchObject({ mode: 'full' });
    expect(await clusterPeople(db, false, 'faceres@next')).toMatchObject({ mode: 'full' });
    expect(await clusterPeople(db, false, 'faceres@next')).toMatchObject({ mode: 'current' });
  });
});
