import type { FloatArray } from '@mlisp/tensor';

/**
 * The SGD step of one layer, written straight into W and b (BP3, BP4 and the
 * update fused): with g = Σ_i D[i, j]·X[i, k] (the batch's summed ∂C/∂w_jk),
 *
 * - without momentum: w ← decay·w − lr·g (decay = 1 − ηλ/n, lr = η/m), as network2.py;
 * - with momentum μ: v ← μ·v − wd·w − lr·g, w ← w + v (wd = ηλ/n).
 *
 * Biases likewise with Σ_i D[i, j] and no decay. Blocks of 4 neurons x 2
 * inputs keep 8 sums in registers over the batch; each weight is read and
 * written once.
 *
 * @param D - m x nOut, this layer's δ for the batch
 * @param X - m x nIn, the activations of the layer below (the inputs for layer 1)
 * @param W - nOut x nIn, updated in place
 * @param b - nOut, updated in place
 * @param VW - nOut x nIn velocities (ignored when mu is 0)
 * @param Vb - nOut velocities (ignored when mu is 0)
 */
export function updateLayer(
  D: FloatArray,
  m: number,
  nOut: number,
  X: FloatArray,
  nIn: number,
  W: FloatArray,
  b: FloatArray,
  VW: FloatArray,
  Vb: FloatArray,
  lr: number,
  decay: number,
  wd: number,
  mu: number,
): void {
  const momentum = mu !== 0;
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    const w0 = j * nIn;
    const w1 = w0 + nIn;
    const w2 = w1 + nIn;
    const w3 = w2 + nIn;
    let k = 0;
    for (; k + 2 <= nIn; k += 2) {
      let g00 = 0;
      let g01 = 0;
      let g10 = 0;
      let g11 = 0;
      let g20 = 0;
      let g21 = 0;
      let g30 = 0;
      let g31 = 0;
      let x = k;
      let d = j;
      for (let i = 0; i < m; i++) {
        const u = X[x] as number;
        const v = X[x + 1] as number;
        const e0 = D[d] as number;
        const e1 = D[d + 1] as number;
        const e2 = D[d + 2] as number;
        const e3 = D[d + 3] as number;
        g00 += e0 * u;
        g01 += e0 * v;
        g10 += e1 * u;
        g11 += e1 * v;
        g20 += e2 * u;
        g21 += e2 * v;
        g30 += e3 * u;
        g31 += e3 * v;
        x += nIn;
        d += nOut;
      }
      if (momentum) {
        stepMomentum(W, VW, w0 + k, g00, g01, lr, wd, mu);
        stepMomentum(W, VW, w1 + k, g10, g11, lr, wd, mu);
        stepMomentum(W, VW, w2 + k, g20, g21, lr, wd, mu);
        stepMomentum(W, VW, w3 + k, g30, g31, lr, wd, mu);
      } else {
        W[w0 + k] = decay * (W[w0 + k] as number) - lr * g00;
        W[w0 + k + 1] = decay * (W[w0 + k + 1] as number) - lr * g01;
        W[w1 + k] = decay * (W[w1 + k] as number) - lr * g10;
        W[w1 + k + 1] = decay * (W[w1 + k + 1] as number) - lr * g11;
        W[w2 + k] = decay * (W[w2 + k] as number) - lr * g20;
        W[w2 + k + 1] = decay * (W[w2 + k + 1] as number) - lr * g21;
        W[w3 + k] = decay * (W[w3 + k] as number) - lr * g30;
        W[w3 + k + 1] = decay * (W[w3 + k + 1] as number) - lr * g31;
      }
    }
    for (; k < nIn; k++) {
      for (let q = 0; q < 4; q++) updateOne(D, m, nOut, X, nIn, W, VW, j + q, k, lr, decay, wd, mu);
    }
  }
  if (j + 2 <= nOut) {
    // Two neurons left: 2 x 2 sums.
    const w0 = j * nIn;
    const w1 = w0 + nIn;
    let k = 0;
    for (; k + 2 <= nIn; k += 2) {
      let g00 = 0;
      let g01 = 0;
      let g10 = 0;
      let g11 = 0;
      let x = k;
      let d = j;
      for (let i = 0; i < m; i++) {
        const u = X[x] as number;
        const v = X[x + 1] as number;
        const e0 = D[d] as number;
        const e1 = D[d + 1] as number;
        g00 += e0 * u;
        g01 += e0 * v;
        g10 += e1 * u;
        g11 += e1 * v;
        x += nIn;
        d += nOut;
      }
      if (momentum) {
        stepMomentum(W, VW, w0 + k, g00, g01, lr, wd, mu);
        stepMomentum(W, VW, w1 + k, g10, g11, lr, wd, mu);
      } else {
        W[w0 + k] = decay * (W[w0 + k] as number) - lr * g00;
        W[w0 + k + 1] = decay * (W[w0 + k + 1] as number) - lr * g01;
        W[w1 + k] = decay * (W[w1 + k] as number) - lr * g10;
        W[w1 + k + 1] = decay * (W[w1 + k + 1] as number) - lr * g11;
      }
    }
    for (; k < nIn; k++) {
      updateOne(D, m, nOut, X, nIn, W, VW, j, k, lr, decay, wd, mu);
      updateOne(D, m, nOut, X, nIn, W, VW, j + 1, k, lr, decay, wd, mu);
    }
    j += 2;
  }
  for (; j < nOut; j++) {
    for (let k = 0; k < nIn; k++) updateOne(D, m, nOut, X, nIn, W, VW, j, k, lr, decay, wd, mu);
  }
  for (let q = 0; q < nOut; q++) {
    let g = 0;
    for (let i = 0; i < m; i++) g += D[i * nOut + q] as number;
    if (momentum) {
      const v = mu * (Vb[q] as number) - lr * g;
      Vb[q] = v;
      b[q] = (b[q] as number) + v;
    } else {
      b[q] = (b[q] as number) - lr * g;
    }
  }
}

/** Momentum step of the two neighbouring weights at W[p], W[p + 1]. */
function stepMomentum(
  W: FloatArray,
  VW: FloatArray,
  p: number,
  g0: number,
  g1: number,
  lr: number,
  wd: number,
  mu: number,
): void {
  const w0 = W[p] as number;
  const w1 = W[p + 1] as number;
  const v0 = mu * (VW[p] as number) - wd * w0 - lr * g0;
  const v1 = mu * (VW[p + 1] as number) - wd * w1 - lr * g1;
  VW[p] = v0;
  VW[p + 1] = v1;
  W[p] = w0 + v0;
  W[p + 1] = w1 + v1;
}

/** The step of the single weight w_jk (edge rows and columns of the blocked loop). */
function updateOne(
  D: FloatArray,
  m: number,
  nOut: number,
  X: FloatArray,
  nIn: number,
  W: FloatArray,
  VW: FloatArray,
  j: number,
  k: number,
  lr: number,
  decay: number,
  wd: number,
  mu: number,
): void {
  let g = 0;
  for (let i = 0; i < m; i++) g += (D[i * nOut + j] as number) * (X[i * nIn + k] as number);
  const p = j * nIn + k;
  const w = W[p] as number;
  if (mu !== 0) {
    const v = mu * (VW[p] as number) - wd * w - lr * g;
    VW[p] = v;
    W[p] = w + v;
  } else {
    W[p] = decay * w - lr * g;
  }
}
