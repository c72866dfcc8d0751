// conv2d_naive.wgsl — the three convolution routines, one thread per output element, straight
// from the definition. A BASELINE for tests and benchmarks only (select it with
// convKernels.naive = true); the engine uses conv2d.wgsl (for the transposed conv too, on the
// transposed problem) and conv2d_weight_grad.wgsl.
//
// Geometry is conv2d's: x [batch, inC, inH, inW], y [batch, outC, outH, outW],
// w [outC, inC / groups, kH, kW].
//   forward     thread → y[n, o, i, j]:  Σ over c, ky, kx of x · w, + bias, ReLU (flags)
//   transposed  thread → x[n, c, iy, ix]: Σ over o, ky, kx of y · w where the tap lands exactly
//   weightGrad  thread → w[o, c, ky, kx]: Σ over n, i, j of g · x — a loop over the whole batch,
//               which is exactly what the real kernel avoids (split-K).
// Threads are numbered along x then y of the grid (rowStride = threads per grid row). With
// flags & MASKED the incoming gradient (y-shaped) counts as 0 where `mask` is ≤ 0 (a fused ReLU);
// weightGrad binds that mask where the others bind the bias.

struct Params {
  batch: u32,
  groups: u32,
  inC: u32,
  inH: u32,
  inW: u32,
  outC: u32,
  outH: u32,
  outW: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  padTop: i32,
  padLeft: i32,
  dilationH: u32,
  dilationW: u32,
  flags: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> gmask: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<f32>;

const HAS_BIAS = 1u;
const RELU = 2u;
const MASKED = 4u;

fn threadIndex(gid: vec3u) -> u32 {
  return gid.x + gid.y * params.rowStride;
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let e = threadIndex(gid);
  if (e >= P.batch * P.outC * P.outH * P.outW) { return; }
  let j = e % P.outW;
  let i = (e / P.outW) % P.outH;
  let o = (e / (P.outW * P.outH)) % P.outC;
  let n = e / (P.outW * P.outH * P.outC);
  let cg = P.inC / P.groups;
  let group = o / (P.outC / P.groups);
  var acc = 0.0;
  for (var c = 0u; c < cg; c++) {
    for (var ky = 0u; ky < P.kH; ky++) {
      let iy = i32(i * P.strideH + ky * P.dilationH) - P.padTop;
      if (iy < 0 || iy >= i32(P.inH)) { continue; }
      for (var kx = 0u; kx < P.kW; kx++) {
        let ix = i32(j * P.strideW + kx * P.dilationW) - P.padLeft;
        if (ix < 0 || ix >= i32(P.inW)) { continue; }
        let xv = x[((n * P.inC + group * cg + c) * P.inH + u32(iy)) * P.inW + u32(ix)];
        acc += xv * w[((o * cg + c) * P.kH + ky) * P.kW + kx];
      }
    }
  }
  if ((P.flags & HAS_BIAS) != 0u) { acc += bias[o]; }
  if ((P.flags & RELU) != 0u) { acc = max(acc, 0.0); }
  out[e] = acc;
}

@compute @workgroup_size(WG_1D)
fn transposed(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let e = threadIndex(gid);
  if (e >= P.batch * P.inC * P.inH * P.inW) { return; }
  let ix = i32(e % P.inW);
  let iy = i32((e / P.inW) % P.inH);
  let c = (e / (P.inW * P.inH)) % P.inC;
  let n = e / (P.inW * P.inH * P.inC);
  let cg = P.inC / P.groups;
  let og = P.outC / P.groups;
  let group = c / cg;
  var acc = 0.0;
  for (var o = group * og; o < (group + 1u) * og; o++) {
    for (var ky = 0u; ky < P.kH; ky++) {
      let ty = iy + P.padTop - i32(ky * P.dilationH);
      if (ty < 0 || ty % i32(P.strideH) != 0 || ty / i32(P.strideH) >= i32(P.outH)) { continue; }
      for (var kx = 0u; kx < P.kW; kx++) {
        let tx = ix + P.padLeft - i32(kx * P.dilationW);
        if (tx < 0 || tx % i32(P.strideW) != 0 || tx / i32(P.strideW) >= i32(P.outW)) { continue; }
        let at = ((n * P.outC + o) * P.outH + u32(ty) / P.strideH) * P.outW + u32(tx) / P.strideW;
        var yv = x[at];
        if ((P.flags & MASKED) != 0u && !(mask[at] > 0.0)) { yv = 0.0; }
        acc += yv * w[((o * cg + c % cg) * P.kH + ky) * P.kW + kx];
      }
    }
  }
  if ((P.flags & HAS_BIAS) != 0u) { acc += bias[c]; }
  out[e] = acc;
}

// Here `x` is the conv input and `w` holds the output gradient g (y-shaped).
@compute @workgroup_size(WG_1D)
fn weightGrad(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let e = threadIndex(gid);
  let cg = P.inC / P.groups;
  if (e >= P.outC * cg * P.kH * P.kW) { return; }
  let kx = e % P.kW;
  let ky = (e / P.kW) % P.kH;
  let c = (e / (P.kW * P.kH)) % cg;
  let o = e / (P.kW * P.kH * cg);
  let xc = (o / (P.outC / P.groups)) * cg + c;
  var acc = 0.0;
  for (var n = 0u; n < P.batch; n++) {
    for (var i = 0u; i < P.outH; i++) {
      let iy = i32(i * P.strideH + ky * P.dilationH) - P.padTop;
      if (iy < 0 || iy >= i32(P.inH)) { continue; }
      for (var j = 0u; j < P.outW; j++) {
        let ix = i32(j * P.strideW + kx * P.dilationW) - P.padLeft;
        if (ix < 0 || ix >= i32(P.inW)) { continue; }
        let xv = x[((n * P.inC + xc) * P.inH + u32(iy)) * P.inW + u32(ix)];
        let at = ((n * P.outC + o) * P.outH + i) * P.outW + j;
        var gv = w[at];
        if ((P.flags & MASKED) != 0u && !(gmask[at] > 0.0)) { gv = 0.0; }
        acc += xv * gv;
      }
    }
  }
  out[e] = acc;
}
