import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/pipeline/report/report';
import { RECORD_SCHEMA, type PhotoRecord } from '../../src/db/schema';

const photo = (id: string, path: string, extra: Partial<PhotoRecord> = {}): PhotoRecord => ({
  schema: RECORD_SCHEMA, id, paths: [path], size: 10, mime: 'image/jpeg', format: 'jpeg', width: 4, height: 3, storedWidth: 4, storedHeight: 3,
  orientation: 1, takenAt: '2024-06-03T14:22:05+01:00', takenAtSource: 'exif', takenAtUtcMs: 0, localSortMs: 0,
  gps: { lat: 38.72, lon: -9.14, altitude: 12 }, camera: null, importedAt: 0, original: { kind: 'opfs', path: 'originals/j/0' }, ...extra,
});

describe('buildReport', () => {
  const report = buildReport({
    version: '1.2.3',
    root: 'photos',
    importMs: 1234.4,
    photos: [photo('b', 'photos/z.jpg'), photo('a', 'photos/sub/a.jpg', { paths: ['photos/sub/a.jpg', 'photos/copy.jpg'], gps: null })],
    outcomes: [
      { path: 'photos/z.jpg', status: 'imported', photoId: 'b' },
      { path: 'photos/copy.jpg', status: 'duplicate', photoId: 'a', duplicateOf: 'photos/sub/a.jpg' },
      { path: 'photos/empty.jpg', status: 'rejected', errorCode: 'empty', error: 'This file is empty.' },
    ],
  });

  it('makes every path relative to the chosen folder and sorts by path', () => {
    expect(report.files.map((f) => f.path)).toEqual(['copy.jpg', 'empty.jpg', 'z.jpg']);
    expect(report.files[0]).toEqual({ path: 'copy.jpg', status: 'duplicate', photoId: 'a', duplicateOf: 'sub/a.jpg' });
    expect(report.photos.map((p) => p.paths)).toEqual([['sub/a.jpg', 'copy.jpg'], ['z.jpg']]);
  });

  it('carries rejections with code and sentence, and the contract fields of photos', () => {
    expect(report.files[1]).toEqual({ path: 'empty.jpg', status: 'rejected', errorCode: 'empty', error: 'This file is empty.' });
    expect(report.photos[1]).toMatchObject({ id: 'b', format: 'jpeg', width: 4, height: 3, takenAt: '2024-06-03T14:22:05+01:00', takenAtSource: 'exif', gps: { lat: 38.72, lon: -9.14 } });
    expect(report).toMatchObject({ schema: 'keepsake-report/1', app: { version: '1.2.3' }, timings: { importMs: 1234 } });
  });

  it('leaves out the parts of stages that have not run', () => {
    expect(Object.keys(report).sort()).toEqual(['app', 'files', 'photos', 'schema', 'timings']);
  });
});
