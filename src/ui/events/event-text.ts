/** How an event is named and dated on its card, and which photo stands for it. */
import type { LibraryEvent } from '../../pipeline/library/library-event';
import type { AnalysisSummaryLookup } from '../../pipeline/library/filters';
import { formatDay, formatDayRange } from '../format';

/** The place, or the day when there is no place (issue 6 brings real titles in many languages). */
export const eventTitle = (event: LibraryEvent): string => event.place?.label ?? formatDay(event.start.slice(0, 10));

/** "Fri, May 12 – Mon, May 15, 2023", or one day; in the event's own local dates. */
export function dateRange(event: LibraryEvent): string {
  const first = event.start.slice(0, 10);
  const last = event.end.slice(0, 10);
  return first === last ? formatDay(first) : formatDayRange(first, last);
}

/** The best photo (not a screenshot or document) of the event, else its first photo. */
export function eventCover(event: LibraryEvent, analyses: AnalysisSummaryLookup): string | null {
  let best: string | null = null;
  let bestScore = -Infinity;
  for (const id of event.photoIds) {
    const summary = analyses.get(id);
    const score = summary ? (summary.kind === 'photo' ? 1 : 0) + summary.quality + (summary.faces ? 0.2 : 0) : -1;
    if (score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}
