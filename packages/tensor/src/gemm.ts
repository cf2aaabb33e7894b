import {
  assertFiniteNumber,
  assertMatrix,
  assertNoOverlap,
  assertOptionalBoolean,
  assertOutShape,
  shapeOf,
} from './errors.js';
import { dtypeOf, type FloatArray, type Matrix, zeros } from './matrix.js';

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Use Aᵀ in place of A (without building a transposed copy). Default false. */
  transA?: boolean;
  /** Use Bᵀ in place of B (without building a transposed copy). Default false. */
  transB?: boolean;
  /** Multiplies the product, a finite number. Default 1. */
  alpha?: number;
  /** Multiplies what `out` held before, a finite number. Default 0 (out's old contents are ignored, even NaN). */
  beta?: number;
  /** Where the result goes; must not share storage with A or B. Allocated when omitted. */
  out?: Matrix;
}

/*
 * How it is fast. Every transpose case reads op(A) and op(B) through strides,
 * op(A)[i, p] = A[i·sAi + p·sAp] and op(B)[p, j] = B[p·sBp + j·sBj], so no
 * transposed copy is ever built. The work is cut into 4 x 4 tiles of C whose 16
 * sums live in local variables (registers) while p runs: each step loads 4
 * values of op(A) and 4 of op(B) and does 16 multiply-adds, and C itself is
 * touched once per tile. Around that, p is cut into blocks of KB and j into
 * blocks of NB so that the KB x NB panel of op(B) (256 x 64 float64 = 128 KiB)
 * stays in L2 while it is reused by every group of 4 rows, and the 4 x KB strip
 * of op(A) (8 KiB) stays in L1 while it is reused by every tile of the panel.
 * The last m mod 4 rows use 2 x 4 and 1 x 4 tiles.
 */
const KB = 256;
const NB = 64;

/**
 * General matrix multiply: out = alpha · op(A) · op(B) + beta · out, where
 * op(X) is X or Xᵀ as the flags say. Float64 and float32 matrices (even mixed)
 * are welcome; sums are accumulated in float64 either way.
 *
 * @param a - A, m x k (or k x m with `transA`)
 * @param b - B, k x n (or n x k with `transB`)
 * @param options - transpose flags, alpha, beta and `out` (m x n)
 * @returns out (a new m x n matrix with A's dtype when `out` is omitted)
 */
export function gemm(a: Matrix, b: Matrix, options: GemmOptions = {}): Matrix {
  assertMatrix('a', a);
  assertMatrix('b', b);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  assertOptionalBoolean('transA', options.transA);
  assertOptionalBoolean('transB', options.transB);
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
    throw new RangeError(
      `gemm: inner dimensions differ, ${opA} has ${k} columns but ${opB} has ${kb} rows`,
    );
  }
  if (options.out !== undefined) assertMatrix('out', options.out);
  const out = options.out ?? zeros(m, n, { dtype: dtypeOf(a) });
  assertOutShape('gemm', out, m, n);
  assertNoOverlap('gemm', out, a, 'a');
  assertNoOverlap('gemm', out, b, 'b');

  const C = out.data;
  if (beta === 0) C.fill(0);
  else if (beta !== 1) for (let i = 0; i < C.length; i++) C[i] = beta * (C[i] as number);
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return out;

  // op(A)[i, p] = A[i·sAi + p·sAp] and op(B)[p, j] = B[p·sBp + j·sBj].
  const g: Operands = {
    A: a.data,
    B: b.data,
    C,
    n,
    sAi: transA ? 1 : k,
    sAp: transA ? m : 1,
    sBp: transB ? 1 : n,
    sBj: transB ? k : 1,
    alpha,
  };
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(j0 + NB, n);
    for (let p0 = 0; p0 < k; p0 += KB) {
      const len = Math.min(KB, k - p0);
      let i = 0;
      for (; i + 4 <= m; i += 4) fourRows(g, i, p0, len, j0, j1);
      if (i + 2 <= m) {
        twoRows(g, i, p0, len, j0, j1);
        i += 2;
      }
      if (i < m) oneRow(g, i, p0, len, j0, j1);
    }
  }
  return out;
}

/**
 * out = A · B (a shorthand for {@link gemm} without flags).
 *
 * @param a - A, m x k
 * @param b - B, k x n
 * @param out - where the result goes, m x n; allocated when omitted
 * @returns out
 */
export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return out === undefined ? gemm(a, b) : gemm(a, b, { out });
}

/** The operands of one gemm call and how to index them. */
interface Operands {
  readonly A: FloatArray;
  readonly B: FloatArray;
  readonly C: FloatArray;
  /** Columns of C. */
  readonly n: number;
  /** op(A)[i, p] = A[i·sAi + p·sAp] */
  readonly sAi: number;
  readonly sAp: number;
  /** op(B)[p, j] = B[p·sBp + j·sBj] */
  readonly sBp: number;
  readonly sBj: number;
  readonly alpha: number;
}

/**
 * Rows i..i+3, columns j0..j1-1 of C += alpha · Σ op(A)[row, p] · op(B)[p, col]
 * over p = p0..p0+len-1: 4 x 4 tiles, then one column at a time for the rest.
 * `a0` is where op(A)[i, p0] lives, `bp` where op(B)[p0, 0] lives, `c0` where C[i, 0] lives.
 */
function fourRows(g: Operands, i: number, p0: number, len: number, j0: number, j1: number): void {
  const { A, B, C, n, sAi, sAp, sBp, sBj, alpha } = g;
  const a0 = i * sAi + p0 * sAp;
  const bp = p0 * sBp;
  const c0 = i * n;
  const a1 = a0 + sAi;
  const a2 = a1 + sAi;
  const a3 = a2 + sAi;
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const b0 = bp + j * sBj;
    const b1 = b0 + sBj;
    const b2 = b1 + sBj;
    const b3 = b2 + sBj;
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s03 = 0;
    let s10 = 0;
    let s11 = 0;
    let s12 = 0;
    let s13 = 0;
    let s20 = 0;
    let s21 = 0;
    let s22 = 0;
    let s23 = 0;
    let s30 = 0;
    let s31 = 0;
    let s32 = 0;
    let s33 = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      const x0 = A[a0 + qa] as number;
      const x1 = A[a1 + qa] as number;
      const x2 = A[a2 + qa] as number;
      const x3 = A[a3 + qa] as number;
      const y0 = B[b0 + qb] as number;
      const y1 = B[b1 + qb] as number;
      const y2 = B[b2 + qb] as number;
      const y3 = B[b3 + qb] as number;
      qa += sAp;
      qb += sBp;
      s00 += x0 * y0;
      s01 += x0 * y1;
      s02 += x0 * y2;
      s03 += x0 * y3;
      s10 += x1 * y0;
      s11 += x1 * y1;
      s12 += x1 * y2;
      s13 += x1 * y3;
      s20 += x2 * y0;
      s21 += x2 * y1;
      s22 += x2 * y2;
      s23 += x2 * y3;
      s30 += x3 * y0;
      s31 += x3 * y1;
      s32 += x3 * y2;
      s33 += x3 * y3;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s00;
    C[c0 + j + 1] = (C[c0 + j + 1] as number) + alpha * s01;
    C[c0 + j + 2] = (C[c0 + j + 2] as number) + alpha * s02;
    C[c0 + j + 3] = (C[c0 + j + 3] as number) + alpha * s03;
    C[c1 + j] = (C[c1 + j] as number) + alpha * s10;
    C[c1 + j + 1] = (C[c1 + j + 1] as number) + alpha * s11;
    C[c1 + j + 2] = (C[c1 + j + 2] as number) + alpha * s12;
    C[c1 + j + 3] = (C[c1 + j + 3] as number) + alpha * s13;
    C[c2 + j] = (C[c2 + j] as number) + alpha * s20;
    C[c2 + j + 1] = (C[c2 + j + 1] as number) + alpha * s21;
    C[c2 + j + 2] = (C[c2 + j + 2] as number) + alpha * s22;
    C[c2 + j + 3] = (C[c2 + j + 3] as number) + alpha * s23;
    C[c3 + j] = (C[c3 + j] as number) + alpha * s30;
    C[c3 + j + 1] = (C[c3 + j + 1] as number) + alpha * s31;
    C[c3 + j + 2] = (C[c3 + j + 2] as number) + alpha * s32;
    C[c3 + j + 3] = (C[c3 + j + 3] as number) + alpha * s33;
  }
  for (; j < j1; j++) {
    const b0 = bp + j * sBj;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      const y = B[b0 + qb] as number;
      s0 += (A[a0 + qa] as number) * y;
      s1 += (A[a1 + qa] as number) * y;
      s2 += (A[a2 + qa] as number) * y;
      s3 += (A[a3 + qa] as number) * y;
      qa += sAp;
      qb += sBp;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s0;
    C[c1 + j] = (C[c1 + j] as number) + alpha * s1;
    C[c2 + j] = (C[c2 + j] as number) + alpha * s2;
    C[c3 + j] = (C[c3 + j] as number) + alpha * s3;
  }
}

/**
 * {@link fourRows} for two rows of C, the last ones when m mod 4 >= 2 (a batch of
 * 10 has two): 2 x 4 tiles, then one column at a time.
 */
function twoRows(g: Operands, i: number, p0: number, len: number, j0: number, j1: number): void {
  const { A, B, C, n, sAi, sAp, sBp, sBj, alpha } = g;
  const a0 = i * sAi + p0 * sAp;
  const bp = p0 * sBp;
  const c0 = i * n;
  const a1 = a0 + sAi;
  const c1 = c0 + n;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const b0 = bp + j * sBj;
    const b1 = b0 + sBj;
    const b2 = b1 + sBj;
    const b3 = b2 + sBj;
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s03 = 0;
    let s10 = 0;
    let s11 = 0;
    let s12 = 0;
    let s13 = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      const x0 = A[a0 + qa] as number;
      const x1 = A[a1 + qa] as number;
      const y0 = B[b0 + qb] as number;
      const y1 = B[b1 + qb] as number;
      const y2 = B[b2 + qb] as number;
      const y3 = B[b3 + qb] as number;
      qa += sAp;
      qb += sBp;
      s00 += x0 * y0;
      s01 += x0 * y1;
      s02 += x0 * y2;
      s03 += x0 * y3;
      s10 += x1 * y0;
      s11 += x1 * y1;
      s12 += x1 * y2;
      s13 += x1 * y3;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s00;
    C[c0 + j + 1] = (C[c0 + j + 1] as number) + alpha * s01;
    C[c0 + j + 2] = (C[c0 + j + 2] as number) + alpha * s02;
    C[c0 + j + 3] = (C[c0 + j + 3] as number) + alpha * s03;
    C[c1 + j] = (C[c1 + j] as number) + alpha * s10;
    C[c1 + j + 1] = (C[c1 + j + 1] as number) + alpha * s11;
    C[c1 + j + 2] = (C[c1 + j + 2] as number) + alpha * s12;
    C[c1 + j + 3] = (C[c1 + j + 3] as number) + alpha * s13;
  }
  for (; j < j1; j++) {
    const b0 = bp + j * sBj;
    let s0 = 0;
    let s1 = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      const y = B[b0 + qb] as number;
      s0 += (A[a0 + qa] as number) * y;
      s1 += (A[a1 + qa] as number) * y;
      qa += sAp;
      qb += sBp;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s0;
    C[c1 + j] = (C[c1 + j] as number) + alpha * s1;
  }
}

/** {@link fourRows} for a single row of C: 1 x 4 tiles, then single elements. */
function oneRow(g: Operands, i: number, p0: number, len: number, j0: number, j1: number): void {
  const { A, B, C, n, sAi, sAp, sBp, sBj, alpha } = g;
  const a0 = i * sAi + p0 * sAp;
  const bp = p0 * sBp;
  const c0 = i * n;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const b0 = bp + j * sBj;
    const b1 = b0 + sBj;
    const b2 = b1 + sBj;
    const b3 = b2 + sBj;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      const x = A[a0 + qa] as number;
      s0 += x * (B[b0 + qb] as number);
      s1 += x * (B[b1 + qb] as number);
      s2 += x * (B[b2 + qb] as number);
      s3 += x * (B[b3 + qb] as number);
      qa += sAp;
      qb += sBp;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s0;
    C[c0 + j + 1] = (C[c0 + j + 1] as number) + alpha * s1;
    C[c0 + j + 2] = (C[c0 + j + 2] as number) + alpha * s2;
    C[c0 + j + 3] = (C[c0 + j + 3] as number) + alpha * s3;
  }
  for (; j < j1; j++) {
    const b0 = bp + j * sBj;
    let s = 0;
    let qa = 0;
    let qb = 0;
    for (let p = 0; p < len; p++) {
      s += (A[a0 + qa] as number) * (B[b0 + qb] as number);
      qa += sAp;
      qb += sBp;
    }
    C[c0 + j] = (C[c0 + j] as number) + alpha * s;
  }
}
