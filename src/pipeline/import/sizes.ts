/** Thumbnail geometry. Pure: the worker decodes once at `preview` size and derives `small` from it. */

export const PREVIEW_LONG_EDGE = 1600;
/** Grid thumbnails are cropped square on screen, so size them by the short edge. */
export const SMALL_SHORT_EDGE = 256;
/** …but a panorama's long edge is capped so its thumbnail stays small. */
export const SMALL_LONG_EDGE_CAP = 768;

export interface Size {
  width: number;
  height: number;
}

/** Scale (never up) so that the long edge is at most `longEdge`. */
export function fitLongEdge(size: Size, longEdge: number): Size {
  const scale = Math.min(1, longEdge / Math.max(size.width, size.height));
  return scaled(size, scale);
}

/** Scale (never up) so that the short edge is at most `shortEdge` and the long edge at most `longCap`. */
export function fitShortEdge(size: Size, shortEdge: number, longCap: number): Size {
  const scale = Math.min(1, shortEdge / Math.min(size.width, size.height), longCap / Math.max(size.width, size.height));
  return scaled(size, scale);
}

function scaled(size: Size, scale: number): Size {
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}
