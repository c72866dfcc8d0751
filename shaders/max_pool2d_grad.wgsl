// max_pool2d_grad.wgsl — the gradient of max pooling, gathered: gx[p, y, x] is the sum of
// g[p, oy, ox] over the windows (oy, ox) whose max (indices[p, oy, ox], from max_pool2d.wgsl)
// is the input position y·w + x.
//
// One thread per input element (x, y, plane), a 3-D grid of 8×8 workgroups. Rather than
// each output scattering into its argmax (which needs atomics and sums in a racy order), input
// (y, x) visits the windows that contain it — outputs oy with y = oy·SH - PH + ky·DH for some
// tap ky < KH, found as a range (function `windows`), likewise along x — and compares each
// window's index with its own position. At most KH·KW windows (one for 2×2 stride 2), always
// visited in the same order, so the sum has the same bits on every run.
//
// Like max_pool2d, big tensors run as several launches over ranges of planes (the offsets).

// The window geometry is a set of override constants: each window shape gets its own pipeline,
// in which the divisions and the tap loops have constant bounds the compiler can unroll.
override KH: u32;
override KW: u32;
override SH: u32;
override SW: u32;
override PH: u32;
override PW: u32;
override DH: u32;
override DW: u32;

struct Params {
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  gOffset: u32,
  indicesOffset: u32,
  outOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> indices: array<i32>;

/**
 * The outputs [first, last] along one dim whose windows may hold input c: output o's taps sit at
 * o·s - pad + t·dil for t < taps, so o·s lies in [c + pad - (taps-1)·dil, c + pad]. Two
 * divisions per dim and thread, instead of one per tap: integer division is slow everywhere.
 */
fn windows(c: u32, taps: u32, s: u32, pad: u32, dil: u32, count: u32) -> vec2i {
  let hi = i32(c + pad);
  let lo = hi - i32((taps - 1u) * dil);
  let first = select(0, (lo + i32(s) - 1) / i32(s), lo > 0);
  return vec2i(first, min(hi / i32(s), i32(count) - 1));
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let xx = gid.x;
  let y = gid.y;
  let p = gid.z;
  if (xx >= params.w || y >= params.h) { return; }
  let i = (p * params.h + y) * params.w + xx;
  let me = i32(y * params.w + xx);
  let base = p * params.oh * params.ow;
  let ry = windows(y, KH, SH, PH, DH, params.oh);
  let rx = windows(xx, KW, SW, PW, DW, params.ow);
  var acc = 0.0;
  for (var oy = ry.x; oy <= ry.y; oy++) {
    // a window whose taps straddle y (dilation) does not hold it
    let offY = u32(i32(y + PH) - oy * i32(SH));
    if (DH > 1u && offY % DH != 0u) { continue; }
    for (var ox = rx.x; ox <= rx.y; ox++) {
      let offX = u32(i32(xx + PW) - ox * i32(SW));
      if (DW > 1u && offX % DW != 0u) { continue; }
      let o = base + u32(oy) * params.ow + u32(ox);
      if (indices[params.indicesOffset + o] == me) {
        acc += g[params.gOffset + o];
      }
    }
  }
  out[params.outOffset + i] = acc;
}
