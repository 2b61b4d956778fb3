import { describe, expect, it } from 'vitest';
import { readFailure } from '../../src/pipeline/import/read-failure';

describe('readFailure', () => {
  it('names what happened to a file from the browser’s exception', () => {
    expect(readFailure(new DOMException('gone', 'NotFoundError'))).toBe('missing');
    expect(readFailure(new DOMException('modified', 'NotReadableError'))).toBe('changed');
    expect(readFailure(new DOMException('revoked', 'NotAllowedError'))).toBe('no-permission');
    expect(readFailure(new DOMException('blocked', 'SecurityError'))).toBe('no-permission');
  });

  it('keeps out what is not about reading the file', () => {
    expect(readFailure(new DOMException('full', 'QuotaExceededError'))).toBeNull();
    expect(readFailure(new TypeError('a bug'))).toBeNull();
    expect(readFailure('NotFoundError')).toBeNull();
    expect(readFailure(null)).toBeNull();
  });
});
