// Reads the one EXIF field a decoder must honour, Orientation (tag 0x0112), from the TIFF bytes a
// JPEG's APP1 "Exif" segment carries. exifr is Promise-only, and we keep decodeImage synchronous,
// so this is a tiny parser: the tag always sits in the first directory (IFD0), a fixed walk away.

/**
 * EXIF orientation: how the stored pixels must be transformed for display. 1 is "as stored";
 * 2–4 mirror and/or turn by 180°; 5–8 swap width and height (see orientation.ts).
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;

/**
 * Returns the Orientation in `tiff` (the bytes after "Exif\0\0"), or 1 when it is absent or
 * anything about it is malformed: like browsers, a broken EXIF block never fails the image.
 *
 * TIFF layout: "II" (little-endian) or "MM" (big-endian), the number 42, then the offset of IFD0.
 * IFD0 is a 2-byte entry count followed by 12-byte entries: tag (2), type (2), count (4), and a
 * 4-byte field that holds the value itself when it fits, as a single SHORT does.
 */
export function readExifOrientation(tiff: Uint8Array): Orientation {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1; // "II" or "MM"
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return 1;

  const ifd0 = view.getUint32(4, little);
  if (ifd0 + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd0, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const type = view.getUint16(entry + 2, little);
    // The spec says SHORT; a few writers use LONG. Both keep the value in the entry itself.
    let value = 0;
    if (type === TYPE_SHORT) value = view.getUint16(entry + 8, little);
    else if (type === TYPE_LONG) value = view.getUint32(entry + 8, little);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}
