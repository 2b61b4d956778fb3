/**
 * Origin Private File System glue: where Keepsake keeps copies of originals that have no
 * FileSystemFileHandle (files from the picker, drag-and-drop without handles).
 * A file is copied to originals/<jobId>/<seq> when it is queued, before it is processed, so an
 * import resumes after a reload; the photo record then points at that copy (duplicates and
 * rejected files have theirs removed).
 */

async function dirAt(path: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const name of path) dir = await dir.getDirectoryHandle(name, { create });
  return dir;
}

function split(path: string): { dirs: string[]; name: string } {
  const parts = path.split('/');
  const name = parts.pop();
  if (!name) throw new Error(`bad OPFS path: ${path}`);
  return { dirs: parts, name };
}

/** The worker-only part of FileSystemFileHandle (TypeScript's DOM lib leaves it out). */
interface FileHandleInWorker extends FileSystemFileHandle {
  createSyncAccessHandle?: () => Promise<{
    write(data: Uint8Array, options: { at: number }): number;
    truncate(size: number): void;
    flush(): void;
    close(): void;
  }>;
}

/** Chunk size for copies: big enough to be fast, small enough that a 100 MB file never sits in memory. */
const COPY_CHUNK = 8 * 1024 * 1024;

/**
 * Copy a file into OPFS. In a dedicated worker a synchronous access handle writes each chunk in one
 * call (several times faster than a writable stream); elsewhere the file is streamed.
 */
export async function writeOpfsFile(path: string, data: Blob): Promise<void> {
  const { dirs, name } = split(path);
  const dir = await dirAt(dirs, true);
  const handle = (await dir.getFileHandle(name, { create: true })) as FileHandleInWorker;
  if (typeof handle.createSyncAccessHandle !== 'function') {
    await data.stream().pipeTo(await handle.createWritable());
    return;
  }
  const access = await handle.createSyncAccessHandle();
  try {
    access.truncate(0);
    for (let at = 0; at < data.size; at += COPY_CHUNK) {
      const chunk = new Uint8Array(await data.slice(at, at + COPY_CHUNK).arrayBuffer());
      if (access.write(chunk, { at }) !== chunk.byteLength) throw new DOMException('short write', 'QuotaExceededError');
    }
    access.flush();
  } finally {
    access.close();
  }
}

export async function readOpfsFile(path: string): Promise<File> {
  const { dirs, name } = split(path);
  const dir = await dirAt(dirs, false);
  return (await dir.getFileHandle(name)).getFile();
}

export async function removeOpfsEntry(path: string): Promise<void> {
  const { dirs, name } = split(path);
  try {
    const dir = await dirAt(dirs, false);
    await dir.removeEntry(name, { recursive: true });
  } catch (error) {
    if ((error as DOMException).name !== 'NotFoundError') throw error;
  }
}

export const opfsOriginalPath = (jobId: string, seq: number): string => `originals/${jobId}/${seq}`;
