// max_pool2d_grad.wgsl — the gradient of max pooling: gx[p, y, x] is the sum of g[p, oy, ox]
// over the windows (oy, ox) whose max (indices[p, oy, ox], from max_pool2d.wgsl) is the input
// position y·w + x. No thread ever adds into memory another thread writes: no atomics, and
// every sum is taken in a fixed order, so the result has the same bits on every run.
//
// `gather` (any window): one thread per input element (x, y, plane), on a 3-D grid of 8×8
// workgroups. Input (y, x) visits the windows that can contain it — for each tap ky < KH the
// output oy with y = oy·SH - PH + ky·DH, if that is a whole oy in [0, oh); likewise along x —
// and adds g where that window's index is its own position. At most KH·KW windows.
//
// `cells` (windows that do not overlap: (K-1)·D + 1 ≤ S along both dims, e.g. VGG's 2×2 stride
// 2): each input lies in at most one window, so the input plane is cut into disjoint cells,
// one per output — rows [oy·SH - PH, (oy+1)·SH - PH), the first cell starting at row 0 and the
// last one running to row h, likewise for columns — and the thread of output (ox, oy, plane)
// writes its whole cell: g at the window's argmax, 0 everywhere else. A quarter of the threads
// for 2×2 stride 2, and no searching.
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

/** The output along one dim whose window puts tap t on input c — c = o·s - pad + t·dil — or -1. */
fn windowOf(c: u32, t: u32, s: u32, pad: u32, dil: u32, count: u32) -> i32 {
  let at = i32(c + pad) - i32(t * dil);
  if (at < 0) { return -1; }
  let o = u32(at) / s;
  return select(-1, i32(o), o * s == u32(at) && o < count);
}

@compute @workgroup_size(8, 8)
fn gather(@builtin(global_invocation_id) gid: vec3u) {
  let x = gid.x;
  let y = gid.y;
  let p = gid.z;
  if (x >= params.w || y >= params.h) { return; }
  let me = i32(y * params.w + x);
  let base = params.indicesOffset + p * params.oh * params.ow;
  let gBase = params.gOffset + p * params.oh * params.ow;
  var acc = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    let oy = windowOf(y, ky, SH, PH, DH, params.oh);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let ox = windowOf(x, kx, SW, PW, DW, params.ow);
      if (ox < 0) { continue; }
      let o = u32(oy) * params.ow + u32(ox);
      if (indices[base + o] == me) {
        acc += g[gBase + o];
      }
    }
  }
  out[params.outOffset + (p * params.h + y) * params.w + x] = acc;
}

/** Output o's cell [start, end) along a dim of n inputs and `count` outputs. */
fn cell(o: u32, n: u32, count: u32, s: u32, pad: u32) -> vec2u {
  let start = select(max(i32(o * s) - i32(pad), 0), 0, o == 0u);
  let end = select(min(i32((o + 1u) * s) - i32(pad), i32(n)), i32(n), o + 1u == count);
  return vec2u(u32(start), u32(end));
}

@compute @workgroup_size(8, 8)
fn cells(@builtin(global_invocation_id) gid: vec3u) {
  let ox = gid.x;
  let oy = gid.y;
  let p = gid.z;
  if (ox >= params.ow || oy >= params.oh) { return; }
  let o = (p * params.oh + oy) * params.ow + ox;
  let at = indices[params.indicesOffset + o];
  let gv = g[params.gOffset + o];
  let ry = cell(oy, params.h, params.oh, SH, PH);
  let rx = cell(ox, params.w, params.ow, SW, PW);
  let plane = params.outOffset + p * params.h * params.w;
  for (var y = ry.x; y < ry.y; y++) {
    for (var x = rx.x; x < rx.y; x++) {
      let k = y * params.w + x;
      out[plane + k] = select(0.0, gv, i32(k) == at);
    }
  }
}
