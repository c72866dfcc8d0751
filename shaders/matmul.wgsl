// matmul.wgsl — out[b] = A[b] · B[b]: a batch of (M×K)·(K×N) products, row-major out.
//
// Tile geometry: a workgroup of 16×16 threads computes one 64×64 tile of out; thread (tx, ty)
// keeps a 4×4 block of it in registers (rows 4·ty…4·ty+3, columns 4·tx…4·tx+3). K is walked in
// steps of 16: the workgroup stages a 64×16 slab of A and a 16×64 slab of B in workgroup memory
// (each of the 256 threads loads 4 elements of each, zero outside the matrices), then every
// thread does 4·4·16 multiply-adds from workgroup memory. Workgroup z is the batch index.
//
// Layouts: A is [M, K] row-major, or [K, M] when TRANS_A (a transposed view read in place);
// B is [K, N], or [N, K] when TRANS_B. Loads are arranged so neighbouring threads read
// neighbouring addresses in either layout. Batch dims (up to 4) have their own strides per
// operand; a stride of 0 broadcasts that operand across the dim.

override TRANS_A: bool = false;
override TRANS_B: bool = false;

const TILE = 64u;
const KT = 16u;

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

var<workgroup> tileA: array<f32, 1024>; // [KT][TILE]: tileA[kk * TILE + row]
var<workgroup> tileB: array<f32, 1024>; // [KT][TILE]: tileB[kk * TILE + col]

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) l: u32,
) {
  let M = params.m;
  let N = params.n;
  let K = params.k;
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let offs = batchOffsets(wid.z);
  var acc: array<array<f32, 4>, 4>;

  for (var k0 = 0u; k0 < K; k0 += KT) {
    for (var s = 0u; s < 4u; s++) {
      let e = l + s * 256u;
      // A slab: element (row, kk) of the 64×16 block.
      var row: u32;
      var kk: u32;
      if (TRANS_A) { kk = e / TILE; row = e % TILE; } else { row = e / KT; kk = e % KT; }
      let gr = row0 + row;
      let gk = k0 + kk;
      var va = 0.0;
      if (gr < M && gk < K) {
        va = a[offs.x + select(gr * K + gk, gk * M + gr, TRANS_A)];
      }
      tileA[kk * TILE + row] = va;
      // B slab: element (kk, col) of the 16×64 block.
      var col: u32;
      if (TRANS_B) { col = e / KT; kk = e % KT; } else { kk = e / TILE; col = e % TILE; }
      let gc = col0 + col;
      let gk2 = k0 + kk;
      var vb = 0.0;
      if (gc < N && gk2 < K) {
        vb = b[offs.y + select(gk2 * N + gc, gc * K + gk2, TRANS_B)];
      }
      tileB[kk * TILE + col] = vb;
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

  let outBase = params.outOffset + wid.z * M * N;
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y * 4u + i;
    if (r >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x * 4u + j;
      if (c < N) {
        out[outBase + r * N + c] = acc[i][j];
      }
    }
  }
}
