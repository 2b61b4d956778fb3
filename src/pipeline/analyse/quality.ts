/**
 * Technical quality of a photo from its grey pixels (and face boxes): sharpness, face sharpness,
 * exposure, noise, face visibility and a combined score, each 0..1 where 1 is best. Pure, DOM-free.
 *
 * Definitions (numbers do not depend on the original resolution):
 * - Analysis raster: the grey picture area-averaged to a long side of ANALYSIS_SIDE = 512 px (a smaller
 *   picture is used as it is; upsampling would invent smoothness).
 * - laplacianVariance: variance of the 4-neighbour Laplacian (0 1 0 / 1 −4 1 / 0 1 0) over the interior
 *   of the analysis raster, luma in 0..255 units.
 * - sharpness = logistic(ln v): 1 / (1 + (V_MID / v)^K) with V_MID = 100 and K = 1.365, so
 *   v = 20 → 0.10, 50 → 0.28, 100 → 0.50, 200 → 0.72, 500 → 0.90, 1000 → 0.96.
 *   Shared corpus (512-px rasters of the 1600-px previews): sharp photos 200–7000; soft or mostly
 *   out-of-focus frames 30–130 (bokeh macro 40, a portrait whose frame is mostly a flat blue screen 19–65,
 *   motion-blurred print 30). Pictures smaller than 512 px read higher (a 128-px portrait: 3400–4400):
 *   fewer pixels, more detail each; an upsampled crop would read lower instead.
 * - face sharpness: the same Laplacian variance inside each face box, the box resampled to FACE_SIDE =
 *   64 px square first (area average or bilinear), so a large face is not favoured for its size; mapped
 *   with the same curve but V_MID_FACE = 60 (skin is smoother than a scene). faceSharpness = mean over faces.
 *   Corpus faces on the 512-px raster: 100–900 (→ 0.7–0.97); faces under ~20 px, upsampled to 64, 15–20 (→ 0.15).
 *   The crop comes from the grey picture passed in, so a larger picture (the 1600-px preview) gives small
 *   faces more pixels; the app passes the 512-px analysis raster.
 * - exposure from the luma histogram of the analysis raster: mean luma m (0..1), fraction of clipped
 *   pixels at either end (luma ≤ 3 or ≥ 252). exposure = brightness · clipping, where
 *   brightness = 1 for m in [0.22, 0.78], falling linearly to 0 at m = 0.02 / 0.98;
 *   clipping = 1 − clamp((dark − 0.05) / 0.35) · 0.8 − clamp((light − 0.05) / 0.35) · 0.8, at least 0.
 *   (An all-black frame: m = 0 → exposure 0.)
 * - noise: Immerkær's operator (1 −2 1 / −2 4 −2 / 1 −2 1) on the analysis raster, taken only in the
 *   flattest tenth of the picture (by a 3×3-smoothed gradient, and at most 8 units); sigma = 1.4826 ·
 *   median|r| / 6, a robust estimate of Gaussian noise in luma units after the downscale to 512 px.
 *   Shared corpus: clean photos 0.0–1.3, a dark night shot 1.9, fur/snow textures everywhere 2.6–5.8 (the
 *   estimator cannot tell texture that fills the whole frame from noise).
 *   noise = 1 / (1 + (sigma / 4)^2): sigma 1 → 0.94, 2 → 0.80, 4 → 0.50, 8 → 0.20.
 * - faceVisibility, per face: inside (fraction of the box inside the frame) · size (clamp(√(w·h) / 0.08),
 *   a face of 8 % of the frame or more is fully visible) · frontal (from the landmarks when given: the
 *   nose tip's offset from the eyes' midpoint, relative to the eye distance; 1 when unknown); mean over faces.
 * - score: weighted mean of the parts present: sharpness 0.40 (with faces: 0.15 global + 0.25 face),
 *   exposure 0.30, noise 0.15, faceVisibility 0.15 (only with faces; the weights are renormalised).
 */
import { cropGrey, resizeGrey } from './raster';
import type { Box, GreyRaster, Point, QualityParts } from './types';

export const ANALYSIS_SIDE = 512;
export const FACE_SIDE = 64;
const V_MID = 100;
const V_MID_FACE = 60;
const K = 1.365;

export interface QualityFace {
  box: Box;
  /** MediaPipe keypoints (eyes 0/1, nose tip 2) when known; used for the frontal part of faceVisibility. */
  landmarks?: Point[];
}

/** The raw numbers behind the parts. */
export interface QualityRaw {
  laplacianVariance: number;
  /** Estimated noise sigma in luma units (0..255) on the analysis raster. */
  noiseSigma: number;
  /** Mean luma 0..1. */
  meanLuma: number;
  /** Fractions of pixels at luma ≤ 3 and ≥ 252. */
  clippedDark: number;
  clippedLight: number;
  analysisWidth: number;
  analysisHeight: number;
}

/**
 * measureQuality's result: the QualityParts fields themselves (so it can be used as QualityParts), plus
 * `parts` (the same six fields alone, for storage), the raw Laplacian variance of each face (the scale of
 * DetectedFace.sharpness) and the raw numbers.
 */
export interface QualityMeasurement extends QualityParts {
  parts: QualityParts;
  faceSharpnessEach: number[];
  raw: QualityRaw;
}

export function measureQuality(grey: GreyRaster, faces: QualityFace[]): QualityMeasurement {
  const g = downscaleGrey(grey, ANALYSIS_SIDE);
  const laplacianVariance = laplacianVarianceOf(g);
  const sharpness = sharpnessScore(laplacianVariance);
  const faceSharpnessEach = faces.map((face) => faceLaplacianVariance(grey, face.box));
  const faceSharpness = faces.length ? mean(faceSharpnessEach.map(faceSharpnessScore)) : null;
  const hist = lumaStats(g);
  const exposure = exposureScore(hist.meanLuma, hist.clippedDark, hist.clippedLight);
  const noiseSigma = noiseSigmaOf(g);
  const noise = noiseScore(noiseSigma);
  const faceVisibility = faces.length ? mean(faces.map(faceVisibilityOf)) : null;
  const score = combinedScore({ sharpness, faceSharpness, exposure, noise, faceVisibility });
  const parts: QualityParts = { sharpness, faceSharpness, exposure, noise, faceVisibility, score };
  return {
    ...parts,
    parts,
    faceSharpnessEach,
    raw: { laplacianVariance, noiseSigma, ...hist, analysisWidth: g.width, analysisHeight: g.height },
  };
}

// ---------------------------------------------------------------------------------------------
// Sharpness
// ---------------------------------------------------------------------------------------------

/** Variance of the 4-neighbour Laplacian over the interior (luma units²); 0 for pictures under 3×3. */
export function laplacianVarianceOf(g: GreyRaster): number {
  const { width: w, height: h, data } = g;
  if (w < 3 || h < 3) return 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = 1; y < h - 1; y++) {
    let i = y * w + 1;
    for (let x = 1; x < w - 1; x++, i++) {
      const l = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      sum += l;
      sum2 += l * l;
    }
  }
  const n = (w - 2) * (h - 2);
  const m = sum / n;
  return Math.max(0, sum2 / n - m * m);
}

/** Laplacian variance → 0..1 (see the curve at the top). */
export function sharpnessScore(v: number, mid: number = V_MID): number {
  if (!(v > 0)) return 0;
  return 1 / (1 + Math.pow(mid / v, K));
}

function faceSharpnessScore(v: number): number {
  return sharpnessScore(v, V_MID_FACE);
}

/** Laplacian variance inside a face box, resampled to FACE_SIDE × FACE_SIDE first. */
export function faceLaplacianVariance(grey: GreyRaster, box: Box): number {
  const crop = cropGrey(grey, box);
  return laplacianVarianceOf(resizeGrey(crop, FACE_SIDE, FACE_SIDE));
}

/** Face sharpness 0..1 of one face box (see faceLaplacianVariance). */
export function faceSharpness(grey: GreyRaster, box: Box): number {
  return faceSharpnessScore(faceLaplacianVariance(grey, box));
}

// ---------------------------------------------------------------------------------------------
// Exposure
// ---------------------------------------------------------------------------------------------

function lumaStats(g: GreyRaster): { meanLuma: number; clippedDark: number; clippedLight: number } {
  let sum = 0;
  let dark = 0;
  let light = 0;
  const n = g.data.length;
  for (let i = 0; i < n; i++) {
    const v = g.data[i]!;
    sum += v;
    if (v <= 3) dark++;
    else if (v >= 252) light++;
  }
  return { meanLuma: n ? sum / n / 255 : 0, clippedDark: n ? dark / n : 0, clippedLight: n ? light / n : 0 };
}

export function exposureScore(meanLuma: number, clippedDark: number, clippedLight: number): number {
  const brightness = meanLuma < 0.22 ? clamp01((meanLuma - 0.02) / 0.2) : meanLuma > 0.78 ? clamp01((0.98 - meanLuma) / 0.2) : 1;
  const clipping = Math.max(0, 1 - 0.8 * clamp01((clippedDark - 0.05) / 0.35) - 0.8 * clamp01((clippedLight - 0.05) / 0.35));
  return brightness * clipping;
}

// ---------------------------------------------------------------------------------------------
// Noise
// ---------------------------------------------------------------------------------------------

/** Robust noise sigma (luma units) from Immerkær's operator in the flatter half of the picture. */
export function noiseSigmaOf(g: GreyRaster): number {
  const { width: w, height: h, data } = g;
  if (w < 5 || h < 5) return 0;
  const n = (w - 2) * (h - 2);
  const responses = new Float32Array(n);
  const gradients = new Float32Array(n);
  let k = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++, k++) {
      const i = y * w + x;
      const a = data[i - w - 1]!;
      const b = data[i - w]!;
      const c = data[i - w + 1]!;
      const d = data[i - 1]!;
      const e = data[i]!;
      const f = data[i + 1]!;
      const gg = data[i + w - 1]!;
      const hh = data[i + w]!;
      const kk = data[i + w + 1]!;
      responses[k] = Math.abs(a - 2 * b + c - 2 * d + 4 * e - 2 * f + gg - 2 * hh + kk);
      // Structure, not noise: the gradient of the 3×3 block's row and column sums (noise averaged over 3).
      gradients[k] = (Math.abs(c + f + kk - a - d - gg) + Math.abs(gg + hh + kk - a - b - c)) / 3;
    }
  }
  // The flattest tenth of the picture (by the smoothed gradient), at most gradient 8: sky, walls, skin.
  const gradientCut = Math.min(8, histogramQuantile(gradients, null, 0, 0.1, 0.125, 1024));
  const median = histogramQuantile(responses, gradients, gradientCut, 0.5, 0.125, 4096);
  return (1.4826 * median) / 6;
}

/**
 * Quantile of non-negative values by a histogram with bins of `step` (values past the last bin count in
 * it), optionally only where `mask[i] <= cut`.
 */
function histogramQuantile(values: Float32Array, mask: Float32Array | null, cut: number, q: number, step: number, bins: number): number {
  const hist = new Uint32Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i]! > cut) continue;
    hist[Math.min(bins - 1, Math.floor(values[i]! / step))]!++;
    total++;
  }
  if (!total) return 0;
  const target = q * total;
  let seen = 0;
  for (let b = 0; b < bins; b++) {
    seen += hist[b]!;
    if (seen >= target) return (b + 0.5) * step;
  }
  return bins * step;
}

export function noiseScore(sigma: number): number {
  return 1 / (1 + (sigma / 4) ** 2);
}

// ---------------------------------------------------------------------------------------------
// Faces and the combined score
// ---------------------------------------------------------------------------------------------

export function faceVisibilityOf(face: QualityFace): number {
  const [x, y, w, h] = face.box;
  if (!(w > 0 && h > 0)) return 0;
  const ix = Math.max(0, Math.min(1, x + w) - Math.max(0, x));
  const iy = Math.max(0, Math.min(1, y + h) - Math.max(0, y));
  const inside = (ix * iy) / (w * h);
  const size = clamp01(Math.sqrt(w * h) / 0.08);
  return inside * size * frontality(face.landmarks);
}

/** 1 for a frontal face, falling to 0.4 for a profile; 1 when the keypoints are unknown. */
function frontality(landmarks: Point[] | undefined): number {
  const [left, right, nose] = landmarks ?? [];
  if (!left || !right || !nose) return 1;
  const eyeDistance = Math.hypot(right[0] - left[0], right[1] - left[1]);
  if (eyeDistance <= 0) return 1;
  const offset = Math.abs(nose[0] - (left[0] + right[0]) / 2) / eyeDistance;
  return 1 - 0.6 * clamp01((offset - 0.15) / 0.45);
}

export function combinedScore(p: Omit<QualityParts, 'score'>): number {
  const parts: Array<[number, number]> = [
    [p.exposure, 0.3],
    [p.noise, 0.15],
  ];
  if (p.faceSharpness !== null) parts.push([p.sharpness, 0.15], [p.faceSharpness, 0.25]);
  else parts.push([p.sharpness, 0.4]);
  if (p.faceVisibility !== null) parts.push([p.faceVisibility, 0.15]);
  let sum = 0;
  let weight = 0;
  for (const [value, w] of parts) {
    sum += value * w;
    weight += w;
  }
  return sum / weight;
}

// ---------------------------------------------------------------------------------------------

function downscaleGrey(g: GreyRaster, maxSide: number): GreyRaster {
  const long = Math.max(g.width, g.height);
  if (long <= maxSide) return g;
  const scale = maxSide / long;
  return resizeGrey(g, Math.max(1, Math.round(g.width * scale)), Math.max(1, Math.round(g.height * scale)));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
