// Inputs stored as 8-bit pixels: byte k stands for k / 255 (MNIST's IDX convention). The host
// stores a set so only when every value is exactly such a pixel in the engine's number type: a
// quarter (float32) or an eighth (float64) of the memory then holds the same numbers. Each
// mini-batch's rows are expanded into the thread's scratch rows as used. k / 255 divided in T is
// T's rounding of it for every byte (float32: checked for all 256 against Math.fround(k / 255)).

/**
 * Writes the n values byte / 255 of the bytes at `src` to `dst` (values of T).
 * All-zero runs of 16 bytes (most of an MNIST row) are stored as zeros.
 */
export function expandPixels<T>(src: usize, dst: usize, n: i32): void {
  const size = sizeof<T>();
  const zero = v128.splat<T>(0);
  let k = 0;
  for (; k + 16 <= n; k += 16) {
    const bytes = v128.load(src + <usize>k);
    const out = dst + <usize>k * size;
    if (!v128.any_true(bytes)) {
      for (let o: usize = 0; o < 16 * size; o += 16) v128.store(out + o, zero);
      continue;
    }
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    expand4<T>(i32x4.extend_low_i16x8_u(lo), out);
    expand4<T>(i32x4.extend_high_i16x8_u(lo), out + 4 * size);
    expand4<T>(i32x4.extend_low_i16x8_u(hi), out + 8 * size);
    expand4<T>(i32x4.extend_high_i16x8_u(hi), out + 12 * size);
  }
  for (; k < n; k++) store<T>(dst + <usize>k * size, <T>load<u8>(src + <usize>k) / <T>255);
}

/** Stores the four integers 0..255 of `ints` divided by 255, as four values of T. */
// @ts-ignore: decorator
@inline function expand4<T>(ints: v128, out: usize): void {
  if (sizeof<T>() == 4) {
    v128.store(out, f32x4.div(f32x4.convert_i32x4_u(ints), f32x4.splat(255)));
  } else {
    const high = i32x4.shuffle(ints, ints, 2, 3, 0, 1);
    v128.store(out, f64x2.div(f64x2.convert_low_i32x4_u(ints), f64x2.splat(255)));
    v128.store(out, f64x2.div(f64x2.convert_low_i32x4_u(high), f64x2.splat(255)), 16);
  }
}

/** The nearest integers k to 255·v of four float32 lanes (saturated; NaN gives 0). */
// @ts-ignore: decorator
@inline function nearestBytes(v: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v, f32x4.splat(255))));
}

/** Lanes other than 0 where `v` is not k / 255 for its k in [0, 255] (bit for bit). */
// @ts-ignore: decorator
@inline function notPixels32(v: v128, k: v128): v128 {
  const back = f32x4.div(f32x4.convert_i32x4_s(k), f32x4.splat(255));
  const outside = v128.or(i32x4.lt_s(k, i32x4.splat(0)), i32x4.gt_s(k, i32x4.splat(255)));
  return v128.or(outside, v128.not(i32x4.eq(back, v)));
}

/**
 * Writes byte k to `dst` for each of the `count` values of T at `src` that is k / 255 in T (as the
 * host's Float32Array or Float64Array holds it); returns 1 if all were, else 0 (`dst` then partly
 * written). A candidate k must divide back as in expandPixels, bit for bit: −0 and NaN fail.
 */
export function pixelBytes<T>(src: usize, count: i32, dst: usize): i32 {
  let bad = v128.splat<i32>(0);
  let i = 0;
  if (sizeof<T>() == 4) {
    for (; i + 16 <= count; i += 16) {
      const p = src + (<usize>i << 2);
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      const k0 = nearestBytes(v0), k1 = nearestBytes(v1), k2 = nearestBytes(v2), k3 = nearestBytes(v3);
      bad = v128.or(bad, v128.or(v128.or(notPixels32(v0, k0), notPixels32(v1, k1)), v128.or(notPixels32(v2, k2), notPixels32(v3, k3))));
      const low = i16x8.narrow_i32x4_u(k0, k1);
      const high = i16x8.narrow_i32x4_u(k2, k3);
      v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(low, high));
    }
  }
  let tail = false;
  for (; i < count; i++) {
    const v = load<T>(src + <usize>i * sizeof<T>());
    const near = nearest(v * <T>255);
    // In range first (NaN is not): the integer k then divides back to +0, never −0.
    const k = near >= 0 && near <= 255 ? <i32>near : -1;
    const back = <T>k / <T>255;
    const same = sizeof<T>() == 4 ? reinterpret<i32>(<f32>back) == reinterpret<i32>(<f32>v) : reinterpret<i64>(<f64>back) == reinterpret<i64>(<f64>v);
    if (k < 0 || !same) tail = true;
    store<u8>(dst + <usize>i, <u8>k);
  }
  return !tail && !v128.any_true(bad) ? 1 : 0;
}
