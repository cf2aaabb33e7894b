import {
  assertFiniteNumber,
  assertMatrix,
  assertNoOverlap,
  assertOptionalBoolean,
  assertOutShape,
  shapeOf,
} from './errors.js';
import { fourRows, fourRowsPacked, type Operands, oneRow, twoRows } from './gemm-kernels.js';
import { dtypeOf, type Matrix, zeros } from './matrix.js';

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
 * With at least PACK_MIN_ROWS rows, the panel is first copied into a contiguous
 * float64 scratch array (packPanel), which the m / 4 groups of rows then stream
 * through; with fewer rows the copy would cost more than it saves. The last
 * m mod 4 rows use 2 x 4 and 1 x 4 tiles. The kernels are in gemm-kernels.ts.
 */
const KB = 256;
const NB = 64;
const PACK_MIN_ROWS = 16;
const EMPTY = new Float64Array(0);

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

  const packed = m >= PACK_MIN_ROWS;
  // op(A)[i, p] = A[i·sAi + p·sAp] and op(B)[p, j] = B[p·sBp + j·sBj].
  const g = operands;
  g.A = a.data;
  g.B = b.data;
  g.C = C;
  g.n = n;
  g.sAi = transA ? 1 : k;
  g.sAp = transA ? m : 1;
  g.sBp = transB ? 1 : n;
  g.sBj = transB ? k : 1;
  g.alpha = alpha;
  g.P = packed ? scratchPanel(Math.min(KB, k) * Math.min(NB, n)) : EMPTY;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(j0 + NB, n);
    for (let p0 = 0; p0 < k; p0 += KB) {
      const len = Math.min(KB, k - p0);
      let i = 0;
      if (packed) {
        packPanel(g, p0, len, j0, j1);
        for (; i + 4 <= m; i += 4) fourRowsPacked(g, i, p0, len, j0, j1);
      } else {
        for (; i + 4 <= m; i += 4) fourRows(g, i, p0, len, j0, j1);
      }
      if (i + 2 <= m) {
        twoRows(g, i, p0, len, j0, j1);
        i += 2;
      }
      if (i < m) oneRow(g, i, p0, len, j0, j1);
    }
  }
  // Let go of the caller's arrays.
  g.A = EMPTY;
  g.B = EMPTY;
  g.C = EMPTY;
  return out;
}

/**
 * The operands of the call in progress. One record, filled by each call, so that
 * gemm allocates nothing (JavaScript runs one gemm at a time in a given realm).
 */
const operands: Operands = {
  A: EMPTY,
  B: EMPTY,
  C: EMPTY,
  n: 0,
  sAi: 0,
  sAp: 0,
  sBp: 0,
  sBj: 0,
  alpha: 1,
  P: EMPTY,
};

let scratch = new Float64Array(0);

/** A scratch array of at least `size` values, allocated on first need and reused by later calls. */
function scratchPanel(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}

/**
 * Copies the full groups of 4 columns of op(B)[p0..p0+len-1, j0..j1-1] into
 * g.P as [group][p][4] (group t starts at 4t·len), so that {@link fourRowsPacked}
 * reads one contiguous float64 stream whatever the transpose flag, the dtype or
 * the row length of B. (At n = 512 a row of B is 4 KiB, and rows that far apart
 * compete for one L1 cache set: read in place, every step of p would miss L1.)
 */
function packPanel(g: Operands, p0: number, len: number, j0: number, j1: number): void {
  const { B, P, sBp, sBj } = g;
  let d = 0;
  for (let j = j0; j + 4 <= j1; j += 4) {
    const b0 = p0 * sBp + j * sBj;
    const b1 = b0 + sBj;
    const b2 = b1 + sBj;
    const b3 = b2 + sBj;
    let q = 0;
    for (let p = 0; p < len; p++) {
      P[d] = B[b0 + q] as number;
      P[d + 1] = B[b1 + q] as number;
      P[d + 2] = B[b2 + q] as number;
      P[d + 3] = B[b3 + q] as number;
      d += 4;
      q += sBp;
    }
  }
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
