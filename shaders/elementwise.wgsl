// elementwise.wgsl — a fused chain of elementwise ops, written to fresh contiguous memory.
//
// Consecutive elementwise ops build one expression tree (packages/tensor/src/expr.ts); the
// codegen turns it into `fn value(i: u32) -> T` (the `expr` slot), reading its inputs through
// strides, so broadcasts, transposes and slices cost no copies.
// Thread mapping: a workgroup of 64 threads writes a block of 64 · PER consecutive elements, thread
// t the elements t, t + 64, t + 128, … of its block, so at every step neighbouring threads write
// neighbouring addresses (coalesced). Several elements per thread because a CPU adapter pays a
// fixed cost per workgroup (lavapipe: a function call and its set-up per 64 threads) that one
// element per thread does not cover. Workgroups form a 2-D grid (a dimension holds at most 65535);
// rowStride is the number of threads in one row of the grid; threads past n do nothing.

override PER: u32 = 4;

struct Params {
  n: u32,
  outOffset: u32,
  rowStride: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{outType}}>;

{{expr}}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) t: u32) {
  let q = gid.x + gid.y * params.rowStride;
  let first = (q - t) * PER + t;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * WG_1D;
    if (i < params.n) {
      out[params.outOffset + i] = value(i);
    }
  }
}
