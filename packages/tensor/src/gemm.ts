import { assertFiniteNumber, assertOutShape, shapeOf } from './errors.js';
import { dtypeOf, type FloatArray, type Matrix, zeros } from './matrix.js';

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Use Aᵀ in place of A (without building a transposed copy). Default false. */
  transA?: boolean;
  /** Use Bᵀ in place of B (without building a transposed copy). Default false. */
  transB?: boolean;
  /** Multiplies the product. Default 1. */
  alpha?: number;
  /** Multiplies what `out` held before. Default 0 (out's old contents are ignored, even NaN). */
  beta?: number;
  /** Where the result goes; must not share storage with A or B. Allocated when omitted. */
  out?: Matrix;
}

// Block sizes: a KB x NB panel of B (128 x 256 float64 = 256 KiB) stays in L2
// while the 4 rows of C it updates stay in L1.
const KB = 128;
const NB = 256;

/**
 * General matrix multiply: out = alpha · op(A) · op(B) + beta · out, where
 * op(X) is X or Xᵀ as the flags say. Cache-blocked and register-blocked; no
 * transposed copy is built except for the rare case where both flags are set.
 *
 * @param a - A, m x k (or k x m with `transA`)
 * @param b - B, k x n (or n x k with `transB`)
 * @param options - transpose flags, alpha, beta and `out` (m x n)
 * @returns out
 */
export function gemm(a: Matrix, b: Matrix, options: GemmOptions = {}): Matrix {
  const transA = options.transA === true;
  const transB = options.transB === true;
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0;
  assertFiniteNumber('alpha', alpha);
  assertFiniteNumber('beta', beta);
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb) {
    const opA = transA ? `Aᵀ (A is ${shapeOf(a)})` : `A ${shapeOf(a)}`;
    const opB = transB ? `Bᵀ (B is ${shapeOf(b)})` : `B ${shapeOf(b)}`;
    throw new RangeError(`gemm: inner dimensions differ, ${opA} has ${k} columns but ${opB} has ${kb} rows`);
  }
  const out = options.out ?? zeros(m, n, { dtype: dtypeOf(a) });
  assertOutShape('gemm', out, m, n);
  if (out.data.buffer === a.data.buffer || out.data.buffer === b.data.buffer) {
    if (overlaps(out.data, a.data) || overlaps(out.data, b.data)) {
      throw new RangeError('gemm: out must not share storage with a or b');
    }
  }
  const c = out.data;
  if (beta === 0) c.fill(0);
  else if (beta !== 1) for (let i = 0; i < c.length; i++) c[i] = beta * (c[i] as number);
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return out;

  if (!transB) {
    // op(A)[i, p] = A[i * sAi + p * sAp]
    const sAi = transA ? 1 : k;
    const sAp = transA ? m : 1;
    axpyKernel(a.data, sAi, sAp, b.data, c, m, n, k, alpha);
  } else if (!transA) {
    dotKernel(a.data, b.data, c, m, n, k, alpha);
  } else {
    // Aᵀ·Bᵀ: both operands strided in p; transposing A once keeps the inner loop contiguous.
    const at = zeros(m, k, { dtype: dtypeOf(a) }).data;
    const x = a.data;
    for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) at[i * k + p] = x[p * m + i] as number;
    dotKernel(at, b.data, c, m, n, k, alpha);
  }
  return out;
}

/** out = A · B (a shorthand for {@link gemm} without flags). */
export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return out === undefined ? gemm(a, b) : gemm(a, b, { out });
}

function overlaps(x: FloatArray, y: FloatArray): boolean {
  if (x.buffer !== y.buffer) return false;
  const x0 = x.byteOffset;
  const x1 = x0 + x.byteLength;
  const y0 = y.byteOffset;
  const y1 = y0 + y.byteLength;
  return x0 < y1 && y0 < x1;
}

/**
 * C[i, :] += alpha · op(A)[i, p] · B[p, :] for B stored k x n row-major.
 * Four rows of C and two values of p per pass of the inner loop.
 */
function axpyKernel(
  A: FloatArray,
  sAi: number,
  sAp: number,
  B: FloatArray,
  C: FloatArray,
  m: number,
  n: number,
  k: number,
  alpha: number,
): void {
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = j0 + NB < n ? j0 + NB : n;
    for (let p0 = 0; p0 < k; p0 += KB) {
      const p1 = p0 + KB < k ? p0 + KB : k;
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = i * n;
        const c1 = c0 + n;
        const c2 = c1 + n;
        const c3 = c2 + n;
        const ai0 = i * sAi;
        const ai1 = ai0 + sAi;
        const ai2 = ai1 + sAi;
        const ai3 = ai2 + sAi;
        let p = p0;
        for (; p + 2 <= p1; p += 2) {
          const q = p * sAp;
          const r = q + sAp;
          const a00 = alpha * (A[ai0 + q] as number);
          const a01 = alpha * (A[ai0 + r] as number);
          const a10 = alpha * (A[ai1 + q] as number);
          const a11 = alpha * (A[ai1 + r] as number);
          const a20 = alpha * (A[ai2 + q] as number);
          const a21 = alpha * (A[ai2 + r] as number);
          const a30 = alpha * (A[ai3 + q] as number);
          const a31 = alpha * (A[ai3 + r] as number);
          const b0 = p * n;
          const b1 = b0 + n;
          for (let j = j0; j < j1; j++) {
            const u = B[b0 + j] as number;
            const v = B[b1 + j] as number;
            C[c0 + j] = (C[c0 + j] as number) + a00 * u + a01 * v;
            C[c1 + j] = (C[c1 + j] as number) + a10 * u + a11 * v;
            C[c2 + j] = (C[c2 + j] as number) + a20 * u + a21 * v;
            C[c3 + j] = (C[c3 + j] as number) + a30 * u + a31 * v;
          }
        }
        for (; p < p1; p++) {
          const q = p * sAp;
          const a0 = alpha * (A[ai0 + q] as number);
          const a1 = alpha * (A[ai1 + q] as number);
          const a2 = alpha * (A[ai2 + q] as number);
          const a3 = alpha * (A[ai3 + q] as number);
          const b0 = p * n;
          for (let j = j0; j < j1; j++) {
            const u = B[b0 + j] as number;
            C[c0 + j] = (C[c0 + j] as number) + a0 * u;
            C[c1 + j] = (C[c1 + j] as number) + a1 * u;
            C[c2 + j] = (C[c2 + j] as number) + a2 * u;
            C[c3 + j] = (C[c3 + j] as number) + a3 * u;
          }
        }
      }
      for (; i < m; i++) {
        const c0 = i * n;
        const ai0 = i * sAi;
        for (let p = p0; p < p1; p++) {
          const a0 = alpha * (A[ai0 + p * sAp] as number);
          const b0 = p * n;
          for (let j = j0; j < j1; j++) C[c0 + j] = (C[c0 + j] as number) + a0 * (B[b0 + j] as number);
        }
      }
    }
  }
}

/**
 * C[i, j] += alpha · Σ_p A[i, p] · B[j, p] for A m x k and B n x k, both
 * row-major: dot products of contiguous rows, two rows of each at a time.
 */
function dotKernel(
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  m: number,
  n: number,
  k: number,
  alpha: number,
): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    const c0 = i * n;
    const c1 = c0 + n;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p] as number;
        const x1 = A[a1 + p] as number;
        const y0 = B[b0 + p] as number;
        const y1 = B[b1 + p] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      C[c0 + j] = (C[c0 + j] as number) + alpha * s00;
      C[c0 + j + 1] = (C[c0 + j + 1] as number) + alpha * s01;
      C[c1 + j] = (C[c1 + j] as number) + alpha * s10;
      C[c1 + j + 1] = (C[c1 + j + 1] as number) + alpha * s11;
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        const y = B[b0 + p] as number;
        s0 += (A[a0 + p] as number) * y;
        s1 += (A[a1 + p] as number) * y;
      }
      C[c0 + j] = (C[c0 + j] as number) + alpha * s0;
      C[c1 + j] = (C[c1 + j] as number) + alpha * s1;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    const c0 = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += (A[a0 + p] as number) * (B[b0 + p] as number);
      C[c0 + j] = (C[c0 + j] as number) + alpha * s;
    }
  }
}
