// The mini-batch's mean cost (BatchEvent.cost), from the output activations the forward pass has.

/** ln x, or for x ≤ 0 ln(smallest double) (@mlisp/costs' LOG_FLOOR, network2.py's nan_to_num). */
// @ts-ignore: decorator
@inline function safeLog(x: f64): f64 {
  return x > 0 ? Math.log(x) : -744.4400719213812;
}

/**
 * Σ_x C_x of the m output rows of A (rows lda apart) and their targets (row pointers), in float64
 * as @mlisp/costs sums it: kind 0 quadratic ½‖a − y‖², 1 cross-entropy, 2 log-likelihood −Σ y ln a.
 */
export function batchCost<T>(A: usize, targetRows: usize, m: i32, n: i32, lda: i32, kind: i32): f64 {
  const size = sizeof<T>();
  let s: f64 = 0;
  for (let i = 0; i < m; i++) {
    const y = load<usize>(targetRows + (<usize>i << alignof<usize>()));
    const r = A + <usize>(i * lda) * size;
    for (let j = 0; j < n; j++) {
      const a = <f64>load<T>(r + <usize>j * size);
      const t = <f64>load<T>(y + <usize>j * size);
      if (kind == 0) {
        const d = a - t;
        s += d * d;
      } else {
        if (t != 0) s -= t * safeLog(a);
        if (kind == 1 && t != 1) s -= (1 - t) * (a < 1 ? Math.log(1 - a) : -744.4400719213812);
      }
    }
  }
  return kind == 0 ? 0.5 * s : s;
}
