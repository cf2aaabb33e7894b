/**
 * One reader for every JSON file that holds a model: an `mlisp-network`
 * model file, network2.py's JSON, or an `mlisp-checkpoint` (whose `model`
 * field is a model file).
 */
import { checkModelText, ModelFormatError, type ParsedModel, parseModel } from '@mlisp/neurons';
import { fromNetwork2, isNetwork2Json } from './network2.js';

/** The kinds of JSON file {@link parseModelFile} reads. */
export type ModelFileKind = 'mlisp-network' | 'network2' | 'mlisp-checkpoint';

/** A model read by {@link parseModelFile}: the network, its cost, metadata and the kind of file. */
export interface ModelFile extends ParsedModel {
  /** Which format the file was in. */
  kind: ModelFileKind;
}

/**
 * Reads the model in any JSON file MLISP or network2.py writes:
 *
 * - `{"format": "mlisp-network", ...}`, the model file of `@mlisp/neurons`
 *   (`mlisp train --out`);
 * - `{"sizes", "weights", "biases", "cost"}`, written by network2.py's `save()`;
 * - `{"format": "mlisp-checkpoint", "model": ...}` (`mlisp train --checkpoint`):
 *   the model it holds.
 *
 * @param value - the parsed JSON, or its text (whose declared sizes bound the work of
 *   parsing it, see `checkModelText` of @mlisp/neurons)
 * @returns the network, cost, metadata and which kind of file it was
 * @throws ModelFormatError saying what is wrong and where, and which formats
 *   are read when the JSON is none of them
 */
export function parseModelFile(value: unknown): ModelFile {
  let json = value;
  if (typeof value === 'string') {
    checkModelText(value); // bounded by its declared sizes before JSON.parse builds anything
    try {
      json = JSON.parse(value);
    } catch (error) {
      throw new ModelFormatError(`not JSON (${(error as Error).message})`, '');
    }
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format === 'mlisp-network') return { ...parseModel(json), kind: 'mlisp-network' };
  if (format === 'mlisp-checkpoint') {
    const model = (json as { model?: unknown }).model;
    if (model === undefined) {
      throw new ModelFormatError('an mlisp-checkpoint without a "model" field', 'model');
    }
    try {
      return { ...parseModel(model), kind: 'mlisp-checkpoint' };
    } catch (error) {
      if (error instanceof ModelFormatError) {
        const path = error.path === '' ? 'model' : `model.${error.path}`;
        throw new ModelFormatError(`the checkpoint's model: ${error.message}`, path);
      }
      throw error;
    }
  }
  if (isNetwork2Json(json)) return { ...fromNetwork2(json), kind: 'network2' };
  const what =
    json === null || typeof json !== 'object' || Array.isArray(json)
      ? `JSON ${Array.isArray(json) ? 'array' : String(json === null ? 'null' : typeof json)}`
      : format !== undefined
        ? `"format": ${JSON.stringify(format)}`
        : `an object with the fields ${Object.keys(json).slice(0, 6).join(', ') || '(none)'}`;
  throw new ModelFormatError(
    `${what} is not a model: expected an mlisp-network model file ("format": "mlisp-network"), an mlisp-checkpoint, or network2.py JSON (sizes, weights, biases, cost)`,
    '',
  );
}
