// gram.wgsl — Gram matrices G[n] = scale · F[n]·F[n]ᵀ, F[n] a [C, K] row-major matrix (the
// channels of feature map n, K = H·W), split over K with a deterministic second pass.
//
// `partial`: tiled like matmul.wgsl. A workgroup of 16×16 threads computes one 64×64 tile of
// G (rows 64·ti…, columns 64·tj…) over one slice of K; thread (tx, ty) keeps a 4×4 block in
// registers (rows 4·ty…4·ty+3, columns 4·tx…4·tx+3). Both operands are rows of F, so each
// step of 16 along K stages two 64×16 slabs of F (rows of the tile's row block and of its
// column block) in workgroup memory: each of the 256 threads loads 4 elements of each,
// neighbouring threads reading neighbouring k, zero outside F. G is symmetric: workgroup x
// enumerates ti·tiles + tj and only tiles with ti ≤ tj compute; an off-diagonal tile writes its
// block and the transposed block. Workgroup z = n·splits + s: batch item n, K slice
// [s·kc, (s+1)·kc). With one slice the tile is scaled and written to G directly; otherwise it
// goes to partial sums laid out [splits, batch, C, C].
//
// `reduce`: one thread per element of G (2-D grid of 64-wide workgroups) adds its `splits`
// partial sums in order s = 0, 1, … and scales: no atomics, the same bits on every run.

const TILE = 64u;
const KT = 16u;

struct Params {
  c: u32,
  k: u32,
  kc: u32,
  splits: u32,
  tiles: u32,
  batch: u32,
  direct: u32,
  scale: f32,
  srcOffset: u32,
  outOffset: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
// `partial` reads the features here, `reduce` the partial sums.
@group(0) @binding(2) var<storage, read> src: array<f32>;

var<workgroup> tileA: array<f32, 1024>; // [KT][TILE]: rows of the row block
var<workgroup> tileB: array<f32, 1024>; // [KT][TILE]: rows of the column block

@compute @workgroup_size(16, 16)
fn partial(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) l: u32,
) {
  let ti = wid.x / params.tiles;
  let tj = wid.x % params.tiles;
  if (ti > tj) { return; } // the lower triangle is the mirror of the upper one
  let C = params.c;
  let K = params.k;
  let n = wid.z / params.splits;
  let s = wid.z % params.splits;
  let row0 = ti * TILE;
  let col0 = tj * TILE;
  let f = params.srcOffset + n * C * K;
  let kBegin = s * params.kc;
  let kEnd = min(kBegin + params.kc, K);
  var acc: array<array<f32, 4>, 4>;

  for (var k0 = kBegin; k0 < kEnd; k0 += KT) {
    for (var t = 0u; t < 4u; t++) {
      let e = l + t * 256u;
      let r = e / KT;
      let kk = e % KT;
      let gk = k0 + kk;
      var va = 0.0;
      var vb = 0.0;
      if (gk < kEnd) {
        if (row0 + r < C) { va = src[f + (row0 + r) * K + gk]; }
        if (col0 + r < C) { vb = src[f + (col0 + r) * K + gk]; }
      }
      tileA[kk * TILE + r] = va;
      tileB[kk * TILE + r] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < KT; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = tileA[kk * TILE + lid.y * 4u + i];
        bv[i] = tileB[kk * TILE + lid.x * 4u + i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }

  let direct = params.direct != 0u;
  let scale = select(1.0, params.scale, direct);
  let base = params.outOffset + select((s * params.batch + n) * C * C, n * C * C, direct);
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y * 4u + i;
    if (r >= C) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x * 4u + j;
      if (c >= C) { continue; }
      out[base + r * C + c] = scale * acc[i][j];
      if (ti != tj) { out[base + c * C + r] = scale * acc[i][j]; }
    }
  }
}

@compute @workgroup_size(64)
fn reduce(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.rowStride;
  let size = params.batch * params.c * params.c;
  if (i >= size) { return; }
  var acc = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    acc += src[params.srcOffset + s * size + i];
  }
  out[params.outOffset + i] = params.scale * acc;
}
