// Dense-layer kernels of the WebAssembly path, generic over T (f32: f32x4 lanes, f64: f64x2).
// Matrices are row-major in linear memory; a batch has one sample per row; W is nOut x nIn, row j
// for neuron j. Operands below a layer are read through a table of row pointers, so the first layer
// reads the training set's rows in place. Threads own the neurons of ranges [j0, j1) and [k0, k1);
// vector loops start at a range's first index and ranges at multiples of 8, so each value gets the
// same instructions however the work is split: one or two threads give bit-identical results.

import { ACT_LINEAR, ACT_SIGMOID, activate, timesDerivative1 } from './activations';
import { sigmoidRows } from './sigmoid';

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}

/** a·b + c, fused where relaxed SIMD allows it. */
// @ts-ignore: decorator
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** Loads one T and repeats it in every lane. */
// @ts-ignore: decorator
@inline export function splatLoad<T>(ptr: usize): v128 {
  if (sizeof<T>() == 4) return v128.load32_splat(ptr);
  return v128.load64_splat(ptr);
}

/** The sum of a vector's lanes, always in the same order. */
// @ts-ignore: decorator
@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return (
      v128.extract_lane<T>(v, 0) +
      v128.extract_lane<T>(v, 1) +
      (v128.extract_lane<T>(v, 2) + v128.extract_lane<T>(v, 3))
    );
  }
  return v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1);
}

/**
 * Factor to multiply the weights in memory by: 1, or while an epoch call decays them lazily, the
 * decay so far (see index.ts). Per thread: each has its own instance.
 */
let weightScale: f64 = 1;

/** Sets {@link weightScale}. */
export function scaleWeights(s: f64): void {
  weightScale = s;
}

/** {@link weightScale} in T. */
// @ts-ignore: decorator
@inline export function scaleOf<T>(): T {
  return <T>weightScale;
}

/** Stores z·scale + b of one output (forward then applies the activation to whole rows). */
// @ts-ignore: decorator
@inline function finish<T>(out: usize, z: T, b: usize): void {
  store<T>(out, z * scaleOf<T>() + load<T>(b));
}

/**
 * A[i, j] = f(A[i, j]) for j in [j0, j1) of every row, f of code `act`: float32's σ in vectors,
 * anything else a value at a time. Kept out of the multiply-add loops, lest f's branches fill them.
 */
function activateRows<T>(A: usize, lda: i32, m: i32, j0: i32, j1: i32, act: i32): void {
  if (act == ACT_LINEAR) return;
  if (sizeof<T>() == 4 && act == ACT_SIGMOID) {
    sigmoidRows(A, lda, m, j0, j1);
    return;
  }
  const size = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const row = A + <usize>(i * lda) * size;
    for (let j = j0; j < j1; j++) {
      const p = row + <usize>j * size;
      store<T>(p, activate<T>(load<T>(p), act));
    }
  }
}

/** Bit s − from: x0's or x1's vector at byte 16·s has a bit set (from ≤ s < min(from + 64, to)). */
// @ts-ignore: decorator
@inline function nonzeroSteps(x0: usize, x1: usize, from: i32, to: i32, skip: i32): u64 {
  let mask: u64 = 0;
  const end = min(from + 64, to);
  // Without zero-skipping every step is marked: the blocks then run dense.
  if (skip == 0) return end - from >= 64 ? <u64>-1 : end <= from ? 0 : (<u64>1 << <u64>(end - from)) - 1;
  for (let s = from; s < end; s++) {
    const o = <usize>s << 4;
    mask |= <u64>v128.any_true(v128.or(v128.load(x0 + o), v128.load(x1 + o))) << <u64>(s - from);
  }
  return mask;
}

/** The steps' mask from `from` on: one of the four a pair keeps, else computed. */
// @ts-ignore: decorator
@inline function stepMask(m0: u64, m1: u64, m2: u64, m3: u64, x0: usize, x1: usize, from: i32, to: i32, skip: i32): u64 {
  if (from < 256) return from == 0 ? m0 : from == 64 ? m1 : from == 128 ? m2 : m3;
  return nonzeroSteps(x0, x1, from, to, skip);
}

/**
 * The 2 x nj block (nj = 1, 2 or 4, a constant) of samples x0, x1 and neurons j.. (rows of W from
 * w0, rowW bytes apart): vector sums over the marked steps (6 loads feed 8 multiply-adds when
 * nj = 4), their lanes added, the scalar tail from kv on, then finish() into a0 and a1.
 */
// @ts-ignore: decorator
@inline function pairBlock<T>(
  nj: i32, x0: usize, x1: usize, w0: usize, rowW: usize, m0: u64, m1: u64, m2: u64, m3: u64, steps: i32, skip: i32,
  kv: i32, nIn: i32, b: usize, a0: usize, a1: usize,
): void {
  const size = sizeof<T>();
  let s00 = v128.splat<T>(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  for (let from = 0; from < steps; from += 64) {
    let mask = stepMask(m0, m1, m2, m3, x0, x1, from, steps, skip);
    while (mask != 0) {
      const off = <usize>(from + <i32>ctz(mask)) << 4;
      mask &= mask - 1;
      const u = v128.load(x0 + off);
      const v = v128.load(x1 + off);
      const c0 = v128.load(w0 + off);
      s00 = madd<T>(u, c0, s00);
      s10 = madd<T>(v, c0, s10);
      if (nj > 1) {
        const c1 = v128.load(w0 + rowW + off);
        s01 = madd<T>(u, c1, s01);
        s11 = madd<T>(v, c1, s11);
      }
      if (nj > 2) {
        const c2 = v128.load(w0 + 2 * rowW + off);
        const c3 = v128.load(w0 + 3 * rowW + off);
        s02 = madd<T>(u, c2, s02);
        s03 = madd<T>(u, c3, s03);
        s12 = madd<T>(v, c2, s12);
        s13 = madd<T>(v, c3, s13);
      }
    }
  }
  let t00 = hsum<T>(s00), t01 = hsum<T>(s01), t02 = hsum<T>(s02), t03 = hsum<T>(s03);
  let t10 = hsum<T>(s10), t11 = hsum<T>(s11), t12 = hsum<T>(s12), t13 = hsum<T>(s13);
  for (let k = kv; k < nIn; k++) {
    const o = <usize>k * size;
    const u = load<T>(x0 + o);
    const v = load<T>(x1 + o);
    const c0 = load<T>(w0 + o);
    t00 += u * c0; t10 += v * c0;
    if (nj > 1) {
      const c1 = load<T>(w0 + rowW + o);
      t01 += u * c1; t11 += v * c1;
    }
    if (nj > 2) {
      const c2 = load<T>(w0 + 2 * rowW + o);
      const c3 = load<T>(w0 + 3 * rowW + o);
      t02 += u * c2; t03 += u * c3; t12 += v * c2; t13 += v * c3;
    }
  }
  finish<T>(a0, t00, b);
  finish<T>(a1, t10, b);
  if (nj > 1) {
    finish<T>(a0 + size, t01, b + size);
    finish<T>(a1 + size, t11, b + size);
  }
  if (nj > 2) {
    finish<T>(a0 + 2 * size, t02, b + 2 * size);
    finish<T>(a0 + 3 * size, t03, b + 3 * size);
    finish<T>(a1 + 2 * size, t12, b + 2 * size);
    finish<T>(a1 + 3 * size, t13, b + 3 * size);
  }
}

/**
 * Forward pass of neurons [j0, j1): A[i, j] = f(Σ_k X[i, k]·W[j, k] + b[j]), f of code `act`
 * (ACT_LINEAR: the weighted input z). Rows of W are ldw values apart, rows of A lda apart (padded
 * to whole cache lines, so threads owning different columns do not write the same line). Pairs of
 * samples (an odd batch's last paired with itself) run blocks of 4, then 2 and 1 neurons.
 * A pair marks the vector steps where either sample has a bit set (64-step masks; MNIST pixels:
 * 61% of a pair's vectors are all zero); its blocks visit only those, in order. A skipped step
 * would add x·w = ±0 to each sum, which changes nothing (a sum that starts at +0 is never −0), so
 * with finite weights every value has the plain dot product's bits. skip = 0 marks every step.
 */
export function forward<T>(
  rows: usize, m: i32, nIn: i32, W: usize, ldw: i32, b: usize, j0: i32, j1: i32, A: usize, lda: i32, act: i32,
  skip: i32,
): void {
  const size = sizeof<T>();
  const step = lanes<T>();
  const rowW = <usize>ldw * size;
  const kv = nIn - (nIn % step);
  const steps = kv / step;
  for (let i = 0; i < m; i += 2) {
    const one = i + 1 == m;
    const x0 = load<usize>(rows + (<usize>i << alignof<usize>()));
    const x1 = one ? x0 : load<usize>(rows + (<usize>(i + 1) << alignof<usize>()));
    const a0 = A + <usize>(i * lda) * size;
    const a1 = one ? a0 : a0 + <usize>lda * size;
    // The pair keeps the masks of its first 256 steps.
    const m0 = nonzeroSteps(x0, x1, 0, steps, skip);
    const m1 = nonzeroSteps(x0, x1, 64, steps, skip);
    const m2 = nonzeroSteps(x0, x1, 128, steps, skip);
    const m3 = nonzeroSteps(x0, x1, 192, steps, skip);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j * size;
      pairBlock<T>(4, x0, x1, W + <usize>j * rowW, rowW, m0, m1, m2, m3, steps, skip, kv, nIn, b + o, a0 + o, a1 + o);
    }
    if (j + 2 <= j1) {
      const o = <usize>j * size;
      pairBlock<T>(2, x0, x1, W + <usize>j * rowW, rowW, m0, m1, m2, m3, steps, skip, kv, nIn, b + o, a0 + o, a1 + o);
      j += 2;
    }
    if (j < j1) {
      const o = <usize>j * size;
      pairBlock<T>(1, x0, x1, W + <usize>j * rowW, rowW, m0, m1, m2, m3, steps, skip, kv, nIn, b + o, a0 + o, a1 + o);
    }
  }
  activateRows<T>(A, lda, m, j0, j1, act);
}

/**
 * Output error δ^L of columns [j0, j1) (BP1): (a − y)·f'(z) for the quadratic cost (f of code
 * `act`), else a − y (cross-entropy with sigmoid outputs). Targets are reached by row pointers.
 */
export function outputDelta<T>(
  A: usize, targetRows: usize, D: usize, m: i32, lda: i32, j0: i32, j1: i32, quadratic: i32, act: i32,
): void {
  const size = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const y = load<usize>(targetRows + (<usize>i << alignof<usize>()));
    const row = <usize>(i * lda) * size;
    for (let j = j0; j < j1; j++) {
      const o = <usize>j * size;
      const a = load<T>(A + row + o);
      const diff = a - load<T>(y + o);
      store<T>(D + row + o, quadratic != 0 ? timesDerivative1<T>(diff, a, act) : diff);
    }
  }
}

/** Σ (v − v) over the `count` values at `p`: 0 when every value is finite, NaN otherwise. */
export function finiteCheck<T>(p: usize, count: i32): T {
  const step = lanes<T>();
  let acc = v128.splat<T>(0);
  let k = 0;
  for (; k + step <= count; k += step) {
    const v = v128.load(p);
    acc = v128.add<T>(acc, v128.sub<T>(v, v));
    p += 16;
  }
  let s = hsum<T>(acc);
  for (; k < count; k++) {
    const v = load<T>(p);
    s += v - v;
    p += sizeof<T>();
  }
  return s;
}

/** Row-wise softmax of Z (m x n, rows lda apart) in place: exp(z − max) / Σ exp(z − max). */
export function softmaxRows<T>(Z: usize, m: i32, n: i32, lda: i32): void {
  const size = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const r = Z + <usize>(i * lda) * size;
    let max = load<T>(r);
    for (let j = 1; j < n; j++) max = max < load<T>(r + <usize>j * size) ? load<T>(r + <usize>j * size) : max;
    let sum: T = 0;
    for (let j = 0; j < n; j++) {
      const p = r + <usize>j * size;
      const e: T = sizeof<T>() == 4 ? <T>Mathf.exp(<f32>(load<T>(p) - max)) : <T>Math.exp(<f64>(load<T>(p) - max));
      store<T>(p, e);
      sum += e;
    }
    const inv = <T>1 / sum;
    for (let j = 0; j < n; j++) {
      const p = r + <usize>j * size;
      store<T>(p, load<T>(p) * inv);
    }
  }
}

/** Row-wise softmax of Z (m x n, rows lda apart) in place, then δ = a − y (log-likelihood). */
export function softmaxDelta<T>(Z: usize, targetRows: usize, D: usize, m: i32, n: i32, lda: i32): void {
  const size = sizeof<T>();
  softmaxRows<T>(Z, m, n, lda);
  for (let i = 0; i < m; i++) {
    const y = load<usize>(targetRows + (<usize>i << alignof<usize>()));
    const row = <usize>(i * lda) * size;
    for (let j = 0; j < n; j++) {
      const o = <usize>j * size;
      store<T>(D + row + o, load<T>(Z + row + o) - load<T>(y + o));
    }
  }
}
