/**
 * `mlisp-network` model files (format version 1), the CLI's format:
 * `{ format, version, sizes, activations, cost, weights[l][j][k], biases[l][j], meta }`.
 * Built on @mlisp/neurons' `networkFromWeights`, which validates every array.
 */
import {
  type ActivationName,
  isActivationName,
  type Network,
  networkFromWeights,
} from '@mlisp/neurons';
import { toArray } from '@mlisp/tensor';

/** A model read from a file. */
export interface ModelFile {
  network: Network;
  /** The cost the network was trained with. */
  cost: string;
  meta: Record<string, unknown>;
}

/**
 * Parses a model file's text.
 *
 * @param text - the file's contents
 * @param where - the file name, for messages
 * @throws Error saying what is wrong and where
 */
export function readModelFile(text: string, where: string): ModelFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON (${(error as Error).message})`);
  }
  const fail = (what: string) => new Error(`${where} is not an mlisp-network model file: ${what}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail('expected a JSON object');
  }
  const json = value as Record<string, unknown>;
  if (json.format !== 'mlisp-network') throw fail('"format" must be "mlisp-network"');
  if (json.version !== 1) throw fail(`unsupported "version" ${String(json.version)} (expected 1)`);
  if (typeof json.cost !== 'string') throw fail('"cost" must be a cost name');
  const activations = json.activations;
  if (!Array.isArray(activations) || !activations.every((a) => isActivationName(a))) {
    throw fail('"activations" must list one activation name per layer');
  }
  let network: Network;
  try {
    network = networkFromWeights({
      weights: json.weights as number[][][],
      biases: json.biases as number[][],
      activations: activations as ActivationName[],
    });
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (JSON.stringify(network.sizes) !== JSON.stringify(json.sizes)) {
    throw fail(
      `"sizes" ${JSON.stringify(json.sizes)} do not match the weights (${network.sizes.join('-')})`,
    );
  }
  const meta =
    json.meta && typeof json.meta === 'object' ? (json.meta as Record<string, unknown>) : {};
  return { network, cost: json.cost, meta };
}

/** The model file text of a network, as the CLI writes it. */
export function writeModelFile(
  network: Network,
  cost: string,
  meta: Record<string, unknown> = {},
): string {
  const file = {
    format: 'mlisp-network',
    version: 1,
    sizes: [...network.sizes],
    activations: network.layers.map((l) => l.activation.name),
    cost,
    weights: network.layers.map((l) => toArray(l.weights)),
    biases: network.layers.map((l) => Array.from(l.biases.data)),
    meta,
  };
  return `${JSON.stringify(file)}\n`;
}
