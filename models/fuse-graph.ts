/**
 * A build-time rewrite of a TF.js graph model that folds each convolution's batch-norm and ReLU6
 * into the convolution itself, as TensorFlow's own graph optimiser does for models converted with
 * it switched on. faceres was converted without: every convolution is followed by an Add (the
 * batch-norm offset), a Relu, a Minimum and a Maximum (ReLU6), and every depthwise convolution by a
 * Mul (the batch-norm scale) as well. On the wasm backend each of those is a pass over the whole
 * activation, while XNNPACK applies a bias and a clamp inside the convolution for free.
 *
 *   Conv2D(x, W) → Add(b) → Relu → Minimum(6) → Maximum(0)            ⇒ _FusedConv2D(x, W, b; BiasAdd, Relu6)
 *   DepthwiseConv2dNative(x, K) → Mul(m) → Add(b) → Relu → Min → Max  ⇒ FusedDepthwiseConv2dNative(x, K·m, b; BiasAdd, Relu6)
 *
 * The fused node keeps the name of the last node it replaces, so the rest of the graph is untouched.
 * Weights are byte for byte the same except each depthwise kernel, which takes the batch-norm scale
 * (stored as float32); constants no node reads any more are dropped. Pure (bytes in, bytes out).
 */

import { bytesPerValue, type WeightSpec } from './graph-weights.ts';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
  device?: string;
}

interface GraphJson {
  modelTopology: { node: GraphNode[]; [key: string]: unknown };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
  [key: string]: unknown;
}

interface Weight {
  spec: WeightSpec;
  bytes: Uint8Array;
}

export interface FusedModel {
  json: Uint8Array;
  bin: Uint8Array;
  /** How many convolutions took in their batch-norm and activation (the build refuses a graph with none). */
  fused: number;
}

/** The graph JSON and weights of `json` + `bin` with every foldable convolution fused. */
export function fuseConvolutions(json: Uint8Array, bin: Uint8Array): FusedModel {
  const graph = JSON.parse(new TextDecoder().decode(json)) as GraphJson;
  if (graph.weightsManifest.length !== 1) throw new Error('fuse-graph: expected one weights group');
  const weights = splitWeights(graph.weightsManifest[0]!.weights, bin);
  const nodes = graph.modelTopology.node;
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const consumers = consumerCounts(nodes);
  const removed = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  let fused = 0;

  for (const conv of nodes) {
    if (conv.op !== 'Conv2D' && conv.op !== 'DepthwiseConv2dNative') continue;
    const chain = activationChain(conv, byName, nodes, consumers, weights);
    if (!chain) continue;
    const [x, kernel] = conv.input!;
    let kernelName = kernel!;
    if (chain.scale) {
      kernelName = `${conv.name}/folded_kernel`;
      weights.set(kernelName, scaledDepthwiseKernel(weights.get(kernel!)!, weights.get(chain.scale)!, kernelName));
      byName.set(kernelName, { name: kernelName, op: 'Const', attr: byName.get(kernel!)!.attr });
      nodes.push(byName.get(kernelName)!);
    }
    const last = chain.nodes[chain.nodes.length - 1]!;
    replaced.set(last.name, {
      name: last.name,
      op: conv.op === 'Conv2D' ? '_FusedConv2D' : 'FusedDepthwiseConv2dNative',
      input: [x!, kernelName, chain.bias],
      ...(conv.device ? { device: conv.device } : {}),
      attr: { ...conv.attr, num_args: { i: '1' }, fused_ops: { list: { s: ['BiasAdd', 'Relu6'].map(base64) } }, epsilon: { f: 0 } },
    });
    removed.add(conv.name);
    for (const node of chain.nodes.slice(0, -1)) removed.add(node.name);
    fused++;
  }
  if (!fused) throw new Error('fuse-graph: no convolution followed by batch-norm and ReLU6');

  const kept = nodes.filter((node) => !removed.has(node.name)).map((node) => replaced.get(node.name) ?? node);
  const read = new Set(kept.flatMap((node) => (node.input ?? []).map(inputNode)));
  const live = kept.filter((node) => node.op !== 'Const' || read.has(node.name));
  const liveWeights = graph.weightsManifest[0]!.weights
    .map((spec) => spec.name)
    .concat([...weights.keys()].filter((name) => name.endsWith('/folded_kernel')))
    .filter((name) => read.has(name));
  graph.modelTopology.node = live;
  graph.weightsManifest[0]!.weights = liveWeights.map((name) => weights.get(name)!.spec);
  return {
    json: new TextEncoder().encode(JSON.stringify(graph)),
    bin: concat(liveWeights.map((name) => weights.get(name)!.bytes)),
    fused,
  };
}

interface Chain {
  /** The nodes after the convolution, in order; the last one's name is the fused node's. */
  nodes: GraphNode[];
  bias: string;
  /** Depthwise only: the batch-norm scale to fold into the kernel. */
  scale?: string;
}

/** The batch-norm and ReLU6 that follow `conv`, each read by nothing else; null when it is not the whole pattern. */
function activationChain(conv: GraphNode, byName: Map<string, GraphNode>, nodes: GraphNode[], consumers: Map<string, number>, weights: Map<string, Weight>): Chain | null {
  const next = (node: GraphNode): GraphNode | undefined => {
    if (consumers.get(node.name) !== 1) return undefined;
    return nodes.find((other) => other.input?.some((input) => inputNode(input) === node.name));
  };
  const constantOf = (node: GraphNode, op: string, from: GraphNode): string | undefined => {
    if (node.op !== op || node.input?.length !== 2) return undefined;
    const other = node.input.map(inputNode).find((name) => name !== from.name);
    return other && byName.get(other)?.op === 'Const' && weights.has(other) ? other : undefined;
  };
  const chain: GraphNode[] = [];
  let at: GraphNode = conv;
  let scale: string | undefined;
  if (conv.op === 'DepthwiseConv2dNative') {
    const mul = next(at);
    scale = mul && constantOf(mul, 'Mul', at);
    if (!mul || !scale || !isPerChannel(weights.get(scale)!.spec, weights.get(conv.input![1]!)!.spec)) return null;
    chain.push((at = mul));
  }
  const add = next(at);
  const bias = add && constantOf(add, 'Add', at);
  if (!add || !bias || weights.get(bias)!.spec.shape.length !== 1) return null;
  chain.push((at = add));
  const relu = next(at);
  if (relu?.op !== 'Relu') return null;
  chain.push((at = relu));
  const min = next(at);
  const six = min && constantOf(min, 'Minimum', at);
  if (!min || !six || scalar(weights.get(six)!) !== 6) return null;
  chain.push((at = min));
  const max = next(at);
  const zero = max && constantOf(max, 'Maximum', at);
  if (!max || !zero || scalar(weights.get(zero)!) !== 0) return null;
  chain.push(max);
  return { nodes: chain, bias, ...(scale ? { scale } : {}) };
}

const inputNode = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

function consumerCounts(nodes: GraphNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of nodes) for (const input of node.input ?? []) counts.set(inputNode(input), (counts.get(inputNode(input)) ?? 0) + 1);
  return counts;
}

/** A depthwise kernel [h, w, channels, 1] and a scale of one value per channel. */
function isPerChannel(scale: WeightSpec, kernel: WeightSpec): boolean {
  return kernel.shape.length === 4 && kernel.shape[3] === 1 && scale.shape.length === 1 && scale.shape[0] === kernel.shape[2];
}

function scaledDepthwiseKernel(kernel: Weight, scale: Weight, name: string): Weight {
  const k = decode(kernel);
  const s = decode(scale);
  const channels = s.length;
  const out = new Float32Array(k.length);
  for (let i = 0; i < k.length; i++) out[i] = k[i]! * s[i % channels]!;
  return { spec: { name, shape: kernel.spec.shape, dtype: 'float32' }, bytes: new Uint8Array(out.buffer) };
}

function scalar(weight: Weight): number | undefined {
  const values = decode(weight);
  return values.length === 1 ? values[0] : undefined;
}

/** The weights file cut into one slice per manifest entry, in order. */
function splitWeights(specs: WeightSpec[], bin: Uint8Array): Map<string, Weight> {
  const out = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const length = spec.shape.reduce((product, dim) => product * dim, 1) * bytesPerValue(spec);
    out.set(spec.name, { spec, bytes: bin.slice(offset, offset + length) });
    offset += length;
  }
  if (offset !== bin.byteLength) throw new Error(`fuse-graph: the manifest covers ${offset} bytes, the weights file has ${bin.byteLength}`);
  return out;
}

/** A float32 weight's values, undoing float16 or affine uint8/uint16 quantisation. */
function decode({ spec, bytes }: Weight): Float32Array {
  if (spec.dtype !== 'float32') throw new Error(`fuse-graph: ${spec.name} is ${spec.dtype}, not float32`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  const count = bytes.byteLength / bytesPerValue(spec);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (!q) out[i] = view.getFloat32(4 * i, true);
    else if (q.dtype === 'float16') out[i] = float16(view.getUint16(2 * i, true));
    else out[i] = (q.min ?? 0) + (q.scale ?? 1) * (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true));
  }
  return out;
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const base64 = (text: string): string => btoa(text);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
