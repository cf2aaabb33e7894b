// Inverted dropout on hidden neurons, with src/dropout.ts's masks: neuron j of layer l is kept for
// the sample at `position` of the epoch's order when the top 24 bits of a hash of (key, position,
// l, j) reach the threshold; a kept activation is scaled by 1/(1 − p), a dropped one is 0.

import { derivative } from './activations';

// @ts-ignore: decorator
@inline function mix(h: u32): u32 {
  let x = h;
  x ^= x >> 16;
  x *= 0x85ebca6b;
  x ^= x >> 13;
  x *= 0xc2b2ae35;
  x ^= x >> 16;
  return x;
}

/** True when neuron j of layer l is kept for the sample at `position`. */
// @ts-ignore: decorator
@inline export function keeps(key: u32, position: u32, l: u32, j: u32, threshold: u32): bool {
  return mix(mix(mix(key ^ position) ^ l) ^ j) >> 8 >= threshold;
}

/**
 * Applies layer l's masks to neurons [j0, j1) of the m rows of A (rows lda apart; sample i at
 * `position` + i): A ← mask·s·f(z), D ← mask·s·f'(z) (from the unmasked a), read by BP2 as f'(z).
 */
export function dropout<T>(
  A: usize, D: usize, m: i32, lda: i32, j0: i32, j1: i32, act: i32, l: i32,
  key: u32, position: i32, threshold: u32, scale: f64,
): void {
  const size = sizeof<T>();
  const s = <T>scale;
  for (let i = 0; i < m; i++) {
    const row = <usize>(i * lda) * size;
    for (let j = j0; j < j1; j++) {
      const o = row + <usize>j * size;
      const a = load<T>(A + o);
      if (keeps(key, <u32>(position + i), <u32>l, <u32>j, threshold)) {
        store<T>(D + o, derivative<T>(a, act) * s);
        store<T>(A + o, a * s);
      } else {
        store<T>(D + o, <T>0);
        store<T>(A + o, <T>0);
      }
    }
  }
}
