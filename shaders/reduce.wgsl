// reduce.wgsl — sum, max or min of each row of a fused expression.
//
// The input is an expression over [kept…, reduced…] (the `expr` slot): `value(r, j)` is element
// j of row r, for `outer` rows of `inner` elements. The engine permutes a reduction's dims so the
// reduced ones come last without moving memory, so a row is contiguous in memory for a reduction
// over the last dims ("row reduction") and strided for one over leading dims ("column
// reduction"), where it is row r + 1 that sits next to row r. Each row is cut into `chunks`
// chunks of `chunk` elements; a chunk's result goes to out[outOffset + r · chunks + c], and when
// chunks > 1 the engine reduces those partials in another pass (a short row reduction).
//
// `lanes` (column reductions, short rows, and every row on a CPU adapter): one thread per (row r,
// chunk c) walks the chunk's elements in order. Thread q = gid.x + gid.y · rowStride (a grid
// dimension holds at most 65535 workgroups of 64) takes r = q mod outer, c = q / outer:
// neighbouring threads take neighbouring rows, so in a column reduction the threads of a
// workgroup read neighbouring addresses at every step (coalesced), and a single long row still
// spreads its chunks over whole workgroups.
//
// `tree` (long contiguous rows): workgroup (c, r) of WG threads reduces one chunk: thread t
// accumulates elements start + t, + WG, + 2·WG, … (neighbouring threads, neighbouring
// addresses), then the WG partial results are combined pairwise in workgroup memory (log2 WG
// halving steps) and thread 0 writes the chunk's result. reduce_subgroups.wgsl replaces the
// halving steps with subgroup operations where the adapter has them.
//
// Every combination happens in an order fixed by the launch, never by timing: the result has the
// same bits on every run. No atomics.
//
// The `combine` slot merges accumulator a with value b; the `identity` slot starts an accumulator.

override WG: u32 = 256;

struct Params {
  outer: u32,
  inner: u32,
  chunk: u32,
  chunks: u32,
  outOffset: u32,
  rowStride: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{type}}>;

{{expr}}

fn combine(a: {{type}}, b: {{type}}) -> {{type}} {
  return {{combine}};
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn lanes(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x + gid.y * params.rowStride;
  if (q >= params.outer * params.chunks) { return; }
  let r = q % params.outer;
  let c = q / params.outer;
  let end = min((c + 1u) * params.chunk, params.inner);
  var acc: {{type}} = {{identity}};
  for (var j = c * params.chunk; j < end; j++) {
    acc = combine(acc, value(r, j));
  }
  out[params.outOffset + r * params.chunks + c] = acc;
}

var<workgroup> partial: array<{{type}}, WG>;

// Thread t's share of chunk c of row r: elements start + t, + WG, …, in order. A workgroup past
// the last row (the grid rounds up) still runs to the end with the identity instead of returning:
// workgroupBarrier, like a subgroup operation, must be reached by every thread (WGSL's uniformity
// rule), so only the final write is guarded.
fn threadPartial(r: u32, c: u32, t: u32) -> {{type}} {
  var acc: {{type}} = {{identity}};
  if (r < params.outer) {
    let end = min((c + 1u) * params.chunk, params.inner);
    for (var j = c * params.chunk + t; j < end; j += WG) {
      acc = combine(acc, value(r, j));
    }
  }
  return acc;
}

@compute @workgroup_size(WG)
fn tree(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let c = wid.x;
  let r = wid.y + wid.z * 65535u;
  partial[t] = threadPartial(r, c, t);
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      partial[t] = combine(partial[t], partial[t + half]);
    }
    workgroupBarrier();
  }
  if (t == 0u && r < params.outer) {
    out[params.outOffset + r * params.chunks + c] = partial[0];
  }
}
