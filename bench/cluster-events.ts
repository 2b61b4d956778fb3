/**
 * Event segmentation and place naming of 100,000 photos (a synthetic life, src/pipeline/events/
 * synthetic.ts, over a century so that it has a realistic density of events): time and memory in
 * Node, the same pure code the cluster worker runs, with and without place names, and boundary F1
 * against the life's truth beside both baselines. Building and loading the gazetteer are measured
 * apart.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildGazetteer } from '../src/pipeline/geo/build';
import { loadGazetteer } from '../src/pipeline/geo/gazetteer';
import { segmentLibrary } from '../src/pipeline/events/segment';
import { syntheticLife } from '../src/pipeline/events/synthetic';
import { evaluateEvents } from '../src/pipeline/eval/events';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const f1 = (value: number): number => +value.toFixed(4);

/** The heap in use after a full collection: what the result keeps, not the garbage on the way. */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

export async function benchEvents(count = 100_000): Promise<object> {
  let started = performance.now();
  const bytes = buildGazetteer();
  const buildMs = performance.now() - started;
  started = performance.now();
  const gazetteer = loadGazetteer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  const loadMs = performance.now() - started;
  const photos = syntheticLife(1, { years: Math.ceil(count / 800) }).slice(0, count);
  log(`segmenting ${photos.length} photos…`);
  started = performance.now();
  segmentLibrary(photos, null);
  const segmentMs = performance.now() - started;
  const before = liveHeap();
  started = performance.now();
  const { events, photoPlaces } = segmentLibrary(photos, gazetteer);
  const namedMs = performance.now() - started;
  const retained = liveHeap() - before;
  const eventOf = new Map(events.flatMap((event) => event.photoIds.map((id) => [id, event.id] as const)));
  const scores = evaluateEvents(photos.map((photo) => ({ ...photo, path: photo.id, eventId: eventOf.get(photo.id) ?? null, truthEvent: photo.truth })));
  return {
    photos: photos.length,
    located: photos.filter((photo) => photo.gps).length,
    years: Math.round((Date.parse(photos.at(-1)!.takenAt.slice(0, 10)) - Date.parse(photos[0]!.takenAt.slice(0, 10))) / (365.25 * 86_400_000)),
    events: events.length,
    trips: events.filter((event) => event.kind === 'trip').length,
    segmentMs: Math.round(segmentMs),
    segmentAndPlacesMs: Math.round(namedMs),
    photosPerSecond: Math.round(photos.length / (namedMs / 1000)),
    placedPhotos: photoPlaces.size,
    boundaryF1: { ours: f1(scores.ours.f1), fixedGap8h: f1(scores.fixedGap8h.f1), photoToc: f1(scores.photoToc.f1) },
    gazetteer: { bytes: bytes.length, cities: gazetteer.size, buildMs: Math.round(buildMs), loadMs: Math.round(loadMs) },
    // The events and places kept, and the whole process's peak (gazetteer build and synthetic library included).
    memory: { resultMB: mb(retained), processPeakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) },
  };
}
