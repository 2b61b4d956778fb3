/**
 * Pixel decoding and thumbnail encoding (browser glue, runs in the import worker).
 * JPEG/PNG/WebP/AVIF use the browser's own decoders; HEIC/HEIF goes through libheif (wasm),
 * loaded only when the first HEIC arrives.
 */
import type { SniffedImage } from '../pipeline/contracts';
import { fitLongEdge, fitShortEdge, PREVIEW_LONG_EDGE, SMALL_LONG_EDGE_CAP, SMALL_SHORT_EDGE, type Size } from '../pipeline/import/sizes';

export interface Thumbnails {
  small: Blob;
  preview: Blob;
}

/** The decoder refused the pixels although the header looked right. */
export class DecodeError extends Error {}

const JPEG_QUALITY = 0.85;

export async function makeThumbnails(file: Blob, bytes: Uint8Array, sniffed: SniffedImage, display: Size): Promise<Thumbnails> {
  const previewSize = fitLongEdge(display, PREVIEW_LONG_EDGE);
  const preview = await decodeToSize(file, bytes, sniffed, previewSize);
  try {
    const smallSize = fitShortEdge(previewSize, SMALL_SHORT_EDGE, SMALL_LONG_EDGE_CAP);
    const small = await createImageBitmap(preview, { resizeWidth: smallSize.width, resizeHeight: smallSize.height, resizeQuality: 'high' });
    return { small: await encodeJpeg(small), preview: await encodeJpeg(preview) };
  } finally {
    preview.close();
  }
}

/** The whole picture, upright (EXIF / HEIF rotation applied), decoded at `size`: the fastest way each format allows. */
export function decodeToSize(file: Blob, bytes: Uint8Array, sniffed: Pick<SniffedImage, 'format' | 'storedWidth' | 'storedHeight'>, size: Size): Promise<ImageBitmap> {
  if (sniffed.format === 'heic' || sniffed.format === 'heif') return decodeHeif(bytes, size);
  if (sniffed.format === 'jpeg' || sniffed.format === 'mpo') return decodeJpegScaled(file, bytes, sniffed, size);
  return decodeWithBrowser(file, size);
}

/**
 * JPEG can be decoded at 1/8…8/8 scale inside the DCT (libjpeg-turbo), several times faster than
 * a full decode. WebCodecs' ImageDecoder picks the largest such scale not above the size it is
 * asked for, so ask for the smallest M/8 scale still at least as large as the target, then
 * resample that (small) frame to the exact size. The frame carries the EXIF rotation, which
 * createImageBitmap applies. Browsers without ImageDecoder take the plain path.
 */
async function decodeJpegScaled(file: Blob, bytes: Uint8Array, sniffed: Pick<SniffedImage, 'storedWidth' | 'storedHeight'>, target: Size): Promise<ImageBitmap> {
  const scale = dctScale(Math.max(sniffed.storedWidth, sniffed.storedHeight), Math.max(target.width, target.height));
  // At full scale there is nothing to gain, and Chromium then ignores the frame's EXIF rotation.
  if (scale === 8 || typeof ImageDecoder === 'undefined') return decodeWithBrowser(file, target);
  let frame: VideoFrame | undefined;
  const decoder = new ImageDecoder({
    data: bytes as Uint8Array<ArrayBuffer>,
    type: 'image/jpeg',
    desiredWidth: Math.ceil((sniffed.storedWidth * scale) / 8),
    desiredHeight: Math.ceil((sniffed.storedHeight * scale) / 8),
  });
  try {
    frame = (await decoder.decode()).image;
    // The DCT scale leaves less than 2× to go, where bilinear ('low') is as good and much cheaper.
    return await createImageBitmap(frame, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'low' });
  } catch (error) {
    throw new DecodeError(`the browser could not decode the image (${(error as Error).message})`);
  } finally {
    frame?.close();
    decoder.close();
  }
}

/** Smallest M in 1..8 with stored·M/8 ≥ target. */
function dctScale(storedLongEdge: number, targetLongEdge: number): number {
  return Math.min(8, Math.max(1, Math.ceil((8 * targetLongEdge) / storedLongEdge)));
}

/** Decode straight to the target size; EXIF Orientation is applied by the browser ('from-image'). */
async function decodeWithBrowser(file: Blob, size: Size): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, {
      imageOrientation: 'from-image',
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'medium',
    });
  } catch (error) {
    throw new DecodeError(`the browser could not decode the image (${(error as Error).message})`);
  }
}

/** The parts of libheif-js's API Keepsake uses (it ships no types). */
export interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
  free?(): void;
}
export interface LibHeif {
  HeifDecoder: new () => { decoder: number | null; decode(bytes: Uint8Array): HeifImage[] };
  heif_context_free(context: number): void;
}

let libheif: Promise<LibHeif> | null = null;

function loadLibheif(): Promise<LibHeif> {
  libheif ??= import('libheif-js/libheif-wasm/libheif-bundle.mjs').then((m) => (m.default as () => LibHeif)());
  return libheif;
}

/** libheif applies the container's irot/imir itself, so its width/height are display dimensions. */
async function decodeHeif(bytes: Uint8Array, size: Size): Promise<ImageBitmap> {
  const lib = await loadLibheif();
  const decoder = new lib.HeifDecoder();
  try {
    const [image] = decoder.decode(bytes);
    if (!image) throw new DecodeError('libheif found no image in the file');
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise((resolve) => image.display(target, resolve));
    image.free?.();
    if (!result) throw new DecodeError('libheif could not decode the image data');
    const full = new ImageData(target.data, width, height);
    return await createImageBitmap(full, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' });
  } finally {
    if (decoder.decoder) lib.heif_context_free(decoder.decoder);
  }
}

/**
 * Encode and consume the bitmap. Always drawn through a 2D canvas: Chromium's 'bitmaprenderer'
 * would encode an EXIF-rotated bitmap's raw, unrotated pixels.
 */
async function encodeJpeg(bitmap: ImageBitmap): Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2D canvas is unavailable in this worker');
  // Transparent PNG/WebP pixels become white rather than JPEG's black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, bitmap.width, bitmap.height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
}
