// Inputs stored as 8-bit pixels: byte k stands for the value k / 255 (the
// IDX convention of MNIST). The host stores a set this way only when every
// value is exactly such a pixel in the engine's number type, so a quarter
// (float32) or an eighth (float64) of the memory holds the same numbers; the
// rows of each mini-batch are expanded into the thread's scratch rows as they
// are used. k / 255 is divided in T, which gives T's rounding of k / 255 for
// every byte (float32: checked for all 256 against Math.fround(k / 255)).

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
