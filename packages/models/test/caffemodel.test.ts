// The .caffemodel reader on files our writer makes in every form Caffe has written: current
// `layer` and legacy V1 `layers`, shape.dim and num/channels/height/width, packed and unpacked
// floats, doubles; plus hand-assembled bytes the writer never makes (protobuf allows fields
// in any order and repeated fields in pieces), the inspect summary and the safetensors conversion.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { CaffeLayerWeights } from "../src/caffe/blob.ts";
import { readCaffemodel } from "../src/caffe/caffemodel.ts";
import { caffemodelToSafetensors } from "../src/caffe/caffemodel-convert.ts";
import { formatCaffemodelSummary, summarizeCaffemodel } from "../src/caffe/caffemodel-inspect.ts";
import { type WriteCaffemodelOptions, writeCaffemodel } from "../src/caffe/caffemodel-write.ts";
import { ProtoWriter } from "../src/caffe/proto-wire.ts";
import { f16BitsToF32, f32ToF16Bits } from "../src/safetensors/half.ts";
import { loadSafetensors, parseHeaderBytes } from "../src/safetensors/reader.ts";

/** Deterministic pseudo-random floats (a small LCG), so failures reproduce. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function blob(shape: number[], seed: number) {
  return {
    shape,
    data: values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  };
}

/** A tiny net with every kind of layer the shape rules treat differently. */
const LAYERS: CaffeLayerWeights[] = [
  { name: "data", type: "Data", blobs: [] },
  { name: "conv1/7x7_s2", type: "Convolution", blobs: [blob([4, 3, 3, 3], 1), blob([4], 2)] },
  { name: "relu1", type: "ReLU", blobs: [] },
  { name: "conv2", type: "Convolution", blobs: [blob([1, 4, 1, 1], 3), blob([1], 4)] },
  { name: "pool1", type: "Pooling", blobs: [] },
  { name: "fc", type: "InnerProduct", blobs: [blob([5, 6], 5), blob([5], 6)] },
  { name: "prob", type: "Softmax", blobs: [] },
];

/** The variants a reader must accept; each is one way some version of Caffe wrote files. */
const VARIANTS: [string, WriteCaffemodelOptions][] = [
  ["current, shape.dim, packed", {}],
  ["current, unpacked dims and floats", { packedDims: false, values: "unpacked" }],
  ["current, legacy num/channels/height/width", { shape: "nchw" }],
  ["current, packed double_data", { values: "double" }],
  ["current, unpacked double_data", { values: "double-unpacked" }],
  ["V1 layers, legacy shapes, packed", { format: "v1", shape: "nchw" }],
  ["V1 layers, legacy shapes, unpacked", { format: "v1", shape: "nchw", values: "unpacked" }],
  ["V1 layers, shape.dim", { format: "v1" }],
];

describe("readCaffemodel", () => {
  for (const [label, options] of VARIANTS) {
    it(`round-trips: ${label}`, () => {
      const bytes = writeCaffemodel({ name: "TinyNet", layers: LAYERS }, options);
      const model = readCaffemodel(bytes);
      expect(model.name).toBe("TinyNet");
      expect(model.format).toBe(options.format ?? "layer");
      expect(model.layers.map((l) => [l.name, l.type])).toEqual(
        LAYERS.map((l) => [l.name, l.type]),
      );
      model.layers.forEach((layer, i) => {
        expect(layer.blobs.length).toBe(LAYERS[i].blobs.length);
        layer.blobs.forEach((b, j) => {
          // Legacy 4-D shapes come back as the layer's own shape (Caffe's rule), so every
          // variant reads the same shapes, the [1, 4, 1, 1] conv weight included.
          expect(b.shape).toEqual(LAYERS[i].blobs[j].shape);
          expect(b.data).toBeInstanceOf(Float32Array);
          expect(b.data).toEqual(LAYERS[i].blobs[j].data); // exact: doubles hold float32s
        });
      });
    });
  }

  it("keeps a legacy shape whose leading dims are not 1, and those of unknown types", () => {
    const layers = [
      { name: "ip", type: "InnerProduct", blobs: [blob([2, 1, 3, 4], 7)] },
      { name: "custom", type: "Python", blobs: [blob([5], 8)] },
    ];
    const model = readCaffemodel(writeCaffemodel({ layers }, { shape: "nchw" }));
    expect(model.layers[0].blobs[0].shape).toEqual([2, 1, 3, 4]);
    expect(model.layers[1].blobs[0].shape).toEqual([1, 1, 1, 5]);
    expect(model.name).toBeUndefined();
  });

  it("reads fields in any order, repeated floats in pieces, and skips unknown fields", () => {
    // A blob whose data arrives as packed + unpacked + packed, after the shape, with a diff
    // (field 6) and an unknown varint between; the layer's name comes after its blob.
    const data = values(5, 9);
    const le = (xs: Float32Array) => new Uint8Array(xs.slice().buffer);
    const b = new ProtoWriter();
    b.bytes(5, le(data.subarray(0, 2)));
    b.fixed32(5, le(data.subarray(2, 3)));
    b.varint(42, 123456789);
    b.bytes(6, le(values(5, 10)));
    b.bytes(5, le(data.subarray(3)));
    const shape = new ProtoWriter();
    shape.varint(1, 5);
    b.message(7, shape);
    const layer = new ProtoWriter();
    layer.string(2, "Scale");
    layer.message(7, b);
    layer.string(1, "scale1");
    layer.varint(10, 1); // phase, an enum the reader does not use
    const net = new ProtoWriter();
    net.varint(5, 1); // force_backward
    net.message(100, layer);
    net.string(1, "Pieces");
    const model = readCaffemodel(net.finish());
    expect(model.name).toBe("Pieces");
    expect(model.layers).toEqual([
      { name: "scale1", type: "Scale", blobs: [{ shape: [5], data }] },
    ]);
  });

  it("maps every V1 enum used by the VGG and GoogLeNet files to Caffe's type strings", () => {
    const layers = ["Convolution", "ReLU", "Pooling", "LRN", "Concat", "InnerProduct", "Dropout"]
      .concat(["Softmax", "SoftmaxWithLoss", "Eltwise", "Deconvolution", "Data"])
      .map((type, i) => ({ name: `l${i}`, type, blobs: [] }));
    const model = readCaffemodel(writeCaffemodel({ layers }, { format: "v1" }));
    expect(model.layers.map((l) => l.type)).toEqual(layers.map((l) => l.type));
  });
});

describe("inspect and convert", () => {
  const bytes = writeCaffemodel(
    { name: "TinyNet", layers: LAYERS },
    { format: "v1", shape: "nchw" },
  );

  it("summarises layers, types and blob shapes", () => {
    const summary = summarizeCaffemodel(readCaffemodel(bytes));
    expect(summary).toMatchObject({
      name: "TinyNet",
      format: "v1",
      parameters: 108 + 4 + 4 + 1 + 30 + 5,
    });
    expect(summary.layers[1]).toEqual({
      name: "conv1/7x7_s2",
      type: "Convolution",
      blobs: [[4, 3, 3, 3], [4]],
    });
    const text = formatCaffemodelSummary(summary).split("\n");
    expect(text[0]).toBe('net "TinyNet": 7 layers (legacy V1 `layers` format), 152 parameters');
    expect(text[2]).toMatch(/^ {2}conv1\/7x7_s2 +Convolution +\[4, 3, 3, 3\] \[4\]$/);
    expect(text[3]).toMatch(/^ {2}relu1 +ReLU$/);
    expect(text).toHaveLength(8);
  });

  it("converts to safetensors named by caffeTensorName, F32 exactly", async () => {
    const file = caffemodelToSafetensors(bytes);
    const header = parseHeaderBytes(file);
    expect(header.metadata).toEqual({
      format: "caffe",
      net: "TinyNet",
      source: "converted from a .caffemodel (legacy V1 `layers` format) by sheep weights convert",
    });
    const tensors = await loadSafetensors(file);
    expect([...tensors.keys()].sort()).toEqual(
      [
        "conv1/7x7_s2.weight",
        "conv1/7x7_s2.bias",
        "conv2.weight",
        "conv2.bias",
        "fc.weight",
        "fc.bias",
      ].sort(),
    );
    const fc = tensors.get("fc.weight")!;
    expect(fc.dtype).toBe("F32");
    expect(fc.shape).toEqual([5, 6]);
    expect(fc.data).toEqual(LAYERS[5].blobs[0].data);
  });

  it("converts to F16, each value rounded to its nearest half", async () => {
    const tensors = await loadSafetensors(caffemodelToSafetensors(bytes, { f16: true }));
    const w = tensors.get("conv1/7x7_s2.weight")!;
    expect(w.dtype).toBe("F16");
    const original = LAYERS[1].blobs[0].data;
    expect(w.data).toEqual(original.map((x) => f16BitsToF32(f32ToF16Bits(x))));
    for (let i = 0; i < original.length; i++) {
      expect(Math.abs(w.data[i] - original[i])).toBeLessThanOrEqual(
        2 ** -11 * Math.abs(original[i]) + 1e-7,
      );
    }
  });

  it("refuses F16 for a value F16 cannot hold", () => {
    const big = writeCaffemodel({
      layers: [{ name: "x", type: "Scale", blobs: [{ shape: [1], data: Float32Array.of(1e5) }] }],
    });
    expect(() => caffemodelToSafetensors(big, { f16: true })).toThrow(
      'caffemodel layer "x" blob 0: holds 100000, over F16\'s largest value 65504; convert without --f16',
    );
  });
});

describe("browser safety", () => {
  it("the caffemodel and proto files but caffemodel-node.ts reach no Node module", () => {
    const caffe = join(import.meta.dirname, "..", "src", "caffe");
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const [, s] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g)) {
        if (s.startsWith(".")) visit(resolve(dirname(file), s));
        else external.push(`${file}: ${s}`);
      }
    };
    const files = readdirSync(caffe).filter(
      (f) => /^(caffemodel|proto)/.test(f) && f.endsWith(".ts") && f !== "caffemodel-node.ts",
    );
    for (const f of files) visit(join(caffe, f));
    expect(files.length).toBeGreaterThan(6);
    expect(external).toEqual([]);
    // The check can fail: the Node file does import node:fs.
    visit(join(caffe, "caffemodel-node.ts"));
    expect(external.some((e) => e.endsWith("node:fs/promises"))).toBe(true);
  });
});
