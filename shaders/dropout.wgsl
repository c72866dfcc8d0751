// dropout.wgsl — out[i] = value(i) · scale where element i is kept, else 0.
//
// The mask is a counter-based hash of (key, i), the same one random.ts computes on the host:
//   u(i) = hash32(key ^ hash32(i + 0x9e3779b9)) >> 8   (24 random bits)
// and element i is kept when u(i) ≥ threshold = ceil(p · 2²⁴), i.e. uniformAt(key, i) ≥ p.
// Integer arithmetic only, so both backends draw exactly the same mask, in any order.
// One thread per element (2-D grid of 64-wide workgroups, i = gid.x + gid.y · rowStride);
// the input is a fused expression (the `expr` slot), so x·mask·scale is one kernel.

struct Params {
  n: u32,
  key: u32,
  threshold: u32,
  scale: f32,
  outOffset: u32,
  rowStride: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

{{expr}}

/** "lowbias32" (C. Wellons): u32 multiplies wrap exactly like Math.imul. */
fn hash32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  if (i >= params.n) { return; }
  let u = hash32(params.key ^ hash32(i + 0x9e3779b9u)) >> 8u;
  out[params.outOffset + i] = select(0.0, value(i) * params.scale, u >= params.threshold);
}
