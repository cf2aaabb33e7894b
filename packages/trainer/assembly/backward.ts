// Backward kernels (conventions: kernels.ts): δ of the layer below, and the SGD step into W and b.

import { timesDerivative, timesDerivative1 } from './activations';
import { madd, scaleOf, splatLoad } from './kernels';

/**
 * δ of the layer below (BP2), neurons [k0, k1): P[i, k] = (Σ_j D[i, j]·W[j, k])·f'(z), f'(z) from
 * a = Ab[i, k] and `act`, or with `stored` ≠ 0 the mask·f'(z)/(1 − p) that dropout left in P.
 * Vectors run along k (W's rows are contiguous), j in order; strides ldd (D), ldw (W), ldb (Ab, P).
 */
export function deltaBelow<T>(
  D: usize, m: i32, nOut: i32, ldd: i32, W: usize, ldw: i32, k0: i32, k1: i32, Ab: usize, P: usize, ldb: i32, act: i32,
  stored: i32,
): void {
  const size = sizeof<T>();
  const step = 16 / <i32>sizeof<T>();
  const rowW = <usize>ldw * size;
  const scale = scaleOf<T>();
  for (let i = 0; i < m; i++) {
    const d = D + <usize>(i * ldd) * size;
    const below = <usize>(i * ldb) * size;
    let k = k0;
    for (; k + step <= k1; k += step) {
      const o = <usize>k * size;
      let acc = v128.splat<T>(0);
      let w = W + o;
      for (let j = 0; j < nOut; j++) {
        acc = madd<T>(splatLoad<T>(d + <usize>j * size), v128.load(w), acc);
        w += rowW;
      }
      acc = v128.mul<T>(acc, v128.splat<T>(scale));
      const a = v128.load(Ab + below + o);
      v128.store(P + below + o, stored != 0 ? v128.mul<T>(acc, v128.load(P + below + o)) : timesDerivative<T>(acc, a, act));
    }
    for (; k < k1; k++) {
      const o = <usize>k * size;
      let s: T = 0;
      for (let j = 0; j < nOut; j++) s += load<T>(d + <usize>j * size) * load<T>(W + <usize>j * rowW + o);
      s *= scale;
      const a = load<T>(Ab + below + o);
      store<T>(P + below + o, stored != 0 ? s * load<T>(P + below + o) : timesDerivative1<T>(s, a, act));
    }
  }
}

/** sgn(w) of each lane: 1, −1, or 0 for ±0 (the book's convention for L1). */
// @ts-ignore: decorator
@inline function sign<T>(w: v128): v128 {
  const zero = v128.splat<T>(0);
  const one = v128.splat<T>(1);
  return v128.sub<T>(v128.and(v128.gt<T>(w, zero), one), v128.and(v128.lt<T>(w, zero), one));
}

/**
 * One vector of the step. L2: w ← decay·w − lr·g, or with momentum v ← μv − wd·w − lr·g, w ← w + v.
 * L1 (eq. 97): w ← w − wd·sgn(w) − lr·g, or with momentum v ← μv − wd·sgn(w) − lr·g, w ← w + v.
 */
// @ts-ignore: decorator
@inline function stepVector<T>(p: usize, vp: usize, g: v128, lr: v128, decay: v128, wd: v128, mu: v128, momentum: bool, l1: bool): void {
  const w = v128.load(p);
  const shrink = l1 ? v128.mul<T>(wd, sign<T>(w)) : v128.mul<T>(wd, w);
  if (momentum) {
    const v = v128.sub<T>(v128.sub<T>(v128.mul<T>(mu, v128.load(vp)), shrink), v128.mul<T>(lr, g));
    v128.store(vp, v);
    v128.store(p, v128.add<T>(w, v));
  } else if (l1) {
    v128.store(p, v128.sub<T>(v128.sub<T>(w, shrink), v128.mul<T>(lr, g)));
  } else {
    v128.store(p, v128.sub<T>(v128.mul<T>(decay, w), v128.mul<T>(lr, g)));
  }
}

// @ts-ignore: decorator
@inline function stepScalar<T>(p: usize, vp: usize, g: T, lr: T, decay: T, wd: T, mu: T, momentum: bool, l1: bool): void {
  const w = load<T>(p);
  const shrink = l1 ? wd * (w > <T>0 ? <T>1 : w < <T>0 ? <T>-1 : <T>0) : wd * w;
  if (momentum) {
    const v = mu * load<T>(vp) - shrink - lr * g;
    store<T>(vp, v);
    store<T>(p, w + v);
  } else if (l1) {
    store<T>(p, w - shrink - lr * g);
  } else {
    store<T>(p, decay * w - lr * g);
  }
}

/** Bit i − i0: sample i's two vectors at byte o have a bit set, for i0 ≤ i < min(i0 + 64, m). */
// @ts-ignore: decorator
@inline export function liveSamples(rows: usize, i0: i32, m: i32, o: usize, skip: i32): u64 {
  let live: u64 = 0;
  const end = min(i0 + 64, m);
  // Without zero-skipping every sample is live.
  if (skip == 0) return end - i0 >= 64 ? <u64>-1 : end <= i0 ? 0 : (<u64>1 << <u64>(end - i0)) - 1;
  for (let i = i0; i < end; i++) {
    const x = load<usize>(rows + (<usize>i << alignof<usize>())) + o;
    live |= <u64>v128.any_true(v128.or(v128.load(x), v128.load(x, 16))) << <u64>(i - i0);
  }
  return live;
}

/**
 * Step of an nj x 2 block of weights (nj = 4 or 1, a constant) at p, rows rowW apart, strip o of
 * `rows`: g = Σ_i D[i, j]·X[i, k] over live samples, in order (nj = 4: 6 loads, 8 multiply-adds).
 */
// @ts-ignore: decorator
@inline function stepBlock<T>(
  nj: i32, p: usize, rowW: usize, velocity: usize, dj: usize, rowD: usize, rows: usize, o: usize, m: i32, live0: u64, skip: i32,
  lr: v128, decay: v128, wd: v128, mu: v128, momentum: bool, l1: bool,
): void {
  const size = sizeof<T>();
  let g0a = v128.splat<T>(0), g0b = g0a, g1a = g0a, g1b = g0a, g2a = g0a, g2b = g0a, g3a = g0a, g3b = g0a;
  for (let i0 = 0; i0 < m; i0 += 64) {
    let live = i0 == 0 ? live0 : liveSamples(rows, i0, m, o, skip);
    while (live != 0) {
      const i = i0 + <i32>ctz(live);
      live &= live - 1;
      const x = load<usize>(rows + (<usize>i << alignof<usize>())) + o;
      const d = dj + <usize>i * rowD;
      const xa = v128.load(x);
      const xb = v128.load(x, 16);
      const e0 = splatLoad<T>(d);
      g0a = madd<T>(e0, xa, g0a);
      g0b = madd<T>(e0, xb, g0b);
      if (nj > 1) {
        const e1 = splatLoad<T>(d + size);
        const e2 = splatLoad<T>(d + 2 * size);
        const e3 = splatLoad<T>(d + 3 * size);
        g1a = madd<T>(e1, xa, g1a);
        g1b = madd<T>(e1, xb, g1b);
        g2a = madd<T>(e2, xa, g2a);
        g2b = madd<T>(e2, xb, g2b);
        g3a = madd<T>(e3, xa, g3a);
        g3b = madd<T>(e3, xb, g3b);
      }
    }
  }
  stepVector<T>(p, p + velocity, g0a, lr, decay, wd, mu, momentum, l1);
  stepVector<T>(p + 16, p + 16 + velocity, g0b, lr, decay, wd, mu, momentum, l1);
  if (nj > 1) {
    stepVector<T>(p + rowW, p + rowW + velocity, g1a, lr, decay, wd, mu, momentum, l1);
    stepVector<T>(p + rowW + 16, p + rowW + 16 + velocity, g1b, lr, decay, wd, mu, momentum, l1);
    stepVector<T>(p + 2 * rowW, p + 2 * rowW + velocity, g2a, lr, decay, wd, mu, momentum, l1);
    stepVector<T>(p + 2 * rowW + 16, p + 2 * rowW + 16 + velocity, g2b, lr, decay, wd, mu, momentum, l1);
    stepVector<T>(p + 3 * rowW, p + 3 * rowW + velocity, g3a, lr, decay, wd, mu, momentum, l1);
    stepVector<T>(p + 3 * rowW + 16, p + 3 * rowW + 16 + velocity, g3b, lr, decay, wd, mu, momentum, l1);
  }
}

/**
 * The SGD step of weights W[j, k], j in [j0, j1), k in [k0, k1) (BP4 and the update fused):
 * g = Σ_i D[i, j]·X[i, k] over the batch, then {@link stepVector}. Strips of 2 vectors along k,
 * each in blocks of 4 neurons keeping 8 sums (see stepBlock), so each weight is read and written
 * once. Row strides: ldd (D), ldw (W, VW). A strip's blocks add, in order, the terms of its live
 * samples only (those with a bit set in the strip; MNIST pixels: 3 in 5 float32 sample-strips are
 * all zero); a strip with none and no decay is left as it is. A skipped term is D·0 = ±0, which
 * changes nothing (a sum from +0 is never −0), so with finite D every gradient has the plain sum's
 * bits. skip = 0: every sample is live. l1 ≠ 0: the L1 step (eq. 97) instead of L2's decay.
 */
export function updateWeights<T>(
  D: usize, m: i32, ldd: i32, rows: usize, W: usize, ldw: i32, VW: usize,
  j0: i32, j1: i32, k0: i32, k1: i32, lrS: T, decayS: T, wdS: T, muS: T, skip: i32, l1: i32,
  pending: usize,
): void {
  if (l1 != 0) {
    if (muS != 0) updateWith<T>(D, m, ldd, rows, W, ldw, VW, j0, j1, k0, k1, lrS, decayS, wdS, muS, true, true, skip, 0);
    else updateWith<T>(D, m, ldd, rows, W, ldw, VW, j0, j1, k0, k1, lrS, decayS, wdS, muS, false, true, skip, 0);
  } else if (muS != 0) updateWith<T>(D, m, ldd, rows, W, ldw, VW, j0, j1, k0, k1, lrS, decayS, wdS, muS, true, false, skip, pending);
  else updateWith<T>(D, m, ldd, rows, W, ldw, VW, j0, j1, k0, k1, lrS, decayS, wdS, muS, false, false, skip, 0);
}

/** {@link updateWeights} with or without momentum (a constant: no test in the blocks' steps). */
// @ts-ignore: decorator
@inline function updateWith<T>(
  D: usize, m: i32, ldd: i32, rows: usize, W: usize, ldw: i32, VW: usize,
  j0: i32, j1: i32, k0: i32, k1: i32, lrS: T, decayS: T, wdS: T, muS: T, momentum: bool, l1: bool, skip: i32,
  pending: usize,
): void {
  const size = sizeof<T>();
  const step = 16 / <i32>sizeof<T>();
  const rowW = <usize>ldw * size;
  const rowD = <usize>ldd * size;
  const lr = v128.splat<T>(lrS), decay = v128.splat<T>(decayS), wd = v128.splat<T>(wdS), mu = v128.splat<T>(muS);
  const velocity = VW - W;
  let k = k0;
  for (; k + 2 * step <= k1; k += 2 * step) {
    const o = <usize>k * size;
    const live0 = liveSamples(rows, 0, m, o, skip);
    // No live sample and no decay: every weight of the strip stays as it is (w − lr·0 = w).
    if (live0 == 0 && m <= 64 && wdS == 0 && !momentum) continue;
    if (momentum && pending != 0) {
      // Lazy momentum (layer 1): the strip's mini-batches without a live sample are counted (see
      // index.ts; as well without zero-skipping, which then changes no bit either).
      const at = pending + (<usize>(k / (2 * step)) << 2);
      if (m <= 64 && (skip != 0 ? live0 : liveSamples(rows, 0, m, o, 1)) == 0) {
        store<i32>(at, load<i32>(at) + 1);
        continue;
      }
    }
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      stepBlock<T>(4, W + <usize>j * rowW + o, rowW, velocity, D + <usize>j * size, rowD, rows, o, m, live0, skip, lr, decay, wd, mu, momentum, l1);
    }
    for (; j < j1; j++) {
      stepBlock<T>(1, W + <usize>j * rowW + o, rowW, velocity, D + <usize>j * size, rowD, rows, o, m, live0, skip, lr, decay, wd, mu, momentum, l1);
    }
  }
  if (k < k1) {
    for (let j = j0; j < j1; j++) updateRowTail<T>(D, m, rowD, rows, W, VW, j, rowW, k, k1, lrS, decayS, wdS, muS, l1);
  }
}

/**
 * Applies the `pending` (count at `at`, then 0) mini-batches in which no sample reached the strip
 * at byte offset o of rows [j0, j1): with g = 0 a momentum step is linear, [v; w] ← A·[v; w] with
 * A = [[μ, −wd], [μ, 1 − wd]], so k of them are A^k (in float64, then T).
 */
export function catchUp<T>(
  W: usize, rowW: usize, velocity: usize, j0: i32, j1: i32, o: usize, at: usize, muS: T, wdS: T,
): void {
  const k = load<i32>(at);
  if (k == 0) return;
  store<i32>(at, 0);
  const mu = <f64>muS, wd = <f64>wdS;
  let a: f64 = 1, b: f64 = 0, c: f64 = 0, d: f64 = 1;
  for (let i = 0; i < k; i++) {
    const na = mu * a - wd * c, nb = mu * b - wd * d;
    c = mu * a + (1 - wd) * c;
    d = mu * b + (1 - wd) * d;
    a = na;
    b = nb;
  }
  const A = v128.splat<T>(<T>a), B = v128.splat<T>(<T>b), C = v128.splat<T>(<T>c), D = v128.splat<T>(<T>d);
  for (let j = j0; j < j1; j++) {
    const p = W + <usize>j * rowW + o;
    for (let h: usize = 0; h < 32; h += 16) {
      const w = v128.load(p + h);
      const v = v128.load(p + velocity + h);
      v128.store(p + velocity + h, v128.add<T>(v128.mul<T>(A, v), v128.mul<T>(B, w)));
      v128.store(p + h, v128.add<T>(v128.mul<T>(C, v), v128.mul<T>(D, w)));
    }
  }
}

/** The step of W[j, k] for k in [k0, k1) of one neuron: single vectors, then scalars. */
function updateRowTail<T>(
  D: usize, m: i32, rowD: usize, rows: usize, W: usize, VW: usize, j: i32, rowW: usize,
  k0: i32, k1: i32, lrS: T, decayS: T, wdS: T, muS: T, l1: bool,
): void {
  const size = sizeof<T>();
  const step = 16 / <i32>sizeof<T>();
  const momentum = muS != 0;
  const lr = v128.splat<T>(lrS), decay = v128.splat<T>(decayS), wd = v128.splat<T>(wdS), mu = v128.splat<T>(muS);
  const w0 = W + <usize>j * rowW;
  const v0 = VW + <usize>j * rowW;
  const d0 = D + <usize>j * size;
  let k = k0;
  for (; k + step <= k1; k += step) {
    const o = <usize>k * size;
    let g = v128.splat<T>(0);
    for (let i = 0; i < m; i++) {
      const x = load<usize>(rows + (<usize>i << alignof<usize>())) + o;
      g = madd<T>(splatLoad<T>(d0 + <usize>i * rowD), v128.load(x), g);
    }
    stepVector<T>(w0 + o, v0 + o, g, lr, decay, wd, mu, momentum, l1);
  }
  for (; k < k1; k++) {
    const o = <usize>k * size;
    let g: T = 0;
    for (let i = 0; i < m; i++) {
      const x = load<usize>(rows + (<usize>i << alignof<usize>())) + o;
      g += load<T>(d0 + <usize>i * rowD) * load<T>(x);
    }
    stepScalar<T>(w0 + o, v0 + o, g, lrS, decayS, wdS, muS, momentum, l1);
  }
}

/** The step of biases b[j], j in [j0, j1): g = Σ_i D[i, j]; b ← b − lr·g (or with momentum). */
export function updateBiases<T>(
  D: usize, m: i32, ldd: i32, b: usize, Vb: usize, j0: i32, j1: i32, lr: T, mu: T,
): void {
  const size = sizeof<T>();
  for (let j = j0; j < j1; j++) {
    let g: T = 0;
    for (let i = 0; i < m; i++) g += load<T>(D + <usize>(i * ldd + j) * size);
    const p = b + <usize>j * size;
    if (mu != 0) {
      const v = mu * load<T>(Vb + <usize>j * size) - lr * g;
      store<T>(Vb + <usize>j * size, v);
      store<T>(p, load<T>(p) + v);
    } else {
      store<T>(p, load<T>(p) - lr * g);
    }
  }
}
