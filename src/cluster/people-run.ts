/**
 * People clustering over the stored faces, run in the cluster worker: reads faces and the person's
 * corrections, asks the pure clustering (src/pipeline/people) for assignments and stores them with
 * the people they make, in one transaction. A face the person confirmed is never overwritten, even
 * when they confirmed it while this run was computing.
 */
import { FACES_REVISION_KEY, facesChanged, libraryChanged, type FaceRecord, type KeepsakeDatabase, type PersonRecord } from '../db/schema';
import { refreshPeople, resolvePerson } from '../db/people';
import { assignNewFaces, reclusterAll } from '../pipeline/people/cluster';
import type { ClusterFace, PeopleConstraints } from '../pipeline/people/types';

const COUNTER_KEY = 'person-counter';
/** The embedding model the stored assignments were made with: another model means a full re-clustering. */
export const PEOPLE_MODEL_KEY = 'people-model';
/** The faces revision (FACES_REVISION_KEY) the last run placed every face at. */
const PLACED_AT_KEY = 'people-placed-at';

/** Faces the detector was unsure of make poor evidence of who someone is. */
const MIN_TRUSTED_SCORE = 0.7;

export interface PeopleRun {
  /** 'current': no face came since the last run, so none was read. */
  mode: 'incremental' | 'full' | 'current';
  faces: number;
  changed: number;
  people: number;
  ms: number;
}

export async function clusterPeople(db: KeepsakeDatabase, full: boolean, embeddingModel: string): Promise<PeopleRun> {
  const started = performance.now();
  const tx = db.transaction(['faces', 'people', 'meta']);
  const [model, revision, placedAt] = await Promise.all([PEOPLE_MODEL_KEY, FACES_REVISION_KEY, PLACED_AT_KEY].map((key) => tx.objectStore('meta').get(key)));
  const mode = full || (model !== undefined && model.value !== embeddingModel) ? 'full' : revision && placedAt?.value === revision.value ? 'current' : 'incremental';
  if (mode === 'current') {
    const [faces, people] = await Promise.all([tx.objectStore('faces').count(), tx.objectStore('people').count()]);
    return { mode, faces, changed: 0, people, ms: Math.round(performance.now() - started) };
  }
  const [faces, people, counter] = await Promise.all([tx.objectStore('faces').getAll(), tx.objectStore('people').getAll(), tx.objectStore('meta').get(COUNTER_KEY)]);
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
  const changed = await store(db, faces, assignments, { counter: next, model: embeddingModel, revision: revision?.value });
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

/**
 * Write what changed; faces confirmed in the meantime keep what the person said. The faces revision
 * read with the faces is stored as placed only when no face was written since (else the next run
 * places those); a library from before the revision existed gets one here.
 */
async function store(db: KeepsakeDatabase, before: FaceRecord[], assignments: ReadonlyMap<string, string | null>, at: { counter: number; model: string; revision: unknown }): Promise<number> {
  const tx = db.transaction(['faces', 'people', 'meta'], 'readwrite');
  const faces = tx.objectStore('faces');
  const meta = tx.objectStore('meta');
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
  void meta.put({ key: COUNTER_KEY, value: at.counter });
  void meta.put({ key: PEOPLE_MODEL_KEY, value: at.model });
  // Only people are what memories are made of: faces placed with nobody change nothing there.
  if (touched.size) void meta.put(libraryChanged());
  let revision = (await meta.get(FACES_REVISION_KEY))?.value;
  if (revision === at.revision) {
    if (revision === undefined) {
      const first = facesChanged();
      void meta.put(first);
      revision = first.value;
    }
    void meta.put({ key: PLACED_AT_KEY, value: revision });
  }
  await tx.done;
  return changed;
}
