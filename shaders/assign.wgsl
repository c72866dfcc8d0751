// assign.wgsl — write a fused expression into a strided view of an existing buffer.
//
// One thread per element of the expression's shape (up to 8 dims): thread i computes its
// coordinates c, then writes value(i) to out[outOffset + Σ c[d] · strides[d]]. Concat runs it
// once per input (each into its slab of the output); the gradient of a strided slice uses it to
// scatter g into zeros. Threads form a 2-D grid of 64-wide workgroups, as in elementwise.wgsl.

struct Params {
  n: u32,
  rank: u32,
  outOffset: u32,
  rowStride: u32,
  shape: array<vec4u, 2>,
  strides: array<vec4i, 2>,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{outType}}>;

{{expr}}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  if (i >= params.n) { return; }
  var rest = i;
  var at = i32(params.outOffset);
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    at += i32(rest % size) * params.strides[d / 4][d % 4];
    rest = rest / size;
  }
  out[u32(at)] = value(i);
}
