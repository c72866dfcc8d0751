// reduce_subgroups.wgsl — reduce.wgsl's `tree` with subgroup operations, appended to reduce.wgsl
// (the source then starts with `enable subgroups;`) when the adapter has the `subgroups` feature.
//
// Workgroup (c, r) of WG threads reduces chunk c of row r as in `tree`; then each subgroup
// combines its lanes' partial results in registers ({{subgroupOp}}: subgroupAdd, subgroupMax or
// subgroupMin), lane 0 of each writes one value to workgroup memory, and thread 0 combines those
// WG / subgroup-size values in index order: one barrier instead of log2 WG. On lavapipe (8 lanes)
// a workgroup of 256 leaves 32 values; on a 32-lane GPU, 8.
//
// Quirks, on purpose:
// - No thread returns early. A subgroup operation must be reached by every lane of the subgroup
//   (WGSL's uniformity rule; a lane that has left makes the result undefined, and Tint rejects the
//   shader), so threads past the last row still run and contribute the identity.
// - Subgroup k is taken to be threads k·size … k·size + size − 1. WGSL does not promise this
//   layout, but every Vulkan, D3D12 and Metal driver forms subgroups from consecutive
//   local_invocation_index values in a 1-D workgroup (the conv kernels rely on it too); the test
//   suite checks the results against the float64 oracle with and without subgroups.
// - The order of additions inside subgroupAdd is the hardware's, fixed for a device: the same bits
//   on every run on one adapter, but not the same bits as the `tree` entry.

@compute @workgroup_size(WG)
fn treeSubgroups(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_index) t: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let c = wid.x;
  let r = wid.y + wid.z * 65535u;
  let s = {{subgroupOp}}(threadPartial(r, c, t));
  if (lane == 0u) {
    partial[t / size] = s;
  }
  workgroupBarrier();
  if (t == 0u && r < params.outer) {
    var acc = partial[0];
    for (var k = 1u; k < (WG + size - 1u) / size; k++) {
      acc = combine(acc, partial[k]);
    }
    out[params.outOffset + r * params.chunks + c] = acc;
  }
}
