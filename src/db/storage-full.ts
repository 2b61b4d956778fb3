/**
 * The browser's storage quota running out, recognised wherever Keepsake writes (IndexedDB, OPFS,
 * in a worker or on the page) and told to the person the same way: what was not saved, that
 * everything saved before is safe, and what to do. A failed IndexedDB transaction is rolled back
 * whole, so a write that hit the quota leaves no half-written record behind.
 */

/**
 * Whether `error` is the quota running out: a QuotaExceededError, a transaction aborted because of
 * one, or such an error after crossing a worker boundary (comlink keeps name and message).
 */
export function isStorageFull(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || (typeof message === 'string' && /quota/i.test(message));
}

/** The message for the person: `what` is what could not be saved ("3 photos", "your change to the book"). */
export function storageFullMessage(what: string): string {
  return `Your browser's storage for Keepsake is full, so ${what} could not be saved. Everything saved before is safe. To make room, remove photos or books you no longer need, or free space on this device, then try again.`;
}

/** The message for a failed write: the storage-full explanation when that is the cause, else the error itself. */
export function saveFailedMessage(error: unknown, what: string): string {
  if (isStorageFull(error)) return storageFullMessage(what);
  const capitalised = what.charAt(0).toUpperCase() + what.slice(1);
  return `${capitalised} could not be saved: ${(error as Error).message ?? String(error)}`;
}
