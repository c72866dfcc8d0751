// avg_pool2d.wgsl — average pooling of NCHW planes (fixed or adaptive windows), and its gradient.
//
// Both entry points find a window with the same function, so the gradient is the exact adjoint
// of the forward. Along one dim, output o covers input [start, end) and contributes `size`:
//   fixed (ADAPTIVE = false), PyTorch's avg_pool2d: start = o·s - pad,
//     end = min(start + k, n + pad), size = end - start (padding counted), then start and end are
//     clipped to [0, n); the divisor is divisorOverride if set, else the padded size product
//     when countIncludePad, else the clipped one;
//   adaptive: start = floor(o·n/out), end = ceil((o+1)·n/out), divisor = the window's area.
//
// `forward`: one thread per output element (planes × oh × ow): sums its window row by row and
// divides (an empty window, possible only past the padding, gives 0).
// `backward`: one thread per input element (planes × h × w) gathers g / divisor from every
// window containing it. Candidate outputs along a dim are the few o with start(o) ≤ c < end(o),
// found from the inverse formulas and then confirmed with the window function itself; they are
// visited in a fixed order, so the result has the same bits on every run (no atomics).
// `cells` (fixed windows that do not overlap, K ≤ S on both dims, e.g. 2×2 stride 2): each
// input lies in at most one window, so the plane is cut into disjoint cells, one per output —
// rows [oy·SH - PH, (oy+1)·SH - PH), the first from row 0, the last to row h, likewise columns —
// and output (ox, oy)'s thread writes its cell: g / divisor inside the window, 0 around it.
// Threads form a 3-D grid of 8×8 workgroups: thread (x, y, plane) — no index arithmetic,
// whose integer divisions would cost more than the pooling itself on CPU adapters.
// Big tensors run as several launches over ranges of planes (the offsets).

override ADAPTIVE: bool = false;
// Fixed windows' geometry as override constants (one pipeline per window shape): constant
// divisors and loop bounds. Adaptive windows ignore them.
override KH: u32 = 1;
override KW: u32 = 1;
override SH: u32 = 1;
override SW: u32 = 1;
override PH: u32 = 0;
override PW: u32 = 0;

struct Params {
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  countIncludePad: u32,
  divisorOverride: u32,
  inOffset: u32,
  outOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

/** Output o's window along a dim of n inputs and `count` outputs: (start, end, padded size). */
fn span(o: u32, n: u32, count: u32, k: u32, s: u32, pad: u32) -> vec3i {
  if (ADAPTIVE) {
    let a = i32(o * n / count);
    let b = i32(((o + 1u) * n + count - 1u) / count);
    return vec3i(a, b, b - a);
  }
  let a = i32(o * s) - i32(pad);
  let b = min(a + i32(k), i32(n + pad));
  return vec3i(max(a, 0), min(b, i32(n)), b - a);
}

fn divisor(ry: vec3i, rx: vec3i) -> f32 {
  if (!ADAPTIVE && params.divisorOverride > 0u) { return f32(params.divisorOverride); }
  if (!ADAPTIVE && params.countIncludePad != 0u) { return f32(ry.z * rx.z); }
  return f32((ry.y - ry.x) * (rx.y - rx.x));
}

/** The first and last output (inclusive, maybe past the ends) whose window may contain c. */
fn candidates(c: u32, n: u32, count: u32, k: u32, s: u32, pad: u32) -> vec2i {
  if (ADAPTIVE) {
    return vec2i(i32(c * count / n), i32(((c + 1u) * count + n - 1u) / n) - 1);
  }
  // o·s - pad ≤ c < o·s - pad + k
  let lo = (i32(c + pad) - i32(k) + i32(s)) / i32(s); // ceil((c + pad - k + 1) / s) for ≥ 0
  return vec2i(max(lo, 0), i32(c + pad) / i32(s));
}

@compute @workgroup_size(8, 8)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let ox = gid.x;
  let oy = gid.y;
  let p = gid.z;
  if (ox >= params.ow || oy >= params.oh) { return; }
  let i = (p * params.oh + oy) * params.ow + ox;
  let ry = span(oy, params.h, params.oh, KH, SH, PH);
  let rx = span(ox, params.w, params.ow, KW, SW, PW);
  let plane = params.inOffset + p * params.h * params.w;
  var sum = 0.0;
  for (var y = ry.x; y < ry.y; y++) {
    for (var x = rx.x; x < rx.y; x++) {
      sum += src[plane + u32(y) * params.w + u32(x)];
    }
  }
  let empty = ry.x >= ry.y || rx.x >= rx.y;
  out[params.outOffset + i] = select(sum / divisor(ry, rx), 0.0, empty);
}

@compute @workgroup_size(8, 8)
fn backward(@builtin(global_invocation_id) gid: vec3u) {
  let x = gid.x;
  let y = gid.y;
  let p = gid.z;
  if (x >= params.w || y >= params.h) { return; }
  let i = (p * params.h + y) * params.w + x;
  let cy = candidates(y, params.h, params.oh, KH, SH, PH);
  let cx = candidates(x, params.w, params.ow, KW, SW, PW);
  let base = params.inOffset + p * params.oh * params.ow;
  var acc = 0.0;
  for (var oy = cy.x; oy <= min(cy.y, i32(params.oh) - 1); oy++) {
    let ry = span(u32(oy), params.h, params.oh, KH, SH, PH);
    if (i32(y) < ry.x || i32(y) >= ry.y) { continue; }
    for (var ox = cx.x; ox <= min(cx.y, i32(params.ow) - 1); ox++) {
      let rx = span(u32(ox), params.w, params.ow, KW, SW, PW);
      if (i32(x) < rx.x || i32(x) >= rx.y) { continue; }
      acc += src[base + u32(oy) * params.ow + u32(ox)] / divisor(ry, rx);
    }
  }
  out[params.outOffset + i] = acc;
}

/** Output o's cell [start, end) along a dim of n inputs and `count` outputs. */
fn cell(o: u32, n: u32, count: u32, s: u32, pad: u32) -> vec2i {
  let start = select(max(i32(o * s) - i32(pad), 0), 0, o == 0u);
  let end = select(min(i32((o + 1u) * s) - i32(pad), i32(n)), i32(n), o + 1u == count);
  return vec2i(start, end);
}

@compute @workgroup_size(8, 8)
fn cells(@builtin(global_invocation_id) gid: vec3u) {
  let ox = gid.x;
  let oy = gid.y;
  let p = gid.z;
  if (ox >= params.ow || oy >= params.oh) { return; }
  let ry = span(oy, params.h, params.oh, KH, SH, PH);
  let rx = span(ox, params.w, params.ow, KW, SW, PW);
  let share = src[params.inOffset + (p * params.oh + oy) * params.ow + ox] / divisor(ry, rx);
  let cy = cell(oy, params.h, params.oh, SH, PH);
  let cx = cell(ox, params.w, params.ow, SW, PW);
  let plane = params.outOffset + p * params.h * params.w;
  for (var y = cy.x; y < cy.y; y++) {
    let rowIn = y >= ry.x && y < ry.y;
    for (var x = cx.x; x < cx.y; x++) {
      let inside = rowIn && x >= rx.x && x < rx.y;
      out[plane + u32(y) * params.w + u32(x)] = select(0.0, share, inside);
    }
  }
}
