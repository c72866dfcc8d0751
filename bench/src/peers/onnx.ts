// One-node ONNX models for ONNX Runtime Web, written as protobuf bytes by hand: no Python, no
// onnx package. Only the fields a MatMul or Conv graph needs (onnx.proto3, IR version 8).
//
// Protobuf wire format: each field is a key varint (field number << 3 | wire type) then the
// value; wire type 0 is a varint, 2 is a length-prefixed byte string (nested messages too).

type Bytes = Uint8Array<ArrayBuffer>;
const utf8 = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function concat(parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const int = (field: number, n: number): Bytes =>
  Uint8Array.from([...varint(field << 3), ...varint(n)]);
const bytes = (field: number, b: Bytes): Bytes =>
  concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const str = (field: number, s: string): Bytes => bytes(field, utf8.encode(s));
const msg = (field: number, ...parts: Bytes[]): Bytes => bytes(field, concat(parts));

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INTS = 7; // AttributeProto.AttributeType.INTS

/** ValueInfoProto {name = 1, type = 2 {tensor_type = 1 {elem_type = 1, shape = 2 {dim = 1}}}}. */
function valueInfo(name: string, dims: readonly number[]): Bytes {
  const shape = concat(dims.map((d) => msg(1, int(1, d))));
  return concat([str(1, name), msg(2, msg(1, int(1, FLOAT), bytes(2, shape)))]);
}

/** AttributeProto {name = 1, ints = 8 (repeated), type = 20}. */
function intsAttr(name: string, values: readonly number[]): Bytes {
  return concat([str(1, name), ...values.map((v) => int(8, v)), int(20, ATTR_INTS)]);
}

interface Graph {
  op: string;
  inputs: [string, readonly number[]][];
  output: [string, readonly number[]];
  attrs?: Bytes[];
}

/** ModelProto {ir_version = 1, producer_name = 2, graph = 7, opset_import = 8}. */
function model(g: Graph): Bytes {
  // NodeProto {input = 1, output = 2, name = 3, op_type = 4, attribute = 5}.
  const node = concat([
    ...g.inputs.map(([n]) => str(1, n)),
    str(2, g.output[0]),
    str(3, `${g.op.toLowerCase()}0`),
    str(4, g.op),
    ...(g.attrs ?? []).map((a) => bytes(5, a)),
  ]);
  // GraphProto {node = 1, name = 2, input = 11, output = 12}.
  const graph = concat([
    bytes(1, node),
    str(2, "bench"),
    ...g.inputs.map(([n, d]) => bytes(11, valueInfo(n, d))),
    bytes(12, valueInfo(...g.output)),
  ]);
  // OperatorSetIdProto {domain = 1 (empty: the default domain), version = 2}.
  return concat([int(1, 8), str(2, "electric-sheep-bench"), bytes(7, graph), msg(8, int(2, 17))]);
}

/** C[M, N] = A[M, K] · B[K, N]. */
export function matmulModel(m: number, k: number, n: number): Bytes {
  return model({
    op: "MatMul",
    inputs: [
      ["A", [m, k]],
      ["B", [k, n]],
    ],
    output: ["C", [m, n]],
  });
}

/** Y = conv(X [N, C, H, W], W [O, C, k, k]), stride 1, padding k/2 on every side, no bias. */
export function convModel(n: number, c: number, h: number, w: number, o: number, k: number): Bytes {
  const p = k >> 1;
  const oh = h + 2 * p - k + 1;
  const ow = w + 2 * p - k + 1;
  return model({
    op: "Conv",
    inputs: [
      ["X", [n, c, h, w]],
      ["W", [o, c, k, k]],
    ],
    output: ["Y", [n, o, oh, ow]],
    attrs: [
      intsAttr("kernel_shape", [k, k]),
      intsAttr("pads", [p, p, p, p]),
      intsAttr("strides", [1, 1]),
    ],
  });
}
