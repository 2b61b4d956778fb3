/**
 * A build-time converter from an ONNX convolutional network to a TF.js graph model (model JSON and
 * one weights file), so a model that ships only as ONNX runs on the same TF.js backends as the
 * others. Written for PP-OCRv4's text detector (models/registry.ts, `text-detector`); it handles the
 * operators that network uses and refuses any other, naming it. Pure (bytes in, bytes out).
 *
 * - The graph runs NHWC at one fixed input size (ONNX's NCHW kernels are transposed; the sizes of
 *   the upsampling steps are worked out once, as constants).
 * - The input is RGB 0..255 like the app's other models: a per-channel scale and offset at the start
 *   does the model's own normalisation, and the first convolution's kernel takes the model's
 *   channel order (PaddleOCR's networks read BGR).
 * - Each convolution takes in the per-channel scale and shift that follow it (batch norm, the affine
 *   steps of PP-LCNetV3's reparameterised blocks, the scale of a hard sigmoid) and a following ReLU,
 *   as TensorFlow's own optimiser does: on the wasm backend every separate step is a pass over the
 *   whole activation.
 */

import { readOnnx, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-read.ts';

export interface ConvertOptions {
  /** The fixed input size (multiples of 32 for PP-OCR's detector). */
  width: number;
  height: number;
  /** Name of the TF.js input node. */
  inputName: string;
  /** For each input channel (R, G, B, 0..255): value × scale + offset is what the ONNX model expects. */
  scale: [number, number, number];
  offset: [number, number, number];
  /** For each input channel (R, G, B), the ONNX input channel it feeds: [2, 1, 0] for a BGR model. */
  channelOrder: [number, number, number];
  generatedBy: string;
  /** File name of the weights, as the JSON's manifest names it (next to the JSON). */
  weightsPath: string;
}

export interface ConvertedModel {
  json: Uint8Array;
  bin: Uint8Array;
  /** Nodes folded into convolutions (scales, shifts, batch norms, activations). */
  folded: number;
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/**
 * A convolution with its weights in ONNX layout ([out, in / group, kh, kw]) and a bias, plus what
 * was folded in. A transposed convolution whose kernel equals its stride (each input pixel paints
 * its own block) is held as a 1×1 convolution to block² × channels followed by a depth-to-space
 * rearrangement: the same numbers, and XNNPACK runs it where the wasm backend's transposed
 * convolution was a fifth of the whole network's time.
 */
interface Conv {
  node: OnnxNode;
  kernel: Float32Array;
  dims: number[];
  bias: Float32Array;
  /** Output channels as the graph sees them (dims[0] / blocks²). */
  channels: number;
  /** Depth-to-space block size after the convolution (transposed convolutions only). */
  blocks?: number;
  activation?: 'Relu' | 'Sigmoid';
  /** A hard sigmoid's clip to 0..1 follows (its scale and shift are folded into the kernel). */
  clip01?: boolean;
}

export function onnxToGraphModel(onnx: Uint8Array, options: ConvertOptions): ConvertedModel {
  const graph = readOnnx(onnx);
  if (graph.inputs.length !== 1) throw new Error(`onnx-to-tfjs: expected one input, found ${graph.inputs.length}`);
  // The input's channel order is taken care of in the first convolution's kernel, so only ordinary
  // convolutions may read the input.
  const readers = graph.nodes.filter((node) => node.inputs.includes(graph.inputs[0]!));
  if (readers.some((node) => node.op !== 'Conv' || (node.attributes['group']?.i ?? 1) !== 1)) throw new Error('onnx-to-tfjs: the input is read by something other than a convolution');
  const { convs, folded } = foldIntoConvolutions(graph);
  const emitter = new Emitter(graph, options);
  emitter.input(graph.inputs[0]!);
  for (const node of graph.nodes) emitter.node(node, convs.get(node));
  return { ...emitter.finish(graph.outputs), folded };
}

// ---- folding ------------------------------------------------------------------------------------

/** Folds each convolution's following per-channel affine steps and activation into it (in place: the folded nodes leave graph.nodes). */
function foldIntoConvolutions(graph: OnnxGraph): { convs: Map<OnnxNode, Conv>; folded: number } {
  const convs = new Map<OnnxNode, Conv>();
  let folded = 0;
  const consumers = (tensor: string): OnnxNode[] => graph.nodes.filter((node) => node.inputs.includes(tensor));
  for (const node of graph.nodes) {
    const conv = node.op === 'Conv' ? convolution(graph, node) : node.op === 'ConvTranspose' ? blockConvolution(graph, node) : undefined;
    if (!conv) continue;
    convs.set(node, conv);
    for (;;) {
      const output = node.outputs[0]!;
      const next = consumers(output);
      if (next.length !== 1 || graph.outputs.includes(output) || conv.activation || conv.clip01) break;
      const step = next[0]!;
      if (!foldStep(graph, conv, step, output)) break;
      node.outputs[0] = step.outputs[0]!;
      graph.nodes.splice(graph.nodes.indexOf(step), 1);
      folded++;
    }
  }
  // A scale and shift just before a 1×1 convolution (PP-LCNetV3's learnable affine after each hard
  // swish) go into its kernel and bias; with no padding that is exact.
  for (const conv of convs.values()) {
    for (;;) {
      const input = conv.node.inputs[0]!;
      const producer = graph.nodes.find((node) => node.outputs[0] === input);
      if (!producer || consumers(input).length !== 1 || graph.outputs.includes(input) || !foldInputStep(graph, conv, producer)) break;
      conv.node.inputs[0] = producer.inputs.find((name) => !graph.constants.has(name))!;
      graph.nodes.splice(graph.nodes.indexOf(producer), 1);
      folded++;
    }
  }
  return { convs, folded };
}

/** Folds `step` (whose output only `conv` reads) into a pointwise `conv`'s kernel and bias; false when it cannot be. */
function foldInputStep(graph: OnnxGraph, conv: Conv, step: OnnxNode): boolean {
  const [kernelOut, inputs, kh, kw] = conv.dims as [number, number, number, number];
  const pointwise = kh === 1 && kw === 1 && !conv.blocks && (conv.node.attributes['group']?.i ?? 1) === 1 && (conv.node.attributes['pads']?.ints ?? []).every((p) => p === 0);
  if (!pointwise || step.inputs.length !== 2 || !['Mul', 'Add', 'Div', 'Sub'].includes(step.op)) return false;
  const constName = step.inputs.find((name) => graph.constants.has(name));
  if (!constName || ((step.op === 'Div' || step.op === 'Sub') && step.inputs[1] !== constName)) return false;
  const value = perChannel(graph, constName, inputs);
  if (!value) return false;
  for (let o = 0; o < kernelOut; o++) {
    for (let i = 0; i < inputs; i++) {
      const w = conv.kernel[o * inputs + i]!;
      if (step.op === 'Mul') conv.kernel[o * inputs + i] = w * value(i);
      else if (step.op === 'Div') conv.kernel[o * inputs + i] = w / value(i);
      else conv.bias[o] = conv.bias[o]! + w * (step.op === 'Add' ? value(i) : -value(i));
    }
  }
  return true;
}

/** Folds `step` (which reads the convolution's output) into `conv`; false when it cannot be folded. */
function foldStep(graph: OnnxGraph, conv: Conv, step: OnnxNode, output: string): boolean {
  const out = conv.channels;
  const kernelOut = conv.dims[0]!;
  const perOut = conv.kernel.length / kernelOut;
  // Kernel output k is graph channel k mod out (block-major order of depth-to-space).
  const scaleBy = (scale: (channel: number) => number, shift: (channel: number) => number): void => {
    for (let k = 0; k < kernelOut; k++) {
      const s = scale(k % out);
      for (let i = k * perOut; i < (k + 1) * perOut; i++) conv.kernel[i]! *= s;
      conv.bias[k] = conv.bias[k]! * s + shift(k % out);
    }
  };
  if (step.op === 'Relu' || step.op === 'Sigmoid') {
    conv.activation = step.op;
    return true;
  }
  if (step.op === 'HardSigmoid' && !conv.blocks) {
    const alpha = step.attributes['alpha']?.f ?? 0.2;
    const beta = step.attributes['beta']?.f ?? 0.5;
    scaleBy(() => alpha, () => beta);
    conv.clip01 = true;
    return true;
  }
  if (step.op === 'BatchNormalization') {
    const [gamma, beta, mean, variance] = step.inputs.slice(1).map((name) => perChannel(graph, name, out, 'batch-norm'));
    if (step.inputs[0] !== output || !gamma || !beta || !mean || !variance) return false;
    const epsilon = step.attributes['epsilon']?.f ?? 1e-5;
    const scale = (o: number): number => gamma(o) / Math.sqrt(variance(o) + epsilon);
    scaleBy(scale, (o) => beta(o) - mean(o) * scale(o));
    return true;
  }
  if (step.op === 'Mul' || step.op === 'Add' || step.op === 'Div' || step.op === 'Sub') {
    const other = step.inputs.find((name) => name !== output);
    if (!other || step.inputs.length !== 2 || (step.op !== 'Mul' && step.op !== 'Add' && step.inputs[0] !== output)) return false;
    const value = perChannel(graph, other, out);
    if (!value) return false;
    if (step.op === 'Mul') scaleBy(value, () => 0);
    else if (step.op === 'Div') scaleBy((o) => 1 / value(o), () => 0);
    else scaleBy(() => 1, (o) => (step.op === 'Add' ? value(o) : -value(o)));
    return true;
  }
  return false;
}

/**
 * A constant with one value, or one per channel, as a lookup by channel; undefined otherwise. As an
 * operand of an elementwise operator a per-channel constant of an NCHW tensor is [C,1,1] or [1,C,1,1]
 * (a [C] one would broadcast along the width); batch-norm parameters are [C].
 */
function perChannel(graph: OnnxGraph, name: string, channels: number, layout: 'broadcast' | 'batch-norm' = 'broadcast'): ((channel: number) => number) | undefined {
  const tensor = graph.constants.get(name);
  if (!tensor) return undefined;
  const values = tensor.values as Float32Array;
  if (values.length === 1) return () => values[0]!;
  const dims = tensor.dims.join(',');
  const shapes = layout === 'batch-norm' ? [`${channels}`] : [`${channels},1,1`, `1,${channels},1,1`];
  return values.length === channels && shapes.includes(dims) ? (channel) => values[channel]! : undefined;
}

function convolution(graph: OnnxGraph, node: OnnxNode): Conv {
  const weight = constant(graph, node.inputs[1]!);
  const out = weight.dims[0]!;
  const bias = node.inputs[2] ? Float32Array.from(constant(graph, node.inputs[2]).values as Float32Array) : new Float32Array(out);
  return { node, kernel: Float32Array.from(weight.values as Float32Array), dims: weight.dims, bias, channels: out };
}

/** A ConvTranspose with kernel = stride and no padding as a 1×1 convolution to block² × out channels (then depth-to-space); undefined for any other. */
function blockConvolution(graph: OnnxGraph, node: OnnxNode): Conv | undefined {
  const weight = constant(graph, node.inputs[1]!);
  const [inputs, out, kh, kw] = weight.dims as [number, number, number, number];
  const [sh, sw] = node.attributes['strides']?.ints ?? [1, 1];
  const unpadded = (node.attributes['pads']?.ints ?? [0, 0, 0, 0]).every((p) => p === 0) && !(node.attributes['output_padding']?.ints ?? []).some((p) => p !== 0);
  if (kh !== kw || sh !== kh || sw !== kw || !unpadded || (node.attributes['group']?.i ?? 1) !== 1) return undefined;
  const values = weight.values as Float32Array;
  // ONNX [in, out, by, bx] → [(by · block + bx) · out + o, in, 1, 1]: TF's DepthToSpace reads channels block-major.
  const kernel = new Float32Array(values.length);
  for (let i = 0; i < inputs; i++)
    for (let o = 0; o < out; o++)
      for (let by = 0; by < kh; by++) for (let bx = 0; bx < kw; bx++) kernel[((by * kw + bx) * out + o) * inputs + i] = values[((i * out + o) * kh + by) * kw + bx]!;
  const bias = new Float32Array(kh * kw * out);
  if (node.inputs[2]) {
    const b = constant(graph, node.inputs[2]).values as Float32Array;
    for (let k = 0; k < bias.length; k++) bias[k] = b[k % out]!;
  }
  return { node, kernel, dims: [kh * kw * out, inputs, 1, 1], bias, channels: out, blocks: kh };
}

function constant(graph: OnnxGraph, name: string): OnnxTensor {
  const tensor = graph.constants.get(name);
  if (!tensor) throw new Error(`onnx-to-tfjs: ${name} is not a constant`);
  return tensor;
}

// ---- emitting TF.js nodes -----------------------------------------------------------------------

const base64 = (text: string): string => btoa(text);
const ints = (values: number[]): { list: { i: string[] } } => ({ list: { i: values.map(String) } });
const DT_FLOAT = { type: 'DT_FLOAT' };
const NHWC = { s: base64('NHWC') };

class Emitter {
  readonly nodes: TfNode[] = [];
  readonly weights: Weight[] = [];
  /** Height, width and channels of every tensor emitted so far. */
  readonly shapes = new Map<string, [number, number, number]>();
  /** ONNX tensor name → TF.js node name. */
  readonly names = new Map<string, string>();
  private graphInput = '';

  constructor(
    private readonly graph: OnnxGraph,
    private readonly options: ConvertOptions,
  ) {}

  input(onnxName: string): void {
    const { width, height, inputName, scale, offset } = this.options;
    this.nodes.push({ name: inputName, op: 'Placeholder', attr: { dtype: DT_FLOAT, shape: { shape: { dim: [1, height, width, 3].map((size) => ({ size: String(size) })) } } } });
    const scaled = this.op('input/scale', 'Mul', [inputName, this.floats('input/scale/value', [3], scale)]);
    const normalised = this.op('input/normalised', 'AddV2', [scaled, this.floats('input/offset/value', [3], offset)]);
    this.graphInput = onnxName;
    this.bind(onnxName, normalised, [height, width, 3]);
  }

  node(node: OnnxNode, conv: Conv | undefined): void {
    const x = (index: number): string => this.tensor(node.inputs[index]!);
    const shape = (index: number): [number, number, number] => this.shapes.get(this.tensor(node.inputs[index]!))!;
    const output = node.outputs[0]!;
    const name = output;
    switch (node.op) {
      case 'Conv':
        return this.conv(conv!, x(0), shape(0), name);
      case 'ConvTranspose':
        if (!conv) throw new Error(`onnx-to-tfjs: ${node.name}: only a ConvTranspose whose kernel equals its stride, unpadded and ungrouped, is supported`);
        return this.conv(conv, x(0), shape(0), name);
      case 'Relu':
      case 'Sigmoid':
        return this.bind(output, this.op(name, node.op, [x(0)]), shape(0));
      case 'GlobalAveragePool': {
        const axes = this.int32s(`${name}/axes`, [2], [1, 2]);
        return this.bind(output, this.op(name, 'Mean', [x(0), axes], { keep_dims: { b: true }, Tidx: { type: 'DT_INT32' } }), [1, 1, shape(0)[2]]);
      }
      case 'Clip': {
        const [low, high] = [1, 2].map((index) => (constant(this.graph, node.inputs[index]!).values as Float32Array)[0]!);
        return this.bind(output, this.clip(name, x(0), low!, high!), shape(0));
      }
      case 'Mul':
      case 'Add':
      case 'Sub':
      case 'Div':
        return this.binary(node, name);
      case 'Resize':
        return this.resize(node, x(0), shape(0), name);
      case 'Concat': {
        if (node.attributes['axis']?.i !== 1) throw new Error(`onnx-to-tfjs: ${node.name}: Concat only along channels`);
        const shapes = node.inputs.map((_, index) => shape(index));
        const axis = this.int32s(`${name}/axis`, [], [3]);
        const channels = shapes.reduce((sum, s) => sum + s[2], 0);
        return this.bind(output, this.op(name, 'ConcatV2', [...node.inputs.map((_, index) => x(index)), axis], { N: { i: String(node.inputs.length) } }), [shapes[0]![0], shapes[0]![1], channels]);
      }
      default:
        // Batch norms and hard sigmoids are supported where they follow a convolution (folded into it).
        throw new Error(`onnx-to-tfjs: operator ${node.op} (${node.name}) is not supported here`);
    }
  }

  finish(outputs: string[]): { json: Uint8Array; bin: Uint8Array } {
    for (const output of outputs) if (this.tensor(output) !== output) throw new Error(`onnx-to-tfjs: output ${output} was renamed`);
    const specs = this.weights.map(({ name, shape, dtype }) => ({ name, shape, dtype }));
    const model = {
      format: 'graph-model',
      generatedBy: this.options.generatedBy,
      convertedBy: 'Keepsake models/onnx-to-tfjs.ts',
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: [this.options.weightsPath], weights: specs }],
    };
    const bytes = new Uint8Array(this.weights.reduce((sum, weight) => sum + weight.values.byteLength, 0));
    let offset = 0;
    for (const weight of this.weights) {
      bytes.set(new Uint8Array(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength), offset);
      offset += weight.values.byteLength;
    }
    return { json: new TextEncoder().encode(JSON.stringify(model)), bin: bytes };
  }

  private conv(conv: Conv, x: string, [h, w]: [number, number, number], name: string): void {
    const { node, kernel, dims, bias, blocks } = conv;
    const [out, inPerGroup, kh, kw] = dims as [number, number, number, number];
    const group = node.attributes['group']?.i ?? 1;
    const [sh, sw] = blocks ? [1, 1] : (node.attributes['strides']?.ints ?? [1, 1]);
    const [pt, pl, pb, pr] = blocks ? [0, 0, 0, 0] : (node.attributes['pads']?.ints ?? [0, 0, 0, 0]);
    if ((node.attributes['dilations']?.ints ?? [1, 1]).some((d) => d !== 1)) throw new Error(`onnx-to-tfjs: ${node.name}: dilated convolution`);
    if ((node.attributes['auto_pad']?.s ?? 'NOTSET') !== 'NOTSET') throw new Error(`onnx-to-tfjs: ${node.name}: auto_pad (only explicit pads are read)`);
    const depthwise = group > 1;
    if (depthwise && !(inPerGroup === 1 && group === out)) throw new Error(`onnx-to-tfjs: ${node.name}: grouped convolution that is not depthwise`);
    const order = node.inputs[0] === this.graphInput ? this.options.channelOrder : undefined;
    const filter = depthwise ? this.depthwiseKernel(kernel, out, kh, kw) : this.kernel(kernel, out, inPerGroup, kh, kw, order);
    const filterName = this.floats(`${name}/kernel`, depthwise ? [kh, kw, out, 1] : [kh, kw, inPerGroup, out], filter);
    const biasName = this.floats(`${name}/bias`, [out], bias);
    const fused = ['BiasAdd', ...(conv.activation ? [conv.activation] : [])];
    const convName = conv.clip01 || blocks ? `${name}/conv` : name;
    this.op(convName, depthwise ? 'FusedDepthwiseConv2dNative' : '_FusedConv2D', [x, filterName, biasName], {
      T: DT_FLOAT,
      strides: ints([1, sh!, sw!, 1]),
      padding: { s: base64('EXPLICIT') },
      explicit_paddings: ints([0, 0, pt!, pb!, pl!, pr!, 0, 0]),
      dilations: ints([1, 1, 1, 1]),
      data_format: NHWC,
      num_args: { i: '1' },
      fused_ops: { list: { s: fused.map(base64) } },
      epsilon: { f: 0 },
    });
    const outH = Math.floor((h + pt! + pb! - kh) / sh!) + 1;
    const outW = Math.floor((w + pl! + pr! - kw) / sw!) + 1;
    if (blocks) return this.bind(node.outputs[0]!, this.depthToSpace(name, convName, outH, outW, blocks, conv.channels), [outH * blocks, outW * blocks, conv.channels]);
    const result = conv.clip01 ? this.clip(name, convName, 0, 1) : convName;
    this.bind(node.outputs[0]!, result, [outH, outW, out]);
  }

  /** ONNX [out, in, kh, kw] → TF [kh, kw, in, out]; `order` picks, for each TF input channel, the ONNX one. */
  private kernel(kernel: Float32Array, out: number, inputs: number, kh: number, kw: number, order?: number[]): Float32Array {
    const result = new Float32Array(kernel.length);
    for (let o = 0; o < out; o++)
      for (let i = 0; i < inputs; i++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) result[((y * kw + x) * inputs + i) * out + o] = kernel[((o * inputs + (order ? order[i]! : i)) * kh + y) * kw + x]!;
    return result;
  }

  /** ONNX [channels, 1, kh, kw] → TF [kh, kw, channels, 1]. */
  private depthwiseKernel(kernel: Float32Array, channels: number, kh: number, kw: number): Float32Array {
    const result = new Float32Array(kernel.length);
    for (let c = 0; c < channels; c++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) result[(y * kw + x) * channels + c] = kernel[(c * kh + y) * kw + x]!;
    return result;
  }

  /**
   * DepthToSpace as reshape, transpose, reshape ([h, w, by, bx·c] → [h, by, w, bx·c]): the wasm
   * backend's own DepthToSpace moves one value at a time and took longer than the convolutions.
   */
  private depthToSpace(name: string, x: string, h: number, w: number, block: number, channels: number): string {
    const split = this.op(`${name}/split`, 'Reshape', [x, this.int32s(`${name}/split/shape`, [4], [h, w, block, block * channels])], { T: DT_FLOAT, Tshape: { type: 'DT_INT32' } });
    const moved = this.op(`${name}/moved`, 'Transpose', [split, this.int32s(`${name}/moved/perm`, [4], [0, 2, 1, 3])], { T: DT_FLOAT, Tperm: { type: 'DT_INT32' } });
    return this.op(name, 'Reshape', [moved, this.int32s(`${name}/shape`, [4], [1, h * block, w * block, channels])], { T: DT_FLOAT, Tshape: { type: 'DT_INT32' } });
  }

  private binary(node: OnnxNode, name: string): void {
    const [a, b] = node.inputs as [string, string];
    const aConst = this.graph.constants.has(a);
    const bConst = this.graph.constants.has(b);
    if (aConst && bConst) throw new Error(`onnx-to-tfjs: ${node.name}: both inputs are constants`);
    const tensorInput = aConst ? b : a;
    const shape = this.shapes.get(this.tensor(tensorInput))!;
    let op = { Mul: 'Mul', Add: 'AddV2', Sub: 'Sub', Div: 'RealDiv' }[node.op]!;
    let inputs: string[];
    if (aConst || bConst) {
      const constName = aConst ? a : b;
      const lookup = perChannel(this.graph, constName, shape[2]);
      if (!lookup) throw new Error(`onnx-to-tfjs: ${node.name}: constant ${constName} is neither a scalar nor per channel`);
      const count = (this.graph.constants.get(constName)!.values as Float32Array).length;
      let values = Float32Array.from({ length: count }, (_, channel) => lookup(channel));
      // x / c and x − c become x · (1/c) and x + (−c): cheaper, and commutative.
      if ((op === 'RealDiv' || op === 'Sub') && bConst) {
        values = values.map((v) => (op === 'RealDiv' ? 1 / v : -v));
        op = op === 'RealDiv' ? 'Mul' : 'AddV2';
      } else if (op === 'RealDiv' || op === 'Sub') {
        throw new Error(`onnx-to-tfjs: ${node.name}: constant divided by or minus a tensor`);
      }
      inputs = [this.tensor(tensorInput), this.floats(`${name}/value`, count === 1 ? [] : [count], values)];
    } else {
      inputs = [this.tensor(a), this.tensor(b)];
      const other = this.shapes.get(this.tensor(b))!;
      if (other[0] * other[1] > shape[0] * shape[1]) return this.bind(node.outputs[0]!, this.op(name, op, inputs), other);
    }
    this.bind(node.outputs[0]!, this.op(name, op, inputs), shape);
  }

  private resize(node: OnnxNode, x: string, [h, w, c]: [number, number, number], name: string): void {
    const mode = node.attributes['mode']?.s ?? 'nearest';
    const transform = node.attributes['coordinate_transformation_mode']?.s ?? 'half_pixel';
    const rounding = node.attributes['nearest_mode']?.s ?? 'round_prefer_floor';
    if (mode !== 'nearest' || transform !== 'asymmetric' || rounding !== 'floor') {
      throw new Error(`onnx-to-tfjs: ${node.name}: only nearest, asymmetric, floor resizing matches TF's ResizeNearestNeighbor`);
    }
    let outH: number;
    let outW: number;
    const sizes = node.inputs[3] ? (constant(this.graph, node.inputs[3]).values as number[]) : undefined;
    if (sizes?.length === 4) {
      [outH, outW] = [sizes[2]!, sizes[3]!];
    } else {
      const scales = constant(this.graph, node.inputs[2]!).values as Float32Array;
      if (scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1) throw new Error(`onnx-to-tfjs: ${node.name}: only spatial scales`);
      [outH, outW] = [Math.floor(h * scales[2]!), Math.floor(w * scales[3]!)];
    }
    const size = this.int32s(`${name}/size`, [2], [outH, outW]);
    this.bind(node.outputs[0]!, this.op(name, 'ResizeNearestNeighbor', [x, size], { T: DT_FLOAT, align_corners: { b: false }, half_pixel_centers: { b: false } }), [outH, outW, c]);
  }

  private clip(name: string, x: string, low: number, high: number): string {
    return this.op(name, 'ClipByValue', [x, this.floats(`${name}/min`, [], [low]), this.floats(`${name}/max`, [], [high])]);
  }

  private op(name: string, op: string, input: string[], attr: Record<string, unknown> = { T: DT_FLOAT }): string {
    if (this.nodes.some((node) => node.name === name)) throw new Error(`onnx-to-tfjs: two nodes named ${name}`);
    this.nodes.push({ name, op, input, attr });
    return name;
  }

  private floats(name: string, shape: number[], values: ArrayLike<number>): string {
    return this.constant(name, shape, 'float32', Float32Array.from(values));
  }

  private int32s(name: string, shape: number[], values: number[]): string {
    return this.constant(name, shape, 'int32', Int32Array.from(values));
  }

  private constant(name: string, shape: number[], dtype: Weight['dtype'], values: Float32Array | Int32Array): string {
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.weights.push({ name, shape, dtype, values });
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType, tensorShape: { dim: shape.map((size) => ({ size: String(size) })) } } } } });
    return name;
  }

  private bind(onnxName: string, tfName: string, shape: [number, number, number]): void {
    this.names.set(onnxName, tfName);
    this.shapes.set(tfName, shape);
  }

  private tensor(onnxName: string): string {
    const name = this.names.get(onnxName);
    if (!name) throw new Error(`onnx-to-tfjs: ${onnxName} is used before it is computed`);
    return name;
  }
}
