/**
 * Reads an ONNX model (a protobuf ModelProto) into plain objects: the graph's nodes with their
 * attributes, and every constant (initialisers and Constant nodes) as float32 or int64 values.
 * Only what a convolutional inference graph needs; pure (bytes in, objects out), no dependencies.
 * Field numbers are those of onnx/onnx.proto (ModelProto.graph = 7, GraphProto.node = 1, …).
 */

export interface OnnxAttribute {
  f?: number;
  i?: number;
  s?: string;
  floats?: number[];
  ints?: number[];
  tensor?: OnnxTensor;
}

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export interface OnnxTensor {
  dims: number[];
  /** Float tensors as float32; integer tensors (int64, int32) as numbers. */
  values: Float32Array | number[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  constants: Map<string, OnnxTensor>;
  inputs: string[];
  outputs: string[];
  opset: number;
}

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

export function readOnnx(bytes: Uint8Array): OnnxGraph {
  let graphBytes: Uint8Array | undefined;
  let opset = 0;
  for (const [field, value] of fields(bytes)) {
    if (field === 7) graphBytes = value as Uint8Array;
    if (field === 8) {
      // OperatorSetIdProto: domain (1, empty for the default ONNX operators), version (2).
      const entry = [...fields(value as Uint8Array)];
      const domain = entry.find(([f]) => f === 1);
      const version = entry.find(([f]) => f === 2);
      if ((!domain || (domain[1] as Uint8Array).length === 0) && version) opset = Number(version[1]);
    }
  }
  if (!graphBytes) throw new Error('onnx-read: no graph in the model');
  const graph: OnnxGraph = { nodes: [], constants: new Map(), inputs: [], outputs: [], opset };
  for (const [field, value] of fields(graphBytes)) {
    if (field === 1) {
      const node = readNode(value as Uint8Array);
      if (node.op === 'Constant') {
        const tensor = node.attributes['value']?.tensor;
        if (!tensor) throw new Error(`onnx-read: Constant ${node.name || node.outputs[0]} has no tensor value (value_float, value_ints … are not read)`);
        graph.constants.set(node.outputs[0]!, tensor);
      }
      else graph.nodes.push(node);
    } else if (field === 5) {
      const { name, tensor } = readTensor(value as Uint8Array);
      graph.constants.set(name, tensor);
    } else if (field === 11 || field === 12) {
      const name = text(fieldsOf(value as Uint8Array, 1)[0] as Uint8Array);
      (field === 11 ? graph.inputs : graph.outputs).push(name);
    }
  }
  // Initialisers may also be listed as graph inputs; the real inputs are the others.
  graph.inputs = graph.inputs.filter((name) => !graph.constants.has(name));
  return graph;
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { op: '', name: '', inputs: [], outputs: [], attributes: {} };
  for (const [field, value] of fields(bytes)) {
    if (field === 1) node.inputs.push(text(value as Uint8Array));
    else if (field === 2) node.outputs.push(text(value as Uint8Array));
    else if (field === 3) node.name = text(value as Uint8Array);
    else if (field === 4) node.op = text(value as Uint8Array);
    else if (field === 5) {
      const [name, attribute] = readAttribute(value as Uint8Array);
      node.attributes[name] = attribute;
    }
  }
  return node;
}

function readAttribute(bytes: Uint8Array): [string, OnnxAttribute] {
  let name = '';
  const attribute: OnnxAttribute = {};
  for (const [field, value, wire] of fields(bytes)) {
    if (field === 1) name = text(value as Uint8Array);
    else if (field === 2) attribute.f = value as number;
    else if (field === 3) attribute.i = Number(BigInt.asIntN(64, value as bigint));
    else if (field === 4) attribute.s = text(value as Uint8Array);
    else if (field === 5) attribute.tensor = readTensor(value as Uint8Array).tensor;
    else if (field === 7) (attribute.floats ??= []).push(...(wire === 2 ? packedFloats(value as Uint8Array) : [value as number]));
    else if (field === 8) (attribute.ints ??= []).push(...(wire === 2 ? packedInts(value as Uint8Array) : [Number(BigInt.asIntN(64, value as bigint))]));
  }
  return [name, attribute];
}

function readTensor(bytes: Uint8Array): { name: string; tensor: OnnxTensor } {
  let name = '';
  let type = 0;
  const dims: number[] = [];
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  for (const [field, value, wire] of fields(bytes)) {
    if (field === 1) dims.push(...(wire === 2 ? packedInts(value as Uint8Array) : [Number(value as bigint)]));
    else if (field === 2) type = Number(value);
    else if (field === 8) name = text(value as Uint8Array);
    else if (field === 9) raw = value as Uint8Array;
    else if (field === 4) floats.push(...(wire === 2 ? packedFloats(value as Uint8Array) : [value as number]));
    else if (field === 5 || field === 7) ints.push(...(wire === 2 ? packedInts(value as Uint8Array) : [Number(BigInt.asIntN(64, value as bigint))]));
  }
  const count = dims.reduce((product, dim) => product * dim, 1);
  let values: Float32Array | number[];
  if (type === FLOAT) {
    values = raw ? new Float32Array(raw.slice().buffer) : Float32Array.from(floats);
  } else if (type === INT64 || type === INT32) {
    values = raw ? rawInts(raw, type === INT64 ? 8 : 4) : ints;
  } else {
    throw new Error(`onnx-read: tensor ${name} has data type ${type}; only float32, int32 and int64 are read`);
  }
  if (values.length !== count) throw new Error(`onnx-read: tensor ${name} holds ${values.length} values for dims [${dims.join(', ')}]`);
  return { name, tensor: { dims, values } };
}

function rawInts(raw: Uint8Array, width: 4 | 8): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  for (let at = 0; at < raw.byteLength; at += width) out.push(width === 8 ? Number(view.getBigInt64(at, true)) : view.getInt32(at, true));
  return out;
}

function packedFloats(bytes: Uint8Array): number[] {
  return Array.from(new Float32Array(bytes.slice().buffer));
}

function packedInts(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const cursor = { at: 0 };
  while (cursor.at < bytes.length) out.push(Number(BigInt.asIntN(64, varint(bytes, cursor))));
  return out;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function fieldsOf(bytes: Uint8Array, wanted: number): Array<Uint8Array | bigint | number> {
  return [...fields(bytes)].filter(([field]) => field === wanted).map(([, value]) => value);
}

/** Each field of a protobuf message: number, value (varint as bigint, fixed32 as float, bytes as a view), wire type. */
function* fields(bytes: Uint8Array): Generator<[number, Uint8Array | bigint | number, number]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cursor = { at: 0 };
  while (cursor.at < bytes.length) {
    const key = Number(varint(bytes, cursor));
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield [field, varint(bytes, cursor), wire];
    else if (wire === 2) {
      const length = Number(varint(bytes, cursor));
      yield [field, bytes.subarray(cursor.at, cursor.at + length), wire];
      cursor.at += length;
    } else if (wire === 5) {
      yield [field, view.getFloat32(cursor.at, true), wire];
      cursor.at += 4;
    } else if (wire === 1) {
      cursor.at += 8;
    } else {
      throw new Error(`onnx-read: unsupported protobuf wire type ${wire}`);
    }
  }
}

function varint(bytes: Uint8Array, cursor: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = bytes[cursor.at++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return result;
    shift += 7n;
  }
}
