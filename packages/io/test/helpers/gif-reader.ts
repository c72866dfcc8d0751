// A small GIF reader for tests, independent of gifenc: walks the block structure (header,
// logical screen, colour tables, extensions, image descriptors) and LZW-decodes each frame, so
// a test can check size, loop extension, delays and the pixels themselves.

export interface GifFrame {
  /** Delay from the frame's Graphic Control Extension, in centiseconds. */
  delayCs: number;
  /** Decoded RGB(A) pixels of the full frame, alpha always 255. */
  rgba: Uint8Array;
}

export interface GifFile {
  width: number;
  height: number;
  /** NETSCAPE2.0 loop count (0 = forever), or undefined when the extension is absent. */
  loops: number | undefined;
  frames: GifFrame[];
}

export function readGif(bytes: Uint8Array): GifFile {
  let at = 0;
  const u8 = () => bytes[at++];
  const u16 = () => bytes[at++] | (bytes[at++] << 8);
  const take = (n: number) => {
    at += n;
    return bytes.slice(at - n, at);
  };
  const text = (n: number) => String.fromCharCode(...take(n));
  const colorTable = (packed: number) => take(3 * (1 << ((packed & 7) + 1)));
  const subBlocks = () => {
    const parts: number[] = [];
    for (let n = u8(); n !== 0; n = u8()) parts.push(...take(n));
    return parts;
  };

  const signature = text(6);
  if (signature !== "GIF89a" && signature !== "GIF87a") throw new Error("not a GIF");
  const width = u16();
  const height = u16();
  const screenPacked = u8();
  at += 2; // background colour index, pixel aspect ratio
  const globalTable = screenPacked & 0x80 ? colorTable(screenPacked) : undefined;

  let loops: number | undefined;
  let delayCs = 0;
  const frames: GifFrame[] = [];
  for (;;) {
    const introducer = u8();
    if (introducer === 0x3b) break; // trailer
    if (introducer === 0x21) {
      const label = u8();
      const data = subBlocks();
      if (label === 0xf9) delayCs = data[1] | (data[2] << 8);
      const app = String.fromCharCode(...data.slice(0, 11));
      if (label === 0xff && app === "NETSCAPE2.0") loops = data[12] | (data[13] << 8);
    } else if (introducer === 0x2c) {
      at += 4; // left, top: our frames always cover the whole screen
      const w = u16();
      const h = u16();
      const packed = u8();
      if (packed & 0x40) throw new Error("interlaced frames are not expected");
      const table = packed & 0x80 ? colorTable(packed) : globalTable!;
      const minCodeSize = u8();
      const indices = lzwDecode(subBlocks(), minCodeSize, w * h);
      const rgba = new Uint8Array(w * h * 4);
      indices.forEach((index, p) => {
        rgba.set(table.subarray(index * 3, index * 3 + 3), p * 4);
        rgba[p * 4 + 3] = 255;
      });
      frames.push({ delayCs, rgba });
    } else {
      throw new Error(`unexpected GIF block 0x${introducer.toString(16)} at ${at - 1}`);
    }
  }
  return { width, height, loops, frames };
}

/** Variable-width LZW as GIF uses it: LSB-first codes, clear and end codes, up to 12 bits. */
function lzwDecode(data: readonly number[], minCodeSize: number, pixels: number): number[] {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let dict: number[][] = [];
  let size = 0;
  let prev: number[] | undefined;
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    size = minCodeSize + 1;
    prev = undefined;
  };
  reset();
  const out: number[] = [];
  let bit = 0;
  while (out.length < pixels && bit + size <= data.length * 8) {
    let code = 0;
    for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
    if (code === clear) {
      reset();
      continue;
    }
    if (code === end) break;
    const entry = code < dict.length ? dict[code] : [...prev!, prev![0]];
    out.push(...entry);
    if (prev) dict.push([...prev, entry[0]]);
    prev = entry;
    if (dict.length === 1 << size && size < 12) size++;
  }
  return out;
}
