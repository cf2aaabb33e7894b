// The logistic function σ(z) = 1 / (1 + e^−z) of float32 values in vectors, for the forward pass
// (kernels.ts): exp by Cody–Waite reduction and Cephes' expf polynomial (about 1 ulp), with plain
// multiplies and adds so the scalar version below gives the same bits as a vector lane.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.3762626647949;
const EXP_MIN: f32 = -87.3365447505531;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** 1.5·2^23: a float32 v with |v| < 2^22, plus this, is round(v) (ties to even) in the low bits. */
const ROUNDER: f32 = 12582912.0;
const ROUNDER_BITS: i32 = 0x4b400000;

/**
 * σ(z) of four float32 lanes. pmin/pmax (one instruction each) clamp as min/max do but for NaN,
 * which stays NaN as their first operand; n = round(x·log2 e) and its integer come from one add of
 * ROUNDER (the same values as nearest and a truncation, in fewer instructions).
 */
// @ts-ignore: decorator
@inline function sigmoid4(z: v128): v128 {
  let x = f32x4.neg(z);
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const r2 = f32x4.mul(r, r);
  const e = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - ROUNDER_BITS)), 23);
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, f32x4.mul(e, scale)));
}

/** The same σ for one float32 (same operations, same bits as a lane of {@link sigmoid4}). */
// @ts-ignore: decorator
@inline function sigmoid1(z: f32): f32 {
  let x = -z;
  x = min(max(x, EXP_MIN), EXP_MAX);
  const n = nearest(x * LOG2E);
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  const e = p * (r * r) + r + <f32>1;
  const scale = reinterpret<f32>((<i32>n + 127) << 23);
  return <f32>1 / (<f32>1 + e * scale);
}

/** A[i, j] = σ(A[i, j]) for j in [j0, j1) of every row: vectors from j0, then single values. */
export function sigmoidRows(A: usize, lda: i32, m: i32, j0: i32, j1: i32): void {
  for (let i = 0; i < m; i++) {
    const row = A + <usize>(i * lda) * 4;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const p = row + (<usize>j << 2);
      v128.store(p, sigmoid4(v128.load(p)));
    }
    for (; j < j1; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, sigmoid1(load<f32>(p)));
    }
  }
}
