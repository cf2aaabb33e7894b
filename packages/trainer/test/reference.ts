import type { Matrix } from '@mlisp/tensor';
import { dropThreshold, keeps } from '../src/dropout.js';

// An independent, deliberately plain float64 reference for the fast engine's
// tests: network.py's per-sample backprop and update_mini_batch, with
// network2.py's L2 term and the book's momentum, on nested number arrays.

/** Weights as nested arrays: w[l][j][k], b[l][j] (l from 0 for the first hidden layer). */
export interface RefNet {
  w: number[][][];
  b: number[][];
}

/** Hidden-layer activations of the reference. */
export type RefActivation = 'sigmoid' | 'tanh' | 'relu' | 'leaky-relu' | 'linear';

export interface RefOptions {
  cost: 'quadratic' | 'cross-entropy' | 'log-likelihood';
  /** Hidden layers' activation (default sigmoid); the output is sigmoid, or softmax for log-likelihood. */
  hidden?: RefActivation;
  /** 'l1': the book's eq. (97), w → w − (ηλ/n)·sgn(w) − (η/m)·Σ∇w with sgn(0) = 0; default L2. */
  regularization?: 'l2' | 'l1';
  /** Inverted dropout of the hidden neurons with probability p, masks keyed by `key` (see src/dropout.ts). */
  drop?: { p: number; key: number };
  eta: number;
  lambda: number;
  momentum: number;
  batchSize: number;
  n: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** f(z) and f'(z) of each hidden activation, written from their definitions. */
const ACTIVATIONS: Record<RefActivation, { f: (z: number) => number; df: (z: number) => number }> =
  {
    sigmoid: { f: sigmoid, df: (z) => sigmoid(z) * (1 - sigmoid(z)) },
    tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
    relu: { f: (z) => Math.max(z, 0), df: (z) => (z > 0 ? 1 : 0) },
    'leaky-relu': { f: (z) => (z > 0 ? z : 0.01 * z), df: (z) => (z > 0 ? 1 : 0.01) },
    linear: { f: (z) => z, df: () => 1 },
  };

function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

/** ∂C/∂b and ∂C/∂w for one sample (BP1–BP4). */
function backprop(
  net: RefNet,
  x: number[],
  y: number[],
  cost: RefOptions['cost'],
  hidden: RefActivation,
  dropout: { p: number; key: number; position: number } | undefined,
) {
  // mask·1/(1 − p) of hidden neuron j of layer l (from 1), or 1 without dropout.
  const gate = (l: number, j: number): number =>
    dropout === undefined
      ? 1
      : keeps(dropout.key, dropout.position, l, j, dropThreshold(dropout.p))
        ? 1 / (1 - dropout.p)
        : 0;
  const L = net.w.length;
  const act = ACTIVATIONS[hidden];
  const acts: number[][] = [x];
  const zs: number[][] = [];
  for (let l = 0; l < L; l++) {
    const a = acts[l] as number[];
    const z = (net.w[l] as number[][]).map(
      (row, j) =>
        row.reduce((s, wjk, k) => s + wjk * (a[k] as number), 0) + (net.b[l]?.[j] as number),
    );
    zs.push(z);
    if (l < L - 1) acts.push(z.map((v, j) => act.f(v) * gate(l + 1, j)));
    else acts.push(cost === 'log-likelihood' ? softmax(z) : z.map(sigmoid));
  }
  const out = acts[L] as number[];
  let delta = out.map((a, j) => {
    const diff = a - (y[j] as number);
    return cost === 'quadratic' ? diff * a * (1 - a) : diff;
  });
  const nw: number[][][] = new Array(L);
  const nb: number[][] = new Array(L);
  for (let l = L - 1; l >= 0; l--) {
    const below = acts[l] as number[];
    nb[l] = delta;
    nw[l] = delta.map((d) => below.map((a) => d * a));
    if (l > 0) {
      const w = net.w[l] as number[][];
      const zBelow = zs[l - 1] as number[];
      delta = below.map((_, k) => {
        let s = 0;
        for (let j = 0; j < delta.length; j++) s += (w[j]?.[k] as number) * (delta[j] as number);
        return s * act.df(zBelow[k] as number) * gate(l, k);
      });
    }
  }
  return { nw, nb };
}

/** Velocities of the momentum method, same shapes as the weights. */
export interface RefVelocity {
  w: number[][][];
  b: number[][];
}

export function zeroVelocity(net: RefNet): RefVelocity {
  return { w: net.w.map((l) => l.map((r) => r.map(() => 0))), b: net.b.map((r) => r.map(() => 0)) };
}

/** One epoch of mini-batch SGD over rows `order` of X (updates net and v in place). */
export function referenceEpoch(
  net: RefNet,
  v: RefVelocity,
  X: number[][],
  Y: number[][],
  order: ArrayLike<number>,
  o: RefOptions,
): void {
  for (let start = 0; start < order.length; start += o.batchSize) {
    const batch: number[] = [];
    for (let i = start; i < Math.min(start + o.batchSize, order.length); i++)
      batch.push(order[i] as number);
    const m = batch.length;
    const sw = net.w.map((l) => l.map((r) => r.map(() => 0)));
    const sb = net.b.map((r) => r.map(() => 0));
    for (const [i, r] of batch.entries()) {
      const d = o.drop === undefined ? undefined : { ...o.drop, position: start + i };
      const { nw, nb } = backprop(
        net,
        X[r] as number[],
        Y[r] as number[],
        o.cost,
        o.hidden ?? 'sigmoid',
        d,
      );
      for (let l = 0; l < net.w.length; l++) {
        const sumW = sw[l] as number[][];
        const sumB = sb[l] as number[];
        for (let j = 0; j < sumW.length; j++) {
          const row = sumW[j] as number[];
          for (let k = 0; k < row.length; k++)
            row[k] = (row[k] as number) + (nw[l]?.[j]?.[k] as number);
          sumB[j] = (sumB[j] as number) + (nb[l]?.[j] as number);
        }
      }
    }
    const wd = (o.eta * o.lambda) / o.n;
    const lr = o.eta / m;
    const l1 = o.regularization === 'l1';
    const sgn = (w: number) => (w > 0 ? 1 : w < 0 ? -1 : 0);
    for (let l = 0; l < net.w.length; l++) {
      const w = net.w[l] as number[][];
      const b = net.b[l] as number[];
      for (let j = 0; j < w.length; j++) {
        const row = w[j] as number[];
        const vRow = v.w[l]?.[j] as number[];
        for (let k = 0; k < row.length; k++) {
          const g = sw[l]?.[j]?.[k] as number;
          const old = row[k] as number;
          if (o.momentum === 0) {
            row[k] = l1 ? old - wd * sgn(old) - lr * g : (1 - wd) * old - lr * g;
          } else {
            const vel = o.momentum * (vRow[k] as number) - wd * (l1 ? sgn(old) : old) - lr * g;
            vRow[k] = vel;
            row[k] = old + vel;
          }
        }
        const gb = sb[l]?.[j] as number;
        if (o.momentum === 0) {
          b[j] = (b[j] as number) - lr * gb;
        } else {
          const vb = v.b[l] as number[];
          const vel = o.momentum * (vb[j] as number) - lr * gb;
          vb[j] = vel;
          b[j] = (b[j] as number) + vel;
        }
      }
    }
  }
}

/** Nested rows of a matrix. */
export function rowsOf(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++)
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** Largest |a − b| / max(1, |b|) between an engine matrix and reference rows. */
export function maxRelativeError(actual: Matrix, expected: number[][]): number {
  let worst = 0;
  for (let i = 0; i < actual.rows; i++) {
    for (let j = 0; j < actual.cols; j++) {
      const e = expected[i]?.[j] as number;
      const err =
        Math.abs((actual.data[i * actual.cols + j] as number) - e) / Math.max(1, Math.abs(e));
      if (!(err <= worst)) worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    }
  }
  return worst;
}
