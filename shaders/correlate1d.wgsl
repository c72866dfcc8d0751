// correlate1d.wgsl — valid cross-correlation of every 1-D line of a tensor with a few taps:
// x is read as [outer, n, inner] and out[a, i, j] = Σ_t taps[t] · x[a, i + t, j], i < n - T + 1.
// Two passes of it (along W, then along H, each after reflect padding) make a Gaussian blur.
//
// One thread per output element (outer × m × inner with m = n - T + 1; 2-D grid of 64-wide
// workgroups, i = gid.x + gid.y · rowStride). Its T reads are `inner` apart: neighbouring
// threads read neighbouring addresses whichever dim is filtered. The taps live in the uniform
// block (at most 64).

struct Params {
  outer: u32,
  n: u32,
  inner: u32,
  count: u32,
  xOffset: u32,
  outOffset: u32,
  rowStride: u32,
  taps: array<vec4f, 16>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  let m = params.n - params.count + 1u;
  if (i >= params.outer * m * params.inner) { return; }
  let q = i / params.inner;
  let j = i - q * params.inner;
  let a = q / m;
  let r = q - a * m;
  let first = params.xOffset + (a * params.n + r) * params.inner + j;
  var acc = 0.0;
  for (var t = 0u; t < params.count; t++) {
    acc = fma(params.taps[t / 4u][t % 4u], x[first + t * params.inner], acc);
  }
  out[params.outOffset + i] = acc;
}
