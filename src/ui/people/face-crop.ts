/**
 * Svelte action: draw one face, cut from its photo's preview with some room around it, into a
 * square canvas. Previews are big, so the cache that holds them is small.
 */
import type { Box } from '../../pipeline/analyse/types';
import { ThumbCache } from '../library/thumbs';

export interface FaceCropParams {
  cache: ThumbCache;
  photoId: string;
  box: Box;
}

/** Room around the face box: forehead, hair and chin make a face recognisable at a glance. */
const MARGIN = 0.45;

export const faceCache = (db: ConstructorParameters<typeof ThumbCache>[0]): ThumbCache => new ThumbCache(db, 'preview', 120);

export function faceCrop(canvas: HTMLCanvasElement, params: FaceCropParams) {
  let current = params;
  const draw = async (p: FaceCropParams): Promise<void> => {
    current = p;
    const url = await p.cache.get(p.photoId);
    if (!url || current !== p) return;
    const image = new Image();
    image.src = url;
    await image.decode().catch(() => undefined);
    if (current !== p || !image.naturalWidth) return;
    const [x, y, w, h] = p.box;
    const side = Math.max(w * image.naturalWidth, h * image.naturalHeight) * (1 + 2 * MARGIN);
    const cx = (x + w / 2) * image.naturalWidth;
    const cy = (y + h / 2) * image.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#ddd';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, cx - side / 2, cy - side / 2, side, side, 0, 0, canvas.width, canvas.height);
  };
  void draw(params);
  return { update: (next: FaceCropParams) => void draw(next) };
}
