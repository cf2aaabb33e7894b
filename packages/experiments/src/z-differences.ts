import type { Cost } from '@mlisp/costs';
import { cloneNetwork, type Network } from '@mlisp/neurons';
import { addRowVector, gemm, type Matrix, zeros } from '@mlisp/tensor';
import { forwardTrace } from './forward.js';

/*
 * The errors δ^l_j = ∂C_x/∂z^l_j measured directly, by central differences on
 * z itself, so that BP1/BP2 (how δ is computed) and BP3/BP4 (what the gradients
 * are, given δ) can be checked apart.
 */

/** The per-sample cost C_x of sample `row` when z^target_j of that sample is moved by `shift`. */
function costWithShift(
  network: Network,
  x: Matrix,
  y: Matrix,
  cost: Cost,
  at: { layer: number; row: number; j: number; shift: number },
): number {
  let a = x;
  network.layers.forEach((layer, l) => {
    const z = gemm(a, layer.weights, { transB: true, out: zeros(a.rows, layer.weights.rows) });
    addRowVector(z, layer.biases, z);
    if (l === at.layer) {
      const k = at.row * z.cols + at.j;
      z.data[k] = (z.data[k] as number) + at.shift;
    }
    a = layer.activation.forward(z);
  });
  const n = a.cols;
  return cost.fn(
    a.data.subarray(at.row * n, (at.row + 1) * n),
    y.data.subarray(at.row * n, (at.row + 1) * n),
  );
}

/**
 * δ^l of every layer and sample by central differences (C_x(z + h) − C_x(z − h))/2h
 * of the per-sample cost, on a float64 copy of the network.
 *
 * @param network - the network (not modified)
 * @param inputs - the batch, one sample per row
 * @param targets - the desired outputs, one per row
 * @param cost - the cost (its per-sample `fn`)
 * @param h - the step (default 1e−6)
 * @returns deltas[l − 1] is m x n_l
 */
export function finiteDifferenceDeltas(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  cost: Cost,
  h = 1e-6,
): Matrix[] {
  const net = cloneNetwork(network, 'float64');
  return net.layers.map((layer, l) => {
    const d = zeros(inputs.rows, layer.weights.rows);
    for (let row = 0; row < inputs.rows; row++) {
      for (let j = 0; j < d.cols; j++) {
        const plus = costWithShift(net, inputs, targets, cost, { layer: l, row, j, shift: h });
        const minus = costWithShift(net, inputs, targets, cost, { layer: l, row, j, shift: -h });
        d.data[row * d.cols + j] = (plus - minus) / (2 * h);
      }
    }
    return d;
  });
}

/**
 * BP3 and BP4 from given errors δ: ∂C/∂b^l = (1/m)Σ_x δ^l_x and
 * ∂C/∂w^l_jk = (1/m)Σ_x a^{l−1}_{x,k} δ^l_{x,j}, with a from the forward pass.
 *
 * @param network - the network (read only)
 * @param inputs - the batch, one sample per row
 * @param deltas - δ^l per layer (m x n_l)
 * @returns flat weight (row-major j, k) and bias gradients per layer
 */
export function gradientsFromDeltas(
  network: Network,
  inputs: Matrix,
  deltas: readonly Matrix[],
): { weights: Float64Array[]; biases: Float64Array[] } {
  const { activations } = forwardTrace(cloneNetwork(network, 'float64'), inputs);
  const m = inputs.rows;
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  deltas.forEach((d, l) => {
    const a = activations[l] as Matrix;
    const gw = new Float64Array(d.cols * a.cols);
    const gb = new Float64Array(d.cols);
    for (let x = 0; x < m; x++) {
      for (let j = 0; j < d.cols; j++) {
        const dj = d.data[x * d.cols + j] as number;
        gb[j] = (gb[j] as number) + dj / m;
        for (let k = 0; k < a.cols; k++) {
          gw[j * a.cols + k] =
            (gw[j * a.cols + k] as number) + ((a.data[x * a.cols + k] as number) * dj) / m;
        }
      }
    }
    weights.push(gw);
    biases.push(gb);
  });
  return { weights, biases };
}
