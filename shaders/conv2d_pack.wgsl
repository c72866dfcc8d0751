// conv2d_pack.wgsl — rearranges activations and weights into the blocked layouts that
// conv2d.wgsl, conv2d_small.wgsl and conv2d_weight_grad.wgsl read with vec4 loads and without
// bounds checks.
//
// packInput: dst[((image · groups + g) · blocks + b) · dstH · dstW + Y · dstW + X] is a vec4 of
//   channels 4b … 4b+3 of group g (zero past the group's channels) at padded position (Y, X).
//   The position reads source row t = Y − padTop, column u = X − padLeft, and with a step > 1
//   (the zero-inserted input of a transposed convolution) only rows with t % stepH = 0, as
//   source row t / stepH; everything outside the source is zero — the padding is materialised
//   once here, so the convolution's inner loop has no branches. With `masked`, a source value
//   counts as zero where the same element of `mask` (a fused ReLU's output) is ≤ 0: the ReLU's
//   backward happens here, in the same pass. With `channelsLast` (one group only) the source
//   is [image][row][column][channel] instead — a matmul's B stored [N, K] read as K channels
//   of an N-pixel row (packages/tensor/src/conv/webgpu/forward.ts: matmulPlan).
// packWeights: dst[((g · blocks + b) · taps + tap) · rows + m] is a vec4 over 4 consecutive
//   input channels of output channel m (zero for m ≥ rowCount or past the input channels).
//   With `transposed`, the roles of the weight's two channel dims swap and the taps are
//   flipped: the weights of conv2d's adjoint written as an ordinary convolution. outPerGroup is
//   the weight's own stride; rowCount ≤ outPerGroup the rows packed — fewer when weights too
//   large for one binding are packed (and convolved) one slice of output channels at a time,
//   srcOffset then pointing at the slice's first row.
//
// Thread mapping: packInput — global id x → column X, y → rows Y = 8·y … 8·y+7, z → the plane
// (image · groups + g) · blocks + b; packWeights — x → row m, y → (g · blocks + b), every tap.
// Several vec4s per thread: on CPU adapters each workgroup has a fixed cost worth amortising.

struct Params {
  channels: u32,
  groups: u32,
  blocks: u32,
  srcH: u32,
  srcW: u32,
  dstH: u32,
  dstW: u32,
  padTop: i32,
  padLeft: i32,
  stepH: u32,
  stepW: u32,
  srcOffset: u32,
  taps: u32,
  rows: u32,
  outPerGroup: u32,
  rowCount: u32,
  transposed: u32,
  masked: u32,
  maskOffset: u32,
  channelsLast: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;

const ROWS = 8u;

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn packInput(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let X = gid.x;
  let plane = gid.z;
  if (X >= P.dstW) { return; }
  let b = plane % P.blocks;
  let ig = plane / P.blocks;
  let u = i32(X) - P.padLeft;
  let sx = u32(u) / P.stepW;
  let column = u >= 0 && u32(u) % P.stepW == 0u && sx < P.srcW;
  let hw = P.srcH * P.srcW;
  for (var Y = gid.y * ROWS; Y < min(gid.y * ROWS + ROWS, P.dstH); Y++) {
    let t = i32(Y) - P.padTop;
    let sy = u32(t) / P.stepH;
    var v = vec4f(0.0);
    if (column && t >= 0 && u32(t) % P.stepH == 0u && sy < P.srcH) {
      var at = P.srcOffset + ((ig * P.channels + b * 4u) * P.srcH + sy) * P.srcW + sx;
      var stride = hw;
      if (P.channelsLast != 0u) {
        at = P.srcOffset + ((ig * P.srcH + sy) * P.srcW + sx) * P.channels + b * 4u;
        stride = 1u;
      }
      for (var i = 0u; i < 4u; i++) {
        if (b * 4u + i < P.channels) {
          let s = at + i * stride;
          v[i] = src[s];
          if (P.masked != 0u && !(mask[s - P.srcOffset + P.maskOffset] > 0.0)) { v[i] = 0.0; }
        }
      }
    }
    dst[(plane * P.dstH + Y) * P.dstW + X] = v;
  }
}

@compute @workgroup_size(WG_1D)
fn packWeights(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let m = gid.x;
  let b = gid.y % P.blocks;
  let g = gid.y / P.blocks;
  if (m >= P.rows) { return; }
  for (var tap = 0u; tap < P.taps; tap++) {
    var v = vec4f(0.0);
    if (m < P.rowCount) {
      for (var i = 0u; i < 4u; i++) {
        let k = b * 4u + i;
        if (k >= P.channels) { break; }
        if (P.transposed == 0u) {
          // w[g·out + m, k, tap] with w as [groups · outPerGroup, channels, taps]
          v[i] = src[P.srcOffset + ((g * P.outPerGroup + m) * P.channels + k) * P.taps + tap];
        } else {
          // w[g·channels + k, m, taps − 1 − tap] with w as [groups · channels, outPerGroup, taps]
          let at = ((g * P.channels + k) * P.outPerGroup + m) * P.taps + (P.taps - 1u - tap);
          v[i] = src[P.srcOffset + at];
        }
      }
    }
    dst[(gid.y * P.taps + tap) * P.rows + m] = v;
  }
}
