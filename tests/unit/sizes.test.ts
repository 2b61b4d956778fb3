import { describe, expect, it } from 'vitest';
import { fitLongEdge, fitShortEdge } from '../../src/pipeline/import/sizes';

describe('thumbnail sizes', () => {
  it('fits the long edge without upscaling', () => {
    expect(fitLongEdge({ width: 4000, height: 3000 }, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitLongEdge({ width: 800, height: 600 }, 1600)).toEqual({ width: 800, height: 600 });
  });
  it('fits the short edge for square grid cells, capping panoramas', () => {
    expect(fitShortEdge({ width: 1600, height: 1200 }, 256, 768)).toEqual({ width: 341, height: 256 });
    expect(fitShortEdge({ width: 12000, height: 1000 }, 256, 768)).toEqual({ width: 768, height: 64 });
  });
});
