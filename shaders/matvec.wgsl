// matvec.wgsl — out = A · Bᵀ for a few rows of A (M ≤ 4) against B stored [N, K]: a fully
// connected layer at small batch (x · Wᵀ with W [out, in]).
//
// A 64×64 matmul tile would leave 63 of its 64 rows idle here. Instead one workgroup of WG
// threads owns COLS consecutive output columns j: thread t walks k = t, t + WG, t + 2·WG, …,
// keeping A[m, k] · B[j, k] for each of its M rows and COLS columns in registers (B rows are
// contiguous in k, so neighbouring threads read neighbouring addresses), then the WG partial
// sums of each (m, j) are added in workgroup memory by a halving tree — a fixed order, so the
// same bits every run. Workgroup y is the column block; z is the batch item (matmul_batch.wgsl).
// A is [M, K] row-major, or [K, M] when TRANS_A.
//
// Entry point `columns`: the same product against B stored [K, N] (x · W with W [in, out], as
// Keras and a plain matmul store it). Now B's rows are contiguous in n, so a 64 × 4 workgroup
// gives each of its 64 x-threads one output column j (neighbours read neighbouring addresses)
// and each of its 4 y-threads every 4th k; the 4 partial sums of each (m, j) are then added in
// workgroup memory in a fixed order. Workgroup x (and y beyond 65535) is the block of 64 columns.

override TRANS_A: bool = false;
override WG: u32 = 128;

const COLS = 4u;
const MAXM = 4u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  aOffset: u32,
  bOffset: u32,
  outOffset: u32,
  batchShape: vec4u,
  batchStridesA: vec4u,
  batchStridesB: vec4u,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

var<workgroup> partial: array<f32, 2048>; // [MAXM][COLS][WG ≤ 128]

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let M = params.m;
  let N = params.n;
  let K = params.k;
  let j0 = (wid.x + wid.y * 65535u) * COLS;
  let offs = batchOffsets(wid.z);
  var acc: array<array<f32, 4>, 4>; // [row][column]
  for (var k = t; k < K; k += WG) {
    var av: array<f32, 4>;
    for (var m = 0u; m < MAXM; m++) {
      if (m < M) {
        av[m] = a[offs.x + select(m * K + k, k * M + m, TRANS_A)];
      }
    }
    for (var c = 0u; c < COLS; c++) {
      let j = j0 + c;
      if (j < N) {
        let bv = b[offs.y + j * K + k];
        for (var m = 0u; m < MAXM; m++) {
          acc[m][c] = fma(av[m], bv, acc[m][c]);
        }
      }
    }
  }
  for (var m = 0u; m < MAXM; m++) {
    for (var c = 0u; c < COLS; c++) {
      partial[(m * COLS + c) * WG + t] = acc[m][c];
    }
  }
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      for (var e = 0u; e < MAXM * COLS; e++) {
        partial[e * WG + t] += partial[e * WG + t + half];
      }
    }
    workgroupBarrier();
  }
  // Threads 0 … M·COLS − 1 each write one result.
  let m = t / COLS;
  let j = j0 + t % COLS;
  if (m < M && j < N) {
    out[params.outOffset + wid.z * M * N + m * N + j] = partial[t * WG];
  }
}

const KN_COLS = 64u;
const KN_SPLIT = 4u;
var<workgroup> partialKN: array<f32, 1024>; // [KN_SPLIT][MAXM][KN_COLS]

@compute @workgroup_size(KN_COLS, KN_SPLIT)
fn columns(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = params.m;
  let N = params.n;
  let K = params.k;
  let j = (wid.x + wid.y * 65535u) * KN_COLS + lid.x;
  let offs = batchOffsets(wid.z);
  var acc: array<f32, 4>;
  if (j < N) {
    for (var k = lid.y; k < K; k += KN_SPLIT) {
      let bv = b[offs.y + k * N + j];
      for (var m = 0u; m < MAXM; m++) {
        if (m < M) {
          let av = a[offs.x + select(m * K + k, k * M + m, TRANS_A)];
          acc[m] = fma(av, bv, acc[m]);
        }
      }
    }
  }
  for (var m = 0u; m < MAXM; m++) {
    partialKN[(lid.y * MAXM + m) * KN_COLS + lid.x] = acc[m];
  }
  workgroupBarrier();
  // Thread row y = m adds the KN_SPLIT partials of row m, in order.
  let m = lid.y;
  if (m < M && j < N) {
    var sum = 0.0;
    for (var s = 0u; s < KN_SPLIT; s++) {
      sum += partialKN[(s * MAXM + m) * KN_COLS + lid.x];
    }
    out[params.outOffset + wid.z * M * N + m * N + j] = sum;
  }
}
