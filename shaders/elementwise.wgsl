// elementwise.wgsl — a fused chain of elementwise ops, written to fresh contiguous memory.
//
// Consecutive elementwise ops build one expression tree (packages/tensor/src/expr.ts); the
// codegen turns it into `fn value(i: u32) -> T` (the `expr` slot), reading its inputs through
// strides, so broadcasts, transposes and slices cost no copies.
// Thread mapping: one thread per output element. Workgroups of 64 threads form a 2-D grid (a
// dimension holds at most 65535 workgroups); thread i = gid.x + gid.y · rowStride writes
// out[outOffset + i] = value(i), and threads past n do nothing.

struct Params {
  n: u32,
  outOffset: u32,
  rowStride: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{outType}}>;

{{expr}}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  if (i >= params.n) { return; }
  out[params.outOffset + i] = value(i);
}
