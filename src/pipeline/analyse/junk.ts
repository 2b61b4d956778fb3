/**
 * Junk detection: is a picture a photo, or a screenshot, document, receipt or other (clip-art, painting
 * reproduction, collage, blank frame)? Pure and DOM-free. junkFeatures measures image statistics on the
 * 512-px analysis raster (the app's 1600-px JPEG preview, downscaled); classifyKind combines them with
 * what the import learned about the file (format, size, camera, capture time, faces, objects) into a kind,
 * a confidence and short reasons a person understands.
 *
 * The rules, in order (thresholds in KIND_RULES), and what the shared corpus shows for each (75 photos,
 * 15 junk files; tests/unit/analyse-pixels.test.ts prints the full table):
 *   feature                      photos (75)                    junk it catches
 *   blank: luma p95−p5 < 0.04    none                            (no blank frame in the corpus)
 *   longLines ≥ 8 + text, no     max 5.3 (a hotel facade)        UI screenshots 12.3, 14.4
 *     camera
 *   textLines ≥ 0.30             max 0.21 (flag stripes, a       documents 0.56–0.99, receipts 0.42–0.49,
 *     and text ≥ 0.08              horizon, a sign on a wall)      screenshots with text 0.36–0.89
 *   neutral ≥ 0.85 and dark-on-  ≤ 0.01 among the 5 nearly       grey pages 0.06–0.43 (incl. a sudoku
 *     light text ≥ 0.035           neutral photos                  photo and motion-blurred print)
 *   flat fill: top colour ≥ 40 % max 0.18 among photos without    clip-art 0.53 (white background)
 *     (light), flat ≥ 35 %         camera and capture time
 *   painting: smooth < 10 %,     smooth ≥ 0.26 among photos      painting 0.05
 *     edges ≥ 20 %                 without camera and capture time
 *   screenshot file name; PNG without camera data or capture time at a screen size / phone shape (≥ 1.9:1)
 *     or with flat UI colour (flat ≥ 40 % and top colour ≥ 30 %): the real photos saved as PNG without
 *     metadata are square portraits with natural texture.
 * Among text junk: long UI edges or a dark background → screenshot (dark with a camera: a board or menu,
 * document); PNG without metadata at a screen size → screenshot; a light, nearly rectangular paper
 * region (8–60 % of the picture, taller than wide, ≥ 85 % full) holding the text → receipt; else document.
 * "No camera" alone is never enough (most corpus photos carry written EXIF without a camera); the clip-art
 * and painting rules apply only without camera and capture time and when no face or person/animal was found.
 *
 * The rules alone: junk precision 1.00 (14/14), recall 0.93 (14/15). The miss is a dim 320×240 phone
 * photo of a restaurant menu (camera EXIF, capture time): at that size its text is 3–4 px high and
 * blurred, its blocks have 20–40 % mid-tones and 30–50 % ink, which is what foliage and fur look like too,
 * and its lines are curved (line regularity 0.09–0.11 even when searching ±4° of skew). So where the
 * rules say photo but a text detector's verdict could change that (wantsTextLook), the worker asks
 * PP-OCRv4's detector (text.ts reads its map): ≥ minTextRegions regions covering ≥ minDetectedCover
 * count as lines of text like the rules' own. With it: precision 1.00 (15/15), recall 1.00.
 */
import { connectedRegions, downscale, type PixelRegion } from './raster';
import type { TextEvidence } from './text';
import type { KindEvidence, PhotoKind, Raster } from './types';

/** Features are measured on a raster of this long side (the app's analysis raster), so they do not depend on resolution. */
export const JUNK_SIDE = 512;
const BLOCK = 16;
const BLOCK_HIST = new Uint32Array(64);

export interface JunkFeatures {
  /** Size of the raster the features were measured on (long side ≤ JUNK_SIDE). */
  width: number;
  height: number;
  /** Long side / short side. */
  aspect: number;
  /** Mean luma 0..1 and its spread p95 − p5 (0..1). */
  meanLuma: number;
  lumaRange: number;
  /** Fraction of nearly neutral pixels (chroma = max − min channel ≤ 0.08). */
  neutral: number;
  /** Mean chroma 0..1 and the fraction of strongly coloured pixels (chroma > 0.4). */
  chroma: number;
  vivid: number;
  /** Fraction of pixels equal (every channel within 1) to their right and lower neighbours. */
  flat: number;
  /** Share of the most common colour (4 bits a channel), its luma and chroma (0..1), and the share of the 8 most common. */
  top1: number;
  top1Luma: number;
  top1Chroma: number;
  top8: number;
  /** Number of 4-bit colours needed to cover 95 % of the pixels. */
  colours95: number;
  /** Fractions of pixels whose luma gradient is ≤ 1.5 (smooth), 3..20 (soft texture), > 20 (edges). */
  smooth: number;
  softTexture: number;
  edges: number;
  /** Of the edge pixels, the fraction whose gradient is within ~8° of horizontal or vertical. */
  axisAligned: number;
  /** Straight horizontal/vertical edges at least 15 % of the picture long, per 100 px of picture side. */
  longLines: number;
  /** Fraction of 16-px blocks that look like text (two-level, contrasted, thin strokes). */
  text: number;
  /** Same, with dark strokes on a background lighter than the picture's median. */
  textOnLight: number;
  /** Regularity of text lines: periodicity (0..1) of the row profile of stroke energy, weighted by its contrast. */
  textLines: number;
  /** Largest connected region of paper blocks (light, nearly neutral, or text on light): share of the picture, height / width, how full its bounding box is. */
  paperRegion: number;
  paperAspect: number;
  paperFill: number;
  /** Fraction of the text blocks inside that region's bounding box. */
  textInPaper: number;
}

// ---------------------------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------------------------

export function junkFeatures(input: Raster): JunkFeatures {
  const r = downscale(input, JUNK_SIDE);
  const { width: w, height: h, data } = r;
  const n = w * h;
  const luma = new Float32Array(n);
  const chromaOf = new Float32Array(n);
  const colourHist = new Uint32Array(4096);
  const lumaHist = new Uint32Array(256);
  let chromaSum = 0;
  let vivid = 0;
  let neutral = 0;
  let lumaSum = 0;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const R = data[p]!;
    const G = data[p + 1]!;
    const B = data[p + 2]!;
    const y = 0.299 * R + 0.587 * G + 0.114 * B;
    luma[i] = y;
    lumaSum += y;
    lumaHist[(y + 0.5) | 0]!++;
    const max = R > G ? (R > B ? R : B) : G > B ? G : B;
    const min = R < G ? (R < B ? R : B) : G < B ? G : B;
    const c = (max - min) / 255;
    chromaOf[i] = c;
    chromaSum += c;
    if (c > 0.4) vivid++;
    if (c <= 0.08) neutral++;
    colourHist[((R >> 4) << 8) | ((G >> 4) << 4) | (B >> 4)]!++;
  }

  // Palette.
  let topBin = 0;
  for (let b = 1; b < 4096; b++) if (colourHist[b]! > colourHist[topBin]!) topBin = b;
  const topR = ((topBin >> 8) << 4) + 8;
  const topG = (((topBin >> 4) & 15) << 4) + 8;
  const topB = ((topBin & 15) << 4) + 8;
  const counts = Array.from(colourHist).filter((c) => c > 0).sort((a, b) => b - a);
  const top8 = counts.slice(0, 8).reduce((a, b) => a + b, 0) / n;
  let covered = 0;
  let colours95 = 0;
  for (const c of counts) {
    if (covered >= 0.95 * n) break;
    covered += c;
    colours95++;
  }

  // Flatness: equal to the right and lower neighbours.
  let flatCount = 0;
  const stride = w * 4;
  const near = (a: number, b: number): boolean => a - b <= 1 && b - a <= 1;
  for (let y = 0; y < h - 1; y++) {
    let p = y * stride;
    for (let x = 0; x < w - 1; x++, p += 4) {
      // Right neighbour first: in a photo it already differs almost everywhere.
      if (!near(data[p]!, data[p + 4]!) || !near(data[p + 1]!, data[p + 5]!) || !near(data[p + 2]!, data[p + 6]!)) continue;
      const q = p + stride;
      if (near(data[p]!, data[q]!) && near(data[p + 1]!, data[q + 1]!) && near(data[p + 2]!, data[q + 2]!)) flatCount++;
    }
  }

  // Gradients (central differences of luma).
  const EDGE = 20;
  let smoothCount = 0;
  let softCount = 0;
  let edgeCount = 0;
  let axisCount = 0;
  const hEdge = new Uint8Array(n); // a horizontal edge: strong vertical change, 1 = lighter below, 2 = darker below
  const vEdge = new Uint8Array(n);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = (luma[i + 1]! - luma[i - 1]!) / 2;
      const gy = (luma[i + w]! - luma[i - w]!) / 2;
      const ax = Math.abs(gx);
      const ay = Math.abs(gy);
      const g = ax > ay ? ax : ay;
      if (g <= 1.5) smoothCount++;
      else if (g >= 3 && g <= EDGE) softCount++;
      if (g <= EDGE) continue;
      edgeCount++;
      if (Math.min(ax, ay) <= 0.15 * g) {
        axisCount++;
        if (ay > ax) hEdge[i] = gy > 0 ? 1 : 2;
        else vEdge[i] = gx > 0 ? 1 : 2;
      }
    }
  }
  const interior = Math.max(1, (w - 2) * (h - 2));

  // Luma percentiles.
  const pct = (q: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += lumaHist[v]!;
      if (seen >= q * n) return v;
    }
    return 255;
  };
  const p5 = pct(0.05);
  const p50 = pct(0.5);
  const p95 = pct(0.95);

  // Paper pixels: light and nearly neutral relative to this picture.
  const paperLuma = Math.max(120, p95 - 45);
  const isPaper = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (luma[i]! >= paperLuma && chromaOf[i]! * 255 <= Math.max(18, 0.14 * luma[i]!)) isPaper[i] = 1;

  // Blocks: text and paper.
  const bw = Math.max(1, Math.floor(w / BLOCK));
  const bh = Math.max(1, Math.floor(h / BLOCK));
  const textBlock = new Uint8Array(bw * bh);
  const paperBlock = new Uint8Array(bw * bh);
  const minContrast = Math.max(24, 0.35 * (p95 - p5));
  const block = new Float32Array(BLOCK * BLOCK);
  let textCount = 0;
  let textLight = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * BLOCK;
      const y0 = by * BLOCK;
      const x1 = Math.min(w, x0 + BLOCK);
      const y1 = Math.min(h, y0 + BLOCK);
      let k = 0;
      let paperIn = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          block[k++] = luma[y * w + x]!;
          paperIn += isPaper[y * w + x]!;
        }
      }
      const kind = textBlockKind(block.subarray(0, k), luma, w, x0, y0, x1, y1, minContrast, p50);
      if (kind) {
        textBlock[by * bw + bx] = 1;
        textCount++;
        if (kind === 2) textLight++;
      }
      if (paperIn >= 0.6 * k || (kind === 2 && paperIn >= 0.3 * k)) paperBlock[by * bw + bx] = 1;
    }
  }
  const blocks = bw * bh;
  const region = largestRegion(paperBlock, bw, bh);
  let textInPaper = 0;
  if (region && textCount) {
    let inside = 0;
    for (let by = region.y0; by <= region.y1; by++) for (let bx = region.x0; bx <= region.x1; bx++) inside += textBlock[by * bw + bx]!;
    textInPaper = inside / textCount;
  }

  return {
    width: w,
    height: h,
    aspect: Math.max(w, h) / Math.min(w, h),
    meanLuma: lumaSum / n / 255,
    lumaRange: (p95 - p5) / 255,
    neutral: neutral / n,
    chroma: chromaSum / n,
    vivid: vivid / n,
    flat: w > 1 && h > 1 ? flatCount / ((w - 1) * (h - 1)) : 1,
    top1: colourHist[topBin]! / n,
    top1Luma: (0.299 * topR + 0.587 * topG + 0.114 * topB) / 255,
    top1Chroma: (Math.max(topR, topG, topB) - Math.min(topR, topG, topB)) / 255,
    top8,
    colours95,
    smooth: smoothCount / interior,
    softTexture: softCount / interior,
    edges: edgeCount / interior,
    axisAligned: edgeCount ? axisCount / edgeCount : 0,
    longLines: countLongRuns(hEdge, w, h, true) + countLongRuns(vEdge, w, h, false),
    text: textCount / blocks,
    textOnLight: textLight / blocks,
    textLines: textLineRegularity(luma, w, h),
    paperRegion: region ? region.count / blocks : 0,
    paperAspect: region ? ((region.y1 - region.y0 + 1) * (h / bh)) / ((region.x1 - region.x0 + 1) * (w / bw)) : 0,
    paperFill: region ? region.count / ((region.y1 - region.y0 + 1) * (region.x1 - region.x0 + 1)) : 0,
    textInPaper,
  };
}

/**
 * 0 = not text; 1 = text-like strokes; 2 = dark strokes on a light background.
 * Text-like: contrasted (p90 − p10 ≥ minContrast), two-level (≤ 30 % mid-tones), a minority of 4–45 %
 * ink, and at least 1.5 crossings of the mid level per row (strokes, not a single edge).
 */
function textBlockKind(block: Float32Array, luma: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number, minContrast: number, median: number): 0 | 1 | 2 {
  const k = block.length;
  if (k < 64) return 0;
  // p10 and p90 from a 64-bin histogram (4 luma levels a bin).
  const hist = BLOCK_HIST;
  hist.fill(0);
  for (let i = 0; i < k; i++) hist[Math.min(63, block[i]! >> 2)]!++;
  let lo = 0;
  let hi = 0;
  let seen = 0;
  for (let b = 0; b < 64; b++) {
    const next = seen + hist[b]!;
    if (seen < 0.1 * k && next >= 0.1 * k) lo = b * 4 + 2;
    if (seen < 0.9 * k && next >= 0.9 * k) {
      hi = b * 4 + 2;
      break;
    }
    seen = next;
  }
  const contrast = hi - lo;
  if (contrast < minContrast) return 0;
  const mid = (lo + hi) / 2;
  let midTones = 0;
  let dark = 0;
  for (let i = 0; i < k; i++) {
    const v = block[i]!;
    if (v > lo + 0.25 * contrast && v < hi - 0.25 * contrast) midTones++;
    if (v < mid) dark++;
  }
  if (midTones > 0.3 * k) return 0;
  const darkShare = dark / k;
  const minority = Math.min(darkShare, 1 - darkShare);
  if (minority < 0.04 || minority > 0.45) return 0;
  let crossings = 0;
  for (let y = y0; y < y1; y++) {
    let prev = luma[y * w + x0]! < mid;
    for (let x = x0 + 1; x < x1; x++) {
      const cur = luma[y * w + x]! < mid;
      if (cur !== prev) crossings++;
      prev = cur;
    }
  }
  if (crossings < 1.5 * (y1 - y0)) return 0;
  return darkShare <= 0.5 && hi >= median ? 2 : 1;
}

/**
 * Lines of text make the row profile of horizontal stroke energy (mean |∂luma/∂x| of a row) rise and fall
 * with the line pitch. For the whole width and for the left, right and middle halves: detrend the profile
 * (33-row moving average), take its autocorrelation's highest peak at lags 4..40 rows after it first turns
 * negative, and weight it by the profile's relative modulation (capped at 1). The best band counts.
 */
function textLineRegularity(luma: Float32Array, w: number, h: number): number {
  if (h < 24 || w < 8) return 0;
  const bands: Array<[number, number]> = [
    [0, w],
    [0, w >> 1],
    [w >> 1, w],
    [w >> 2, (3 * w) >> 2],
  ];
  let best = 0;
  const energy = new Float64Array(h);
  const detrended = new Float64Array(h);
  for (const [x0, x1] of bands) {
    if (x1 - x0 < 8) continue;
    let total = 0;
    for (let y = 0; y < h; y++) {
      let s = 0;
      const row = y * w;
      for (let x = x0 + 1; x < x1; x++) s += Math.abs(luma[row + x]! - luma[row + x - 1]!);
      energy[y] = s / (x1 - x0 - 1);
      total += energy[y]!;
    }
    const mean = total / h;
    if (mean <= 0) continue;
    let e0 = 0;
    for (let y = 0; y < h; y++) {
      let s = 0;
      let k = 0;
      for (let d = -16; d <= 16; d++) {
        const yy = y + d;
        if (yy >= 0 && yy < h) {
          s += energy[yy]!;
          k++;
        }
      }
      detrended[y] = energy[y]! - s / k;
      e0 += detrended[y]! * detrended[y]!;
    }
    if (e0 <= 0) continue;
    let peak = 0;
    let turnedNegative = false;
    for (let lag = 2; lag <= Math.min(40, h >> 1); lag++) {
      let s = 0;
      for (let y = 0; y + lag < h; y++) s += detrended[y]! * detrended[y + lag]!;
      const rho = ((s / e0) * h) / (h - lag);
      if (rho < 0) turnedNegative = true;
      if (turnedNegative && lag >= 4 && rho > peak) peak = rho;
    }
    const modulation = Math.sqrt(e0 / h) / mean;
    best = Math.max(best, Math.min(1, peak) * Math.min(1, modulation));
  }
  return best;
}

/**
 * Runs of the same edge polarity along rows (horizontal) or columns, at least 15 % of that side long
 * (one-pixel gaps allowed; an edge may sit on this line or the next one), counted per 100 px of the other
 * side. Each real line marks about two neighbouring lines, so the count is halved. Row-major for both
 * directions (columns keep their run state in arrays).
 */
function countLongRuns(mark: Uint8Array, w: number, h: number, horizontal: boolean): number {
  const len = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const min = Math.max(12, Math.round(0.15 * len));
  const run = new Int32Array(lines);
  const polarity = new Uint8Array(lines);
  const gap = new Uint8Array(lines);
  let runs = 0;
  const step = (a: number, m: number): void => {
    if (m && (m === polarity[a] || run[a] === 0)) {
      polarity[a] = m;
      run[a]!++;
      gap[a] = 0;
    } else if (run[a] && gap[a]! < 1) {
      gap[a]!++;
    } else {
      if (run[a]! >= min) runs++;
      run[a] = m ? 1 : 0;
      polarity[a] = m;
      gap[a] = 0;
    }
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const a = horizontal ? y : x;
      const m = mark[i] || (horizontal ? (y + 1 < h ? mark[i + w]! : 0) : x + 1 < w ? mark[i + 1]! : 0);
      // No edge and no run under way leaves the line's state as it is (all zero): most pixels.
      if (m || run[a]) step(a, m);
    }
  }
  for (let a = 0; a < lines; a++) if (run[a]! >= min) runs++;
  return ((runs / 2) * 100) / lines;
}

/** The largest 4-connected region of the mask's cells (the first found of equal ones), or null when the mask is empty. */
function largestRegion(mask: Uint8Array, bw: number, bh: number): PixelRegion | null {
  return connectedRegions(bw, bh, (i) => mask[i] !== 0).reduce<PixelRegion | null>((best, region) => (!best || region.count > best.count ? region : best), null);
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

export interface KindContext {
  fileName: string;
  /** 'jpeg' | 'png' | 'webp' | 'heic' | 'heif' | 'avif' | 'mpo' */
  format: string;
  /** Display size of the original. */
  width: number;
  height: number;
  camera: { make: string | null; model: string | null } | null;
  takenAtSource: 'exif' | 'filename' | 'file' | 'none';
  faceCount: number;
  /** COCO names found by the object detector. */
  objectLabels: string[];
  /** What the text detector found, for pictures that got its look (wantsTextLook). */
  text?: TextEvidence;
}

/** Screen resolutions of common phones, tablets and monitors (either orientation). */
const SCREEN_SIZES: Array<[number, number]> = [
  [640, 1136], [750, 1334], [828, 1792], [1125, 2436], [1242, 2688], [1170, 2532], [1179, 2556], [1284, 2778], [1290, 2796], [1206, 2622], [1320, 2868],
  [720, 1280], [720, 1600], [1080, 1920], [1080, 2160], [1080, 2280], [1080, 2340], [1080, 2400], [1440, 2560], [1440, 3040], [1440, 3120], [1440, 3200],
  [1536, 2048], [1620, 2160], [1640, 2360], [1668, 2224], [1668, 2388], [2048, 2732],
  [1366, 768], [1280, 800], [1440, 900], [1600, 900], [1680, 1050], [1920, 1080], [1920, 1200], [2560, 1440], [2560, 1600], [2880, 1800], [3840, 2160],
  [2560, 1664], [2880, 1864], [3024, 1964], [3456, 2234],
];

/** COCO classes that carry text or a screen: a picture of one can still be a document. */
const TEXT_BEARING = new Set(['book', 'laptop', 'tv', 'cell phone', 'keyboard', 'clock']);

/** COCO classes that are people or animals. */
const LIVING = new Set(['person', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe']);

const SCREENSHOT_NAME = /screen[\s_-]?shot|screen[\s_-]?cap|bildschirmfoto|capture d.?[ée]cran|schermafbeelding|captura de pantalla|schermata|スクリーンショット|截屏|截图|스크린샷/i;

/** The thresholds classifyKind uses (see the table at the top of this file for the measured ranges). */
export const KIND_RULES = {
  /** textLines at or above this, with text ≥ minTextBlocks, is "lines of text". Photos ≤ 0.21, text junk ≥ 0.36. */
  minTextLines: 0.3,
  minTextBlocks: 0.08,
  /** A black-and-white page: neutral ≥ this, dark-on-light text blocks ≥ minPrint, mean luma ≥ minPageLuma. */
  minNeutralPage: 0.85,
  minPrint: 0.035,
  minPageLuma: 0.3,
  /** Straight UI edges (per 100 px of side) at or above this: window chrome, tables. Photos ≤ 5.3, UI screenshots ≥ 12. */
  minUiLines: 8,
  /** Clip-art: one light or coloured flat fill covering at least this much of a flat picture. */
  minFill: 0.4,
  minFillFlat: 0.35,
  /** Painting / artwork: smooth share below this and edge share above minArtEdges (only without camera or capture time). */
  maxArtSmooth: 0.1,
  minArtEdges: 0.2,
  /** Tall or wide as a phone screen (only with PNG and no camera data). */
  minPhoneAspect: 1.9,
  /**
   * Lines of text found by the text detector: at least this many regions covering at least
   * minDetectedCover of the picture. Corpus photos ≤ 4 regions (≤ 0.12 cover, and that from one
   * sign); documents, receipts and screenshots with text 7–107 regions, 0.07–0.61, the dim menu 38
   * and 0.22. A supermarket shelf of nappy packs and price tags (a benchmark photo) has 16 regions
   * covering 0.06: a photo, so the cover must be twice that.
   */
  minTextRegions: 10,
  minDetectedCover: 0.12,
  /**
   * The text detector only looks at pictures with at least this share of text-like blocks and this
   * much line regularity (the corpus photos' median is 0.035; the dim menu the rules missed, 0.094).
   * Half the candidate photos fall below and skip its ~70 ms.
   */
  minTextForLook: 0.01,
  minLinesForLook: 0.04,
};

/**
 * Whether the text detector's look could change the verdict: pictures the rules call photos, with
 * some text-like texture in rows, no face and no confident object except things that carry text (a
 * page of a book, a screen). A menu or a letter photographed in dim light has blurred, curved lines
 * that the block statistics miss; the detector still finds them. On the corpus 8 of 75 photos get
 * the look; the rest have faces, people, animals or objects, or no text-like rows at all.
 */
export function wantsTextLook(verdict: KindEvidence, f: JunkFeatures, context: KindContext): boolean {
  const R = KIND_RULES;
  const someText = f.text >= R.minTextForLook && f.textLines >= R.minLinesForLook;
  return verdict.kind === 'photo' && context.faceCount === 0 && someText && context.objectLabels.every((label) => TEXT_BEARING.has(label));
}

export function classifyKind(f: JunkFeatures, context: KindContext): KindEvidence {
  const R = KIND_RULES;
  const pct = (v: number): string => `${Math.round(v * 100)} %`;
  const size = `${context.width} × ${context.height}`;
  const camera = context.camera && (context.camera.make || context.camera.model) ? [context.camera.make, context.camera.model].filter(Boolean).join(' ') : null;
  const dated = context.takenAtSource === 'exif';
  const format = context.format.toLowerCase();
  const aspect = Math.max(context.width, context.height) / Math.max(1, Math.min(context.width, context.height));
  const screenName = SCREENSHOT_NAME.test(context.fileName);
  const screenSize = SCREEN_SIZES.some(([a, b]) => (context.width === a && context.height === b) || (context.width === b && context.height === a));
  const metaReasons: string[] = [];
  if (!camera) metaReasons.push('no camera in EXIF');
  if (!dated) metaReasons.push('no capture time in EXIF');

  const result = (kind: PhotoKind, confidence: number, reasons: string[]): KindEvidence => ({ kind, confidence: Math.round(confidence * 100) / 100, reasons });

  // An (almost) uniform frame: black test shot, lens cap, blank page.
  if (f.lumaRange < 0.04 && f.edges < 0.005) {
    return result('other', 0.9, [`almost uniform ${f.meanLuma < 0.15 ? 'dark ' : ''}frame with no detail`, ...metaReasons]);
  }

  const detected = context.text && context.text.regions >= R.minTextRegions && context.text.coverage >= R.minDetectedCover ? context.text : null;
  const textLines = (f.textLines >= R.minTextLines && f.text >= R.minTextBlocks) || detected !== null;
  const printedPage = f.neutral >= R.minNeutralPage && f.textOnLight >= R.minPrint && f.meanLuma >= R.minPageLuma;
  const uiLines = f.longLines >= R.minUiLines;
  const darkBackground = f.meanLuma < 0.35 || (f.top1 >= 0.3 && f.top1Luma < 0.25);
  const textReason = detected
    ? `the text detector found ${detected.regions} lines of text covering ${pct(detected.coverage)} of the picture`
    : `lines of text (regularity ${f.textLines.toFixed(2)}, text in ${pct(f.text)} of the picture)`;

  // Screens: long straight edges of windows and tables with text, and no camera (a camera photo of a
  // building facade can have many straight edges too).
  if (uiLines && !camera && (textLines || f.text >= R.minTextBlocks || screenName)) {
    const reasons = [`long straight horizontal and vertical edges, like windows, menus or tables`];
    if (textLines) reasons.push(textReason);
    if (screenName) reasons.push('file name says screenshot');
    return result('screenshot', 0.9, [...reasons, ...metaReasons]);
  }

  // Paper: lines of dark text on a light background, or a black-and-white page with print.
  if ((textLines && !darkBackground) || printedPage) {
    const reasons: string[] = [];
    if (textLines) reasons.push(textReason);
    if (printedPage) reasons.push(`black-and-white page (${pct(f.neutral)} neutral) with dark print on light`);
    const receipt = f.paperRegion >= 0.08 && f.paperRegion <= 0.6 && f.paperAspect >= 1 && f.paperFill >= 0.85 && f.textInPaper >= 0.85;
    if (receipt) {
      reasons.push(`a light paper slip (${pct(f.paperRegion)} of the picture, ${f.paperAspect.toFixed(1)}× taller than wide) holds the text`);
      return result('receipt', textLines ? 0.8 : 0.65, reasons);
    }
    if (screenName) return result('screenshot', 0.85, ['file name says screenshot', ...reasons, ...metaReasons]);
    if (format === 'png' && !camera && !dated && (screenSize || aspect >= R.minPhoneAspect)) {
      const shape = screenSize ? `screen size ${size}` : `phone screen shape ${size}`;
      return result('screenshot', 0.8, [shape, 'PNG without camera data or capture time', ...reasons]);
    }
    if (f.paperRegion >= 0.25) reasons.push(`light paper covers ${pct(f.paperRegion)} of the picture`);
    return result('document', textLines && printedPage ? 0.9 : 0.75, reasons);
  }

  if (textLines) {
    // Text on a dark background: an app or web page in dark mode; with a camera, a board or a dark menu.
    // Text the detector found in a dim camera photo is print on dim paper as often as light on dark.
    if (camera && !screenName) return result('document', 0.7, [textReason, ...(detected ? [] : ['light text on a dark background']), `camera: ${camera}`]);
    return result('screenshot', 0.8, [textReason, 'dark flat background like an app screen', ...(screenName ? ['file name says screenshot'] : []), ...metaReasons]);
  }

  const fill = f.top1 >= R.minFill && f.flat >= R.minFillFlat && f.top1Luma >= 0.35;
  const pngWithoutCapture = format === 'png' && !camera && !dated;

  if (screenName && !camera) {
    const reasons = ['file name says screenshot'];
    if (format === 'png') reasons.push('PNG');
    if (screenSize) reasons.push(`screen size ${size}`);
    else if (aspect >= R.minPhoneAspect) reasons.push(`phone screen shape ${size}`);
    return result('screenshot', 0.85, [...reasons, ...metaReasons]);
  }
  if (pngWithoutCapture && (aspect >= R.minPhoneAspect || screenSize || (f.flat >= 0.4 && f.top1 >= 0.3))) {
    const reasons = ['PNG without camera data or capture time'];
    if (screenSize) reasons.push(`screen size ${size}`);
    else if (aspect >= R.minPhoneAspect) reasons.push(`phone screen shape ${size}`);
    if (f.flat >= 0.4) reasons.push(`${pct(f.flat)} flat colour`);
    return result('screenshot', 0.7, reasons);
  }

  // Artwork: clip-art with a flat fill, or a painting's texture everywhere; only without camera and capture
  // time, and not when the detectors saw people or animals (a photo of a subject).
  const living = context.faceCount > 0 || context.objectLabels.some((label) => LIVING.has(label));
  if (!camera && !dated && !living && fill) {
    return result('other', 0.7, [`one flat ${f.top1Chroma > 0.25 ? 'coloured' : 'light'} fill covers ${pct(f.top1)} of the picture, like clip-art`, ...metaReasons]);
  }
  if (!camera && !dated && !living && f.smooth < R.maxArtSmooth && f.edges >= R.minArtEdges) {
    return result('other', 0.6, [`brush-like texture everywhere (${pct(f.smooth)} smooth, ${pct(f.edges)} edges), like a painting or artwork`, ...metaReasons]);
  }

  // A photo.
  const reasons: string[] = [];
  let confidence = 0.6;
  if (camera) {
    reasons.push(`camera: ${camera}`);
    confidence += 0.2;
  }
  if (dated) {
    reasons.push('capture time in EXIF');
    confidence += 0.1;
  }
  if (context.faceCount > 0) {
    reasons.push(`${context.faceCount} face${context.faceCount > 1 ? 's' : ''}`);
    confidence += 0.05;
  }
  const seen = [...new Set(context.objectLabels)].slice(0, 3);
  if (seen.length) {
    reasons.push(`sees ${seen.join(', ')}`);
    confidence += 0.05;
  }
  if (f.textLines < 0.15 && f.text < 0.05) {
    reasons.push('no text');
    confidence += 0.05;
  }
  if (!reasons.length) reasons.push('natural colours and texture');
  return result('photo', Math.min(0.95, confidence), reasons);
}
