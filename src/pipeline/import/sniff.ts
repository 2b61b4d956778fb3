/**
 * Byte sniffer: looks at a file's bytes BEFORE any pixel is decoded and either identifies a
 * supported image (format + stored pixel size) or refuses it with a RejectCode and one sentence a
 * person understands.
 *
 * Pure and dependency-free (no DOM, no Node APIs), so it runs in a Web Worker and in Node alike.
 *
 * Identification is by magic bytes only; the file name is used for nothing but wording.
 * Checks run in this order, and within one file the first defect in file order wins:
 *   empty → format identification → structure (truncated / corrupt) → too-large.
 * So a complete, well-formed 900-MP PNG is 'too-large', but a JPEG whose header claims 136 MP
 * and whose data is garbage is 'corrupt'.
 */
import type { ImageFormat, RejectCode, SniffedImage, SniffResult } from '../contracts';

/** Decompression-bomb guard: more stored pixels than this are refused from the header alone. */
export const MAX_PIXELS = 100_000_000;

/**
 * The JPEG "header lies" check (declared size vs. amount of entropy-coded data) only applies to
 * frames above this many pixels: small frames cannot be bombs, and the bound is loose there.
 */
const JPEG_DATA_BOUND_MIN_PIXELS = 4_000_000;
/** Require at least this fraction of the theoretical minimum of entropy-coded data. */
const JPEG_DATA_BOUND_FRACTION = 0.25;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const SUPPORTED_LIST = 'JPEG, HEIC/HEIF, AVIF, PNG and WebP';

/**
 * One clear sentence per code. `detail` adds specifics; what it should be depends on the code:
 * - 'not-an-image': what the file is instead, as a clause ("it contains plain text").
 * - 'unsupported': the format in the plural ("SVG vector drawings", "GIF images").
 * - 'truncated': the format ("JPEG", "PNG", "HEIC photo").
 * - 'corrupt': what is wrong, as a clause ("the PNG header declares a width of 0").
 * - 'too-large': the size ("30000 × 30000 pixels (900 megapixels)").
 * - 'unreadable': the browser's reason, shown in brackets.
 * - 'empty', 'storage-full': ignored.
 */
export function rejectMessage(code: RejectCode, detail?: string): string {
  const d = detail?.trim().replace(/[.\s]+$/, '') || undefined;
  switch (code) {
    case 'empty':
      return 'This file is empty (0 bytes), so there is no photo to import.';
    case 'not-an-image':
      return d
        ? `This file isn't a photo — ${d}.`
        : `This file isn't a photo — its contents don't match any image format (Keepsake imports ${SUPPORTED_LIST}).`;
    case 'unsupported':
      return d
        ? `${capitalise(d)} aren't supported — Keepsake imports ${SUPPORTED_LIST} photos.`
        : `This file type isn't supported — Keepsake imports ${SUPPORTED_LIST} photos.`;
    case 'truncated':
      return `This ${d ?? 'image'} is cut short — the file was probably not copied completely.`;
    case 'corrupt':
      return d ? `This image is damaged and can't be opened: ${d}.` : "This image is damaged and can't be opened.";
    case 'too-large':
      return d
        ? `This image is ${d}, more than the ${MAX_PIXELS / 1e6}-megapixel limit Keepsake can safely open.`
        : `This image has more than ${MAX_PIXELS / 1e6} megapixels, more than Keepsake can safely open.`;
    case 'unreadable':
      return `Keepsake couldn't read this file${d ? ` (${d})` : ''} — it may have been moved or deleted, or the browser lost permission to open it.`;
    case 'missing':
      return 'This file was moved, renamed or deleted after you chose it, so there was nothing left to import — add it again from where it is now.';
    case 'changed':
      return 'This file changed while it was being imported (it may still have been copying or syncing) — add it again once it has finished.';
    case 'no-permission':
      return 'The browser no longer lets Keepsake read this file — permission to its folder was taken back; allow it again to import it.';
    case 'storage-full':
      return "There isn't enough storage space left on this device to import this photo — free up some space and try again.";
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** Thrown inside the format parsers; turned into a SniffResult by sniffImage. */
class Reject {
  readonly code: RejectCode;
  readonly detail: string | undefined;
  constructor(code: RejectCode, detail?: string) {
    this.code = code;
    this.detail = detail;
  }
}

const truncated = (what: string): Reject => new Reject('truncated', what);
const corrupt = (why: string): Reject => new Reject('corrupt', why);

export function sniffImage(bytes: Uint8Array, fileName: string): SniffResult {
  try {
    if (bytes.length === 0) throw new Reject('empty');
    const image = identifyAndParse(bytes, fileName);
    const pixels = image.storedWidth * image.storedHeight;
    if (pixels > MAX_PIXELS) throw new Reject('too-large', sizePhrase(image.storedWidth, image.storedHeight));
    return { ok: true, ...image };
  } catch (error) {
    if (error instanceof Reject) return { ok: false, code: error.code, message: rejectMessage(error.code, error.detail) };
    // A parser bug must not crash the import of a whole folder; the file is clearly not sane.
    return { ok: false, code: 'corrupt', message: rejectMessage('corrupt', 'its structure could not be read') };
  }
}

function sizePhrase(w: number, h: number): string {
  const mp = (w * h) / 1e6;
  // Round up so that a size just over the limit never reads as "100 megapixels".
  const shown = mp >= 1000 ? String(Math.ceil(mp)) : String(Math.ceil(mp * 10) / 10);
  return `${w} × ${h} pixels (${shown} megapixels)`;
}

function identifyAndParse(b: Uint8Array, fileName: string): SniffedImage {
  const n = b.length;
  // JPEG: SOI (FF D8) followed by a marker; a bare SOI is a cut-short JPEG.
  if (n >= 2 && b[0] === 0xff && b[1] === 0xd8 && (n === 2 || b[2] === 0xff)) return parseJpeg(b);
  if (startsWith(b, PNG_SIGNATURE.subarray(0, 4))) return parsePng(b);
  if (n >= 12 && startsWithAscii(b, 0, 'RIFF') && startsWithAscii(b, 8, 'WEBP')) return parseWebp(b);
  if (n >= 8 && startsWithAscii(b, 4, 'ftyp')) return parseIsoBmff(b);
  throw classifyOther(b, fileName);
}

// ---------------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------------

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}
function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
}
function u16le(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8);
}
function u24le(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
}
function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + ((b[i + 3]! << 24) >>> 0);
}
function fourcc(b: Uint8Array, i: number): string {
  return String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
}
function startsWithAscii(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let k = 0; k < s.length; k++) if (b[at + k] !== s.charCodeAt(k)) return false;
  return true;
}
function startsWith(b: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (at + prefix.length > b.length) return false;
  for (let k = 0; k < prefix.length; k++) if (b[at + k] !== prefix[k]) return false;
  return true;
}
function hex2(v: number): string {
  return v.toString(16).toUpperCase().padStart(2, '0');
}
function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KB`;
}

// ---------------------------------------------------------------------------------------------
// JPEG / MPO
// ---------------------------------------------------------------------------------------------

interface JpegFrame {
  marker: number;
  width: number;
  height: number;
  /** Number of 8×8 blocks over all components (with chroma subsampling). */
  blocks: number;
}

/**
 * Walks the marker segments (SOI, APPn, DQT, DHT, SOFn, DRI, …) by their lengths, then each SOS
 * header and its entropy-coded data, until EOI. Inside entropy data FF00 (stuffed byte), FFD0–D7
 * (restart markers) and FFFF (fill) are not segment boundaries. For MPO (and any JPEG with trailing
 * data) the first image's EOI ends the walk; what follows is not looked at.
 *
 * Like libjpeg, stray bytes between segments are skipped (many cameras and editors write a
 * padding byte or two); a file that has only junk after the last segment is corrupt, not cut.
 */
function parseJpeg(b: Uint8Array): SniffedImage {
  const n = b.length;
  const label = 'JPEG';
  let i = 2;
  let frame: JpegFrame | null = null;
  let mpo = false;
  let scans = 0;
  let entropyBytes = 0;

  for (;;) {
    if (i >= n) throw truncated(label);
    if (b[i] !== 0xff) {
      const next = b.indexOf(0xff, i);
      if (next < 0) throw corrupt(`the JPEG has unreadable data at byte ${i} where the next section should start`);
      i = next;
    }
    // FF fill bytes may precede a marker.
    while (i + 1 < n && b[i + 1] === 0xff) i++;
    if (i + 1 >= n) throw truncated(label);
    const marker = b[i + 1]!;
    const at = i;
    i += 2;

    if (marker === 0xd9) break; // EOI
    if (marker === 0x00) continue; // a stuffed FF00 outside a scan: junk, skipped like libjpeg does
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // RSTn / TEM: no length
    if (marker === 0xd8) throw corrupt(`the JPEG has a second start-of-image marker at byte ${at} before its first image ended`);
    if (marker < 0xc0) throw corrupt(`the JPEG has an invalid marker FF${hex2(marker)} at byte ${at}`);
    if (marker === 0xf7) throw new Reject('unsupported', 'JPEG-LS (lossless JPEG) images');

    if (i + 2 > n) throw truncated(label);
    const length = u16(b, i);
    if (length < 2) throw corrupt(`the JPEG section at byte ${at} has an impossible length of ${length}`);
    const end = i + length;
    if (end > n) throw truncated(label);

    if (isSofMarker(marker)) {
      if (frame) throw corrupt('the JPEG has two frame headers in one image');
      frame = parseSof(b, marker, i, length);
    } else if (marker === 0xe2 && length >= 6 && startsWithAscii(b, i + 2, 'MPF\0')) {
      mpo = true;
    } else if (marker === 0xda) {
      if (!frame) throw corrupt('the JPEG image data starts before its frame header (no SOF marker)');
      const components = length >= 3 ? b[i + 2]! : 0;
      if (components < 1 || components > 4 || length !== 6 + 2 * components) {
        throw corrupt(`the JPEG scan header at byte ${at} is malformed`);
      }
      const dataEnd = scanEntropyData(b, end);
      if (dataEnd < 0) throw truncated(label);
      entropyBytes += dataEnd - end;
      scans++;
      i = dataEnd;
      continue;
    }
    i = end;
  }

  if (!frame) throw corrupt('the JPEG has no frame header (SOF), so its size is unknown');
  if (scans === 0) throw corrupt('the JPEG ends before any image data');

  // "The header lies": every 8×8 block of every component needs at least a DC code and (in
  // sequential Huffman mode) an end-of-block code, each at least 1 bit, so a frame cannot hold
  // fewer than ~2 bits per block (1 bit per block in progressive mode, where one EOB run may span
  // many blocks; arithmetic coding has no such floor). Demand only a fraction of that floor, and
  // only for big frames; a file far below it cannot be the picture its header describes.
  const bitsPerBlock = minBitsPerBlock(frame.marker);
  if (bitsPerBlock > 0 && frame.width * frame.height > JPEG_DATA_BOUND_MIN_PIXELS) {
    const minBytes = (frame.blocks * bitsPerBlock) / 8;
    if (entropyBytes < minBytes * JPEG_DATA_BOUND_FRACTION) {
      throw corrupt(
        `the JPEG header declares ${frame.width} × ${frame.height} pixels, but the file holds only ${kb(entropyBytes)} of image data, far too little for that size`,
      );
    }
  }

  return {
    format: mpo ? 'mpo' : 'jpeg',
    // MPO decodes as its first (JPEG) image; browsers know no image/mpo.
    mime: 'image/jpeg',
    storedWidth: frame.width,
    storedHeight: frame.height,
  };
}

/**
 * From `start` (first byte after an SOS header) to the first marker that ends the scan; returns
 * that marker's offset, or -1 if the file ends inside the entropy-coded data. Tight loop:
 * indexOf jumps from one FF to the next, nothing is allocated.
 */
function scanEntropyData(b: Uint8Array, start: number): number {
  const last = b.length - 1;
  let j = start;
  for (;;) {
    j = b.indexOf(0xff, j);
    if (j < 0 || j >= last) return -1;
    const next = b[j + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) j += 2;
    else if (next === 0xff) j += 1; // fill byte; the marker follows
    else return j;
  }
}

function isSofMarker(m: number): boolean {
  // C0–CF except DHT (C4), JPG (C8) and DAC (CC).
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function minBitsPerBlock(sof: number): number {
  if (sof >= 0xc9) return 0; // arithmetic coding: adaptive, no per-block floor
  if (sof === 0xc2 || sof === 0xc6) return 1; // progressive Huffman: DC first scan only
  return 2; // sequential (and lossless) Huffman
}

function parseSof(b: Uint8Array, marker: number, i: number, length: number): JpegFrame {
  if (length < 8) throw corrupt('the JPEG frame header is too short');
  const precision = b[i + 2]!;
  const height = u16(b, i + 3);
  const width = u16(b, i + 5);
  const nc = b[i + 7]!;
  const lossless = marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf;
  if (lossless ? precision < 2 || precision > 16 : precision !== 8 && precision !== 12) {
    throw corrupt(`the JPEG frame header declares ${precision}-bit samples`);
  }
  if (nc < 1 || nc > 4) throw corrupt(`the JPEG frame header declares ${nc} colour components`);
  if (length !== 8 + 3 * nc) throw corrupt('the JPEG frame header has the wrong length');
  if (width === 0 || height === 0) throw corrupt(`the JPEG frame header declares a ${width} × ${height} image`);
  let hMax = 1;
  let vMax = 1;
  for (let c = 0; c < nc; c++) {
    const hv = b[i + 9 + 3 * c]!;
    const h = hv >> 4;
    const v = hv & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4 || b[i + 10 + 3 * c]! > 3) {
      throw corrupt('the JPEG frame header has invalid component parameters');
    }
    if (h > hMax) hMax = h;
    if (v > vMax) vMax = v;
  }
  let blocks = 0;
  for (let c = 0; c < nc; c++) {
    const hv = b[i + 9 + 3 * c]!;
    const cw = Math.ceil((width * (hv >> 4)) / hMax);
    const ch = Math.ceil((height * (hv & 15)) / vMax);
    blocks += Math.ceil(cw / 8) * Math.ceil(ch / 8);
  }
  return { marker, width, height, blocks };
}

// ---------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------

const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Signature, IHDR first, then chunk by chunk (length + type + data + CRC) to IEND. No bound on
 * data size is possible for PNG (deflate shrinks a flat image ~1000:1), so bombs are caught by
 * the pixel count alone.
 */
function parsePng(b: Uint8Array): SniffedImage {
  const n = b.length;
  const label = 'PNG';
  if (n < 8) {
    if (startsWith(PNG_SIGNATURE, b)) throw truncated(label);
    throw corrupt('the PNG signature is damaged');
  }
  if (!startsWith(b, PNG_SIGNATURE)) {
    // Typical of a transfer in "text mode" that rewrote line endings.
    throw corrupt('the PNG signature is damaged (the file may have been copied as text)');
  }
  let i = 8;
  let width = 0;
  let height = 0;
  let sawIdat = false;
  let first = true;
  for (;;) {
    if (i + 8 > n) throw truncated(label);
    const length = u32(b, i);
    if (length > 0x7fffffff) throw corrupt(`a PNG chunk at byte ${i} has an impossible length`);
    for (let k = 4; k < 8; k++) {
      const c = b[i + k]! | 0x20;
      if (c < 0x61 || c > 0x7a) throw corrupt(`the PNG has an invalid chunk name at byte ${i}`);
    }
    const type = fourcc(b, i + 4);
    const end = i + 12 + length;
    if (end > n) throw truncated(label);
    if (first) {
      if (type === 'CgBI') throw new Reject('unsupported', 'iPhone-optimised (CgBI) PNG files');
      if (type !== 'IHDR' || length !== 13) throw corrupt('the PNG does not start with its header chunk (IHDR)');
      ({ width, height } = parseIhdr(b, i + 8));
      first = false;
    } else if (type === 'IDAT') {
      sawIdat = true;
    } else if (type === 'IEND') {
      break;
    } else if (type === 'IHDR') {
      throw corrupt('the PNG has two header chunks');
    }
    i = end;
  }
  if (!sawIdat) throw corrupt('the PNG has no image data (no IDAT chunk)');
  return { format: 'png', mime: 'image/png', storedWidth: width, storedHeight: height };
}

function parseIhdr(b: Uint8Array, i: number): { width: number; height: number } {
  const width = u32(b, i);
  const height = u32(b, i + 4);
  const depth = b[i + 8]!;
  const colour = b[i + 9]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw corrupt(`the PNG header declares a ${width} × ${height} image`);
  }
  const depths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!depths[colour]?.includes(depth)) throw corrupt(`the PNG header declares an invalid colour type/bit depth (${colour}/${depth})`);
  if (b[i + 10] !== 0 || b[i + 11] !== 0 || b[i + 12]! > 1) throw corrupt('the PNG header declares an unknown compression, filter or interlace method');
  return { width, height };
}

// ---------------------------------------------------------------------------------------------
// WebP
// ---------------------------------------------------------------------------------------------

/** RIFF container; the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended: canvas size). */
function parseWebp(b: Uint8Array): SniffedImage {
  const n = b.length;
  const label = 'WebP image';
  const riffSize = u32le(b, 4);
  if (riffSize < 4 + 8) throw corrupt('the WebP container is empty');
  const riffEnd = 8 + riffSize;
  if (riffEnd > n) throw truncated(label);

  let i = 12;
  let size: { width: number; height: number } | null = null;
  let extended = false;
  let hasImage = false;
  while (i + 8 <= riffEnd) {
    const type = fourcc(b, i);
    const length = u32le(b, i + 4);
    const data = i + 8;
    const end = data + length;
    if (end > riffEnd) throw corrupt(`the WebP chunk "${type.trim()}" runs past the end of its container`);
    if (i === 12) {
      if (type === 'VP8 ') size = parseVp8(b, data, length);
      else if (type === 'VP8L') size = parseVp8l(b, data, length);
      else if (type === 'VP8X') {
        if (length < 10) throw corrupt('the WebP extended header is too short');
        size = { width: u24le(b, data + 4) + 1, height: u24le(b, data + 7) + 1 };
        extended = true;
      } else throw corrupt(`the WebP file starts with an unknown "${type}" chunk`);
      if (!extended) {
        hasImage = true;
        break;
      }
    } else if (type === 'VP8 ' || type === 'VP8L') {
      if (type === 'VP8 ') parseVp8(b, data, length);
      else parseVp8l(b, data, length);
      hasImage = true;
    } else if (type === 'ANMF') {
      hasImage = true;
    }
    i = end + (length & 1); // chunks are padded to an even size
  }
  if (!size) throw corrupt('the WebP file has no image header');
  if (!hasImage) throw corrupt('the WebP file has no image data');
  return { format: 'webp', mime: 'image/webp', storedWidth: size.width, storedHeight: size.height };
}

function parseVp8(b: Uint8Array, i: number, length: number): { width: number; height: number } {
  if (length < 10) throw corrupt('the WebP (VP8) frame header is too short');
  const tag = u24le(b, i);
  if (tag & 1) throw corrupt('the WebP (VP8) data does not start with a key frame');
  const firstPartition = tag >>> 5;
  if (b[i + 3] !== 0x9d || b[i + 4] !== 0x01 || b[i + 5] !== 0x2a) throw corrupt('the WebP (VP8) start code is missing');
  const width = u16le(b, i + 6) & 0x3fff;
  const height = u16le(b, i + 8) & 0x3fff;
  if (width === 0 || height === 0) throw corrupt(`the WebP header declares a ${width} × ${height} image`);
  if (firstPartition > length - 10) throw corrupt('the WebP (VP8) frame is shorter than its header says');
  return { width, height };
}

function parseVp8l(b: Uint8Array, i: number, length: number): { width: number; height: number } {
  if (length < 5) throw corrupt('the WebP (VP8L) header is too short');
  if (b[i] !== 0x2f) throw corrupt('the WebP (VP8L) signature is missing');
  const bits = u32le(b, i + 1);
  if (bits >>> 29 !== 0) throw corrupt('the WebP (VP8L) header has an unknown version');
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}

// ---------------------------------------------------------------------------------------------
// HEIC / HEIF / AVIF (ISO-BMFF)
// ---------------------------------------------------------------------------------------------

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis', 'avio']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2', 'miaf']);

const VIDEO_BRANDS = /^(isom|iso\d|mp4\d|mp71|avc1|M4V |M4VH|M4VP|qt  |3g[p2]\w|3ge\w|dash|f4v |mmp4|MSNV|NDAS|XAVC|CAEP|MiVi)$/;

interface Box {
  type: string;
  /** Offset of the box header. */
  start: number;
  /** First byte after the header. */
  data: number;
  end: number;
}

/**
 * Reads the box header at `i` within [i, limit). Box sizes: 0 = to the end of the enclosing
 * space, 1 = a 64-bit size follows. A box that runs past `limit` is reported by `past` (the
 * caller decides between truncated and corrupt); a header that does not fit throws `cut` (given
 * at the top level, where it means the file is cut short) or else 'corrupt'.
 */
function readBox(b: Uint8Array, i: number, limit: number, where: string, cut?: Reject): Box & { past: boolean } {
  if (i + 8 > limit) throw cut ?? corrupt(`a box header in the ${where} is cut`);
  let size = u32(b, i);
  const type = fourcc(b, i + 4);
  let header = 8;
  if (size === 1) {
    if (i + 16 > limit) throw cut ?? corrupt(`a box header in the ${where} is cut`);
    size = u32(b, i + 8) * 2 ** 32 + u32(b, i + 12);
    header = 16;
  } else if (size === 0) {
    size = limit - i;
  }
  if (size < header) throw corrupt(`the "${printable(type)}" box in the ${where} has an impossible size of ${size} bytes`);
  return { type, start: i, data: i + header, end: i + size, past: i + size > limit };
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : [...type].map((c) => hex2(c.charCodeAt(0))).join('');
}

function children(b: Uint8Array, from: number, to: number, where: string): Box[] {
  const out: Box[] = [];
  let i = from;
  while (i < to) {
    const box = readBox(b, i, to, where);
    if (box.past) throw corrupt(`the "${printable(box.type)}" box runs past the end of the ${where}`);
    out.push(box);
    i = box.end;
  }
  return out;
}

function brandFormat(brands: string[]): ImageFormat | null {
  for (const brand of brands) {
    if (HEIC_BRANDS.has(brand)) return 'heic';
    if (AVIF_BRANDS.has(brand)) return 'avif';
    if (HEIF_BRANDS.has(brand)) return 'heif';
  }
  return null;
}

/**
 * ftyp decides the family by brand (major brand first, like ExifTool: a 'mif1' file holding HEVC
 * is "HEIF", a 'heic' one "HEIC"; a generic 'mif1' file that lists 'avif' is AVIF). Then the
 * top-level boxes are walked in file order; 'meta' is parsed when reached, so a broken meta is
 * 'corrupt' even if the file is also short, and a box running past the end of the file is
 * 'truncated'. Finally every item's data extents (iloc) must lie inside the file.
 */
function parseIsoBmff(b: Uint8Array): SniffedImage {
  const n = b.length;
  const ftyp = readBox(b, 0, n, 'file');
  if (ftyp.end - ftyp.start < 16) throw ftyp.past ? truncated('HEIF image') : corrupt('the HEIF file-type box is too short');
  const major = fourcc(b, ftyp.data);
  const compatible: string[] = [];
  // A real ftyp lists a handful of brands; never read more than 64 (a damaged size may claim megabytes).
  const brandsEnd = Math.min(ftyp.end, n, ftyp.data + 8 + 4 * 64);
  for (let k = ftyp.data + 8; k + 4 <= brandsEnd; k += 4) compatible.push(fourcc(b, k));

  let format = brandFormat([major]);
  if (format === 'heif' && compatible.some((brand) => AVIF_BRANDS.has(brand))) format = 'avif';
  format ??= (compatible.some((brand) => AVIF_BRANDS.has(brand)) ? 'avif' : null) ?? brandFormat(compatible);
  if (!format) throw new Reject('unsupported', nonImageFtyp(major, compatible));

  const label = format === 'heic' ? 'HEIC photo' : format === 'avif' ? 'AVIF image' : 'HEIF image';
  if (ftyp.past) throw truncated(label);

  let item: PrimaryItem | null = null;
  let hasMovie = false;
  let i = ftyp.end;
  while (i < n) {
    const box = readBox(b, i, n, 'file', truncated(label));
    if (box.past) throw truncated(label);
    if (box.type === 'meta') {
      if (item) throw corrupt('the HEIF file has two "meta" boxes');
      item = parseMeta(b, box);
    } else if (box.type === 'moov') {
      hasMovie = true;
    }
    i = box.end;
  }
  if (!item) {
    if (hasMovie) throw new Reject('unsupported', 'HEIF/AVIF image sequences (animations)');
    throw corrupt('the HEIF file has no "meta" box describing its image');
  }
  if (item.extentEnd > n) throw truncated(label);

  if (item.type === 'av01') format = 'avif';
  else if (item.type === 'hvc1' && format === 'avif') format = 'heif';

  return {
    format,
    mime: `image/${format}`,
    storedWidth: item.width,
    storedHeight: item.height,
    heifTransform: { rotation: item.rotation, mirror: item.mirror },
  };
}

function nonImageFtyp(major: string, compatible: string[]): string {
  const all = [major, ...compatible];
  if (all.includes('crx ')) return 'Canon RAW (CR3) files';
  if (all.some((brand) => /^(jp2 |jpx |jpm )$/.test(brand))) return 'JPEG 2000 images';
  if (all.some((brand) => brand === 'jxl ')) return 'JPEG XL images';
  if (all.some((brand) => VIDEO_BRANDS.test(brand))) return 'videos (MP4, MOV and similar)';
  return 'MP4-style media files';
}

interface PrimaryItem {
  type: string;
  width: number;
  height: number;
  rotation: 0 | 90 | 180 | 270;
  mirror: 'none' | 'vertical' | 'horizontal';
  /** Largest end offset of any item's data in the file (construction method 0). */
  extentEnd: number;
}

interface Reader {
  pos: number;
  end: number;
}

function need(r: Reader, bytes: number, what: string): void {
  if (r.pos + bytes > r.end) throw corrupt(`the HEIF "${what}" box is too short`);
}
function readUint(b: Uint8Array, r: Reader, size: number, what: string): number {
  need(r, size, what);
  let v = 0;
  if (size === 1) v = b[r.pos]!;
  else if (size === 2) v = u16(b, r.pos);
  else if (size === 4) v = u32(b, r.pos);
  else if (size === 8) v = u32(b, r.pos) * 2 ** 32 + u32(b, r.pos + 4);
  else if (size !== 0) throw corrupt(`the HEIF "${what}" box uses an invalid field size`);
  r.pos += size;
  return v;
}

/** meta is a FullBox: version/flags, then hdlr, pitm, iinf, iloc, iprp (ipco + ipma), … */
function parseMeta(b: Uint8Array, meta: Box): PrimaryItem {
  if (meta.end - meta.data < 4) throw corrupt('the HEIF "meta" box is too short');
  const boxes = children(b, meta.data + 4, meta.end, '"meta" box');
  const find = (type: string): Box | undefined => boxes.find((box) => box.type === type);

  const hdlr = find('hdlr');
  if (!hdlr) throw corrupt('the HEIF "meta" box has no handler ("hdlr") box');
  if (hdlr.end - hdlr.data < 12 || fourcc(b, hdlr.data + 8) !== 'pict') throw corrupt('the HEIF "meta" box is not an image ("pict") handler');

  const pitm = find('pitm');
  if (!pitm) throw corrupt('the HEIF file names no primary image ("pitm" box)');
  const pr: Reader = { pos: pitm.data, end: pitm.end };
  const pitmVersion = readUint(b, pr, 4, 'pitm') >>> 24;
  const primaryId = readUint(b, pr, pitmVersion === 0 ? 2 : 4, 'pitm');

  const iinf = find('iinf');
  if (!iinf) throw corrupt('the HEIF file has no item list ("iinf" box)');
  const itemTypes = parseIinf(b, iinf);
  const primaryType = itemTypes.get(primaryId);
  if (primaryType === undefined) throw corrupt(`the HEIF primary image (item ${primaryId}) is not in the item list`);

  const iloc = find('iloc');
  if (!iloc) throw corrupt('the HEIF file has no item locations ("iloc" box)');
  const extentEnd = parseIloc(b, iloc);

  const iprp = find('iprp');
  if (!iprp) throw corrupt('the HEIF file has no item properties ("iprp" box)');
  const props = children(b, iprp.data, iprp.end, '"iprp" box');
  const ipco = props.find((box) => box.type === 'ipco');
  if (!ipco) throw corrupt('the HEIF file has no property list ("ipco" box)');
  const properties = children(b, ipco.data, ipco.end, '"ipco" box');
  const ipmas = props.filter((box) => box.type === 'ipma');
  if (ipmas.length === 0) throw corrupt('the HEIF file has no property associations ("ipma" box)');
  const associated: number[] = [];
  for (const ipma of ipmas) parseIpma(b, ipma, primaryId, associated);

  let size: { width: number; height: number } | null = null;
  let rotation: PrimaryItem['rotation'] = 0;
  let mirror: PrimaryItem['mirror'] = 'none';
  for (const index of associated) {
    if (index === 0) continue; // "no property"
    const prop = properties[index - 1];
    if (!prop) throw corrupt(`the HEIF primary image refers to property ${index}, which does not exist`);
    if (prop.type === 'ispe' && !size) {
      if (prop.end - prop.data < 12) throw corrupt('the HEIF image-size ("ispe") box is too short');
      size = { width: u32(b, prop.data + 4), height: u32(b, prop.data + 8) };
    } else if (prop.type === 'irot') {
      if (prop.end - prop.data < 1) throw corrupt('the HEIF rotation ("irot") box is too short');
      rotation = (((b[prop.data]! & 3) * 90) as PrimaryItem['rotation']);
    } else if (prop.type === 'imir') {
      if (prop.end - prop.data < 1) throw corrupt('the HEIF mirror ("imir") box is too short');
      // axis 0: mirror about a vertical axis (left ↔ right); 1: about a horizontal axis (top ↕ bottom).
      mirror = b[prop.data]! & 1 ? 'horizontal' : 'vertical';
    }
  }
  if (!size) throw corrupt('the HEIF primary image has no size ("ispe" property)');
  if (size.width === 0 || size.height === 0) throw corrupt(`the HEIF header declares a ${size.width} × ${size.height} image`);
  return { type: primaryType, width: size.width, height: size.height, rotation, mirror, extentEnd };
}

/** Item id → item type ('hvc1', 'av01', 'grid', 'Exif', …; '' for old infe versions). */
function parseIinf(b: Uint8Array, iinf: Box): Map<number, string> {
  const r: Reader = { pos: iinf.data, end: iinf.end };
  const version = readUint(b, r, 4, 'iinf') >>> 24;
  const count = readUint(b, r, version === 0 ? 2 : 4, 'iinf');
  const entries = children(b, r.pos, iinf.end, '"iinf" box').filter((box) => box.type === 'infe');
  if (entries.length < count) {
    throw corrupt(`the HEIF item list says it has ${count} items but holds ${entries.length}`);
  }
  const types = new Map<number, string>();
  for (const infe of entries) {
    const er: Reader = { pos: infe.data, end: infe.end };
    const infeVersion = readUint(b, er, 4, 'infe') >>> 24;
    const id = readUint(b, er, infeVersion === 3 ? 4 : 2, 'infe');
    readUint(b, er, 2, 'infe'); // protection index
    let type = '';
    if (infeVersion >= 2) {
      need(er, 4, 'infe');
      type = fourcc(b, er.pos);
    }
    types.set(id, type);
  }
  return types;
}

/** Returns the largest end offset of any item's data that lives in this file. */
function parseIloc(b: Uint8Array, iloc: Box): number {
  const r: Reader = { pos: iloc.data, end: iloc.end };
  const version = readUint(b, r, 4, 'iloc') >>> 24;
  if (version > 2) throw corrupt(`the HEIF item locations use unknown version ${version}`);
  const sizes1 = readUint(b, r, 1, 'iloc');
  const sizes2 = readUint(b, r, 1, 'iloc');
  const offsetSize = sizes1 >> 4;
  const lengthSize = sizes1 & 15;
  const baseOffsetSize = sizes2 >> 4;
  const indexSize = version === 0 ? 0 : sizes2 & 15;
  for (const size of [offsetSize, lengthSize, baseOffsetSize, indexSize]) {
    if (size !== 0 && size !== 4 && size !== 8) throw corrupt('the HEIF item locations use an invalid field size');
  }
  const extentBytes = indexSize + offsetSize + lengthSize;
  const count = readUint(b, r, version < 2 ? 2 : 4, 'iloc');
  let maxEnd = 0;
  for (let k = 0; k < count; k++) {
    readUint(b, r, version < 2 ? 2 : 4, 'iloc'); // item id
    const method = version === 0 ? 0 : readUint(b, r, 2, 'iloc') & 15;
    const dataRef = readUint(b, r, 2, 'iloc');
    const base = readUint(b, r, baseOffsetSize, 'iloc');
    const extents = readUint(b, r, 2, 'iloc');
    need(r, extents * extentBytes, 'iloc');
    // With all field sizes 0 every extent is "offset 0, whole length": nothing to read or check.
    for (let e = 0; extentBytes > 0 && e < extents; e++) {
      readUint(b, r, indexSize, 'iloc');
      const offset = readUint(b, r, offsetSize, 'iloc');
      const length = readUint(b, r, lengthSize, 'iloc');
      if (method === 0 && dataRef === 0 && length > 0) maxEnd = Math.max(maxEnd, base + offset + length);
    }
  }
  return maxEnd;
}

/** Appends the property indices (1-based) associated with `itemId`, in ipma order. */
function parseIpma(b: Uint8Array, ipma: Box, itemId: number, out: number[]): void {
  const r: Reader = { pos: ipma.data, end: ipma.end };
  const versionFlags = readUint(b, r, 4, 'ipma');
  const version = versionFlags >>> 24;
  const wide = (versionFlags & 1) === 1;
  const count = readUint(b, r, 4, 'ipma');
  for (let k = 0; k < count; k++) {
    const id = readUint(b, r, version < 1 ? 2 : 4, 'ipma');
    const associations = readUint(b, r, 1, 'ipma');
    for (let a = 0; a < associations; a++) {
      const v = readUint(b, r, wide ? 2 : 1, 'ipma');
      if (id === itemId) out.push(v & (wide ? 0x7fff : 0x7f));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Everything else: other image/media formats ('unsupported') or not an image at all
// ---------------------------------------------------------------------------------------------

function classifyOther(b: Uint8Array, fileName: string): Reject {
  const unsupported = (what: string): Reject => new Reject('unsupported', what);
  const ascii = (s: string, at = 0): boolean => startsWithAscii(b, at, s);
  const n = b.length;

  if (ascii('GIF87a') || ascii('GIF89a')) return unsupported('GIF images');
  if (ascii('BM') && n >= 18 && b[6] === 0 && b[7] === 0 && b[8] === 0 && b[9] === 0 && [12, 16, 40, 52, 56, 64, 108, 124].includes(u32le(b, 14))) {
    return unsupported('BMP bitmap images');
  }
  if (ascii('8BPS')) return unsupported('Photoshop (PSD) documents');
  if (ascii('%PDF-')) return unsupported('PDF documents');
  if (ascii('%!PS')) return unsupported('PostScript documents');
  if (ascii('gimp xcf')) return unsupported('GIMP (XCF) images');
  if (ascii('FUJIFILMCCD-RAW') || ascii('FOVb') || ascii('\0MRM') || ascii('IIU\0') || ascii('IIRO') || ascii('IIRS') || ascii('MMOR')) {
    return unsupported('camera RAW files');
  }
  if (ascii('II\x1a\0\0\0HEAPCCDR')) return unsupported('camera RAW files (Canon CRW)');
  if (ascii('II*\0') || ascii('MM\0*') || ascii('II+\0') || ascii('MM\0+')) {
    if (ascii('CR', 8)) return unsupported('camera RAW files (Canon CR2)');
    return unsupported('TIFF files (and camera RAW files such as DNG, NEF or ARW)');
  }
  if (ascii('\0\0\0\x0cjP  \r\n\x87\n') || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)) return unsupported('JPEG 2000 images');
  if (ascii('\0\0\0\x0cJXL \r\n\x87\n') || (b[0] === 0xff && b[1] === 0x0a)) return unsupported('JPEG XL images');
  if (ascii('v/1\x01')) return unsupported('OpenEXR images');
  if (n >= 22 && b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) && b[3] === 0 && u16le(b, 4) > 0 && b[9] === 0 && (b[10]! <= 1 || b[2] === 2)) {
    return unsupported('icon (ICO/CUR) files');
  }
  if (ascii('RIFF') && (ascii('AVI ', 8) || ascii('AVIX', 8))) return unsupported('videos (AVI)');
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return unsupported('videos (WebM, MKV)');
  if (n >= 8 && /^(moov|mdat|wide|free|skip|pnot)$/.test(fourcc(b, 4)) && u32(b, 0) >= 8) return unsupported('videos (MOV, MP4)');
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && (b[3] === 0xba || b[3] === 0xb3)) return unsupported('videos (MPEG)');
  if (ascii('\x30\x26\xb2\x75\x8e\x66\xcf\x11')) return unsupported('videos (WMV)');
  if (ascii('PK\x03\x04')) return unsupported('ZIP archives (unzip them first, then import the photos inside)');

  if (ascii('RIFF') && ascii('WAVE', 8)) return new Reject('not-an-image', 'it is an audio file');
  if (ascii('ID3') || ascii('OggS') || ascii('fLaC')) return new Reject('not-an-image', 'it is an audio file');

  const text = textKind(b);
  if (text === 'svg') return unsupported('SVG vector drawings');
  if (text) {
    const ext = /\.(jpe?g|png|heic|heif|avif|webp|gif|tiff?)$/i.exec(fileName)?.[1];
    const what = text === 'markup' ? 'it contains text (a web page or XML document)' : 'it contains plain text';
    return new Reject('not-an-image', ext ? `${what}, even though its name ends in .${ext}` : what);
  }
  return new Reject('not-an-image');
}

/**
 * 'svg' if the document's root element is <svg> (after any XML declaration, comments, doctype);
 * 'markup' for other XML/HTML; 'text' for other text; null for binary. Only the head is looked at.
 */
function textKind(b: Uint8Array): 'svg' | 'markup' | 'text' | null {
  const head = b.subarray(0, Math.min(b.length, 64 * 1024));
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3; // UTF-8 BOM
  // Text: no NUL or other control bytes (except tab/CR/LF/FF/ESC) in the first 4 KB.
  const probeEnd = Math.min(head.length, start + 4096);
  let control = 0;
  for (let k = start; k < probeEnd; k++) {
    const c = head[k]!;
    if (c === 0) return null;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) control++;
  }
  if (control > (probeEnd - start) / 100) return null;

  let s = '';
  for (let k = start; k < head.length; k += 8192) {
    s += String.fromCharCode(...head.subarray(k, Math.min(head.length, k + 8192)));
  }
  let p = 0;
  for (;;) {
    while (p < s.length && /\s/.test(s[p]!)) p++;
    if (s.startsWith('<?', p)) p = skipPast(s, p, '?>');
    else if (s.startsWith('<!--', p)) p = skipPast(s, p, '-->');
    else if (/^<!doctype/i.test(s.slice(p, p + 9))) p = skipDoctype(s, p);
    else break;
    if (p < 0) return 'markup';
  }
  if (s[p] !== '<') return 'text';
  return /^<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]/.test(s.slice(p, p + 64)) ? 'svg' : 'markup';
}

function skipPast(s: string, p: number, end: string): number {
  const k = s.indexOf(end, p);
  return k < 0 ? -1 : k + end.length;
}

function skipDoctype(s: string, p: number): number {
  let depth = 0;
  for (let k = p + 9; k < s.length; k++) {
    const c = s[k];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return k + 1;
  }
  return -1;
}
