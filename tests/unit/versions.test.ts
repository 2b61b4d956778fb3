import { describe, it, expect } from 'vitest';
import { lostFacesOnWebGpu, stageVersions } from '../../src/vision/versions';

describe('stage versions', () => {
  const current = stageVersions();
  const before = { ...current, objects: current.objects.replace(/\/decode-\d+$/, '/decode-1') };

  it('moved the object stage on when its input became float32', () => {
    expect(current.objects).toMatch(/\/decode-2$/);
  });

  it('detects faces again only for photos analysed on WebGPU with the broken detector input', () => {
    expect(lostFacesOnWebGpu({ backend: 'webgpu', versions: before })).toBe(true);
    expect(lostFacesOnWebGpu({ backend: 'wasm', versions: before })).toBe(false);
    expect(lostFacesOnWebGpu({ backend: 'webgl', versions: before })).toBe(false);
    expect(lostFacesOnWebGpu({ backend: 'webgpu', versions: current })).toBe(false);
  });
});
