/**
 * The version of each analysis stage: the model that runs it (from the registry) plus the version
 * of our own code around it. Bump a code version when its output changes; only that stage re-runs.
 */
import { MODELS } from '../../models/registry';
import type { StageVersions } from '../db/schema';

export type Stage = keyof StageVersions;

const CODE = { faces: 1, embeddings: 1, objects: 1, pixels: 1 } as const;

const modelVersion = (id: string): string => MODELS.find((model) => model.id === id)!.version;

export function stageVersions(): StageVersions {
  return {
    faces: `${modelVersion('blazeface-full-range')}/tiles-${CODE.faces}`,
    embeddings: `${modelVersion('faceres')}/crop-${CODE.embeddings}`,
    objects: `${modelVersion('centernet')}/decode-${CODE.objects}`,
    pixels: `pixels-${CODE.pixels}`,
  };
}

export const versionKey = (versions: StageVersions): string => [versions.faces, versions.embeddings, versions.objects, versions.pixels].join('|');
