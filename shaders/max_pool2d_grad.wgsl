// max_pool2d_grad.wgsl — the gradient of max pooling, gathered: gx[p, y, x] is the sum of
// g[p, oy, ox] over the windows (oy, ox) whose max (indices[p, oy, ox], from max_pool2d.wgsl)
// is the input position y·w + x.
//
// One thread per input element (planes × h × w, 2-D grid of 64-wide workgroups). Rather than
// each output scattering into its argmax (which needs atomics and sums in a racy order), input
// (y, x) visits the windows that contain it: for each kernel tap ky with
// y + ph - ky·dh = oy·sh for a whole oy in [0, oh) (and likewise kx), it compares that window's
// index with its own position. At most kh·kw windows, always visited in the same order, so the
// sum has the same bits on every run.
//
// Like max_pool2d, big tensors run as several launches over ranges of planes (the offsets).

struct Params {
  planes: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: u32,
  pw: u32,
  dh: u32,
  dw: u32,
  gOffset: u32,
  indicesOffset: u32,
  outOffset: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> indices: array<i32>;

/** The output index along one dim whose window puts tap k on input position c, or -1. */
fn windowOf(c: u32, k: u32, pad: u32, stride: u32, dil: u32, count: u32) -> i32 {
  let t = i32(c + pad) - i32(k * dil);
  if (t < 0 || u32(t) % stride != 0u) { return -1; }
  let o = u32(t) / stride;
  return select(-1, i32(o), o < count);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  if (i >= params.planes * params.h * params.w) { return; }
  let xx = i % params.w;
  let y = (i / params.w) % params.h;
  let p = i / (params.w * params.h);
  let me = i32(y * params.w + xx);
  let base = p * params.oh * params.ow;
  var acc = 0.0;
  for (var ky = 0u; ky < params.kh; ky++) {
    let oy = windowOf(y, ky, params.ph, params.sh, params.dh, params.oh);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < params.kw; kx++) {
      let ox = windowOf(xx, kx, params.pw, params.sw, params.dw, params.ow);
      if (ox < 0) { continue; }
      let o = base + u32(oy) * params.ow + u32(ox);
      if (indices[params.indicesOffset + o] == me) {
        acc += g[params.gOffset + o];
      }
    }
  }
  out[params.outOffset + i] = acc;
}
