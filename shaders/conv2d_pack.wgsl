// conv2d_pack.wgsl — rearranges activations and weights into the blocked layouts that
// conv2d.wgsl reads with vec4 loads and without bounds checks. One thread per packed vec4.
//
// packInput: dst[((image · groups + g) · blocks + b) · dstH · dstW + Y · dstW + X] is a vec4 of
//   channels 4b … 4b+3 of group g (zero past the group's channels) at padded position (Y, X).
//   The position reads source row t = Y − padTop, column u = X − padLeft, and with a step > 1
//   (the zero-inserted input of a transposed convolution) only rows with t % stepH = 0, as
//   source row t / stepH; everything outside the source is zero — the padding is materialised
//   once here, so the convolution's inner loop has no branches. With `masked`, a source value
//   counts as zero where the same element of `mask` (a fused ReLU's output) is ≤ 0: the ReLU's
//   backward happens here, in the same pass.
// packWeights: dst[((g · blocks + b) · taps + tap) · rows + m] is a vec4 over 4 consecutive
//   input channels of output channel m (zero for m ≥ outPerGroup or past the input channels).
//   With `transposed`, the roles of the weight's two channel dims swap and the taps are
//   flipped: the weights of conv2d's adjoint written as an ordinary convolution.

struct Params {
  count: u32,
  rowStride: u32,
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
  transposed: u32,
  masked: u32,
  maskOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;

@compute @workgroup_size(64)
fn packInput(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let e = gid.x + gid.y * P.rowStride;
  if (e >= P.count) { return; }
  let X = e % P.dstW;
  let Y = (e / P.dstW) % P.dstH;
  let plane = e / (P.dstW * P.dstH);
  let b = plane % P.blocks;
  let ig = plane / P.blocks;
  let t = i32(Y) - P.padTop;
  let u = i32(X) - P.padLeft;
  let sy = u32(t) / P.stepH;
  let sx = u32(u) / P.stepW;
  let inside = t >= 0 && u >= 0 && u32(t) % P.stepH == 0u && u32(u) % P.stepW == 0u &&
    sy < P.srcH && sx < P.srcW;
  var v = vec4f(0.0);
  if (inside) {
    let at = P.srcOffset + ((ig * P.channels + b * 4u) * P.srcH + sy) * P.srcW + sx;
    let hw = P.srcH * P.srcW;
    for (var i = 0u; i < 4u; i++) {
      if (b * 4u + i < P.channels) {
        let s = at + i * hw;
        v[i] = src[s];
        if (P.masked != 0u && !(mask[s - P.srcOffset + P.maskOffset] > 0.0)) { v[i] = 0.0; }
      }
    }
  }
  dst[e] = v;
}

@compute @workgroup_size(64)
fn packWeights(@builtin(global_invocation_id) gid: vec3u) {
  let P = params;
  let e = gid.x + gid.y * P.rowStride;
  if (e >= P.count) { return; }
  let m = e % P.rows;
  let tap = (e / P.rows) % P.taps;
  let b = (e / (P.rows * P.taps)) % P.blocks;
  let g = e / (P.rows * P.taps * P.blocks);
  var v = vec4f(0.0);
  if (m < P.outPerGroup) {
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
  dst[e] = v;
}
