// gather.wgsl — out[c] = x[c with c[dim] replaced by index[c]] (torch.gather), up to 8 dims.
//
// Both x and index are fused expressions: the `expr` slot defines `value(i)` over x's shape and
// `index(i)` over the output's shape. One thread per output element (2-D grid of 64-wide
// workgroups): thread i splits i into coordinates of the output shape, swaps in the gathered
// index along `dim`, and reads x there. An index outside [0, x.shape[dim]) cannot raise an
// error on a GPU, so it yields NaN (float32) or 0 (int32): assertFinite() makes it visible.

struct Params {
  n: u32,
  rank: u32,
  dim: u32,
  rowStride: u32,
  outOffset: u32,
  shape: array<vec4u, 2>,
  xShape: array<vec4u, 2>,
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
  let at = index(i);
  let size = i32(params.xShape[params.dim / 4u][params.dim % 4u]);
  if (at < 0 || at >= size) {
    out[params.outOffset + i] = {{invalid}};
    return;
  }
  var rest = i;
  var src = 0u;
  var stride = 1u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let n = params.shape[d / 4][d % 4];
    var c = rest % n;
    rest = rest / n;
    if (u32(d) == params.dim) { c = u32(at); }
    src += c * stride;
    stride *= params.xShape[d / 4][d % 4];
  }
  out[params.outOffset + i] = value(src);
}
