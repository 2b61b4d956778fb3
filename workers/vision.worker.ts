/** Vision worker: loads the models once, then analyses photos by id (src/vision/analyse-photo). */
import { expose } from 'comlink';
import { openKeepsakeDB, type KeepsakeDatabase, type TfBackend } from '../src/db/schema';
import { analysePhoto, type VisionModels } from '../src/vision/analyse-photo';
import { FaceFinder } from '../src/vision/detector';
import { FaceEmbedder } from '../src/vision/embedder';
import { ObjectDetector } from '../src/vision/objects';
import { lazyTextDetector } from '../src/vision/text';
import { initBackend, tf } from '../src/vision/runtime';
import { stageVersions } from '../src/vision/versions';
import { groupLibrary } from '../src/vision/group-library';

let db: Promise<KeepsakeDatabase> | null = null;
const database = (): Promise<KeepsakeDatabase> => (db ??= openKeepsakeDB());
let models: Promise<VisionModels & { reason: string }> | null = null;

/** Absolute: in a build the worker script lives under /assets/, so relative URLs would break. */
const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;

async function load(forced?: TfBackend): Promise<VisionModels & { reason: string }> {
  const choice = await initBackend(base, forced);
  const [faces, embedder, objects] = await Promise.all([FaceFinder.create(base), FaceEmbedder.create(base), ObjectDetector.create(base)]);
  return { faces, embedder, objects, text: lazyTextDetector(base), backend: choice.backend, reason: choice.reason };
}

const api = {
  /** Load the models (once); says which TF.js backend runs them and why. */
  async init(forced?: TfBackend) {
    const loaded = await (models ??= load(forced));
    return { backend: loaded.backend, reason: loaded.reason, versions: stageVersions() };
  },
  async analyse(photoId: string) {
    return analysePhoto(await database(), await (models ??= load()), photoId);
  },
  /** Recompute similar groups over the whole library and store them (meta 'similar-groups'). */
  async group() {
    return groupLibrary(await database());
  },
  /** Analyse `ids` again and again, every stage each time; live tensors after each round (leak test). */
  async stress(ids: string[], rounds: number): Promise<number[]> {
    const loaded = await (models ??= load());
    const counts: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const id of ids) await analysePhoto(await database(), loaded, id, true);
      counts.push(tf.memory().numTensors);
    }
    return counts;
  },
  /** For the tensor-leak test: live tensors and bytes held by TF.js. */
  memory() {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },
};

export type VisionWorkerApi = typeof api;
expose(api);
