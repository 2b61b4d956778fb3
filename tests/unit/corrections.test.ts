import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RECORD_SCHEMA, openKeepsakeDB, type FaceRecord, type KeepsakeDatabase } from '../../src/db/schema';
import { mergePeople, moveFace, newPerson, notThisPerson, refreshPeople, renamePerson, resolvePerson, setPersonHidden } from '../../src/db/people';
import type { Box } from '../../src/pipeline/analyse/types';

let dbCount = 0;

const face = (photo: string, index: number, personId: string | null, width = 0.1): FaceRecord => ({
  schema: RECORD_SCHEMA, id: `${photo}#${index}`, photoId: photo, box: [0.1, 0.1, width, width] as Box, landmarks: [], score: 0.95,
  embedding: new Float32Array([1, 0]), embeddingModel: 'm', personId, clustered: true,
});

/** Two clustered people: p1 in photos a, b, c; p2 in photos c, d. */
async function library(): Promise<KeepsakeDatabase> {
  const db = await openKeepsakeDB(`t-people-${++dbCount}`);
  const tx = db.transaction(['faces', 'people', 'signals', 'meta'], 'readwrite');
  for (const f of [face('a', 0, 'p1', 0.3), face('b', 0, 'p1'), face('c', 0, 'p1'), face('c', 1, 'p2', 0.2), face('d', 0, 'p2')]) void tx.objectStore('faces').put(f);
  void tx.objectStore('people').put(newPerson('p1'));
  void tx.objectStore('people').put(newPerson('p2'));
  await refreshPeople(tx, ['p1', 'p2']);
  await tx.done;
  return db;
}

describe('people corrections', () => {
  it('derives photos, face count and the largest face as cover', async () => {
    const db = await library();
    expect(await db.get('people', 'p1')).toMatchObject({ photoIds: ['a', 'b', 'c'], faceCount: 3, coverFaceId: 'a#0' });
    expect(await db.get('people', 'p2')).toMatchObject({ photoIds: ['c', 'd'], faceCount: 2, coverFaceId: 'c#1' });
  });

  it('naming confirms every face the person has now, and logs a signal', async () => {
    const db = await library();
    await renamePerson(db, 'p1', '  Ana ');
    expect((await db.get('people', 'p1'))!.name).toBe('Ana');
    expect((await db.getAllFromIndex('faces', 'byPerson', 'p1')).map((f) => f.confirmedPerson)).toEqual(['p1', 'p1', 'p1']);
    expect(await db.getAll('signals')).toEqual([expect.objectContaining({ type: 'rename', target: { personId: 'p1' }, value: 'Ana' })]);
  });

  it('merging moves and confirms every face, keeps the name and leaves a redirect', async () => {
    const db = await library();
    await renamePerson(db, 'p2', 'Bruno');
    await mergePeople(db, 'p2', 'p1');
    const p1 = (await db.get('people', 'p1'))!;
    expect(p1).toMatchObject({ name: 'Bruno', faceCount: 5, photoIds: ['a', 'b', 'c', 'd'] });
    expect(await db.get('people', 'p2')).toMatchObject({ mergedInto: 'p1', photoIds: [], faceCount: 0 });
    expect((await db.getAll('faces')).every((f) => f.personId === 'p1' && f.confirmedPerson === 'p1')).toBe(true);
    const people = new Map((await db.getAll('people')).map((p) => [p.id, p]));
    expect(resolvePerson(people, 'p2')).toBe('p1');
    expect(resolvePerson(people, 'p9')).toBeNull();
  });

  it('"not this person" takes the face out and remembers it is not them', async () => {
    const db = await library();
    await notThisPerson(db, 'b#0');
    expect(await db.get('faces', 'b#0')).toMatchObject({ personId: null, confirmedPerson: null, rejectedPeople: ['p1'] });
    expect((await db.get('people', 'p1'))!.photoIds).toEqual(['a', 'c']);
  });

  it('moving a face confirms it with the new person and rejects the old one', async () => {
    const db = await library();
    await moveFace(db, 'd#0', 'p1');
    expect(await db.get('faces', 'd#0')).toMatchObject({ personId: 'p1', confirmedPerson: 'p1', rejectedPeople: ['p2'] });
    expect((await db.get('people', 'p2'))!.photoIds).toEqual(['c']);
    // An unnamed person left with no face at all is gone; a named or hidden one stays.
    await moveFace(db, 'c#1', 'p1');
    expect(await db.get('people', 'p2')).toBeUndefined();
  });

  it('hiding keeps the person and their faces', async () => {
    const db = await library();
    await setPersonHidden(db, 'p2', true);
    expect(await db.get('people', 'p2')).toMatchObject({ hidden: true, faceCount: 2 });
    await notThisPerson(db, 'c#1');
    await notThisPerson(db, 'd#0');
    expect(await db.get('people', 'p2')).toMatchObject({ hidden: true, faceCount: 0 });
  });

  it('refuses a correction about someone who is gone, changing nothing', async () => {
    const db = await library();
    await mergePeople(db, 'p2', 'p1');
    await expect(renamePerson(db, 'p2', 'X')).rejects.toThrow(/no person p2/);
    await expect(moveFace(db, 'missing#0', 'p1')).rejects.toThrow(/no longer/);
    expect((await db.get('people', 'p1'))!.name).toBeNull();
    expect((await db.getAll('signals')).map((s) => s.type)).toEqual(['merge']);
  });
});
