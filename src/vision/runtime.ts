/**
 * The TF.js runtime inside a vision worker: picks webgpu → webgl → wasm at run time. A software
 * GPU (SwiftShader, llvmpipe, a fallback adapter) counts as no GPU: it is 5–60× slower than wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import type { TfBackend } from '../db/schema';

export { tf };

/**
 * Same-sized RGBA pictures as one float32 RGB batch [n, height, width, 3], values 0..255. Built here
 * rather than with fromPixels + cast: tfjs-backend-webgpu 4.22 casts int32 to float32 by keeping the
 * int32 buffer, and its convolution shader for 3-channel input then fails to compile, so CenterNet
 * found almost nothing on WebGPU (measured on an H200: 13 objects instead of 151, 5 faces instead of 39).
 */
export function rgbTensor(pictures: ImageData[]): tf.Tensor4D {
  const { width, height } = pictures[0]!;
  const rgb = new Float32Array(pictures.length * width * height * 3);
  let at = 0;
  for (const { data } of pictures) {
    for (let i = 0; i < data.length; i += 4) {
      rgb[at++] = data[i]!;
      rgb[at++] = data[i + 1]!;
      rgb[at++] = data[i + 2]!;
    }
  }
  return tf.tensor4d(rgb, [pictures.length, height, width, 3], 'float32');
}

/**
 * A graph model fed a picture, or a part of it, stretched onto its square input (RGB 0..255), as
 * the object and text detectors are: the values of its outputs, its tensors disposed on every path.
 */
export class SquareInput {
  readonly #ctx: OffscreenCanvasRenderingContext2D;

  constructor(
    readonly model: tf.GraphModel,
    readonly size: number,
    private readonly outputs: string[],
    smoothing?: ImageSmoothingQuality,
  ) {
    this.#ctx = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true })!;
    if (smoothing) this.#ctx.imageSmoothingQuality = smoothing;
  }

  /** One run on a blank input, so the first photo does not pay for compiling the kernels (seconds on WebGPU). */
  warmUp(): void {
    tf.tidy(() => this.#execute(tf.zeros([1, this.size, this.size, 3])).forEach((output) => output.dataSync()));
  }

  /** The outputs for the part `region` of `image` (all of it when absent), stretched to the input square. */
  async run(image: ImageBitmap, region?: { x: number; y: number; width: number; height: number }): Promise<Float32Array[]> {
    if (region) this.#ctx.drawImage(image, region.x, region.y, region.width, region.height, 0, 0, this.size, this.size);
    else this.#ctx.drawImage(image, 0, 0, this.size, this.size);
    const pixels = this.#ctx.getImageData(0, 0, this.size, this.size);
    const outputs = tf.tidy(() => this.#execute(rgbTensor([pixels])));
    try {
      return (await Promise.all(outputs.map((output) => output.data()))) as Float32Array[];
    } finally {
      tf.dispose(outputs);
    }
  }

  /** GraphModel.execute answers one tensor, not an array, when one output is asked for. */
  #execute(input: tf.Tensor): tf.Tensor[] {
    const result = this.model.execute(input, this.outputs);
    return Array.isArray(result) ? result : [result];
  }
}

/** A served file's bytes; a missing or failed file is an error naming it. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

export interface BackendChoice {
  backend: TfBackend;
  /** Why this one: "WebGPU adapter is software (SwiftShader)" etc., for the info panel. */
  reason: string;
}

/** A hardware WebGPU adapter's description, or why there is none. */
async function probeWebGpu(): Promise<{ ok: boolean; why: string }> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { ok: false, why: 'no WebGPU in this browser' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { ok: false, why: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  if (adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_GPU.test(name)) return { ok: false, why: `WebGPU adapter is software (${name || 'fallback'})` };
  return { ok: true, why: `WebGPU on ${name || 'a hardware adapter'}` };
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

function probeWebGl(): { ok: boolean; why: string } {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { ok: false, why: 'no WebGL2' };
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    if (SOFTWARE_GPU.test(renderer)) return { ok: false, why: `WebGL renderer is software (${renderer})` };
    return { ok: true, why: `WebGL2 on ${renderer}` };
  } catch (error) {
    return { ok: false, why: `WebGL2 failed (${(error as Error).message})` };
  }
}

/**
 * Select and initialise the backend. `forced` (tests, `?backend=`) skips the probe so the same
 * models can be checked on every backend, software or not.
 */
export async function initBackend(base: string, forced?: TfBackend): Promise<BackendChoice> {
  // Threaded tfjs-wasm breaks in a minified build (notes/models.md); on 2 cores it was no faster.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(new URL('vendor/tfjs-wasm/', base).href);
  const reasons: string[] = [];
  const order: TfBackend[] = forced ? [forced] : ['webgpu', 'webgl', 'wasm'];
  for (const backend of order) {
    const probe = forced ? { ok: true, why: 'chosen by the caller' } : backend === 'webgpu' ? await probeWebGpu() : backend === 'webgl' ? probeWebGl() : { ok: true, why: 'WebAssembly (SIMD) on the CPU' };
    if (!probe.ok) {
      reasons.push(probe.why);
      continue;
    }
    if (await tf.setBackend(backend).catch(() => false)) {
      await tf.ready();
      return { backend, reason: [probe.why, ...reasons.map((r) => `not GPU: ${r}`)].join('; ') };
    }
    reasons.push(`${backend} failed to start`);
  }
  throw new Error(`No TF.js backend could start (${reasons.join('; ')})`);
}
