// resize2d.wgsl — nearest, bilinear or bicubic resampling of NCHW planes (PyTorch's
// F.interpolate with an output size), and its gradient.
//
// Along one dim of n inputs and `count` outputs, output o samples (function `taps`):
//   nearest: input floor(o·n / count), in exact integer arithmetic;
//   nearest-exact: input floor((o + 0.5)·n/count) — pixel centres line up;
//   otherwise a source position src = o·(n-1)/(count-1) with alignCorners (0 when count = 1)
//     — the corner pixels' centres line up — or src = (o + 0.5)·n/count - 0.5 — pixel areas
//     line up. `scale` is n/count or (n-1)/(count-1), computed once on the host.
//   bilinear: src clamped at 0; i0 = floor(src), i1 = min(i0 + 1, n - 1), weights
//     1 - (src - i0) and src - i0;
//   bicubic: i = floor(src) (src is not clamped), inputs i-1 … i+2 clamped into [0, n), and
//     Keys' cubic convolution weights with a = -0.75 (PyTorch's choice) at t = src - i.
// Every mode gives up to 4 (index, weight) taps per dim; unused taps have weight 0.
//
// `forward`: one thread per output element (planes × oh × ow) mixes up to 4×4 inputs.
// `backward`: one thread per input element (planes × h × w) gathers g · weight from every
// output that samples it. Candidates along a dim come from inverting src(o) with a margin of
// one output on each side (and every output for an edge input, which the clamped taps reach);
// each is confirmed with `taps` itself, so the weights are exactly the forward's. Fixed visiting
// order: the same bits on every run, no atomics.
// Threads form a 3-D grid of 8×8 workgroups: thread (x, y, plane) — no index arithmetic,
// whose integer divisions would cost more than the pooling itself on CPU adapters.

struct Params {
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  mode: u32,
  alignCorners: u32,
  scaleH: f32,
  scaleW: f32,
  inOffset: u32,
  outOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

// Values of `mode` (the planner's RESIZE_MODES lists them in this order).
const NEAREST = 0u;
const BILINEAR = 1u;
const BICUBIC = 2u;
const NEAREST_EXACT = 3u;

/** Where output o samples: up to 4 input indices and their weights (0 for unused taps). */
struct Taps {
  i: vec4u,
  w: vec4f,
}

/** Keys' cubic convolution kernel, a = -0.75: the weights of inputs i-1 … i+2 at t ∈ [0, 1). */
fn cubic(t: f32) -> vec4f {
  let a = -0.75;
  // |x| ≤ 1: ((a + 2)|x| − (a + 3))x² + 1;  1 < |x| < 2: ((a|x| − 5a)|x| + 8a)|x| − 4a
  let near = vec2f(t, 1.0 - t);
  let far = vec2f(t + 1.0, 2.0 - t);
  let wn = ((a + 2.0) * near - (a + 3.0)) * near * near + 1.0;
  let wf = ((a * far - 5.0 * a) * far + 8.0 * a) * far - 4.0 * a;
  return vec4f(wf.x, wn.x, wn.y, wf.y);
}

fn taps(o: u32, n: u32, count: u32, scale: f32) -> Taps {
  let last = n - 1u;
  if (params.mode == NEAREST) {
    let i = min(o * n / count, last);
    return Taps(vec4u(i), vec4f(1.0, 0.0, 0.0, 0.0));
  }
  if (params.mode == NEAREST_EXACT) {
    let i = min(u32(floor((f32(o) + 0.5) * scale)), last);
    return Taps(vec4u(i), vec4f(1.0, 0.0, 0.0, 0.0));
  }
  var s: f32;
  if (params.alignCorners != 0u) {
    s = scale * f32(o);
  } else {
    s = scale * (f32(o) + 0.5) - 0.5;
  }
  if (params.mode == BICUBIC) {
    let f = floor(s);
    let b = i32(f);
    let i = clamp(vec4i(b - 1, b, b + 1, b + 2), vec4i(0), vec4i(i32(last)));
    return Taps(vec4u(i), cubic(s - f));
  }
  s = max(s, 0.0);
  let i0 = min(u32(s), last);
  let i1 = min(i0 + 1u, last);
  let l = s - f32(i0);
  return Taps(vec4u(i0, i1, i1, i1), vec4f(1.0 - l, l, 0.0, 0.0));
}

/** Taps that can have a weight: 1, 2 or 4 (the loops skip the rest). */
fn tapCount() -> u32 {
  if (params.mode == BICUBIC) { return 4u; }
  return select(1u, 2u, params.mode == BILINEAR);
}

/** Weight of input c in output o's sample (several taps may land on c at an edge). */
fn weightOf(t: Taps, c: u32) -> f32 {
  return dot(select(vec4f(0.0), t.w, t.i == vec4u(c)), vec4f(1.0));
}

/** First and last output that may sample input c (clamped to [0, count)). */
fn candidates(c: u32, n: u32, count: u32, scale: f32) -> vec2i {
  let last = i32(count) - 1;
  if (params.mode == NEAREST) {
    // floor(o·n/count) = c  ⟺  c·count ≤ o·n < (c+1)·count
    let lo = (c * count + n - 1u) / n;
    let hi = ((c + 1u) * count + n - 1u) / n;
    return vec2i(i32(lo), min(i32(hi) - 1, last));
  }
  if (scale == 0.0) { return vec2i(0, last); }
  // src(o) = scale·o + shift; an output reaches the inputs within `reach` of its src.
  var shift = 0.0;
  if (params.mode == NEAREST_EXACT) {
    shift = 0.5 * scale;
  } else if (params.alignCorners == 0u) {
    shift = 0.5 * scale - 0.5;
  }
  let reach = select(1.0, 2.0, params.mode == BICUBIC);
  var lo = i32(floor((f32(c) - reach - shift) / scale)) - 1;
  var hi = i32(ceil((f32(c) + reach - shift) / scale)) + 1;
  // Clamped taps send every output beyond an edge to the edge input.
  if (c == 0u) { lo = 0; }
  if (c == n - 1u) { hi = last; }
  return vec2i(max(lo, 0), min(hi, last));
}

@compute @workgroup_size(8, 8)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let ox = gid.x;
  let oy = gid.y;
  let p = gid.z;
  if (ox >= params.ow || oy >= params.oh) { return; }
  let i = (p * params.oh + oy) * params.ow + ox;
  let ty = taps(oy, params.h, params.oh, params.scaleH);
  let tx = taps(ox, params.w, params.ow, params.scaleW);
  let plane = params.inOffset + p * params.h * params.w;
  let k = tapCount();
  var acc = 0.0;
  for (var a = 0u; a < k; a++) {
    let r = plane + ty.i[a] * params.w;
    var row = 0.0;
    for (var b = 0u; b < k; b++) {
      row += tx.w[b] * src[r + tx.i[b]];
    }
    acc += ty.w[a] * row;
  }
  out[params.outOffset + i] = acc;
}

@compute @workgroup_size(8, 8)
fn backward(@builtin(global_invocation_id) gid: vec3u) {
  let x = gid.x;
  let y = gid.y;
  let p = gid.z;
  if (x >= params.w || y >= params.h) { return; }
  let i = (p * params.h + y) * params.w + x;
  let cy = candidates(y, params.h, params.oh, params.scaleH);
  let cx = candidates(x, params.w, params.ow, params.scaleW);
  let base = params.inOffset + p * params.oh * params.ow;
  var acc = 0.0;
  for (var oy = cy.x; oy <= cy.y; oy++) {
    let wy = weightOf(taps(u32(oy), params.h, params.oh, params.scaleH), y);
    if (wy == 0.0) { continue; }
    var row = 0.0;
    for (var ox = cx.x; ox <= cx.y; ox++) {
      let wx = weightOf(taps(u32(ox), params.w, params.ow, params.scaleW), x);
      row += wx * src[base + u32(oy) * params.ow + u32(ox)];
    }
    acc += wy * row;
  }
  out[params.outOffset + i] = acc;
}
