// copy.wgsl — the probe's memory-bound kernel: dst = src, PER vec4s (16 bytes each) per invocation.
//
// Thread mapping: with T invocations in all (a 2-D grid of workgroups, since one dimension holds
// at most 65535 of them), invocation i copies vec4s i, i + T, i + 2T, …: at each step
// neighbouring invocations touch neighbouring addresses, so loads and stores stay coalesced on a
// GPU, and each invocation does enough work to amortise its start-up cost on CPU adapters, where
// one invocation per vec4 measures the scheduler rather than memory. Bytes moved = 2 × the buffer.

struct Params {
  count: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;

override WG: u32 = 256;
const PER = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = nwg.x * nwg.y * WG;
  let first = gid.x + gid.y * nwg.x * WG;
  for (var k = 0u; k < PER; k++) {
    let i = first + k * total;
    if (i < params.count) {
      dst[i] = src[i];
    }
  }
}
