/**
 * Node decoding for tests: a corpus file → the RGBA preview the app's vision worker would see
 * (display orientation, long side ≤ 1600 like the stored preview).
 *
 * - JPEG / MPO: jpeg-js (MPO: its first frame, which is what browsers show); EXIF Orientation read with
 *   exifr and applied here (the app's browser decoder does the same with imageOrientation 'from-image').
 * - PNG: pngjs; transparent pixels are composited onto white, as the app's preview encoder does.
 * - HEIC / HEIF: libheif-js (wasm bundle, a sync factory). libheif applies the container's irot/imir,
 *   so its output is already in display orientation and EXIF Orientation is NOT applied again.
 * - WebP: no WebP package is installed, but playwright-core (a dev dependency, for the browser tests)
 *   bundles libwebp as wasm and exposes `utils.decodeWebp` from its internal `lib/coreBundle`. That is
 *   not a public API, so it is loaded lazily and, when it is missing, decodeCorpusFile throws
 *   `NoDecoderError` (callers skip such files and say so). AVIF: no decoder, `NoDecoderError`.
 *
 * Then, like the app's import: downscale to the preview size (long side 1600; here the analysis module's
 * area average, the app uses the browser's 'medium' resampler) and store the preview as JPEG quality 0.85,
 * which the vision worker decodes again. The JPEG round trip is mimicked with jpeg-js (4:4:4 where the
 * browser subsamples chroma) unless `{ previewJpeg: false }`, because it changes what the pixel
 * statistics see (a PNG screenshot's exact flat colours pick up JPEG noise near edges).
 */
import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import libheifFactory from 'libheif-js/libheif-wasm/libheif-bundle.mjs';
import { downscale } from '../src/pipeline/analyse/raster';
import type { Raster } from '../src/pipeline/analyse/types';
import { sniffImage } from '../src/pipeline/import/sniff';
import { PREVIEW_LONG_EDGE } from '../src/pipeline/import/sizes';
import type { LibHeif } from '../src/media/decode';

/** No decoder for this format in Node (WebP, AVIF). */
export class NoDecoderError extends Error {}

export interface DecodeOptions {
  /** Round-trip the preview through JPEG quality 85 like the app's stored preview (default true). */
  previewJpeg?: boolean;
}

export async function decodeCorpusFile(path: string, options: DecodeOptions = {}): Promise<Raster> {
  const bytes = new Uint8Array(await readFile(path));
  const sniffed = sniffImage(bytes, path.split('/').pop() ?? path);
  if (!sniffed.ok) throw new Error(`${path}: ${sniffed.message}`);
  let full: Raster;
  switch (sniffed.format) {
    case 'jpeg':
    case 'mpo': {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048, maxResolutionInMP: 200 });
      const stored: Raster = { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
      const orientation = await readOrientation(bytes);
      full = orient(stored, orientation);
      break;
    }
    case 'png': {
      const png = PNG.sync.read(Buffer.from(bytes));
      full = { width: png.width, height: png.height, data: onWhite(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length)) };
      break;
    }
    case 'heic':
    case 'heif':
      full = await decodeHeif(bytes);
      break;
    case 'webp': {
      const decoded = (await webpDecoder())(Buffer.from(bytes));
      full = { width: decoded.width, height: decoded.height, data: onWhite(new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length)) };
      break;
    }
    default:
      throw new NoDecoderError(`${path}: no ${sniffed.format} decoder in Node`);
  }
  const preview = downscale(full, PREVIEW_LONG_EDGE);
  return options.previewJpeg === false ? preview : jpegRoundTrip(preview, 85);
}

/** Encode as JPEG and decode again (opaque). */
export function jpegRoundTrip(r: Raster, quality: number): Raster {
  const encoded = jpeg.encode({ width: r.width, height: r.height, data: r.data }, quality);
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
  return { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
}

type WebpDecode = (bytes: Buffer) => { data: Buffer; width: number; height: number };

async function webpDecoder(): Promise<WebpDecode> {
  try {
    const bundle = (await import('playwright-core/lib/coreBundle' as string)) as { utils?: { decodeWebp?: WebpDecode }; default?: { utils?: { decodeWebp?: WebpDecode } } };
    const decode = bundle.utils?.decodeWebp ?? bundle.default?.utils?.decodeWebp;
    if (decode) return decode;
  } catch {
    // fall through
  }
  throw new NoDecoderError('no WebP decoder in Node (playwright-core/lib/coreBundle utils.decodeWebp is unavailable)');
}

async function readOrientation(bytes: Uint8Array): Promise<number> {
  try {
    const value = await exifr.orientation(bytes);
    return typeof value === 'number' && value >= 1 && value <= 8 ? value : 1;
  } catch {
    return 1;
  }
}

/** Apply an EXIF Orientation (1..8) so the raster is in display orientation. */
export function orient(r: Raster, orientation: number): Raster {
  if (orientation <= 1 || orientation > 8) return r;
  const { width: w, height: h, data } = r;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      const s = (sy * w + sx) * 4;
      const d = (y * ow + x) * 4;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
      out[d + 3] = data[s + 3]!;
    }
  }
  return { width: ow, height: oh, data: out };
}

/** Composite onto white and make opaque (in place). */
function onWhite(data: Uint8ClampedArray): Uint8ClampedArray {
  for (let p = 0; p < data.length; p += 4) {
    const a = data[p + 3]!;
    if (a === 255) continue;
    const k = a / 255;
    data[p] = data[p]! * k + 255 * (1 - k);
    data[p + 1] = data[p + 1]! * k + 255 * (1 - k);
    data[p + 2] = data[p + 2]! * k + 255 * (1 - k);
    data[p + 3] = 255;
  }
  return data;
}

let libheif: LibHeif | null = null;

async function decodeHeif(bytes: Uint8Array): Promise<Raster> {
  libheif ??= (libheifFactory as () => LibHeif)();
  const lib = libheif;
  const decoder = new lib.HeifDecoder();
  try {
    const [image] = decoder.decode(bytes);
    if (!image) throw new Error('libheif found no image in the file');
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise<unknown>((resolve) => image.display(target, resolve));
    image.free?.();
    if (!result) throw new Error('libheif could not decode the image data');
    return { width, height, data: onWhite(target.data) };
  } finally {
    if (decoder.decoder) lib.heif_context_free(decoder.decoder);
  }
}
