// fma.wgsl — the probe's compute-bound kernel: how many FLOPs per second this device sustains.
//
// Thread mapping: every invocation is independent. It keeps 8 vec4 accumulators (8 dependent
// chains, 32 lanes) and runs `iterations` rounds of 2 fused multiply-adds on each, so the
// scheduler always has 8 independent FMAs in flight per thread to hide the FMA latency. One
// round is 8 chains × 2 steps × 4 lanes × 2 FLOPs = 128 FLOPs per invocation.
//
// a ← a·m + c with m < 1 converges to c / (1 − m) = 1: values stay finite and normal (no
// denormal slow paths), and m, c come from a uniform so the compiler cannot fold the chains.
// The sum is written out so that no chain is dead code.

struct Params {
  iterations: u32,
  m: f32,
  c: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let id = gid.x + gid.y * nwg.x * WG;
  let s = f32(id % 1024u) * 1e-4;
  let m = vec4<f32>(params.m);
  let c = vec4<f32>(params.c);
  var a0 = vec4<f32>(s, s + 0.1, s + 0.2, s + 0.3);
  var a1 = a0 + 0.01;
  var a2 = a0 + 0.02;
  var a3 = a0 + 0.03;
  var a4 = a0 + 0.04;
  var a5 = a0 + 0.05;
  var a6 = a0 + 0.06;
  var a7 = a0 + 0.07;
  for (var i = 0u; i < params.iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
  }
  out[id] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}
