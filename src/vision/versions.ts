/**
 * The version of each analysis stage: the model that runs it (from the registry) plus the version
 * of our own code around it. Bump a code version when its output changes; only that stage re-runs.
 */
import { MODELS } from '../../models/registry';
import type { StageVersions, TfBackend } from '../db/schema';

export type Stage = keyof StageVersions;

// objects 2: the detector's input is built as float32 (runtime.ts rgbTensor); it was broken on WebGPU.
// pixels 2: the junk kind also asks the text detector (its model version is part of the stage's).
const CODE = { faces: 1, embeddings: 1, objects: 2, pixels: 2 } as const;

const modelVersion = (id: string): string => MODELS.find((model) => model.id === id)!.version;

export function stageVersions(): StageVersions {
  return {
    faces: `${modelVersion('blazeface-full-range')}/tiles-${CODE.faces}`,
    embeddings: `${modelVersion('faceres')}/crop-${CODE.embeddings}`,
    objects: `${modelVersion('centernet')}/decode-${CODE.objects}`,
    pixels: `pixels-${CODE.pixels}/${modelVersion('text-detector')}`,
  };
}

/**
 * Whether a photo was analysed on WebGPU before objects code 2. CenterNet saw a broken input there,
 * so it found almost no people, and the faces those people should have confirmed were dropped: the
 * faces are detected again, not only the labels.
 */
export function lostFacesOnWebGpu(previous: { backend: TfBackend; versions: StageVersions }): boolean {
  return previous.backend === 'webgpu' && previous.versions.objects.endsWith('/decode-1');
}

export const versionKey = (versions: StageVersions): string => [versions.faces, versions.embeddings, versions.objects, versions.pixels].join('|');
