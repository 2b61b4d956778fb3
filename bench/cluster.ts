/**
 * `npm run bench -- cluster`: people clustering on synthetic embeddings shaped like the real
 * model's (bench/cluster-people.ts) and event segmentation of a synthetic library
 * (bench/cluster-events.ts), both the pure logic the cluster worker runs, in Node on this machine.
 */
import { cpus, totalmem } from 'node:os';
import { benchPeople } from './cluster-people';
import { benchEvents } from './cluster-events';

export async function benchCluster(): Promise<unknown> {
  const people = await benchPeople();
  const events = await benchEvents();
  return {
    benchmark: 'cluster',
    at: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    people,
    events,
  };
}
