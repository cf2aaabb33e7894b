import type { FloatArray } from '@mlisp/tensor';

// Dense-layer kernels of the pure TypeScript path. Every matrix is a flat
// row-major typed array: a batch has one sample per row, W is n_out x n_in
// (row j = neuron j). Each kernel works on its operands as stored (no
// transposed copies), keeps a small block of results in registers and writes
// each output once.

/**
 * Copies the batch's rows order[start..start+m) of `data` (rows of n values)
 * into `out` (m x n), converting to out's element type.
 */
export function gatherRows(
  data: FloatArray,
  n: number,
  order: ArrayLike<number>,
  start: number,
  m: number,
  out: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const src = (order[start + i] as number) * n;
    const dst = i * n;
    for (let k = 0; k < n; k++) out[dst + k] = data[src + k] as number;
  }
}

/**
 * Forward pass of a dense layer: A[i, j] = σ(Σ_k X[i, k]·W[j, k] + b[j]) for a
 * sigmoid layer, or the plain pre-activation z when `sigmoid` is false (the
 * softmax output, finished by {@link softmaxRows}). Blocks of 2 samples x 4
 * neurons: 6 loads feed 8 multiply-adds.
 */
export function forwardLayer(
  X: FloatArray,
  m: number,
  nIn: number,
  W: FloatArray,
  b: FloatArray,
  nOut: number,
  A: FloatArray,
  sigmoid: boolean,
): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const x0 = i * nIn;
    const x1 = x0 + nIn;
    const a0 = i * nOut;
    const a1 = a0 + nOut;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const w0 = j * nIn;
      const w1 = w0 + nIn;
      const w2 = w1 + nIn;
      const w3 = w2 + nIn;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = 0; k < nIn; k++) {
        const u = X[x0 + k] as number;
        const v = X[x1 + k] as number;
        const c0 = W[w0 + k] as number;
        const c1 = W[w1 + k] as number;
        const c2 = W[w2 + k] as number;
        const c3 = W[w3 + k] as number;
        s00 += u * c0;
        s01 += u * c1;
        s02 += u * c2;
        s03 += u * c3;
        s10 += v * c0;
        s11 += v * c1;
        s12 += v * c2;
        s13 += v * c3;
      }
      s00 += b[j] as number;
      s01 += b[j + 1] as number;
      s02 += b[j + 2] as number;
      s03 += b[j + 3] as number;
      s10 += b[j] as number;
      s11 += b[j + 1] as number;
      s12 += b[j + 2] as number;
      s13 += b[j + 3] as number;
      if (sigmoid) {
        A[a0 + j] = 1 / (1 + Math.exp(-s00));
        A[a0 + j + 1] = 1 / (1 + Math.exp(-s01));
        A[a0 + j + 2] = 1 / (1 + Math.exp(-s02));
        A[a0 + j + 3] = 1 / (1 + Math.exp(-s03));
        A[a1 + j] = 1 / (1 + Math.exp(-s10));
        A[a1 + j + 1] = 1 / (1 + Math.exp(-s11));
        A[a1 + j + 2] = 1 / (1 + Math.exp(-s12));
        A[a1 + j + 3] = 1 / (1 + Math.exp(-s13));
      } else {
        A[a0 + j] = s00;
        A[a0 + j + 1] = s01;
        A[a0 + j + 2] = s02;
        A[a0 + j + 3] = s03;
        A[a1 + j] = s10;
        A[a1 + j + 1] = s11;
        A[a1 + j + 2] = s12;
        A[a1 + j + 3] = s13;
      }
    }
    if (j + 2 <= nOut) {
      // Two neurons left: 2 x 2 sums.
      const w0 = j * nIn;
      const w1 = w0 + nIn;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < nIn; k++) {
        const u = X[x0 + k] as number;
        const v = X[x1 + k] as number;
        const c0 = W[w0 + k] as number;
        const c1 = W[w1 + k] as number;
        s00 += u * c0;
        s01 += u * c1;
        s10 += v * c0;
        s11 += v * c1;
      }
      s00 += b[j] as number;
      s01 += b[j + 1] as number;
      s10 += b[j] as number;
      s11 += b[j + 1] as number;
      A[a0 + j] = sigmoid ? 1 / (1 + Math.exp(-s00)) : s00;
      A[a0 + j + 1] = sigmoid ? 1 / (1 + Math.exp(-s01)) : s01;
      A[a1 + j] = sigmoid ? 1 / (1 + Math.exp(-s10)) : s10;
      A[a1 + j + 1] = sigmoid ? 1 / (1 + Math.exp(-s11)) : s11;
      j += 2;
    }
    for (; j < nOut; j++) {
      const w0 = j * nIn;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < nIn; k++) {
        const c = W[w0 + k] as number;
        s0 += (X[x0 + k] as number) * c;
        s1 += (X[x1 + k] as number) * c;
      }
      s0 += b[j] as number;
      s1 += b[j] as number;
      A[a0 + j] = sigmoid ? 1 / (1 + Math.exp(-s0)) : s0;
      A[a1 + j] = sigmoid ? 1 / (1 + Math.exp(-s1)) : s1;
    }
  }
  for (; i < m; i++) {
    const x0 = i * nIn;
    const a0 = i * nOut;
    for (let j = 0; j < nOut; j++) {
      const w0 = j * nIn;
      let s = 0;
      for (let k = 0; k < nIn; k++) s += (X[x0 + k] as number) * (W[w0 + k] as number);
      s += b[j] as number;
      A[a0 + j] = sigmoid ? 1 / (1 + Math.exp(-s)) : s;
    }
  }
}

/** Row-wise softmax in place: each row of Z (m x n) becomes exp(z − max) / Σ exp(z − max). */
export function softmaxRows(Z: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const r = i * n;
    let max = Z[r] as number;
    for (let j = 1; j < n; j++) if ((Z[r + j] as number) > max) max = Z[r + j] as number;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp((Z[r + j] as number) - max);
      Z[r + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) Z[r + j] = (Z[r + j] as number) * inv;
  }
}

/**
 * Output error δ^L (BP1) of `count` values: (a − y)·a(1 − a) for the quadratic
 * cost, a − y for cross-entropy (sigmoid) and log-likelihood (softmax).
 */
export function outputDelta(
  A: FloatArray,
  Y: FloatArray,
  D: FloatArray,
  count: number,
  quadratic: boolean,
): void {
  if (quadratic) {
    for (let p = 0; p < count; p++) {
      const a = A[p] as number;
      D[p] = (a - (Y[p] as number)) * a * (1 - a);
    }
  } else {
    for (let p = 0; p < count; p++) D[p] = (A[p] as number) - (Y[p] as number);
  }
}

/**
 * δ of the layer below (BP2): Dprev[i, k] = (Σ_j D[i, j]·W[j, k]) · a(1 − a)
 * with a = Aprev[i, k]. Runs along rows of W (contiguous in k), 4 neurons of
 * D at a time, for 2 samples (then the odd one).
 */
export function backwardDelta(
  D: FloatArray,
  m: number,
  nOut: number,
  W: FloatArray,
  nIn: number,
  Aprev: FloatArray,
  Dprev: FloatArray,
): void {
  Dprev.fill(0, 0, m * nIn);
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const p0 = i * nIn;
    const p1 = p0 + nIn;
    const d0 = i * nOut;
    const d1 = d0 + nOut;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const w0 = j * nIn;
      const w1 = w0 + nIn;
      const w2 = w1 + nIn;
      const w3 = w2 + nIn;
      const e00 = D[d0 + j] as number;
      const e01 = D[d0 + j + 1] as number;
      const e02 = D[d0 + j + 2] as number;
      const e03 = D[d0 + j + 3] as number;
      const e10 = D[d1 + j] as number;
      const e11 = D[d1 + j + 1] as number;
      const e12 = D[d1 + j + 2] as number;
      const e13 = D[d1 + j + 3] as number;
      for (let k = 0; k < nIn; k++) {
        const c0 = W[w0 + k] as number;
        const c1 = W[w1 + k] as number;
        const c2 = W[w2 + k] as number;
        const c3 = W[w3 + k] as number;
        Dprev[p0 + k] = (Dprev[p0 + k] as number) + e00 * c0 + e01 * c1 + e02 * c2 + e03 * c3;
        Dprev[p1 + k] = (Dprev[p1 + k] as number) + e10 * c0 + e11 * c1 + e12 * c2 + e13 * c3;
      }
    }
    for (; j < nOut; j++) {
      const w0 = j * nIn;
      const e0 = D[d0 + j] as number;
      const e1 = D[d1 + j] as number;
      for (let k = 0; k < nIn; k++) {
        const c = W[w0 + k] as number;
        Dprev[p0 + k] = (Dprev[p0 + k] as number) + e0 * c;
        Dprev[p1 + k] = (Dprev[p1 + k] as number) + e1 * c;
      }
    }
  }
  for (; i < m; i++) {
    const p0 = i * nIn;
    const d0 = i * nOut;
    for (let j = 0; j < nOut; j++) {
      const w0 = j * nIn;
      const e0 = D[d0 + j] as number;
      for (let k = 0; k < nIn; k++)
        Dprev[p0 + k] = (Dprev[p0 + k] as number) + e0 * (W[w0 + k] as number);
    }
  }
  const count = m * nIn;
  for (let p = 0; p < count; p++) {
    const a = Aprev[p] as number;
    Dprev[p] = (Dprev[p] as number) * a * (1 - a);
  }
}
