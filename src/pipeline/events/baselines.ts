/**
 * The two classic event segmentations our method is compared with, on the same time-ordered
 * photos (DESIGN.md §5). Each returns the indices i where a new event starts at photos[i].
 */
const HOUR_MS = 3_600_000;

/** A new event after every pause longer than a fixed gap (8 hours, the classic choice). */
export function fixedGapStarts(utcMs: readonly number[], gapMs = 8 * HOUR_MS): number[] {
  const starts: number[] = [];
  for (let i = 1; i < utcMs.length; i++) if (utcMs[i]! - utcMs[i - 1]! > gapMs) starts.push(i);
  return starts;
}

/**
 * PhotoTOC (Platt, Czerwinski & Field, 2003): gap N is a boundary when
 * log(g_N) ≥ K + mean of log(g_i) over the 2d+1 gaps around it, with d = 10 and K = log(17).
 * Gaps are in seconds (plus one, so identical times do not give log 0); the window is cut at
 * the ends of the library.
 */
export function photoTocStarts(utcMs: readonly number[], d = 10, k = Math.log(17)): number[] {
  const logGaps = utcMs.slice(1).map((t, i) => Math.log((t - utcMs[i]!) / 1000 + 1));
  const starts: number[] = [];
  logGaps.forEach((logGap, n) => {
    const window = logGaps.slice(Math.max(0, n - d), n + d + 1);
    const mean = window.reduce((sum, value) => sum + value, 0) / window.length;
    if (logGap >= k + mean) starts.push(n + 1);
  });
  return starts;
}
