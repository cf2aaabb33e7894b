import type { FloatArray } from './matrix.js';

/*
 * The kernels of gemm (gemm.ts explains how the work is cut up). Each one adds
 * alpha · Σ op(A)[row, p] · op(B)[p, col] over p = p0..p0+len-1 into a band of
 * rows i.. of C, for columns j0..j1-1. Flat typed arrays, index arithmetic
 * inline, no allocation and no closures.
 */

/** The operands of a gemm call and how to index them (one reused record: see gemm.ts). */
export interface Operands {
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  /** Columns of C. */
  n: number;
  /** op(A)[i, p] = A[i·sAi + p·sAp] */
  sAi: number;
  sAp: number;
  /** op(B)[p, j] = B[p·sBp + j·sBj] */
  sBp: number;
  sBj: number;
  alpha: number;
  /** The packed panel of op(B) that {@link fourRowsPacked} reads (filled by packPanel in gemm.ts). */
  P: Float64Array;
}

/**
 * Rows i..i+3, columns j0..j1-1 of C += alpha · Σ op(A)[row, p] · op(B)[p, col]
 * over p = p0..p0+len-1: 4 x 4 tiles, then one column at a time for the rest.
 * `a0` is where op(A)[i, p0] lives, `bp` where op(B)[p0, 0] lives, `c0` where C[i, 0] lives.
 */
export function fourRows(
  g: Operands,
  i: number,
  p0: number,
  len: number,
  j0: number,
  j1: number,
): void {
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

/** {@link fourRows} with the 4 x 4 tiles of op(B) read from the packed panel g.P. */
export function fourRowsPacked(
  g: Operands,
  i: number,
  p0: number,
  len: number,
  j0: number,
  j1: number,
): void {
  const { A, B, C, P, n, sAi, sAp, sBp, sBj, alpha } = g;
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
    let qb = (j - j0) * len;
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
    for (let p = 0; p < len; p++) {
      const x0 = A[a0 + qa] as number;
      const x1 = A[a1 + qa] as number;
      const x2 = A[a2 + qa] as number;
      const x3 = A[a3 + qa] as number;
      const y0 = P[qb] as number;
      const y1 = P[qb + 1] as number;
      const y2 = P[qb + 2] as number;
      const y3 = P[qb + 3] as number;
      qa += sAp;
      qb += 4;
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
export function twoRows(
  g: Operands,
  i: number,
  p0: number,
  len: number,
  j0: number,
  j1: number,
): void {
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
export function oneRow(
  g: Operands,
  i: number,
  p0: number,
  len: number,
  j0: number,
  j1: number,
): void {
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
