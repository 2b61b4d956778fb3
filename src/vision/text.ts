/**
 * Text regions with PP-OCRv4's detector through TF.js (converted from ONNX at build, models/registry.ts):
 * the picture stretched to a 320-px square, RGB 0..255; the probability map is read by
 * src/pipeline/analyse/text.ts. Only pictures the junk rules cannot settle get this look
 * (junk.ts wantsTextLook), so the model loads on the first one that needs it.
 */
import { MODELS, modelUrl } from '../../models/registry';
import { textEvidence, type TextEvidence } from '../pipeline/analyse/text';
import { rgbTensor, tf } from './runtime';

const spec = MODELS.find((model) => model.id === 'text-detector')!;
const SIZE = spec.input.width;

export class TextDetector {
  readonly #ctx = new OffscreenCanvas(SIZE, SIZE).getContext('2d', { willReadFrequently: true })!;

  private constructor(private readonly model: tf.GraphModel) {
    // Thin strokes survive the downscale to 320 px better with the browser's best resampler.
    this.#ctx.imageSmoothingQuality = 'high';
  }

  static async create(base: string): Promise<TextDetector> {
    const model = await tf.loadGraphModel(modelUrl(base, spec.files.find((file) => file.url.endsWith('.json'))!.url));
    return new TextDetector(model);
  }

  async find(image: ImageBitmap): Promise<TextEvidence> {
    this.#ctx.drawImage(image, 0, 0, SIZE, SIZE);
    const pixels = this.#ctx.getImageData(0, 0, SIZE, SIZE);
    const map = tf.tidy(() => this.model.execute(rgbTensor([pixels]), spec.output) as tf.Tensor);
    try {
      return textEvidence((await map.data()) as Float32Array, SIZE, SIZE);
    } finally {
      map.dispose();
    }
  }
}

/** A TextDetector made on first use; a load that failed is tried again on the next use. */
export function lazyTextDetector(base: string): () => Promise<TextDetector> {
  let detector: Promise<TextDetector> | null = null;
  return () =>
    (detector ??= TextDetector.create(base).catch((error: unknown) => {
      detector = null;
      throw error;
    }));
}
