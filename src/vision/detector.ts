/**
 * Face detection with MediaPipe tasks-vision (BlazeFace full-range, CPU delegate) over the whole
 * picture and closer looks at the people in it, so faces down to ~3% of the width are found
 * (pipeline/analyse/faces).
 */
import { FaceDetector, FilesetResolver } from '@mediapipe/tasks-vision';
import { MODELS, RUNTIME_BASE, modelUrl } from '../../models/registry';
import { closerLooks, mergeFaces, toImageFace, type Region } from '../pipeline/analyse/faces';
import type { Box, DetectedFace } from '../pipeline/analyse/types';

const spec = MODELS.find((model) => model.id === 'blazeface-full-range')!;

export class FaceFinder {
  private constructor(private readonly detector: FaceDetector) {}

  static async create(base: string): Promise<FaceFinder> {
    const fileset = await FilesetResolver.forVisionTasks(modelUrl(base, RUNTIME_BASE.mediapipe), true);
    const detector = await FaceDetector.createFromOptions(fileset, {
      // The GPU delegate was 5–10× slower on software GL and missed faces the CPU delegate found.
      baseOptions: { modelAssetPath: modelUrl(base, spec.files[0]!.url), delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: spec.thresholds.minDetectionConfidence,
      minSuppressionThreshold: spec.thresholds.minSuppressionThreshold,
    });
    return new FaceFinder(detector);
  }

  /** Every face in `image` (display orientation), normalised to its size; `people` (object detector) guide closer looks. */
  find(image: ImageBitmap, people: Array<{ box: Box; score: number }>): DetectedFace[] {
    const { width, height } = image;
    const found = this.#detect(image, { x: 0, y: 0, width, height }, width, height);
    for (const region of closerLooks(width, height, people, found)) found.push(...this.#detect(image, region, width, height));
    return mergeFaces(found, width / height);
  }

  #detect(image: ImageBitmap, region: Region, width: number, height: number): DetectedFace[] {
    // The model sees 192 px: handing it more than LOOK_SIDE only costs copying pixels.
    const scale = Math.min(1, LOOK_SIDE / Math.max(region.width, region.height));
    const whole = region.width === width && region.height === height;
    const result = this.detector.detect(whole && scale === 1 ? image : cut(image, region, scale));
    return result.detections.flatMap((detection) => {
      const box = detection.boundingBox;
      if (!box) return [];
      const hit = {
        box: { x: box.originX / scale, y: box.originY / scale, width: box.width / scale, height: box.height / scale },
        score: detection.categories[0]?.score ?? 0,
        keypoints: detection.keypoints.map((point): [number, number] => [point.x, point.y]),
      };
      return [toImageFace(hit, region, width, height)];
    });
  }

  close(): void {
    this.detector.close();
  }
}

/** Long side of what the detector is handed: well above its 192-px input, far below a preview. */
const LOOK_SIDE = 640;
const lookCanvas = new OffscreenCanvas(1, 1);

function cut(image: ImageBitmap, region: Region, scale: number): OffscreenCanvas {
  lookCanvas.width = Math.max(1, Math.round(region.width * scale));
  lookCanvas.height = Math.max(1, Math.round(region.height * scale));
  const ctx = lookCanvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, region.x, region.y, region.width, region.height, 0, 0, lookCanvas.width, lookCanvas.height);
  return lookCanvas;
}
