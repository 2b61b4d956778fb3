/**
 * A TF.js graph model from the bytes of its JSON and its single weights file, for files the caller
 * already holds (patched in memory, or read in a Node test). Only TF.js core and converter: the
 * unit tests load models with it too.
 */
import { io } from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';

export function graphModelFrom(json: Uint8Array, weights: Uint8Array): Promise<GraphModel> {
  const graph = JSON.parse(new TextDecoder().decode(json)) as io.ModelJSON;
  const weightSpecs = graph.weightsManifest.flatMap((group) => group.weights);
  return loadGraphModel(io.fromMemory({ ...graph, weightSpecs, weightData: weights.slice().buffer }));
}
