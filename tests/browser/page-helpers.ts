/**
 * Helpers the browser tests install into a page to look at what the app stored: a record (or a
 * whole store) from the app's real IndexedDB, a file from its OPFS, and a tiny resampled copy of
 * an image to compare pictures by content. Installed with `installPageHelpers(page)`, used as `window.__kt`.
 */
import type { Page } from 'playwright-core';

export interface PageHelpers {
  record<T>(store: string, key: IDBValidKey): Promise<T>;
  records<T>(store: string): Promise<T[]>;
  opfsFile(path: string): Promise<File>;
  size(image: Blob): Promise<[number, number]>;
  pixels(image: ImageBitmapSource, width: number, height: number, options?: ImageBitmapOptions): Promise<Uint8ClampedArray>;
  meanDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number;
}

declare global {
  interface Window {
    __kt: PageHelpers;
  }
}

export async function installPageHelpers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const database = new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('keepsake');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    window.__kt = {
      async record<T>(store: string, key: IDBValidKey) {
        const get = (await database).transaction(store).objectStore(store).get(key);
        return new Promise<T>((resolve, reject) => {
          get.onsuccess = () => resolve(get.result as T);
          get.onerror = () => reject(get.error);
        });
      },
      async records<T>(store: string) {
        const all = (await database).transaction(store).objectStore(store).getAll();
        return new Promise<T[]>((resolve, reject) => {
          all.onsuccess = () => resolve(all.result as T[]);
          all.onerror = () => reject(all.error);
        });
      },
      async opfsFile(path) {
        const parts = path.split('/');
        let dir = await navigator.storage.getDirectory();
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
        return (await dir.getFileHandle(parts.at(-1)!)).getFile();
      },
      async size(image) {
        const bitmap = await createImageBitmap(image);
        return [bitmap.width, bitmap.height];
      },
      async pixels(image, width, height, options = {}) {
        const bitmap = await createImageBitmap(image, { ...options, resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
        const context = new OffscreenCanvas(width, height).getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, width, height).data;
      },
      meanDifference(a, b) {
        let sum = 0;
        for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
        return sum / a.length;
      },
    };
  });
}
