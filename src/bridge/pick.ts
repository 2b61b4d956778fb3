/**
 * Turning what the person chose (a folder, picked files, a drop) into import sources.
 * Where the File System Access API gives handles we keep them, so originals stay in place;
 * otherwise we get Files and the importer copies them into OPFS.
 */
import type { ImportSource } from './importer';

/** System clutter that lives beside photos and is never worth a rejection message. */
const IGNORED = /^(\.|thumbs\.db$|desktop\.ini$|icon\r?$)/i;

export const canPickDirectoryHandle = (): boolean => typeof (window as WindowWithPicker).showDirectoryPicker === 'function';

/** Read permission on handles (Chromium), which TypeScript's DOM lib does not describe. */
interface PermissionHandle {
  queryPermission(options: { mode: 'read' }): Promise<PermissionState>;
  requestPermission(options: { mode: 'read' }): Promise<PermissionState>;
}

/** Whether every handle may be read now, without asking. */
export async function canReadAll(handles: FileSystemHandle[]): Promise<boolean> {
  const states = await Promise.all(handles.map((h) => (h as unknown as PermissionHandle).queryPermission({ mode: 'read' })));
  return states.every((state) => state === 'granted');
}

/** Ask again for read access (must run inside a click). True when all were granted. */
export async function requestReadAll(handles: FileSystemHandle[]): Promise<boolean> {
  for (const handle of handles) {
    if ((await (handle as unknown as PermissionHandle).requestPermission({ mode: 'read' })) !== 'granted') return false;
  }
  return true;
}

interface WindowWithPicker extends Window {
  showDirectoryPicker?: (options?: { mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;
}

/** Folder picker with handles; null when the person dismissed it. */
export async function pickDirectory(): Promise<ImportSource[] | null> {
  try {
    const root = await (window as WindowWithPicker).showDirectoryPicker!({ mode: 'read' });
    return (await sourcesFromDirectory(root, root.name)).map((source) => ({ ...source, root }));
  } catch (error) {
    if ((error as DOMException).name === 'AbortError') return null;
    throw error;
  }
}

export function sourcesFromFileList(files: FileList | File[]): ImportSource[] {
  return Array.from(files)
    .filter((file) => !IGNORED.test(file.name))
    .map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

async function sourcesFromDirectory(dir: FileSystemDirectoryHandle, prefix: string): Promise<ImportSource[]> {
  const sources: ImportSource[] = [];
  for await (const entry of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (IGNORED.test(entry.name)) continue;
    const path = `${prefix}/${entry.name}`;
    if (entry.kind === 'directory') sources.push(...(await sourcesFromDirectory(entry as FileSystemDirectoryHandle, path)));
    else sources.push({ path, handle: entry as FileSystemFileHandle });
  }
  return sources.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Files and folders dropped on the window. Everything must be taken from the DataTransfer
 * synchronously inside the drop event, so handles, entries and files are all collected first and
 * walked afterwards. A handle (Chromium) keeps originals in place; otherwise the directory entry
 * or the plain File is used.
 */
export async function sourcesFromDrop(transfer: DataTransfer): Promise<ImportSource[]> {
  const taken = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({
      handle: (item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }).getAsFileSystemHandle?.() ?? Promise.resolve(null),
      entry: item.webkitGetAsEntry(),
      file: item.getAsFile(),
    }));
  const nested = await Promise.all(taken.map(async ({ handle, entry, file }) => {
    const root = await handle.catch(() => null);
    if (root) return IGNORED.test(root.name) ? [] : sourcesFromHandle(root);
    if (entry) return sourcesFromEntry(entry, entry.name);
    return file && !IGNORED.test(file.name) ? [{ path: file.name, file }] : [];
  }));
  return nested.flat();
}

async function sourcesFromHandle(root: FileSystemHandle): Promise<ImportSource[]> {
  const sources = root.kind === 'directory'
    ? await sourcesFromDirectory(root as FileSystemDirectoryHandle, root.name)
    : [{ path: root.name, handle: root as FileSystemFileHandle }];
  return sources.map((source) => ({ ...source, root }));
}

async function sourcesFromEntry(entry: FileSystemEntry, path: string): Promise<ImportSource[]> {
  if (IGNORED.test(entry.name)) return [];
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((child) => sourcesFromEntry(child, `${path}/${child.name}`)));
  return nested.flat();
}
