// Reading safetensors files: open a source, validate the header, then fetch only the tensors
// asked for. Every read happens after the header has been checked against the real file size,
// so a lying header can never make us read (or allocate) beyond the file.

import { type DecodedTensor, decodeTensor } from "./decode.ts";
import { fail } from "./errors.ts";
import {
  LENGTH_PREFIX_BYTES,
  parseHeaderJson,
  readHeaderLength,
  type SafetensorsHeader,
  type TensorEntry,
} from "./header.ts";
import { type SourceInput, type TensorSource, toSource } from "./source.ts";

/** Parses and validates the header of a whole file held in memory. */
export function parseHeaderBytes(file: Uint8Array): SafetensorsHeader {
  const length = readHeaderLength(file.subarray(0, LENGTH_PREFIX_BYTES), file.length);
  const json = file.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + length);
  return parseHeaderJson(json, file.length);
}

/** Reads the prefix and the header from a source (two reads), and validates them. */
export async function parseHeader(input: SourceInput): Promise<SafetensorsHeader> {
  const source = toSource(input);
  const prefix = await readExactly(source, 0, Math.min(LENGTH_PREFIX_BYTES, source.size));
  const length = readHeaderLength(prefix, source.size);
  const json = await readExactly(source, LENGTH_PREFIX_BYTES, length);
  return parseHeaderJson(json, source.size);
}

/** An open safetensors file: its validated header, and tensors read on demand. */
export class SafetensorsReader {
  private constructor(
    readonly source: TensorSource,
    readonly header: SafetensorsHeader,
  ) {}

  static async open(input: SourceInput): Promise<SafetensorsReader> {
    const source = toSource(input);
    return new SafetensorsReader(source, await parseHeader(source));
  }

  /** Tensor names in file order. */
  get names(): string[] {
    return [...this.header.tensors.keys()];
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  entry(name: string): TensorEntry {
    return (
      this.header.tensors.get(name) ??
      fail("TENSOR_NOT_FOUND", `no tensor "${name}" in this file (it has ${this.names.length})`)
    );
  }

  /** The tensor's raw little-endian bytes: one read of exactly its range. */
  async bytes(name: string): Promise<Uint8Array> {
    const e = this.entry(name);
    return readExactly(this.source, this.header.dataStart + e.begin, e.end - e.begin);
  }

  /** The tensor decoded to Float32Array or Int32Array (see decode.ts). */
  async tensor(name: string): Promise<DecodedTensor> {
    return decodeTensor(this.entry(name), await this.bytes(name));
  }

  /** Several tensors (all of them by default), read one at a time in file order. */
  async tensors(names?: Iterable<string>): Promise<Map<string, DecodedTensor>> {
    const wanted = names ? new Set(names) : undefined;
    for (const name of wanted ?? []) this.entry(name); // fail early on an unknown name
    const out = new Map<string, DecodedTensor>();
    for (const name of this.names) {
      if (!wanted || wanted.has(name)) out.set(name, await this.tensor(name));
    }
    return out;
  }
}

/** Opens `input` and decodes the named tensors (or all). */
export async function loadSafetensors(
  input: SourceInput,
  names?: Iterable<string>,
): Promise<Map<string, DecodedTensor>> {
  const reader = await SafetensorsReader.open(input);
  return reader.tensors(names);
}

/** A read that must return every byte asked for; a shorter answer means the file shrank. */
async function readExactly(source: TensorSource, offset: number, length: number) {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    fail(
      "TRUNCATED_FILE",
      `file is truncated: wanted ${length} bytes at ${offset}, got ${bytes.length}`,
    );
  }
  return bytes;
}
