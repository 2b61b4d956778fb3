/**
 * Types that cross worker boundaries and the shape of persisted records.
 * Every persisted record carries `schema` so migrations can recognise old shapes.
 */

/** Formats Keepsake imports. `mpo` is a multi-picture JPEG (stereo cameras); it decodes as JPEG. */
export type ImageFormat = 'jpeg' | 'mpo' | 'png' | 'webp' | 'heic' | 'heif' | 'avif';

/** Why a file was refused. Each code maps to one sentence a person understands (see rejectMessage). */
export type RejectCode =
  | 'empty'
  | 'not-an-image'
  | 'unsupported'
  | 'truncated'
  | 'corrupt'
  | 'too-large'
  | 'unreadable'
  | 'missing'
  | 'changed'
  | 'no-permission'
  | 'storage-full';

/** What the byte sniffer learned from the file header, before any pixel is decoded. */
export interface SniffedImage {
  format: ImageFormat;
  mime: string;
  /** Pixel size as encoded (before EXIF Orientation / HEIF irot). */
  storedWidth: number;
  storedHeight: number;
  /**
   * HEIF/AVIF only: rotation (irot, degrees counter-clockwise) and mirror (imir axis) of the
   * primary item. These are applied by the decoder; EXIF Orientation must not be applied again.
   */
  heifTransform?: { rotation: 0 | 90 | 180 | 270; mirror: 'none' | 'vertical' | 'horizontal' };
}

export type SniffResult =
  | ({ ok: true } & SniffedImage)
  | { ok: false; code: RejectCode; message: string };

export type TakenAtSource = 'exif' | 'filename' | 'file' | 'none';

export interface GpsPosition {
  lat: number;
  lon: number;
  altitude?: number;
}

/** Metadata read from EXIF (and, failing that, from the file name or file date). */
export interface PhotoMeta {
  /** Local wall-clock time, ISO 8601, with offset when known: "2024-06-03T14:22:05+01:00" or "2008-05-08T09:54:28". */
  takenAt: string | null;
  takenAtSource: TakenAtSource;
  /** UTC instant in ms when the offset is known (or the source is the file date), else null. */
  takenAtUtcMs: number | null;
  gps: GpsPosition | null;
  /** EXIF Orientation as stored (normally 1..8; some cameras write 0), null when absent. */
  orientation: number | null;
  camera: { make: string | null; model: string | null } | null;
  /** Set when EXIF was present but could not be read; the photo still imports. */
  exifWarning?: string;
}
