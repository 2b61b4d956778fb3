/**
 * People in IndexedDB: the person's corrections (name, merge, move, "not this person", hide) and
 * the derived parts of person records. Every correction writes the face constraints that later
 * clustering obeys, the person records it changes and a signal, in one transaction: a closed tab
 * can never leave half a correction behind.
 */
import type { IDBPTransaction } from 'idb';
import { RECORD_SCHEMA, libraryChanged, type FaceRecord, type KeepsakeDB, type KeepsakeDatabase, type PersonRecord, type SignalRecord } from './schema';
import { summarisePerson } from '../pipeline/people/summary';

type PeopleTx = IDBPTransaction<KeepsakeDB, Array<'faces' | 'people' | 'signals' | 'meta'>, 'readwrite'>;

const STORES = ['faces', 'people', 'signals', 'meta'] as const;

export function newPerson(id: string, now = Date.now()): PersonRecord {
  return { schema: RECORD_SCHEMA, id, name: null, hidden: false, mergedInto: null, coverFaceId: null, photoIds: [], faceCount: 0, createdAt: now, updatedAt: now };
}

/** Recompute cover, photos and face count of these people from their faces (inside `tx`). */
export async function refreshPeople(tx: IDBPTransaction<KeepsakeDB, Array<'faces' | 'people' | 'signals' | 'meta'> | Array<'faces' | 'people' | 'meta'>, 'readwrite'>, ids: Iterable<string>): Promise<void> {
  const faces = tx.objectStore('faces');
  const people = tx.objectStore('people');
  for (const id of new Set(ids)) {
    const [person, members] = await Promise.all([people.get(id), faces.index('byPerson').getAll(id)]);
    // An unnamed person nobody confirmed, left without faces, simply stops existing.
    if (!members.length && (!person || (!person.name && !person.hidden))) {
      if (person && !person.mergedInto) void people.delete(id);
      continue;
    }
    void people.put({ ...(person ?? newPerson(id)), ...summarisePerson(id, members), updatedAt: Date.now() });
  }
}

async function correct(db: KeepsakeDatabase, signal: Omit<SignalRecord, 'at'>, change: (tx: PeopleTx) => Promise<Iterable<string>>): Promise<void> {
  const tx = db.transaction([...STORES], 'readwrite');
  try {
    const touched = await change(tx);
    await refreshPeople(tx, touched);
    void tx.objectStore('signals').add({ at: Date.now(), ...signal });
    void tx.objectStore('meta').put(libraryChanged());
  } catch (error) {
    // Nothing of a refused correction may land.
    tx.abort();
    await tx.done.catch(() => undefined);
    throw error;
  }
  await tx.done;
}

async function requirePerson(tx: PeopleTx, id: string): Promise<PersonRecord> {
  const person = await tx.objectStore('people').get(id);
  if (!person || person.mergedInto) throw new Error(`There is no person ${id} any more.`);
  return person;
}

/** Confirm every face of `personId` as that person: what the person saw when they named or merged it. */
async function confirmAll(tx: PeopleTx, from: string, into: string): Promise<void> {
  const faces = tx.objectStore('faces');
  for (const face of await faces.index('byPerson').getAll(from)) void faces.put({ ...face, personId: into, confirmedPerson: into, clustered: true });
}

/** Naming a person confirms the faces they have now; an empty name removes the name. */
export function renamePerson(db: KeepsakeDatabase, id: string, name: string): Promise<void> {
  const clean = name.trim() || null;
  return correct(db, { type: 'rename', target: { personId: id }, value: clean }, async (tx) => {
    const person = await requirePerson(tx, id);
    void tx.objectStore('people').put({ ...person, name: clean, updatedAt: Date.now() });
    await confirmAll(tx, id, id);
    return [id];
  });
}

/** `from` and `into` are one person: every face of both is confirmed as `into`; `from` becomes a redirect. */
export function mergePeople(db: KeepsakeDatabase, from: string, into: string): Promise<void> {
  if (from === into) return Promise.resolve();
  return correct(db, { type: 'merge', target: { personId: into }, value: from }, async (tx) => {
    const [source, target] = await Promise.all([requirePerson(tx, from), requirePerson(tx, into)]);
    await confirmAll(tx, from, into);
    await confirmAll(tx, into, into);
    const people = tx.objectStore('people');
    void people.put({ ...target, name: target.name ?? source.name, hidden: target.hidden || source.hidden, updatedAt: Date.now() });
    void people.put({ ...newPerson(from, source.createdAt), name: source.name, mergedInto: into });
    return [into];
  });
}

async function requireFace(tx: PeopleTx, faceId: string): Promise<FaceRecord> {
  const face = await tx.objectStore('faces').get(faceId);
  if (!face) throw new Error('That face is no longer in the library.');
  return face;
}

const withRejected = (face: FaceRecord, personId: string | null): string[] => [...new Set([...(face.rejectedPeople ?? []), ...(personId ? [personId] : [])])];

/** "Not this person": the face leaves the person and never joins them again. */
export function notThisPerson(db: KeepsakeDatabase, faceId: string): Promise<void> {
  return correct(db, { type: 'notThisPerson', target: { faceId }, value: null }, async (tx) => {
    const face = await requireFace(tx, faceId);
    const from = face.personId;
    void tx.objectStore('faces').put({ ...face, personId: null, confirmedPerson: null, rejectedPeople: withRejected(face, from), clustered: true });
    return from ? [from] : [];
  });
}

/** The face is `to`, not whoever clustering said: confirmed there, and rejected from where it was. */
export function moveFace(db: KeepsakeDatabase, faceId: string, to: string): Promise<void> {
  return correct(db, { type: 'moveFace', target: { faceId, personId: to }, value: null }, async (tx) => {
    await requirePerson(tx, to);
    const face = await requireFace(tx, faceId);
    const from = face.personId;
    const rejected = withRejected(face, from !== to ? from : null).filter((id) => id !== to);
    void tx.objectStore('faces').put({ ...face, personId: to, confirmedPerson: to, rejectedPeople: rejected, clustered: true });
    return from ? [from, to] : [to];
  });
}

/** Hidden people never appear in memories; their faces and name stay. */
export function setPersonHidden(db: KeepsakeDatabase, id: string, hidden: boolean): Promise<void> {
  return correct(db, { type: hidden ? 'hide' : 'unhide', target: { personId: id }, value: null }, async (tx) => {
    const person = await requirePerson(tx, id);
    void tx.objectStore('people').put({ ...person, hidden, updatedAt: Date.now() });
    return [id];
  });
}

/** Where a person's id leads now (through merges); null when it leads nowhere. */
export function resolvePerson(people: ReadonlyMap<string, PersonRecord>, id: string): string | null {
  const seen = new Set<string>();
  let current: string | null = id;
  while (current && !seen.has(current)) {
    seen.add(current);
    const person = people.get(current);
    if (!person) return null;
    if (!person.mergedInto) return current;
    current = person.mergedInto;
  }
  return null;
}
