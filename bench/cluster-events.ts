/**
 * Event segmentation and place naming of 100,000 photos (a synthetic life, src/pipeline/events/
 * synthetic.ts, over decades): time and memory in Node, the same pure code the cluster
 * worker runs. Loading the gazetteer is measured apart.
 */
import { buildGazetteer } from '../src/pipeline/geo/build';
import { Gazetteer } from '../src/pipeline/geo/gazetteer';
import { segmentLibrary } from '../src/pipeline/events/segment';
import { syntheticLife } from '../src/pipeline/events/synthetic';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

export async function benchEvents(count = 100_000): Promise<object> {
  const bytes = buildGazetteer();
  let started = performance.now();
  const gazetteer = new Gazetteer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  const gazetteerMs = performance.now() - started;
  // One long life (about 1,250 photos a year), so the library has a realistic event density.
  const photos = syntheticLife(1, Math.ceil(count / 1000)).slice(0, count);
  log(`segmenting ${count} photos…`);
  const heapBefore = process.memoryUsage().heapUsed;
  started = performance.now();
  const { events } = segmentLibrary(photos, gazetteer);
  const ms = performance.now() - started;
  return {
    photos: count,
    located: photos.filter((photo) => photo.gps).length,
    events: events.length,
    trips: events.filter((event) => event.kind === 'trip').length,
    segmentMs: Math.round(ms),
    gazetteer: { bytes: bytes.length, cities: gazetteer.size, loadMs: Math.round(gazetteerMs) },
    heapUsedMB: mb(process.memoryUsage().heapUsed),
    heapGrowthMB: mb(process.memoryUsage().heapUsed - heapBefore),
  };
}
