import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { graphModelFrom } from '../../src/vision/graph-model';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { resizeCenterNetGraph, resizeCenterNetWeights } from '../../models/centernet-input';
import { peakRows } from '../../src/pipeline/analyse/peaks';
import { CLOSE_LOOK_SIZE, COCO_CLASSES, OBJECT_INPUT_SIZE } from '../../models/registry';
import { packageDir, sha256 } from '../../models/vite-plugin';
import { CORPUS } from '../../cli/corpus';

const ROOT = resolve(__dirname, '../..');
const human = packageDir('@vladmandic/human', ROOT);
const json = new Uint8Array(readFileSync(join(human, 'models/centernet.json')));
const bin = new Uint8Array(readFileSync(join(human, 'models/centernet.bin')));

interface Graph {
  modelTopology: { node: Array<{ name: string; op: string; attr?: Record<string, unknown> }> };
  weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
}
const parse = (bytes: Uint8Array): Graph => JSON.parse(new TextDecoder().decode(bytes)) as Graph;
const specsOf = (graph: Graph): tf.io.WeightsManifestEntry[] => graph.weightsManifest.flatMap((group) => group.weights);

/** The int32 constants as TF.js itself decodes them from a weights file. */
function constants(weights: Uint8Array, names: string[]): Record<string, number[]> {
  const decoded = tf.io.decodeWeights(weights.slice().buffer, specsOf(parse(json)));
  const out = Object.fromEntries(names.map((name) => [name, Array.from(decoded[name]!.dataSync())]));
  tf.dispose(Object.values(decoded));
  return out;
}

const SIZE_CONSTANTS = [
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul',
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul',
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul',
  'tower_0/strided_slice_6',
  'tower_0/BatchGather/concat',
];

/** A corpus photo stretched to a square of `size`, RGB 0..255, as the app feeds the detector. */
function photoInput(file: string, size: number): tf.Tensor4D {
  const image = jpeg.decode(readFileSync(join(CORPUS, 'photos', file)), { useTArray: true });
  return tf.tidy(() => {
    const rgba = tf.tensor3d(image.data, [image.height, image.width, 4], 'int32');
    const rgb = tf.cast(tf.slice(rgba, [0, 0, 0], [image.height, image.width, 3]), 'float32');
    return tf.expandDims(tf.image.resizeBilinear(rgb as tf.Tensor3D, [size, size]), 0) as tf.Tensor4D;
  });
}

describe('centernet at a smaller input (models/centernet-input.ts)', () => {
  beforeAll(async () => {
    setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm', ROOT), 'dist')}/`);
    await tf.setBackend('wasm');
  });

  it('declares the new input shape and changes nothing else in the graph', () => {
    const original = parse(json);
    const patched = parse(resizeCenterNetGraph(json, 384));
    const input = (graph: Graph) => graph.modelTopology.node.find((node) => node.op === 'Placeholder')!;
    expect(JSON.stringify(input(patched).attr)).toContain('"dim":[{"size":"1"},{"size":"384"},{"size":"384"},{"size":"3"}]');
    input(patched).attr = input(original).attr;
    expect(patched).toEqual(original);
  });

  it('rewrites only the five size constants of the weights', () => {
    const patched = resizeCenterNetWeights(bin, json, 384);
    expect(patched.length).toBe(bin.length);
    const changed = [...patched.keys()].filter((i) => patched[i] !== bin[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(5 * 8);
    expect(constants(bin, SIZE_CONSTANTS)).toEqual({
      [SIZE_CONSTANTS[0]!]: [32, 32], [SIZE_CONSTANTS[1]!]: [64, 64], [SIZE_CONSTANTS[2]!]: [128, 128], [SIZE_CONSTANTS[3]!]: [128], [SIZE_CONSTANTS[4]!]: [16384, 4],
    });
    expect(constants(patched, SIZE_CONSTANTS)).toEqual({
      [SIZE_CONSTANTS[0]!]: [24, 24], [SIZE_CONSTANTS[1]!]: [48, 48], [SIZE_CONSTANTS[2]!]: [96, 96], [SIZE_CONSTANTS[3]!]: [96], [SIZE_CONSTANTS[4]!]: [9216, 4],
    });
  });

  it('resizes the served graph once more, as the app does for its close looks: the same bytes as resizing the shipped one', () => {
    const served = { json: resizeCenterNetGraph(json, OBJECT_INPUT_SIZE), bin: resizeCenterNetWeights(bin, json, OBJECT_INPUT_SIZE) };
    expect(CLOSE_LOOK_SIZE).toBeLessThan(OBJECT_INPUT_SIZE);
    expect(sha256(resizeCenterNetGraph(served.json, CLOSE_LOOK_SIZE, OBJECT_INPUT_SIZE))).toBe(sha256(resizeCenterNetGraph(json, CLOSE_LOOK_SIZE)));
    expect(sha256(resizeCenterNetWeights(served.bin, served.json, CLOSE_LOOK_SIZE, OBJECT_INPUT_SIZE))).toBe(sha256(resizeCenterNetWeights(bin, json, CLOSE_LOOK_SIZE)));
    // Told the wrong size it came from, it refuses rather than write wrong constants.
    expect(() => resizeCenterNetWeights(served.bin, served.json, CLOSE_LOOK_SIZE)).toThrow(/for a 512-px graph/);
    expect(() => resizeCenterNetGraph(served.json, CLOSE_LOOK_SIZE, 384)).toThrow(/placeholder/);
  });

  it('refuses sizes the network cannot take and files that are not the 512-px ones', () => {
    expect(() => resizeCenterNetGraph(json, 400)).toThrow(/multiple of 32/);
    expect(() => resizeCenterNetWeights(bin, json, 0)).toThrow(/multiple of 32/);
    expect(() => resizeCenterNetGraph(resizeCenterNetGraph(json, 384), 320)).toThrow(/placeholder/);
    expect(() => resizeCenterNetWeights(resizeCenterNetWeights(bin, json, 384), json, 320)).toThrow(/for a 512-px graph/);
    expect(() => resizeCenterNetWeights(bin.subarray(0, bin.length - 4), json, 384)).toThrow(/covers/);
  });

  it.each([OBJECT_INPUT_SIZE, CLOSE_LOOK_SIZE])('runs at %i px (a size the app uses) and finds the person in a portrait, where the graph as shipped cannot take that input', async (size) => {
    expect(size).not.toBe(512);
    const input = photoInput('hopper.jpg', size);
    const shipped = await graphModelFrom(json, bin);
    expect(() => shipped.execute(input, 'tower_0/detections')).toThrow();
    shipped.dispose();
    const model = await graphModelFrom(resizeCenterNetGraph(json, size), resizeCenterNetWeights(bin, json, size));
    const output = model.execute(input, 'tower_0/detections') as tf.Tensor;
    expect(output.shape).toEqual([1, 100, 6]);
    const rows = Array.from(output.dataSync());
    tf.dispose([output, input]);
    model.dispose();
    const [x1, y1, x2, y2, score, klass] = rows.slice(0, 6) as [number, number, number, number, number, number];
    // The best row: the person, boxed in input pixels of the new size and filling much of the picture.
    expect(COCO_CLASSES[klass]).toBe('person');
    expect(score).toBeGreaterThan(0.5);
    expect(x2 - x1).toBeGreaterThan(size / 3);
    expect(y2 - y1).toBeGreaterThan(size / 3);
    expect(Math.min(x1, y1)).toBeGreaterThan(-size * 0.05);
    expect(Math.max(x2, y2)).toBeLessThan(size * 1.05);
  }, 60_000);
});

describe('centernet rows decoded in JavaScript from its two heads (src/pipeline/analyse/peaks.ts)', () => {
  beforeAll(async () => {
    setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm', ROOT), 'dist')}/`);
    await tf.setBackend('wasm');
  });

  it.each([OBJECT_INPUT_SIZE, CLOSE_LOOK_SIZE])('gives the graph’s own detection rows at %i px on corpus photos (a group, a portrait, a room, streets, a city from the air)', async (size) => {
    const model = await graphModelFrom(resizeCenterNetGraph(json, size), resizeCenterNetWeights(bin, json, size));
    const grid = size / 4;
    let compared = 0;
    for (const file of ['IMG_1205.jpg', 'hopper.jpg', 'IMG_1005.JPG', 'FurnaceCreekInn3.jpg', 'IMG_1227.JPG', 'digital-rebel.jpg']) {
      const input = photoInput(file, size);
      const [detections, heat, wh] = model.execute(input, ['tower_0/detections', 'tower_0/keypoints', 'tower_0/wh']) as tf.Tensor[];
      const expected = Array.from(detections!.dataSync()).filter((_, i, all) => all[i - (i % 6) + 4]! >= 0.05);
      const rows = peakRows(heat!.dataSync() as Float32Array, wh!.dataSync() as Float32Array, grid, COCO_CLASSES.length, 0.05);
      tf.dispose([input, detections!, heat!, wh!]);
      expect(rows.length, file).toBeGreaterThan(0);
      expect(Array.from(rows), file).toEqual(expected);
      compared += rows.length / 6;
    }
    model.dispose();
    expect(compared).toBeGreaterThan(30);
  }, 60_000);

  it('refuses heads that do not fit the grid', () => {
    expect(() => peakRows(new Float32Array(10), new Float32Array(4), 2, 80, 0.05)).toThrow(/do not fit/);
  });
});
