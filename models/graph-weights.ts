/** How a TF.js graph model's weights file is laid out: one entry of the JSON manifest per weight, in order. */

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; original_dtype?: string; min?: number; scale?: number };
}

/** Bytes one value of `spec` takes in the weights file (quantised weights are stored narrower). */
export function bytesPerValue(spec: WeightSpec): number {
  if (!spec.quantization) return 4;
  return spec.quantization.dtype === 'uint8' ? 1 : 2;
}
