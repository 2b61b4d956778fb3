/**
 * Text regions with PP-OCRv4's detector through TF.js (converted from ONNX at build, models/registry.ts):
 * the picture stretched to a 320-px square, RGB 0..255; the probability map is read by
 * src/pipeline/analyse/text.ts. Only pictures the junk rules cannot settle get this look
 * (junk.ts wantsTextLook), so the model loads on the first one that needs it.
 */
import { MODELS, modelUrl } from '../../models/registry';
import { textEvidence, type TextEvidence } from '../pipeline/analyse/text';
import { SquareInput, tf } from './runtime';

const spec = MODELS.find((model) => model.id === 'text-detector')!;
const SIZE = spec.input.width;

export class TextDetector {
  private constructor(private readonly look: SquareInput) {}

  static async create(base: string): Promise<TextDetector> {
    const model = await tf.loadGraphModel(modelUrl(base, spec.files.find((file) => file.url.endsWith('.json'))!.url));
    // Thin strokes survive the downscale to 320 px better with the browser's best resampler.
    return new TextDetector(new SquareInput(model, SIZE, [spec.output], 'high'));
  }

  async find(image: ImageBitmap): Promise<TextEvidence> {
    const [map] = await this.look.run(image);
    return textEvidence(map!, SIZE, SIZE);
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
