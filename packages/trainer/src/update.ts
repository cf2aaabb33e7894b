import type { Network } from '@mlisp/neurons';
import type { FloatArray, Matrix } from '@mlisp/tensor';
import type { Workspace } from './workspace.js';

/** Momentum velocities per layer, flat like the weights. */
export type Velocities = { weights: FloatArray[]; biases: FloatArray[] };

/** The factors of one step (one record per run, updated in place). */
export interface Step {
  /** Learning rate η (∇ is the mini-batch mean, so η·∇ is the book's (η/m)·Σ). */
  eta: number;
  /** ηλ/n. */
  etaLambdaOverN: number;
  /** Momentum coefficient μ (used with velocities). */
  momentum: number;
  /** True: L1's (ηλ/n)·sgn(w) instead of L2's (ηλ/n)·w. */
  l1: boolean;
}

/** sgn(w), with sgn(0) = 0 (the book's convention for L1). */
const sign = (w: number): number => (w > 0 ? 1 : w < 0 ? -1 : 0);

/**
 * One gradient descent step from the mini-batch's gradients in `ws`, into the weights and biases:
 *
 * - without momentum, as network2.py: w ← (1 − ηλ/n)·w − η·∇w (L1: w ← w −
 *   (ηλ/n)·sgn(w) − η·∇w, the book's eq. (97)), b ← b − η·∇b;
 * - with momentum μ: v ← μ·v − (ηλ/n)·w − η·∇w (L1: (ηλ/n)·sgn(w)), w ← w + v
 *   (biases likewise, without the λ term).
 * @returns false when a weight or bias became NaN or ±Infinity
 */
export function updateMiniBatch(
  network: Network,
  ws: Workspace,
  step: Step,
  velocities: Velocities | null,
): boolean {
  const { eta, etaLambdaOverN, momentum, l1 } = step;
  const layers = network.layers;
  const decay = 1 - etaLambdaOverN;
  let check = 0;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l] as Network['layers'][number];
    const w = layer.weights.data;
    const gw = (ws.gradWeights[l] as Matrix).data;
    const b = layer.biases.data;
    const gb = (ws.gradBiases[l] as Matrix).data;
    if (velocities === null) {
      for (let i = 0; i < w.length; i++) {
        const wi = w[i] as number;
        const g = gw[i] as number;
        const v = l1 ? wi - etaLambdaOverN * sign(wi) - eta * g : decay * wi - eta * g;
        w[i] = v;
        check += v - v;
      }
      for (let j = 0; j < b.length; j++) {
        const v = (b[j] as number) - eta * (gb[j] as number);
        b[j] = v;
        check += v - v;
      }
    } else {
      const vw = velocities.weights[l] as FloatArray;
      const vb = velocities.biases[l] as FloatArray;
      for (let i = 0; i < w.length; i++) {
        const wi = w[i] as number;
        const shrink = etaLambdaOverN * (l1 ? sign(wi) : wi);
        const v = momentum * (vw[i] as number) - shrink - eta * (gw[i] as number);
        vw[i] = v;
        const next = wi + v;
        w[i] = next;
        check += next - next;
      }
      for (let j = 0; j < b.length; j++) {
        const v = momentum * (vb[j] as number) - eta * (gb[j] as number);
        vb[j] = v;
        const next = (b[j] as number) + v;
        b[j] = next;
        check += next - next;
      }
    }
  }
  return check === 0;
}
