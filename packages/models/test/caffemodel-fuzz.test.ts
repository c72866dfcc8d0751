// Malformed .caffemodel files: every truncation of a small file, random bytes, random byte
// flips, and lengths or shapes that claim gigabytes. Each must end in one CaffeError of one
// line (or, for a file cut exactly between layers, a correct shorter model), quickly, without
// allocating what a corrupt length claims.

import { describe, expect, it } from "vitest";
import type { CaffeLayerWeights } from "../src/caffe/blob.ts";
import { CaffeError, type Caffemodel, readCaffemodel } from "../src/caffe/caffemodel.ts";
import { type WriteCaffemodelOptions, writeCaffemodel } from "../src/caffe/caffemodel-write.ts";
import { ProtoWriter } from "../src/caffe/proto-wire.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const random = rng(7);
const floats = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
const LAYERS: CaffeLayerWeights[] = [
  { name: "conv1", type: "Convolution", blobs: [{ shape: [2, 1, 2, 2], data: floats(8) }] },
  { name: "relu1", type: "ReLU", blobs: [] },
  {
    name: "fc",
    type: "InnerProduct",
    blobs: [
      { shape: [3, 2], data: floats(6) },
      { shape: [3], data: floats(3) },
    ],
  },
];

/** Reads `bytes`; returns the model, or the CaffeError after checking it is one clean line. */
function attempt(bytes: Uint8Array): Caffemodel | CaffeError {
  try {
    return readCaffemodel(bytes);
  } catch (error) {
    if (!(error instanceof CaffeError)) throw error; // a RangeError or TypeError is a bug
    expect(error.message).toMatch(/^caffemodel \S/);
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(300);
    return error;
  }
}

const VARIANTS: WriteCaffemodelOptions[] = [
  {},
  { format: "v1", shape: "nchw", values: "unpacked" },
  { values: "double", packedDims: false },
];

describe("truncated files", () => {
  for (const options of VARIANTS) {
    it(`fails at every cut except between layers: ${JSON.stringify(options)}`, () => {
      const whole = writeCaffemodel({ name: "net", layers: LAYERS }, options);
      // Where each complete prefix of layers ends: a cut there is a valid, shorter file.
      const boundaries = new Map<number, number>();
      for (let k = 1; k <= LAYERS.length; k++) {
        boundaries.set(
          writeCaffemodel({ name: "net", layers: LAYERS.slice(0, k) }, options).length,
          k,
        );
      }
      for (let cut = 0; cut <= whole.length; cut++) {
        const result = attempt(whole.subarray(0, cut));
        const k = boundaries.get(cut);
        if (k === undefined) {
          expect(result, `cut at ${cut} of ${whole.length}`).toBeInstanceOf(CaffeError);
        } else {
          expect(result).not.toBeInstanceOf(CaffeError);
          expect((result as Caffemodel).layers).toEqual(LAYERS.slice(0, k));
        }
      }
    });
  }

  it("names the field it was reading", () => {
    const whole = writeCaffemodel({ name: "net", layers: LAYERS });
    expect(() => readCaffemodel(whole.subarray(0, whole.length - 3))).toThrow(
      /^caffemodel NetParameter: layer 2 needs \d+ bytes, only \d+ left \(truncated or corrupt\)$/,
    );
    expect(() => readCaffemodel(new Uint8Array(0))).toThrow(
      "caffemodel NetParameter: has no layers (neither field 100 nor field 2): not a Caffe model",
    );
  });
});

describe("random and corrupted bytes", () => {
  it("random buffers give a model or one CaffeError (2,000 of them)", () => {
    const r = rng(11);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256));
      attempt(bytes);
    }
  });

  it("byte flips in a valid file give a model or one CaffeError (2,000 of them)", () => {
    const whole = writeCaffemodel({ name: "net", layers: LAYERS }, { format: "v1" });
    const r = rng(12);
    for (let i = 0; i < 2000; i++) {
      const bytes = whole.slice();
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      attempt(bytes);
    }
  });
});

describe("sizes that claim gigabytes", () => {
  it("a layer length of 4 GiB in a 9-byte file", () => {
    const w = new ProtoWriter();
    w.tag(100, 2);
    w.rawVarint(2 ** 32);
    expect(() => readCaffemodel(w.finish())).toThrow(
      "caffemodel NetParameter: layer 0 needs 4294967296 bytes, only 0 left (truncated or corrupt)",
    );
  });

  it("a packed data run claiming 3 GB inside a blob", () => {
    const blob = new ProtoWriter();
    blob.tag(5, 2);
    blob.rawVarint(3e9);
    const layer = new ProtoWriter();
    layer.string(1, "conv1");
    layer.bytes(7, blob.finish());
    const net = new ProtoWriter();
    net.message(100, layer);
    expect(() => readCaffemodel(net.finish())).toThrow(
      'caffemodel layer 0 "conv1" blob 0: data needs 3000000000 bytes, only 0 left (truncated or corrupt)',
    );
  });

  it("a shape of 10^15 values with no data", () => {
    const model = {
      layers: [
        {
          name: "fc",
          type: "InnerProduct",
          blobs: [{ shape: [1e5, 1e5, 1e5], data: new Float32Array(0) }],
        },
      ],
    };
    expect(() => readCaffemodel(writeCaffemodel(model))).toThrow(
      'caffemodel layer 0 "fc" blob 0: shape [100000, 100000, 100000] holds 1000000000000000 values, but its data has 0',
    );
  });

  it("a negative legacy dimension, an 11-byte varint, an unknown V1 type, a V0 layer", () => {
    const bad = (layerField: number, layerBytes: Uint8Array) => {
      const net = new ProtoWriter();
      net.bytes(layerField, layerBytes);
      return net.finish();
    };
    // num = -1: protobuf writes a negative int32 as the 10-byte varint of 2^64 - 1.
    const negative = new Uint8Array([0x08, ...Array(9).fill(0xff), 0x01]);
    const layer = new ProtoWriter();
    layer.bytes(7, negative);
    expect(() => readCaffemodel(bad(100, layer.finish()))).toThrow(
      /blob 0: num 18446744073709552000 is negative or too large$/,
    );

    const long = new Uint8Array([0x08, ...Array(10).fill(0x80), 0x01]);
    const layer2 = new ProtoWriter();
    layer2.bytes(7, long);
    expect(() => readCaffemodel(bad(100, layer2.finish()))).toThrow(
      /blob 0: num is a varint longer than 10 bytes$/,
    );

    const v1 = new ProtoWriter();
    v1.varint(5, 99);
    expect(() => readCaffemodel(bad(2, v1.finish()))).toThrow(
      "caffemodel layers 0: unknown V1 layer type 99 (caffe.proto knows 1-39)",
    );
    const v0 = new ProtoWriter();
    v0.bytes(1, new Uint8Array([0x0a, 0x01, 0x78]));
    expect(() => readCaffemodel(bad(2, v0.finish()))).toThrow(/layers 0: is in Caffe's V0 format/);
  });

  it("both layer and layers in one file", () => {
    const net = new ProtoWriter();
    net.bytes(100, new Uint8Array(0));
    net.bytes(2, new Uint8Array(0));
    expect(() => readCaffemodel(net.finish())).toThrow(
      /has both layer \(field 100\) and legacy layers/,
    );
  });
});
