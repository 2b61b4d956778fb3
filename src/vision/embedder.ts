/**
 * Face embeddings: faceres (HSE FaceRes, 1024-d) through TF.js. Eye-aligned square crops of
 * 1.5 × the face box at 224 px, RGB 0..255 unnormalised (models/README.md), L2-normalised output.
 */
import { MODELS, modelUrl } from '../../models/registry';
import { alignedCrop } from '../pipeline/analyse/faces';
import type { DetectedFace } from '../pipeline/analyse/types';
import { rgbTensor, tf } from './runtime';

const spec = MODELS.find((model) => model.id === 'faceres')!;
const SIZE = spec.input.width;
/** Faces are embedded in batches of this many: one model call instead of one per face. */
const BATCH = 8;

export class FaceEmbedder {
  readonly #canvas = new OffscreenCanvas(SIZE, SIZE);
  readonly #ctx = this.#canvas.getContext('2d', { willReadFrequently: true })!;

  private constructor(private readonly model: tf.GraphModel) {}

  static async create(base: string): Promise<FaceEmbedder> {
    const model = await tf.loadGraphModel(modelUrl(base, spec.files.find((file) => file.url.endsWith('.json'))!.url));
    const embedder = new FaceEmbedder(model);
    // The first call compiles kernels (seconds on WebGPU): pay it now, not on the first photo.
    tf.tidy(() => (model.execute(tf.zeros([1, SIZE, SIZE, 3]), spec.output) as tf.Tensor).dataSync());
    return embedder;
  }

  /** One L2-normalised embedding per face, in order. */
  async embed(image: ImageBitmap, faces: DetectedFace[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < faces.length; i += BATCH) {
      const crops = faces.slice(i, i + BATCH).map((face) => this.#crop(image, face));
      const batch = tf.tidy(() => {
        const input = rgbTensor(crops);
        const raw = this.model.execute(input, spec.output) as tf.Tensor;
        return tf.div(raw, tf.norm(raw, 'euclidean', 1, true));
      });
      const flat = (await batch.data()) as Float32Array;
      batch.dispose();
      const dims = flat.length / crops.length;
      for (let k = 0; k < crops.length; k++) out.push(flat.slice(k * dims, (k + 1) * dims));
    }
    return out;
  }

  #crop(image: ImageBitmap, face: DetectedFace): ImageData {
    const crop = alignedCrop(face, image.width, image.height);
    const ctx = this.#ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.translate(SIZE / 2, SIZE / 2);
    ctx.rotate(-crop.angle);
    ctx.scale(SIZE / crop.side, SIZE / crop.side);
    ctx.translate(-crop.centreX, -crop.centreY);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image, 0, 0);
    return ctx.getImageData(0, 0, SIZE, SIZE);
  }

  dispose(): void {
    this.model.dispose();
  }
}
