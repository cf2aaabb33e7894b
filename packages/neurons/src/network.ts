import {
  addRowVector,
  type DType,
  dtypeOf,
  type FloatArray,
  gemm,
  type Matrix,
  Rng,
  zeros,
} from '@mlisp/tensor';
import { activationByName } from './activations.js';
import { type Initializer, type InitName, initializeInPlace, initializerByName } from './init.js';
import type { Activation, ActivationName, Layer, Network } from './types.js';

/** An activation given by name or as an {@link Activation} object. */
export type ActivationLike = ActivationName | Activation;

/** Options of {@link createNetwork}. */
export interface CreateNetworkOptions {
  /** Activation of the hidden layers (and of the output layer unless `outputActivation` says otherwise). Default `'sigmoid'`. */
  activation?: ActivationLike;
  /** Activation of the output layer. Default: `activation`. */
  outputActivation?: ActivationLike;
  /** One activation per layer (sizes.length − 1 of them); overrides `activation` and `outputActivation`. */
  activations?: readonly ActivationLike[];
  /** How weights and biases are drawn: `'normal'` (network.py), `'scaled'` (network2.py, the default), `'xavier'`, `'he'`, or an {@link Initializer}. */
  init?: InitName | Initializer;
  /** Seed of a new {@link Rng} for the initial weights. Default 0. Give `seed` or `rng`, not both. */
  seed?: number;
  /** A generator to draw the initial weights from (it is advanced). Give `seed` or `rng`, not both. */
  rng?: Rng;
  /** Element type of the weights and biases. Default `'float64'`. */
  dtype?: DType;
}

/** Resolves a name or an activation object to an {@link Activation}. */
export function toActivation(value: ActivationLike, argument = 'activation'): Activation {
  if (typeof value === 'string') return activationByName(value);
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof value.forward !== 'function' ||
    typeof value.derivativeBatch !== 'function'
  ) {
    throw new TypeError(
      `${argument} must be an activation name or an Activation object, got ${String(value)}`,
    );
  }
  return value;
}

/** Throws a TypeError unless `sizes` is an array of at least 2 positive integers. */
export function assertSizes(sizes: unknown): asserts sizes is readonly number[] {
  if (!Array.isArray(sizes)) {
    throw new TypeError(`sizes must be an array of layer sizes, got ${typeof sizes}`);
  }
  if (sizes.length < 2) {
    throw new TypeError(
      `sizes must have at least 2 entries (inputs and outputs), got ${sizes.length}`,
    );
  }
  sizes.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
      throw new TypeError(`sizes[${i}] must be a positive integer, got ${String(n)}`);
    }
  });
}

/**
 * A new network of dense layers with freshly drawn weights and biases.
 *
 * @param sizes - neurons per layer, inputs first: `[784, 30, 10]` has 784 inputs, a hidden layer of 30 and 10 outputs
 * @param options - activations, initialiser, seed or rng, dtype (see {@link CreateNetworkOptions})
 * @returns the network; layer l's weights are sizes[l] x sizes[l−1], its biases 1 x sizes[l]
 * @example
 * const net = createNetwork([2, 3, 1], { activation: 'sigmoid', init: 'normal', seed: 1 });
 */
export function createNetwork(
  sizes: readonly number[],
  options: CreateNetworkOptions = {},
): Network {
  assertSizes(sizes);
  if (options.seed !== undefined && options.rng !== undefined) {
    throw new TypeError('createNetwork: give either seed or rng, not both');
  }
  if (options.rng !== undefined && !(options.rng instanceof Rng)) {
    throw new TypeError('rng must be an Rng from @mlisp/tensor');
  }
  const count = sizes.length - 1;
  const activations = resolveActivations(count, options);
  const init =
    options.init === undefined
      ? initializerByName('scaled')
      : typeof options.init === 'string'
        ? initializerByName(options.init)
        : options.init;
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const dtype = options.dtype ?? 'float64';
  const layers: Layer[] = [];
  for (let l = 0; l < count; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    layers.push({
      weights: zeros(nOut, nIn, { dtype }),
      biases: zeros(1, nOut, { dtype }),
      activation: activations[l] as Activation,
    });
  }
  initializeInPlace(layers, init, rng);
  return { sizes: Object.freeze([...sizes]), layers: Object.freeze(layers) };
}

function resolveActivations(count: number, options: CreateNetworkOptions): Activation[] {
  if (options.activations !== undefined) {
    if (!Array.isArray(options.activations) || options.activations.length !== count) {
      throw new TypeError(
        `activations must list one activation per layer (${count}), got ${
          Array.isArray(options.activations)
            ? options.activations.length
            : typeof options.activations
        }`,
      );
    }
    return options.activations.map((a, l) => toActivation(a, `activations[${l}]`));
  }
  const hidden = toActivation(options.activation ?? 'sigmoid', 'activation');
  const output =
    options.outputActivation === undefined
      ? hidden
      : toActivation(options.outputActivation, 'outputActivation');
  const out: Activation[] = [];
  for (let l = 0; l < count; l++) out.push(l === count - 1 ? output : hidden);
  return out;
}

function isMatrix(x: unknown): x is Matrix {
  return (
    typeof x === 'object' &&
    x !== null &&
    'data' in x &&
    'rows' in x &&
    'cols' in x &&
    (x.data instanceof Float64Array || x.data instanceof Float32Array)
  );
}

/**
 * The network's output for one input, or for a whole batch.
 *
 * @param network - the network
 * @param x - one input (`sizes[0]` numbers, as an array or typed array), or a
 *   batch: a Matrix with one sample per row (`m x sizes[0]`)
 * @returns for one input, the output activations a^L as a Float64Array;
 *   for a batch, an `m x sizes[L]` Matrix (one output per row, the network's dtype)
 * @throws RangeError naming both shapes when x does not fit the network
 */
export function feedforward(network: Network, x: Matrix): Matrix;
export function feedforward(network: Network, x: readonly number[] | FloatArray): Float64Array;
export function feedforward(
  network: Network,
  x: Matrix | readonly number[] | FloatArray,
): Matrix | Float64Array {
  const nIn = network.sizes[0] as number;
  const dtype = dtypeOf((network.layers[0] as Layer).weights);
  if (isMatrix(x)) {
    if (x.cols !== nIn) {
      throw new RangeError(
        `feedforward: the batch is ${x.rows}x${x.cols} but the network takes ${x.rows}x${nIn} (one sample of sizes[0] = ${nIn} per row)`,
      );
    }
    return forwardBatch(network, x);
  }
  if (!Array.isArray(x) && !(x instanceof Float64Array) && !(x instanceof Float32Array)) {
    throw new TypeError('feedforward: x must be an array, a Float64Array/Float32Array or a Matrix');
  }
  if (x.length !== nIn) {
    throw new RangeError(
      `feedforward: the input is 1x${x.length} (${x.length} values) but the network takes 1x${nIn} (sizes[0] = ${nIn})`,
    );
  }
  const input = zeros(1, nIn, { dtype });
  for (let k = 0; k < nIn; k++) {
    const v = x[k];
    if (typeof v !== 'number')
      throw new TypeError(`feedforward: x[${k}] must be a number, got ${typeof v}`);
    input.data[k] = v;
  }
  const out = forwardBatch(network, input).data;
  return out instanceof Float64Array ? out : Float64Array.from(out);
}

function forwardBatch(network: Network, x: Matrix): Matrix {
  let a = x;
  for (const layer of network.layers) {
    const z = gemm(a, layer.weights, {
      transB: true,
      out: zeros(a.rows, layer.weights.rows, { dtype: dtypeOf(layer.weights) }),
    });
    addRowVector(z, layer.biases, z);
    a = layer.activation.forward(z, z);
  }
  return a;
}

/**
 * A copy of the network with every weight and bias multiplied by `c` (problems 1
 * and 2: a perceptron network is unchanged for c > 0; a sigmoid network tends to
 * the perceptron network as c → ∞). The input network is not modified.
 *
 * @param network - the network to copy
 * @param c - the factor, a finite number
 */
export function scale(network: Network, c: number): Network {
  if (typeof c !== 'number' || !Number.isFinite(c)) {
    throw new TypeError(`c must be a finite number, got ${String(c)}`);
  }
  const copy = cloneNetwork(network);
  for (const layer of copy.layers) {
    const w = layer.weights.data;
    for (let i = 0; i < w.length; i++) w[i] = c * (w[i] as number);
    const b = layer.biases.data;
    for (let i = 0; i < b.length; i++) b[i] = c * (b[i] as number);
  }
  return copy;
}

/**
 * A deep copy of the network: new weight and bias storage (same dtype unless
 * `dtype` is given), the same activation objects.
 *
 * @param network - the network to copy
 * @param dtype - element type of the copy; default: the network's own
 */
export function cloneNetwork(network: Network, dtype?: DType): Network {
  const layers = network.layers.map((layer) => {
    const d = dtype ?? dtypeOf(layer.weights);
    const weights = zeros(layer.weights.rows, layer.weights.cols, { dtype: d });
    weights.data.set(layer.weights.data);
    const biases = zeros(1, layer.biases.cols, { dtype: d });
    biases.data.set(layer.biases.data);
    return { weights, biases, activation: layer.activation };
  });
  return { sizes: Object.freeze([...network.sizes]), layers: Object.freeze(layers) };
}

/** The layers of a network given as nested arrays, for {@link networkFromWeights}. */
export interface NetworkWeights {
  /** weights[l][j][k]: from neuron k of layer l to neuron j of layer l+1. */
  weights: readonly (readonly (readonly number[])[])[];
  /** biases[l][j]: bias of neuron j of layer l+1. */
  biases: readonly (readonly number[])[];
  /** One activation per layer. */
  activations: readonly ActivationLike[];
}

/**
 * A network with the given weights and biases (for worked examples, tests and
 * hand-designed layers such as problem 3's one-hot → binary layer). The sizes
 * are read from the arrays.
 *
 * @param spec - nested weights, biases and one activation per layer
 * @param dtype - element type; default `'float64'`
 * @throws TypeError/RangeError naming the first array that is missing or has the wrong length
 */
export function networkFromWeights(spec: NetworkWeights, dtype: DType = 'float64'): Network {
  const { weights, biases, activations } = spec;
  if (!Array.isArray(weights) || weights.length < 1) {
    throw new TypeError('weights must be a non-empty array (one matrix per layer)');
  }
  const count = weights.length;
  if (!Array.isArray(biases) || biases.length !== count) {
    throw new RangeError(
      `biases must have one array per layer (${count}), got ${Array.isArray(biases) ? biases.length : typeof biases}`,
    );
  }
  if (!Array.isArray(activations) || activations.length !== count) {
    throw new RangeError(
      `activations must have one entry per layer (${count}), got ${Array.isArray(activations) ? activations.length : typeof activations}`,
    );
  }
  const first = weights[0]?.[0];
  const sizes: number[] = [Array.isArray(first) ? first.length : 0];
  const layers: Layer[] = [];
  for (let l = 0; l < count; l++) {
    const rows = weights[l];
    const nIn = sizes[l] as number;
    if (!Array.isArray(rows) || rows.length < 1)
      throw new TypeError(`weights[${l}] must be a non-empty array of rows`);
    const nOut = rows.length;
    const b = biases[l];
    if (!Array.isArray(b) || b.length !== nOut) {
      throw new RangeError(
        `biases[${l}] has ${Array.isArray(b) ? b.length : 'no'} values, expected ${nOut}`,
      );
    }
    const w = zeros(nOut, nIn, { dtype });
    const bias = zeros(1, nOut, { dtype });
    for (let j = 0; j < nOut; j++) {
      const row = rows[j];
      if (!Array.isArray(row) || row.length !== nIn) {
        throw new RangeError(
          `weights[${l}][${j}] has ${Array.isArray(row) ? row.length : 'no'} values, expected ${nIn}`,
        );
      }
      for (let k = 0; k < nIn; k++) {
        const v = row[k];
        if (typeof v !== 'number')
          throw new TypeError(`weights[${l}][${j}][${k}] must be a number, got ${typeof v}`);
        w.data[j * nIn + k] = v;
      }
      const v = b[j];
      if (typeof v !== 'number')
        throw new TypeError(`biases[${l}][${j}] must be a number, got ${typeof v}`);
      bias.data[j] = v;
    }
    sizes.push(nOut);
    layers.push({
      weights: w,
      biases: bias,
      activation: toActivation(activations[l] as ActivationLike, `activations[${l}]`),
    });
  }
  assertSizes(sizes);
  return { sizes: Object.freeze(sizes), layers: Object.freeze(layers) };
}
