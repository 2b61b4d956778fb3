import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { graphModelFrom } from '../../src/vision/graph-model';
import { readOnnx } from '../../models/onnx-read';
import { onnxToGraphModel } from '../../models/onnx-to-tfjs';
import { MODELS, TEXT_INPUT_SIZE } from '../../models/registry';
import { packageDir, servedBytes, textDetector } from '../../models/vite-plugin';
import { textEvidence, type TextEvidence } from '../../src/pipeline/analyse/text';
import { CORPUS } from '../../cli/corpus';

const ROOT = resolve(__dirname, '../..');
const spec = MODELS.find((model) => model.id === 'text-detector')!;
const onnx = new Uint8Array(readFileSync(join(packageDir(spec.package, ROOT), spec.files[0]!.from)));
const SIZE = TEXT_INPUT_SIZE;

/** A corpus picture stretched to the detector's square, RGB 0..255 (bilinear from the original file; the worker draws its preview on a canvas). */
function input(file: string): tf.Tensor4D {
  const bytes = readFileSync(join(CORPUS, 'photos', file));
  const image = file.endsWith('.png') ? PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 2048 });
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Uint8Array(image.data), [image.height, image.width, 4], 'int32');
    const rgb = tf.cast(tf.slice(rgba, [0, 0, 0], [image.height, image.width, 3]), 'float32');
    return tf.expandDims(tf.image.resizeBilinear(rgb as tf.Tensor3D, [SIZE, SIZE]), 0) as tf.Tensor4D;
  });
}

describe('ONNX reading and conversion (models/onnx-read.ts, models/onnx-to-tfjs.ts)', () => {
  it('reads the PP-OCRv4 detector: one input, one output, its operators and weights', () => {
    const graph = readOnnx(onnx);
    expect(graph.inputs).toEqual(['x']);
    expect(graph.outputs).toEqual([spec.output]);
    expect(graph.opset).toBe(11);
    const ops = new Set(graph.nodes.map((node) => node.op));
    expect([...ops].sort()).toEqual(['Add', 'BatchNormalization', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Div', 'GlobalAveragePool', 'HardSigmoid', 'Mul', 'Relu', 'Resize', 'Sigmoid']);
    const firstKernel = graph.constants.get(graph.nodes.find((node) => node.op === 'Conv')!.inputs[1]!)!;
    expect(firstKernel.dims).toEqual([16, 3, 3, 3]);
    expect(firstKernel.values).toBeInstanceOf(Float32Array);
  });

  it('folds scales, shifts and activations into the convolutions and refuses what it cannot convert', () => {
    const served = textDetector(onnx);
    const graph = JSON.parse(new TextDecoder().decode(served.json)) as { modelTopology: { node: Array<{ op: string }> } };
    const ops = graph.modelTopology.node.map((node) => node.op);
    expect(served.folded).toBeGreaterThan(100);
    // ConvTranspose became pointwise convolution + reshape/transpose; BatchNormalization was folded.
    expect(ops).not.toContain('Conv2DBackpropInput');
    expect(ops).not.toContain('FusedBatchNormV3');
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(2);
    expect(() => onnxToGraphModel(onnx, { width: 320, height: 320, inputName: 'x', scale: [1, 1, 1], offset: [0, 0, 0], channelOrder: [0, 1, 2], generatedBy: '', weightsPath: 'w.bin' })).not.toThrow();
    // A graph with an operator the converter does not know is refused by name.
    const broken = new Uint8Array(onnx);
    // NodeProto.op_type is field 4, length-delimited (0x22), 17 bytes long (0x11).
    const at = Buffer.from(broken).indexOf(Buffer.from('\x22\x11GlobalAveragePool', 'latin1'));
    expect(at).toBeGreaterThan(0);
    broken.set(new TextEncoder().encode('GlobalAveragePoox'), at + 2);
    expect(() => onnxToGraphModel(broken, { width: 320, height: 320, inputName: 'x', scale: [1, 1, 1], offset: [0, 0, 0], channelOrder: [0, 1, 2], generatedBy: '', weightsPath: 'w.bin' })).toThrow(/GlobalAveragePoox/);
  });
});

describe('the served text detector on corpus pictures', () => {
  let model: Awaited<ReturnType<typeof graphModelFrom>>;
  const find = async (file: string): Promise<TextEvidence> => {
    const x = input(file);
    const map = model.execute({ x }, spec.output) as tf.Tensor;
    expect(map.shape).toEqual([1, SIZE, SIZE, 1]);
    const evidence = textEvidence((await map.data()) as Float32Array, SIZE, SIZE);
    tf.dispose([x, map]);
    return evidence;
  };

  beforeAll(async () => {
    setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm', ROOT), 'dist')}/`);
    await tf.setBackend('wasm');
    const [json, bin] = spec.files.map((file) => servedBytes({ ...file, package: spec.package }, ROOT)) as [Uint8Array, Uint8Array];
    model = await graphModelFrom(json, bin);
  });

  it('finds the lines of a dim phone photo of a menu, and of a scanned page', async () => {
    const menu = await find('verizon.jpg');
    expect(menu.regions).toBeGreaterThanOrEqual(20);
    expect(menu.coverage).toBeGreaterThan(0.12);
    const page = await find('scan_eurotext.png');
    expect(page.regions).toBeGreaterThanOrEqual(8);
    expect(page.coverage).toBeGreaterThan(0.3);
  });

  it('finds little or no text in photos of people and places', async () => {
    for (const file of ['IMG_1205.jpg', 'FurnaceCreekInn.jpg', 'IMG_1111.jpg']) {
      const found = await find(file);
      expect(found.regions, file).toBeLessThanOrEqual(5);
      expect(found.coverage, file).toBeLessThan(0.1);
    }
  });
});

describe('text regions from a probability map (src/pipeline/analyse/text.ts)', () => {
  const W = 200;
  const H = 100;
  const map = (): Float32Array => new Float32Array(W * H);
  const bar = (m: Float32Array, x: number, y: number, w: number, h: number, p: number): void => {
    for (let yy = y; yy < y + h; yy++) m.fill(p, yy * W + x, yy * W + x + w);
  };

  it('counts confident regions, grows their boxes by the unclip distance and measures their cover', () => {
    const m = map();
    for (let line = 0; line < 5; line++) bar(m, 20, 10 + line * 16, 100, 4, 0.9);
    const found = textEvidence(m, W, H);
    expect(found.regions).toBe(5);
    // Each 100×4 core grows by 1.5 · 400 / 208 ≈ 2.9 px a side: about 106 × 10 px.
    expect(found.coverage).toBeGreaterThan((5 * 105 * 9) / (W * H));
    expect(found.coverage).toBeLessThan((5 * 108 * 11) / (W * H));
  });

  it('ignores faint regions and specks', () => {
    const m = map();
    bar(m, 10, 10, 60, 4, 0.45); // above the binary threshold, below the region threshold
    bar(m, 100, 50, 2, 2, 0.95); // 4 pixels: a speck
    expect(textEvidence(m, W, H)).toEqual({ regions: 0, coverage: 0 });
  });
});
