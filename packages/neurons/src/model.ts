import { type DType, zeros } from '@mlisp/tensor';
import { activationByName, isActivationName } from './activations.js';
import { checkModelText } from './model-bounds.js';
import type { ActivationName, CostName, Layer, Network } from './types.js';

/** The `format` field of every model file. */
export const MODEL_FORMAT = 'mlisp-network';
/** The model file version this package writes and reads. */
export const MODEL_VERSION = 1;
/** The cost names a model file may record. */
export const MODEL_COST_NAMES: readonly CostName[] = Object.freeze([
  'quadratic',
  'cross-entropy',
  'log-likelihood',
]);

/**
 * A model file (`mlisp-network`, version 1) as a plain object. `weights[l][j][k]`
 * is the weight from neuron k of layer l to neuron j of layer l+1 (one array per
 * neuron j), `biases[l][j]` the bias of neuron j of layer l+1.
 */
export interface ModelJson {
  format: 'mlisp-network';
  version: 1;
  /** Neurons per layer, inputs first. */
  sizes: number[];
  /** One activation name per layer after the inputs. */
  activations: ActivationName[];
  /** The cost the network was (or is to be) trained with. */
  cost: CostName;
  weights: number[][][];
  biases: number[][];
  /** Free-form JSON metadata (training options, accuracy, dates...). */
  meta: Record<string, unknown>;
}

/** Options of {@link toModelJson} and {@link serializeModel}. */
export interface ModelOptions {
  /** The cost to record: `'quadratic'`, `'cross-entropy'` or `'log-likelihood'`. */
  cost: CostName;
  /** Free-form JSON metadata (a plain object). Default `{}`. */
  meta?: Record<string, unknown>;
}

/** What {@link parseModel} returns. */
export interface ParsedModel {
  network: Network;
  cost: CostName;
  meta: Record<string, unknown>;
}

/**
 * Thrown when a model file is malformed; the message says what is wrong and
 * where (e.g. `weights[1][3] has 29 values, expected 30`), and `path` names
 * the offending field (empty for the file as a whole).
 */
export class ModelFormatError extends Error {
  /** The offending field, e.g. `weights[1][3]`; empty for the file as a whole. */
  readonly path: string;

  /**
   * @param message - what is wrong, and where
   * @param path - the offending field
   */
  constructor(message: string, path: string) {
    super(message);
    this.name = 'ModelFormatError';
    this.path = path;
  }
}

/**
 * The model file of `network` as a plain object, in the field order of the format.
 *
 * @param network - the network (every activation must be a built-in one)
 * @param options - the cost to record and free-form metadata
 * @throws TypeError for an unknown cost, a custom activation or metadata that is not a JSON object
 */
export function toModelJson(network: Network, options: ModelOptions): ModelJson {
  if (options === null || typeof options !== 'object' || !MODEL_COST_NAMES.includes(options.cost)) {
    throw new TypeError(
      `toModelJson: options.cost must be one of ${MODEL_COST_NAMES.join(', ')}, got ${String(options?.cost)}`,
    );
  }
  const activations = network.layers.map((layer, l) => {
    const name = layer.activation.name;
    if (!isActivationName(name) || activationByName(name) !== layer.activation) {
      throw new TypeError(
        `toModelJson: layer ${l + 1} has a custom activation '${String(name)}' that a model file cannot name`,
      );
    }
    return name;
  });
  const meta = options.meta ?? {};
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new TypeError('toModelJson: options.meta must be a plain object');
  }
  let metaCopy: Record<string, unknown>;
  try {
    metaCopy = JSON.parse(JSON.stringify(meta)) as Record<string, unknown>;
  } catch (e) {
    throw new TypeError(
      `toModelJson: options.meta is not JSON-serialisable (${(e as Error).message})`,
    );
  }
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    sizes: [...network.sizes],
    activations,
    cost: options.cost,
    weights: network.layers.map((layer) => {
      const { rows, cols, data } = layer.weights;
      const out: number[][] = [];
      for (let j = 0; j < rows; j++) out.push(Array.from(data.subarray(j * cols, (j + 1) * cols)));
      return out;
    }),
    biases: network.layers.map((layer) => Array.from(layer.biases.data)),
    meta: metaCopy,
  };
}

/**
 * The model file of `network` as JSON text (see {@link toModelJson}). Numbers
 * are written with full precision, so {@link parseModel} restores them exactly.
 *
 * @param network - the network
 * @param options - the cost to record and free-form metadata
 */
export function serializeModel(network: Network, options: ModelOptions): string {
  return JSON.stringify(toModelJson(network, options));
}

const FIELDS = ['format', 'version', 'sizes', 'activations', 'cost', 'weights', 'biases', 'meta'];
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

function fail(path: string, what: string): never {
  throw new ModelFormatError(path === '' ? `model file: ${what}` : `${path} ${what}`, path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How deeply objects and arrays may nest in a model file (weights need 3 levels). */
const MAX_DEPTH = 64;

/**
 * Rejects `__proto__`, `constructor` and `prototype` keys anywhere inside
 * `value`, and nesting deeper than {@link MAX_DEPTH} (walked iteratively).
 */
function rejectPollution(value: unknown, path: string): void {
  const stack: [unknown, string, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [v, p, depth] = stack.pop() as [unknown, string, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) fail(p, `is nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], `${p}[${i}]`, depth + 1]);
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      const at = p === '' ? key : `${p}.${key}`;
      if (FORBIDDEN.includes(key)) {
        fail(at, `is a forbidden key ("${key}" could pollute prototypes)`);
      }
      stack.push([(v as Record<string, unknown>)[key], at, depth + 1]);
    }
  }
}

function arrayOf(value: unknown, path: string, length: number, unit: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  if (value.length !== length) fail(path, `has ${value.length} ${unit}, expected ${length}`);
  return value;
}

function finiteNumbers(value: unknown, path: string, length: number): number[] {
  const row = arrayOf(value, path, length, 'values');
  for (let k = 0; k < row.length; k++) {
    const v = row[k];
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`${path}[${k}]`, `must be a finite number, got ${describe(v)}`);
  }
  return row as number[];
}

/**
 * Reads a model file: checks every field — format and version, sizes (positive
 * integers, at least 2), activations (known names, one per layer), cost name,
 * the shape of every weight and bias array against sizes, finite numbers (no
 * strings, nulls or infinities), and no `__proto__` / `constructor` /
 * `prototype` keys — before allocating anything from the sizes it declares.
 * Text is first bounded by its declared shape (see {@link checkModelText}), so
 * an absurd or padded file is refused before `JSON.parse`; a leading
 * byte-order mark is skipped.
 *
 * @param input - the JSON text, or the already-parsed object
 * @param options - `dtype` of the network's weights (default `'float64'`)
 * @returns the network, the recorded cost and the metadata
 * @throws ModelFormatError saying exactly what is wrong and where
 */
export function parseModel(input: string | unknown, options: { dtype?: DType } = {}): ParsedModel {
  let root: unknown = input;
  if (typeof input === 'string') {
    // A byte-order mark (Windows editors write one) is not part of the JSON.
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    checkModelText(text);
    try {
      root = JSON.parse(text);
    } catch (e) {
      fail('', `is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isPlainObject(root)) fail('', `must be a JSON object, got ${describe(root)}`);
  rejectPollution(root, '');
  for (const key of Object.keys(root)) {
    if (!FIELDS.includes(key))
      fail(key, `is not a field of an mlisp-network model file (expected ${FIELDS.join(', ')})`);
  }
  if (root.format !== MODEL_FORMAT)
    fail('format', `must be "${MODEL_FORMAT}", got ${describe(root.format)}`);
  if (root.version !== MODEL_VERSION) {
    fail(
      'version',
      `must be ${MODEL_VERSION} (the version this reader understands), got ${describe(root.version)}`,
    );
  }
  const sizesValue = root.sizes;
  if (!Array.isArray(sizesValue)) fail('sizes', `must be an array, got ${describe(sizesValue)}`);
  if (sizesValue.length < 2)
    fail('sizes', `must have at least 2 entries (inputs and outputs), got ${sizesValue.length}`);
  sizesValue.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
      fail(`sizes[${i}]`, `must be a positive integer, got ${describe(n)}`);
    }
  });
  const sizes = sizesValue as number[];
  const count = sizes.length - 1;
  const names = arrayOf(root.activations, 'activations', count, 'entries');
  names.forEach((name, l) => {
    if (!isActivationName(name)) {
      fail(
        `activations[${l}]`,
        `is ${describe(name)}, not a known activation (step, sigmoid, tanh, relu, leaky-relu, linear, softmax)`,
      );
    }
  });
  if (!MODEL_COST_NAMES.includes(root.cost as CostName)) {
    fail('cost', `is ${describe(root.cost)}, not one of ${MODEL_COST_NAMES.join(', ')}`);
  }
  const weights = arrayOf(root.weights, 'weights', count, 'layers');
  const biases = arrayOf(root.biases, 'biases', count, 'layers');
  for (let l = 0; l < count; l++) {
    const rows = arrayOf(weights[l], `weights[${l}]`, sizes[l + 1] as number, 'rows');
    for (let j = 0; j < rows.length; j++)
      finiteNumbers(rows[j], `weights[${l}][${j}]`, sizes[l] as number);
    finiteNumbers(biases[l], `biases[${l}]`, sizes[l + 1] as number);
  }
  const meta = root.meta === undefined ? {} : root.meta;
  if (!isPlainObject(meta)) fail('meta', `must be an object, got ${describe(meta)}`);
  let metaCopy: Record<string, unknown>;
  try {
    // An already-parsed object may hold what JSON cannot (a BigInt, a throwing toJSON).
    metaCopy = JSON.parse(JSON.stringify(meta)) as Record<string, unknown>;
  } catch (e) {
    fail('meta', `is not JSON-serialisable (${e instanceof Error ? e.message : String(e)})`);
  }
  // Everything is checked: the sizes match arrays that exist, so allocating from them is safe.
  const dtype = options.dtype ?? 'float64';
  const layers: Layer[] = [];
  for (let l = 0; l < count; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const w = zeros(nOut, nIn, { dtype });
    const rows = weights[l] as number[][];
    for (let j = 0; j < nOut; j++) w.data.set(rows[j] as number[], j * nIn);
    const b = zeros(1, nOut, { dtype });
    b.data.set(biases[l] as number[]);
    layers.push({ weights: w, biases: b, activation: activationByName(names[l] as string) });
  }
  return {
    network: { sizes: Object.freeze([...sizes]), layers: Object.freeze(layers) },
    cost: root.cost as CostName,
    meta: metaCopy,
  };
}
