/**
 * Objects (COCO 80) with MB3-CenterNet through TF.js, decoded as models/registry.ts describes:
 * the picture stretched to a square, RGB 0..255; rows [x1, y1, x2, y2, score, class] in input pixels.
 */
import { resizeCenterNetGraph, resizeCenterNetWeights } from '../../models/centernet-input';
import { CLOSE_LOOK_SIZE, COCO_CLASSES, MODELS, modelUrl } from '../../models/registry';
import { iou } from '../pipeline/analyse/boxes';
import { peakRows } from '../pipeline/analyse/peaks';
import type { Box, Label } from '../pipeline/analyse/types';
import { graphModelFrom } from './graph-model';
import { SquareInput, fetchBytes } from './runtime';

const spec = MODELS.find((model) => model.id === 'centernet')!;
const SIZE = spec.input.width;
/** The heatmap and size heads: the graph's own tail after them is done in JavaScript (peaks.ts). */
const HEADS = spec.output.split(', ');
/** Faint people count as evidence: they only have to show that someone could be there. */
const EVIDENCE_SCORE = 0.05;

export class ObjectDetector {
  private constructor(
    private readonly whole: SquareInput,
    private readonly closeLook: SquareInput,
  ) {}

  /**
   * The served graph (SIZE px) for whole pictures, and the same weights resized once more for the
   * second looks around unsure faces: a head-and-shoulders crop is filled by its person, so
   * CLOSE_LOOK_SIZE px show them as well at a fraction of the work.
   */
  static async create(base: string): Promise<ObjectDetector> {
    const [json, bin] = await Promise.all(spec.files.map((file) => fetchBytes(modelUrl(base, file.url)))) as [Uint8Array, Uint8Array];
    const whole = new SquareInput(await graphModelFrom(json, bin), SIZE, HEADS);
    whole.warmUp();
    const close = new SquareInput(await graphModelFrom(resizeCenterNetGraph(json, CLOSE_LOOK_SIZE, SIZE), resizeCenterNetWeights(bin, json, CLOSE_LOOK_SIZE, SIZE)), CLOSE_LOOK_SIZE, HEADS);
    close.warmUp();
    return new ObjectDetector(whole, close);
  }

  /**
   * Detection rows of one look. The browser's resampler stretches the picture to the model's
   * square input, as Human does.
   */
  async #rows(look: SquareInput, image: ImageBitmap, region?: { x: number; y: number; width: number; height: number }): Promise<Float32Array> {
    const [heat, wh] = (await look.run(image, region)) as [Float32Array, Float32Array];
    return peakRows(heat, wh, look.size / 4, COCO_CLASSES.length, EVIDENCE_SCORE);
  }

  /**
   * A second look for an unsure face: the object detector on a head-and-shoulders crop around it.
   * A real face there is a person filling the crop; a pattern or an animal is not. Returns the
   * score of the surest person whose box holds the face's centre (0: none).
   */
  async personAround(image: ImageBitmap, face: Box): Promise<number> {
    const region = headAndShoulders(face, image.width, image.height);
    const rows = await this.#rows(this.closeLook, image, region);
    const centre: [number, number] = [
      (face[0] + face[2] / 2) * image.width - region.x,
      (face[1] + face[3] / 2) * image.height - region.y,
    ].map((v, i) => v / (i === 0 ? region.width : region.height)) as [number, number];
    return Math.max(0, ...personEvidence(rows, this.closeLook.size).filter(({ box }) => centre[0] >= box[0] && centre[0] <= box[0] + box[2] && centre[1] >= box[1] && centre[1] <= box[1] + box[3]).map((p) => p.score));
  }

  /**
   * Objects in the picture, surest first, as labels with normalised boxes; and every box the model
   * thought might be a person (before thresholds and NMS), which confirms uncertain faces.
   */
  async detect(image: ImageBitmap): Promise<{ labels: Label[]; people: Array<{ box: Box; score: number }> }> {
    const rows = await this.#rows(this.whole, image);
    return { labels: decodeDetections(rows, spec.thresholds), people: personEvidence(rows, SIZE) };
  }

  dispose(): void {
    this.whole.model.dispose();
    this.closeLook.model.dispose();
  }
}

/** Three face-widths wide, from half a face above the face to two and a half below it: head and shoulders. */
function headAndShoulders([x, y, w, h]: Box, width: number, height: number): { x: number; y: number; width: number; height: number } {
  const left = Math.max(0, (x - w) * width);
  const top = Math.max(0, (y - h / 2) * height);
  const right = Math.min(width, (x + 2 * w) * width);
  const bottom = Math.min(height, (y + 3.5 * h) * height);
  return { x: left, y: top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

function personEvidence(rows: ArrayLike<number>, size: number): Array<{ box: Box; score: number }> {
  return rowsToLabels(rows, EVIDENCE_SCORE, size).filter((label) => label.name === 'person').map((label) => ({ box: label.box!, score: label.score }));
}

/** Rows in input pixels of a `size` square → labels with boxes normalised to the picture. */
function rowsToLabels(rows: ArrayLike<number>, minScore: number, size: number): Label[] {
  const labels: Label[] = [];
  for (let i = 0; i + 5 < rows.length; i += 6) {
    const score = rows[i + 4]!;
    const name = COCO_CLASSES[Math.round(rows[i + 5]!)];
    if (score < minScore || !name) continue;
    const clip = (v: number): number => Math.min(1, Math.max(0, v / size));
    const x1 = clip(rows[i]!), y1 = clip(rows[i + 1]!), x2 = clip(rows[i + 2]!), y2 = clip(rows[i + 3]!);
    if (x2 > x1 && y2 > y1) labels.push({ name, score, source: 'objects', box: [x1, y1, x2 - x1, y2 - y1] });
  }
  return labels;
}

/** Rows of [x1, y1, x2, y2, score, class] (input pixels of the whole look) → labels after score filter and class-agnostic NMS. */
export function decodeDetections(rows: ArrayLike<number>, thresholds: Record<string, number>): Label[] {
  const minScore = thresholds.minScore ?? 0.2;
  const maxIoU = thresholds.iouThreshold ?? 0.4;
  const maxDetected = thresholds.maxDetected ?? 10;
  const candidates = rowsToLabels(rows, minScore, SIZE).sort((a, b) => b.score - a.score);
  const kept: Label[] = [];
  for (const label of candidates) {
    if (kept.length >= maxDetected) break;
    if (!kept.some((other) => iou(other.box!, label.box!) > maxIoU)) kept.push(label);
  }
  return kept;
}

