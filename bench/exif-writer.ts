/**
 * A small EXIF writer for benchmark fixtures: builds a JPEG APP1 "Exif" segment holding a TIFF
 * structure with IFD0, an Exif sub-IFD and (optionally) a GPS sub-IFD, and splices it into a JPEG.
 *
 * Layout (offsets are relative to the TIFF header, as the TIFF/EXIF specs require):
 *   TIFF header (8) | IFD0 + its out-of-line values | ExifIFD + values | GPSIFD + values
 * Every IFD starts on an even offset, entries are sorted by tag, values of more than 4 bytes live
 * after their IFD at even offsets, and IFD0's next-IFD link is 0 (no IFD1 / thumbnail).
 */

export interface ExifGps {
  /** Decimal degrees, north positive. */
  latitude: number;
  /** Decimal degrees, east positive. */
  longitude: number;
  /** Metres above sea level (negative: below). */
  altitude?: number;
  /** UTC capture time 'YYYY:MM:DD HH:MM:SS' (written as GPSDateStamp + GPSTimeStamp). */
  utc?: string;
}

export interface ExifCameraSettings {
  /** Seconds as a fraction, e.g. [1, 120]. */
  exposureTime: [number, number];
  /** e.g. [18, 10] for f/1.8. */
  fNumber: [number, number];
  iso: number;
  /** Millimetres as a fraction, e.g. [5700, 1000]. */
  focalLength: [number, number];
  focalLengthIn35mm?: number;
}

export interface ExifFields {
  make: string;
  model: string;
  software?: string;
  /** 1..8; defaults to 1. */
  orientation?: number;
  pixelXDimension: number;
  pixelYDimension: number;
  /** Local wall-clock capture time, 'YYYY:MM:DD HH:MM:SS' (also written as DateTime and DateTimeDigitized). */
  dateTimeOriginal: string;
  /** '+HH:MM' / '-HH:MM' (also written as OffsetTime and OffsetTimeDigitized). */
  offsetTimeOriginal?: string;
  /** Fractional seconds digits, e.g. '347'. */
  subSecTimeOriginal?: string;
  /** ImageUniqueID (0xA420), conventionally 32 hex digits; phones write one per shot. */
  imageUniqueId?: string;
  gps?: ExifGps;
  camera?: ExifCameraSettings;
  /** Byte order of the TIFF structure; defaults to little-endian ('II'). */
  byteOrder?: 'II' | 'MM';
}

const T = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5, UNDEFINED: 7 } as const;
type FieldType = (typeof T)[keyof typeof T];

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };

interface Entry {
  tag: number;
  type: FieldType;
  count: number;
  /** Writes the value (count × type size bytes) at `at`. */
  write: (view: DataView, at: number, le: boolean) => void;
}

const EXIF_DATE = /^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

function ascii(tag: number, text: string): Entry {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`EXIF ASCII tag 0x${tag.toString(16)}: non-ASCII text ${JSON.stringify(text)}`);
  return {
    tag,
    type: T.ASCII,
    count: text.length + 1,
    write: (v, at) => {
      for (let i = 0; i < text.length; i++) v.setUint8(at + i, text.charCodeAt(i));
      v.setUint8(at + text.length, 0);
    },
  };
}

function undefinedBytes(tag: number, bytes: number[]): Entry {
  return { tag, type: T.UNDEFINED, count: bytes.length, write: (v, at) => bytes.forEach((b, i) => v.setUint8(at + i, b)) };
}

function byteValues(tag: number, bytes: number[]): Entry {
  return { tag, type: T.BYTE, count: bytes.length, write: (v, at) => bytes.forEach((b, i) => v.setUint8(at + i, b)) };
}

function short(tag: number, value: number): Entry {
  checkUint(tag, value, 0xffff);
  return { tag, type: T.SHORT, count: 1, write: (v, at, le) => v.setUint16(at, value, le) };
}

function long(tag: number, value: number): Entry {
  checkUint(tag, value, 0xffffffff);
  return { tag, type: T.LONG, count: 1, write: (v, at, le) => v.setUint32(at, value, le) };
}

function rationals(tag: number, values: [number, number][]): Entry {
  for (const [n, d] of values) {
    checkUint(tag, n, 0xffffffff);
    checkUint(tag, d, 0xffffffff);
  }
  return {
    tag,
    type: T.RATIONAL,
    count: values.length,
    write: (v, at, le) =>
      values.forEach(([n, d], i) => {
        v.setUint32(at + i * 8, n, le);
        v.setUint32(at + i * 8 + 4, d, le);
      }),
  };
}

function checkUint(tag: number, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`EXIF tag 0x${tag.toString(16)}: ${value} is not an integer in 0..${max}`);
}

/** Decimal degrees → [deg/1, min/1, sec×10000/10000] (1e-4 arc-second ≈ 3 mm). */
function dms(decimal: number): [number, number][] {
  const totalTenThousandths = Math.round(Math.abs(decimal) * 3600 * 10000);
  const deg = Math.floor(totalTenThousandths / (3600 * 10000));
  const rest = totalTenThousandths - deg * 3600 * 10000;
  const min = Math.floor(rest / (60 * 10000));
  const sec = rest - min * 60 * 10000;
  return [
    [deg, 1],
    [min, 1],
    [sec, 10000],
  ];
}

function ifdSize(entries: Entry[]): { size: number; dataSize: number } {
  let dataSize = 0;
  for (const e of entries) {
    const bytes = e.count * TYPE_SIZE[e.type]!;
    if (bytes > 4) dataSize += bytes + (bytes & 1);
  }
  return { size: 2 + entries.length * 12 + 4 + dataSize, dataSize };
}

function writeIfd(view: DataView, start: number, entries: Entry[], le: boolean): void {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new Error(`duplicate EXIF tag 0x${sorted[i]!.tag.toString(16)}`);
  view.setUint16(start, sorted.length, le);
  let data = start + 2 + sorted.length * 12 + 4;
  sorted.forEach((e, i) => {
    const at = start + 2 + i * 12;
    const bytes = e.count * TYPE_SIZE[e.type]!;
    view.setUint16(at, e.tag, le);
    view.setUint16(at + 2, e.type, le);
    view.setUint32(at + 4, e.count, le);
    if (bytes <= 4) {
      e.write(view, at + 8, le); // left-justified in the 4-byte field; the rest stays 0
    } else {
      view.setUint32(at + 8, data, le);
      e.write(view, data, le);
      data += bytes + (bytes & 1);
    }
  });
  view.setUint32(start + 2 + sorted.length * 12, 0, le); // no next IFD
}

/** Builds the complete APP1 segment: FF E1, length, "Exif\0\0", TIFF structure. */
export function buildExifApp1(fields: ExifFields): Uint8Array {
  const le = (fields.byteOrder ?? 'II') === 'II';
  if (!EXIF_DATE.test(fields.dateTimeOriginal)) throw new Error(`dateTimeOriginal must be 'YYYY:MM:DD HH:MM:SS', got ${JSON.stringify(fields.dateTimeOriginal)}`);
  if (fields.offsetTimeOriginal !== undefined && !OFFSET.test(fields.offsetTimeOriginal)) throw new Error(`offsetTimeOriginal must be '±HH:MM', got ${JSON.stringify(fields.offsetTimeOriginal)}`);
  const orientation = fields.orientation ?? 1;
  if (orientation < 1 || orientation > 8) throw new Error(`orientation must be 1..8, got ${orientation}`);

  const exif: Entry[] = [
    undefinedBytes(0x9000, [0x30, 0x32, 0x33, 0x32]), // ExifVersion "0232"
    ascii(0x9003, fields.dateTimeOriginal), // DateTimeOriginal
    ascii(0x9004, fields.dateTimeOriginal), // DateTimeDigitized (CreateDate)
    undefinedBytes(0x9101, [1, 2, 3, 0]), // ComponentsConfiguration YCbCr
    short(0xa001, 1), // ColorSpace sRGB
    long(0xa002, fields.pixelXDimension),
    long(0xa003, fields.pixelYDimension),
  ];
  if (fields.offsetTimeOriginal !== undefined) {
    exif.push(ascii(0x9010, fields.offsetTimeOriginal), ascii(0x9011, fields.offsetTimeOriginal), ascii(0x9012, fields.offsetTimeOriginal));
  }
  if (fields.subSecTimeOriginal !== undefined) {
    if (!/^\d{1,9}$/.test(fields.subSecTimeOriginal)) throw new Error(`subSecTimeOriginal must be digits, got ${JSON.stringify(fields.subSecTimeOriginal)}`);
    exif.push(ascii(0x9291, fields.subSecTimeOriginal), ascii(0x9292, fields.subSecTimeOriginal));
  }
  if (fields.imageUniqueId !== undefined) exif.push(ascii(0xa420, fields.imageUniqueId));
  if (fields.camera) {
    const c = fields.camera;
    exif.push(rationals(0x829a, [c.exposureTime]), rationals(0x829d, [c.fNumber]), short(0x8827, c.iso), rationals(0x920a, [c.focalLength]));
    if (c.focalLengthIn35mm !== undefined) exif.push(short(0xa405, c.focalLengthIn35mm));
  }

  let gps: Entry[] | undefined;
  if (fields.gps) {
    const { latitude, longitude, altitude, utc } = fields.gps;
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) throw new Error(`GPS out of range: ${latitude}, ${longitude}`);
    gps = [
      byteValues(0x0000, [2, 2, 0, 0]), // GPSVersionID
      ascii(0x0001, latitude < 0 ? 'S' : 'N'),
      rationals(0x0002, dms(latitude)),
      ascii(0x0003, longitude < 0 ? 'W' : 'E'),
      rationals(0x0004, dms(longitude)),
    ];
    if (altitude !== undefined) {
      gps.push(byteValues(0x0005, [altitude < 0 ? 1 : 0]), rationals(0x0006, [[Math.round(Math.abs(altitude) * 100), 100]]));
    }
    if (utc !== undefined) {
      if (!EXIF_DATE.test(utc)) throw new Error(`gps.utc must be 'YYYY:MM:DD HH:MM:SS', got ${JSON.stringify(utc)}`);
      const [date, time] = utc.split(' ') as [string, string];
      const [h, m, s] = time.split(':').map(Number) as [number, number, number];
      gps.push(
        rationals(0x0007, [
          [h, 1],
          [m, 1],
          [s, 1],
        ]),
        ascii(0x001d, date),
      );
    }
  }

  // Offsets are known once sizes are: IFD0 at 8, then ExifIFD, then GPS IFD.
  const ifd0Base: Entry[] = [
    ascii(0x010f, fields.make),
    ascii(0x0110, fields.model),
    short(0x0112, orientation),
    rationals(0x011a, [[72, 1]]),
    rationals(0x011b, [[72, 1]]),
    short(0x0128, 2), // ResolutionUnit inches
    ascii(0x0132, fields.dateTimeOriginal), // DateTime (ModifyDate)
    short(0x0213, 1), // YCbCrPositioning centered
  ];
  if (fields.software !== undefined) ifd0Base.push(ascii(0x0131, fields.software));
  const pointerCount = gps ? 2 : 1;
  const ifd0Size = ifdSize([...ifd0Base, ...Array.from({ length: pointerCount }, () => long(0, 0))]).size;
  const exifOffset = 8 + ifd0Size;
  const exifSize = ifdSize(exif).size;
  const gpsOffset = exifOffset + exifSize;
  const ifd0 = [...ifd0Base, long(0x8769, exifOffset)];
  if (gps) ifd0.push(long(0x8825, gpsOffset));
  const tiffLength = gpsOffset + (gps ? ifdSize(gps).size : 0);

  const headerLength = 2 + 2 + 6; // marker, length, "Exif\0\0"
  const segmentLength = 2 + 6 + tiffLength; // the JPEG length field counts itself
  if (segmentLength > 0xffff) throw new Error(`EXIF segment too large (${segmentLength} bytes)`);
  const out = new Uint8Array(headerLength + tiffLength);
  const seg = new DataView(out.buffer);
  seg.setUint16(0, 0xffe1);
  seg.setUint16(2, segmentLength);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4);
  const tiff = new DataView(out.buffer, headerLength, tiffLength);
  tiff.setUint16(0, le ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, le);
  tiff.setUint32(4, 8, le);
  writeIfd(tiff, 8, ifd0, le);
  writeIfd(tiff, exifOffset, exif, le);
  if (gps) writeIfd(tiff, gpsOffset, gps, le);
  return out;
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0];

/**
 * Returns a copy of `jpeg` with `app1` right after SOI and every existing APP1 "Exif" segment removed
 * (other segments, XMP APP1 included, are kept). Only the header segments before SOS are walked.
 */
export function insertExifApp1(jpeg: Uint8Array, app1: Uint8Array): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG (no SOI)');
  if (app1[0] !== 0xff || app1[1] !== 0xe1 || ((app1[2]! << 8) | app1[3]!) !== app1.length - 2) throw new Error('not a complete APP1 segment');
  const keep: [number, number][] = [];
  let pos = 2;
  let keepFrom = 2;
  for (;;) {
    if (pos + 4 > jpeg.length) throw new Error('truncated JPEG header');
    if (jpeg[pos] !== 0xff) throw new Error(`expected a marker at ${pos}`);
    let marker = jpeg[pos + 1]!;
    while (marker === 0xff) {
      pos++; // fill byte
      marker = jpeg[pos + 1]!;
    }
    if (marker === 0xda || marker === 0xd9) break; // SOS (entropy data follows) or EOI
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    const end = pos + 2 + length;
    if (length < 2 || end > jpeg.length) throw new Error(`bad segment length at ${pos}`);
    const isExif = marker === 0xe1 && length >= 8 && EXIF_HEADER.every((b, i) => jpeg[pos + 4 + i] === b);
    if (isExif) {
      if (pos > keepFrom) keep.push([keepFrom, pos]);
      keepFrom = end;
    }
    pos = end;
  }
  keep.push([keepFrom, jpeg.length]);
  const total = 2 + app1.length + keep.reduce((n, [a, b]) => n + b - a, 0);
  const out = new Uint8Array(total);
  out[0] = 0xff;
  out[1] = 0xd8;
  out.set(app1, 2);
  let at = 2 + app1.length;
  for (const [a, b] of keep) {
    out.set(jpeg.subarray(a, b), at);
    at += b - a;
  }
  return out;
}
