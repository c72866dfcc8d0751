// conv2d_weight_grad.wgsl — the partial sums of conv2d's weight gradient,
//   gw[o, c, tap] = Σ over images n and output pixels p of g[n, o, p] · x[n, c, p·stride + tap],
// over the blocked layouts of conv2d_pack.wgsl: x as vec4s of 4 input channels at each position
// of the zero-padded input, g as vec4s of 4 output channels at each output pixel.
//
// The output is small (O × C/groups × taps) and the sum is long (N · Ho · Wo), so the sum is split
// (split-K): workgroup z = slice · groups + group sums the output rows [slice·rowsPerSlice, …) of
// the whole batch (rows counted over N·Ho) and writes its own partial sums; a second pass
// (conv2d_weight_grad_reduce.wgsl) adds the slices in a fixed order. No atomics: the same inputs
// give the same bits on every run.
//
// Thread mapping: thread t of workgroup (x, y) owns column x·64 + t = (channel block cb, tap) and
// the TO output-channel blocks y·TO … y·TO+TO−1, a 4·TO × 4 register block of sums (acc[q][k] is
// the vec4 over 4 output channels of block q, for input channel k of block cb). All 64 threads
// walk the same pixels in the same order, so the g values are the same for every thread: each
// run of 8 lanes loads 8 pixels' g vec4 (one per lane) and `spread` gives every lane all 8 (see
// conv2d.wgsl); each lane then loads its own x vec4 per pixel and does 16·TO multiply-adds.
// Packed g rows are gW = outW rounded up to 8 wide, zero past outW, so every run is 8 pixels.
// partial[partialOffset + e · slices + slice] holds the slice's sum for gw element e (OIHW
// order), so the reduce pass reads each element's slices contiguously; with one slice and one
// launch, `partial` is the weight gradient itself and there is no reduce pass.
{{enable}}

const TO = {{to}}u;

struct Params {
  blocks: u32,
  oblocks: u32,
  inH: u32,
  inW: u32,
  outH: u32,
  outW: u32,
  gW: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  cin: u32,
  cout: u32,
  groups: u32,
  rows: u32,
  rowsPerSlice: u32,
  slices: u32,
  partialOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read> g: array<vec4f>;

/** g at 8 consecutive pixels g[at … at+7], in every lane. */
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
  let taps = P.kH * P.kW;
  let columns = P.blocks * taps;
  // Clamped, not returned: every lane must reach `spread` (subgroupBroadcast reads the other
  // lanes' registers, and WGSL's uniformity analysis rejects it after a thread-dependent return:
  // https://www.w3.org/TR/WGSL/#uniformity); a thread past the last column computes a duplicate it never writes.
  let col = min(wid.x * WG_1D + lid.x, columns - 1u);
  let cb = col / taps;
  let tap = col % taps;
  let shift = (tap / P.kW) * P.dilationH * P.inW + (tap % P.kW) * P.dilationW;
  let ob0 = wid.y * TO;
  let group = wid.z % P.groups;
  let slice = wid.z / P.groups;
  let gPlane = P.outH * P.gW;

  var acc: array<array<vec4f, 4>, TO>;
  let r1 = min((slice + 1u) * P.rowsPerSlice, P.rows);
  for (var r = slice * P.rowsPerSlice; r < r1; r++) {
    let n = r / P.outH;
    let oy = r % P.outH;
    let image = n * P.groups + group;
    let xRow = (image * P.blocks + cb) * P.inH * P.inW + oy * P.strideH * P.inW + shift;
    let gRow = image * P.oblocks * gPlane + oy * P.gW;
    for (var ox0 = 0u; ox0 < P.outW; ox0 += 8u) {
      var gs: array<array<vec4f, 8>, TO>;
      for (var q = 0u; q < TO; q++) {
        gs[q] = spread(gRow + min(ob0 + q, P.oblocks - 1u) * gPlane + ox0, lane);
      }
      // All 8 pixels, always: g is zero past the row's end (its rows are padded to a multiple
      // of 8), and a constant trip count keeps gs in registers, where a bound that depends on
      // the row would make the loop divergent on CPU adapters (masked updates everywhere).
      for (var k = 0u; k < 8u; k++) {
        let xv = x[xRow + (ox0 + k) * P.strideW];
        for (var q = 0u; q < TO; q++) {
          let gv = gs[q][k];
          acc[q][0] += gv * xv.x;
          acc[q][1] += gv * xv.y;
          acc[q][2] += gv * xv.z;
          acc[q][3] += gv * xv.w;
        }
      }
    }
  }

  // Past the last subgroup operation, returning is safe: the duplicates stop here.
  if (wid.x * WG_1D + lid.x >= columns) { return; }
  for (var q = 0u; q < TO; q++) {
    for (var k = 0u; k < 4u; k++) {
      let c = cb * 4u + k;
      for (var i = 0u; i < 4u; i++) {
        let o = (ob0 + q) * 4u + i;
        if (o < P.cout && c < P.cin) {
          let e = ((group * P.cout + o) * P.cin + c) * taps + tap;
          partial[P.partialOffset + e * P.slices + slice] = acc[q][k][i];
        }
      }
    }
  }
}
