/**
 * The analysis stage's contract: what the vision worker learns about one photo and what the
 * pure helpers (quality, hash, junk, themes, similar groups) take and return.
 * Boxes and points are normalised to the photo's DISPLAY orientation (0..1 of width/height).
 */

/** A decoded picture as plain data (RGBA, row-major, 4 bytes a pixel), e.g. from ImageData. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A single-channel picture (luma 0..255), row-major. */
export interface GreyRaster {
  width: number;
  height: number;
  data: Float32Array;
}

/** [x, y, w, h], each 0..1 of the display image. */
export type Box = [number, number, number, number];

/** [x, y], each 0..1 of the display image. */
export type Point = [number, number];

export interface DetectedFace {
  box: Box;
  score: number;
  /** MediaPipe's six keypoints: eyes (0 = left as the viewer sees it, 1 = right), nose tip, mouth, ear tragions (4 = left, 5 = right). */
  landmarks: Point[];
  /** How many of the detector's looks (whole picture, tiles) found this face. */
  looks?: number;
  /** Score of the surest person the object detector saw around this face (0: none), which confirms unsure faces. */
  personScore?: number;
  /** Variance of the Laplacian inside the face box, on the same scale as QualityParts.sharpness' raw value. */
  sharpness?: number;
}

export type PhotoKind = 'photo' | 'screenshot' | 'document' | 'receipt' | 'other';

/** Themes that memories and titles use; COCO classes and image statistics map onto these. */
export type Theme =
  | 'people'
  | 'pets'
  | 'animals'
  | 'food'
  | 'drinks'
  | 'vehicles'
  | 'boats'
  | 'planes'
  | 'trains'
  | 'sport'
  | 'nature'
  | 'beach'
  | 'snow'
  | 'city'
  | 'night'
  | 'party'
  | 'home'
  | 'flowers';

export interface Label {
  /** A COCO class name ("dog", "cake") or a scene word from image statistics ("snow", "night"). */
  name: string;
  score: number;
  /** Where it came from: the object detector, or image statistics. */
  source: 'objects' | 'scene';
  /** Normalised box for detector labels. */
  box?: Box;
}

/** Quality, each part 0..1 where 1 is best; `score` combines them. */
export interface QualityParts {
  /** Global sharpness from the variance of the Laplacian (mapped to 0..1). */
  sharpness: number;
  /** Sharpness of the face regions (mean over faces), null when there are no faces. */
  faceSharpness: number | null;
  /** 1 = well exposed; low for clipped/under- or over-exposed pictures. */
  exposure: number;
  /** 1 = clean; low for strong sensor noise. */
  noise: number;
  /** Faces fully inside the frame, large enough and frontal; null when there are no faces. */
  faceVisibility: number | null;
  score: number;
}

/** Evidence for the junk kind, so the UI can say why something is a screenshot. */
export interface KindEvidence {
  kind: PhotoKind;
  /** 0..1 confidence in `kind`. */
  confidence: number;
  /** Short human sentences ("no camera in EXIF", "phone screen size 1080 × 2340", "dense text"). */
  reasons: string[];
}
