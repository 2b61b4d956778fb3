import { describe, expect, it } from 'vitest';
import { isStorageFull, saveFailedMessage, storageFullMessage } from '../../src/db/storage-full';

describe('storage full', () => {
  it('is recognised from the browser error, an aborted transaction and across a worker boundary', () => {
    expect(isStorageFull(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))).toBe(true);
    expect(isStorageFull(new DOMException('Transaction aborted: quota exceeded', 'AbortError'))).toBe(true);
    // comlink rebuilds a worker's error as a plain Error carrying the name and message.
    expect(isStorageFull(Object.assign(new Error('short write'), { name: 'QuotaExceededError' }))).toBe(true);
  });

  it('is not any other failure', () => {
    expect(isStorageFull(new DOMException('Not found', 'NotFoundError'))).toBe(false);
    expect(isStorageFull(new Error('decoder failed'))).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
    expect(isStorageFull('QuotaExceededError')).toBe(false);
  });

  it('tells what was not saved, that the rest is safe, and what to do', () => {
    expect(storageFullMessage('3 files')).toMatch(/^Your browser's storage for Keepsake is full, so 3 files could not be saved\. Everything saved before is safe\. To make room, remove photos or books/);
    expect(saveFailedMessage(new DOMException('x', 'QuotaExceededError'), 'your change to the book')).toBe(storageFullMessage('your change to the book'));
    expect(saveFailedMessage(new Error('the database closed'), 'that setting')).toBe('That setting could not be saved: the database closed');
  });
});
