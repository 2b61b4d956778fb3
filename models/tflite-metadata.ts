/**
 * Adds the TFLite metadata that MediaPipe's FaceDetector needs to the BlazeFace `.tflite` files from
 * @mediapipe/face_detection, without re-serialising the model (shared/notes/models.md §2).
 *
 * The npm models carry no `TFLITE_METADATA`, so tasks-vision 1.1.0 rejects them ("Input tensor has
 * type float32: it requires specifying NormalizationOptions metadata"). This module:
 *  1. builds a `tflite.ModelMetadata` flatbuffer (identifier `M001`) with NormalizationOptions
 *     mean 127.5 / std 127.5 and ImageProperties RGB on the input tensor, the output tensor names,
 *     and a subgraph custom_metadata `FACE_DETECTOR_METADATA` holding a
 *     `mediapipe.tasks.FaceDetectorOptions` flatbuffer (identifier `FD01`: SSD anchors + decoding);
 *  2. prepends a new root `Model` table whose `buffers` and `metadata` vectors are the old entries
 *     plus one new entry each; every other field points forward into the untouched original bytes;
 *  3. pads that prefix to a multiple of 16 bytes so the original weight buffers keep their alignment.
 *
 * Pure TypeScript (Uint8Array in, Uint8Array out): no Node APIs, no flatc, no schema files. Field
 * slots are hand-coded from tensorflow/lite schema.fbs, metadata_schema.fbs (1.5.0) and
 * mediapipe/tasks/metadata/face_detector_metadata_schema.fbs (1.0.0).
 */
import { Builder, ByteBuffer } from 'flatbuffers';

export type FaceDetectorVariant = 'full' | 'short';

/** The name TFLite / MediaPipe look for in Model.metadata. */
export const TFLITE_METADATA = 'TFLITE_METADATA';
/** The subgraph custom_metadata name that tasks-vision's FaceDetector reads. */
export const FACE_DETECTOR_METADATA = 'FACE_DETECTOR_METADATA';

// ---- tflite schema.fbs: table Model (root, file_identifier "TFL3") -------------------------------
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 } as const;
/** Model slots that hold an offset (everything but `version`, a uint). */
const MODEL_OFFSET_SLOTS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7]);
const MODEL_SLOTS = 8;
// table Metadata { name:string; buffer:uint; }
const METADATA = { name: 0, buffer: 1 } as const;
// table SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int]; operators:[Operator]; name:string; ... }
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2 } as const;
// table Tensor { shape:[int]; type:TensorType; buffer:uint; name:string; ... }
const TENSOR = { shape: 0, type: 1, name: 3 } as const;
const TENSOR_TYPE_FLOAT32 = 0;

// ---- metadata_schema.fbs (namespace tflite, file_identifier "M001") -------------------------------
// table ModelMetadata { name; description; version; subgraph_metadata; author; license; associated_files; min_parser_version }
const MODEL_METADATA = { name: 0, description: 1, version: 2, subgraphMetadata: 3, author: 4, license: 5, minParserVersion: 7 } as const;
// table SubGraphMetadata { name; description; input_tensor_metadata; output_tensor_metadata; associated_files;
//   input_process_units; output_process_units; input_tensor_groups; output_tensor_groups; custom_metadata }
const SUBGRAPH_METADATA = { name: 0, description: 1, inputTensorMetadata: 2, outputTensorMetadata: 3, customMetadata: 9 } as const;
const SUBGRAPH_METADATA_SLOTS = 10;
// table TensorMetadata { name; description; dimension_names; content; process_units; stats; associated_files }
const TENSOR_METADATA = { name: 0, description: 1, content: 3, processUnits: 4 } as const;
// table Content { content_properties:ContentProperties (union: _type slot 0, value slot 1); range:ValueRange }
const CONTENT = { propertiesType: 0, properties: 1 } as const;
const CONTENT_PROPERTIES_IMAGE = 2; // union ContentProperties { FeatureProperties=1, ImageProperties=2, ... }
// table ImageProperties { color_space:ColorSpaceType (byte); default_size:ImageSize }
const IMAGE_PROPERTIES = { colorSpace: 0, defaultSize: 1 } as const;
const COLOR_SPACE_RGB = 1;
// table ImageSize { width:uint; height:uint }
const IMAGE_SIZE = { width: 0, height: 1 } as const;
// table ProcessUnit { options:ProcessUnitOptions (union: _type slot 0, value slot 1) }
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const PROCESS_UNIT_NORMALIZATION = 1; // union ProcessUnitOptions { NormalizationOptions=1, ... }
// table NormalizationOptions { mean:[float]; std:[float] }
const NORMALIZATION = { mean: 0, std: 1 } as const;
// table CustomMetadata { name:string; data:[ubyte] (force_align: 16) }
const CUSTOM_METADATA = { name: 0, data: 1 } as const;
/** custom_metadata was added in metadata schema 1.5.0. */
const METADATA_MIN_PARSER_VERSION = '1.5.0';

// ---- face_detector_metadata_schema.fbs (namespace mediapipe.tasks, file_identifier "FD01") -------
// table FaceDetectorOptions { min_parser_version:string; anchor_config:AnchorConfig; tensors_decoding_config:TensorsDecodingConfig }
const FD_OPTIONS = { minParserVersion: 0, anchorConfig: 1, tensorsDecodingConfig: 2 } as const;
// table AnchorConfig { num_layers:int; scales:[float]; min_scale:float; max_scale:float; anchor_offset_x:float;
//   anchor_offset_y:float; strides:[int]; aspect_ratios:[float]; fixed_anchor_size:bool; interpolated_scale_aspect_ratio:float }
const ANCHOR = { numLayers: 0, scales: 1, minScale: 2, maxScale: 3, anchorOffsetX: 4, anchorOffsetY: 5, strides: 6, aspectRatios: 7, fixedAnchorSize: 8, interpolatedScaleAspectRatio: 9 } as const;
// table TensorsDecodingConfig { num_classes; num_boxes; num_coords; box_coord_offset; keypoint_coord_offset; num_keypoints;
//   num_values_per_keypoint; x_scale; y_scale; w_scale; h_scale; score_clipping_thresh; reverse_output_order:bool; sigmoid_score:bool }
const DECODING = { numClasses: 0, numBoxes: 1, numCoords: 2, boxCoordOffset: 3, keypointCoordOffset: 4, numKeypoints: 5, numValuesPerKeypoint: 6, xScale: 7, yScale: 8, wScale: 9, hScale: 10, scoreClippingThresh: 11, reverseOutputOrder: 12, sigmoidScore: 13 } as const;

interface FaceDetectorConfig {
  inputSize: number;
  anchors: { numLayers: number; minScale: number; maxScale: number; anchorOffset: number; strides: number[]; aspectRatios: number[]; fixedAnchorSize: boolean; interpolatedScaleAspectRatio: number };
  decoding: { numClasses: number; numBoxes: number; numCoords: number; boxCoordOffset: number; keypointCoordOffset: number; numKeypoints: number; numValuesPerKeypoint: number; scale: number; scoreClippingThresh: number; reverseOutputOrder: boolean; sigmoidScore: boolean };
}

/** MediaPipe's own face_detection_{full,short}_range graphs: SsdAnchorsCalculator + TensorsToDetectionsCalculator options. */
export const FACE_DETECTOR_CONFIG: Record<FaceDetectorVariant, FaceDetectorConfig> = {
  full: {
    inputSize: 192,
    anchors: { numLayers: 1, minScale: 0.1484375, maxScale: 0.75, anchorOffset: 0.5, strides: [4], aspectRatios: [1], fixedAnchorSize: true, interpolatedScaleAspectRatio: 0 },
    decoding: { numClasses: 1, numBoxes: 2304, numCoords: 16, boxCoordOffset: 0, keypointCoordOffset: 4, numKeypoints: 6, numValuesPerKeypoint: 2, scale: 192, scoreClippingThresh: 100, reverseOutputOrder: true, sigmoidScore: true },
  },
  short: {
    inputSize: 128,
    anchors: { numLayers: 4, minScale: 0.1484375, maxScale: 0.75, anchorOffset: 0.5, strides: [8, 16, 16, 16], aspectRatios: [1], fixedAnchorSize: true, interpolatedScaleAspectRatio: 1 },
    decoding: { numClasses: 1, numBoxes: 896, numCoords: 16, boxCoordOffset: 0, keypointCoordOffset: 4, numKeypoints: 6, numValuesPerKeypoint: 2, scale: 128, scoreClippingThresh: 100, reverseOutputOrder: true, sigmoidScore: true },
  },
};

/** Byte offset of field `slot` inside a vtable. */
const vt = (slot: number): number => 4 + 2 * slot;

// ---- reading the original model ------------------------------------------------------------------

/** A minimal reader over a flatbuffer, on top of flatbuffers' ByteBuffer. */
class Reader {
  readonly bb: ByteBuffer;
  constructor(bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
  }
  root(): number {
    return this.bb.readUint32(0);
  }
  /** Offset of `slot` from the table start, 0 when absent. */
  field(table: number, slot: number): number {
    return this.bb.__offset(table, vt(slot));
  }
  /** Number of slots the table's vtable describes. */
  slotCount(table: number): number {
    const vtable = table - this.bb.readInt32(table);
    return (this.bb.readUint16(vtable) - 4) / 2;
  }
  /** Absolute position an offset field points at, or null when the field is absent. */
  target(table: number, slot: number): number | null {
    const o = this.field(table, slot);
    return o ? this.bb.__indirect(table + o) : null;
  }
  /** Absolute positions of the tables in a vector of tables (empty when absent). */
  tables(table: number, slot: number): number[] {
    const o = this.field(table, slot);
    if (!o) return [];
    const start = this.bb.__vector(table + o);
    const length = this.bb.__vector_len(table + o);
    return Array.from({ length }, (_, i) => this.bb.__indirect(start + 4 * i));
  }
  ints(table: number, slot: number): number[] {
    const o = this.field(table, slot);
    if (!o) return [];
    const start = this.bb.__vector(table + o);
    return Array.from({ length: this.bb.__vector_len(table + o) }, (_, i) => this.bb.readInt32(start + 4 * i));
  }
  string(table: number, slot: number): string | null {
    const o = this.field(table, slot);
    return o ? (this.bb.__string(table + o) as string) : null;
  }
  uint32(table: number, slot: number, fallback = 0): number {
    const o = this.field(table, slot);
    return o ? this.bb.readUint32(table + o) : fallback;
  }
  int8(table: number, slot: number, fallback = 0): number {
    const o = this.field(table, slot);
    return o ? this.bb.readInt8(table + o) : fallback;
  }
}

interface TensorInfo {
  name: string;
  shape: number[];
  type: number;
}

function subgraphTensors(model: Reader, root: number): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const subgraphs = model.tables(root, MODEL.subgraphs);
  if (subgraphs.length !== 1) throw new Error(`Expected a model with 1 subgraph, found ${subgraphs.length}`);
  const subgraph = subgraphs[0]!;
  const tensors = model.tables(subgraph, SUBGRAPH.tensors);
  const info = (index: number): TensorInfo => {
    const tensor = tensors[index];
    if (tensor === undefined) throw new Error(`Subgraph refers to tensor ${index}, which does not exist`);
    return { name: model.string(tensor, TENSOR.name) ?? `tensor_${index}`, shape: model.ints(tensor, TENSOR.shape), type: model.int8(tensor, TENSOR.type) };
  };
  return { inputs: model.ints(subgraph, SUBGRAPH.inputs).map(info), outputs: model.ints(subgraph, SUBGRAPH.outputs).map(info) };
}

// ---- building the metadata -----------------------------------------------------------------------

function floatVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}

function intVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]!);
  return builder.endVector();
}

function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

/** A `[ubyte]` vector whose data starts on a 16-byte boundary (force_align: 16). */
function alignedBytes(builder: Builder, bytes: Uint8Array): number {
  builder.startVector(1, bytes.length, 16);
  for (let i = bytes.length - 1; i >= 0; i--) builder.addInt8(bytes[i]!);
  return builder.endVector();
}

/** The FD01 `FaceDetectorOptions` flatbuffer. Every field is written, defaults included. */
export function buildFaceDetectorOptions(variant: FaceDetectorVariant): Uint8Array {
  const { anchors, decoding } = FACE_DETECTOR_CONFIG[variant];
  const b = new Builder(512);
  b.forceDefaults(true);
  const minParser = b.createString('1.0.0');
  const strides = intVector(b, anchors.strides);
  const aspectRatios = floatVector(b, anchors.aspectRatios);

  b.startObject(10);
  b.addFieldInt32(ANCHOR.numLayers, anchors.numLayers, 0);
  b.addFieldFloat32(ANCHOR.minScale, anchors.minScale, 0);
  b.addFieldFloat32(ANCHOR.maxScale, anchors.maxScale, 0);
  b.addFieldFloat32(ANCHOR.anchorOffsetX, anchors.anchorOffset, 0);
  b.addFieldFloat32(ANCHOR.anchorOffsetY, anchors.anchorOffset, 0);
  b.addFieldOffset(ANCHOR.strides, strides, 0);
  b.addFieldOffset(ANCHOR.aspectRatios, aspectRatios, 0);
  b.addFieldInt8(ANCHOR.fixedAnchorSize, anchors.fixedAnchorSize ? 1 : 0, 0);
  b.addFieldFloat32(ANCHOR.interpolatedScaleAspectRatio, anchors.interpolatedScaleAspectRatio, 0);
  const anchorConfig = b.endObject();

  b.startObject(14);
  b.addFieldInt32(DECODING.numClasses, decoding.numClasses, 0);
  b.addFieldInt32(DECODING.numBoxes, decoding.numBoxes, 0);
  b.addFieldInt32(DECODING.numCoords, decoding.numCoords, 0);
  b.addFieldInt32(DECODING.boxCoordOffset, decoding.boxCoordOffset, 0);
  b.addFieldInt32(DECODING.keypointCoordOffset, decoding.keypointCoordOffset, 0);
  b.addFieldInt32(DECODING.numKeypoints, decoding.numKeypoints, 0);
  b.addFieldInt32(DECODING.numValuesPerKeypoint, decoding.numValuesPerKeypoint, 0);
  b.addFieldFloat32(DECODING.xScale, decoding.scale, 0);
  b.addFieldFloat32(DECODING.yScale, decoding.scale, 0);
  b.addFieldFloat32(DECODING.wScale, decoding.scale, 0);
  b.addFieldFloat32(DECODING.hScale, decoding.scale, 0);
  b.addFieldFloat32(DECODING.scoreClippingThresh, decoding.scoreClippingThresh, 0);
  b.addFieldInt8(DECODING.reverseOutputOrder, decoding.reverseOutputOrder ? 1 : 0, 0);
  b.addFieldInt8(DECODING.sigmoidScore, decoding.sigmoidScore ? 1 : 0, 0);
  const tensorsDecoding = b.endObject();

  b.startObject(3);
  b.addFieldOffset(FD_OPTIONS.minParserVersion, minParser, 0);
  b.addFieldOffset(FD_OPTIONS.anchorConfig, anchorConfig, 0);
  b.addFieldOffset(FD_OPTIONS.tensorsDecodingConfig, tensorsDecoding, 0);
  b.finish(b.endObject(), 'FD01');
  return b.asUint8Array().slice();
}

/** The M001 `ModelMetadata` flatbuffer for a BlazeFace model with these tensors. */
export function buildModelMetadata(variant: FaceDetectorVariant, inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): Uint8Array {
  const size = FACE_DETECTOR_CONFIG[variant].inputSize;
  const fd01 = buildFaceDetectorOptions(variant);
  const b = new Builder(2048);

  // Input: the image, RGB, normalised (x − 127.5) / 127.5 to [−1, 1].
  const inputTensors = inputs.map((tensor) => {
    const name = b.createString(tensor.name);
    const description = b.createString('Input image, RGB, normalised to [-1, 1] as (x - 127.5) / 127.5.');
    const mean = floatVector(b, [127.5]);
    const std = floatVector(b, [127.5]);
    b.startObject(2);
    b.addFieldOffset(NORMALIZATION.mean, mean, 0);
    b.addFieldOffset(NORMALIZATION.std, std, 0);
    const normalization = b.endObject();
    b.startObject(2);
    b.addFieldInt8(PROCESS_UNIT.optionsType, PROCESS_UNIT_NORMALIZATION, 0);
    b.addFieldOffset(PROCESS_UNIT.options, normalization, 0);
    const processUnits = offsetVector(b, [b.endObject()]);
    b.startObject(2);
    b.addFieldInt32(IMAGE_SIZE.width, size, 0);
    b.addFieldInt32(IMAGE_SIZE.height, size, 0);
    const defaultSize = b.endObject();
    b.startObject(2);
    b.addFieldInt8(IMAGE_PROPERTIES.colorSpace, COLOR_SPACE_RGB, 0);
    b.addFieldOffset(IMAGE_PROPERTIES.defaultSize, defaultSize, 0);
    const imageProperties = b.endObject();
    b.startObject(3);
    b.addFieldInt8(CONTENT.propertiesType, CONTENT_PROPERTIES_IMAGE, 0);
    b.addFieldOffset(CONTENT.properties, imageProperties, 0);
    const content = b.endObject();
    b.startObject(7);
    b.addFieldOffset(TENSOR_METADATA.name, name, 0);
    b.addFieldOffset(TENSOR_METADATA.description, description, 0);
    b.addFieldOffset(TENSOR_METADATA.content, content, 0);
    b.addFieldOffset(TENSOR_METADATA.processUnits, processUnits, 0);
    return b.endObject();
  });
  // Outputs: names only (regressors = boxes + 6 keypoints, classificators = face logits).
  const outputTensors = outputs.map((tensor) => {
    const name = b.createString(tensor.name);
    b.startObject(7);
    b.addFieldOffset(TENSOR_METADATA.name, name, 0);
    return b.endObject();
  });

  const customName = b.createString(FACE_DETECTOR_METADATA);
  const customData = alignedBytes(b, fd01);
  b.startObject(2);
  b.addFieldOffset(CUSTOM_METADATA.name, customName, 0);
  b.addFieldOffset(CUSTOM_METADATA.data, customData, 0);
  const customMetadata = b.endObject();

  const subgraphName = b.createString('face_detector');
  const inputVector = offsetVector(b, inputTensors);
  const outputVector = offsetVector(b, outputTensors);
  const customVector = offsetVector(b, [customMetadata]);
  b.startObject(SUBGRAPH_METADATA_SLOTS);
  b.addFieldOffset(SUBGRAPH_METADATA.name, subgraphName, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.inputTensorMetadata, inputVector, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.outputTensorMetadata, outputVector, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.customMetadata, customVector, 0);
  const subgraph = b.endObject();

  const modelName = b.createString(`BlazeFace ${variant}-range`);
  const description = b.createString(`MediaPipe BlazeFace ${variant}-range face detector (@mediapipe/face_detection), metadata added by Keepsake's build.`);
  const license = b.createString('Apache-2.0');
  const minParser = b.createString(METADATA_MIN_PARSER_VERSION);
  const subgraphs = offsetVector(b, [subgraph]);
  b.startObject(8);
  b.addFieldOffset(MODEL_METADATA.name, modelName, 0);
  b.addFieldOffset(MODEL_METADATA.description, description, 0);
  b.addFieldOffset(MODEL_METADATA.subgraphMetadata, subgraphs, 0);
  b.addFieldOffset(MODEL_METADATA.license, license, 0);
  b.addFieldOffset(MODEL_METADATA.minParserVersion, minParser, 0);
  b.finish(b.endObject(), 'M001');
  return b.asUint8Array().slice();
}

// ---- writing the new root ------------------------------------------------------------------------

/** Little-endian writer over a growable array; positions are absolute in the new file. */
class Prefix {
  private bytes = new Uint8Array(4096);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private ensure(size: number): void {
    if (size <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(size, this.bytes.length * 2));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  align(to: number): void {
    this.reserve((to - (this.length % to)) % to);
  }
  /** Reserve `size` zero bytes and return where they start. */
  reserve(size: number): number {
    const at = this.length;
    this.ensure(at + size);
    this.length += size;
    return at;
  }
  u16(at: number, value: number): void {
    this.view.setUint16(at, value, true);
  }
  u32(at: number, value: number): void {
    this.view.setUint32(at, value, true);
  }
  i32(at: number, value: number): void {
    this.view.setInt32(at, value, true);
  }
  /** A uoffset at `at` pointing at absolute position `target` (must be after it). */
  offset(at: number, target: number): void {
    if (target <= at) throw new Error('internal: flatbuffer offsets must point forward');
    this.u32(at, target - at);
  }
  set(at: number, data: Uint8Array): void {
    this.bytes.set(data, at);
  }
  /** A vtable for a table whose fields sit at the given offsets (0 = absent); returns its position. */
  vtable(tableSize: number, fieldOffsets: readonly number[]): number {
    this.align(2);
    const at = this.reserve(4 + 2 * fieldOffsets.length);
    this.u16(at, 4 + 2 * fieldOffsets.length);
    this.u16(at + 2, tableSize);
    fieldOffsets.forEach((o, i) => this.u16(at + 4 + 2 * i, o));
    return at;
  }
  /** A table's start: its soffset to `vtable`; returns its position. */
  table(vtable: number, size: number): number {
    this.align(4);
    const at = this.reserve(size);
    this.i32(at, at - vtable);
    return at;
  }
  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Returns a copy of a BlazeFace `.tflite` with the metadata MediaPipe's FaceDetector needs.
 * The original bytes follow a new 16-byte-aligned prefix unchanged. Throws if the model already
 * carries TFLITE_METADATA, or if its tensors do not match `variant`.
 */
export function addFaceDetectorMetadata(model: Uint8Array, variant: FaceDetectorVariant): Uint8Array {
  const config = FACE_DETECTOR_CONFIG[variant];
  if (!config) throw new Error(`Unknown BlazeFace variant "${String(variant)}" (expected 'full' or 'short')`);
  if (model.length < 8) throw new Error('Not a TFLite model: too short');
  const original = new Reader(model);
  if (!original.bb.__has_identifier('TFL3')) throw new Error(`Not a TFLite model: file identifier is "${original.bb.getBufferIdentifier()}", expected "TFL3"`);
  const root = original.root();
  const slots = original.slotCount(root);
  for (let slot = MODEL_SLOTS; slot < slots; slot++) {
    if (original.field(root, slot)) throw new Error(`TFLite Model has field ${slot}, which this patch does not know; update models/tflite-metadata.ts`);
  }

  const oldMetadata = original.tables(root, MODEL.metadata);
  for (const entry of oldMetadata) {
    if (original.string(entry, METADATA.name) === TFLITE_METADATA) throw new Error(`Model already has ${TFLITE_METADATA}: patching it again would duplicate the entry (was it patched already?)`);
  }
  const oldBuffers = original.tables(root, MODEL.buffers);
  if (oldBuffers.length === 0) throw new Error('TFLite Model has no buffers vector');

  const { inputs, outputs } = subgraphTensors(original, root);
  const input = inputs[0];
  if (inputs.length !== 1 || !input) throw new Error(`Expected 1 input tensor, found ${inputs.length}`);
  const [, h, w, c] = input.shape;
  if (input.type !== TENSOR_TYPE_FLOAT32 || h !== config.inputSize || w !== config.inputSize || c !== 3) {
    throw new Error(`Input tensor ${input.name} is [${input.shape.join(',')}] (type ${input.type}); the ${variant}-range BlazeFace takes float32 [1,${config.inputSize},${config.inputSize},3]`);
  }
  if (outputs.length !== 2 || outputs.some((t) => t.shape[1] !== config.decoding.numBoxes)) {
    throw new Error(`Outputs ${outputs.map((t) => `${t.name} [${t.shape.join(',')}]`).join(', ')} do not have the ${config.decoding.numBoxes} boxes of the ${variant}-range BlazeFace`);
  }

  const metadata = buildModelMetadata(variant, inputs, outputs);

  // Layout of the prefix, front to back; every offset points forward.
  const p = new Prefix();
  const rootOffset = p.reserve(4);
  p.set(p.reserve(4), new TextEncoder().encode('TFL3'));

  // New Model table: every slot the original has (and at least up to `metadata`), 4 bytes each.
  const slotCount = Math.max(slots, MODEL.metadata + 1);
  const present: number[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    if (slot === MODEL.buffers || slot === MODEL.metadata || (slot < slots && original.field(root, slot))) present.push(slot);
  }
  const fieldOffsets = Array.from({ length: slotCount }, (_, slot) => (present.includes(slot) ? 4 + 4 * present.indexOf(slot) : 0));
  const modelVtable = p.vtable(4 + 4 * present.length, fieldOffsets);
  const modelTable = p.table(modelVtable, 4 + 4 * present.length);
  const fieldAt = (slot: number): number => modelTable + fieldOffsets[slot]!;

  p.align(4);
  const buffersVector = p.reserve(4 + 4 * (oldBuffers.length + 1));
  const metadataVector = p.reserve(4 + 4 * (oldMetadata.length + 1));

  // New Buffer { data } and Metadata { name, buffer }.
  const bufferVtable = p.vtable(8, [4]);
  const bufferTable = p.table(bufferVtable, 8);
  const metaVtable = p.vtable(12, [4, 8]);
  const metaTable = p.table(metaVtable, 12);
  const name = new TextEncoder().encode(TFLITE_METADATA);
  p.align(4);
  const nameString = p.reserve(4 + name.length + 1);
  p.u32(nameString, name.length);
  p.set(nameString + 4, name);
  // The data vector: its bytes start on a 16-byte boundary (Buffer.data is force_align: 16).
  p.align(4);
  while ((p.length + 4) % 16 !== 0) p.reserve(4);
  const dataVector = p.reserve(4 + metadata.length);
  p.u32(dataVector, metadata.length);
  p.set(dataVector + 4, metadata);
  p.align(16);
  const base = p.length; // where the original bytes start

  p.offset(rootOffset, modelTable);
  for (const slot of present) {
    if (slot === MODEL.buffers) p.offset(fieldAt(slot), buffersVector);
    else if (slot === MODEL.metadata) p.offset(fieldAt(slot), metadataVector);
    else if (MODEL_OFFSET_SLOTS.has(slot)) p.offset(fieldAt(slot), base + original.target(root, slot)!);
    else p.u32(fieldAt(slot), original.uint32(root, slot)); // version
  }
  p.u32(buffersVector, oldBuffers.length + 1);
  oldBuffers.forEach((table, i) => p.offset(buffersVector + 4 + 4 * i, base + table));
  p.offset(buffersVector + 4 + 4 * oldBuffers.length, bufferTable);
  p.u32(metadataVector, oldMetadata.length + 1);
  oldMetadata.forEach((table, i) => p.offset(metadataVector + 4 + 4 * i, base + table));
  p.offset(metadataVector + 4 + 4 * oldMetadata.length, metaTable);
  p.offset(bufferTable + 4, dataVector);
  p.offset(metaTable + 4, nameString);
  p.u32(metaTable + 8, oldBuffers.length);

  const out = new Uint8Array(base + model.length);
  out.set(p.result(), 0);
  out.set(model, base);
  return out;
}
