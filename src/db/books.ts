/**
 * Books in IndexedDB: made from a memory through the pure layout (src/pipeline/book), then the
 * person's to keep; every change is saved at once (autosave).
 */
import type { BookRecord, KeepsakeDatabase } from './schema';
import type { LibraryEvent } from '../pipeline/library/library-event';
import { bookFromMemory, type BookSourceMemory, type BookSourcePhoto } from '../pipeline/book/from-memory';
import { formatById, labById } from '../pipeline/book/formats';
import { layoutBook } from '../pipeline/book/layout';
import { hasOwnCaptureTime } from '../pipeline/import/time';
import type { Language } from '../pipeline/memories/types';

export interface MadeBook {
  book: BookRecord;
  /** Sentences for the person (blank pages added, too many pages for the lab). */
  notes: string[];
}

/** What a book needs to know of the person's library besides the photos' own records. */
export interface BookContext {
  favourites: ReadonlySet<string>;
  /** The event a photo belongs to (the page holds them all: reading every event for a few photos took seconds at 100,000). */
  eventOf: (photoId: string) => Pick<LibraryEvent, 'id' | 'photoPlaces'> | undefined;
}

export async function makeBookFromMemory(db: KeepsakeDatabase, memory: BookSourceMemory, formatId: string, labId: string, lang: Language, context: BookContext): Promise<MadeBook> {
  const format = formatById(formatId);
  const lab = labById(labId);
  if (!format || !lab) throw new Error(`unknown format or lab: ${formatId}, ${labId}`);
  if (!lab.formats.includes(format.id)) throw new Error(`${lab.name} does not print ${format.name}`);
  const photos = await sourcePhotos(db, memory.photoIds, context);
  const { book, notes } = layoutBook(bookFromMemory(memory, photos, lang, format, lab, Date.now()));
  await db.put('books', book);
  return { book, notes };
}

/** A book of chosen photos (a selection in the library), in chapters by event. */
export async function makeBookFromSelection(db: KeepsakeDatabase, photoIds: string[], title: string, formatId: string, labId: string, lang: Language, context: BookContext): Promise<MadeBook> {
  const selection = { id: 'selection', kind: 'selection', title, subtitle: '', coverPhotoId: photoIds[0] ?? '', photoIds };
  return makeBookFromMemory(db, selection, formatId, labId, lang, context);
}

/** What the layout needs of each photo: display size of the original, faces, quality, time, event and town. */
export async function sourcePhotos(db: KeepsakeDatabase, ids: readonly string[], { favourites, eventOf }: BookContext): Promise<Map<string, BookSourcePhoto>> {
  const tx = db.transaction(['photos', 'analyses'], 'readonly');
  const [records, analyses] = await Promise.all([
    Promise.all(ids.map((id) => tx.objectStore('photos').get(id))),
    Promise.all(ids.map((id) => tx.objectStore('analyses').get(id))),
  ]);
  const photos = new Map<string, BookSourcePhoto>();
  records.forEach((photo, i) => {
    if (!photo) return;
    const analysis = analyses[i];
    const event = eventOf(photo.id);
    const dated = hasOwnCaptureTime(photo);
    photos.set(photo.id, {
      id: photo.id,
      width: photo.width,
      height: photo.height,
      faces: analysis?.faces.map((face) => face.box) ?? [],
      quality: analysis?.quality.score ?? 0.5,
      favourite: favourites.has(photo.id),
      localMs: dated ? photo.localSortMs : null,
      eventId: event?.id ?? null,
      town: event?.photoPlaces.get(photo.id)?.split(',')[0]?.trim() ?? null,
    });
  });
  return photos;
}

export async function saveBook(db: KeepsakeDatabase, book: BookRecord): Promise<BookRecord> {
  const saved = { ...book, updatedAt: Date.now() };
  await db.put('books', saved);
  return saved;
}

export async function listBooks(db: KeepsakeDatabase): Promise<BookRecord[]> {
  return (await db.getAllFromIndex('books', 'byUpdated')).reverse();
}
