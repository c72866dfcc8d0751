// reduce.wgsl — sum, max or min of each row of a fused expression.
//
// The input is an expression over [kept…, reduced…] (the `expr` slot), read as `outer` rows of
// `inner` elements: element j of row r is value(r · inner + j). Two entry points:
//
// `rows` (short rows): one thread per row walks its `inner` elements in order.
//
// `tree` (long rows): rows are cut into chunks of `chunk` elements and one workgroup of WG
// threads reduces one chunk: workgroup (c, r) — thread t accumulates elements
// c·chunk + t, + WG, + 2·WG, … of row r; the WG partial results are combined pairwise in
// workgroup memory (log2 WG halving steps); thread 0 writes out[outOffset + r · chunks + c].
// When chunks > 1 the engine reduces those partials in a second pass. Every addition happens in
// a fixed order, so the result has the same bits on every run: no atomics.
//
// The `combine` slot merges accumulator a with value b; the `identity` slot starts an accumulator.

override WG: u32 = 256;

struct Params {
  outer: u32,
  inner: u32,
  chunk: u32,
  chunks: u32,
  outOffset: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<{{type}}>;

{{expr}}

fn combine(a: {{type}}, b: {{type}}) -> {{type}} {
  return {{combine}};
}

@compute @workgroup_size(64)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * 64u;
  if (r >= params.outer) { return; }
  var acc: {{type}} = {{identity}};
  for (var j = 0u; j < params.inner; j++) {
    acc = combine(acc, value(r * params.inner + j));
  }
  out[params.outOffset + r] = acc;
}

var<workgroup> partial: array<{{type}}, WG>;

@compute @workgroup_size(WG)
fn tree(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let c = wid.x;
  let r = wid.y + wid.z * 65535u;
  let inRange = r < params.outer;
  var acc: {{type}} = {{identity}};
  if (inRange) {
    let start = c * params.chunk;
    let end = min(start + params.chunk, params.inner);
    for (var j = start + t; j < end; j += WG) {
      acc = combine(acc, value(r * params.inner + j));
    }
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      partial[t] = combine(partial[t], partial[t + half]);
    }
    workgroupBarrier();
  }
  if (t == 0u && inRange) {
    out[params.outOffset + r * params.chunks + c] = partial[0];
  }
}
