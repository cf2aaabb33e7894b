/**
 * Reading and writing model files (`mlisp-network` JSON, the format of
 * @mlisp/neurons; network2.py's JSON and checkpoints are read too, through
 * @mlisp/formats) for the commands: a malformed file becomes a usage error
 * naming the file and what is wrong, writes are atomic.
 */
import { readFileSync } from 'node:fs';
import { parseModelFile } from '@mlisp/formats';
import {
  type CostName,
  checkModelText,
  ModelFormatError,
  type Network,
  parseModel,
  toModelJson,
} from '@mlisp/neurons';
import { writeFileAtomic } from './atomic.js';
import { messageOf, UsageError } from './errors.js';
import type { ModelJson } from './model-json.js';

/** A model read from a file: the network, its cost, and the file's JSON. */
export interface LoadedModel {
  network: Network;
  cost: CostName;
  json: ModelJson;
}

/** The model file contents of `network`. */
export function modelToJson(
  network: Network,
  cost: string,
  meta: Record<string, unknown> = {},
): ModelJson {
  return toModelJson(network, { cost: cost as CostName, meta });
}

/**
 * `read()`, with a ModelFormatError turned into a UsageError saying what is
 * wrong and `where` (the flag and the file).
 */
function usable<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelFormatError) {
      throw new UsageError(`${where}: not a usable model file: ${error.message}`);
    }
    throw error;
  }
}

/** The loaded model of a parsed network, its cost and its metadata. */
function loaded(parsed: {
  network: Network;
  cost: CostName;
  meta: Record<string, unknown>;
}): LoadedModel {
  return {
    network: parsed.network,
    cost: parsed.cost,
    json: toModelJson(parsed.network, { cost: parsed.cost, meta: parsed.meta }),
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
  return usable(where, () => loaded(parseModel(value)));
}

/** `text` without a leading byte-order mark (editors on Windows add one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Which files a command takes as its model. */
export interface ReadModelOptions {
  /** Take the model a training checkpoint holds (eval, predict, export); default false (--init). */
  checkpoint?: boolean;
}

/**
 * Reads a model file: an mlisp model file, the JSON network2.py's `save()`
 * writes, or (with `options.checkpoint`) a training checkpoint.
 *
 * @param path - the file (already checked to exist)
 * @param flag - the flag or argument that named it, for messages
 * @param options - whether a checkpoint is accepted
 * @throws UsageError naming the file and what is wrong with it
 */
export function readModel(path: string, flag: string, options: ReadModelOptions = {}): LoadedModel {
  const text = stripBom(readFileSync(path, 'utf8'));
  const where = `${flag} '${path}'`;
  // Bounded by its declared shape before JSON.parse builds anything.
  usable(where, () => checkModelText(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${flag}: '${path}' is not a JSON model file (${messageOf(error)}); expected an mlisp model file, network2.py JSON or a checkpoint`,
    );
  }
  if (
    options.checkpoint !== true &&
    (value as { format?: unknown } | null)?.format === 'mlisp-checkpoint'
  ) {
    throw new UsageError(
      `${flag}: '${path}' is a training checkpoint, not a model file${flag === '--init' ? '; continue it with --resume' : '; save a model with mlisp train --out FILE'}`,
    );
  }
  return usable(where, () => loaded(parseModelFile(value)));
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
