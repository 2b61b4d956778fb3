/** Cluster worker: people from faces, events and trips from photos, memories from all of it (src/cluster/*). */
import { expose } from 'comlink';
import { openKeepsakeDB, type KeepsakeDatabase } from '../src/db/schema';
import { clusterPeople } from '../src/cluster/people-run';
import { segmentEvents } from '../src/cluster/events-run';
import { generateStoredMemories } from '../src/cluster/memories-run';
import { GAZETTEER_PATH, loadGazetteer, type Gazetteer } from '../src/pipeline/geo/gazetteer';
import { stageVersions } from '../src/vision/versions';

let db: Promise<KeepsakeDatabase> | null = null;
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB());
let gazetteer: Promise<Gazetteer> | null = null;

/** The gazetteer is served by our own build (src/pipeline/geo): never a request outside the origin. */
async function fetchGazetteer(): Promise<Gazetteer> {
  const url = new URL(`${import.meta.env.BASE_URL}${GAZETTEER_PATH}`, self.location.origin);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the place names could not be loaded (${response.status})`);
  return loadGazetteer(await response.arrayBuffer());
}

const api = {
  /** Assign new faces to people (or re-cluster every face with `full`), keeping every correction. */
  async people(full: boolean) {
    return clusterPeople(await database(), full, stageVersions().embeddings);
  },
  /** Recompute events and trips with their places. */
  async events() {
    const places = await (gazetteer ??= fetchGazetteer().catch((error: Error) => {
      gazetteer = null;
      throw error;
    }));
    return segmentEvents(await database(), places);
  },
  /** Rank and title memories; `now` is today's local wall clock as if UTC, `languages` the browser's. */
  async memories(now: number, languages: string[]) {
    return generateStoredMemories(await database(), now, languages);
  },
};

export type ClusterWorkerApi = typeof api;
expose(api);
