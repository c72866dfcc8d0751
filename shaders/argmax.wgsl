// argmax.wgsl — index of the first maximum (or minimum) of each row of a fused expression.
//
// Rows are laid out as in reduce.wgsl: element j of row r is value(r · inner + j).
// `rows`: one thread per row scans it in order, keeping the first strictly better element.
// `tree`: one workgroup of WG threads per row; thread t scans j = t, t + WG, … keeping the first
// best it sees, then pairs are merged in workgroup memory preferring the better value and, on a
// tie, the smaller index — so the answer is the first occurrence, as in PyTorch.
// The `better` slot is true when value b beats value a ("b > a" for argmax, "b < a" for argmin).

override WG: u32 = 256;

struct Params {
  outer: u32,
  inner: u32,
  outOffset: u32,
  ex: array<vec4u, {{words}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<i32>;

{{expr}}

fn better(a: {{type}}, b: {{type}}) -> bool {
  return {{better}};
}

// Threads per workgroup: set by the backend from its one table (backend/webgpu/constants.ts).
override WG_1D: u32;

@compute @workgroup_size(WG_1D)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid.x + gid.y * nwg.x * WG_1D;
  if (r >= params.outer) { return; }
  var best = value(r * params.inner);
  var at = 0u;
  for (var j = 1u; j < params.inner; j++) {
    let v = value(r * params.inner + j);
    if (better(best, v)) {
      best = v;
      at = j;
    }
  }
  out[params.outOffset + r] = i32(at);
}

var<workgroup> bestValue: array<{{type}}, WG>;
var<workgroup> bestIndex: array<u32, WG>;

@compute @workgroup_size(WG)
fn tree(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * 65535u;
  let inRange = r < params.outer;
  var at = 0xffffffffu;
  var best: {{type}};
  if (inRange) {
    for (var j = t; j < params.inner; j += WG) {
      let v = value(r * params.inner + j);
      if (at == 0xffffffffu || better(best, v)) {
        best = v;
        at = j;
      }
    }
  }
  bestValue[t] = best;
  bestIndex[t] = at;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      let ia = bestIndex[t];
      let ib = bestIndex[t + half];
      let va = bestValue[t];
      let vb = bestValue[t + half];
      let takeB = ib != 0xffffffffu &&
        (ia == 0xffffffffu || better(va, vb) || (!better(vb, va) && ib < ia));
      if (takeB) {
        bestValue[t] = vb;
        bestIndex[t] = ib;
      }
    }
    workgroupBarrier();
  }
  if (t == 0u && inRange) {
    out[params.outOffset + r] = i32(bestIndex[0]);
  }
}
