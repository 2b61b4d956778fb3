/**
 * Why reading a file the person chose failed, from the browser's DOMException. A File (picked or
 * dropped) is a snapshot: the browser refuses to read it once the file on disk was deleted
 * (NotFoundError) or modified (NotReadableError). A handle from a picked folder reads the file as it
 * is now, and fails when it is gone or when read permission was taken back (NotAllowedError).
 */
import type { RejectCode } from '../contracts';

export type ReadFailure = Extract<RejectCode, 'missing' | 'changed' | 'no-permission'>;

const BY_NAME: Readonly<Record<string, ReadFailure>> = {
  NotFoundError: 'missing',
  NotReadableError: 'changed',
  NotAllowedError: 'no-permission',
  SecurityError: 'no-permission',
};

/** The failure a person can act on, or null for anything else (a bug, a full disk…). */
export function readFailure(error: unknown): ReadFailure | null {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? BY_NAME[name] ?? null : null;
}
