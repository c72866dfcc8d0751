// The protobuf wire format, both ways, as far as Caffe's files need it: varints, 32/64-bit
// fixed fields and length-delimited fields (strings, nested messages, packed arrays).
// https://protobuf.dev/programming-guides/encoding/
//
// Hand-written instead of protobufjs because (1) a 550 MB VGG caffemodel holds 138 M floats,
// which protobufjs decodes one by one into a JS number[] (over 1 GB), where a packed field is
// one copy into a Float32Array here; (2) every length is checked against the bytes that are
// left *before* anything is allocated, and each error names the Caffe field it was reading;
// (3) the part of caffe.proto we read is a dozen fields, fewer lines than a schema would be.

import { CaffeError } from "./caffemodel-error.ts";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** Reads one message: `bytes[pos, end)`. `part` names it in errors. */
export class ProtoReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly part: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(detail: string): never {
    throw new CaffeError(this.part, detail);
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint("field tag");
    const field = Math.floor(key / 8);
    if (field === 0) this.fail(`field number 0 at byte ${this.pos} (not a protobuf message)`);
    return { field, wire: key % 8 };
  }

  /**
   * An unsigned varint, at most 10 bytes. Values past 2^53 (which includes negative int32s,
   * written as 10-byte two's complement) are refused: no Caffe size or count is that large.
   */
  varint(what: string): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) this.fail(`${what} is cut off at the end of the data`);
      const b = this.bytes[this.pos++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) this.fail(`${what} ${value} is negative or too large`);
        return value;
      }
    }
    return this.fail(`${what} is a varint longer than 10 bytes`);
  }

  /** `n` raw bytes (a view, no copy), checked against what is left. */
  take(n: number, what: string): Uint8Array {
    const left = this.end - this.pos;
    if (n > left) this.fail(`${what} needs ${n} bytes, only ${left} left (truncated or corrupt)`);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** A length-delimited field's bytes. */
  lengthDelimited(what: string): Uint8Array {
    return this.take(this.varint(`length of ${what}`), what);
  }

  /** A nested message, read by its own reader (which cannot run past its length). */
  message(part: string): ProtoReader {
    const n = this.varint(`length of ${part}`);
    this.take(n, part);
    return new ProtoReader(this.bytes, part, this.pos - n, this.pos);
  }

  string(what: string): string {
    return new TextDecoder().decode(this.lengthDelimited(what));
  }

  float32(what: string): number {
    const b = this.take(4, what);
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }

  float64(what: string): number {
    const b = this.take(8, what);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** Steps over a field this reader does not use. */
  skip(wire: number, field: number): void {
    const what = `field ${field}`;
    if (wire === WIRE_VARINT) this.varint(what);
    else if (wire === WIRE_FIXED64) this.take(8, what);
    else if (wire === WIRE_BYTES) this.lengthDelimited(what);
    else if (wire === WIRE_FIXED32) this.take(4, what);
    // Wire types 3 and 4 (groups) are deprecated and caffe.proto has none; 6 and 7 do not exist.
    else this.fail(`${what} has wire type ${wire}, which Caffe files never use`);
  }

  /** Fails unless a known field came with the wire type its declaration gives it. */
  expect(wire: number, expected: number, name: string, field: number): void {
    if (wire !== expected) {
      this.fail(`field ${name} (${field}) has wire type ${wire}, expected ${expected}`);
    }
  }
}

/** Builds a message from fields, in the order they are added. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private small: number[] = [];
  length = 0;

  private flush(): void {
    if (this.small.length) this.parts.push(Uint8Array.from(this.small));
    this.small = [];
  }

  private byte(b: number): void {
    this.small.push(b);
    this.length++;
  }

  rawVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`cannot write ${value} as an unsigned varint`);
    }
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  varint(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
  }

  bytes(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(bytes.length);
    this.flush();
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  string(field: number, text: string): void {
    this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, inner: ProtoWriter): void {
    this.bytes(field, inner.finish());
  }

  fixed32(field: number, bytes4: Uint8Array): void {
    this.tag(field, WIRE_FIXED32);
    for (const b of bytes4) this.byte(b);
  }

  fixed64(field: number, bytes8: Uint8Array): void {
    this.tag(field, WIRE_FIXED64);
    for (const b of bytes8) this.byte(b);
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
