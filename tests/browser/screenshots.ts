/**
 * Reviewed screenshots: a page's picture is compared with the baseline kept in
 * tests/browser/screenshots/. Small differences (anti-aliasing, a font hinted a little differently)
 * pass; a moved panel, a missing button or another colour scheme does not. On a difference the
 * actual picture and a map of what differs are written to test-results/screenshots/.
 * KEEPSAKE_UPDATE_SCREENSHOTS=1 writes a new baseline wherever the comparison fails (look at each
 * before committing).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const BASELINES = join(import.meta.dirname, 'screenshots');
const RESULTS = join('test-results', 'screenshots');
/** A pixel differs when a channel is off by more than this (of 255). */
const CHANNEL_TOLERANCE = 48;
/** The share of pixels that may differ. */
const AREA_TOLERANCE = 0.01;

export interface Comparison {
  name: string;
  /** Share of differing pixels, 1 when the sizes differ or there is no baseline. */
  differing: number;
  problem: string | null;
}

export function compareWithBaseline(name: string, png: Buffer): Comparison {
  const baselinePath = join(BASELINES, `${name}.png`);
  const fail = (differing: number, problem: string, diff?: PNG): Comparison => {
    // Updating replaces only the baselines that no longer match: the others stay byte for byte.
    if (process.env.KEEPSAKE_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(BASELINES, { recursive: true });
      writeFileSync(baselinePath, png);
      return { name, differing, problem: null };
    }
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, `${name}.actual.png`), png);
    if (diff) writeFileSync(join(RESULTS, `${name}.diff.png`), PNG.sync.write(diff));
    return { name, differing, problem };
  };
  if (!existsSync(baselinePath)) return fail(1, `no baseline ${baselinePath} (run with KEEPSAKE_UPDATE_SCREENSHOTS=1 and review it)`);
  const expected = PNG.sync.read(readFileSync(baselinePath));
  const actual = PNG.sync.read(png);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return fail(1, `size ${actual.width}×${actual.height}, baseline ${expected.width}×${expected.height}`);
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  let differing = 0;
  for (let i = 0; i < actual.data.length; i += 4) {
    const off = Math.max(
      Math.abs(actual.data[i]! - expected.data[i]!),
      Math.abs(actual.data[i + 1]! - expected.data[i + 1]!),
      Math.abs(actual.data[i + 2]! - expected.data[i + 2]!),
    ) > CHANNEL_TOLERANCE;
    if (off) differing++;
    // The map: differences in red over a faded copy of the baseline.
    diff.data[i] = off ? 255 : 180 + (expected.data[i]! >> 2);
    diff.data[i + 1] = off ? 0 : 180 + (expected.data[i + 1]! >> 2);
    diff.data[i + 2] = off ? 0 : 180 + (expected.data[i + 2]! >> 2);
    diff.data[i + 3] = 255;
  }
  const share = differing / (actual.width * actual.height);
  if (share > AREA_TOLERANCE) return fail(share, `${(share * 100).toFixed(2)}% of pixels differ (at most ${AREA_TOLERANCE * 100}%)`, diff);
  return { name, differing: share, problem: null };
}
