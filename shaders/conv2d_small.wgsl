// conv2d_small.wgsl — the same convolution as conv2d.wgsl (same packed inputs, same Params, same
// epilogue), for small output planes: the deep layers of a network have few pixels and many
// channels, so here the lanes run over output channels instead of pixels.
//
// Thread mapping: a workgroup of 64 threads computes 64·TO output channels × 8·TQ output pixels
// (p0 … p0 + 8·TQ − 1 of the flattened plane) of one image and one group (workgroup z = image ·
// groups + group, y = channel tile, x = pixel tile). Thread t owns channels o0 + t + 64·i (i < TO)
// and all 8·TQ pixels: a TO × 8·TQ register block.
//
// Per (block, tap) a thread loads its TO weight vec4s (neighbouring threads read neighbouring
// vec4s); the input vec4s of the tile's pixels are the same for every thread, so each run of 8
// lanes loads 8 of them (lane k: pixel q·8 + k) and `spread` hands all 8 to every lane
// (subgroupBroadcast), or without subgroups each lane loads the 8 itself. No workgroup memory, no
// barrier (see conv2d.wgsl).
{{enable}}

const TO = {{to}}u;
const TQ = {{tq}}u;

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

// Where each pixel's receptive field starts in the padded input: every pixel of the tile
// (pixBase) and the pixel this lane loads for the others (laneBase).
var<private> pixBase: array<u32, 8 * TQ>;
var<private> laneBase: array<u32, TQ>;

/** The input vec4s x[off + base of pixel q·8 + k], k < 8, in every lane. */
fn spread(off: u32, q: u32, lane: u32) -> array<vec4f, 8> {
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
  let plane = P.outH * P.outW;
  let inPlane = P.inH * P.inW;
  let taps = P.kH * P.kW;
  let group = wid.z % P.groups;
  let o0 = wid.y * WG_1D * TO + lid.x;
  let p0 = wid.x * 8u * TQ;

  // Pixels past the plane clamp to its last one rather than return: every lane must reach the
  // subgroup shuffles below, which read the other lanes' registers (and a thread-dependent return
  // before them fails WGSL's uniformity analysis: https://www.w3.org/TR/WGSL/#uniformity); their results are not
  // written.
  for (var k = 0u; k < 8u * TQ; k++) {
    let p = min(p0 + k, plane - 1u);
    pixBase[k] = (p / P.outW) * P.strideH * P.inW + (p % P.outW) * P.strideW;
  }
  for (var q = 0u; q < TQ; q++) {
    let p = min(p0 + q * 8u + lane % 8u, plane - 1u);
    laneBase[q] = (p / P.outW) * P.strideH * P.inW + (p % P.outW) * P.strideW;
  }

  var acc: array<array<f32, 8 * TQ>, TO>;
  let xImage = wid.z * P.blocks * inPlane;
  let wGroup = group * P.blocks * taps * P.rows + o0;
  for (var b = 0u; b < P.blocks; b++) {
    let xb = xImage + b * inPlane;
    let wb = wGroup + b * taps * P.rows;
    for (var ky = 0u; ky < P.kH; ky++) {
      for (var kx = 0u; kx < P.kW; kx++) {
        let shift = xb + ky * P.dilationH * P.inW + kx * P.dilationW;
        let wt = wb + (ky * P.kW + kx) * P.rows;
        var wv: array<vec4f, TO>;
        for (var i = 0u; i < TO; i++) {
          wv[i] = w[wt + i * WG_1D];
        }
        for (var q = 0u; q < TQ; q++) {
          let xs = spread(shift, q, lane);
          for (var k = 0u; k < 8u; k++) {
            for (var i = 0u; i < TO; i++) {
              acc[i][q * 8u + k] += dot(xs[k], wv[i]);
            }
          }
        }
      }
    }
  }

  // Epilogue: bias and ReLU, written straight from registers.
  let image = wid.z / P.groups;
  let outBase = P.outOffset + image * P.outImage + group * P.outGroup;
  for (var i = 0u; i < TO; i++) {
    let o = o0 + i * WG_1D;
    if (o >= P.cout) { break; }
    var b = 0.0;
    if ((P.flags & HAS_BIAS) != 0u) { b = bias[P.biasOffset + group * P.cout + o]; }
    for (var k = 0u; k < 8u * TQ; k++) {
      let p = p0 + k;
      if (p >= plane) { break; }
      let at = outBase + o * plane + p;
      var v = acc[i][k] + b;
      if ((P.flags & RELU) != 0u) { v = max(v, 0.0); }
      out[at] = v;
    }
  }
}
