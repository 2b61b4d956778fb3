/**
 * Analysis of one photo inside a vision worker: read its stored preview, run the stages whose
 * model version changed (all of them for a new photo), and commit the analysis and its faces in
 * one transaction. A reload before the commit re-runs the photo; after it, the photo is done.
 */
import { RECORD_SCHEMA, facesChanged, libraryChanged, type AnalysisRecord, type FaceRecord, type KeepsakeDatabase, type PhotoRecord, type StageVersions, type TfBackend } from '../db/schema';
import { FACE_SURE_SCORE, PERSON_CONFIRMS, carryIdentity, facePixels, needsSecondLook, personScoreOf } from '../pipeline/analyse/faces';
import { classifyKind, junkFeatures, wantsTextLook, type KindContext } from '../pipeline/analyse/junk';
import { appearanceDescriptor, dHash } from '../pipeline/analyse/hash';
import { measureQuality } from '../pipeline/analyse/quality';
import { downscale, toGrey } from '../pipeline/analyse/raster';
import { ANALYSIS_SIDE } from '../pipeline/analyse/quality';
import { THEME_MIN_SCORE, sceneLabels, sceneStats, themesOf } from '../pipeline/analyse/themes';
import type { Box, DetectedFace, Label, Raster } from '../pipeline/analyse/types';
import { lostFacesOnWebGpu, stageVersions, versionKey, type Stage } from './versions';
import type { FaceFinder } from './detector';
import type { FaceEmbedder } from './embedder';
import type { ObjectDetector } from './objects';
import type { TextDetector } from './text';

/** Milliseconds since `started` (performance.now()), to a tenth: a stage's entry in the timings. */
const msSince = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

/** Faces narrower than this (preview pixels) are kept as faces but not embedded: too few pixels to recognise anyone. */
const MIN_EMBED_FACE_PX = 28;
/** At most this many faces per photo are embedded (largest first): a crowd costs ~50 ms a face on wasm. */
const MAX_EMBEDDED_FACES = 16;

export interface VisionModels {
  faces: FaceFinder;
  embedder: FaceEmbedder;
  objects: ObjectDetector;
  /** Loaded on first use: few photos need it. */
  text: () => Promise<TextDetector>;
  backend: TfBackend;
}

export interface AnalyseOutcome {
  photoId: string;
  status: 'analysed' | 'missing';
  faces: number;
  timings: Record<string, number>;
}

/** `force` re-runs every stage even when the stored analysis is current (the tensor-leak test). */
export async function analysePhoto(db: KeepsakeDatabase, models: VisionModels, photoId: string, force = false): Promise<AnalyseOutcome> {
  const [photo, thumbs, previous] = await Promise.all([db.get('photos', photoId), db.get('thumbs', photoId), db.get('analyses', photoId)]);
  if (!photo || !thumbs) return { photoId, status: 'missing', faces: 0, timings: {} };
  const current = stageVersions();
  const todo = force ? (Object.keys(current) as Stage[]) : staleStages(previous, current);
  if (!todo.length && previous) return { photoId, status: 'analysed', faces: previous.faces.length, timings: {} };

  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    timings[stage] = msSince(started);
    return result;
  };

  const image = await timed('decode', () => createImageBitmap(thumbs.preview));
  try {
    const raster = await timed('raster', () => rasterOf(image));
    // New faces are confirmed by the people the object detector sees. A new object detector alone
    // only labels the photo again: the faces stay, with every correction the person made to them
    // (a fresh detection can drop or renumber a face the person confirmed).
    const redoFaces = !previous || todo.includes('faces') || lostFacesOnWebGpu(previous);
    const objects = redoFaces || todo.includes('objects') ? await timed('objects', () => models.objects.detect(image)) : null;
    const objectLabels = objects?.labels ?? previous!.labels.filter((label) => label.source === 'objects');
    const faces = redoFaces ? await confirmedFaces(models, image, objects!.people, timings) : previous!.faces;
    const faceRecords = redoFaces || todo.includes('embeddings') ? await timed('embed', () => embedFaces(models.embedder, image, photo, faces)) : null;
    // The junk kind and the themes read the object labels.
    const pixels = objects || todo.includes('pixels') ? await pixelStage(raster, image, models, photo, faces, objectLabels, timings) : previous!;
    const labels = [...objectLabels, ...pixels.labels.filter((label) => label.source === 'scene')];
    const record: AnalysisRecord = {
      schema: RECORD_SCHEMA,
      photoId,
      versions: current,
      versionKey: versionKey(current),
      backend: models.backend,
      faces: pixels.faces,
      labels,
      themes: themesOf(labels, pixels.faces.length),
      quality: pixels.quality,
      kind: pixels.kind,
      dhash: pixels.dhash,
      appearance: pixels.appearance,
      timings,
      analysedAt: Date.now(),
    };
    await commit(db, record, faceRecords, redoFaces);
    return { photoId, status: 'analysed', faces: record.faces.length, timings };
  } finally {
    image.close();
  }
}

function staleStages(previous: AnalysisRecord | undefined, current: StageVersions): Stage[] {
  return (Object.keys(current) as Stage[]).filter((stage) => previous?.versions[stage] !== current[stage]);
}

const rasterCanvas = new OffscreenCanvas(1, 1);

/** The preview at the analysis size, as plain RGBA (the browser's resampler does the downscale). */
function rasterOf(image: ImageBitmap): Raster {
  const scale = Math.min(1, ANALYSIS_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  rasterCanvas.width = width;
  rasterCanvas.height = height;
  const ctx = rasterCanvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/** Detected faces, each with the person evidence around it; unsure faces without a person are dropped. */
async function confirmedFaces(models: VisionModels, image: ImageBitmap, people: Array<{ box: Box; score: number }>, timings: Record<string, number>): Promise<DetectedFace[]> {
  let started = performance.now();
  // Faces belong to people: where the object detector sees no one, not even faintly (every person it
  // made out counts, down to 0.05), there is nobody to find. On the corpus a face cropped tight still
  // scored a person ≥ 0.44 and a portrait lying on its side ≥ 0.13; a quarter of its photos (scenery,
  // food, documents) had no one and skip the detector.
  const looked = people.length ? models.faces.find(image, people) : [];
  const found = looked.map((face) => ({ ...face, personScore: personScoreOf(face, people) }));
  timings.detect = msSince(started);
  started = performance.now();
  const confirmed: DetectedFace[] = [];
  for (const face of found) {
    const personScore = needsSecondLook(face) ? Math.max(face.personScore, await models.objects.personAround(image, face.box)) : face.personScore;
    if (face.score >= FACE_SURE_SCORE || personScore >= PERSON_CONFIRMS) confirmed.push({ ...face, personScore });
  }
  timings.confirm = msSince(started);
  return confirmed;
}

async function embedFaces(embedder: FaceEmbedder, image: ImageBitmap, photo: PhotoRecord, faces: DetectedFace[]): Promise<FaceRecord[]> {
  const order = faces.map((face, index) => ({ face, index })).sort((a, b) => b.face.box[2] - a.face.box[2]);
  const chosen = order.filter(({ face }) => facePixels(face, image.width) >= MIN_EMBED_FACE_PX).slice(0, MAX_EMBEDDED_FACES);
  const embeddings = await embedder.embed(image, chosen.map(({ face }) => face));
  const byIndex = new Map(chosen.map(({ index }, k) => [index, embeddings[k]!]));
  const model = stageVersions().embeddings;
  return faces.map((face, index) => ({
    schema: RECORD_SCHEMA,
    id: `${photo.id}#${index}`,
    photoId: photo.id,
    box: face.box,
    landmarks: face.landmarks,
    score: face.score,
    embedding: byIndex.get(index) ?? null,
    embeddingModel: model,
    personId: null,
  }));
}

/**
 * Quality, hash, appearance and junk kind from the analysis raster, each timed for the benchmark;
 * the text detector looks at the picture only when its verdict could change the kind.
 */
async function pixelStage(raster: Raster, image: ImageBitmap, models: VisionModels, photo: PhotoRecord, faces: DetectedFace[], objects: Label[], timings: Record<string, number>) {
  const time = <T>(stage: string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    timings[stage] = msSince(started);
    return result;
  };
  const grey = time('grey', () => toGrey(raster));
  const quality = time('quality', () => measureQuality(grey, faces));
  const hashes = time('hash', () => ({ dhash: dHash(grey), appearance: appearanceDescriptor(raster) }));
  const context: KindContext = {
    fileName: photo.paths[0]?.split('/').pop() ?? '',
    format: photo.format,
    width: photo.width,
    height: photo.height,
    camera: photo.camera,
    takenAtSource: photo.takenAtSource,
    faceCount: faces.length,
    // Only objects the detector is reasonably sure of count as evidence of a real scene.
    objectLabels: objects.filter((label) => label.score >= THEME_MIN_SCORE).map((label) => label.name),
  };
  const features = time('junk', () => junkFeatures(raster));
  let kind = classifyKind(features, context);
  if (wantsTextLook(kind, features, context)) {
    try {
      const detector = await models.text();
      const started = performance.now();
      const text = await detector.find(image);
      timings.text = msSince(started);
      kind = classifyKind(features, { ...context, text });
    } catch (error) {
      // The text detector only refines the rules' verdict: without it the photo keeps that verdict.
      console.warn('Keepsake: the text detector could not look at this photo; its kind stays as the rules say', error);
    }
  }
  const labels = time('scene', () => (kind.kind === 'photo' ? sceneLabels(sceneStats(downscale(raster, 96))) : []));
  return {
    faces: faces.map((face, i) => ({ ...face, sharpness: quality.faceSharpnessEach[i]! })),
    quality: quality.parts,
    kind,
    ...hashes,
    labels,
  };
}

/**
 * Analysis and faces of a photo replace the old ones together, or not at all. Faces detected again
 * take the identity of the old face they overlap; faces only embedded again keep their records as
 * they are (person, corrections, clustering) and take the new embedding.
 */
async function commit(db: KeepsakeDatabase, record: AnalysisRecord, faces: FaceRecord[] | null, redetected: boolean): Promise<void> {
  const tx = db.transaction(['analyses', 'faces', 'meta'], 'readwrite');
  if (faces) {
    const faceStore = tx.objectStore('faces');
    const old = await faceStore.index('byPhoto').getAll(record.photoId);
    const oldById = new Map(old.map((face) => [face.id, face]));
    if (redetected || faces.some((face) => !oldById.has(face.id))) {
      for (const face of old) void faceStore.delete(face.id);
      for (const face of carryIdentity(faces, old)) void faceStore.put(face);
    } else {
      for (const face of faces) void faceStore.put({ ...oldById.get(face.id)!, embedding: face.embedding, embeddingModel: face.embeddingModel });
    }
    void tx.objectStore('meta').put(facesChanged());
  }
  void tx.objectStore('analyses').put(record);
  void tx.objectStore('meta').put(libraryChanged());
  await tx.done;
}
