import type { Cost, CostName } from '@mlisp/costs';
import type { Network } from '@mlisp/neurons';
import { gemm, type Matrix, shapeOf, sumRows } from '@mlisp/tensor';
import type { DropoutMasks } from './dropout.js';
import { assertTrainable, toCost } from './errors.js';
import type { Dataset, Gradients } from './types.js';
import { createWorkspace, feedforwardInto, gatherRows, type Workspace } from './workspace.js';

/**
 * Backpropagation of the batch in `ws.x` / `ws.y`, as matrices (one sample per
 * row), writing the mean gradient over the batch into `ws.gradWeights` and
 * `ws.gradBiases`:
 *
 * - BP1: δ^L = cost.delta(z^L, a^L, y)
 * - BP2: δ^l = (δ^{l+1}·W^{l+1}) ⊙ σ'(z^l) (the ⊙ written inline)
 * - BP3: ∂C/∂b^l = (1/m)·Σ_rows δ^l
 * - BP4: ∂C/∂w^l = (1/m)·δ^lᵀ·a^{l−1}
 *
 * gemm's transpose flags stand in for transposed copies; nothing is allocated.
 * The caller has checked the network with `assertTrainable`. With `dropout`,
 * the hidden layers' activations and σ'(z) are masked and scaled in the
 * forward pass (inverted dropout), and BP2 uses the masked σ'(z).
 *
 * @param network - the network (read only)
 * @param cost - the cost
 * @param ws - the workspace holding the batch; zs, as, deltas, derivs and the gradients are written
 * @param dropout - the batch's dropout masks, or null
 */
export function backpropInto(
  network: Network,
  cost: Cost,
  ws: Workspace,
  dropout: DropoutMasks | null = null,
): void {
  const layers = network.layers;
  const count = layers.length;
  feedforwardInto(network, ws, dropout);
  const inv = 1 / ws.rows;
  for (let l = count - 1; l >= 0; l--) {
    const layer = layers[l] as Network['layers'][number];
    const delta = ws.deltas[l] as Matrix;
    if (l === count - 1) {
      cost.delta(ws.zs[l] as Matrix, ws.as[l] as Matrix, ws.y, layer.activation, delta);
    } else {
      const above = layers[l + 1] as Network['layers'][number];
      gemm(ws.deltas[l + 1] as Matrix, above.weights, ws.backwardOptions[l]);
      const zl = ws.zs[l] as Matrix;
      const sp =
        dropout === null
          ? layer.activation.derivativeBatch(zl, ws.as[l] as Matrix, ws.derivs[l]).data
          : (ws.derivs[l] as Matrix).data;
      const d = delta.data;
      for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * (sp[i] as number);
    }
    gemm(delta, l === 0 ? ws.x : (ws.as[l - 1] as Matrix), ws.weightGradientOptions[l]);
    const gb = sumRows(delta, ws.gradBiases[l]).data;
    for (let j = 0; j < gb.length; j++) gb[j] = (gb[j] as number) * inv;
  }
}

/**
 * Checks that `data` fits `network`: inputs n x sizes[0], targets n x sizes[L], n ≥ 1,
 * and labels (when given) of length n.
 *
 * @param network - the network
 * @param data - the data set
 * @param name - what to call the data set in error messages
 */
export function assertDataset(network: Network, data: Dataset, name = 'data'): void {
  if (
    data === null ||
    typeof data !== 'object' ||
    data.inputs === undefined ||
    data.targets === undefined
  ) {
    throw new TypeError(`${name} must be an object { inputs, targets } of matrices`);
  }
  const { inputs, targets } = data;
  const nIn = network.sizes[0] as number;
  const nOut = network.sizes[network.sizes.length - 1] as number;
  if (inputs.cols !== nIn) {
    throw new RangeError(
      `${name}.inputs is ${shapeOf(inputs)} but the network takes ${inputs.rows}x${nIn} (sizes[0] = ${nIn} per row)`,
    );
  }
  if (targets.rows !== inputs.rows || targets.cols !== nOut) {
    throw new RangeError(
      `${name}.targets is ${shapeOf(targets)} but the network needs ${inputs.rows}x${nOut} (one target of ${nOut} per input row)`,
    );
  }
  if (inputs.rows < 1) throw new RangeError(`${name} has no samples`);
  if (data.labels !== undefined && data.labels.length !== inputs.rows) {
    throw new RangeError(
      `${name}.labels has ${data.labels.length} entries but there are ${inputs.rows} samples`,
    );
  }
}

/** Zero gradients shaped like the network's weights and biases (float64). */
export function createGradients(network: Network): Gradients {
  const ws = createWorkspace(network, 1, 'float64');
  return { weights: ws.gradWeights, biases: ws.gradBiases };
}

/**
 * ∂C/∂w and ∂C/∂b of every layer for a batch (the mean over its samples, BP1–BP4),
 * without the L2 term. Allocates its own workspace; training uses the
 * allocation-free form internally.
 *
 * @param network - the network (not modified)
 * @param batch - the samples, one per row: inputs m x sizes[0], targets m x sizes[L]
 * @param cost - the cost, or its name
 * @returns gradients shaped like the weights and biases (index l − 1 is layer l)
 * @throws UntrainableNetworkError for a step activation or a cost that does not fit the output layer
 */
export function backprop(network: Network, batch: Dataset, cost: Cost | CostName): Gradients {
  const c = toCost(cost);
  assertTrainable(network, c);
  assertDataset(network, batch, 'batch');
  const ws = createWorkspace(network, batch.inputs.rows);
  gatherRows(batch.inputs, null, 0, ws.rows, ws.x);
  gatherRows(batch.targets, null, 0, ws.rows, ws.y);
  backpropInto(network, c, ws);
  return { weights: ws.gradWeights, biases: ws.gradBiases };
}
