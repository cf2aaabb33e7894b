// Dense-layer kernels of the WebAssembly path, generic over the element type
// T (f32 -> f32x4 lanes, f64 -> f64x2 lanes). Every matrix is row-major in
// linear memory; a batch has one sample per row and W is nOut x nIn (row j =
// neuron j). Operands below a layer are reached through a table of row
// pointers, so the first layer reads the training set's rows in place.
//
// Ranges [j0, j1) and [k0, k1) select the neurons a thread owns. Vector loops
// start at the range's first index, and ranges start at multiples of 8, so a
// value is computed by the same instructions however the work is split: one
// thread and two threads give bit-identical results.

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}

/** a·b + c, fused where relaxed SIMD allows it. */
// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** Loads one T and repeats it in every lane. */
// @ts-ignore: decorator
@inline function splatLoad<T>(ptr: usize): v128 {
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

// @ts-ignore: decorator
@inline function sigmoid<T>(z: T): T {
  if (sizeof<T>() == 4) return <T>(<f32>1 / (<f32>1 + Mathf.exp(-(<f32>z))));
  return <T>(1 / (1 + Math.exp(-(<f64>z))));
}

/** Σ_k x[k]·w[k] over nIn values: vector lanes first, then the scalar tail. */
// @ts-ignore: decorator
@inline function dot<T>(x: usize, w: usize, nIn: i32): T {
  const step = lanes<T>();
  const bytes = step * sizeof<T>();
  let acc = v128.splat<T>(0);
  let k = 0;
  for (; k + step <= nIn; k += step) {
    acc = madd<T>(v128.load(x), v128.load(w), acc);
    x += bytes;
    w += bytes;
  }
  let s = hsum<T>(acc);
  for (; k < nIn; k++) {
    s += load<T>(x) * load<T>(w);
    x += sizeof<T>();
    w += sizeof<T>();
  }
  return s;
}

/** Stores z + b (or σ(z + b)) of one output. */
// @ts-ignore: decorator
@inline function finish<T>(out: usize, z: T, b: usize, act: i32): void {
  const v = z + load<T>(b);
  store<T>(out, act != 0 ? sigmoid<T>(v) : v);
}

/**
 * Forward pass of neurons [j0, j1): A[i, j] = σ(Σ_k X[i, k]·W[j, k] + b[j])
 * (act = 1) or the pre-activation (act = 0). Rows of W are ldw values apart,
 * rows of A lda apart (padded to whole cache lines, so threads owning
 * different columns do not write the same line). Blocks of 2 samples x 4
 * neurons keep 8 vector sums: 6 loads feed 8 multiply-adds.
 */
export function forward<T>(
  rows: usize, m: i32, nIn: i32, W: usize, ldw: i32, b: usize, nOut: i32, j0: i32, j1: i32, A: usize, lda: i32, act: i32,
): void {
  const size = sizeof<T>();
  const step = lanes<T>();
  const bytes: usize = <usize>step * size;
  const rowW = <usize>ldw * size;
  const kv = nIn - (nIn % step);
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const x0 = load<usize>(rows + (<usize>i << alignof<usize>()));
    const x1 = load<usize>(rows + (<usize>(i + 1) << alignof<usize>()));
    const a0 = A + <usize>(i * lda) * size;
    const a1 = a0 + <usize>lda * size;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const w0 = W + <usize>j * rowW;
      let s00 = v128.splat<T>(0), s01 = v128.splat<T>(0), s02 = v128.splat<T>(0), s03 = v128.splat<T>(0);
      let s10 = v128.splat<T>(0), s11 = v128.splat<T>(0), s12 = v128.splat<T>(0), s13 = v128.splat<T>(0);
      let off: usize = 0;
      const end = <usize>kv * size;
      for (; off < end; off += bytes) {
        const u = v128.load(x0 + off);
        const v = v128.load(x1 + off);
        const c0 = v128.load(w0 + off);
        const c1 = v128.load(w0 + rowW + off);
        const c2 = v128.load(w0 + 2 * rowW + off);
        const c3 = v128.load(w0 + 3 * rowW + off);
        s00 = madd<T>(u, c0, s00);
        s01 = madd<T>(u, c1, s01);
        s02 = madd<T>(u, c2, s02);
        s03 = madd<T>(u, c3, s03);
        s10 = madd<T>(v, c0, s10);
        s11 = madd<T>(v, c1, s11);
        s12 = madd<T>(v, c2, s12);
        s13 = madd<T>(v, c3, s13);
      }
      let t00 = hsum<T>(s00), t01 = hsum<T>(s01), t02 = hsum<T>(s02), t03 = hsum<T>(s03);
      let t10 = hsum<T>(s10), t11 = hsum<T>(s11), t12 = hsum<T>(s12), t13 = hsum<T>(s13);
      for (let k = kv; k < nIn; k++) {
        const o = <usize>k * size;
        const u = load<T>(x0 + o);
        const v = load<T>(x1 + o);
        const c0 = load<T>(w0 + o);
        const c1 = load<T>(w0 + rowW + o);
        const c2 = load<T>(w0 + 2 * rowW + o);
        const c3 = load<T>(w0 + 3 * rowW + o);
        t00 += u * c0; t01 += u * c1; t02 += u * c2; t03 += u * c3;
        t10 += v * c0; t11 += v * c1; t12 += v * c2; t13 += v * c3;
      }
      const bj = b + <usize>j * size;
      const o0 = a0 + <usize>j * size;
      const o1 = a1 + <usize>j * size;
      finish<T>(o0, t00, bj, act);
      finish<T>(o0 + size, t01, bj + size, act);
      finish<T>(o0 + 2 * size, t02, bj + 2 * size, act);
      finish<T>(o0 + 3 * size, t03, bj + 3 * size, act);
      finish<T>(o1, t10, bj, act);
      finish<T>(o1 + size, t11, bj + size, act);
      finish<T>(o1 + 2 * size, t12, bj + 2 * size, act);
      finish<T>(o1 + 3 * size, t13, bj + 3 * size, act);
    }
    if (j + 2 <= j1) {
      // Two neurons left: 4 vector sums, each in the same order as dot().
      const w0 = W + <usize>j * rowW;
      let s00 = v128.splat<T>(0), s01 = v128.splat<T>(0), s10 = v128.splat<T>(0), s11 = v128.splat<T>(0);
      const end = <usize>kv * size;
      for (let off: usize = 0; off < end; off += bytes) {
        const u = v128.load(x0 + off);
        const v = v128.load(x1 + off);
        const c0 = v128.load(w0 + off);
        const c1 = v128.load(w0 + rowW + off);
        s00 = madd<T>(u, c0, s00);
        s01 = madd<T>(u, c1, s01);
        s10 = madd<T>(v, c0, s10);
        s11 = madd<T>(v, c1, s11);
      }
      let t00 = hsum<T>(s00), t01 = hsum<T>(s01), t10 = hsum<T>(s10), t11 = hsum<T>(s11);
      for (let k = kv; k < nIn; k++) {
        const o = <usize>k * size;
        const u = load<T>(x0 + o);
        const v = load<T>(x1 + o);
        const c0 = load<T>(w0 + o);
        const c1 = load<T>(w0 + rowW + o);
        t00 += u * c0; t01 += u * c1;
        t10 += v * c0; t11 += v * c1;
      }
      const bj = b + <usize>j * size;
      const o0 = a0 + <usize>j * size;
      const o1 = a1 + <usize>j * size;
      finish<T>(o0, t00, bj, act);
      finish<T>(o0 + size, t01, bj + size, act);
      finish<T>(o1, t10, bj, act);
      finish<T>(o1 + size, t11, bj + size, act);
      j += 2;
    }
    for (; j < j1; j++) {
      const w0 = W + <usize>j * rowW;
      const bj = b + <usize>j * size;
      finish<T>(a0 + <usize>j * size, dot<T>(x0, w0, nIn), bj, act);
      finish<T>(a1 + <usize>j * size, dot<T>(x1, w0, nIn), bj, act);
    }
  }
  for (; i < m; i++) {
    const x0 = load<usize>(rows + (<usize>i << alignof<usize>()));
    const a0 = A + <usize>(i * lda) * size;
    for (let j = j0; j < j1; j++) {
      finish<T>(a0 + <usize>j * size, dot<T>(x0, W + <usize>j * rowW, nIn), b + <usize>j * size, act);
    }
  }
}

/**
 * Output error δ^L of columns [j0, j1) (BP1): (a − y)·a(1 − a) for the
 * quadratic cost, a − y otherwise. Targets are reached through row pointers.
 */
export function outputDelta<T>(
  A: usize, targetRows: usize, D: usize, m: i32, lda: i32, j0: i32, j1: i32, quadratic: i32,
): void {
  const size = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const y = load<usize>(targetRows + (<usize>i << alignof<usize>()));
    const row = <usize>(i * lda) * size;
    for (let j = j0; j < j1; j++) {
      const o = <usize>j * size;
      const a = load<T>(A + row + o);
      const diff = a - load<T>(y + o);
      store<T>(D + row + o, quadratic != 0 ? diff * a * (<T>1 - a) : diff);
    }
  }
}

/** Row-wise softmax of Z (m x n, rows lda apart) in place, then δ = a − y (log-likelihood). */
export function softmaxDelta<T>(Z: usize, targetRows: usize, D: usize, m: i32, n: i32, lda: i32): void {
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
    const y = load<usize>(targetRows + (<usize>i << alignof<usize>()));
    const d = D + <usize>(i * lda) * size;
    for (let j = 0; j < n; j++) {
      const o = <usize>j * size;
      const a = load<T>(r + o) * inv;
      store<T>(r + o, a);
      store<T>(d + o, a - load<T>(y + o));
    }
  }
}
