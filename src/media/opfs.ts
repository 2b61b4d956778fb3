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

/** Stream a file into OPFS without holding it all in memory. */
export async function writeOpfsFile(path: string, data: Blob): Promise<void> {
  const { dirs, name } = split(path);
  const dir = await dirAt(dirs, true);
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  await data.stream().pipeTo(writable);
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
