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
