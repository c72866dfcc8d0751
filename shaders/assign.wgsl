// assign.wgsl — write a fused expression into a strided view of an existing buffer.
//
// Element i of the expression's shape (up to 8 dims) has coordinates c in the view and goes to
// out[outOffset + Σ c[d] · strides[d]]: its thread writes value(i) there. The planner
// merges the view's dims first (size-1 dims dropped, contiguous neighbours joined). Concat runs it
// once per input (each into its slab of the output); the gradient of a strided slice uses it to
// scatter g into zeros. Threads form a 2-D grid of 64-wide workgroups and each writes PER
// elements, as in elementwise.wgsl (a CPU adapter pays a fixed cost per workgroup).
// With outType vec4<f32> every count is in vec4s (n, outOffset, the innermost size; strides
// divided by 4) and value(i) returns elements 4i … 4i + 3: the planner takes this form where the
// view is made of whole, aligned vec4 runs and the expression can read them (codegen.ts:
// vec4Ready).

override PER: u32 = 4;

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

/** Where element i of the expression goes in `out`. */
fn outIndex(i: u32) -> u32 {
  // One division per dim but the outermost, whose coordinate is what is left (i is in range),
  // and the remainder by multiplication: CPU adapters do not vectorise integer division, and a
  // concat's [N, C·H·W] view (see the planner's mergeView) needs just one.
  var rest = i;
  var at = i32(params.outOffset);
  for (var d = i32(params.rank) - 1; d > 0; d--) {
    let size = params.shape[d / 4][d % 4];
    let q = rest / size;
    at += i32(rest - q * size) * params.strides[d / 4][d % 4];
    rest = q;
  }
  if (params.rank > 0u) {
    at += i32(rest) * params.strides[0][0];
  }
  return u32(at);
}

@compute @workgroup_size(WG_1D)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) t: u32) {
  // PER elements a thread, strided by the workgroup's width, as in elementwise.wgsl
  let q = gid.x + gid.y * params.rowStride;
  let first = (q - t) * PER + t;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * WG_1D;
    if (i < params.n) {
      out[outIndex(i)] = value(i);
    }
  }
}
