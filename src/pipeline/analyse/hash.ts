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
  const ownA = ownSums(a);
  const ownB = ownSums(b);
  sumProducts(a, b, PRODUCTS);
  let structure = -1;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) structure = Math.max(structure, shiftedCorrelation(PRODUCTS[WINDOW(dx, dy)]!, ownA, ownB, dx, dy) - SHIFT_PENALTY * (Math.abs(dx) + Math.abs(dy)));
  }
  structure = Math.max(structure, PRODUCTS[CROP_WHOLE]!, PRODUCTS[WHOLE_CROP]!);
  const colour = Math.max(0, chromaCosine(a, ownA[CHROMA_ENERGY]!, b, ownB[CHROMA_ENERGY]!));
  return Math.min(1, Math.max(0, structure - COLOUR_WEIGHT * (1 - colour)));
}

/**
 * The sums of one descriptor that do not depend on the other one: per shift window of the whole
 * picture the sum and the sum of squares of its cells, and the chroma energy. Memories compare a
 * photo with many others (millions of comparisons at 100,000 photos), so they are worked out once
 * per descriptor and kept with it (in one array: one allocation); descriptors are never changed
 * once made. Window w's sum is at SUM + w, its sum of squares at SQUARES + w.
 */
type OwnSums = Float64Array;
const SUM = 0;
const SQUARES = 9;
const CHROMA_ENERGY = 18;

const ownSumsOf = new WeakMap<Float32Array, OwnSums>();

/** The window of the whole-picture grid that a shift by (dx, dy) cells leaves overlapping, as an index 0..8. */
const WINDOW = (dx: number, dy: number): number => 3 * (dy + 1) + (dx + 1);

function ownSums(v: Float32Array): OwnSums {
  let own = ownSumsOf.get(v);
  if (own) return own;
  own = new Float64Array(19);
  // Row by row, all windows at once, each summed in the order shiftedCorrelation walked its cells.
  for (let y = 0; y < GRID; y++) {
    for (let dy = -1; dy <= 1; dy++) {
      if (y < Math.max(0, dy) || y >= Math.min(GRID, GRID + dy)) continue;
      // The windows of dx −1 (cells 0..14 of the row), 0 (all) and +1 (cells 1..15).
      let left = own[SUM + WINDOW(-1, dy)]!;
      let still = own[SUM + WINDOW(0, dy)]!;
      let right = own[SUM + WINDOW(1, dy)]!;
      let leftSquares = own[SQUARES + WINDOW(-1, dy)]!;
      let stillSquares = own[SQUARES + WINDOW(0, dy)]!;
      let rightSquares = own[SQUARES + WINDOW(1, dy)]!;
      for (let x = 0; x < GRID; x++) {
        const value = v[y * GRID + x]!;
        const square = value * value;
        if (x < GRID - 1) {
          left += value;
          leftSquares += square;
        }
        still += value;
        stillSquares += square;
        if (x > 0) {
          right += value;
          rightSquares += square;
        }
      }
      own[SUM + WINDOW(-1, dy)] = left;
      own[SUM + WINDOW(0, dy)] = still;
      own[SUM + WINDOW(1, dy)] = right;
      own[SQUARES + WINDOW(-1, dy)] = leftSquares;
      own[SQUARES + WINDOW(0, dy)] = stillSquares;
      own[SQUARES + WINDOW(1, dy)] = rightSquares;
    }
  }
  own[CHROMA_ENERGY] = chromaEnergy(v);
  ownSumsOf.set(v, own);
  return own;
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

/**
 * Sums of products of a and b: over the overlap of each shift of b by (dx, dy) cells, at
 * WINDOW(dx, dy), then a's crop with b's whole picture and a's whole picture with b's crop.
 */
const PRODUCTS = new Float64Array(11);
const CROP_WHOLE = 9;
const WHOLE_CROP = 10;

/**
 * The sums of products (PRODUCTS), the cells taken row by row. All eleven sums are carried along
 * together, a row at a time: each is still added up in its own order (so the result is exactly
 * that of eleven separate passes), but the processor works on eleven independent sums at once
 * instead of waiting for one addition after another.
 */
function sumProducts(a: Float32Array, b: Float32Array, out: Float64Array): void {
  out.fill(0);
  for (let y = 0; y < GRID; y++) {
    let cropWhole = out[CROP_WHOLE]!;
    let wholeCrop = out[WHOLE_CROP]!;
    for (let i = y * GRID; i < (y + 1) * GRID; i++) {
      cropWhole += a[CELLS + i]! * b[i]!;
      wholeCrop += a[i]! * b[CELLS + i]!;
    }
    out[CROP_WHOLE] = cropWhole;
    out[WHOLE_CROP] = wholeCrop;
    for (let dy = -1; dy <= 1; dy++) {
      const yb = y - dy;
      if (yb < 0 || yb >= GRID) continue;
      const rowA = y * GRID;
      const rowB = yb * GRID;
      // b moved left (dx −1), not moved, moved right (dx +1): a's cell x meets b's cell x + 1, x, x − 1.
      let left = out[WINDOW(-1, dy)]!;
      let still = out[WINDOW(0, dy)]!;
      let right = out[WINDOW(1, dy)]!;
      let va = a[rowA]!;
      left += va * b[rowB + 1]!;
      still += va * b[rowB]!;
      for (let x = 1; x < GRID - 1; x++) {
        va = a[rowA + x]!;
        left += va * b[rowB + x + 1]!;
        still += va * b[rowB + x]!;
        right += va * b[rowB + x - 1]!;
      }
      va = a[rowA + GRID - 1]!;
      still += va * b[rowB + GRID - 1]!;
      right += va * b[rowB + GRID - 2]!;
      out[WINDOW(-1, dy)] = left;
      out[WINDOW(0, dy)] = still;
      out[WINDOW(1, dy)] = right;
    }
  }
}

/**
 * Pearson correlation of the whole-picture grids where b is moved by (dx, dy) cells, on the overlap:
 * a's part of it is a's window (dx, dy), b's part is b's window (−dx, −dy); `sab` the sum of products.
 */
function shiftedCorrelation(sab: number, ownA: OwnSums, ownB: OwnSums, dx: number, dy: number): number {
  const sa = ownA[SUM + WINDOW(dx, dy)]!;
  const saa = ownA[SQUARES + WINDOW(dx, dy)]!;
  const sb = ownB[SUM + WINDOW(-dx, -dy)]!;
  const sbb = ownB[SQUARES + WINDOW(-dx, -dy)]!;
  const k = (GRID - Math.abs(dy)) * (GRID - Math.abs(dx));
  const cov = sab / k - (sa / k) * (sb / k);
  const varA = saa / k - (sa / k) ** 2;
  const varB = sbb / k - (sb / k) ** 2;
  if (varA <= 1e-12 || varB <= 1e-12) return 0;
  return cov / Math.sqrt(varA * varB);
}

/** Cosine of the two chroma blocks with the neutral floor; `energyA`, `energyB` their sums of squares. */
function chromaCosine(a: Float32Array, energyA: number, b: Float32Array, energyB: number): number {
  let ab = 0;
  for (let i = 2 * CELLS; i < APPEARANCE_LENGTH; i++) ab += a[i]! * b[i]!;
  return floored(ab, energyA, energyB);
}

/** A chroma cosine from the dot product and energies, each with the neutral floor added. */
const floored = (ab: number, energyA: number, energyB: number): number => (ab + CHROMA_FLOOR) / Math.sqrt((energyA + CHROMA_FLOOR) * (energyB + CHROMA_FLOOR));

// ---------------------------------------------------------------------------------------------
// Look: a coarse likeness (for choosing varied photos)
// ---------------------------------------------------------------------------------------------

const COARSE_GRID = 8;
const COARSE_CELLS = COARSE_GRID * COARSE_GRID;
const LOOK_ENERGY = COARSE_CELLS + 2 * CHROMA_CELLS;
/**
 * A look (lookOf): the whole picture at 8×8 cells (2×2 averages of the descriptor's grid), mean
 * removed, unit length (all zeros when flat); then the descriptor's chroma cells; then their energy.
 * A sixth of a descriptor's size: a memories run keeps one per photo of the library.
 */
export const LOOK_LENGTH = LOOK_ENERGY + 1;

/** The look of an appearance descriptor, or undefined for anything that is not one. */
export function lookOf(appearance: Float32Array): Float32Array | undefined {
  if (appearance.length !== APPEARANCE_LENGTH) return undefined;
  const cells = new Float32Array(COARSE_CELLS);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) cells[(y >> 1) * COARSE_GRID + (x >> 1)]! += appearance[y * GRID + x]! / 4;
  const look = new Float32Array(LOOK_LENGTH);
  look.set(normalised(cells));
  look.set(appearance.subarray(2 * CELLS), COARSE_CELLS);
  look[LOOK_ENERGY] = chromaEnergy(appearance);
  return look;
}

/**
 * How alike two looks are, 0..1: the correlation of the whole pictures at 8×8 cells, less the
 * colour disagreement as in appearanceSimilarity. For a memory's photo selection, which compares
 * about two million pairs at 100,000 photos: near-duplicates are already grouped (by
 * appearanceSimilarity) before a selection sees them, so what is left only needs "how alike", and
 * cells of 2×2 take the small shifts and crops in their stride that the exact measure searches for
 * one by one. About a tenth of appearanceSimilarity's work.
 */
export function lookSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== LOOK_LENGTH || b.length !== LOOK_LENGTH) return 0;
  const structure = dot4(a, b, 0, COARSE_CELLS);
  const ab = dot4(a, b, COARSE_CELLS, LOOK_ENERGY);
  const colour = Math.max(0, floored(ab, a[LOOK_ENERGY]!, b[LOOK_ENERGY]!));
  return Math.min(1, Math.max(0, structure - COLOUR_WEIGHT * (1 - colour)));
}

/**
 * Σ a[i]·b[i] over [from, to) (a multiple of 4 long) in four running sums: independent additions
 * keep the processor's pipeline full, twice the speed of one sum over the ~2 million pairs a
 * memories run compares.
 */
function dot4(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = from; i < to; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

function chromaEnergy(v: Float32Array): number {
  let energy = 0;
  for (let i = 2 * CELLS; i < APPEARANCE_LENGTH; i++) energy += v[i]! * v[i]!;
  return energy;
}
