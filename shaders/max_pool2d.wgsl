// max_pool2d.wgsl — max pooling of NCHW planes, or the index of each window's max.
//
// One thread per output element (ox, oy, plane p) of this launch, a 3-D grid of WX×WY×WZ
// workgroups (no index arithmetic: integer divisions would cost more than the pooling on CPU
// adapters). Planes of at least 8×8 outputs take 8×8×1; smaller ones put several planes in one
// workgroup (4×4 outputs: 4×4×4, 2×2: 2×2×16), so that deep layers' tiny planes do not leave most
// threads of every workgroup idle.
// It walks its window in row-major order — input positions
// y = oy·SH - PH + ky·DH, x = ox·SW - PW + kx·DW — skipping positions in the padding (padding
// acts as -inf and never wins), and keeps the first largest value: a later equal value does
// not replace it, so ties go to the first in window order, and a NaN wins and propagates, as in
// PyTorch. The `result` slot writes either that value or its flat index y·w + x in the plane
// (-1 if the window covered no input at all, which only dilation over padding can cause).
//
// Inputs larger than one storage binding are pooled in several launches over ranges of
// planes: xOffset and outOffset say where this launch's first plane starts in the bound ranges.

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
override WX: u32 = 8;
override WY: u32 = 8;
override WZ: u32 = 1;

struct Params {
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  planes: u32,
  xOffset: u32,
  outOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{outType}}>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

fn isNan(v: f32) -> bool {
  // Compared through the bits: compilers may assume v == v for floats.
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WX, WY, WZ)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let ox = gid.x;
  let oy = gid.y;
  let p = gid.z;
  if (ox >= params.ow || oy >= params.oh || p >= params.planes) { return; }
  let i = (p * params.oh + oy) * params.ow + ox;
  let plane = params.xOffset + p * params.h * params.w;
  let y0 = i32(oy * SH) - i32(PH);
  let x0 = i32(ox * SW) - i32(PW);
  // -inf, through a variable: WGSL rejects non-finite constant expressions
  var bits = 0xff800000u;
  var best = bitcast<f32>(bits);
  var at = -1;
  for (var ky = 0u; ky < KH; ky++) {
    let y = y0 + i32(ky * DH);
    if (y < 0 || y >= i32(params.h)) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let xx = x0 + i32(kx * DW);
      if (xx < 0 || xx >= i32(params.w)) { continue; }
      let k = y * i32(params.w) + xx;
      let v = x[plane + u32(k)];
      if (at < 0) { at = k; }
      if (v > best || isNan(v)) {
        best = v;
        at = k;
      }
    }
  }
  out[params.outOffset + i] = {{result}};
}
