/**
 * Objects (COCO 80) with MB3-CenterNet through TF.js, decoded as models/registry.ts describes:
 * the picture stretched to 512², RGB 0..255; rows [x1, y1, x2, y2, score, class] in input pixels.
 */
import { COCO_CLASSES, MODELS, modelUrl } from '../../models/registry';
import { iou } from '../pipeline/analyse/boxes';
import type { Box, Label } from '../pipeline/analyse/types';
import { tf } from './runtime';

const spec = MODELS.find((model) => model.id === 'centernet')!;
const SIZE = spec.input.width;

export class ObjectDetector {
  readonly #canvas = new OffscreenCanvas(SIZE, SIZE);
  readonly #ctx = this.#canvas.getContext('2d', { willReadFrequently: true })!;

  private constructor(private readonly model: tf.GraphModel) {}

  static async create(base: string): Promise<ObjectDetector> {
    const model = await tf.loadGraphModel(modelUrl(base, spec.files[0]!.url));
    tf.tidy(() => (model.execute(tf.zeros([1, SIZE, SIZE, 3]), spec.output) as tf.Tensor).dataSync());
    return new ObjectDetector(model);
  }

  /**
   * Objects in the picture, surest first, as labels with normalised boxes; and every box the model
   * thought might be a person (before thresholds and NMS), which confirms uncertain faces.
   */
  async detect(image: ImageBitmap): Promise<{ labels: Label[]; people: Box[] }> {
    // The browser's resampler stretches the picture to the model's square input, as Human does.
    this.#ctx.drawImage(image, 0, 0, SIZE, SIZE);
    const pixels = this.#ctx.getImageData(0, 0, SIZE, SIZE);
    const output = tf.tidy(() => this.model.execute(tf.expandDims(tf.cast(tf.browser.fromPixels(pixels), 'float32'), 0), spec.output) as tf.Tensor);
    const rows = (await output.data()) as Float32Array;
    output.dispose();
    return { labels: decodeDetections(rows, spec.thresholds), people: personEvidence(rows) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Weak evidence is enough here: it only has to show that someone could be there. */
const PERSON_EVIDENCE_SCORE = 0.1;

function personEvidence(rows: ArrayLike<number>): Box[] {
  return rowsToLabels(rows, PERSON_EVIDENCE_SCORE).filter((label) => label.name === 'person').map((label) => label.box!);
}

function rowsToLabels(rows: ArrayLike<number>, minScore: number): Label[] {
  const labels: Label[] = [];
  for (let i = 0; i + 5 < rows.length; i += 6) {
    const score = rows[i + 4]!;
    const name = COCO_CLASSES[Math.round(rows[i + 5]!)];
    if (score < minScore || !name) continue;
    const clip = (v: number): number => Math.min(1, Math.max(0, v / SIZE));
    const x1 = clip(rows[i]!), y1 = clip(rows[i + 1]!), x2 = clip(rows[i + 2]!), y2 = clip(rows[i + 3]!);
    if (x2 > x1 && y2 > y1) labels.push({ name, score, source: 'objects', box: [x1, y1, x2 - x1, y2 - y1] });
  }
  return labels;
}

/** Rows of [x1, y1, x2, y2, score, class] (input pixels) → labels after score filter and class-agnostic NMS. */
export function decodeDetections(rows: ArrayLike<number>, thresholds: Record<string, number>): Label[] {
  const minScore = thresholds.minScore ?? 0.2;
  const maxIoU = thresholds.iouThreshold ?? 0.4;
  const maxDetected = thresholds.maxDetected ?? 10;
  const candidates = rowsToLabels(rows, minScore).sort((a, b) => b.score - a.score);
  const kept: Label[] = [];
  for (const label of candidates) {
    if (kept.length >= maxDetected) break;
    if (!kept.some((other) => iou(other.box!, label.box!) > maxIoU)) kept.push(label);
  }
  return kept;
}

