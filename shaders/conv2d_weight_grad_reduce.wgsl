// conv2d_weight_grad_reduce.wgsl — the second pass of conv2d's weight gradient: one thread per
// weight element e adds its `slices` partial sums partial[e · stride + s] (conv2d_weight_grad.wgsl)
// in order, so the result has the same bits on every run. Each thread takes PER elements,
// e = thread + k · threads (k < PER): fewer workgroups, each worth its fixed cost on CPU adapters. With flags & 1 it adds onto out (the batch was split
// into several launches for tensors larger than one binding).

struct Params {
  count: u32,
  threads: u32,
  slices: u32,
  stride: u32,
  rowStride: u32,
  outOffset: u32,
  flags: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> partial: array<f32>;

const PER = 16u;

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let first = gid.x + gid.y * params.rowStride;
  if (first >= params.threads) { return; }
  for (var k = 0u; k < PER; k++) {
    let e = first + k * params.threads;
    if (e >= params.count) { break; }
    var sum = 0.0;
    for (var s = 0u; s < params.slices; s++) {
      sum += partial[e * params.stride + s];
    }
    if ((params.flags & 1u) != 0u) { sum += out[params.outOffset + e]; }
    out[params.outOffset + e] = sum;
  }
}
