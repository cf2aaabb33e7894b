/**
 * Checkpoint files of `mlisp train --checkpoint/--resume`: the model, the
 * trainer's state (epoch, η, momentum velocities, random-generator state,
 * history), the run's settings, and the CLI's own epoch records and best
 * epoch (its weights), in one JSON file written atomically.
 */
import { readFileSync } from 'node:fs';
import { checkModelText, ModelFormatError, type Network } from '@mlisp/neurons';
import type { TrainerState } from '@mlisp/trainer';
import { WriteFailedError, writeFileAtomic } from './atomic.js';
import { checkConsistent, checkSettings } from './checkpoint-check.js';
import { messageOf, UsageError } from './errors.js';
import { type LoadedModel, modelFromJson, modelToJson, stripBom } from './model-file.js';
import type { ModelJson } from './model-json.js';
import type { Previous } from './train-run.js';
import type { TrainSettings } from './train-settings.js';

/** The contents of a checkpoint file. */
export interface CheckpointJson {
  format: 'mlisp-checkpoint';
  version: 1;
  settings: TrainSettings;
  model: ModelJson;
  trainer: TrainerState;
  /** The CLI's epoch records, best epoch and unfinished epoch's costs (absent in older files). */
  cli?: {
    records: Previous['records'];
    best: { epoch: number; accuracy: number; model: ModelJson } | null;
    partial: Previous['partial'];
  };
}

/** A checkpoint read back. */
export interface Checkpoint {
  settings: TrainSettings;
  model: LoadedModel;
  trainer: TrainerState;
  previous: Previous;
}

/** Writes a checkpoint atomically. */
export function writeCheckpoint(
  path: string,
  settings: TrainSettings,
  network: Network,
  trainer: TrainerState,
  previous: Previous = { records: [], best: null, partial: { costSum: 0, done: 0 } },
): void {
  const { best } = previous;
  const json: CheckpointJson = {
    format: 'mlisp-checkpoint',
    version: 1,
    settings,
    model: modelToJson(network, settings.cost),
    trainer,
    cli: {
      records: previous.records,
      best:
        best === null
          ? null
          : {
              epoch: best.epoch,
              accuracy: best.accuracy,
              model: modelToJson(best.network, settings.cost),
            },
      partial: previous.partial,
    },
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
    // Bounded by its model's declared shape before JSON.parse (weights, velocities and the best epoch's weights: 3 copies).
    checkModelText(text, { within: 'model', copies: 3 });
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
  const cli = json.cli;
  if (
    cli !== undefined &&
    (cli === null || typeof cli !== 'object' || !Array.isArray(cli.records))
  ) {
    throw fail('"cli" must hold the epoch records');
  }
  const best =
    cli?.best == null
      ? null
      : {
          epoch: cli.best.epoch,
          accuracy: cli.best.accuracy,
          network: modelFromJson(cli.best.model, `--resume '${path}' (best model)`).network,
        };
  const previous: Previous = {
    records: cli?.records ?? [],
    best,
    partial: cli?.partial ?? { costSum: 0, done: 0 },
  };
  return { settings, model, trainer: json.trainer, previous };
}

/**
 * Writes a checkpoint, or says why it could not: a full disk or a file-size
 * limit must not end the run (the model is still trained and written with
 * --out), and the file keeps its last good contents.
 *
 * @param flag - the flag that named the file, for the message
 * @returns null when written, else the message naming the flag, the file and the cause
 */
export function tryWriteCheckpoint(
  path: string,
  flag: '--checkpoint' | '--resume',
  settings: TrainSettings,
  network: Network,
  trainer: TrainerState,
  previous: Previous,
): string | null {
  try {
    writeCheckpoint(path, settings, network, trainer, previous);
    return null;
  } catch (error) {
    if (error instanceof WriteFailedError) {
      const at = `epoch ${trainer.epoch}${trainer.batch > 0 ? `, mini-batch ${trainer.batch}` : ''}`;
      return `${flag}: ${error.message}; the state after ${at} is not saved`;
    }
    throw error;
  }
}
