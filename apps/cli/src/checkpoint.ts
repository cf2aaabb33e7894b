/**
 * Checkpoint files of `mlisp train --checkpoint/--resume`: the model, the
 * trainer's state (epoch, η, momentum velocities, random-generator state,
 * history), the run's settings, and the CLI's own epoch records and best
 * epoch (its weights), in one JSON file written atomically.
 */
import { readFileSync } from 'node:fs';
import type { Network } from '@mlisp/neurons';
import type { TrainerState } from '@mlisp/trainer';
import { writeFileAtomic } from './atomic.js';
import { messageOf, UsageError } from './errors.js';
import { type LoadedModel, modelFromJson, modelToJson } from './model-file.js';
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
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
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
  const model = modelFromJson(json.model, `--resume '${path}' (model)`);
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
  return { settings: json.settings, model, trainer: json.trainer, previous };
}
