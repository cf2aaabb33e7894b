import type { Network } from '@mlisp/neurons';
import type { DType, FloatArray, Matrix } from '@mlisp/tensor';
import type { EpochEngineOptions, FastCostName } from './types.js';

/** The validated, resolved settings every engine path works from. */
export interface EngineConfig {
  /** Neurons per layer, inputs first. */
  readonly sizes: readonly number[];
  /** The cost's name. */
  readonly cost: FastCostName;
  /** True for the quadratic cost: δ^L = (a − y)·σ'(z). */
  readonly quadratic: boolean;
  /** True when the output layer is softmax (log-likelihood cost). */
  readonly softmax: boolean;
  readonly eta: number;
  readonly lambda: number;
  readonly momentum: number;
  readonly batchSize: number;
  /** Training-set size for the L2 term, or undefined for "the rows of the inputs". */
  readonly n: number | undefined;
  readonly dtype: DType;
  /** False: the wasm kernels multiply every input, zero or not (see EpochEngineOptions.skipZeros). */
  readonly skipZeros: boolean;
}

const COSTS: readonly FastCostName[] = ['quadratic', 'cross-entropy', 'log-likelihood'];

function assertNumber(
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new TypeError(`${name} must be ${expected}, got ${String(value)}`);
  }
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
  assertNumber('eta', options.eta, (v) => v > 0, 'a positive number');
  const lambda = options.lambda ?? 0;
  assertNumber('lambda', lambda, (v) => v >= 0, 'a number ≥ 0');
  const momentum = options.momentum ?? 0;
  assertNumber('momentum', momentum, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  assertNumber(
    'batchSize',
    options.batchSize,
    (v) => Number.isSafeInteger(v) && v >= 1,
    'a positive integer',
  );
  if (options.n !== undefined) {
    assertNumber('n', options.n, (v) => Number.isSafeInteger(v) && v >= 1, 'a positive integer');
  }
  if (options.skipZeros !== undefined && typeof options.skipZeros !== 'boolean') {
    throw new TypeError(`skipZeros must be true or false, got ${String(options.skipZeros)}`);
  }
  const dtype = options.dtype ?? dtypeOfData(network.layers[0]?.weights);
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`dtype must be 'float64' or 'float32', got ${String(dtype)}`);
  }
  const sizes = network.sizes;
  const last = network.layers.length - 1;
  if (last < 0 || sizes.length !== network.layers.length + 1) {
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
    const name = layer.activation?.name;
    const expected = l === last && costName === 'log-likelihood' ? 'softmax' : 'sigmoid';
    if (name !== expected) {
      throw new TypeError(
        `the fast engine needs ${expected} in layer ${l + 1} (cost ${costName}), got ${String(name)}`,
      );
    }
  });
  return {
    sizes: [...sizes],
    cost: costName as FastCostName,
    quadratic: costName === 'quadratic',
    softmax: costName === 'log-likelihood',
    eta: options.eta,
    lambda,
    momentum,
    batchSize: options.batchSize,
    n: options.n,
    dtype,
    skipZeros: options.skipZeros ?? true,
  };
}

function dtypeOfData(m: Matrix | undefined): DType {
  return m !== undefined && m.data instanceof Float32Array ? 'float32' : 'float64';
}

/** Throws unless inputs, targets and order fit the network; returns the number of samples used. */
export function checkEpochArguments(
  sizes: readonly number[],
  inputs: Matrix,
  targets: Matrix,
  order: ArrayLike<number>,
): number {
  const nIn = sizes[0] as number;
  const nOut = sizes[sizes.length - 1] as number;
  if (inputs?.cols !== nIn) {
    throw new RangeError(`inputs are ${inputs?.rows}x${inputs?.cols}, expected N x ${nIn}`);
  }
  if (targets?.cols !== nOut || targets.rows !== inputs.rows) {
    throw new RangeError(
      `targets are ${targets?.rows}x${targets?.cols}, expected ${inputs.rows}x${nOut} to match inputs ${inputs.rows}x${inputs.cols}`,
    );
  }
  if (order === null || typeof order !== 'object' || typeof order.length !== 'number') {
    throw new TypeError('order must be an array of row indices');
  }
  const rows = inputs.rows;
  for (let p = 0; p < order.length; p++) {
    const r = order[p] as number;
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new RangeError(
        `order[${p}] = ${String(r)} is not a row index of inputs ${rows}x${nIn}`,
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
  checkEpochArguments(sizes, inputs, targets, []);
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
 *
 * @throws TypeError unless `eta` is a positive finite number
 */
export function withEta(config: EngineConfig, eta: number): EngineConfig {
  assertNumber('eta', eta, (v) => v > 0, 'a positive number');
  return { ...config, eta };
}

/** The factors of the update: decay = 1 − ηλ/n and wd = ηλ/n. */
export function l2Factors(config: EngineConfig, rows: number): { decay: number; wd: number } {
  const n = config.n ?? rows;
  const wd = (config.eta * config.lambda) / n;
  return { decay: 1 - wd, wd };
}

/** True when every value of `values` is finite (one pass, no branch per value). */
export function finiteValues(values: FloatArray): boolean {
  let check = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    check += v - v;
  }
  return check === 0;
}
