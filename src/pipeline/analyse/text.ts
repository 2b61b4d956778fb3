/**
 * Text regions from a text detector's probability map (PP-OCRv4's DB head: one value 0..1 a pixel,
 * the shrunk core of each text line or word). Pure and DOM-free. After PaddleOCR's DB
 * post-processing, simplified: pixels above the binary threshold form 4-connected regions; a region
 * counts when the mean probability of its pixels reaches the region threshold (PaddleOCR averages
 * over the region's box instead); its axis-aligned box (PaddleOCR: the smallest rotated rectangle,
 * so slanted lines cover a little more here) is grown back by the "unclip" distance, area × ratio /
 * perimeter, the network was trained to shrink by. What the junk rules need is how much of the
 * picture is text and in how many pieces, not the words.
 */
import { TEXT_THRESHOLDS } from '../../../models/registry';
import { connectedRegions } from './raster';

export interface TextEvidence {
  /** Text regions found (lines, or words where lines break up). */
  regions: number;
  /** Share of the picture inside the regions' grown boxes (overlaps counted once), 0..1. */
  coverage: number;
}

export function textEvidence(probability: ArrayLike<number>, width: number, height: number, thresholds = TEXT_THRESHOLDS): TextEvidence {
  const { binary, region, unclip, minPixels } = thresholds;
  const covered = new Uint8Array(width * height);
  let regions = 0;
  for (const { count, sum, x0, y0, x1, y1 } of connectedRegions(width, height, (i) => probability[i]! > binary, (i) => probability[i]!)) {
    if (count < minPixels || sum / count < region) continue;
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const grow = (unclip * w * h) / (2 * (w + h));
    const gx0 = Math.max(0, Math.floor(x0 - grow));
    const gx1 = Math.min(width - 1, Math.ceil(x1 + grow));
    const gy0 = Math.max(0, Math.floor(y0 - grow));
    const gy1 = Math.min(height - 1, Math.ceil(y1 + grow));
    for (let y = gy0; y <= gy1; y++) covered.fill(1, y * width + gx0, y * width + gx1 + 1);
    regions++;
  }
  let area = 0;
  for (let i = 0; i < covered.length; i++) area += covered[i]!;
  return { regions, coverage: area / covered.length };
}
