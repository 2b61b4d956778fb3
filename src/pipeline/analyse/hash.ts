/**
 * Perceptual hash and appearance descriptor for near-duplicate detection. Pure and DOM-free.
 *
 * dHash: 64 bits from a 9×8 area-averaged grey picture (bit = a cell is brighter than its right-hand
 * neighbour), as 16 hex characters; compared with hammingDistance (0..64).
 *
 * Appearance descriptor (APPEARANCE_LENGTH = 544 floats):
 *   [0, 256)    16×16 area-averaged luma of the whole picture, mean removed, unit length
 *   [256, 512)  the same for the central 88 % (each side) — a ~10 % centre crop of one picture then
 *               lines up with the whole of the other
 *   [512, 544)  4×4 cells of mean chroma (Cb then Cr, −128..127 units), not mean-removed
 * appearanceSimilarity (0..1) = structure − 0.25 · (1 − colour), clamped, where
 *   structure = the best Pearson correlation of: whole↔whole allowing a shift of one cell (−0.02 per
 *               cell of shift; stereo pairs and small re-framings), crop(a)↔whole(b), whole(a)↔crop(b);
 *   colour    = cosine of the two chroma vectors with a small neutral floor (grey pictures agree on
 *               colour; a saturation change does not move the cosine).
 * Luma correlation ignores brightness and contrast changes, the area averages ignore resizing and
 * re-encoding, and the crop block covers a centre crop.
 *
 * Measured on the shared corpus (90 files → 4005 pairs; tests/unit/analyse-pixels.test.ts prints
 * them), on the 512-px analysis raster of the app's 1600-px JPEG preview:
 *   manifest near-duplicate pairs (33):        similarity   dHash bits
 *     synthetic downscale 70 % + re-encode      1.000        0
 *     synthetic brighten +18 % / saturate +10 % 0.996        1
 *     synthetic centre crop to 88 %             0.996       15   ← dHash alone misses it
 *     one portrait under EXIF orientations 1–8  1.000        0–1
 *     real stereo pair (motorcycle)             0.884       18
 *     real stereo pair (street, a step aside)   0.637       28
 *   all other pairs (3972): similarity median 0.00, p90 0.25, p99 0.50, p99.9 0.73, max 0.86; the highest
 *     are frames of one video session in front of the same blue screen on different days (0.63–0.86,
 *     dHash 7–24) and two synthetic receipts rendered on the same background (0.83, dHash 18).
 *     dHash of other pairs: min 7, p1 19, median 31.
 *   burst pairs that are different views (Furnace Creek, 13 s): 0.00–0.16.
 * Recommended for grouping (SimilarRules): near-duplicate on appearance alone at ≥ 0.90 (every synthetic
 * edit, no other pair); dHash on its own only at ≤ 6 bits (the blue-screen frames are 7 bits apart, so the
 * current 10 would join them); a burst (seconds apart, same camera) at appearance ≥ 0.5 joins both stereo
 * pairs but not the three Furnace Creek views (0.00–0.16): lower it to 0 if every run of shots seconds
 * apart should group whatever it shows.
 */
import { cropGrey, downscale, resizeGrey, toGrey } from './raster';
import type { GreyRaster, Raster } from './types';

// ---------------------------------------------------------------------------------------------
// dHash
// ---------------------------------------------------------------------------------------------

/** 64-bit difference hash of a grey picture (any size), as 16 lowercase hex characters. */
export function dHash(g: GreyRaster): string {
  const small = resizeGrey(g, 9, 8).data;
  let hex = '';
  for (let y = 0; y < 8; y++) {
    let byte = 0;
    for (let x = 0; x < 8; x++) byte = (byte << 1) | (small[y * 9 + x]! > small[y * 9 + x + 1]! ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

const POPCOUNT4 = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Number of differing bits between two hex hashes (64 for dHash); hashes of different lengths differ in every bit. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) return 4 * Math.max(a.length, b.length);
  let bits = 0;
  for (let i = 0; i < a.length; i++) bits += POPCOUNT4[(parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)) & 15]!;
  return bits;
}

// ---------------------------------------------------------------------------------------------
// Appearance descriptor
// ---------------------------------------------------------------------------------------------

const GRID = 16;
const CELLS = GRID * GRID;
const CROP = 0.88;
const CHROMA_GRID = 4;
const CHROMA_CELLS = CHROMA_GRID * CHROMA_GRID;
export const APPEARANCE_LENGTH = 2 * CELLS + 2 * CHROMA_CELLS;

/** Weight of the colour disagreement in the similarity. */
const COLOUR_WEIGHT = 0.25;
/** Penalty per cell of shift when matching the whole pictures. */
const SHIFT_PENALTY = 0.02;
/** Neutral chroma energy added to both vectors (units²), so grey pictures compare as equal in colour. */
const CHROMA_FLOOR = 2 * CHROMA_CELLS * 16;

/** Appearance descriptor of a picture (any size; the analysis raster is fine). */
export function appearanceDescriptor(r: Raster): Float32Array {
  const small = downscale(r, 128);
  const grey = toGrey(small);
  const out = new Float32Array(APPEARANCE_LENGTH);
  out.set(normalised(resizeGrey(grey, GRID, GRID).data), 0);
  const margin = (1 - CROP) / 2;
  out.set(normalised(resizeGrey(cropGrey(grey, [margin, margin, CROP, CROP]), GRID, GRID).data), CELLS);
  const n = small.width * small.height;
  const cb = new Float32Array(n);
  const cr = new Float32Array(n);
  const d = small.data;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    cb[i] = -0.168736 * d[p]! - 0.331264 * d[p + 1]! + 0.5 * d[p + 2]!;
    cr[i] = 0.5 * d[p]! - 0.418688 * d[p + 1]! - 0.081312 * d[p + 2]!;
  }
  out.set(resizeGrey({ width: small.width, height: small.height, data: cb }, CHROMA_GRID, CHROMA_GRID).data, 2 * CELLS);
  out.set(resizeGrey({ width: small.width, height: small.height, data: cr }, CHROMA_GRID, CHROMA_GRID).data, 2 * CELLS + CHROMA_CELLS);
  return out;
}

/** Similarity of two appearance descriptors, 0..1 (1 = the same picture). */
export function appearanceSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== APPEARANCE_LENGTH || b.length !== APPEARANCE_LENGTH) return 0;
  let structure = -1;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) structure = Math.max(structure, shiftedCorrelation(a, b, dx, dy) - SHIFT_PENALTY * (Math.abs(dx) + Math.abs(dy)));
  }
  structure = Math.max(structure, dot(a, CELLS, b, 0, CELLS), dot(a, 0, b, CELLS, CELLS));
  const colour = Math.max(0, chromaCosine(a, b));
  return Math.min(1, Math.max(0, structure - COLOUR_WEIGHT * (1 - colour)));
}

function normalised(v: Float32Array): Float32Array {
  const out = Float32Array.from(v);
  let mean = 0;
  for (const x of out) mean += x;
  mean /= out.length;
  let energy = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = out[i]! - mean;
    energy += out[i]! * out[i]!;
  }
  // A flat picture has no structure: leave it all zeros (it then correlates with nothing).
  const norm = energy > 1e-6 ? Math.sqrt(energy) : 0;
  for (let i = 0; i < out.length; i++) out[i] = norm ? out[i]! / norm : 0;
  return out;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}

/** Pearson correlation of the whole-picture grids where b is moved by (dx, dy) cells, on the overlap. */
function shiftedCorrelation(a: Float32Array, b: Float32Array, dx: number, dy: number): number {
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let k = 0;
  for (let y = Math.max(0, dy); y < Math.min(GRID, GRID + dy); y++) {
    for (let x = Math.max(0, dx); x < Math.min(GRID, GRID + dx); x++) {
      const va = a[y * GRID + x]!;
      const vb = b[(y - dy) * GRID + (x - dx)]!;
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
      k++;
    }
  }
  const cov = sab / k - (sa / k) * (sb / k);
  const varA = saa / k - (sa / k) ** 2;
  const varB = sbb / k - (sb / k) ** 2;
  if (varA <= 1e-12 || varB <= 1e-12) return 0;
  return cov / Math.sqrt(varA * varB);
}

function chromaCosine(a: Float32Array, b: Float32Array): number {
  const o = 2 * CELLS;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < 2 * CHROMA_CELLS; i++) {
    ab += a[o + i]! * b[o + i]!;
    aa += a[o + i]! * a[o + i]!;
    bb += b[o + i]! * b[o + i]!;
  }
  return (ab + CHROMA_FLOOR) / Math.sqrt((aa + CHROMA_FLOOR) * (bb + CHROMA_FLOOR));
}
