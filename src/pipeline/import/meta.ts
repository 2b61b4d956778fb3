/**
 * Photo metadata for import: capture time, GPS position, EXIF Orientation and camera.
 *
 * Pure and DOM-free (runs in an import worker and in Node). Nothing here depends on the time zone of
 * the machine: EXIF dates are read as raw strings (exifr `reviveValues: false`) and all arithmetic is
 * done with Date.UTC.
 *
 * How the EXIF is found: this module locates the TIFF structure itself (JPEG/MPO APP1 "Exif", PNG eXIf
 * or an ImageMagick "Raw profile type exif" text chunk, WebP EXIF chunk, HEIF/AVIF Exif item through
 * iinf + iloc) and hands exifr exactly those bytes, so exifr parses a TIFF and only the tags we pick.
 * We do not let exifr find the segment because exifr 7.1.3 cannot read WebP at all and ignores the iloc
 * base_offset that libheif's heif-enc writes (it then reads the wrong bytes and finds no EXIF).
 *
 * Rules (see tests/unit/meta.test.ts for the corpus cases):
 * - takenAt: DateTimeOriginal, else CreateDate (DateTimeDigitized), else IFD0 DateTime (ModifyDate) — the
 *   last only when IFD0 names a camera (Make or Model): without one, DateTime is the time an editor
 *   saved the file, not a capture time. Local wall clock + the matching OffsetTime* tag when present.
 * - Odd date strings are read as a careful person would (see parseExifDateTime); impossible ones
 *   (month 13, Feb 30, "0000:00:00 00:00:00") are rejected, never guessed.
 * - No EXIF date: a date in the file name (source 'filename', local, no offset), else the file's
 *   lastModified (source 'file', UTC with "Z"), else 'none'.
 * - Damaged EXIF never throws: dates and GPS from a damaged EXIF are not trusted (`exifWarning` says
 *   so); Orientation and Make/Model from a readable IFD0 are kept, because the decoder applies that
 *   Orientation whatever the state of the rest.
 * - Orientation: the stored value, whatever it is (0 and values above 8 are passed through; only 5..8
 *   swap width and height). Without an EXIF Orientation, an XMP tiff:Orientation is reported. XMP dates
 *   are deliberately not used: they are edit/creation dates written by software far more often than
 *   capture times.
 */
import exifr from 'exifr';
import type { GpsPosition, ImageFormat, PhotoMeta, TakenAtSource } from '../contracts';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Read a photo's metadata. Never throws; an unreadable EXIF is reported in `exifWarning`. */
export async function readPhotoMeta(
  bytes: Uint8Array,
  format: ImageFormat,
  fileName: string,
  lastModifiedMs: number | null,
): Promise<PhotoMeta> {
  let exif: ExifFields = EMPTY_FIELDS;
  let xmpOrientation: number | null = null;
  let found: Located = NOTHING;
  try {
    found = await locateMetadata(bytes, format);
    if (found.tiff) exif = await readTiff(found.tiff);
    else if (found.problem) exif = { ...EMPTY_FIELDS, warnings: [found.problem] };
  } catch {
    // Defensive: every reader is bounds-checked, but a photo must import whatever its metadata holds.
    exif = { ...EMPTY_FIELDS, warnings: [WARN_UNREADABLE] };
  }
  try {
    if (exif.orientation === null && found.xmp) xmpOrientation = xmpTiffOrientation(found.xmp);
  } catch {
    xmpOrientation = null;
  }

  const when = exif.taken ? fromExif(exif.taken) : fallbackTime(fileName, lastModifiedMs);
  const camera = exif.make !== null || exif.model !== null ? { make: exif.make, model: exif.model } : null;
  const meta: PhotoMeta = {
    takenAt: when.takenAt,
    takenAtSource: when.source,
    takenAtUtcMs: when.utcMs,
    gps: exif.gps,
    orientation: exif.orientation ?? xmpOrientation,
    camera,
  };
  if (exif.warnings.length > 0) meta.exifWarning = exif.warnings.join(' ');
  return meta;
}

/**
 * Size of the picture as shown. JPEG/MPO/PNG/WebP: EXIF Orientation 5..8 (a quarter turn) swaps width
 * and height. HEIC/HEIF/AVIF: the decoder applies the container's irot, and the EXIF Orientation in such
 * files is informational only, so only a 90/270 irot swaps.
 */
export function displaySize(
  storedWidth: number,
  storedHeight: number,
  format: ImageFormat,
  orientation: number | null,
  heifRotation: 0 | 90 | 180 | 270 = 0,
): { width: number; height: number } {
  const heif = format === 'heic' || format === 'heif' || format === 'avif';
  const swap = heif
    ? heifRotation === 90 || heifRotation === 270
    : orientation !== null && orientation >= 5 && orientation <= 8;
  return swap ? { width: storedHeight, height: storedWidth } : { width: storedWidth, height: storedHeight };
}

/** A local wall-clock time (no zone). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ParsedDateTime {
  wall: WallClock;
  /** Offset from UTC in minutes when the string itself carries one (e.g. "…+02:00" or "…Z"). */
  offsetMinutes: number | null;
  /** Fractional seconds in ms when the string carries them. */
  millis: number;
}

/**
 * Read an EXIF-style date/time string the way a careful person would, or return null.
 *
 * Accepted: "2008:05:08 09:54:28" (the standard), any of : - / . as date separators and : . - as time
 * separators ("2004/05/09 16:00:21", "2004-05-09T16:00:21"), a missing seconds field ("… 11:16" → :00),
 * a date without a time (→ 00:00:00), compact "20040509 160021", fractional seconds, a trailing zone
 * ("Z", "+02:00"), AM/PM, and day-first dates with the year last: "05.10.2009 11:16" is 5 October 2009
 * (dots and dashes are day-first, the European convention; slashes are month-first, the US one; when
 * that reading is impossible but the other is possible, the other is taken). Anything after a NUL is
 * ignored (ExifTool does the same). "24:00:00" is midnight of the next day; a leap second ":60" is :59.
 *
 * Rejected: blank or all-zero placeholders ("0000:00:00 00:00:00", "    :  :     :  :  "), impossible
 * fields (month 13, 30 February, hour 25, minute 61), years outside 1800..2100, two-digit years, and
 * anything with text left over.
 */
export function parseExifDateTime(raw: string): ParsedDateTime | null {
  const text = raw.split('\0')[0]!.replace(/\s+/g, ' ').trim();
  if (text === '' || /^[\s0:./\-T]*$/.test(text)) return null;
  const m = YEAR_FIRST.exec(text) ?? COMPACT.exec(text);
  let year: number, month: number, day: number, rest: string | undefined;
  if (m) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rest = m[4];
  } else {
    const y = YEAR_LAST.exec(text);
    if (!y) return null;
    const a = Number(y[1]);
    const b = Number(y[3]);
    year = Number(y[4]);
    const monthFirst = y[2] === '/';
    [month, day] = monthFirst ? [a, b] : [b, a];
    if (!validDate(year, month, day) && validDate(year, day, month)) [month, day] = [day, month];
    rest = y[5];
  }
  if (!validDate(year, month, day)) return null;

  let hour = 0, minute = 0, second = 0, millis = 0;
  let offsetMinutes: number | null = null;
  if (rest !== undefined && rest !== '') {
    const t = TIME.exec(rest);
    if (!t) return null;
    hour = Number(t[1]);
    minute = Number(t[2]);
    second = t[3] === undefined ? 0 : Number(t[3]);
    millis = t[4] === undefined ? 0 : Number(t[4].slice(0, 3).padEnd(3, '0'));
    const ampm = t[5]?.[0]?.toLowerCase();
    if (ampm !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (ampm === 'p' ? 12 : 0);
    }
    if (t[6] !== undefined) {
      offsetMinutes = parseOffset(t[6]);
      if (offsetMinutes === null) return null;
    }
  }
  if (second === 60) second = 59;
  if (minute > 59 || second > 59) return null;
  const wall: WallClock = { year, month, day, hour, minute, second };
  if (hour === 24) {
    if (minute !== 0 || second !== 0 || millis !== 0) return null;
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    Object.assign(wall, { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0 });
  } else if (hour > 23) {
    return null;
  }
  return { wall, offsetMinutes, millis };
}

/**
 * An EXIF OffsetTime* value ("+01:00", "-06:00", also "+0100" and "Z") in minutes east of UTC, or null
 * when absent, blank ("   :  ") or impossible (beyond -12:00..+14:00).
 */
export function parseOffset(raw: string | null | undefined): number | null {
  if (!raw) return null;
  const text = raw.split('\0')[0]!.trim();
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes > 59) return null;
  const total = (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  return total < -12 * 60 || total > 14 * 60 ? null : total || 0; // -00:00 is 0
}

/**
 * A capture date in a file name (local wall clock), or null. Knows the names phones, messengers and
 * desktops give files: "IMG_20230101_123456.jpg", "PXL_20230101_123456789.jpg",
 * "Screenshot_20231112-084501.png", "2021-02-13-1929.heic", "WhatsApp Image 2023-01-01 at 12.34.56.jpeg",
 * "Screen Shot 2020-01-01 at 1.02.03 PM.png", "photo_2023-01-01_12-34-56.jpg", "IMG-20230101-WA0001.jpg"
 * (date only → 00:00:00). Years 1900..2099; invalid dates are skipped; an invalid time leaves the date.
 */
export function dateFromFileName(fileName: string): WallClock | null {
  const name = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  for (const m of name.matchAll(NAME_DATE)) {
    const year = Number(m[1]);
    const month = Number(m[3]);
    const day = Number(m[4]);
    if (!validDate(year, month, day)) continue;
    const wall: WallClock = { year, month, day, hour: 0, minute: 0, second: 0 };
    const rest = name.slice(m.index + m[0].length);
    const time = timeFromName(rest);
    if (time) Object.assign(wall, time);
    return wall;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Capture time
// ---------------------------------------------------------------------------------------------

interface When {
  takenAt: string | null;
  source: TakenAtSource;
  utcMs: number | null;
}

interface ExifTaken {
  parsed: ParsedDateTime;
  /** From the OffsetTime* tag (or the date string itself), minutes east of UTC. */
  offsetMinutes: number | null;
  /** From the SubSecTime* tag, 0..999. */
  subSecMs: number;
}

function fromExif(taken: ExifTaken): When {
  const { wall } = taken.parsed;
  const offset = taken.offsetMinutes;
  const local = formatWall(wall);
  if (offset === null) return { takenAt: local, source: 'exif', utcMs: null };
  const utcMs = wallAsUtcMs(wall) - offset * 60_000 + taken.subSecMs;
  return { takenAt: local + formatOffset(offset), source: 'exif', utcMs };
}

function fallbackTime(fileName: string, lastModifiedMs: number | null): When {
  const named = dateFromFileName(fileName);
  if (named) return { takenAt: formatWall(named), source: 'filename', utcMs: null };
  if (lastModifiedMs !== null && Number.isFinite(lastModifiedMs) && lastModifiedMs > 0 && lastModifiedMs < MAX_FILE_MS) {
    const ms = Math.floor(lastModifiedMs);
    return { takenAt: new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z'), source: 'file', utcMs: ms };
  }
  return { takenAt: null, source: 'none', utcMs: null };
}

/** 2100-01-01T00:00:00Z: a file date beyond this is a broken clock, not a date. */
const MAX_FILE_MS = 4_102_444_800_000;

const YEAR_FIRST = /^(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:(?:[T ]|[:_\-,] ?)(.*))?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{4}.*))?$/;
const YEAR_LAST = /^(\d{1,2})([.\-/])(\d{1,2})\2(\d{4})(?:(?:[T ]|[:_\-,] ?)(.*))?$/;
const TIME =
  /^(\d{1,2})(?:[:.\-]?)(\d{2})(?:[:.\-]?(\d{2})(?:[.,](\d{1,9}))?)?(?: ?([AaPp]\.?[Mm]\.?))?(?: ?(Z|[+-]\d{2}:?\d{2}))?$/;

const NAME_DATE = /(?<!\d)((?:19|20)\d{2})([-_.]?)(\d{2})\2(\d{2})/g;
const NAME_TIME_SEPARATED = /^(?:[-_ T.]|\s+at\s+|_at_)(\d{1,2})([-_.: h])(\d{2})(?:\2(\d{2}))?(?:\s?([AaPp])\.?[Mm]\.?)?(?!\d)/;
const NAME_TIME_DIGITS = /^(?:[-_ T.]|\s+at\s+|_at_)?(\d+)/;

function timeFromName(rest: string): Pick<WallClock, 'hour' | 'minute' | 'second'> | null {
  let hour: number, minute: number, second: number;
  const s = NAME_TIME_SEPARATED.exec(rest);
  if (s) {
    hour = Number(s[1]);
    minute = Number(s[3]);
    second = s[4] === undefined ? 0 : Number(s[4]);
    if (s[5] !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (s[5].toLowerCase() === 'p' ? 12 : 0);
    }
  } else {
    const d = NAME_TIME_DIGITS.exec(rest)?.[1];
    // HHMM, HHMMSS, or HHMMSS followed by up to 3 digits of milliseconds (Pixel: 123456789).
    if (d === undefined || !(d.length === 4 || (d.length >= 6 && d.length <= 9))) return null;
    hour = Number(d.slice(0, 2));
    minute = Number(d.slice(2, 4));
    second = d.length >= 6 ? Number(d.slice(4, 6)) : 0;
  }
  return hour <= 23 && minute <= 59 && second <= 59 ? { hour, minute, second } : null;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1800 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wallAsUtcMs(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function formatWall(w: WallClock): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// ---------------------------------------------------------------------------------------------
// EXIF (TIFF structure) through exifr
// ---------------------------------------------------------------------------------------------

const TAG = {
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  modifyDate: 0x0132,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  dateTimeOriginal: 0x9003,
  createDate: 0x9004,
  offsetTime: 0x9010,
  offsetTimeOriginal: 0x9011,
  offsetTimeDigitized: 0x9012,
  subSecTime: 0x9290,
  subSecTimeOriginal: 0x9291,
  subSecTimeDigitized: 0x9292,
  gpsLatitudeRef: 0x0001,
  gpsLatitude: 0x0002,
  gpsLongitudeRef: 0x0003,
  gpsLongitude: 0x0004,
  gpsAltitudeRef: 0x0005,
  gpsAltitude: 0x0006,
} as const;

/**
 * One options object, reused (exifr caches its parsed options per object). Only the tags we use are
 * picked, so exifr neither reads nor validates any other entry: a broken entry elsewhere (a tag with
 * type 0, say) does not cost us the rest. Keys stay numeric (no translation), values stay raw (no
 * Date revival in the machine's zone), pointers stay in the output (sanitize: false) so we can check them.
 */
type ExifrOptions = NonNullable<Exclude<Parameters<typeof exifr.parse>[1], boolean | (string | number)[]>>;

const EXIFR_OPTIONS = {
  ifd0: { pick: [TAG.make, TAG.model, TAG.orientation, TAG.modifyDate, TAG.exifIfd, TAG.gpsIfd] },
  exif: {
    pick: [
      TAG.dateTimeOriginal, TAG.createDate, TAG.offsetTime, TAG.offsetTimeOriginal, TAG.offsetTimeDigitized,
      TAG.subSecTime, TAG.subSecTimeOriginal, TAG.subSecTimeDigitized,
    ],
  },
  gps: { pick: [TAG.gpsLatitudeRef, TAG.gpsLatitude, TAG.gpsLongitudeRef, TAG.gpsLongitude, TAG.gpsAltitudeRef, TAG.gpsAltitude] },
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: false,
  translateValues: false,
  reviveValues: false,
  sanitize: false,
  mergeOutput: false,
} satisfies ExifrOptions;
const EXIFR_NO_GPS = { ...EXIFR_OPTIONS, gps: false } satisfies ExifrOptions;
const EXIFR_IFD0_ONLY = { ...EXIFR_OPTIONS, exif: false, gps: false } satisfies ExifrOptions;

const WARN_UNREADABLE = "The photo's EXIF data could not be read, so its capture date and location were not used.";
const WARN_EXIF_DAMAGED = "The photo's EXIF data is damaged, so its capture date and location were not used.";
const WARN_GPS_DAMAGED = "The photo's GPS data is damaged, so its location was not used.";
const WARN_GPS_RANGE = "The photo's GPS position is out of range, so its location was not used.";

interface ExifFields {
  taken: ExifTaken | null;
  gps: GpsPosition | null;
  orientation: number | null;
  make: string | null;
  model: string | null;
  warnings: string[];
}

const EMPTY_FIELDS: ExifFields = { taken: null, gps: null, orientation: null, make: null, model: null, warnings: [] };

type Block = Record<string, unknown>;

/** The parts of exifr's Exifr class we use; its typings do not declare `parsers`. */
interface ExifrRun {
  read(input: Uint8Array): Promise<void>;
  parse(): Promise<{ ifd0?: Block; exif?: Block; gps?: Block; errors?: unknown[] } | undefined>;
  parsers: { tiff?: { errors?: unknown[] } };
}

async function readTiff(tiff: Uint8Array): Promise<ExifFields> {
  const le = tiffHeaderOk(tiff);
  if (le === null) return { ...EMPTY_FIELDS, warnings: [WARN_UNREADABLE] };
  // Check the sub-IFD pointers before exifr follows them: exifr follows a pointer of the wrong type
  // too (corrupt_exif.jpg's ASCII ExifOffset costs it ~100 ms of string arithmetic) and reads garbage.
  const pointers = subIfdPointers(tiff, le);
  const options = pointers.exif === 'bad' ? EXIFR_IFD0_ONLY : pointers.gps === 'bad' ? EXIFR_NO_GPS : EXIFR_OPTIONS;
  let out: Awaited<ReturnType<ExifrRun['parse']>>;
  let blockErrors: unknown[];
  try {
    // The Exifr class rather than exifr.parse(): errors inside the Exif/GPS blocks are kept on the
    // segment parser (exifr.parse() drops them), and we need them to tell "no date" from "unreadable".
    const run = new (exifr as unknown as { Exifr: new (options: ExifrOptions) => ExifrRun }).Exifr(options);
    await run.read(tiff);
    out = await run.parse();
    blockErrors = run.parsers.tiff?.errors ?? [];
  } catch {
    return { ...EMPTY_FIELDS, warnings: [WARN_UNREADABLE] };
  }
  if (out?.ifd0 === undefined && (out?.errors?.length ?? 0) > 0) return { ...EMPTY_FIELDS, warnings: [WARN_UNREADABLE] };
  const ifd0 = out?.ifd0 ?? {};

  const warnings: string[] = [];
  const make = cleanText(ifd0[TAG.make]);
  const model = cleanText(ifd0[TAG.model]);
  const orientation = storedOrientation(ifd0[TAG.orientation]);
  // A block that exifr started but could not finish (a value offset outside the TIFF, say) is damage.
  const exifDamaged = pointers.exif === 'bad' || (pointers.exif === 'ok' && out?.exif === undefined && blockErrors.length > 0);
  const gpsDamaged = pointers.gps === 'bad' || (pointers.gps === 'ok' && out?.gps === undefined && blockErrors.length > 0);

  let taken: ExifTaken | null = null;
  let gps: GpsPosition | null = null;
  if (exifDamaged) {
    // If the Exif IFD cannot be trusted, none of the dates can (nor, then, the GPS block).
    warnings.push(WARN_EXIF_DAMAGED);
  } else {
    const result = pickTaken(ifd0, out?.exif ?? {}, make !== null || model !== null);
    taken = result.taken;
    if (result.warning) warnings.push(result.warning);
    if (gpsDamaged) {
      warnings.push(WARN_GPS_DAMAGED);
    } else if (out?.gps) {
      const g = readGps(out.gps);
      if (g === 'out-of-range') warnings.push(WARN_GPS_RANGE);
      else gps = g;
    }
  }
  return { taken, gps, orientation, make, model, warnings };
}

/** The byte order (true: little-endian) of a well-formed TIFF header whose IFD0 lies inside, else null. */
function tiffHeaderOk(t: Uint8Array): boolean | null {
  if (t.length < 10) return null;
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const order = dv.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const le = order === 0x4949;
  if (dv.getUint16(2, le) !== 42) return null;
  const ifd0 = dv.getUint32(4, le);
  return ifd0 >= 8 && ifd0 + 2 <= t.length ? le : null;
}

type PointerState = 'absent' | 'ok' | 'bad';

/**
 * The Exif and GPS sub-IFD pointers of IFD0: 'ok' when the entry is a single integer pointing at an
 * IFD whose entries all lie inside the TIFF, 'bad' when the entry is there but is not that.
 */
function subIfdPointers(t: Uint8Array, le: boolean): { exif: PointerState; gps: PointerState } {
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const result: { exif: PointerState; gps: PointerState } = { exif: 'absent', gps: 'absent' };
  const ifd0 = dv.getUint32(4, le);
  const count = Math.min(dv.getUint16(ifd0, le), Math.floor((t.length - ifd0 - 2) / 12));
  for (let k = 0; k < count; k++) {
    const entry = ifd0 + 2 + k * 12;
    const tag = dv.getUint16(entry, le);
    if (tag !== TAG.exifIfd && tag !== TAG.gpsIfd) continue;
    const type = dv.getUint16(entry + 2, le);
    const n = dv.getUint32(entry + 4, le);
    let state: PointerState = 'bad';
    // LONG or IFD per the spec; SLONG (Canon PowerShot S5 IS writes its GPS pointer so) and SHORT also occur.
    if (n === 1 && (type === 4 || type === 13 || type === 9 || type === 3 || type === 8)) {
      const at = type === 3 || type === 8 ? dv.getUint16(entry + 8, le) : dv.getUint32(entry + 8, le);
      if (at >= 8 && at + 2 <= t.length) {
        const entries = dv.getUint16(at, le);
        if (at + 2 + entries * 12 <= t.length) state = 'ok'; // an empty IFD (GPS without a fix) is fine
      }
    }
    if (tag === TAG.exifIfd) result.exif = state;
    else result.gps = state;
  }
  return result;
}

function pickTaken(ifd0: Block, exif: Block, fromCamera: boolean): { taken: ExifTaken | null; warning?: string } {
  const candidates: [unknown, unknown, unknown][] = [
    [exif[TAG.dateTimeOriginal], exif[TAG.offsetTimeOriginal], exif[TAG.subSecTimeOriginal]],
    [exif[TAG.createDate], exif[TAG.offsetTimeDigitized], exif[TAG.subSecTimeDigitized]],
  ];
  if (fromCamera) candidates.push([ifd0[TAG.modifyDate], exif[TAG.offsetTime], exif[TAG.subSecTime]]);
  const anyOffset = [exif[TAG.offsetTimeOriginal], exif[TAG.offsetTime], exif[TAG.offsetTimeDigitized]];
  let rejected: string | null = null;
  for (const [date, offset, subSec] of candidates) {
    const raw = asText(date);
    if (raw === null) continue;
    const parsed = parseExifDateTime(raw);
    if (!parsed) {
      if (!isPlaceholder(raw)) rejected ??= raw;
      continue;
    }
    let offsetMinutes = parseOffset(asText(offset)) ?? parsed.offsetMinutes;
    for (const other of anyOffset) offsetMinutes ??= parseOffset(asText(other));
    const subSecMs = parsed.millis || subSecondsMs(asText(subSec));
    return { taken: { parsed, offsetMinutes, subSecMs } };
  }
  if (rejected === null) return { taken: null };
  const shown = cleanText(rejected)?.slice(0, 40) ?? '';
  return { taken: null, warning: `The photo's EXIF capture date "${shown}" is not a real date, so it was not used.` };
}

function isPlaceholder(raw: string): boolean {
  return /^[\s0:./\-T]*$/.test(raw.split('\0')[0]!);
}

function subSecondsMs(raw: string | null): number {
  const digits = raw?.trim().match(/^\d+/)?.[0];
  return digits ? Number(digits.slice(0, 3).padEnd(3, '0')) : 0;
}

function readGps(block: Block): GpsPosition | null | 'out-of-range' {
  const lat = degrees(block[TAG.gpsLatitude], block[TAG.gpsLatitudeRef], 'S');
  const lon = degrees(block[TAG.gpsLongitude], block[TAG.gpsLongitudeRef], 'W');
  if (lat === null || lon === null) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return 'out-of-range';
  // 0,0 is what receivers without a fix write; nobody photographs the Gulf of Guinea's null island.
  if (Math.abs(lat) < 1e-9 && Math.abs(lon) < 1e-9) return null;
  const position: GpsPosition = { lat, lon };
  const altitude = firstNumber(block[TAG.gpsAltitude]);
  if (altitude !== null && Math.abs(altitude) < 100_000) {
    const below = firstNumber(block[TAG.gpsAltitudeRef]) === 1;
    position.altitude = below ? -Math.abs(altitude) : altitude;
  }
  return position;
}

/** [deg, min, sec] rationals (or a single decimal value) with the hemisphere reference applied. */
function degrees(value: unknown, ref: unknown, negativeRef: 'S' | 'W'): number | null {
  const parts = numbers(value);
  if (parts === null || parts.length === 0 || parts.length > 3) return null;
  const [d = 0, m = 0, s = 0] = parts;
  if (!Number.isFinite(d) || !Number.isFinite(m) || !Number.isFinite(s) || m < 0 || s < 0 || m >= 60 || s >= 60) {
    return parts.length === 1 && Number.isFinite(d) ? signed(d, ref, negativeRef) : null;
  }
  const magnitude = Math.abs(d) + m / 60 + s / 3600;
  return signed(d < 0 ? -magnitude : magnitude, ref, negativeRef);
}

function signed(value: number, ref: unknown, negativeRef: 'S' | 'W'): number {
  const r = asText(ref)?.trim().toUpperCase()[0];
  if (r === negativeRef) return -Math.abs(value);
  if (r === 'N' || r === 'E') return Math.abs(value);
  return value;
}

function numbers(value: unknown): number[] | null {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    return list.every((v) => typeof v === 'number') ? (list as number[]) : null;
  }
  return null;
}

function firstNumber(value: unknown): number | null {
  const list = numbers(value);
  const first = list?.[0];
  return first !== undefined && Number.isFinite(first) ? first : null;
}

function storedOrientation(value: unknown): number | null {
  const n = firstNumber(value);
  return n !== null && Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : null;
}

/** A string tag as text: exifr gives ASCII as a string; a wrongly typed BYTE/UNDEFINED tag as bytes. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return latin1(value, 0, value.length);
  return null;
}

/** Make/Model: cut at NUL, control characters dropped, trimmed; null when nothing is left. */
function cleanText(value: unknown): string | null {
  const text = asText(value);
  if (text === null) return null;
  const cleaned = text.split('\0')[0]!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned === '' ? null : cleaned;
}

// ---------------------------------------------------------------------------------------------
// XMP (orientation only)
// ---------------------------------------------------------------------------------------------

/** tiff:Orientation="6" (attribute) or <tiff:Orientation>6</tiff:Orientation> (element), found without decoding the packet. */
function xmpTiffOrientation(xmp: Uint8Array): number | null {
  const needle = 'tiff:Orientation';
  for (let at = indexOfAscii(xmp, needle, 0); at >= 0; at = indexOfAscii(xmp, needle, at + 1)) {
    const m = /^\s*(?:=\s*["']|>)\s*(\d{1,5})/.exec(latin1(xmp, at + needle.length, Math.min(xmp.length, at + needle.length + 24)));
    if (m) return Number(m[1]);
  }
  return null;
}

function indexOfAscii(b: Uint8Array, text: string, from: number): number {
  const first = text.charCodeAt(0);
  for (let at = b.indexOf(first, from); at >= 0; at = b.indexOf(first, at + 1)) if (ascii(b, at, text)) return at;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Finding the TIFF structure (and an XMP packet) in the container
// ---------------------------------------------------------------------------------------------

interface Located {
  /** A private copy of the TIFF structure ("II*\0…" / "MM\0*…"). */
  tiff: Uint8Array | null;
  /** The XMP packet, a view into the file (only read when EXIF has no Orientation). */
  xmp: Uint8Array | null;
  /** Set when the container says there is EXIF but it cannot be reached. */
  problem?: string;
}

const NOTHING: Located = { tiff: null, xmp: null };
const XMP_NAMESPACE = 'ns.adobe.com/xap/1.0/';
/** EXIF in metadata is small; anything claiming more than this is damage, not data. */
const MAX_EXIF_BYTES = 4 * 1024 * 1024;

async function locateMetadata(bytes: Uint8Array, format: ImageFormat): Promise<Located> {
  void format; // the magic bytes decide: a file named .jpg that is a PNG keeps its PNG metadata
  if (bytes.length < 12) return NOTHING;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return scanJpeg(bytes, dv);
  if (dv.getUint32(0) === 0x89504e47 && dv.getUint32(4) === 0x0d0a1a0a) return scanPng(bytes, dv);
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return scanWebp(bytes, dv);
  if (ascii(bytes, 4, 'ftyp')) return scanIsoBmff(bytes, dv);
  if (ascii(bytes, 0, 'II*\0') || ascii(bytes, 0, 'MM\0*')) return { tiff: copyOf(bytes, 0, Math.min(bytes.length, MAX_EXIF_BYTES)), xmp: null };
  return NOTHING;
}

/** JPEG and MPO: APP segments up to the first SOS (an MPO's second picture has its own, ignored). */
function scanJpeg(b: Uint8Array, dv: DataView): Located {
  let tiff: Uint8Array | null = null;
  let xmp: Uint8Array | null = null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) break; // lost the marker chain: what we have is all we can trust
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const length = dv.getUint16(i + 2);
    if (length < 2) break;
    const start = i + 4;
    const end = Math.min(i + 2 + length, b.length);
    if (marker === 0xe1) {
      if (tiff === null && end - start > 6 + 8 && ascii(b, start, 'Exif\0')) tiff = copyOf(b, start + 6, end);
      else if (xmp === null) xmp = xmpPacket(b, start, end);
    }
    i += 2 + length;
  }
  return { tiff, xmp };
}

/**
 * The XMP packet of an APP1 segment: "http://ns.adobe.com/xap/1.0/\0<?xpacket…". Matched loosely, as
 * ExifTool does: some Photoshop files write a damaged prefix ("XMP\0://ns.adobe.com/xap/1.0/\0").
 */
function xmpPacket(b: Uint8Array, start: number, end: number): Uint8Array | null {
  const head = latin1(b, start, Math.min(end, start + 40));
  const at = head.indexOf(XMP_NAMESPACE);
  if (at < 0) return null;
  const nul = head.indexOf('\0', at);
  return nul < 0 ? null : b.subarray(start + nul + 1, end);
}

/** WebP (RIFF): the EXIF chunk holds the TIFF (some writers prefix "Exif\0\0"); "XMP " holds XMP. */
function scanWebp(b: Uint8Array, dv: DataView): Located {
  let tiff: Uint8Array | null = null;
  let xmp: Uint8Array | null = null;
  const riffEnd = Math.min(b.length, 8 + dv.getUint32(4, true));
  let i = 12;
  while (i + 8 <= riffEnd) {
    const size = dv.getUint32(i + 4, true);
    const start = i + 8;
    const end = Math.min(start + size, b.length);
    if (ascii(b, i, 'EXIF') && tiff === null) tiff = tiffFromBlob(b, start, end);
    else if (ascii(b, i, 'XMP ') && xmp === null) xmp = b.subarray(start, end);
    i = start + size + (size & 1);
  }
  return { tiff, xmp };
}

/** PNG: eXIf, or an ImageMagick/ExifTool "Raw profile type exif|APP1" text chunk; XMP in iTXt. */
async function scanPng(b: Uint8Array, dv: DataView): Promise<Located> {
  let tiff: Uint8Array | null = null;
  let xmp: Uint8Array | null = null;
  let i = 8;
  while (i + 12 <= b.length) {
    const size = dv.getUint32(i);
    const type = latin1(b, i + 4, i + 8);
    const start = i + 8;
    const end = start + size;
    if (end > b.length || type === 'IEND') break;
    if (type === 'eXIf' && tiff === null) {
      tiff = tiffFromBlob(b, start, end);
    } else if ((type === 'tEXt' || type === 'zTXt' || type === 'iTXt') && (tiff === null || xmp === null)) {
      const text = await pngText(b, type, start, end);
      if (text?.keyword === 'XML:com.adobe.xmp' && xmp === null) xmp = text.data;
      else if (text && tiff === null && /^Raw profile type (exif|APP1)$/i.test(text.keyword)) tiff = rawProfileTiff(text.data);
    }
    i = end + 4;
  }
  return { tiff, xmp };
}

async function pngText(b: Uint8Array, type: string, start: number, end: number): Promise<{ keyword: string; data: Uint8Array } | null> {
  const nul = b.indexOf(0, start);
  if (nul < 0 || nul >= end || nul - start > 79) return null;
  const keyword = latin1(b, start, nul);
  // Only the keywords we read are worth inflating.
  if (keyword !== 'XML:com.adobe.xmp' && !keyword.startsWith('Raw profile type')) return null;
  if (type === 'tEXt') return { keyword, data: b.subarray(nul + 1, end) };
  if (type === 'zTXt') {
    const data = await inflate(b.subarray(nul + 2, end));
    return data ? { keyword, data } : null;
  }
  // iTXt: keyword \0 compressed? method language \0 translated keyword \0 text
  const compressed = b[nul + 1] === 1;
  const lang = b.indexOf(0, nul + 3);
  const translated = lang < 0 || lang >= end ? -1 : b.indexOf(0, lang + 1);
  if (translated < 0 || translated >= end) return null;
  const text = b.subarray(translated + 1, end);
  const data = compressed ? await inflate(text) : text;
  return data ? { keyword, data } : null;
}

/** "\nexif\n    1234\n45786966…" (hex, with line breaks) → TIFF bytes. */
function rawProfileTiff(data: Uint8Array): Uint8Array | null {
  const text = latin1(data, 0, Math.min(data.length, MAX_EXIF_BYTES * 2 + 256));
  const m = /^\s*[A-Za-z0-9]*\s*\n\s*(\d+)\s*\n([\s0-9a-fA-F]*)/.exec(text);
  if (!m) return null;
  const declared = Number(m[1]);
  const hex = m[2]!.replace(/\s+/g, '');
  const length = Math.min(declared, hex.length >> 1, MAX_EXIF_BYTES);
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = parseInt(hex.substr(k * 2, 2), 16);
  return tiffFromBlob(out, 0, out.length);
}

/** zlib-wrapped deflate, via the Compression Streams API (workers and Node ≥ 18). Null on any failure. */
async function inflate(data: Uint8Array): Promise<Uint8Array | null> {
  if (typeof DecompressionStream === 'undefined') return null;
  try {
    const stream = new DecompressionStream('deflate');
    const writer = stream.writable.getWriter();
    writer.write(copyOf(data, 0, data.length)).catch(() => undefined);
    writer.close().catch(() => undefined);
    const reader = stream.readable.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (total > MAX_EXIF_BYTES * 2) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
    }
    return joinBytes(chunks, total);
  } catch {
    return null;
  }
}

/** HEIF/HEIC/AVIF: the primary item's Exif item, found through meta → iinf, iloc (and iref cdsc). */
function scanIsoBmff(b: Uint8Array, dv: DataView): Located {
  let meta: Box | null = null;
  for (let at = 0; at + 8 <= b.length; ) {
    const box = readBox(b, dv, at, b.length);
    if (!box) break;
    if (box.type === 'meta') {
      meta = box;
      break;
    }
    at = box.end;
  }
  if (!meta) return NOTHING;
  const children = listBoxes(b, dv, meta.start + 4, meta.end);
  const iinf = children.find((c) => c.type === 'iinf');
  const iloc = children.find((c) => c.type === 'iloc');
  if (!iinf) return NOTHING;
  const exifIds = exifItemIds(b, dv, iinf);
  if (exifIds.length === 0) return NOTHING;
  const unreachable = { ...NOTHING, problem: WARN_UNREADABLE };
  if (!iloc) return unreachable;
  const pitm = children.find((c) => c.type === 'pitm');
  const wideId = pitm !== undefined && b[pitm.start] !== 0;
  const primary = pitm && pitm.start + (wideId ? 8 : 6) <= pitm.end ? (wideId ? dv.getUint32(pitm.start + 4) : dv.getUint16(pitm.start + 4)) : null;
  const iref = children.find((c) => c.type === 'iref');
  const describesPrimary = primary !== null && iref ? cdscTargets(b, dv, iref) : new Map<number, number[]>();
  const chosen = exifIds.find((id) => primary !== null && describesPrimary.get(id)?.includes(primary)) ?? exifIds[0]!;
  const idat = children.find((c) => c.type === 'idat');
  const locations = itemLocations(b, dv, iloc);
  const location = locations.get(chosen);
  if (!location) return unreachable;
  const payload = gatherExtents(b, location, idat);
  if (!payload || payload.length < 4 + 8) return unreachable;
  // Exif item payload: u32 offset to the TIFF header (usually 6, past "Exif\0\0"), then the data.
  const pv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const skip = pv.getUint32(0);
  const tiff = 4 + skip + 8 <= payload.length && isTiffHeader(payload, 4 + skip) ? payload.subarray(4 + skip) : tiffFromBlob(payload, 4, payload.length);
  return tiff ? { tiff, xmp: null } : unreachable;
}

interface Box {
  type: string;
  /** Payload start (after size/type, and the 64-bit size when present). */
  start: number;
  end: number;
}

function readBox(b: Uint8Array, dv: DataView, at: number, limit: number): Box | null {
  if (at + 8 > limit) return null;
  let size = dv.getUint32(at);
  const type = latin1(b, at + 4, at + 8);
  let start = at + 8;
  if (size === 1) {
    if (at + 16 > limit) return null;
    size = dv.getUint32(at + 8) * 2 ** 32 + dv.getUint32(at + 12);
    start = at + 16;
  } else if (size === 0) {
    size = limit - at;
  }
  if (size < start - at) return null;
  return { type, start, end: Math.min(at + size, limit) };
}

function listBoxes(b: Uint8Array, dv: DataView, from: number, limit: number): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= limit && boxes.length < 4096; ) {
    const box = readBox(b, dv, at, limit);
    if (!box) break;
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}

function exifItemIds(b: Uint8Array, dv: DataView, iinf: Box): number[] {
  const version = b[iinf.start]!;
  const first = iinf.start + 4 + (version === 0 ? 2 : 4);
  const ids: number[] = [];
  for (const infe of listBoxes(b, dv, first, iinf.end)) {
    if (infe.type !== 'infe' || infe.start + 12 > infe.end) continue;
    const v = b[infe.start]!;
    if (v < 2) continue;
    const idSize = v === 2 ? 2 : 4;
    const id = idSize === 2 ? dv.getUint16(infe.start + 4) : dv.getUint32(infe.start + 4);
    const typeAt = infe.start + 4 + idSize + 2;
    if (typeAt + 4 <= infe.end && ascii(b, typeAt, 'Exif')) ids.push(id);
  }
  return ids;
}

/** from-item → to-items of the 'cdsc' (content describes) references. */
function cdscTargets(b: Uint8Array, dv: DataView, iref: Box): Map<number, number[]> {
  const wide = b[iref.start] !== 0;
  const size = wide ? 4 : 2;
  const read = (at: number): number => (wide ? dv.getUint32(at) : dv.getUint16(at));
  const map = new Map<number, number[]>();
  for (const ref of listBoxes(b, dv, iref.start + 4, iref.end)) {
    if (ref.type !== 'cdsc' || ref.start + size + 2 > ref.end) continue;
    const from = read(ref.start);
    const count = dv.getUint16(ref.start + size);
    const to: number[] = [];
    for (let k = 0, at = ref.start + size + 2; k < count && at + size <= ref.end; k++, at += size) to.push(read(at));
    map.set(from, to);
  }
  return map;
}

interface ItemLocation {
  method: number;
  dataRef: number;
  extents: [offset: number, length: number][];
}

function itemLocations(b: Uint8Array, dv: DataView, iloc: Box): Map<number, ItemLocation> {
  const map = new Map<number, ItemLocation>();
  const version = b[iloc.start]!;
  let at = iloc.start + 4;
  if (at + 4 > iloc.end) return map;
  const offsetSize = b[at]! >> 4;
  const lengthSize = b[at]! & 15;
  const baseSize = b[at + 1]! >> 4;
  const indexSize = version === 1 || version === 2 ? b[at + 1]! & 15 : 0;
  at += 2;
  const readN = (size: number): number => {
    if (at + size > iloc.end) throw new RangeError('iloc is truncated');
    let n = 0;
    if (size === 4) n = dv.getUint32(at);
    else if (size === 8) n = dv.getUint32(at) * 2 ** 32 + dv.getUint32(at + 4);
    else if (size === 2) n = dv.getUint16(at);
    else if (size !== 0) throw new RangeError(`iloc field size ${size}`);
    at += size;
    return n;
  };
  try {
    const count = readN(version < 2 ? 2 : 4);
    for (let k = 0; k < count; k++) {
      const id = readN(version < 2 ? 2 : 4);
      const method = version === 1 || version === 2 ? readN(2) & 15 : 0;
      const dataRef = readN(2);
      const base = readN(baseSize);
      const extentCount = readN(2);
      const extents: [number, number][] = [];
      for (let e = 0; e < extentCount; e++) {
        readN(indexSize);
        const offset = readN(offsetSize);
        const length = readN(lengthSize);
        extents.push([base + offset, length]);
      }
      map.set(id, { method, dataRef, extents });
    }
  } catch {
    // keep the items read before the damage
  }
  return map;
}

function gatherExtents(b: Uint8Array, loc: ItemLocation, idat: Box | undefined): Uint8Array | null {
  if (loc.dataRef !== 0 || loc.extents.length === 0) return null; // data in another file: not ours to read
  let origin: number, limit: number;
  if (loc.method === 0) [origin, limit] = [0, b.length];
  else if (loc.method === 1 && idat) [origin, limit] = [idat.start, idat.end];
  else return null;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [offset, length] of loc.extents) {
    const start = origin + offset;
    const end = length === 0 ? limit : start + length;
    if (start >= limit || end > limit || end <= start) return null;
    total += end - start;
    if (total > MAX_EXIF_BYTES) return null;
    parts.push(b.subarray(start, end));
  }
  return joinBytes(parts, total);
}

// ---------------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------------

function isTiffHeader(b: Uint8Array, at: number): boolean {
  return ascii(b, at, 'II*\0') || ascii(b, at, 'MM\0*');
}

/** The TIFF header within the first bytes of a blob (optionally after "Exif\0\0"), as a private copy. */
function tiffFromBlob(b: Uint8Array, start: number, end: number): Uint8Array | null {
  const limit = Math.min(end, start + 16);
  for (let at = start; at + 8 <= limit; at++) if (isTiffHeader(b, at)) return copyOf(b, at, Math.min(end, at + MAX_EXIF_BYTES));
  return null;
}

/** A copy with its own buffer, so that a bad offset inside the TIFF can never read the rest of the file. */
function copyOf(b: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.max(0, end - start));
  out.set(b.subarray(start, end));
  return out;
}

/** The parts laid end to end (`total` is their summed length). */
function joinBytes(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (at < 0 || at + text.length > b.length) return false;
  for (let k = 0; k < text.length; k++) if (b[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k += 8192) s += String.fromCharCode(...b.subarray(k, Math.min(end, k + 8192)));
  return s;
}
