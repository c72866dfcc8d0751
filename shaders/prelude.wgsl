// prelude.wgsl — helpers prepended to every kernel that reads a fused expression.
//
// exw(k) reads word k of the expression data in params.ex (shapes, strides, offsets and
// constants, packed four to a vec4 because uniform arrays have a 16-byte stride).
// pow_(x, y) is the real power as PyTorch defines it: WGSL's pow() is undefined for x < 0, so
// a negative base takes an integral exponent (sign from its parity) and gives NaN otherwise.
// inf_() and nan_() go through a variable because WGSL rejects non-finite constant expressions.

fn exw(k: u32) -> u32 {
  return params.ex[k / 4u][k % 4u];
}

fn inf_() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

fn nan_() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

fn pow_(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (x == 0.0) { return select(0.0, inf_(), y < 0.0); }
  let m = exp2(y * log2(abs(x)));
  if (x > 0.0) { return m; }
  if (floor(y) != y) { return nan_(); }
  return select(m, -m, fract(y * 0.5) != 0.0);
}

// udiv22(i, n) = ⌊i / n⌋ for i < 2^22, through a float division. CPU adapters have no vector
// integer division, so a u32 `/` runs one scalar division per SIMD lane (lavapipe: 8), and the
// codegen divides once per merged dim of a strided read, per element. i and n are exact in f32;
// WGSL's f32 division is within 2.5 ULP, which below 2^22 keeps the truncated quotient within
// one of the truth, and the correction makes it exact.
fn udiv22(i: u32, n: u32) -> u32 {
  let q = i32(f32(i) / f32(n));
  let r = i32(i) - q * i32(n);
  return u32(select(select(q, q + 1, r >= i32(n)), q - 1, r < 0));
}
