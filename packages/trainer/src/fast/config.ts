import type { Network } from '@mlisp/neurons';
import type { DType, Matrix } from '@mlisp/tensor';
import { checkEta, checkFlag, checkNumber, checkStepSettings, positiveInteger } from '../checks.js';
import { LAYOUT } from './generated/wasm-kernels.js';
import type { EpochEngineOptions, FastCostName } from './types.js';

/** The validated, resolved settings of an engine. */
export interface EngineConfig {
  /** Neurons per layer, inputs first. */
  readonly sizes: readonly number[];
  readonly cost: FastCostName;
  /** LAYOUT.ACT_* code of each layer (index l − 1 is layer l; unused for a softmax output). */
  readonly activations: readonly number[];
  readonly eta: number;
  readonly lambda: number;
  readonly regularization: 'l2' | 'l1';
  /** Dropout probability of the hidden neurons (0: none). */
  readonly dropout: number;
  readonly momentum: number;
  readonly batchSize: number;
  /** Training-set size for the L2 term, or undefined for "the rows of the inputs". */
  readonly n: number | undefined;
  readonly dtype: DType;
  /** False: the kernels multiply every input, zero or not (see EpochEngineOptions.skipZeros). */
  readonly skipZeros: boolean;
}

const COSTS: readonly FastCostName[] = ['quadratic', 'cross-entropy', 'log-likelihood'];
/** The kernels' code of each element-wise activation they run. */
const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  sigmoid: LAYOUT.ACT_SIGMOID,
  tanh: LAYOUT.ACT_TANH,
  relu: LAYOUT.ACT_RELU,
  'leaky-relu': LAYOUT.ACT_LEAKY_RELU,
  linear: LAYOUT.ACT_LINEAR,
};

/**
 * The activation codes of `network`'s layers for `cost`, or why the engine cannot train it:
 * hidden layers must be sigmoid, tanh, relu, leaky-relu or linear; the output layer softmax with
 * log-likelihood, sigmoid with cross-entropy, or any of those five with the quadratic cost.
 */
export function activationCodes(network: Network, cost: string): number[] | string {
  const last = network.layers.length - 1;
  const codes: number[] = [];
  for (let l = 0; l <= last; l++) {
    const name = network.layers[l]?.activation?.name ?? '';
    const code = ACTIVATION_CODES[name];
    const output = l === last;
    if (output && cost === 'log-likelihood') {
      if (name !== 'softmax') return `log-likelihood needs a softmax output layer, got '${name}'`;
      codes.push(LAYOUT.ACT_LINEAR);
    } else if (output && cost === 'cross-entropy' && name !== 'sigmoid') {
      return `cross-entropy needs a sigmoid output layer, got '${name}'`;
    } else if (code === undefined) {
      return `layer ${l + 1} uses '${name}'; the engine runs sigmoid, tanh, relu, leaky-relu and linear layers${output ? ' (and softmax outputs with log-likelihood)' : ''}`;
    } else {
      codes.push(code);
    }
  }
  return codes;
}

/** Checks the network and options; throws a TypeError naming the first bad one. */
export function resolveConfig(network: Network, options: EpochEngineOptions): EngineConfig {
  if (network === null || typeof network !== 'object' || !Array.isArray(network.layers)) {
    throw new TypeError('network must be a Network of @mlisp/neurons (with sizes and layers)');
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const costName = typeof options.cost === 'string' ? options.cost : options.cost?.name;
  if (!COSTS.includes(costName as FastCostName)) {
    throw new TypeError(`cost must be one of ${COSTS.join(', ')}, got ${String(costName)}`);
  }
  const { eta, lambda, regularization, dropout, momentum, batchSize } = checkStepSettings(options);
  if (options.n !== undefined) checkNumber('n', options.n, positiveInteger, 'a positive integer');
  const dtype = options.dtype ?? dtypeOfData(network.layers[0]?.weights);
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`dtype must be 'float64' or 'float32', got ${String(dtype)}`);
  }
  const sizes = network.sizes;
  if (network.layers.length < 1 || sizes.length !== network.layers.length + 1) {
    throw new TypeError(
      `network must have sizes.length − 1 layers, got ${sizes.length} sizes and ${network.layers.length} layers`,
    );
  }
  network.layers.forEach((layer, l) => {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    if (layer.weights.rows !== nOut || layer.weights.cols !== nIn) {
      throw new RangeError(
        `layer ${l + 1} weights are ${layer.weights.rows}x${layer.weights.cols}, expected ${nOut}x${nIn}`,
      );
    }
    if (layer.biases.rows !== 1 || layer.biases.cols !== nOut) {
      throw new RangeError(
        `layer ${l + 1} biases are ${layer.biases.rows}x${layer.biases.cols}, expected 1x${nOut}`,
      );
    }
  });
  const activations = activationCodes(network, costName as string);
  if (typeof activations === 'string') {
    throw new TypeError(`the engine cannot train this network: ${activations}`);
  }
  return {
    sizes: [...sizes],
    cost: costName as FastCostName,
    activations,
    eta,
    lambda,
    regularization,
    dropout,
    momentum,
    batchSize,
    n: options.n,
    dtype,
    skipZeros: checkFlag('skipZeros', options.skipZeros, true),
  };
}

function dtypeOfData(m: Matrix | undefined): DType {
  return m !== undefined && m.data instanceof Float32Array ? 'float32' : 'float64';
}
function checkSet(sizes: readonly number[], inputs: Matrix, targets: Matrix): void {
  const nIn = sizes[0] as number;
  const nOut = sizes[sizes.length - 1] as number;
  const fits = (m: Matrix, cols: number) =>
    m !== null &&
    typeof m === 'object' &&
    m.cols === cols &&
    Number.isSafeInteger(m.rows) &&
    m.rows >= 0 &&
    (m.data instanceof Float64Array || m.data instanceof Float32Array) &&
    m.data.length === m.rows * cols;
  if (!fits(inputs, nIn)) {
    throw new RangeError(
      `inputs are ${inputs?.rows}x${inputs?.cols} (${inputs?.data?.length} values), expected N x ${nIn} float32 or float64 values`,
    );
  }
  if (!fits(targets, nOut) || targets.rows !== inputs.rows) {
    throw new RangeError(
      `targets are ${targets?.rows}x${targets?.cols}, expected ${inputs.rows}x${nOut} float32 or float64 values to match inputs ${inputs.rows}x${inputs.cols}`,
    );
  }
}

/**
 * Throws unless inputs, targets, order and costs fit the network and each other: every value that
 * becomes an address in wasm memory is checked. Returns the number of samples used.
 */
export function checkEpochArguments(
  config: EngineConfig,
  inputs: Matrix,
  targets: Matrix,
  order: ArrayLike<number>,
  costs: Float64Array | undefined,
): number {
  checkSet(config.sizes, inputs, targets);
  if (order === null || typeof order !== 'object' || typeof order.length !== 'number') {
    throw new TypeError('order must be an array of row indices');
  }
  const rows = inputs.rows;
  if (order.length > rows) {
    throw new RangeError(
      `order has ${order.length} indices but inputs have only ${rows} rows (an epoch uses each row at most once)`,
    );
  }
  for (let p = 0; p < order.length; p++) {
    const r = order[p] as number;
    if (typeof r !== 'number' || !Number.isInteger(r)) {
      throw new TypeError(`order[${p}] = ${String(r)} is not an integer row index`);
    }
    if (r < 0 || r >= rows) {
      throw new RangeError(
        `order[${p}] = ${r} is not a row index of inputs ${rows}x${inputs.cols}`,
      );
    }
  }
  if (costs !== undefined) {
    const batches = Math.ceil(order.length / config.batchSize);
    if (!(costs instanceof Float64Array) || costs.length < batches) {
      throw new TypeError(
        `costs must be a Float64Array of at least ${batches} values (one per mini-batch), got ${costs instanceof Float64Array ? `${costs.length} values` : String(costs)}`,
      );
    }
  }
  return order.length;
}

/** Throws unless inputs, targets and labels fit the network (for an evaluation). */
export function checkEvaluationArguments(
  sizes: readonly number[],
  inputs: Matrix,
  targets: Matrix,
  labels: ArrayLike<number> | undefined,
): void {
  checkSet(sizes, inputs, targets);
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new TypeError('labels must be an array of classes, one per row, or undefined');
  }
  if (labels.length !== inputs.rows) {
    throw new RangeError(
      `labels has ${labels.length} classes but inputs are ${inputs.rows}x${inputs.cols}`,
    );
  }
}

/**
 * `config` with another learning rate (for {@link EpochEngine.setEta}).
 * @throws TypeError unless `eta` is a positive finite number
 */
export function withEta(config: EngineConfig, eta: number): EngineConfig {
  return { ...config, eta: checkEta(eta) };
}

/** The factors of the update: decay = 1 − ηλ/n (L2's; L1 leaves w unscaled) and wd = ηλ/n. */
export function l2Factors(config: EngineConfig, rows: number): { decay: number; wd: number } {
  const n = config.n ?? rows;
  const wd = (config.eta * config.lambda) / n;
  return { decay: 1 - wd, wd };
}
