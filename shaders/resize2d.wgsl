// resize2d.wgsl — bilinear or nearest resampling of NCHW planes (PyTorch's F.interpolate with
// an output size), and its gradient.
//
// Along one dim of n inputs and `count` outputs, output o samples (function `taps`):
//   nearest: input floor(o·n / count), in exact integer arithmetic;
//   bilinear, alignCorners: src = o·(n-1)/(count-1) (0 when count = 1) — the corner pixels'
//     centres line up;
//   bilinear, otherwise: src = max((o + 0.5)·n/count - 0.5, 0) — pixel areas line up;
//   then i0 = floor(src), i1 = min(i0 + 1, n - 1), weights 1 - (src - i0) and src - i0.
// `scale` is n/count or (n-1)/(count-1), computed once on the host.
//
// `forward`: one thread per output element (planes × oh × ow) mixes up to 4 inputs.
// `backward`: one thread per input element (planes × h × w) gathers g · weight from every
// output that samples it. Candidates along a dim come from inverting src(o) with a margin of
// one output on each side; each is confirmed with `taps` itself, so the weights are exactly
// the forward's. Fixed visiting order: the same bits on every run, no atomics.
// Threads form a 3-D grid of 8×8 workgroups: thread (x, y, plane) — no index arithmetic,
// whose integer divisions would cost more than the pooling itself on CPU adapters.

struct Params {
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  bilinear: u32,
  alignCorners: u32,
  scaleH: f32,
  scaleW: f32,
  inOffset: u32,
  outOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

/** Where output o samples: indices (i0, i1) and their weights (w0, w1). */
struct Taps {
  i0: u32,
  i1: u32,
  w0: f32,
  w1: f32,
}

fn taps(o: u32, n: u32, count: u32, scale: f32) -> Taps {
  if (params.bilinear == 0u) {
    let i = min(o * n / count, n - 1u);
    return Taps(i, i, 1.0, 0.0);
  }
  var s: f32;
  if (params.alignCorners != 0u) {
    s = scale * f32(o);
  } else {
    s = max(scale * (f32(o) + 0.5) - 0.5, 0.0);
  }
  let i0 = min(u32(s), n - 1u);
  let i1 = min(i0 + 1u, n - 1u);
  let l = s - f32(i0);
  return Taps(i0, i1, 1.0 - l, l);
}

/** Weight of input c in output o's sample (both taps may land on c at the last input). */
fn weightOf(t: Taps, c: u32) -> f32 {
  return select(0.0, t.w0, t.i0 == c) + select(0.0, t.w1, t.i1 == c);
}

/** First and last output that may sample input c (clamped to [0, count)). */
fn candidates(c: u32, n: u32, count: u32, scale: f32) -> vec2i {
  let last = i32(count) - 1;
  if (params.bilinear == 0u) {
    // floor(o·n/count) = c  ⟺  c·count ≤ o·n < (c+1)·count
    let lo = (c * count + n - 1u) / n;
    let hi = ((c + 1u) * count + n - 1u) / n;
    return vec2i(i32(lo), min(i32(hi) - 1, last));
  }
  if (scale == 0.0) { return vec2i(0, last); }
  // Inputs c - 1 … c + 1 of src cover every output whose taps include c.
  let shift = select(0.5 * scale - 0.5, 0.0, params.alignCorners != 0u);
  let lo = i32(floor((f32(c) - 1.0 - shift) / scale)) - 1;
  let hi = i32(ceil((f32(c) + 1.0 - shift) / scale)) + 1;
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
  let r0 = plane + ty.i0 * params.w;
  let r1 = plane + ty.i1 * params.w;
  let top = tx.w0 * src[r0 + tx.i0] + tx.w1 * src[r0 + tx.i1];
  let bottom = tx.w0 * src[r1 + tx.i0] + tx.w1 * src[r1 + tx.i1];
  out[params.outOffset + i] = ty.w0 * top + ty.w1 * bottom;
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
