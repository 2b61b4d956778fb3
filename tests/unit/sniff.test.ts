import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RejectCode, SniffResult } from '../../src/pipeline/contracts';
import { MAX_PIXELS, rejectMessage, sniffImage } from '../../src/pipeline/import/sniff';
import { CORPUS, expectedOutcome } from '../corpus';
import { mulberry32 } from '../../src/pipeline/random';


interface ManifestFile {
  path: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
  stored_width: number;
  stored_height: number;
}
interface ManifestBad {
  path: string;
  what: string;
  expectation: string;
}
const manifest = JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as { files: ManifestFile[]; bad: ManifestBad[] };
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(resolve(CORPUS, path)));

const FORMATS: Record<string, string> = {
  JPEG: 'jpeg',
  MPO: 'mpo',
  PNG: 'png',
  'Extended WEBP': 'webp',
  WEBP: 'webp',
  HEIC: 'heic',
  HEIF: 'heif',
  AVIF: 'avif',
};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

function expectOk(result: SniffResult): Extract<SniffResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result;
}
function codeOf(result: SniffResult): RejectCode | 'ok' {
  return result.ok ? 'ok' : result.code;
}
function concat(...parts: (Uint8Array | number[] | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? new Uint8Array([...p].map((c) => c.charCodeAt(0))) : p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const le32 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

/** Marker segments of a JPEG up to (and including) the first SOS. */
function jpegSegments(b: Uint8Array): { marker: number; start: number; end: number }[] {
  const out = [];
  let i = 2;
  while (i < b.length) {
    const marker = b[i + 1]!;
    const end = i + 2 + ((b[i + 2]! << 8) | b[i + 3]!);
    out.push({ marker, start: i, end });
    if (marker === 0xda) break;
    i = end;
  }
  return out;
}
function sofOf(b: Uint8Array): { marker: number; start: number; end: number } {
  const sof = jpegSegments(b).find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(s.marker));
  if (!sof) throw new Error('no SOF');
  return sof;
}
function withJpegSize(b: Uint8Array, width: number, height: number): Uint8Array {
  const copy = b.slice();
  const sof = sofOf(copy);
  copy.set([...be16(height), ...be16(width)], sof.start + 5);
  return copy;
}

// ISO-BMFF builders
function box(type: string, ...payload: (Uint8Array | number[] | string)[]): Uint8Array {
  const body = concat(...payload);
  return concat(be32(8 + body.length), type, body);
}
function fullBox(type: string, version: number, flags: number, ...payload: (Uint8Array | number[] | string)[]): Uint8Array {
  return box(type, [version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255], ...payload);
}

interface HeifOptions {
  major?: string;
  compatible?: string[];
  itemType?: string;
  width?: number;
  height?: number;
  primaryId?: number;
  handler?: string;
  withIspe?: boolean;
  irot?: number;
  imir?: number;
  mdatLength?: number;
  /** Bytes the iloc extent claims beyond the real mdat payload. */
  ilocOverrun?: number;
}

/** A minimal single-item HEIF/AVIF: ftyp, meta (hdlr, pitm, iinf, iloc, iprp), mdat. */
function buildHeif(o: HeifOptions = {}): Uint8Array {
  const payload = new Uint8Array(o.mdatLength ?? 64).fill(0x5a);
  const make = (mdatOffset: number): Uint8Array[] => {
    const props: Uint8Array[] = [];
    if (o.withIspe ?? true) props.push(fullBox('ispe', 0, 0, be32(o.width ?? 1920), be32(o.height ?? 1080)));
    if (o.irot !== undefined) props.push(box('irot', [o.irot]));
    if (o.imir !== undefined) props.push(box('imir', [o.imir]));
    const assoc = props.map((_, k) => k + 1);
    const meta = fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, be32(0), o.handler ?? 'pict', be32(0), be32(0), be32(0), [0]),
      fullBox('pitm', 0, 0, be16(o.primaryId ?? 1)),
      fullBox('iinf', 0, 0, be16(1), fullBox('infe', 2, 0, be16(1), be16(0), o.itemType ?? 'av01', [0])),
      fullBox('iloc', 0, 0, [0x44, 0x00], be16(1), be16(1), be16(0), be16(1), be32(mdatOffset), be32(payload.length + (o.ilocOverrun ?? 0))),
      box('iprp', box('ipco', ...props), fullBox('ipma', 0, 0, be32(1), be16(1), [assoc.length], assoc)),
    );
    const ftyp = box('ftyp', o.major ?? 'avif', be32(0), ...(o.compatible ?? ['mif1', 'avif', 'miaf']));
    return [ftyp, meta];
  };
  const [ftyp, meta] = make(0);
  const offset = ftyp!.length + meta!.length + 8;
  return concat(...make(offset), box('mdat', payload));
}

// ---------------------------------------------------------------------------------------------
// corpus
// ---------------------------------------------------------------------------------------------

describe('sniffImage on the corpus photos', () => {
  it.each(manifest.files.map((f) => [f.path, f] as const))('%s is accepted with its stored size', (_, file) => {
    const result = expectOk(sniffImage(read(file.path), file.path));
    expect(result.format).toBe(FORMATS[file.format]);
    expect([result.storedWidth, result.storedHeight]).toEqual([file.stored_width, file.stored_height]);
    if (result.format === 'heic' || result.format === 'heif' || result.format === 'avif') {
      const t = result.heifTransform;
      expect(t).toBeDefined();
      const swap = t!.rotation === 90 || t!.rotation === 270;
      const display = swap ? [result.storedHeight, result.storedWidth] : [result.storedWidth, result.storedHeight];
      expect(display).toEqual([file.width, file.height]);
    } else {
      expect(result.heifTransform).toBeUndefined();
    }
  });

  it('the rotated iPhone HEIC carries irot (270° anticlockwise), not just EXIF', () => {
    const rotated = manifest.files.filter((f) => (f.format === 'HEIC' || f.format === 'HEIF') && f.width !== f.stored_width);
    expect(rotated.length).toBeGreaterThan(0);
    for (const file of rotated) {
      const t = expectOk(sniffImage(read(file.path), file.path)).heifTransform!;
      expect([90, 270]).toContain(t.rotation);
    }
  });
});

/** The shared set's bad files, by name (the brief's table). */
const NAMED_BAD: Record<string, RejectCode | { format: string; width: number; height: number }> = {
  'bad/zero_byte.jpg': 'empty',
  'bad/truncated_small.jpg': 'truncated',
  'bad/truncated_photo.jpg': 'truncated',
  'bad/truncated.heic': 'truncated',
  'bad/truncated.png': 'truncated',
  'bad/not_an_image.jpg': 'not-an-image',
  'bad/bomb_30000x30000.png': 'too-large',
  // The libheif fuzz file is a mutation of an iPhone HEIC in which many bytes became 0x20
  // (spaces): the ftyp major brand is "    ", the hdlr box (and dinf) were renamed "    ", the
  // iinf count reads 0x2020 = 8224 items but only 9 "infe" boxes remain, pitm names item 0x0020.
  // Its mdat also runs ~600 bytes past the end of the file, so it is ALSO cut short; the sniffer
  // reports the first defect in file order, and meta (broken) comes before mdat → 'corrupt'.
  'bad/fuzz_clusterfuzz_4616081830051840.heic': 'corrupt',
  'bad/vector.svg': 'unsupported',
  // The "17737 × 7680" frame header is not reachable by walking the markers: APP0 declares 16
  // bytes and is followed by junk, then an invalid marker FF25; SOF-looking bytes further on have
  // 90-bit precision. Either way: 'corrupt' (not 'too-large', although it claims 136 MP).
  'bad/huge_declared_size.jpg': 'corrupt',
  'bad/corrupt_exif.jpg': { format: 'jpeg', width: 800, height: 531 },
  'bad/really_a_png.jpg': { format: 'png', width: 384, height: 303 },
  'bad/large_50mp.jpg': { format: 'jpeg', width: 9440, height: 5310 },
};


describe('sniffImage on the corpus bad inputs', () => {
  it.each(manifest.bad.map((f) => [f.path, f] as const))('%s gets the code its expectation asks for', (_, file) => {
    const result = sniffImage(read(file.path), file.path);
    const want = expectedOutcome(file.expectation);
    expect(codeOf(result)).toBe(want === 'accept' ? 'ok' : want);
    if (!result.ok) expect(result.message).not.toMatch(/could not be read/); // no parser crash fallback
  });

  const named = Object.entries(NAMED_BAD).filter(([path]) => manifest.bad.some((f) => f.path === path));
  it.each(named)('%s → %j', (path, want) => {
    const result = sniffImage(read(path), path);
    if (typeof want === 'string') {
      expect(codeOf(result)).toBe(want);
    } else {
      const ok = expectOk(result);
      expect({ format: ok.format, width: ok.storedWidth, height: ok.storedHeight }).toEqual(want);
    }
  });

  it('gives the messages people read', () => {
    const message = (path: string): string => {
      const r = sniffImage(read(path), path);
      return r.ok ? '' : r.message;
    };
    if (named.some(([p]) => p === 'bad/zero_byte.jpg')) expect(message('bad/zero_byte.jpg')).toBe('This file is empty (0 bytes), so there is no photo to import.');
    if (named.some(([p]) => p === 'bad/bomb_30000x30000.png')) {
      expect(message('bad/bomb_30000x30000.png')).toBe(
        'This image is 30000 × 30000 pixels (900 megapixels), more than the 100-megapixel limit Keepsake can safely open.',
      );
    }
    if (named.some(([p]) => p === 'bad/vector.svg')) expect(message('bad/vector.svg')).toMatch(/^SVG vector drawings aren't supported/);
    if (named.some(([p]) => p === 'bad/truncated_photo.jpg')) expect(message('bad/truncated_photo.jpg')).toBe('This JPEG is cut short — the file was probably not copied completely.');
  });
});

// ---------------------------------------------------------------------------------------------
// synthetic cases built from corpus files
// ---------------------------------------------------------------------------------------------

const jpegs = manifest.files.filter((f) => f.format === 'JPEG').sort((a, b) => a.bytes - b.bytes);
const smallJpeg = jpegs[0]!;
const bigJpeg = jpegs[jpegs.length - 1]!;
const pngFile = manifest.files.find((f) => f.format === 'PNG')!;
const webpFile = manifest.files.find((f) => f.format.includes('WEBP'));
const heicFiles = manifest.files.filter((f) => f.format === 'HEIC' || f.format === 'HEIF').sort((a, b) => b.bytes - a.bytes);

describe('JPEG structure', () => {
  const bytes = read(bigJpeg.path);

  it('a JPEG cut at 50% (inside the entropy data) is truncated', () => {
    expect(codeOf(sniffImage(bytes.subarray(0, bytes.length >> 1), 'x.jpg'))).toBe('truncated');
  });

  it('a JPEG cut anywhere before its end is truncated (never ok, never crashes)', () => {
    const random = mulberry32(7);
    const cuts = [2, 3, 4, 5, 6, 20, 100, bytes.length - 2, bytes.length - 1];
    for (let k = 0; k < 40; k++) cuts.push(2 + Math.floor(random() * (bytes.length - 3)));
    for (const cut of cuts) {
      expect(codeOf(sniffImage(bytes.subarray(0, cut), 'x.jpg')), `cut at ${cut}`).toBe('truncated');
    }
  });

  it('a JPEG cut inside a marker segment is truncated', () => {
    const seg = jpegSegments(bytes)[0]!;
    expect(codeOf(sniffImage(bytes.subarray(0, seg.end - 1), 'x.jpg'))).toBe('truncated');
  });

  it('junk after EOI does not matter', () => {
    const junk = new Uint8Array(5000);
    const random = mulberry32(1);
    for (let k = 0; k < junk.length; k++) junk[k] = Math.floor(random() * 256);
    const result = expectOk(sniffImage(concat(bytes, junk), 'x.jpg'));
    expect([result.storedWidth, result.storedHeight]).toEqual([bigJpeg.stored_width, bigJpeg.stored_height]);
  });

  it('stray padding bytes between segments are tolerated (as libjpeg does)', () => {
    const seg = jpegSegments(bytes)[0]!;
    const padded = concat(bytes.subarray(0, seg.end), [0x00, 0x00], bytes.subarray(seg.end));
    expect(expectOk(sniffImage(padded, 'x.jpg')).format).toBe('jpeg');
  });

  it('an APP2 "MPF" segment makes it an MPO (decoded as JPEG)', () => {
    const mpf = concat([0xff, 0xe2], be16(2 + 4 + 8), 'MPF\0', 'MM\0*', be32(8));
    const result = expectOk(sniffImage(concat(bytes.subarray(0, 2), mpf, bytes.subarray(2)), 'x.jpg'));
    expect(result.format).toBe('mpo');
    expect(result.mime).toBe('image/jpeg');
  });

  it('scan data before the frame header (SOF removed) is corrupt', () => {
    const sof = sofOf(bytes);
    const noSof = concat(bytes.subarray(0, sof.start), bytes.subarray(sof.end));
    expect(codeOf(sniffImage(noSof, 'x.jpg'))).toBe('corrupt');
  });

  it('a zero width, an invalid precision or an invalid marker is corrupt', () => {
    expect(codeOf(sniffImage(withJpegSize(bytes, 0, 100), 'x.jpg'))).toBe('corrupt');
    const precision = bytes.slice();
    precision[sofOf(precision).start + 4] = 90;
    expect(codeOf(sniffImage(precision, 'x.jpg'))).toBe('corrupt');
    const seg = jpegSegments(bytes)[1]!;
    expect(codeOf(sniffImage(concat(bytes.subarray(0, seg.start), [0xff, 0x25, 0, 4, 0, 0], bytes.subarray(seg.start)), 'x.jpg'))).toBe('corrupt');
  });

  it('a segment length running past the end is truncated', () => {
    const seg = jpegSegments(bytes)[0]!;
    const long = bytes.slice(0, seg.end + 10);
    long.set(be16(0xfff0), seg.start + 2);
    expect(codeOf(sniffImage(long, 'x.jpg'))).toBe('truncated');
  });

  it('a big declared frame with far too little entropy data is corrupt (the header lies)', () => {
    const small = read(smallJpeg.path);
    // ~4 KB of data cannot be an 8000 × 6000 picture (≥ 2 bits per 8×8 block → ≥ 280 KB at 4:2:0).
    const lie = sniffImage(withJpegSize(small, 8000, 6000), 'x.jpg');
    expect(codeOf(lie)).toBe('corrupt');
    expect(lie.ok ? '' : lie.message).toMatch(/8000 × 6000/);
    // Structure comes before size: 12000 × 9000 (108 MP) with 4 KB of data is corrupt, not too-large.
    expect(codeOf(sniffImage(withJpegSize(small, 12000, 9000), 'x.jpg'))).toBe('corrupt');
    // Small frames are not judged (the bound is for > 4 MP only).
    expect(codeOf(sniffImage(withJpegSize(small, 1600, 1200), 'x.jpg'))).toBe('ok');
  });

  it('a real 50 MP JPEG passes the data bound, and its header is what decides too-large', () => {
    const large = manifest.bad.find((f) => /valid JPEG/.test(f.what) && /\d{4,} ?x ?\d{4,}/.test(f.what));
    if (!large) return;
    const bytesLarge = read(large.path);
    expect(codeOf(sniffImage(bytesLarge, 'x.jpg'))).toBe('ok');
    expect(codeOf(sniffImage(withJpegSize(bytesLarge, 10000, 10001), 'x.jpg'))).toBe('too-large');
    expect(codeOf(sniffImage(withJpegSize(bytesLarge, 10000, 10000), 'x.jpg'))).toBe('ok'); // exactly MAX_PIXELS
  });
});

describe('PNG structure', () => {
  const bytes = read(pngFile.path);

  it('sliced at 50% is truncated; without IEND is truncated', () => {
    expect(codeOf(sniffImage(bytes.subarray(0, bytes.length >> 1), 'x.png'))).toBe('truncated');
    expect(codeOf(sniffImage(bytes.subarray(0, bytes.length - 12), 'x.png'))).toBe('truncated');
    expect(codeOf(sniffImage(bytes.subarray(0, 6), 'x.png'))).toBe('truncated');
    expect(codeOf(sniffImage(bytes.subarray(0, 20), 'x.png'))).toBe('truncated');
  });

  it('IHDR patched to 20000 × 20000 is too-large (checked from the header, no decoding)', () => {
    const bomb = bytes.slice();
    bomb.set([...be32(20000), ...be32(20000)], 16);
    const result = sniffImage(bomb, 'x.png');
    expect(codeOf(result)).toBe('too-large');
    expect(result.ok ? '' : result.message).toContain('20000 × 20000 pixels (400 megapixels)');
  });

  it('zero width, a bad chunk name, a mangled signature are corrupt', () => {
    const zero = bytes.slice();
    zero.set(be32(0), 16);
    expect(codeOf(sniffImage(zero, 'x.png'))).toBe('corrupt');
    const name = bytes.slice();
    name.set([0x00, 0x01, 0x02, 0x03], 33 + 4);
    expect(codeOf(sniffImage(name, 'x.png'))).toBe('corrupt');
    // CRLF → LF conversion (text-mode transfer).
    expect(codeOf(sniffImage(concat(bytes.subarray(0, 4), [0x0a, 0x1a, 0x0a], bytes.subarray(8)), 'x.png'))).toBe('corrupt');
  });

  it('a PNG named .jpg is a PNG', () => {
    expect(expectOk(sniffImage(bytes, 'holiday.jpg')).format).toBe('png');
  });
});

describe('WebP structure', () => {
  /** A lossless WebP header (no valid pixel data needed for sniffing). */
  const vp8l = (w: number, h: number): Uint8Array => {
    const bits = (w - 1) | ((h - 1) << 14) | (1 << 28);
    const chunk = concat('VP8L', le32(6), [0x2f], le32(bits), [0]);
    return concat('RIFF', le32(4 + chunk.length), 'WEBP', chunk);
  };

  it('lossless (VP8L) header gives the size', () => {
    const result = expectOk(sniffImage(vp8l(300, 200), 'x.webp'));
    expect([result.format, result.mime, result.storedWidth, result.storedHeight]).toEqual(['webp', 'image/webp', 300, 200]);
  });

  it('lossy (VP8) header gives the size', () => {
    const frame = concat([0x10, 0x02, 0x00], [0x9d, 0x01, 0x2a], [0x80, 0x02, 0xe0, 0x01], new Uint8Array(20));
    const chunk = concat('VP8 ', le32(frame.length), frame);
    const result = expectOk(sniffImage(concat('RIFF', le32(4 + chunk.length), 'WEBP', chunk), 'x.webp'));
    expect([result.storedWidth, result.storedHeight]).toEqual([640, 480]);
  });

  it('RIFF size beyond the file is truncated', () => {
    const full = vp8l(300, 200);
    expect(codeOf(sniffImage(full.subarray(0, full.length - 3), 'x.webp'))).toBe('truncated');
    if (webpFile) {
      const real = read(webpFile.path);
      expect(codeOf(sniffImage(real.subarray(0, real.length >> 1), 'x.webp'))).toBe('truncated');
    }
  });

  it('an extended (VP8X) canvas over the limit is too-large', () => {
    if (!webpFile) return;
    const real = read(webpFile.path).slice();
    real.set([(12000 - 1) & 255, ((12000 - 1) >> 8) & 255, 0, (12000 - 1) & 255, ((12000 - 1) >> 8) & 255, 0], 24);
    expect(codeOf(sniffImage(real, 'x.webp'))).toBe('too-large');
  });

  it('a broken VP8L signature is corrupt', () => {
    const bad = vp8l(300, 200);
    bad[20] = 0x00;
    expect(codeOf(sniffImage(bad, 'x.webp'))).toBe('corrupt');
  });
});

describe('HEIF / AVIF structure', () => {
  it('a minimal AVIF: size from ispe, rotation from irot, mirror from imir', () => {
    const result = expectOk(sniffImage(buildHeif({ width: 1920, height: 1080, irot: 1, imir: 0 }), 'x.avif'));
    expect(result.format).toBe('avif');
    expect(result.mime).toBe('image/avif');
    expect([result.storedWidth, result.storedHeight]).toEqual([1920, 1080]);
    expect(result.heifTransform).toEqual({ rotation: 90, mirror: 'vertical' });
    expect(expectOk(sniffImage(buildHeif({ irot: 2, imir: 1 }), 'x')).heifTransform).toEqual({ rotation: 180, mirror: 'horizontal' });
    expect(expectOk(sniffImage(buildHeif(), 'x')).heifTransform).toEqual({ rotation: 0, mirror: 'none' });
  });

  it('brands decide heic / heif / avif', () => {
    expect(expectOk(sniffImage(buildHeif({ major: 'heic', compatible: ['mif1', 'heic'], itemType: 'hvc1' }), 'x')).format).toBe('heic');
    expect(expectOk(sniffImage(buildHeif({ major: 'mif1', compatible: ['mif1', 'heic'], itemType: 'hvc1' }), 'x')).format).toBe('heif');
    expect(expectOk(sniffImage(buildHeif({ major: 'mif1', compatible: ['mif1', 'miaf', 'avif'] }), 'x')).format).toBe('avif');
    expect(expectOk(sniffImage(buildHeif({ major: 'msf1', compatible: ['msf1'], itemType: 'hvc1' }), 'x')).format).toBe('heif');
  });

  it('cut short (mdat or an item extent past the end) is truncated', () => {
    const full = buildHeif({ mdatLength: 2000 });
    expect(codeOf(sniffImage(full.subarray(0, full.length - 1000), 'x'))).toBe('truncated');
    expect(codeOf(sniffImage(buildHeif({ ilocOverrun: 500 }), 'x'))).toBe('truncated');
    for (const file of heicFiles) {
      const real = read(file.path);
      expect(codeOf(sniffImage(real.subarray(0, Math.floor(real.length * 0.9)), 'x'))).toBe('truncated');
      expect(codeOf(sniffImage(real.subarray(0, 30), 'x'))).toBe('truncated');
    }
  });

  it('malformed meta is corrupt', () => {
    expect(codeOf(sniffImage(buildHeif({ primaryId: 7 }), 'x'))).toBe('corrupt'); // pitm → missing item
    expect(codeOf(sniffImage(buildHeif({ withIspe: false }), 'x'))).toBe('corrupt'); // no ispe
    expect(codeOf(sniffImage(buildHeif({ handler: 'vide' }), 'x'))).toBe('corrupt'); // not a picture handler
    expect(codeOf(sniffImage(buildHeif({ width: 0 }), 'x'))).toBe('corrupt');
    const tiny = buildHeif();
    const metaAt = findBox(tiny, 'meta');
    tiny.set(be32(4), metaAt); // box size < 8
    expect(codeOf(sniffImage(tiny, 'x'))).toBe('corrupt');
    const noMeta = buildHeif();
    noMeta.set([0x66, 0x72, 0x65, 0x65], metaAt + 4); // meta → free
    expect(codeOf(sniffImage(noMeta, 'x'))).toBe('corrupt');
  });

  it('ispe over the limit is too-large', () => {
    const result = sniffImage(buildHeif({ width: 20000, height: 20000 }), 'x.heic');
    expect(codeOf(result)).toBe('too-large');
  });

  it('the real HEIC files: irot patched to 90° swaps the display size, and ispe patched up is too-large', () => {
    for (const file of heicFiles) {
      const real = read(file.path).slice();
      const irot = findBox(real, 'irot');
      if (irot >= 0) {
        real[irot + 8] = 1;
        expect(expectOk(sniffImage(real, 'x')).heifTransform?.rotation).toBe(90);
      }
    }
    const file = heicFiles[0]!;
    const real = read(file.path).slice();
    const stored = expectOk(sniffImage(real, 'x'));
    // Patch every ispe with the primary's size to 20000 × 20000.
    for (let at = findBox(real, 'ispe'); at >= 0; at = findBox(real, 'ispe', at + 5)) {
      const w = (real[at + 12]! << 24) | (real[at + 13]! << 16) | (real[at + 14]! << 8) | real[at + 15]!;
      if (w === stored.storedWidth) real.set([...be32(20000), ...be32(20000)], at + 12);
    }
    expect(codeOf(sniffImage(real, 'x'))).toBe('too-large');
  });

  it('a moov-only sequence is unsupported; video brands are unsupported', () => {
    const seq = concat(box('ftyp', 'msf1', be32(0), 'msf1', 'hevc'), box('moov', new Uint8Array(16)), box('mdat', new Uint8Array(16)));
    expect(codeOf(sniffImage(seq, 'x'))).toBe('unsupported');
    const mp4 = concat(box('ftyp', 'isom', be32(512), 'isom', 'iso2', 'avc1', 'mp41'), box('free', []), box('mdat', new Uint8Array(32)));
    const r = sniffImage(mp4, 'clip.jpg');
    expect(codeOf(r)).toBe('unsupported');
    expect(r.ok ? '' : r.message).toMatch(/^Videos/);
  });
});

/** Offset of the first box of this type whose type field is at or after `from` + 4 (raw byte search). */
function findBox(b: Uint8Array, type: string, from = 0): number {
  const t = [...type].map((c) => c.charCodeAt(0));
  for (let i = from + 4; i + 4 <= b.length; i++) {
    if (b[i] === t[0] && b[i + 1] === t[1] && b[i + 2] === t[2] && b[i + 3] === t[3]) return i - 4;
  }
  return -1;
}

describe('other formats and non-images', () => {
  it.each([
    ['GIF89a', concat('GIF89a', [1, 0, 1, 0, 0, 0, 0], new Uint8Array(20)), /^GIF images/],
    ['GIF87a', concat('GIF87a', new Uint8Array(20)), /^GIF/],
    ['BMP', concat('BM', le32(70), le32(0), le32(54), le32(40), new Uint8Array(40)), /^BMP/],
    ['TIFF', concat('II*\0', le32(8), new Uint8Array(40)), /^TIFF/],
    ['Canon CR2', concat('II*\0', le32(16), 'CR', [2, 0], new Uint8Array(40)), /RAW/],
    ['PSD', concat('8BPS', new Uint8Array(40)), /Photoshop/],
    ['PDF', concat('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), /^PDF/],
    ['SVG without prolog', concat('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'), /^SVG/],
    ['SVG with BOM, doctype and comment', concat([0xef, 0xbb, 0xbf], '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<!-- hi -->\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'), /^SVG/],
    ['WebM', concat([0x1a, 0x45, 0xdf, 0xa3], new Uint8Array(40)), /^Videos/],
    ['QuickTime without ftyp', concat(be32(16), 'moov', new Uint8Array(8)), /^Videos/],
    ['AVI', concat('RIFF', le32(100), 'AVI LIST', new Uint8Array(40)), /^Videos/],
    ['ZIP', concat('PK\x03\x04', new Uint8Array(40)), /^ZIP/],
  ])('%s is unsupported and the message names it', (_, bytes, pattern) => {
    const result = sniffImage(bytes, 'photo.jpg');
    expect(codeOf(result)).toBe('unsupported');
    expect(result.ok ? '' : result.message).toMatch(pattern);
  });

  it('random bytes are not an image', () => {
    const random = mulberry32(42);
    for (let k = 0; k < 50; k++) {
      const bytes = new Uint8Array(100 + Math.floor(random() * 4000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      bytes[0] = 0x20 + (bytes[0]! % 0x50); // never a magic first byte (FF, 89, 00, …) by chance
      bytes[1] = 0x00;
      expect(codeOf(sniffImage(bytes, 'x.jpg'))).toBe('not-an-image');
    }
  });

  it('text, HTML (even with an inline <svg>) and audio are not images', () => {
    const text = sniffImage(concat('Hello,\nthis is a note.\n'), 'note.jpg');
    expect(codeOf(text)).toBe('not-an-image');
    expect(text.ok ? '' : text.message).toMatch(/text.*\.jpg/);
    expect(codeOf(sniffImage(concat('<!DOCTYPE html><html><body><svg></svg></body></html>'), 'x'))).toBe('not-an-image');
    expect(codeOf(sniffImage(concat('ID3', [4, 0, 0], new Uint8Array(40)), 'x'))).toBe('not-an-image');
    expect(codeOf(sniffImage(concat('RIFF', le32(100), 'WAVEfmt ', new Uint8Array(40)), 'x'))).toBe('not-an-image');
  });

  it('the file name never decides the format', () => {
    const png = read(pngFile.path);
    for (const name of ['a.jpg', 'a.heic', 'a.svg', 'a.txt', 'noextension']) expect(expectOk(sniffImage(png, name)).format).toBe('png');
    expect(codeOf(sniffImage(new Uint8Array(0), 'a.png'))).toBe('empty');
  });
});

describe('robustness', () => {
  it('never throws, never hangs and never returns nonsense on mutated corpus files', () => {
    const random = mulberry32(2024);
    const sources = [smallJpeg, pngFile, ...heicFiles.slice(-2), ...(webpFile ? [webpFile] : [])].map((f) => read(f.path));
    for (const source of sources) {
      for (let k = 0; k < 150; k++) {
        const bytes = source.slice(0, Math.max(1, Math.floor(source.length * (0.2 + random() * 0.8))));
        const flips = 1 + Math.floor(random() * 8);
        for (let f = 0; f < flips; f++) bytes[Math.floor(random() * Math.min(bytes.length, 1200))] = Math.floor(random() * 256);
        const result = sniffImage(bytes, 'x');
        if (result.ok) {
          expect(result.storedWidth).toBeGreaterThan(0);
          expect(result.storedHeight).toBeGreaterThan(0);
          expect(result.storedWidth * result.storedHeight).toBeLessThanOrEqual(MAX_PIXELS);
        } else {
          expect(result.message.length).toBeGreaterThan(20);
          expect(result.message).not.toMatch(/could not be read/);
        }
      }
    }
  });

  it('damaged box sizes are judged from the header, not by reading what they claim', () => {
    // An ftyp claiming 2 GB (found by fuzzing: once read brand by brand over the whole file).
    const heif = buildHeif();
    heif.set(be32(0x7fffffff), 0);
    expect(codeOf(sniffImage(heif, 'x'))).toBe('truncated');
    // A 64-bit size far beyond the file.
    const large = concat(be32(1), 'mdat', be32(0x10), be32(0), new Uint8Array(8));
    expect(codeOf(sniffImage(concat(buildHeif(), large), 'x'))).toBe('truncated');
  });
});

describe('rejectMessage', () => {
  const codes: RejectCode[] = ['empty', 'not-an-image', 'unsupported', 'truncated', 'corrupt', 'too-large', 'unreadable', 'missing', 'changed', 'no-permission', 'storage-full'];

  it.each(codes)('%s is one plain sentence, with or without detail', (code) => {
    for (const message of [rejectMessage(code), rejectMessage(code, 'some detail')]) {
      expect(message).toMatch(/^[A-Z].*\.$/);
      expect(message.length).toBeLessThan(200);
      expect(message.split(/\.\s/).length).toBe(1);
    }
  });

  it('uses the detail', () => {
    expect(rejectMessage('truncated', 'JPEG')).toBe('This JPEG is cut short — the file was probably not copied completely.');
    expect(rejectMessage('unsupported', 'SVG vector drawings')).toMatch(/^SVG vector drawings aren't supported — Keepsake imports/);
    expect(rejectMessage('too-large', '30000 × 30000 pixels (900 megapixels)')).toBe(
      'This image is 30000 × 30000 pixels (900 megapixels), more than the 100-megapixel limit Keepsake can safely open.',
    );
    expect(rejectMessage('corrupt', 'the browser could not decode the image (EncodingError).')).toBe(
      "This image is damaged and can't be opened: the browser could not decode the image (EncodingError).",
    );
  });
});
