// pad.wgsl — pad a fused expression: constant, reflect, replicate or circular (PyTorch's modes).
//
// One thread per output element (up to 8 dims, 2-D grid of 64-wide workgroups): thread i splits
// i into output coordinates, maps each back into the input — c - before[d], then for positions
// outside the input: reflect mirrors about the edge without repeating it, replicate clamps,
// circular wraps, constant gives up — and writes value(input index) or the constant.

const CONSTANT = 0u;
const REFLECT = 1u;
const REPLICATE = 2u;
const CIRCULAR = 3u;

struct Params {
  n: u32,
  rank: u32,
  mode: u32,
  rowStride: u32,
  outOffset: u32,
  value: f32,
  inShape: array<vec4u, 2>,
  before: array<vec4u, 2>,
  outShape: array<vec4u, 2>,
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
  var src = 0u;
  var stride = 1u;
  var inside = true;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.outShape[d / 4][d % 4];
    let n = i32(params.inShape[d / 4][d % 4]);
    var c = i32(rest % size) - i32(params.before[d / 4][d % 4]);
    rest = rest / size;
    if (c < 0 || c >= n) {
      switch params.mode {
        case REFLECT: { c = select(2 * (n - 1) - c, -c, c < 0); }
        case REPLICATE: { c = clamp(c, 0, n - 1); }
        case CIRCULAR: { c = ((c % n) + n) % n; }
        default: { inside = false; c = 0; }
      }
    }
    src += u32(c) * stride;
    stride *= u32(n);
  }
  out[params.outOffset + i] = select({{outType}}(params.value), value(src), inside);
}
