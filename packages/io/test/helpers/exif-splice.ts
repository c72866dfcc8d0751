// Inserts an APP1 "Exif" segment carrying a given Orientation right after a JPEG's SOI, with the
// TIFF bytes written out by hand in either byte order. A "Make" entry comes first so a reader
// must really walk IFD0 rather than peek at its first entry.

function u16(v: number, little: boolean): number[] {
  return little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff];
}
function u32(v: number, little: boolean): number[] {
  const b = [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
  return little ? b.reverse() : b;
}

export function exifTiff(orientation: number, little = false): number[] {
  return [
    ...(little ? [0x49, 0x49] : [0x4d, 0x4d]), // "II" little-endian or "MM" big-endian
    ...u16(42, little),
    ...u32(8, little), // IFD0 starts right after this 8-byte header
    ...u16(2, little), // two entries
    ...u16(0x010f, little),
    ...u16(2, little),
    ...u32(4, little),
    0x46,
    0x6f,
    0x6f,
    0x00, // Make "Foo"
    ...u16(0x0112, little),
    ...u16(3, little),
    ...u32(1, little),
    ...u16(orientation, little),
    0,
    0,
    ...u32(0, little), // no next IFD
  ];
}

export function withExifOrientation(
  jpeg: Uint8Array,
  orientation: number,
  little = false,
): Uint8Array {
  const payload = [..."Exif\0\0"].map((c) => c.charCodeAt(0)).concat(exifTiff(orientation, little));
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}
