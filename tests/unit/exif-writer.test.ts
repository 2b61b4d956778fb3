import { describe, expect, it } from 'vitest';
import exifr from 'exifr';
import jpeg from 'jpeg-js';
import { buildExifApp1, insertExifApp1, type ExifFields } from '../../bench/exif-writer';

/** A real (tiny) baseline JPEG as jpeg-js writes it: SOI, APP0 JFIF, DQT, SOF0, DHT, SOS … EOI. */
function tinyJpeg(): Uint8Array {
  const width = 16;
  const height = 8;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([(i * 7) & 255, 128, 200, 255], i);
  return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
}

function countExifSegments(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 10 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xe1 && String.fromCharCode(...bytes.subarray(i + 4, i + 8)) === 'Exif') n++;
  }
  return n;
}

const base: ExifFields = {
  make: 'Google',
  model: 'Pixel 7',
  software: 'HDR+ 1.0.540104767zd',
  orientation: 1,
  pixelXDimension: 4000,
  pixelYDimension: 3000,
  dateTimeOriginal: '2023:05:12 09:40:13',
  offsetTimeOriginal: '+01:00',
  subSecTimeOriginal: '347',
  imageUniqueId: '0123456789abcdef0123456789abcdef',
  gps: { latitude: 38.713811, longitude: -9.139386, altitude: 42.5, utc: '2023:05:12 08:40:13' },
  camera: { exposureTime: [1, 120], fNumber: [185, 100], iso: 64, focalLength: [6810, 1000], focalLengthIn35mm: 25 },
};

const parse = (bytes: Uint8Array) => exifr.parse(bytes, { reviveValues: false, translateValues: false });

describe('EXIF writer', () => {
  for (const byteOrder of ['II', 'MM'] as const) {
    it(`round-trips through exifr (${byteOrder === 'II' ? 'little' : 'big'}-endian)`, async () => {
      const file = insertExifApp1(tinyJpeg(), buildExifApp1({ ...base, byteOrder }));
      const tags = await parse(file);
      expect(tags.Make).toBe('Google');
      expect(tags.Model).toBe('Pixel 7');
      expect(tags.Software).toBe('HDR+ 1.0.540104767zd');
      expect(tags.Orientation).toBe(1);
      expect(tags.DateTimeOriginal).toBe('2023:05:12 09:40:13');
      expect(tags.CreateDate).toBe('2023:05:12 09:40:13');
      expect(tags.ModifyDate).toBe('2023:05:12 09:40:13');
      expect(tags.OffsetTimeOriginal).toBe('+01:00');
      expect(tags.OffsetTime).toBe('+01:00');
      expect(tags.SubSecTimeOriginal).toBe('347');
      expect(tags.ImageUniqueID).toBe('0123456789abcdef0123456789abcdef');
      expect(tags.ExifImageWidth).toBe(4000);
      expect(tags.ExifImageHeight).toBe(3000);
      expect(tags.ISO).toBe(64);
      expect(tags.FNumber).toBeCloseTo(1.85, 6);
      expect(tags.ExposureTime).toBeCloseTo(1 / 120, 9);
      expect(tags.GPSLatitudeRef).toBe('N');
      expect(tags.GPSLongitudeRef).toBe('W');
      expect(tags.latitude).toBeCloseTo(38.713811, 6);
      expect(tags.longitude).toBeCloseTo(-9.139386, 6);
      expect(tags.GPSAltitude).toBeCloseTo(42.5, 6);
      expect(tags.GPSDateStamp).toBe('2023:05:12');
      expect(tags.GPSTimeStamp).toEqual([8, 40, 13]);
      expect(tags.errors).toBeUndefined();
    });
  }

  it('handles southern/eastern coordinates, negative offsets and no GPS', async () => {
    const south = await parse(insertExifApp1(tinyJpeg(), buildExifApp1({ ...base, gps: { latitude: -33.856784, longitude: 151.215297 } })));
    expect(south.GPSLatitudeRef).toBe('S');
    expect(south.GPSLongitudeRef).toBe('E');
    expect(south.latitude).toBeCloseTo(-33.856784, 6);
    expect(south.longitude).toBeCloseTo(151.215297, 6);

    const none = await parse(insertExifApp1(tinyJpeg(), buildExifApp1({ ...base, gps: undefined, offsetTimeOriginal: '-07:00', camera: undefined })));
    expect(none.OffsetTimeOriginal).toBe('-07:00');
    expect(none.DateTimeOriginal).toBe('2023:05:12 09:40:13');
    expect(none.latitude).toBeUndefined();
    expect(none.GPSLatitude).toBeUndefined();
  });

  it('puts APP1 right after SOI, replaces an existing Exif segment and keeps the image decodable', async () => {
    const original = tinyJpeg();
    const once = insertExifApp1(original, buildExifApp1({ ...base, make: 'Apple', model: 'iPhone 13' }));
    const twice = insertExifApp1(once, buildExifApp1(base));
    expect([...twice.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe1]);
    expect(countExifSegments(twice)).toBe(1);
    expect(twice.length).toBe(original.length + buildExifApp1(base).length);
    expect((await parse(twice)).Make).toBe('Google');
    const decoded = jpeg.decode(twice, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([16, 8]);
    expect(decoded.data).toEqual(jpeg.decode(original, { useTArray: true }).data);
  });

  it('keeps other APP1 segments (XMP) and the JFIF APP0', () => {
    const original = tinyJpeg();
    const xmpHeader = 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>';
    const xmp = new Uint8Array(4 + xmpHeader.length);
    xmp.set([0xff, 0xe1, (xmp.length - 2) >> 8, (xmp.length - 2) & 255]);
    for (let i = 0; i < xmpHeader.length; i++) xmp[4 + i] = xmpHeader.charCodeAt(i);
    const withXmp = new Uint8Array(original.length + xmp.length);
    withXmp.set(original.subarray(0, 2));
    withXmp.set(xmp, 2);
    withXmp.set(original.subarray(2), 2 + xmp.length);
    const app1 = buildExifApp1(base);
    const out = insertExifApp1(withXmp, app1);
    expect(out.length).toBe(withXmp.length + app1.length);
    expect(String.fromCharCode(...out.subarray(2 + app1.length + 4, 2 + app1.length + 8))).toBe('http');
    expect(countExifSegments(out)).toBe(1);
  });

  it('writes a TIFF structure with sorted tags and even offsets', () => {
    const app1 = buildExifApp1(base);
    const tiff = new DataView(app1.buffer, app1.byteOffset + 10);
    expect(tiff.getUint16(0)).toBe(0x4949);
    const ifds = [8];
    const pointers = new Map<number, number>();
    for (let k = 0; k < ifds.length; k++) {
      const at = ifds[k]!;
      expect(at % 2).toBe(0);
      const n = tiff.getUint16(at, true);
      let last = -1;
      for (let i = 0; i < n; i++) {
        const e = at + 2 + i * 12;
        const tag = tiff.getUint16(e, true);
        expect(tag).toBeGreaterThan(last);
        last = tag;
        if (k === 0 && (tag === 0x8769 || tag === 0x8825)) pointers.set(tag, tiff.getUint32(e + 8, true));
      }
      if (k === 0) ifds.push(...pointers.values());
    }
    expect(pointers.size).toBe(2);
  });

  it('rejects malformed input', () => {
    expect(() => buildExifApp1({ ...base, dateTimeOriginal: '2023-05-12T09:40:13' })).toThrow(/dateTimeOriginal/);
    expect(() => buildExifApp1({ ...base, offsetTimeOriginal: '+1:00' })).toThrow(/offsetTimeOriginal/);
    expect(() => buildExifApp1({ ...base, gps: { latitude: 91, longitude: 0 } })).toThrow(/GPS/);
    expect(() => insertExifApp1(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), buildExifApp1(base))).toThrow(/SOI/);
  });
});
