/**
 * Similar groups over the whole library, computed in a worker from stored photos and analyses and
 * stored as one meta record, so the page and the report read the same answer.
 */
import { libraryChanged, type KeepsakeDatabase } from '../db/schema';
import { appearanceSimilarity } from '../pipeline/analyse/hash';
import { groupSimilar, type SimilarGroup, type SimilarInput } from '../pipeline/analyse/similar';
import { hasOwnCaptureTime } from '../pipeline/import/time';

export const SIMILAR_GROUPS_KEY = 'similar-groups';

export interface StoredSimilarGroups {
  computedAt: number;
  groups: SimilarGroup[];
}

export async function groupLibrary(db: KeepsakeDatabase): Promise<number> {
  const [photos, analyses] = await Promise.all([db.getAll('photos'), db.getAll('analyses')]);
  const byId = new Map(photos.map((photo) => [photo.id, photo]));
  const inputs: SimilarInput[] = analyses.flatMap((analysis) => {
    const photo = byId.get(analysis.photoId);
    if (!photo) return [];
    const camera = photo.camera ? [photo.camera.make, photo.camera.model].filter(Boolean).join(' ') || null : null;
    // Only a capture time from the photo itself dates a burst (a file date says when it was copied);
    // local wall-clock time, because shots seconds apart share their zone.
    const dated = hasOwnCaptureTime(photo);
    return [{
      id: photo.id,
      takenMs: dated ? photo.localSortMs : null,
      camera,
      pixels: photo.width * photo.height,
      dhash: analysis.dhash,
      appearance: analysis.appearance,
      quality: analysis.quality,
      faceCount: analysis.faces.length,
    }];
  });
  const groups = groupSimilar(inputs, appearanceSimilarity);
  const value: StoredSimilarGroups = { computedAt: Date.now(), groups };
  const tx = db.transaction('meta', 'readwrite');
  void tx.store.put({ key: SIMILAR_GROUPS_KEY, value });
  void tx.store.put(libraryChanged());
  await tx.done;
  return groups.length;
}
