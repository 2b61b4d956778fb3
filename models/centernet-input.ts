/**
 * A build-time patch that makes MB3-CenterNet run on a smaller square input than the 512 px it was
 * converted for. The network is fully convolutional, but the converted graph froze every size that
 * follows from 512 into constants: the three upsampling targets (32, 64, 128: the input over 16, 8
 * and 4), the heatmap width that turns a top-k index into a cell (128) and the cell count of the box
 * gather (128² rows). This rewrites those constants and the input placeholder's shape; every weight
 * stays byte for byte the same. Pure (bytes in, bytes out): no Node or browser imports.
 *
 * Why: on the wasm backend the detector was half the analysis time of a photo. At 352 px it does
 * 0.47× the work and finds the same objects on most corpus photos (models/README.md has the comparison).
 * The app resizes the served 352-px graph once more in the browser, for the small second looks
 * around unsure faces (src/vision/objects.ts).
 */

import { bytesPerValue, type WeightSpec } from './graph-weights.ts';

/** The size the graph was converted for. */
const CONVERTED_SIZE = 512;
const PLACEHOLDER = 'tower_0/images';

/** Each size constant of the graph: the int32 weight it lives in, and its value for an input of `size`. */
const SIZE_CONSTANTS: Record<string, (size: number, value: number, index: number) => number> = {
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': (size) => size / 16,
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': (size) => size / 8,
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': (size) => size / 4,
  'tower_0/strided_slice_6': (size) => size / 4,
  // [cells, 4]: the wh head reshaped to one row per heatmap cell.
  'tower_0/BatchGather/concat': (size, value, index) => (index === 0 ? (size / 4) ** 2 : value),
};


interface GraphJson {
  modelTopology: { node: Array<{ name: string; op: string; attr?: { shape?: { shape?: { dim: Array<{ size: string }> } } } }> };
  weightsManifest: Array<{ weights: WeightSpec[] }>;
}

function checkSize(size: number): void {
  // Four stride-2 stages down to the coarsest map: the input must halve cleanly five times.
  if (!Number.isInteger(size / 32) || size <= 0) throw new Error(`centernet-input: ${size} px is not a positive multiple of 32`);
}

const parse = (json: Uint8Array): GraphJson => JSON.parse(new TextDecoder().decode(json)) as GraphJson;

/** The model JSON (converted for `from` px, or already resized to it) with the input placeholder declared as [1, size, size, 3]. */
export function resizeCenterNetGraph(json: Uint8Array, size: number, from = CONVERTED_SIZE): Uint8Array {
  checkSize(size);
  const graph = parse(json);
  const input = graph.modelTopology.node.find((node) => node.name === PLACEHOLDER && node.op === 'Placeholder');
  const dims = input?.attr?.shape?.shape?.dim;
  if (!dims || dims.map((d) => d.size).join() !== `1,${from},${from},3`) throw new Error(`centernet-input: no [1,${from},${from},3] placeholder ${PLACEHOLDER}`);
  input!.attr!.shape!.shape!.dim = ['1', String(size), String(size), '3'].map((d) => ({ size: d }));
  return new TextEncoder().encode(JSON.stringify(graph));
}

/**
 * The weights file (for `from` px) with the size constants rewritten for `size`; the JSON (any of
 * the sizes: they share one manifest) says where each weight lies.
 */
export function resizeCenterNetWeights(bin: Uint8Array, json: Uint8Array, size: number, from = CONVERTED_SIZE): Uint8Array {
  checkSize(size);
  const out = bin.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const found = new Set<string>();
  let offset = 0;
  for (const spec of parse(json).weightsManifest.flatMap((group) => group.weights)) {
    const count = spec.shape.reduce((product, dim) => product * dim, 1);
    const rewrite = SIZE_CONSTANTS[spec.name];
    if (rewrite) {
      if (spec.dtype !== 'int32' || spec.quantization) throw new Error(`centernet-input: ${spec.name} is not a plain int32 weight`);
      for (let i = 0; i < count; i++) {
        const at = offset + 4 * i;
        const value = view.getInt32(at, true);
        const expected = rewrite(from, value, i);
        if (value !== expected) throw new Error(`centernet-input: ${spec.name}[${i}] is ${value}, expected ${expected} for a ${from}-px graph`);
        view.setInt32(at, rewrite(size, value, i), true);
      }
      found.add(spec.name);
    }
    offset += count * bytesPerValue(spec);
  }
  if (offset !== bin.byteLength) throw new Error(`centernet-input: the manifest covers ${offset} bytes, the weights file has ${bin.byteLength}`);
  const missing = Object.keys(SIZE_CONSTANTS).filter((name) => !found.has(name));
  if (missing.length) throw new Error(`centernet-input: no weight ${missing.join(', ')}`);
  return out;
}
