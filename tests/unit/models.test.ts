import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { COCO_CLASSES, MODELS, RUNTIME_BASE, RUNTIME_FILES, allFiles, modelUrl } from '../../models/registry';
import { FACE_DETECTOR_METADATA, TFLITE_METADATA, addFaceDetectorMetadata } from '../../models/tflite-metadata';
import { contentType, packageDir, servedBytes, sha256 } from '../../models/vite-plugin';

const ROOT = resolve(__dirname, '../..');
const faceDetection = packageDir('@mediapipe/face_detection', ROOT);
const readModel = (name: string): Uint8Array => new Uint8Array(readFileSync(join(faceDetection, name)));

// Hand-written reading of the flatbuffers, slot numbers from the public schemas (not from the code under test).
const slot = (n: number): number => 4 + 2 * n;
/** Absolute position of an offset field's target, or 0 when absent. */
function target(bb: ByteBuffer, table: number, field: number): number {
  const o = bb.__offset(table, slot(field));
  return o ? bb.__indirect(table + o) : 0;
}
function tableVector(bb: ByteBuffer, table: number, field: number): number[] {
  const o = bb.__offset(table, slot(field));
  if (!o) return [];
  const start = bb.__vector(table + o);
  return Array.from({ length: bb.__vector_len(table + o) }, (_, i) => bb.__indirect(start + 4 * i));
}
function stringField(bb: ByteBuffer, table: number, field: number): string | null {
  const o = bb.__offset(table, slot(field));
  return o ? (bb.__string(table + o) as string) : null;
}
/** [absolute start, length] of a [ubyte]/[float]/[int] vector field. */
function vectorSpan(bb: ByteBuffer, table: number, field: number): [number, number] {
  const o = bb.__offset(table, slot(field));
  return o ? [bb.__vector(table + o), bb.__vector_len(table + o)] : [0, 0];
}
function scalar(bb: ByteBuffer, table: number, field: number, read: 'int32' | 'float32' | 'int8' | 'uint32'): number | undefined {
  const o = bb.__offset(table, slot(field));
  if (!o) return undefined;
  return read === 'int32' ? bb.readInt32(table + o) : read === 'float32' ? bb.readFloat32(table + o) : read === 'uint32' ? bb.readUint32(table + o) : bb.readInt8(table + o);
}
function floats(bb: ByteBuffer, table: number, field: number): number[] {
  const [start, length] = vectorSpan(bb, table, field);
  return Array.from({ length }, (_, i) => bb.readFloat32(start + 4 * i));
}
function ints(bb: ByteBuffer, table: number, field: number): number[] {
  const [start, length] = vectorSpan(bb, table, field);
  return Array.from({ length }, (_, i) => bb.readInt32(start + 4 * i));
}

// schema.fbs: Model { version 0, operator_codes 1, subgraphs 2, description 3, buffers 4, metadata_buffer 5, metadata 6, signature_defs 7 }
const MODEL_BUFFERS = 4;
const MODEL_METADATA = 6;
const BUFFER_DATA = 0; // Buffer { data:[ubyte] }
const METADATA_NAME = 0; // Metadata { name:string; buffer:uint }
const METADATA_BUFFER = 1;

function rootOf(bytes: Uint8Array): { bb: ByteBuffer; root: number } {
  const bb = new ByteBuffer(bytes);
  return { bb, root: bb.readUint32(0) };
}

function bufferBytes(bytes: Uint8Array): { start: number; data: Uint8Array }[] {
  const { bb, root } = rootOf(bytes);
  return tableVector(bb, root, MODEL_BUFFERS).map((buffer) => {
    const [start, length] = vectorSpan(bb, buffer, BUFFER_DATA);
    return { start, data: bytes.subarray(start, start + length) };
  });
}

/** The ModelMetadata flatbuffer referenced by the TFLITE_METADATA entry. */
function metadataOf(bytes: Uint8Array): Uint8Array {
  const { bb, root } = rootOf(bytes);
  const entry = tableVector(bb, root, MODEL_METADATA).find((m) => stringField(bb, m, METADATA_NAME) === TFLITE_METADATA);
  expect(entry, 'TFLITE_METADATA entry').toBeDefined();
  const index = scalar(bb, entry!, METADATA_BUFFER, 'uint32')!;
  const buffer = tableVector(bb, root, MODEL_BUFFERS)[index]!;
  const [start, length] = vectorSpan(bb, buffer, BUFFER_DATA);
  return bytes.slice(start, start + length);
}

describe('addFaceDetectorMetadata', () => {
  const original = readModel('face_detection_full_range.tflite');
  const patched = addFaceDetectorMetadata(original, 'full');
  const prefix = patched.length - original.length;

  it('prepends a 16-byte-aligned prefix and keeps the original bytes unchanged after it', () => {
    expect(prefix).toBeGreaterThan(0);
    expect(prefix % 16).toBe(0);
    expect(Buffer.from(patched.subarray(prefix)).equals(Buffer.from(original))).toBe(true);
  });

  it('is a TFLite Model (TFL3) whose buffers are the original ones plus one', () => {
    const { bb, root } = rootOf(patched);
    expect(bb.__has_identifier('TFL3')).toBe(true);
    expect(root).toBeLessThan(prefix);
    const before = bufferBytes(original);
    const after = bufferBytes(patched);
    expect(after.length).toBe(before.length + 1);
    expect(before.filter((buffer) => buffer.data.length > 0).length).toBeGreaterThan(100);
    before.forEach((buffer, i) => {
      const same = after[i]!;
      expect(same.start).toBe(buffer.start ? buffer.start + prefix : 0); // 0: a buffer without data (buffer 0 is the empty sentinel)
      expect(same.start % 16).toBe(buffer.start % 16);
      expect(Buffer.from(same.data).equals(Buffer.from(buffer.data))).toBe(true);
    });
  });

  it('keeps the other Model fields pointing at the original tables', () => {
    const o = rootOf(original);
    const p = rootOf(patched);
    expect(scalar(p.bb, p.root, 0, 'uint32')).toBe(scalar(o.bb, o.root, 0, 'uint32')); // version
    for (const field of [1, 2, 3, 5, 7]) {
      const was = target(o.bb, o.root, field);
      expect(target(p.bb, p.root, field), `Model field ${field}`).toBe(was ? was + prefix : 0);
    }
  });

  it('adds a TFLITE_METADATA entry pointing at the new buffer, a ModelMetadata (M001) with normalisation and FD01', () => {
    const { bb, root } = rootOf(patched);
    const entries = tableVector(bb, root, MODEL_METADATA);
    const named = entries.filter((m) => stringField(bb, m, METADATA_NAME) === TFLITE_METADATA);
    expect(named).toHaveLength(1);
    expect(scalar(bb, named[0]!, METADATA_BUFFER, 'uint32')).toBe(bufferBytes(original).length);

    const metadata = metadataOf(patched);
    const start = bufferBytes(patched).at(-1)!.start;
    expect(start % 16).toBe(0);
    const mb = new ByteBuffer(metadata);
    expect(mb.__has_identifier('M001')).toBe(true);
    const mroot = mb.readUint32(0);
    // ModelMetadata { name 0, description 1, version 2, subgraph_metadata 3, author 4, license 5, associated_files 6, min_parser_version 7 }
    expect(stringField(mb, mroot, 7)).toBe('1.5.0');
    const [subgraph] = tableVector(mb, mroot, 3);
    // SubGraphMetadata { ..., input_tensor_metadata 2, output_tensor_metadata 3, ..., custom_metadata 9 }
    const [input] = tableVector(mb, subgraph!, 2);
    expect(stringField(mb, input!, 0)).toBe('input');
    // TensorMetadata { name 0, description 1, dimension_names 2, content 3, process_units 4 }
    const [unit] = tableVector(mb, input!, 4);
    expect(scalar(mb, unit!, 0, 'int8')).toBe(1); // ProcessUnitOptions.NormalizationOptions
    const normalization = target(mb, unit!, 1);
    expect(floats(mb, normalization, 0)).toEqual([127.5]); // mean
    expect(floats(mb, normalization, 1)).toEqual([127.5]); // std
    const content = target(mb, input!, 3);
    expect(scalar(mb, content, 0, 'int8')).toBe(2); // ContentProperties.ImageProperties
    expect(scalar(mb, target(mb, content, 1), 0, 'int8')).toBe(1); // ColorSpaceType.RGB
    // Output names are the model's own: SubGraph { tensors 0, inputs 1, outputs 2 }, Tensor { name 3 }.
    const o = rootOf(original);
    const [graph] = tableVector(o.bb, o.root, 2);
    const tensors = tableVector(o.bb, graph!, 0);
    const outputNames = ints(o.bb, graph!, 2).map((i) => stringField(o.bb, tensors[i]!, 3));
    expect(outputNames).toEqual(['reshaped_regressor_face_4', 'reshaped_classifier_face_4']);
    expect(tableVector(mb, subgraph!, 3).map((t) => stringField(mb, t, 0))).toEqual(outputNames);

    const [custom] = tableVector(mb, subgraph!, 9);
    expect(stringField(mb, custom!, 0)).toBe(FACE_DETECTOR_METADATA);
    const [fdStart, fdLength] = vectorSpan(mb, custom!, 1);
    expect((start + fdStart) % 16).toBe(0); // CustomMetadata.data is force_align: 16
    const fb = new ByteBuffer(metadata.slice(fdStart, fdStart + fdLength));
    expect(fb.__has_identifier('FD01')).toBe(true);
    const froot = fb.readUint32(0);
    // FaceDetectorOptions { min_parser_version 0, anchor_config 1, tensors_decoding_config 2 }
    const anchors = target(fb, froot, 1);
    expect(scalar(fb, anchors, 0, 'int32')).toBe(1); // num_layers
    expect(scalar(fb, anchors, 2, 'float32')).toBe(0.1484375); // min_scale
    expect(scalar(fb, anchors, 3, 'float32')).toBe(0.75); // max_scale
    expect(scalar(fb, anchors, 4, 'float32')).toBe(0.5); // anchor_offset_x
    expect(ints(fb, anchors, 6)).toEqual([4]); // strides
    expect(floats(fb, anchors, 7)).toEqual([1]); // aspect_ratios
    expect(scalar(fb, anchors, 8, 'int8')).toBe(1); // fixed_anchor_size
    expect(scalar(fb, anchors, 9, 'float32')).toBe(0); // interpolated_scale_aspect_ratio
    const decoding = target(fb, froot, 2);
    expect(scalar(fb, decoding, 1, 'int32')).toBe(2304); // num_boxes
    expect(scalar(fb, decoding, 2, 'int32')).toBe(16); // num_coords
    expect(scalar(fb, decoding, 4, 'int32')).toBe(4); // keypoint_coord_offset
    expect(scalar(fb, decoding, 5, 'int32')).toBe(6); // num_keypoints
    expect(scalar(fb, decoding, 6, 'int32')).toBe(2); // num_values_per_keypoint
    for (const field of [7, 8, 9, 10]) expect(scalar(fb, decoding, field, 'float32')).toBe(192); // x/y/w/h_scale
    expect(scalar(fb, decoding, 11, 'float32')).toBe(100); // score_clipping_thresh
    expect(scalar(fb, decoding, 12, 'int8')).toBe(1); // reverse_output_order
    expect(scalar(fb, decoding, 13, 'int8')).toBe(1); // sigmoid_score
  });

  it('refuses to patch twice, and refuses the wrong variant', () => {
    expect(() => addFaceDetectorMetadata(patched, 'full')).toThrow(/already has TFLITE_METADATA/);
    expect(() => addFaceDetectorMetadata(original, 'short')).toThrow(/short-range BlazeFace takes float32 \[1,128,128,3\]/);
    expect(() => addFaceDetectorMetadata(new Uint8Array(64), 'full')).toThrow(/Not a TFLite model/);
  });

  it('patches the short-range and sparse models too, keeping their existing metadata entries', () => {
    const short = readModel('face_detection_short_range.tflite');
    const shortPatched = addFaceDetectorMetadata(short, 'short');
    expect((shortPatched.length - short.length) % 16).toBe(0);
    expect(new ByteBuffer(metadataOf(shortPatched)).__has_identifier('M001')).toBe(true);

    const sparse = readModel('face_detection_full_range_sparse.tflite');
    const sparsePatched = addFaceDetectorMetadata(sparse, 'full');
    const names = (bytes: Uint8Array): (string | null)[] => {
      const { bb, root } = rootOf(bytes);
      return tableVector(bb, root, MODEL_METADATA).map((m) => stringField(bb, m, METADATA_NAME));
    };
    expect(names(sparsePatched)).toEqual([...names(sparse), TFLITE_METADATA]);
    expect(names(sparse)).toContain('min_runtime_version');
  });
});

describe('model registry', () => {
  const files = allFiles();

  it('has the models the app expects', () => {
    expect(MODELS.map((m) => m.id)).toEqual(['blazeface-full-range', 'faceres', 'centernet', 'text-detector']);
    for (const model of MODELS) expect(model.version.startsWith(`${model.package}@${model.packageVersion}+`), model.id).toBe(true);
    expect(MODELS.find((m) => m.id === 'faceres')!.output).toBe('global_pooling/Mean');
    expect(MODELS.find((m) => m.id === 'centernet')!.output).toBe('tower_0/keypoints, tower_0/wh');
    expect(COCO_CLASSES).toHaveLength(80);
    expect(COCO_CLASSES[0]).toBe('person');
    expect(COCO_CLASSES[79]).toBe('toothbrush');
  });

  it('has unique urls, relative to the app base, with a known content type', () => {
    const urls = files.map((f) => f.url);
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) {
      expect(url).not.toMatch(/^\/|\.\.|\\/);
      const expected = { wasm: 'application/wasm', tflite: 'application/octet-stream', bin: 'application/octet-stream', json: 'application/json', js: 'text/javascript' }[url.split('.').pop()!];
      expect(expected, `extension of ${url}`).toBeDefined();
      expect(contentType(url)).toBe(expected);
    }
    expect(RUNTIME_FILES.some((f) => f.url === `${RUNTIME_BASE.mediapipe}/vision_wasm_module_internal.wasm`)).toBe(true);
    expect(RUNTIME_FILES.filter((f) => f.url.startsWith(RUNTIME_BASE.tfjsWasm))).toHaveLength(3);
  });

  it.each(files.map((file) => [file.url, file] as const))('%s exists in node_modules and matches its sha256', (_url, file) => {
    const path = join(packageDir(file.package, ROOT), file.from);
    expect(existsSync(path), path).toBe(true);
    expect(sha256(servedBytes(file, ROOT))).toBe(file.sha256);
  });

  it('model package versions match what is installed', () => {
    for (const spec of [...MODELS, ...RUNTIME_FILES]) {
      const manifest = JSON.parse(readFileSync(join(packageDir(spec.package, ROOT), 'package.json'), 'utf8')) as { version: string };
      expect(manifest.version, spec.package).toBe(spec.packageVersion);
    }
  });

  it('modelUrl joins an absolute base and a registry path', () => {
    expect(modelUrl('http://localhost:5173/', 'models/human/faceres.json')).toBe('http://localhost:5173/models/human/faceres.json');
    expect(modelUrl('https://example.org/app/', 'vendor/tfjs-wasm/')).toBe('https://example.org/app/vendor/tfjs-wasm/');
    expect(modelUrl('https://example.org/app', '/vendor/mediapipe/wasm')).toBe('https://example.org/app/vendor/mediapipe/wasm');
  });
});
