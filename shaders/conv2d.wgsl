// conv2d.wgsl — y = conv2d(x, w) + bias, ReLU fused into the write, over the blocked layouts
// of conv2d_pack.wgsl: x as vec4s of 4 channels at each position of the zero-padded input, w as
// vec4s of 4 input channels per (channel block, tap, output channel). convTranspose2d runs
// through here too, as a convolution of its zero-inserted input with flipped weights.
//
// An implicit GEMM: y[o, p] = Σ over channel blocks b and taps of dot(w[b, tap, o], x[b, p+tap]).
//
// Thread mapping: a workgroup of 64 threads computes TM output channels × 64·TP output pixels
// of one image and one group (workgroup z = image · groups + group, y = channel tile, x = pixel
// tile). Thread t owns pixels tile0 + t + 64·j (j < TP), so neighbouring threads read
// neighbouring vec4s, and all TM channels: a TP × TM register block of accumulators.
//
// Per (block, tap) a thread loads its TP input vec4s; the TM weight vec4s are the same for every
// thread, so each run of 8 lanes loads 8 of them, one per lane, and `spread` hands all 8 to every
// lane (subgroupBroadcast: a register shuffle). Each input vec4 then feeds TM dot products and
// each weight TP, all from registers. Without subgroups `spread` loads the 8 vec4s itself.
// There is no workgroup memory and no barrier: on CPU adapters (lavapipe) a barrier turns the
// kernel into coroutines that keep every live value in memory, and a read of workgroup memory
// costs as much as a read of a buffer; subgroup shuffles are the cheap way to share
// (packages/tensor/bench-conv/NOTES.md).
//
// Windows for tensors larger than one binding: outOffset, outImage and outGroup place the
// output (a chunk of the batch). flags: 1 add bias, 2 ReLU.
{{enable}}

const TP = {{tp}}u;
const TM = {{tm}}u;

struct Params {
  blocks: u32,
  inH: u32,
  inW: u32,
  outH: u32,
  outW: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  cout: u32,
  rows: u32,
  groups: u32,
  outOffset: u32,
  outImage: u32,
  outGroup: u32,
  biasOffset: u32,
  flags: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read> w: array<vec4f>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

const HAS_BIAS = 1u;
const RELU = 2u;

/** The 8 weight vec4s w[at … at+7], in every lane. */
fn spread(at: u32, lane: u32) -> array<vec4f, 8> {
{{spread}}
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  {{lane}},
) {
  let P = params;
  let t = lid.x;
  let plane = P.outH * P.outW;
  let inPlane = P.inH * P.inW;
  let taps = P.kH * P.kW;
  let group = wid.z % P.groups;
  let o0 = wid.y * TM;
  let p0 = wid.x * WG_1D * TP + t;

  // Each pixel's receptive field starts at (oy·strideH, ox·strideW) of the padded input.
  // Threads past the last pixel clamp to it instead of returning: every lane must reach
  // `spread`, whose subgroupBroadcast reads the other lanes' registers (a lane that left would
  // hand its neighbours undefined weights), and WGSL's uniformity analysis rejects a subgroup
  // operation after a return that depends on the thread (https://www.w3.org/TR/WGSL/#uniformity);
  // the epilogue skips their writes.
  var base: array<u32, TP>;
  for (var j = 0u; j < TP; j++) {
    let p = min(p0 + j * WG_1D, plane - 1u);
    base[j] = (p / P.outW) * P.strideH * P.inW + (p % P.outW) * P.strideW;
  }

  var acc: array<array<f32, TM>, TP>;
  let xImage = wid.z * P.blocks * inPlane;
  let wGroup = group * P.blocks * taps * P.rows + o0;
  for (var b = 0u; b < P.blocks; b++) {
    let xb = xImage + b * inPlane;
    let wb = wGroup + b * taps * P.rows;
    for (var ky = 0u; ky < P.kH; ky++) {
      for (var kx = 0u; kx < P.kW; kx++) {
        let shift = ky * P.dilationH * P.inW + kx * P.dilationW;
        var xv: array<vec4f, TP>;
        for (var j = 0u; j < TP; j++) {
          xv[j] = x[xb + base[j] + shift];
        }
        let wt = wb + (ky * P.kW + kx) * P.rows;
        for (var q = 0u; q < TM / 8u; q++) {
          let ws = spread(wt + q * 8u, lane);
          for (var m = 0u; m < 8u; m++) {
            for (var j = 0u; j < TP; j++) {
              acc[j][q * 8u + m] += dot(xv[j], ws[m]);
            }
          }
        }
      }
    }
  }

  // Epilogue: bias and ReLU, written straight from registers.
  let image = wid.z / P.groups;
  let outBase = P.outOffset + image * P.outImage + group * P.outGroup;
  for (var m = 0u; m < TM; m++) {
    let o = o0 + m;
    if (o >= P.cout) { break; }
    var b = 0.0;
    if ((P.flags & HAS_BIAS) != 0u) { b = bias[P.biasOffset + group * P.cout + o]; }
    for (var j = 0u; j < TP; j++) {
      let p = p0 + j * WG_1D;
      if (p >= plane) { break; }
      let at = outBase + o * plane + p;
      var v = acc[j][m] + b;
      if ((P.flags & RELU) != 0u) { v = max(v, 0.0); }
      out[at] = v;
    }
  }
}
