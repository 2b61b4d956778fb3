import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { graphModelFrom } from '../../src/vision/graph-model';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { fuseConvolutions } from '../../models/fuse-graph';
import { packageDir } from '../../models/vite-plugin';
import { CORPUS } from '../../cli/corpus';

const ROOT = resolve(__dirname, '../..');
const human = packageDir('@vladmandic/human', ROOT);
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(human, 'models', file)));
const json = read('faceres.json');
const bin = read('faceres.bin');
const OUTPUT = 'global_pooling/Mean';

interface Graph {
  modelTopology: { node: Array<{ name: string; op: string }> };
  weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
}
const parse = (bytes: Uint8Array): Graph => JSON.parse(new TextDecoder().decode(bytes)) as Graph;
const specsOf = (graph: Graph): tf.io.WeightsManifestEntry[] => graph.weightsManifest.flatMap((group) => group.weights);
const opsOf = (bytes: Uint8Array): string[] => parse(bytes).modelTopology.node.map((node) => node.op);

/** Two different 224-px squares of a corpus photo, RGB 0..255, as the embedder feeds faceres. */
function crops(): tf.Tensor4D {
  const image = jpeg.decode(readFileSync(join(CORPUS, 'photos', 'hopper.jpg')), { useTArray: true });
  return tf.tidy(() => {
    const rgb = tf.cast(tf.slice(tf.tensor3d(image.data, [image.height, image.width, 4], 'int32'), [0, 0, 0], [image.height, image.width, 3]), 'float32');
    const side = Math.min(image.width, image.height) / 2;
    const square = (x: number): tf.Tensor3D => tf.image.resizeBilinear(tf.slice(rgb, [0, x, 0], [side, side, 3]) as tf.Tensor3D, [224, 224]);
    return tf.stack([square(0), square(Math.floor(image.width - side))]) as tf.Tensor4D;
  });
}

function cosines(a: number[][], b: number[][]): number[] {
  return a.map((row, i) => {
    const other = b[i]!;
    const dot = row.reduce((sum, v, k) => sum + v * other[k]!, 0);
    return dot / Math.hypot(...row) / Math.hypot(...other);
  });
}

describe('fusing batch-norm and ReLU6 into convolutions (models/fuse-graph.ts)', () => {
  const fused = fuseConvolutions(json, bin);

  beforeAll(async () => {
    setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm', ROOT), 'dist')}/`);
    await tf.setBackend('wasm');
  });

  it('folds all 27 of faceres’s convolutions, leaving no separate batch-norm or ReLU6 op', () => {
    expect(fused.fused).toBe(27);
    const before = opsOf(json);
    const after = opsOf(fused.json);
    expect(before.filter((op) => op === 'Relu').length).toBe(27);
    for (const op of ['Relu', 'Minimum', 'Maximum', 'Mul', 'Add', 'Conv2D', 'DepthwiseConv2dNative']) expect(after.filter((o) => o === op)).toEqual([]);
    expect(after.filter((op) => op === '_FusedConv2D').length).toBe(14);
    expect(after.filter((op) => op === 'FusedDepthwiseConv2dNative').length).toBe(13);
  });

  it('keeps every weight it still reads byte for byte, except the depthwise kernels that took the scale', () => {
    const offsets = (graph: Graph, weights: Uint8Array): Map<string, Uint8Array> => {
      const out = new Map<string, Uint8Array>();
      let offset = 0;
      for (const spec of specsOf(graph)) {
        const length = spec.shape.reduce((p, d) => p * d, 1) * (spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4);
        out.set(spec.name, weights.subarray(offset, (offset += length)));
      }
      expect(offset).toBe(weights.byteLength);
      return out;
    };
    const original = offsets(parse(json), bin);
    const served = offsets(parse(fused.json), fused.bin);
    const folded = [...served.keys()].filter((name) => name.endsWith('/folded_kernel'));
    expect(folded.length).toBe(13);
    for (const [name, bytes] of served) if (!folded.includes(name)) expect(Buffer.from(bytes).equals(Buffer.from(original.get(name)!)), name).toBe(true);
  });

  it('gives the same embeddings as the graph as shipped', async () => {
    const [shipped, served] = await Promise.all([graphModelFrom(json, bin), graphModelFrom(fused.json, fused.bin)]);
    const input = crops();
    const a = (shipped.execute(input, OUTPUT) as tf.Tensor2D).arraySync();
    const b = (served.execute(input, OUTPUT) as tf.Tensor2D).arraySync();
    for (const cos of cosines(a, b)) expect(cos).toBeGreaterThan(0.99999);
    // The two crops are different pictures, so agreement above is not two constant outputs.
    expect(cosines([a[0]!], [a[1]!])[0]).toBeLessThan(0.99);
    input.dispose();
    shipped.dispose();
    served.dispose();
  });

  it('refuses a graph with nothing to fuse', () => {
    expect(() => fuseConvolutions(read('centernet.json'), read('centernet.bin'))).toThrow(/no convolution followed by batch-norm and ReLU6/);
  });
});
