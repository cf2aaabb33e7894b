/**
 * The JSON of Nielsen's network2.py: what `Network.save(filename)` writes and
 * `load(filename)` reads: `{"sizes", "weights", "biases", "cost"}`, weights as
 * lists of rows (`weights[l][j][k]`), biases as column vectors
 * (`biases[l][j] = [b]`), the cost as its class name. Every layer is sigmoid.
 */
import {
  type CostName,
  ModelFormatError,
  type Network,
  networkFromWeights,
  type ParsedModel,
} from '@mlisp/neurons';
import { UnsupportedModelError } from './errors.js';
import { weightRows } from './layers.js';

/** The cost class names network2.py defines, and ours. */
const NETWORK2_COSTS = { QuadraticCost: 'quadratic', CrossEntropyCost: 'cross-entropy' } as const;

/** The name network2.py gives a cost class. */
export type Network2CostName = keyof typeof NETWORK2_COSTS;

/** The JSON object network2.py's `Network.save()` writes and `load()` reads. */
export interface Network2Json {
  /** Neurons per layer, inputs first. */
  sizes: number[];
  /** weights[l][j][k]: from neuron k of layer l to neuron j of layer l + 1. */
  weights: number[][][];
  /** biases[l][j] = [b]: the bias of neuron j of layer l + 1, as a one-element row (numpy column vector). */
  biases: number[][][];
  /** The cost class: `'QuadraticCost'` or `'CrossEntropyCost'`. */
  cost: Network2CostName;
}

/**
 * The network in network2.py's JSON format (load it there with
 * `network2.load(filename)`).
 *
 * @param network - a network whose layers are all sigmoid (the only neuron network2.py has)
 * @param cost - `'quadratic'` or `'cross-entropy'`, the costs network2.py defines
 * @throws UnsupportedModelError for any other activation or cost
 */
export function toNetwork2(network: Network, cost: CostName): Network2Json {
  const nonSigmoid = network.layers.findIndex((layer) => layer.activation.name !== 'sigmoid');
  if (nonSigmoid >= 0) {
    throw new UnsupportedModelError(
      'network2',
      `network2.py uses sigmoid neurons only, but layer ${nonSigmoid + 1} uses '${network.layers[nonSigmoid]?.activation.name}'`,
    );
  }
  const entry = Object.entries(NETWORK2_COSTS).find(([, ours]) => ours === cost);
  if (entry === undefined) {
    throw new UnsupportedModelError(
      'network2',
      `network2.py knows the quadratic and cross-entropy costs, not '${cost}'`,
    );
  }
  return {
    sizes: [...network.sizes],
    weights: network.layers.map((_, l) => weightRows(network, l)),
    biases: network.layers.map((layer) => Array.from(layer.biases.data, (b) => [b])),
    cost: entry[0] as Network2CostName,
  };
}

/** True when `value` looks like network2.py JSON (has `sizes`, `weights`, `biases` and `cost`, no `format`). */
export function isNetwork2Json(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.format === undefined && 'sizes' in v && 'weights' in v && 'biases' in v && 'cost' in v;
}

function fail(message: string, path: string): never {
  throw new ModelFormatError(`network2.py JSON: ${path === '' ? '' : `${path} `}${message}`, path);
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(`must be a finite number, got ${JSON.stringify(value) ?? typeof value}`, path);
  }
  return value;
}

/**
 * Reads the JSON network2.py's `save()` writes: a sigmoid network and its cost.
 *
 * @param value - the parsed JSON (or its text)
 * @returns the network (float64), the cost (`'quadratic'` or `'cross-entropy'`) and
 *   `meta: { source: 'network2.py' }`
 * @throws ModelFormatError naming the field that is missing, has the wrong
 *   shape or holds something other than a finite number, or an unknown cost
 */
export function fromNetwork2(value: unknown): ParsedModel {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch (error) {
      fail(`is not JSON (${(error as Error).message})`, '');
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail('must be an object {sizes, weights, biases, cost}', '');
  }
  const { sizes, weights, biases, cost } = json as Record<string, unknown>;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    fail('must be an array of at least 2 layer sizes', 'sizes');
  }
  sizes.forEach((n, i) => {
    if (!Number.isInteger(n) || (n as number) < 1) {
      fail(`must be a positive integer, got ${JSON.stringify(n)}`, `sizes[${i}]`);
    }
  });
  const layers = sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== layers) {
    fail(
      `must be an array of ${layers} weight matrices (one per layer after the inputs)`,
      'weights',
    );
  }
  if (!Array.isArray(biases) || biases.length !== layers) {
    fail(`must be an array of ${layers} bias vectors (one per layer after the inputs)`, 'biases');
  }
  if (typeof cost !== 'string' || !(cost in NETWORK2_COSTS)) {
    fail(
      `must be ${Object.keys(NETWORK2_COSTS).join(' or ')} (the cost classes of network2.py), got ${JSON.stringify(cost)}`,
      'cost',
    );
  }
  const w: number[][][] = [];
  const b: number[][] = [];
  for (let l = 0; l < layers; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const rows = weights[l];
    if (!Array.isArray(rows) || rows.length !== nOut) {
      fail(`must have ${nOut} rows (sizes[${l + 1}]), one per neuron`, `weights[${l}]`);
    }
    w.push(
      rows.map((row, j) => {
        if (!Array.isArray(row) || row.length !== nIn) {
          fail(`must have ${nIn} values (sizes[${l}])`, `weights[${l}][${j}]`);
        }
        return row.map((v, k) => finite(v, `weights[${l}][${j}][${k}]`));
      }),
    );
    const column = biases[l];
    if (!Array.isArray(column) || column.length !== nOut) {
      fail(`must have ${nOut} rows (sizes[${l + 1}]), one [b] per neuron`, `biases[${l}]`);
    }
    b.push(
      column.map((entry, j) => {
        if (!Array.isArray(entry) || entry.length !== 1) {
          fail('must be a one-element list [b] (a numpy column vector)', `biases[${l}][${j}]`);
        }
        return finite(entry[0], `biases[${l}][${j}][0]`);
      }),
    );
  }
  const network = networkFromWeights({
    weights: w,
    biases: b,
    activations: w.map(() => 'sigmoid' as const),
  });
  return {
    network,
    cost: NETWORK2_COSTS[cost as Network2CostName],
    meta: { source: 'network2.py' },
  };
}
