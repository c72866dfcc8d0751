// Numbers that TypeScript and WGSL both need, each said once. Which side says it depends on who
// must know it first:
//
// - The planner sizes dispatches with it (the 1-D workgroup size): `shaderConstants` below is the
//   only statement. A shader declares `override WG_1D: u32;` with no default and writes
//   `@workgroup_size(WG_1D)`; the backend sets every override of this table that a shader
//   declares (webgpu.ts: pipeline), so a shader cannot run with a size the planner does not know,
//   and one that forgets the table fails to build instead of computing with a stale number.
// - The shader needs it at compile time (the length of a register array: matvec.wgsl's COLS):
//   the WGSL `const` is the statement and the planner reads it from the source with `wgslConst`,
//   as Params are read from the struct (params.ts).
//
// And two words for the two meanings a bare 4 had: bytes of an element, lanes of a vec4.

export { BYTES_PER_ELEMENT } from "../../dtype.ts";

/** Lanes of a vec4: how many channels (or elements) one packed vec4 holds. */
export const VEC4 = 4;

/** Buffer copies and mapped sizes are multiples of 4 bytes (WebGPU's COPY_BUFFER_ALIGNMENT). */
export const COPY_ALIGN = 4;

/** Overrides the backend sets in every shader that declares them (`override NAME: u32;`). */
export const shaderConstants = {
  /** Threads of a 1-D workgroup: grid() and the conv tiles count in it. */
  WG_1D: 64,
} as const;

/** The overrides of `shaderConstants` that `source` declares, with their values. */
export function sharedOverrides(source: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of source.matchAll(/^\s*override\s+(\w+)\s*:/gm)) {
    const name = m[1] as keyof typeof shaderConstants;
    if (name in shaderConstants) out[name] = shaderConstants[name];
  }
  return out;
}

/** The value of `const NAME = <integer>u;` in a WGSL source; throws when it is not there. */
export function wgslConst(source: string, name: string): number {
  const m = source.match(new RegExp(`^\\s*const\\s+${name}\\s*=\\s*(\\d+)u?\\s*;`, "m"));
  if (!m) throw new Error(`WGSL constant ${name} not found: the shader and its planner disagree`);
  return Number(m[1]);
}
