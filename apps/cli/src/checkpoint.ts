/**
 * Checkpoint files of `mlisp train --checkpoint/--resume`: the model, the
 * trainer's state (epoch, η, momentum velocities, random-generator state,
 * history) and the run's settings, in one JSON file written atomically.
 */
import { readFileSync } from 'node:fs';
import { checkModelText, ModelFormatError, type Network } from '@mlisp/neurons';
import type { TrainerState } from '@mlisp/trainer';
import { WriteFailedError, writeFileAtomic } from './atomic.js';
import { checkConsistent, checkSettings } from './checkpoint-check.js';
import { messageOf, UsageError } from './errors.js';
import { type LoadedModel, modelFromJson, modelToJson, stripBom } from './model-file.js';
import type { ModelJson } from './model-json.js';
import type { TrainSettings } from './train-settings.js';

/** The contents of a checkpoint file. */
export interface CheckpointJson {
  format: 'mlisp-checkpoint';
  version: 1;
  settings: TrainSettings;
  model: ModelJson;
  trainer: TrainerState;
}

/** A checkpoint read back. */
export interface Checkpoint {
  settings: TrainSettings;
  model: LoadedModel;
  trainer: TrainerState;
}

/** Writes a checkpoint atomically. */
export function writeCheckpoint(
  path: string,
  settings: TrainSettings,
  network: Network,
  trainer: TrainerState,
): void {
  const json: CheckpointJson = {
    format: 'mlisp-checkpoint',
    version: 1,
    settings,
    model: modelToJson(network, settings.cost),
    trainer,
  };
  writeFileAtomic(path, `${JSON.stringify(json)}\n`);
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 *
 * @throws UsageError naming the file when it is not a checkpoint
 */
export function readCheckpoint(path: string): Checkpoint {
  const fail = (what: string) =>
    new UsageError(`--resume: '${path}' is not an mlisp checkpoint file: ${what}`);
  const text = stripBom(readFileSync(path, 'utf8'));
  try {
    // Bounded by its model's declared shape before JSON.parse (weights and velocities: 2 copies).
    checkModelText(text, { within: 'model', copies: 2 });
  } catch (error) {
    if (error instanceof ModelFormatError) throw fail(error.message);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw fail(messageOf(error));
  }
  const json = value as Partial<CheckpointJson> | null;
  if (json === null || typeof json !== 'object') throw fail('expected a JSON object');
  if (json.format !== 'mlisp-checkpoint') {
    throw fail(
      json.format === 'mlisp-network'
        ? 'it is a model file; start from its weights with --init instead'
        : '"format" must be "mlisp-checkpoint"',
    );
  }
  if (json.version !== 1) throw fail(`unsupported "version" ${String(json.version)}`);
  if (json.settings === undefined || typeof json.settings !== 'object') throw fail('no "settings"');
  if (json.trainer === undefined || typeof json.trainer !== 'object')
    throw fail('no "trainer" state');
  const settings = checkSettings(json.settings, fail);
  const model = modelFromJson(json.model, `--resume '${path}' (model)`);
  checkConsistent(settings, model, json.trainer, fail);
  return { settings, model, trainer: json.trainer };
}

/**
 * Writes a checkpoint, or says why it could not: a full disk or a file-size
 * limit must not end the run (the model is still trained and written with
 * --out), and the file keeps its last good contents.
 *
 * @returns null when written, else the message naming the file and the cause
 */
export function tryWriteCheckpoint(
  path: string,
  settings: TrainSettings,
  network: Network,
  trainer: TrainerState,
): string | null {
  try {
    writeCheckpoint(path, settings, network, trainer);
    return null;
  } catch (error) {
    if (error instanceof WriteFailedError) {
      const at = `epoch ${trainer.epoch}${trainer.batch > 0 ? `, mini-batch ${trainer.batch}` : ''}`;
      return `--checkpoint: ${error.message}; the state after ${at} is not saved`;
    }
    throw error;
  }
}
