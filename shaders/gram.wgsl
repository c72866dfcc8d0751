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
// `partial4`: the same, with each thread loading one vec4 (4 consecutive k) of each slab per
// step instead of 4 scalars; used when K and F's offset are multiples of 4 (rows of whole vec4s).
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
// `partial` reads the features here, `reduce` the partial sums; `partial4` reads the features
// as vec4s (the same binding: no entry point uses both views).
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> src4: array<vec4f>;

var<workgroup> tileA: array<f32, 1024>; // [KT][TILE]: rows of the row block
var<workgroup> tileB: array<f32, 1024>; // [KT][TILE]: rows of the column block
var<private> acc: array<array<f32, 4>, 4>;

/** This workgroup's job: tile (ti, tj) of item n over K slice [kBegin, kEnd). */
struct Job {
  ti: u32,
  tj: u32,
  n: u32,
  s: u32,
  kBegin: u32,
  kEnd: u32,
}

fn jobOf(wid: vec3u) -> Job {
  let n = wid.z / params.splits;
  let s = wid.z - n * params.splits;
  let kBegin = s * params.kc;
  let ti = wid.x / params.tiles;
  return Job(ti, wid.x - ti * params.tiles, n, s, kBegin, min(kBegin + params.kc, params.k));
}

/** One step of KT along K: every thread's 4×4 block from the staged slabs. */
fn multiply(lid: vec3u) {
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
}

/** Write the thread's block (and its mirror image off the diagonal). */
fn store(job: Job, lid: vec3u) {
  let C = params.c;
  let direct = params.direct != 0u;
  let scale = select(1.0, params.scale, direct);
  let base = params.outOffset + select((job.s * params.batch + job.n) * C * C, job.n * C * C, direct);
  for (var i = 0u; i < 4u; i++) {
    let r = job.ti * TILE + lid.y * 4u + i;
    if (r >= C) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = job.tj * TILE + lid.x * 4u + j;
      if (c >= C) { continue; }
      out[base + r * C + c] = scale * acc[i][j];
      if (job.ti != job.tj) { out[base + c * C + r] = scale * acc[i][j]; }
    }
  }
}

@compute @workgroup_size(16, 16)
fn partial(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) l: u32,
) {
  let job = jobOf(wid);
  if (job.ti > job.tj) { return; } // the lower triangle is the mirror of the upper one
  let C = params.c;
  let K = params.k;
  let f = params.srcOffset + job.n * C * K;
  let rowA = job.ti * TILE;
  let rowB = job.tj * TILE;
  for (var k0 = job.kBegin; k0 < job.kEnd; k0 += KT) {
    // 4 elements of each slab per thread: element e = (row e / KT, k e % KT)
    for (var t = 0u; t < 4u; t++) {
      let e = l + t * 256u;
      let r = e / KT;
      let kk = e % KT;
      let gk = k0 + kk;
      var va = 0.0;
      var vb = 0.0;
      if (gk < job.kEnd) {
        if (rowA + r < C) { va = src[f + (rowA + r) * K + gk]; }
        if (rowB + r < C) { vb = src[f + (rowB + r) * K + gk]; }
      }
      tileA[kk * TILE + r] = va;
      tileB[kk * TILE + r] = vb;
    }
    workgroupBarrier();
    multiply(lid);
    workgroupBarrier();
  }
  store(job, lid);
}

@compute @workgroup_size(16, 16)
fn partial4(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) l: u32,
) {
  let job = jobOf(wid);
  if (job.ti > job.tj) { return; }
  // K, the offset and every slice bound are multiples of 4: whole vec4s, indexed in quads
  let C = params.c;
  let K4 = params.k / 4u;
  let f4 = (params.srcOffset + job.n * C * params.k) / 4u;
  let rowA = job.ti * TILE;
  let rowB = job.tj * TILE;
  let r = l / 4u; // one vec4 of each slab per thread: row l / 4, k quad l % 4
  let q = l % 4u;
  for (var k0 = job.kBegin; k0 < job.kEnd; k0 += KT) {
    let gq = k0 / 4u + q;
    var va = vec4f(0.0);
    var vb = vec4f(0.0);
    if (gq * 4u < job.kEnd) {
      if (rowA + r < C) { va = src4[f4 + (rowA + r) * K4 + gq]; }
      if (rowB + r < C) { vb = src4[f4 + (rowB + r) * K4 + gq]; }
    }
    for (var j = 0u; j < 4u; j++) {
      tileA[(4u * q + j) * TILE + r] = va[j];
      tileB[(4u * q + j) * TILE + r] = vb[j];
    }
    workgroupBarrier();
    multiply(lid);
    workgroupBarrier();
  }
  store(job, lid);
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
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
