/**
 * Reading and writing model files (`mlisp-network` JSON) for the commands:
 * parse errors become usage errors naming the file, writes are atomic.
 */
import { readFileSync } from 'node:fs';
import { type Network, networkFromWeights } from '@mlisp/neurons';
import { toArray } from '@mlisp/tensor';
import { writeFileAtomic } from './atomic.js';
import { messageOf, UsageError } from './errors.js';
import type { ModelJson } from './model-json.js';

/** A model read from a file: the network, its cost, and the file's JSON. */
export interface LoadedModel {
  network: Network;
  cost: string;
  json: ModelJson;
}

/** The model file contents of `network`. */
export function modelToJson(
  network: Network,
  cost: string,
  meta: Record<string, unknown> = {},
): ModelJson {
  return {
    format: 'mlisp-network',
    version: 1,
    sizes: [...network.sizes],
    activations: network.layers.map((l) => l.activation.name),
    cost,
    weights: network.layers.map((l) => toArray(l.weights)),
    biases: network.layers.map((l) => Array.from(l.biases.data)),
    meta,
  };
}

/**
 * The network a model file's JSON describes.
 *
 * @param value - the parsed JSON
 * @param where - the file, for messages
 * @throws UsageError saying what is wrong and where
 */
export function modelFromJson(value: unknown, where: string): LoadedModel {
  const fail = (what: string) => new UsageError(`${where}: not a usable mlisp model file: ${what}`);
  if (value === null || typeof value !== 'object') throw fail('expected a JSON object');
  const json = value as ModelJson;
  if (json.format !== 'mlisp-network') throw fail(`"format" must be "mlisp-network"`);
  if (json.version !== 1) throw fail(`unsupported "version" ${String(json.version)} (expected 1)`);
  if (typeof json.cost !== 'string') throw fail('"cost" must be a cost name');
  try {
    const network = networkFromWeights({
      weights: json.weights,
      biases: json.biases,
      activations: json.activations as never,
    });
    if (JSON.stringify(network.sizes) !== JSON.stringify(json.sizes)) {
      throw new Error(
        `"sizes" ${JSON.stringify(json.sizes)} do not match the weights (${JSON.stringify(network.sizes)})`,
      );
    }
    return { network, cost: json.cost, json };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw fail(messageOf(error));
  }
}

/**
 * Reads a model file.
 *
 * @param path - the file (already checked to exist)
 * @param flag - the flag or argument that named it, for messages
 */
export function readModel(path: string, flag: string): LoadedModel {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag}: '${path}' is not a JSON model file (${messageOf(error)})`);
  }
  return modelFromJson(value, `${flag} '${path}'`);
}

/** Writes `network` as a model file, atomically. */
export function writeModel(
  path: string,
  network: Network,
  cost: string,
  meta: Record<string, unknown> = {},
): void {
  writeFileAtomic(path, `${JSON.stringify(modelToJson(network, cost, meta))}\n`);
}
