/**
 * Photo metadata (src/pipeline/import/meta.ts) against the shared corpus's ground truth, plus the odd
 * cases the corpus cannot show (built here byte by byte).
 *
 * Corpus rules, applied to every file of manifest.files (no file is named here, so a different set of
 * files is checked the same way; set KEEPSAKE_CORPUS to point at it):
 * - written capture (`datetime_original` + `offset`): takenAt is exactly "<datetime_original><offset>",
 *   source 'exif', and takenAtUtcMs is the manifest's `utc`.
 * - original capture (`datetime_original_raw`): the raw string read by `readingOfRaw` below, plus the
 *   manifest's `offset` when it has one. How the odd ones read:
 *     "2004/05/09 16:00:21" (slashes)          → 2004-05-09T16:00:21
 *     "05.10.2009 11:16" (day-first, no secs)  → 2009-10-05T11:16:00 (dots: day.month.year; the file
 *        holds "05.10.2009 11:16\0" + "00", ExifTool and we stop at the NUL; seconds are 00)
 *     an impossible one ("0000:00:00 00:00:00", month 13 …) → no EXIF time at all (source not 'exif')
 * - no capture in the manifest: takenAtSource is not 'exif' (a file-name date is fine).
 * - gps: within 1e-4° where the manifest has lat/lon (whether or not it knows the place), else null.
 * - orientation: equal to the manifest's (the stored value, 0 included; HEIC: the informational one).
 * - displaySize(stored size, …) equals the manifest's display size; for HEIC/HEIF/AVIF the irot is
 *   inferred from the manifest (display size = stored size swapped → 90°).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus';
import type { ImageFormat, PhotoMeta } from '../../src/pipeline/contracts';
import { dateFromFileName, displaySize, parseExifDateTime, parseOffset, readPhotoMeta } from '../../src/pipeline/import/meta';

const HAVE_CORPUS = existsSync(resolve(CORPUS, 'manifest.json'));

interface CorpusFile {
  path: string;
  format: string;
  width: number;
  height: number;
  stored_width: number;
  stored_height: number;
  orientation: number | null;
  capture: null | { datetime_original?: string; datetime_original_raw?: string; offset: string | null; utc?: string };
  gps: null | { lat: number; lon: number };
  camera?: string | null;
}
interface CorpusBad {
  path: string;
  expectation: string;
}

const FORMATS: Record<string, ImageFormat> = {
  JPEG: 'jpeg', MPO: 'mpo', PNG: 'png', WEBP: 'webp', 'EXTENDED WEBP': 'webp', HEIC: 'heic', HEIF: 'heif', AVIF: 'avif',
};
const formatOf = (manifestFormat: string): ImageFormat => {
  const format = FORMATS[manifestFormat.toUpperCase()];
  if (!format) throw new Error(`unknown manifest format ${manifestFormat}`);
  return format;
};
const isHeif = (format: ImageFormat): boolean => format === 'heic' || format === 'heif' || format === 'avif';
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function loadManifest(): { files: CorpusFile[]; bad: CorpusBad[] } {
  return JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as { files: CorpusFile[]; bad: CorpusBad[] };
}

/**
 * How a careful person reads a raw EXIF date (independent of the module: numbers in order). Year
 * first: Y M D h m s. Year last: D.M.Y with dots/dashes, M/D/Y with slashes, swapped when only the
 * other reading is a real date. Missing time fields are 0. Null for an impossible date.
 */
function readingOfRaw(raw: string): string | null {
  const text = raw.split('\0')[0]!.trim();
  const nums = text.match(/\d+/g) ?? [];
  let y: number, mo: number, d: number, time: string[];
  if (nums[0]?.length === 4 && nums.length >= 3) {
    [y, mo, d] = nums.slice(0, 3).map(Number) as [number, number, number];
    time = nums.slice(3);
  } else if (nums[0]?.length === 8) {
    const s = nums[0];
    [y, mo, d] = [Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8))];
    const t = nums[1] ?? '';
    time = t.length >= 4 ? [t.slice(0, 2), t.slice(2, 4), t.slice(4, 6) || '0'] : [];
  } else if (nums[2]?.length === 4) {
    const [a, b] = [Number(nums[0]), Number(nums[1])];
    y = Number(nums[2]);
    const monthFirst = text.charAt(nums[0]!.length) === '/';
    [mo, d] = monthFirst ? [a, b] : [b, a];
    if (!real(y, mo, d) && real(y, d, mo)) [mo, d] = [d, mo];
    time = nums.slice(3);
  } else {
    return null;
  }
  const [h = 0, mi = 0, s = 0] = time.map(Number);
  if (!real(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}`;
}

function real(y: number, mo: number, d: number): boolean {
  return y >= 1800 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

async function metaOf(path: string, format: ImageFormat, lastModified: number | null = null): Promise<PhotoMeta> {
  return readPhotoMeta(new Uint8Array(readFileSync(resolve(CORPUS, path))), format, baseName(path), lastModified);
}

describe.skipIf(!HAVE_CORPUS)('readPhotoMeta on the shared corpus', () => {
  const { files, bad } = HAVE_CORPUS ? loadManifest() : { files: [], bad: [] };

  it.each(files.map((f) => [f.path, f] as const))('%s matches the manifest', async (_path, file) => {
    const format = formatOf(file.format);
    const meta = await metaOf(file.path, format);
    const where = file.path;

    // Capture time
    const capture = file.capture;
    if (capture === null) {
      expect(meta.takenAtSource, where).not.toBe('exif');
    } else if (capture.datetime_original !== undefined) {
      expect(meta.takenAt, where).toBe(`${capture.datetime_original}${capture.offset ?? ''}`);
      expect(meta.takenAtSource, where).toBe('exif');
      if (capture.utc && capture.offset) expect(Math.floor(meta.takenAtUtcMs! / 1000) * 1000, where).toBe(Date.parse(capture.utc));
      if (!capture.offset) expect(meta.takenAtUtcMs, where).toBeNull();
    } else {
      const reading = readingOfRaw(capture.datetime_original_raw ?? '');
      if (reading === null) {
        expect(meta.takenAtSource, where).not.toBe('exif');
      } else {
        expect(meta.takenAt, where).toBe(`${reading}${capture.offset ?? ''}`);
        expect(meta.takenAtSource, where).toBe('exif');
        if (capture.offset) expect(meta.takenAtUtcMs, where).not.toBeNull();
        else expect(meta.takenAtUtcMs, where).toBeNull();
      }
    }

    // GPS (present whenever the manifest has coordinates, even with an unknown place)
    if (file.gps) {
      expect(meta.gps, where).not.toBeNull();
      expect(Math.abs(meta.gps!.lat - file.gps.lat), where).toBeLessThan(1e-4);
      expect(Math.abs(meta.gps!.lon - file.gps.lon), where).toBeLessThan(1e-4);
    } else {
      expect(meta.gps, where).toBeNull();
    }

    // Orientation as stored, and the display size it (or the HEIF irot) gives
    expect(meta.orientation, where).toBe(file.orientation);
    const rotation = isHeif(format) && file.width !== file.height && file.width === file.stored_height && file.height === file.stored_width ? 90 : 0;
    expect(displaySize(file.stored_width, file.stored_height, format, meta.orientation, rotation), where).toEqual({ width: file.width, height: file.height });

    // Camera: the manifest writes "Make Model"
    if (file.camera && meta.camera) expect(file.camera, where).toContain(meta.camera.model ?? meta.camera.make ?? '\0');
  });

  it('ignores the damaged EXIF of bad/corrupt_exif.jpg without throwing', async () => {
    const meta = await metaOf('bad/corrupt_exif.jpg', 'jpeg');
    expect(meta.takenAtSource).not.toBe('exif');
    expect(meta.gps).toBeNull();
    expect(meta.exifWarning).toMatch(/EXIF/);
    // …and the fallbacks still work for it
    const dated = await metaOf('bad/corrupt_exif.jpg', 'jpeg', Date.UTC(2011, 4, 6, 7, 8, 9, 500));
    expect(dated).toMatchObject({ takenAt: '2011-05-06T07:08:09Z', takenAtSource: 'file', takenAtUtcMs: Date.UTC(2011, 4, 6, 7, 8, 9, 500) });
  });

  it('never throws and never hangs on any bad input', async () => {
    for (const file of bad) {
      const started = performance.now();
      const meta = await metaOf(file.path, 'jpeg');
      expect(meta.takenAtSource, file.path).toMatch(/^(exif|filename|file|none)$/);
      expect(performance.now() - started, file.path).toBeLessThan(1000);
    }
  });

  it('gives the same answers in every time zone', async () => {
    const saved = process.env.TZ;
    const answers = new Map<string, string>();
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Chatham']) {
        process.env.TZ = tz;
        for (const file of files) {
          const answer = JSON.stringify(await metaOf(file.path, formatOf(file.format), 1_700_000_000_000));
          const first = answers.get(file.path);
          if (first === undefined) answers.set(file.path, answer);
          else expect(answer, `${file.path} in ${tz}`).toBe(first);
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('is fast: well under a millisecond per photo, whatever the pixel count', async () => {
    const paths = [...files.map((f) => f.path), 'bad/large_50mp.jpg'];
    const loaded = paths.filter((p) => existsSync(resolve(CORPUS, p))).map((p) => [p, new Uint8Array(readFileSync(resolve(CORPUS, p)))] as const);
    const rounds = 20;
    for (const [p, bytes] of loaded) await readPhotoMeta(bytes, 'jpeg', baseName(p), null); // warm up
    const started = performance.now();
    for (let r = 0; r < rounds; r++) for (const [p, bytes] of loaded) await readPhotoMeta(bytes, 'jpeg', baseName(p), null);
    const perPhoto = (performance.now() - started) / (rounds * loaded.length);
    const large = loaded.find(([p]) => p === 'bad/large_50mp.jpg');
    let perLarge = Number.NaN;
    if (large) {
      const t0 = performance.now();
      for (let r = 0; r < 200; r++) await readPhotoMeta(large[1], 'jpeg', 'large.jpg', null);
      perLarge = (performance.now() - t0) / 200;
    }
    console.log(`readPhotoMeta: ${perPhoto.toFixed(3)} ms per corpus photo, ${perLarge.toFixed(3)} ms for the 50-MP JPEG`);
    // 25 photos/s leaves 40 ms per photo for everything; metadata must be a rounding error of that.
    expect(perPhoto).toBeLessThan(5);
  });
});

describe('parseExifDateTime', () => {
  const iso = (raw: string): string | null => {
    const p = parseExifDateTime(raw);
    if (!p) return null;
    const { year, month, day, hour, minute, second } = p.wall;
    const n = (v: number, w = 2): string => String(v).padStart(w, '0');
    return `${n(year, 4)}-${n(month)}-${n(day)}T${n(hour)}:${n(minute)}:${n(second)}`;
  };

  it.each([
    ['2008:05:08 09:54:28', '2008-05-08T09:54:28'],
    ['2004/05/09 16:00:21', '2004-05-09T16:00:21'],
    ['2004-05-09T16:00:21', '2004-05-09T16:00:21'],
    ['2004:05:09:16:00:21', '2004-05-09T16:00:21'],
    ['2004:05:09 16.00.21', '2004-05-09T16:00:21'],
    ['2004:5:9 6:00:21', '2004-05-09T06:00:21'],
    ['  2004:05:09   16:00:21  ', '2004-05-09T16:00:21'],
    ['20040509 160021', '2004-05-09T16:00:21'],
    ['2004:05:09', '2004-05-09T00:00:00'],
    ['2004:05:09 16:00', '2004-05-09T16:00:00'],
    ['05.10.2009 11:16', '2009-10-05T11:16:00'],
    ['05.10.2009 11:16\u000000', '2009-10-05T11:16:00'],
    ['2009:10:05 11:16:00\u0000garbage', '2009-10-05T11:16:00'],
    ['25.10.2009 11:16:07', '2009-10-25T11:16:07'],
    ['10/25/2009 11:16:07', '2009-10-25T11:16:07'],
    ['25/10/2009 11:16:07', '2009-10-25T11:16:07'],
    ['05-10-2009 11:16', '2009-10-05T11:16:00'],
    ['2023:06:03 02:22:05 PM', '2023-06-03T14:22:05'],
    ['2023:06:03 12:22:05 AM', '2023-06-03T00:22:05'],
    ['2024:02:29 10:00:00', '2024-02-29T10:00:00'],
    ['2023:12:31 24:00:00', '2024-01-01T00:00:00'],
    ['2016:12:31 23:59:60', '2016-12-31T23:59:59'],
    // rejected: placeholders, impossible fields, two-digit or out-of-range years, leftovers
    ['0000:00:00 00:00:00', null],
    ['    :  :     :  :  ', null],
    ['', null],
    ['\u0000\u0000\u0000', null],
    ['2023:13:01 10:00:00', null],
    ['2023:00:10 10:00:00', null],
    ['2023:02:29 10:00:00', null],
    ['2023:04:31 10:00:00', null],
    ['2023:01:01 25:00:00', null],
    ['2023:01:01 10:61:00', null],
    ['2023:01:01 10:00:61', null],
    ['2023:01:01 24:00:01', null],
    ['2023:06:03 13:22:05 PM', null],
    ['05.10.09 11:16', null],
    ['1799:12:31 10:00:00', null],
    ['2101:01:01 10:00:00', null],
    ['13/25/2009 10:00:00', null],
    ['2023:06:03 14:22:05 taken', null],
    ['yesterday', null],
  ])('%j → %s', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  it('keeps a zone and fractional seconds written into the string', () => {
    expect(parseExifDateTime('2018-10-27T13:27:23.53-07:00')).toEqual({
      wall: { year: 2018, month: 10, day: 27, hour: 13, minute: 27, second: 23 }, offsetMinutes: -420, millis: 530,
    });
    expect(parseExifDateTime('2018:10:27 13:27:23Z')?.offsetMinutes).toBe(0);
    expect(parseExifDateTime('2018:10:27 13:27:23')?.offsetMinutes).toBeNull();
  });
});

describe('parseOffset', () => {
  it.each([
    ['+01:00', 60], ['-06:00', -360], ['+05:30', 330], ['+0545', 345], ['+00:00', 0], ['-00:00', 0], ['Z', 0],
    ['+14:00', 840], ['-12:00', -720], ['+14:01', null], ['-13:00', null], ['+01:60', null],
    ['   :  ', null], ['', null], [null, null], ['01:00', null], ['+1:00', null],
  ] as const)('%j → %s', (raw, expected) => {
    expect(parseOffset(raw)).toBe(expected);
  });
});

describe('dateFromFileName', () => {
  const iso = (name: string): string | null => {
    const w = dateFromFileName(name);
    if (!w) return null;
    const n = (v: number, width = 2): string => String(v).padStart(width, '0');
    return `${n(w.year, 4)}-${n(w.month)}-${n(w.day)}T${n(w.hour)}:${n(w.minute)}:${n(w.second)}`;
  };
  it.each([
    ['Screenshot_20231112-084501.png', '2023-11-12T08:45:01'],
    ['IMG_20230101_123456.jpg', '2023-01-01T12:34:56'],
    ['VID_20230101_123456.mp4', '2023-01-01T12:34:56'],
    ['PXL_20230101_123456789.jpg', '2023-01-01T12:34:56'],
    ['PXL_20230101_123456789.MP.jpg', '2023-01-01T12:34:56'],
    ['20230101_123456.jpg', '2023-01-01T12:34:56'],
    ['IMG20230101123456.jpg', '2023-01-01T12:34:56'],
    ['2021-02-13-1929.heic', '2021-02-13T19:29:00'],
    ['WhatsApp Image 2023-01-01 at 12.34.56.jpeg', '2023-01-01T12:34:56'],
    ['WhatsApp Image 2023-01-01 at 12.34.56 (1).jpeg', '2023-01-01T12:34:56'],
    ['Screenshot 2023-11-12 at 08.45.01.png', '2023-11-12T08:45:01'],
    ['Screen Shot 2020-01-01 at 1.02.03 PM.png', '2020-01-01T13:02:03'],
    ['Screen Shot 2020-01-01 at 12.02.03 AM.png', '2020-01-01T00:02:03'],
    ['Screenshot_2023-11-12-08-45-01-123_com.example.app.jpg', '2023-11-12T08:45:01'],
    ['photo_2023-01-01_12-34-56.jpg', '2023-01-01T12:34:56'],
    ['signal-2023-01-01-123456.jpg', '2023-01-01T12:34:56'],
    ['IMG-20230101-WA0001.jpg', '2023-01-01T00:00:00'],
    ['holiday/2019-07-04.jpg', '2019-07-04T00:00:00'],
    ['C:\\Photos\\IMG_20230101_123456.jpg', '2023-01-01T12:34:56'],
    ['IMG_20230101_996699.jpg', '2023-01-01T00:00:00'],
    // no date
    ['IMG_1234.JPG', null],
    ['DSC_0001.jpg', null],
    ['IMG_20231301_123456.jpg', null],
    ['IMG_20230230_123456.jpg', null],
    ['1700000000000.jpg', null],
    ['scan-18991231.png', null],
    ['x12320230101.jpg', null],
  ])('%j → %s', (name, expected) => {
    expect(iso(name)).toBe(expected);
  });
});

describe('displaySize', () => {
  it('swaps for EXIF orientations 5..8 on JPEG, MPO, PNG and WebP only', () => {
    for (const format of ['jpeg', 'mpo', 'png', 'webp'] as const) {
      for (const o of [null, 0, 1, 2, 3, 4, 9]) expect(displaySize(400, 300, format, o)).toEqual({ width: 400, height: 300 });
      for (const o of [5, 6, 7, 8]) expect(displaySize(400, 300, format, o)).toEqual({ width: 300, height: 400 });
    }
  });
  it('ignores EXIF orientation on HEIC/HEIF/AVIF and follows irot', () => {
    for (const format of ['heic', 'heif', 'avif'] as const) {
      expect(displaySize(4032, 3024, format, 6)).toEqual({ width: 4032, height: 3024 });
      expect(displaySize(4032, 3024, format, 6, 0)).toEqual({ width: 4032, height: 3024 });
      expect(displaySize(4032, 3024, format, 1, 90)).toEqual({ width: 3024, height: 4032 });
      expect(displaySize(4032, 3024, format, null, 270)).toEqual({ width: 3024, height: 4032 });
      expect(displaySize(4032, 3024, format, 6, 180)).toEqual({ width: 4032, height: 3024 });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic files: a small TIFF/EXIF writer and the containers that carry it
// ---------------------------------------------------------------------------------------------

const ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, UNDEFINED = 7, SLONG = 9, BYTE = 1;
const SIZES: Record<number, number> = { [BYTE]: 1, [ASCII]: 1, [SHORT]: 2, [LONG]: 4, [RATIONAL]: 8, [UNDEFINED]: 1, [SLONG]: 4 };

interface Tag {
  tag: number;
  type: number;
  /** ASCII: a string; RATIONAL: [num, den, num, den, …]; others: the numbers. */
  value: string | number[];
  /** Write this as the value offset instead of the real one (for broken files). */
  offset?: number;
}
const ascii = (tag: number, value: string): Tag => ({ tag, type: ASCII, value });
const short = (tag: number, value: number): Tag => ({ tag, type: SHORT, value: [value] });
const rational = (tag: number, ...value: number[]): Tag => ({ tag, type: RATIONAL, value });
const dms = (deg: number): number[] => {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return [d, 1, m, 1, s, 10000];
};

interface TiffSpec {
  ifd0?: Tag[];
  exif?: Tag[];
  gps?: Tag[];
  littleEndian?: boolean;
  /** Replace the pointer entries IFD0 gets for the Exif/GPS IFDs. */
  exifPointer?: Tag;
  gpsPointer?: Tag;
}

function tiff(spec: TiffSpec): Uint8Array {
  const le = spec.littleEndian ?? false;
  const blocks = (['ifd0', 'exif', 'gps'] as const).filter((k) => k === 'ifd0' || spec[k] !== undefined);
  const entries = new Map<string, Tag[]>(blocks.map((k) => [k, [...(spec[k] ?? [])]]));
  const encode = (t: Tag): Uint8Array => {
    if (typeof t.value === 'string') return new Uint8Array([...t.value].map((c) => c.charCodeAt(0)).concat(0));
    const size = SIZES[t.type]!;
    const out = new Uint8Array(t.type === RATIONAL ? t.value.length * 4 : t.value.length * size);
    const dv = new DataView(out.buffer);
    t.value.forEach((v, i) => {
      if (t.type === RATIONAL) dv.setUint32(i * 4, v, le);
      else if (size === 1) dv.setUint8(i, v);
      else if (size === 2) dv.setUint16(i * 2, v, le);
      else dv.setUint32(i * 4, v, le);
    });
    return out;
  };
  const count = (t: Tag): number => (typeof t.value === 'string' ? t.value.length + 1 : t.type === RATIONAL ? t.value.length / 2 : t.value.length);
  const sizeOf = (list: Tag[]): number => 2 + list.length * 12 + 4 + list.reduce((n, t) => { const b = encode(t).length; return n + (b > 4 ? b + (b & 1) : 0); }, 0);
  // IFD0 gets the pointer entries; their values are known once the sizes are.
  const ifd0 = entries.get('ifd0')!;
  if (entries.has('exif')) ifd0.push(spec.exifPointer ?? { tag: 0x8769, type: LONG, value: [0] });
  if (entries.has('gps')) ifd0.push(spec.gpsPointer ?? { tag: 0x8825, type: LONG, value: [0] });
  const at = new Map<string, number>();
  let pos = 8;
  for (const k of blocks) {
    at.set(k, pos);
    pos += sizeOf(entries.get(k)!);
  }
  for (const t of ifd0) {
    if (t.tag === 0x8769 && !spec.exifPointer) t.value = [at.get('exif')!];
    if (t.tag === 0x8825 && !spec.gpsPointer) t.value = [at.get('gps')!];
  }
  const out = new Uint8Array(pos);
  const dv = new DataView(out.buffer);
  out.set(le ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  dv.setUint32(4, 8, le);
  for (const k of blocks) {
    const list = entries.get(k)!.sort((a, b) => a.tag - b.tag);
    const start = at.get(k)!;
    let data = start + 2 + list.length * 12 + 4;
    dv.setUint16(start, list.length, le);
    list.forEach((t, i) => {
      const e = start + 2 + i * 12;
      const bytes = encode(t);
      dv.setUint16(e, t.tag, le);
      dv.setUint16(e + 2, t.type, le);
      dv.setUint32(e + 4, count(t), le);
      if (bytes.length <= 4 && t.offset === undefined) {
        out.set(bytes, e + 8);
      } else {
        dv.setUint32(e + 8, t.offset ?? data, le);
        if (bytes.length > 4) {
          out.set(bytes, data);
          data += bytes.length + (bytes.length & 1);
        }
      }
    });
  }
  return out;
}

const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const latin = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const u32be = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u32le = (n: number): number[] => u32be(n).reverse();
const u16be = (n: number): number[] => [(n >> 8) & 255, n & 255];

function jpegWith(t: Uint8Array): Uint8Array {
  const app1 = concat(latin('Exif\0\0'), t);
  return concat([0xff, 0xd8, 0xff, 0xe1], u16be(app1.length + 2), app1, [0xff, 0xd9]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  return concat(u32be(data.length), latin(type), data, [0, 0, 0, 0]);
}
function pngWith(...chunks: Uint8Array[]): Uint8Array {
  const ihdr = pngChunk('IHDR', new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
  return concat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], ihdr, ...chunks, pngChunk('IEND', new Uint8Array()));
}
function rawProfile(t: Uint8Array): string {
  const hex = Array.from(concat(latin('Exif\0\0'), t), (b) => b.toString(16).padStart(2, '0')).join('');
  return `\nexif\n${String(t.length + 6).padStart(8)}\n${hex.replace(/(.{72})/g, '$1\n')}\n`;
}

function webpWith(t: Uint8Array): Uint8Array {
  const vp8x = concat(latin('VP8X'), u32le(10), [0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const exifChunk = concat(latin('EXIF'), u32le(t.length), t, t.length & 1 ? [0] : []);
  const body = concat(latin('WEBP'), vp8x, exifChunk);
  return concat(latin('RIFF'), u32le(body.length), body);
}

const box = (type: string, ...payload: (Uint8Array | number[])[]): Uint8Array => {
  const body = concat(...payload);
  return concat(u32be(body.length + 8), latin(type), body);
};
const fullBox = (type: string, version: number, ...payload: (Uint8Array | number[])[]): Uint8Array => box(type, [version, 0, 0, 0], ...payload);

/** A HEIF with a (dummy) primary image item 1 and an Exif item 2, located the way `how` says. */
function heifWith(t: Uint8Array, how: 'base-offset' | 'extent-offset' | 'idat', brand = 'heic'): Uint8Array {
  const payload = concat(u32be(6), latin('Exif\0\0'), t);
  const ftyp = box('ftyp', latin(brand), u32be(0), latin('mif1'), latin(brand));
  const infe = (id: number, type: string): Uint8Array => fullBox('infe', 2, u16be(id), u16be(0), latin(type), [0]);
  const metaFor = (exifAt: number): Uint8Array => {
    const method = how === 'idat' ? 1 : 0;
    const [base, offset] = how === 'base-offset' ? [exifAt, 0] : [0, exifAt];
    const iloc = fullBox('iloc', 1, [0x44, 0x40], u16be(2),
      u16be(1), u16be(0), u16be(0), u32be(0), u16be(1), u32be(0), u32be(1),
      u16be(2), u16be(method), u16be(0), u32be(base), u16be(1), u32be(offset), u32be(payload.length));
    return fullBox('meta', 0,
      fullBox('hdlr', 0, u32be(0), latin('pict'), new Uint8Array(13)),
      fullBox('pitm', 0, u16be(1)),
      fullBox('iinf', 0, u16be(2), infe(1, 'hvc1'), infe(2, 'Exif')),
      fullBox('iref', 0, box('cdsc', u16be(2), u16be(1), u16be(1))),
      iloc,
      ...(how === 'idat' ? [box('idat', payload)] : []));
  };
  if (how === 'idat') return concat(ftyp, metaFor(0), box('mdat', [0]));
  const exifAt = ftyp.length + metaFor(0).length + 8 + 1; // after mdat's header and one byte of "image"
  return concat(ftyp, metaFor(exifAt), box('mdat', [0], payload));
}

const CAMERA: Tag[] = [ascii(0x010f, 'Apple '), ascii(0x0110, ' iPhone 15 Pro\0\0'), short(0x0112, 6)];
const WHEN: Tag[] = [ascii(0x9003, '2024:06:03 14:22:05'), ascii(0x9011, '+01:00'), ascii(0x9291, '042')];
const WHERE: Tag[] = [
  ascii(0x0001, 'S'), rational(0x0002, ...dms(33.856159)), ascii(0x0003, 'W'), rational(0x0004, ...dms(70.662031)),
  { tag: 0x0005, type: BYTE, value: [1] }, rational(0x0006, 1234, 10),
];
const FULL = tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE });
const EXPECTED: Partial<PhotoMeta> = {
  takenAt: '2024-06-03T14:22:05+01:00',
  takenAtSource: 'exif',
  takenAtUtcMs: Date.UTC(2024, 5, 3, 13, 22, 5, 42),
  orientation: 6,
  camera: { make: 'Apple', model: 'iPhone 15 Pro' },
};

function expectFull(meta: PhotoMeta): void {
  expect(meta).toMatchObject(EXPECTED);
  expect(meta.gps!.lat).toBeCloseTo(-33.856159, 5);
  expect(meta.gps!.lon).toBeCloseTo(-70.662031, 5);
  expect(meta.gps!.altitude).toBeCloseTo(-123.4, 5);
  expect(meta.exifWarning).toBeUndefined();
}

describe('readPhotoMeta on built files', () => {
  it('reads JPEG EXIF in either byte order', async () => {
    expectFull(await readPhotoMeta(jpegWith(FULL), 'jpeg', 'a.jpg', null));
    expectFull(await readPhotoMeta(jpegWith(tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE, littleEndian: true })), 'jpeg', 'a.jpg', null));
  });

  it('reads PNG eXIf, and ImageMagick raw profiles in tEXt and zTXt', async () => {
    expectFull(await readPhotoMeta(pngWith(pngChunk('eXIf', FULL)), 'png', 'a.png', null));
    const keyword = latin('Raw profile type exif\0');
    expectFull(await readPhotoMeta(pngWith(pngChunk('tEXt', concat(keyword, latin(rawProfile(FULL))))), 'png', 'a.png', null));
    const zipped = deflateSync(latin(rawProfile(FULL)));
    expectFull(await readPhotoMeta(pngWith(pngChunk('zTXt', concat(keyword, [0], zipped))), 'png', 'a.png', null));
    // a broken zTXt is no EXIF, not an error
    const broken = await readPhotoMeta(pngWith(pngChunk('zTXt', concat(keyword, [0], [1, 2, 3, 4]))), 'png', 'a.png', null);
    expect(broken).toMatchObject({ takenAtSource: 'none', gps: null });
  });

  it('reads WebP EXIF chunks (exifr 7.1.3 cannot)', async () => {
    expectFull(await readPhotoMeta(webpWith(FULL), 'webp', 'a.webp', null));
    expectFull(await readPhotoMeta(webpWith(concat(latin('Exif\0\0'), FULL)), 'webp', 'a.webp', null));
  });

  it('reads the HEIF Exif item wherever iloc puts it (base offset, extent offset, idat), also in AVIF', async () => {
    expectFull(await readPhotoMeta(heifWith(FULL, 'base-offset'), 'heic', 'a.heic', null));
    expectFull(await readPhotoMeta(heifWith(FULL, 'extent-offset'), 'heic', 'a.heic', null));
    expectFull(await readPhotoMeta(heifWith(FULL, 'idat'), 'heif', 'a.heif', null));
    expectFull(await readPhotoMeta(heifWith(FULL, 'extent-offset', 'avif'), 'avif', 'a.avif', null));
  });

  it('trusts the bytes, not the format it is told', async () => {
    expectFull(await readPhotoMeta(pngWith(pngChunk('eXIf', FULL)), 'jpeg', 'a.jpg', null));
  });

  it('falls back from DateTimeOriginal to CreateDate, and to DateTime only for camera EXIF', async () => {
    const meta = (t: Uint8Array): Promise<PhotoMeta> => readPhotoMeta(jpegWith(t), 'jpeg', 'x.jpg', null);
    const digitized = await meta(tiff({ ifd0: [], exif: [ascii(0x9003, '0000:00:00 00:00:00'), ascii(0x9004, '2020:01:02 03:04:05'), ascii(0x9012, '-05:00')] }));
    expect(digitized).toMatchObject({ takenAt: '2020-01-02T03:04:05-05:00', takenAtSource: 'exif' });
    expect(digitized.exifWarning).toBeUndefined();
    const cameraDateTime = await meta(tiff({ ifd0: [ascii(0x010f, 'Canon'), ascii(0x0132, '2005:08:11 19:47:59')] }));
    expect(cameraDateTime).toMatchObject({ takenAt: '2005-08-11T19:47:59', takenAtSource: 'exif', takenAtUtcMs: null });
    const editorDateTime = await meta(tiff({ ifd0: [ascii(0x0131, 'Adobe Photoshop'), ascii(0x0132, '2010:08:15 13:58:09')] }));
    expect(editorDateTime.takenAtSource).toBe('none');
    // an offset from another OffsetTime* tag is better than none
    const otherOffset = await meta(tiff({ ifd0: [], exif: [ascii(0x9003, '2020:01:02 03:04:05'), ascii(0x9010, '+09:00')] }));
    expect(otherOffset).toMatchObject({ takenAt: '2020-01-02T03:04:05+09:00', takenAtUtcMs: Date.UTC(2020, 0, 1, 18, 4, 5) });
  });

  it('rejects an impossible EXIF date with a warning and falls back to the file name or file date', async () => {
    const t = tiff({ ifd0: [], exif: [ascii(0x9003, '2023:02:30 10:00:00')] });
    const named = await readPhotoMeta(jpegWith(t), 'jpeg', 'IMG_20230228_101112.jpg', 1_600_000_000_000);
    expect(named).toMatchObject({ takenAt: '2023-02-28T10:11:12', takenAtSource: 'filename', takenAtUtcMs: null });
    expect(named.exifWarning).toMatch(/2023:02:30 10:00:00/);
    const dated = await readPhotoMeta(jpegWith(t), 'jpeg', 'x.jpg', 1_600_000_000_123);
    expect(dated).toMatchObject({ takenAt: '2020-09-13T12:26:40Z', takenAtSource: 'file', takenAtUtcMs: 1_600_000_000_123 });
    const none = await readPhotoMeta(jpegWith(t), 'jpeg', 'x.jpg', null);
    expect(none).toMatchObject({ takenAt: null, takenAtSource: 'none', takenAtUtcMs: null });
    for (const bogus of [0, -5, Number.NaN, 8_640_000_000_000_000]) {
      expect((await readPhotoMeta(jpegWith(t), 'jpeg', 'x.jpg', bogus)).takenAtSource).toBe('none');
    }
  });

  it('applies hemispheres and rejects 0,0 and impossible positions', async () => {
    const at = async (gps: Tag[]): Promise<PhotoMeta> => readPhotoMeta(jpegWith(tiff({ ifd0: [], gps })), 'jpeg', 'x.jpg', null);
    const ne = await at([ascii(1, 'N'), rational(2, ...dms(51.5)), ascii(3, 'E'), rational(4, ...dms(0.1278))]);
    expect(ne.gps).toEqual({ lat: expect.closeTo(51.5, 6), lon: expect.closeTo(0.1278, 6) });
    const zero = await at([ascii(1, 'N'), rational(2, 0, 1, 0, 1, 0, 1), ascii(3, 'E'), rational(4, 0, 1, 0, 1, 0, 1)]);
    expect(zero.gps).toBeNull();
    expect(zero.exifWarning).toBeUndefined();
    const north = await at([ascii(1, 'N'), rational(2, 91, 1, 0, 1, 0, 1), ascii(3, 'E'), rational(4, 10, 1, 0, 1, 0, 1)]);
    expect(north.gps).toBeNull();
    expect(north.exifWarning).toMatch(/GPS/);
    const divByZero = await at([ascii(1, 'N'), rational(2, 10, 0, 0, 0, 0, 0), ascii(3, 'E'), rational(4, 10, 1, 0, 1, 0, 1)]);
    expect(divByZero.gps).toBeNull();
    const latOnly = await at([ascii(1, 'N'), rational(2, 10, 1, 0, 1, 0, 1)]);
    expect(latOnly.gps).toBeNull();
  });

  it('survives damaged EXIF: wrong pointer types, pointers and values outside the TIFF, broken headers', async () => {
    const read = (t: Uint8Array): Promise<PhotoMeta> => readPhotoMeta(jpegWith(t), 'jpeg', 'x.jpg', null);
    // Exif pointer written as ASCII (like bad/corrupt_exif.jpg): no date, no GPS, IFD0 still used
    const asciiPointer = await read(tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE, exifPointer: ascii(0x8769, 'x'.repeat(150)) }));
    expect(asciiPointer).toMatchObject({ takenAtSource: 'none', gps: null, orientation: 6, camera: { make: 'Apple' } });
    expect(asciiPointer.exifWarning).toMatch(/damaged/);
    // Exif pointer past the end
    const farPointer = await read(tiff({ ifd0: CAMERA, exif: WHEN, exifPointer: { tag: 0x8769, type: LONG, value: [999_999] } }));
    expect(farPointer).toMatchObject({ takenAtSource: 'none', orientation: 6 });
    expect(farPointer.exifWarning).toMatch(/damaged/);
    // GPS pointer of the wrong type: the date stays, the place goes
    const badGps = await read(tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE, gpsPointer: { tag: 0x8825, type: UNDEFINED, value: [0, 0, 0, 8, 1] } }));
    expect(badGps).toMatchObject({ takenAt: EXPECTED.takenAt, gps: null });
    expect(badGps.exifWarning).toMatch(/GPS/);
    // GPS pointer as SLONG (Canon writes this) is fine
    const slong = tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE });
    const ptr = tiff({ ifd0: CAMERA, exif: WHEN, gps: WHERE, gpsPointer: { tag: 0x8825, type: SLONG, value: [0] } });
    const gpsAt = new DataView(slong.buffer).getUint32(8 + 2 + 12 * 4 + 8); // 5th IFD0 entry (sorted: 010f 0110 0112 8769 8825)
    new DataView(ptr.buffer).setUint32(8 + 2 + 12 * 4 + 8, gpsAt);
    expectFull(await read(ptr));
    // the date's value offset points outside the TIFF
    const farValue = await read(tiff({ ifd0: CAMERA, exif: [{ ...ascii(0x9003, '2024:06:03 14:22:05'), offset: 50_000 }] }));
    expect(farValue).toMatchObject({ takenAtSource: 'none', orientation: 6 });
    expect(farValue.exifWarning).toMatch(/damaged/);
    // an entry of an unknown type (jhead's verizon.jpg has one in IFD0) does not hide the others
    expectFull(await read(tiff({ ifd0: [...CAMERA, { tag: 0x0001, type: 0, value: [] }], exif: WHEN, gps: WHERE })));
    // headers that are not TIFF, or an IFD0 outside the data
    for (const junk of [latin('XX*\0\0\0\0\x08\0\0'), concat(latin('MM\0*'), u32be(4000), new Uint8Array(20)), latin('MM\0*'), new Uint8Array(0)]) {
      const meta = await read(junk);
      expect(meta.takenAtSource).toBe('none');
      if (junk.length > 8) expect(meta.exifWarning).toMatch(/could not be read/);
    }
    // truncated in the middle of the Exif IFD
    const cut = await read(FULL.subarray(0, 80));
    expect(cut.takenAtSource).not.toBe('exif');
  });

  it('reports the stored orientation as is, and XMP tiff:Orientation when EXIF has none', async () => {
    for (const o of [0, 1, 5, 8, 9]) {
      expect((await readPhotoMeta(jpegWith(tiff({ ifd0: [short(0x0112, o)] })), 'jpeg', 'x.jpg', null)).orientation).toBe(o);
    }
    const xmp = latin('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description tiff:Orientation="8"/></x:xmpmeta>');
    const withXmp = concat([0xff, 0xd8, 0xff, 0xe1], u16be(xmp.length + 2), xmp, [0xff, 0xd9]);
    expect((await readPhotoMeta(withXmp, 'jpeg', 'x.jpg', null)).orientation).toBe(8);
  });

  it('never throws on arbitrary bytes', async () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const sources = [jpegWith(FULL), pngWith(pngChunk('eXIf', FULL)), webpWith(FULL), heifWith(FULL, 'base-offset')];
    for (let round = 0; round < 300; round++) {
      const bytes = sources[round % sources.length]!.slice();
      for (let k = 0; k < 1 + (round % 8); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const cut = bytes.subarray(0, Math.max(12, Math.floor(bytes.length * (0.5 + random() / 2))));
      const meta = await readPhotoMeta(cut, 'jpeg', 'x.jpg', null);
      expect(meta.takenAtSource).toMatch(/^(exif|filename|file|none)$/);
    }
  });
});
