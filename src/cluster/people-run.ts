/**
 * People clustering over the stored faces, run in the cluster worker: reads faces and the person's
 * corrections, asks the pure clustering (src/pipeline/people) for assignments and stores them with
 * the people they make, in one transaction. A face the person confirmed is never overwritten, even
 * when they confirmed it while this run was computing.
 */
import { libraryChanged, type FaceRecord, type KeepsakeDatabase, type PersonRecord } from '../db/schema';
import { refreshPeople, resolvePerson } from '../db/people';
import { assignNewFaces, reclusterAll } from '../pipeline/people/cluster';
import type { ClusterFace, PeopleConstraints } from '../pipeline/people/types';

const COUNTER_KEY = 'person-counter';
/** The embedding model the stored assignments were made with: another model means a full re-clustering. */
export const PEOPLE_MODEL_KEY = 'people-model';

/** Faces the detector was unsure of make poor evidence of who someone is. */
const MIN_TRUSTED_SCORE = 0.7;

export interface PeopleRun {
  mode: 'incremental' | 'full';
  faces: number;
  changed: number;
  people: number;
  ms: number;
}

export async function clusterPeople(db: KeepsakeDatabase, full: boolean, embeddingModel: string): Promise<PeopleRun> {
  const started = performance.now();
  const [faces, people, model, counter] = await Promise.all([
    db.getAll('faces'),
    db.getAll('people'),
    db.get('meta', PEOPLE_MODEL_KEY),
    db.get('meta', COUNTER_KEY),
  ]);
  const mode = full || (model && model.value !== embeddingModel) ? 'full' : 'incremental';
  const byId = new Map(people.map((person) => [person.id, person]));
  const constraints = constraintsOf(faces, byId);
  // Faces too small to embed take no part: they keep whatever the person said about them.
  const embedded = faces.filter((face) => face.embedding !== null);
  const clusterFaces = embedded.map((face) => toClusterFace(face, byId, constraints));
  let next = typeof counter?.value === 'number' ? counter.value : 0;
  const newPersonId = (): string => `p${++next}`;
  const assignments = mode === 'full'
    ? reclusterAll(clusterFaces, constraints, newPersonId)
    : assignNewFaces(clusterFaces.filter((_, i) => embedded[i]!.clustered), clusterFaces.filter((_, i) => !embedded[i]!.clustered), constraints, newPersonId);
  const changed = await store(db, faces, assignments, next, embeddingModel);
  return { mode, faces: faces.length, changed, people: await db.count('people'), ms: Math.round(performance.now() - started) };
}

/** The person's corrections as constraints, with merged people's ids followed to where they lead now. */
function constraintsOf(faces: FaceRecord[], people: ReadonlyMap<string, PersonRecord>): PeopleConstraints {
  const confirmed = new Map<string, string>();
  const rejected = new Map<string, Set<string>>();
  for (const face of faces) {
    const person = face.confirmedPerson ? resolvePerson(people, face.confirmedPerson) : null;
    if (person) confirmed.set(face.id, person);
    const not = (face.rejectedPeople ?? []).flatMap((id) => resolvePerson(people, id) ?? []);
    if (not.length) rejected.set(face.id, new Set(not));
  }
  return { confirmed, rejected };
}

function toClusterFace(face: FaceRecord, people: ReadonlyMap<string, PersonRecord>, constraints: PeopleConstraints): ClusterFace {
  return {
    id: face.id,
    photoId: face.photoId,
    embedding: face.embedding!,
    trusted: face.score >= MIN_TRUSTED_SCORE,
    personId: constraints.confirmed.get(face.id) ?? (face.personId ? resolvePerson(people, face.personId) : null),
  };
}

/** Write what changed; faces confirmed in the meantime keep what the person said. */
async function store(db: KeepsakeDatabase, before: FaceRecord[], assignments: ReadonlyMap<string, string | null>, counter: number, model: string): Promise<number> {
  const tx = db.transaction(['faces', 'people', 'meta'], 'readwrite');
  const faces = tx.objectStore('faces');
  const touched = new Set<string>();
  let changed = 0;
  for (const old of before) {
    const personId = assignments.has(old.id) ? assignments.get(old.id)! : old.personId;
    if (personId === old.personId && old.clustered) continue;
    const current = await faces.get(old.id);
    if (!current || current.confirmedPerson || current.personId !== old.personId) continue;
    void faces.put({ ...current, personId, clustered: true });
    if (personId !== old.personId) changed += 1;
    for (const id of [old.personId, personId]) if (id) touched.add(id);
  }
  await refreshPeople(tx, touched);
  void tx.objectStore('meta').put({ key: COUNTER_KEY, value: counter });
  void tx.objectStore('meta').put({ key: PEOPLE_MODEL_KEY, value: model });
  void tx.objectStore('meta').put(libraryChanged());
  await tx.done;
  return changed;
}
