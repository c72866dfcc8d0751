// elementwise_vec4.wgsl — elementwise.wgsl four elements at a time, for fused chains whose every
// input is a contiguous float32 run starting at a multiple of 4 (codegen.ts: vec4Ready).
//
// `value(i)` (the `expr` slot) returns elements 4i … 4i + 3 as a vec4<f32>, every input bound as
// array<vec4<f32>>, so each thread moves 16 bytes per load and store. On lavapipe that is what
// reaches the copy bandwidth: a scalar f32 access is one 8-lane gather per element, a vec4 one
// moves four elements per lane. Thread mapping as in elementwise.wgsl, in vec4s: a workgroup of
// 64 threads writes 64 · PER consecutive vec4s, thread t the vec4s t, t + 64, …; n4 = n / 4.

override PER: u32 = 4;

struct Params {
  n4: u32,
  outOffset4: u32,
  rowStride: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;

{{expr}}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) t: u32) {
  let q = gid.x + gid.y * params.rowStride;
  let first = (q - t) * PER + t;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * WG_1D;
    if (i < params.n4) {
      out[params.outOffset4 + i] = value(i);
    }
  }
}
