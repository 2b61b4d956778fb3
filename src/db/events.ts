import type { KeepsakeDatabase } from './schema';
import { toEventOnTheWire, type EventOnTheWire } from '../pipeline/library/library-event';

/**
 * Up to `limit` stored events after the event `after` (by id), ready for the page (library-event.ts):
 * a big library's thousands of events are read a chunk at a time. The reader worker runs it for the
 * page (workers/reader.worker.ts); the page runs it itself without a worker.
 */
export async function libraryEventsAfter(db: KeepsakeDatabase, after: string | null, limit: number): Promise<EventOnTheWire[]> {
  const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
  return (await db.getAll('events', range, limit)).map(toEventOnTheWire);
}
