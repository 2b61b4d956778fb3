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

export interface TextEvidence {
  /** Text regions found (lines, or words where lines break up). */
  regions: number;
  /** Share of the picture inside the regions' grown boxes (overlaps counted once), 0..1. */
  coverage: number;
}

export function textEvidence(probability: ArrayLike<number>, width: number, height: number, thresholds = TEXT_THRESHOLDS): TextEvidence {
  const { binary, region, unclip, minPixels } = thresholds;
  const n = width * height;
  const seen = new Uint8Array(n);
  const covered = new Uint8Array(n);
  const stack: number[] = [];
  let regions = 0;
  for (let start = 0; start < n; start++) {
    if (seen[start] || probability[start]! <= binary) continue;
    let count = 0;
    let sum = 0;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      count++;
      sum += probability[i]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0) visit(i - 1);
      if (x < width - 1) visit(i + 1);
      if (y > 0) visit(i - width);
      if (y < height - 1) visit(i + width);
    }
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

  function visit(j: number): void {
    if (!seen[j] && probability[j]! > binary) {
      seen[j] = 1;
      stack.push(j);
    }
  }

  let area = 0;
  for (let i = 0; i < n; i++) area += covered[i]!;
  return { regions, coverage: area / n };
}
