// Writes tiny JPEGs whose 8×8 blocks are each one flat value per component, so only the DC
// coefficient is non-zero. That is enough to make what jpeg-js's own encoder cannot: grey,
// 4-component Adobe CMYK, and progressive files (a DC scan, then one AC scan per component).
// Quantisation is all ones, so a block's DC coefficient is exactly 8·(value − 128).

export interface FlatJpegSpec {
  blocksWide: number;
  blocksHigh: number;
  /** values[block][component], blocks row-major, each 0–255. 1, 3 or 4 components. */
  values: readonly (readonly number[])[];
  progressive?: boolean;
  /** Add an Adobe APP14 marker with transform 0 (what jpeg-js needs for 4 components). */
  adobe?: boolean;
}

function segment(marker: number, payload: readonly number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/** Entropy-coded bits, MSB first, with FF bytes stuffed and the last byte padded with ones. */
class BitWriter {
  bytes: number[] = [];
  private acc = 0;
  private n = 0;
  put(value: number, length: number) {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.emit();
    }
  }
  private emit() {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00);
    this.acc = 0;
    this.n = 0;
  }
  finish(): number[] {
    while (this.n !== 0) this.put(1, 1);
    return this.bytes;
  }
}

/** DC table: categories 0–11 get the 4-bit codes 0000…1011. AC table: one 1-bit code, EOB. */
const DHT = [
  ...[
    0x00,
    0,
    0,
    0,
    12,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...Array.from({ length: 12 }, (_, i) => i),
  ],
  ...[0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00],
];

/** A DC difference as its category (bit count) and the category's extra bits. */
function putDc(bits: BitWriter, diff: number) {
  const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
  bits.put(category, 4);
  if (category > 0) bits.put(diff >= 0 ? diff : diff + (1 << category) - 1, category);
}

export function buildFlatJpeg(spec: FlatJpegSpec): Uint8Array {
  const nc = spec.values[0].length;
  const width = spec.blocksWide * 8;
  const height = spec.blocksHigh * 8;
  const ids = Array.from({ length: nc }, (_, c) => c + 1);
  const out = [0xff, 0xd8];
  if (spec.adobe)
    out.push(
      ...segment(0xee, [..."Adobe"].map((ch) => ch.charCodeAt(0)).concat([0, 100, 0, 0, 0, 0, 0])),
    );
  out.push(...segment(0xdb, [0x00, ...new Array(64).fill(1)]));
  const sof = [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    nc,
    ...ids.flatMap((id) => [id, 0x11, 0]),
  ];
  out.push(...segment(spec.progressive ? 0xc2 : 0xc0, sof));
  out.push(...segment(0xc4, DHT));

  const scan = (components: number[], ss: number, se: number, body: (bits: BitWriter) => void) => {
    out.push(
      ...segment(0xda, [
        components.length,
        ...components.flatMap((c) => [ids[c], 0x00]),
        ss,
        se,
        0,
      ]),
    );
    const bits = new BitWriter();
    body(bits);
    out.push(...bits.finish());
  };
  const all = ids.map((_, c) => c);
  const dcOf = (block: number, c: number) => 8 * (spec.values[block][c] - 128);
  const dcScan = (withEob: boolean) => (bits: BitWriter) => {
    const prev = new Array(nc).fill(0);
    spec.values.forEach((_, block) => {
      for (const c of all) {
        putDc(bits, dcOf(block, c) - prev[c]);
        prev[c] = dcOf(block, c);
        if (withEob) bits.put(0, 1); // baseline: the block's AC coefficients, all zero: EOB
      }
    });
  };
  if (!spec.progressive) {
    scan(all, 0, 63, dcScan(true));
  } else {
    scan(all, 0, 0, dcScan(false));
    const eobs = (bits: BitWriter) => {
      for (const _ of spec.values) bits.put(0, 1); // each block: EOB, its AC coefficients are 0
    };
    for (const c of all) scan([c], 1, 63, eobs);
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
