// Uniform parameters, named once. Each shader declares `struct Params { … }`; this file reads
// the field names and types from the WGSL itself and packs a TypeScript object into that layout,
// so a field renamed on one side and not the other fails loudly instead of reading garbage.

import { BYTES_PER_ELEMENT, VEC4 } from "./constants.ts";

type FieldType = "u32" | "i32" | "f32" | "vec4u" | "vec4i" | "vec4f";

interface Field {
  name: string;
  type: FieldType;
  /** Array length, or 0 for a plain field. */
  count: number;
  offset: number;
}

export interface ParamsLayout {
  fields: Field[];
  size: number;
}

const SCALARS: Record<string, FieldType> = {
  u32: "u32",
  i32: "i32",
  f32: "f32",
  "vec4<u32>": "vec4u",
  vec4u: "vec4u",
  "vec4<i32>": "vec4i",
  vec4i: "vec4i",
  "vec4<f32>": "vec4f",
  vec4f: "vec4f",
};

/** Read `struct Params { … }` from WGSL and lay it out by the uniform address-space rules. */
export function parseParams(wgsl: string): ParamsLayout {
  const body = /struct\s+Params\s*\{([^}]*)\}/.exec(wgsl)?.[1];
  if (body === undefined) throw new Error("shader has no `struct Params`");
  const fields: Field[] = [];
  let offset = 0;
  for (const raw of body.split(/,(?![^<]*>)/)) {
    const line = raw.replace(/\/\/.*$/gm, "").trim();
    if (!line) continue;
    const m = /^(\w+)\s*:\s*(.+)$/.exec(line);
    if (!m) throw new Error(`cannot parse Params field "${line}"`);
    const [, name, typeText] = m;
    const arr = /^array<\s*(.+?)\s*,\s*(\d+)\s*>$/.exec(typeText.trim());
    const type = SCALARS[(arr ? arr[1] : typeText).replace(/\s/g, "")];
    if (!type) throw new Error(`Params field ${name} has unsupported type ${typeText}`);
    const count = arr ? Number(arr[2]) : 0;
    const vec = type.startsWith("vec4");
    if (arr && !vec)
      throw new Error(
        `Params array ${name} must hold vec4s (uniform arrays have a 16-byte stride)`,
      );
    const align = vec ? 16 : 4;
    offset = Math.ceil(offset / align) * align;
    fields.push({ name, type, count, offset });
    offset += vec ? 16 * Math.max(1, count) : 4;
  }
  return { fields, size: Math.max(16, Math.ceil(offset / 16) * 16) };
}

export type ParamValues = Record<string, number | readonly number[]>;

/** Pack values into the layout; every field must be given and no other. */
export function packParams(layout: ParamsLayout, values: ParamValues, label: string): ArrayBuffer {
  const buf = new ArrayBuffer(layout.size);
  const u32 = new Uint32Array(buf);
  const i32 = new Int32Array(buf);
  const f32 = new Float32Array(buf);
  const names = new Set(layout.fields.map((f) => f.name));
  for (const key of Object.keys(values)) {
    if (!names.has(key)) throw new Error(`${label}: Params has no field "${key}"`);
  }
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new Error(`${label}: Params field "${f.name}" was not given`);
    const list = typeof v === "number" ? [v] : v;
    const capacity = f.type.startsWith("vec4") ? VEC4 * Math.max(1, f.count) : 1;
    if (list.length > capacity)
      throw new Error(`${label}: ${list.length} values overflow Params.${f.name}`);
    const at = f.offset / BYTES_PER_ELEMENT; // every Params scalar is 4 bytes
    const view =
      f.type.endsWith("i") || f.type === "i32"
        ? i32
        : f.type.endsWith("f") || f.type === "f32"
          ? f32
          : u32;
    list.forEach((x, k) => {
      view[at + k] = x;
    });
  }
  return buf;
}
