// matmul_batch.wgsl — batch offsets shared by matmul.wgsl and matvec.wgsl (prepended to each).
//
// Workgroup z of a batched product is batch item z; z is split over the output's batch shape
// (up to 4 dims, last fastest) and each operand's element offset is the sum of coordinate ×
// stride, where a stride of 0 broadcasts that operand across the dim. Both kernels declare
// Params fields aOffset, bOffset, batchShape, batchStridesA and batchStridesB.

// Element offsets of batch item z in A and B (z split over the batch shape, last dim fastest). 
fn batchOffsets(z: u32) -> vec2u {
  var rest = z;
  var offA = params.aOffset;
  var offB = params.bOffset;
  for (var d = 3; d >= 0; d--) {
    let size = params.batchShape[d];
    let c = rest % size;
    rest = rest / size;
    offA += c * params.batchStridesA[d];
    offB += c * params.batchStridesB[d];
  }
  return vec2u(offA, offB);
}
