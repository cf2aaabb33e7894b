/**
 * Checks of a checkpoint's contents before a run resumes from it: the
 * settings (each through the same parser its flag uses), and that the model
 * and the trainer state belong to those settings (sizes, activations, cost,
 * momentum velocities), so that a damaged or hand-edited checkpoint is
 * refused naming --resume instead of resuming a different run.
 */
import type { UsageError } from './errors.js';
import {
  COSTS,
  FLAGS,
  HIDDEN_ACTIVATIONS,
  INITIALISERS,
  OUTPUT_ACTIVATIONS,
  PRECISIONS,
  REGULARIZATIONS,
} from './flags.js';
import type { LoadedModel } from './model-file.js';
import type { TrainSettings } from './train-settings.js';

type Fail = (what: string) => UsageError;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Runs `value` (a number from the JSON) through the parser of `key`'s flag. */
function viaFlag(
  key:
    | 'eta'
    | 'lambda'
    | 'momentum'
    | 'epochs'
    | 'batch'
    | 'seed'
    | 'train'
    | 'test'
    | 'validation'
    | 'earlyStop'
    | 'etaSchedule',
  value: unknown,
  fail: Fail,
): number {
  if (typeof value !== 'number') {
    throw fail(`settings.${key} must be a number, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  try {
    return FLAGS[key](String(value), `settings.${key}`);
  } catch (error) {
    throw fail((error as Error).message);
  }
}

function oneOf<T extends string>(names: readonly T[], key: string, value: unknown, fail: Fail): T {
  if (!(names as readonly unknown[]).includes(value)) {
    throw fail(
      `settings.${key} is ${JSON.stringify(value) ?? 'missing'}, expected one of ${names.join(', ')}`,
    );
  }
  return value as T;
}

function dropoutOf(value: unknown, fail: Fail): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw fail('settings.dropout must be a number');
  try {
    return FLAGS.dropout(String(value), 'settings.dropout');
  } catch (error) {
    throw fail((error as Error).message);
  }
}

/**
 * The settings of a checkpoint, checked field by field.
 *
 * @param value - the checkpoint's `settings`
 * @param fail - makes the error naming the file
 */
export function checkSettings(value: unknown, fail: Fail): TrainSettings {
  if (!isObject(value)) throw fail('"settings" must be an object');
  const sizes = value.sizes;
  if (!Array.isArray(sizes) || !sizes.every((n) => typeof n === 'number')) {
    throw fail('settings.sizes must be an array of layer sizes');
  }
  let checkedSizes: number[];
  try {
    checkedSizes = FLAGS.sizes(sizes.join(','), 'settings.sizes');
  } catch (error) {
    throw fail((error as Error).message);
  }
  const init = value.init;
  if (
    !isObject(init) ||
    !(
      (init.kind === 'named' && (INITIALISERS as readonly unknown[]).includes(init.name)) ||
      (init.kind === 'file' && typeof init.path === 'string')
    )
  ) {
    throw fail('settings.init must be a named initialiser or a model file');
  }
  const data = value.data;
  if (
    !isObject(data) ||
    !(data.kind === 'bundled' || (data.kind === 'dir' && typeof data.path === 'string'))
  ) {
    throw fail('settings.data must be the bundled digits or a folder');
  }
  if (typeof value.shuffle !== 'boolean') throw fail('settings.shuffle must be true or false');
  const limit = (key: 'train' | 'test' | 'validation' | 'earlyStop' | 'etaSchedule') =>
    value[key] === null || value[key] === undefined ? null : viaFlag(key, value[key], fail);
  const flag = (key: 'monitorTest' | 'expand') => {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') {
      throw fail(`settings.${key} must be true or false`);
    }
    return value[key] === true;
  };
  return {
    sizes: checkedSizes,
    activation: oneOf(HIDDEN_ACTIVATIONS, 'activation', value.activation, fail),
    output: oneOf(OUTPUT_ACTIVATIONS, 'output', value.output, fail),
    cost: oneOf(COSTS, 'cost', value.cost, fail),
    eta: viaFlag('eta', value.eta, fail),
    lambda: viaFlag('lambda', value.lambda, fail),
    momentum: viaFlag('momentum', value.momentum, fail),
    epochs: viaFlag('epochs', value.epochs, fail),
    batch: viaFlag('batch', value.batch, fail),
    seed: viaFlag('seed', value.seed, fail),
    init: init as TrainSettings['init'],
    shuffle: value.shuffle,
    data: data as TrainSettings['data'],
    train: limit('train'),
    test: limit('test'),
    // Checkpoints written before these settings existed trained in float64, without them.
    precision:
      value.precision === undefined ? 'f64' : oneOf(PRECISIONS, 'precision', value.precision, fail),
    regularization:
      value.regularization === undefined
        ? 'l2'
        : oneOf(REGULARIZATIONS, 'regularization', value.regularization, fail),
    dropout: dropoutOf(value.dropout, fail),
    validation: limit('validation'),
    earlyStop: limit('earlyStop'),
    etaSchedule: limit('etaSchedule'),
    monitorTest: flag('monitorTest'),
    expand: flag('expand'),
  };
}

/**
 * Checks that the checkpoint's model and trainer state belong to its
 * settings: same layer sizes, activations and cost, and momentum velocities
 * of the right shape when the run uses momentum.
 */
export function checkConsistent(
  settings: TrainSettings,
  model: LoadedModel,
  trainer: unknown,
  fail: Fail,
): void {
  const sizes = model.network.sizes;
  if (sizes.join(',') !== settings.sizes.join(',')) {
    throw fail(
      `its model has sizes [${sizes.join(',')}] but its settings say [${settings.sizes.join(',')}]`,
    );
  }
  const names = model.network.layers.map((l) => l.activation.name);
  const expected = [...names.slice(0, -1).map(() => settings.activation), settings.output];
  if (names.join(',') !== expected.join(',')) {
    throw fail(
      `its model's activations are ${names.join(', ')} but its settings say ${expected.join(', ')}`,
    );
  }
  if (model.cost !== settings.cost) {
    throw fail(`its model's cost is ${model.cost} but its settings say ${settings.cost}`);
  }
  if (!isObject(trainer)) throw fail('"trainer" must be an object');
  const v = trainer.velocities;
  if (settings.momentum === 0) {
    if (v !== null) throw fail('trainer.velocities must be null for a run without momentum');
    return;
  }
  if (!isObject(v) || !Array.isArray(v.weights) || !Array.isArray(v.biases)) {
    throw fail(
      `trainer.velocities are missing, but the run uses momentum ${settings.momentum}: resuming without them would not continue the same run`,
    );
  }
  const layers = model.network.layers;
  if (v.weights.length !== layers.length || v.biases.length !== layers.length) {
    throw fail(`trainer.velocities must have one entry per layer (${layers.length})`);
  }
  layers.forEach((layer, l) => {
    for (const [part, values, n] of [
      ['weights', (v.weights as unknown[])[l], layer.weights.data.length],
      ['biases', (v.biases as unknown[])[l], layer.biases.data.length],
    ] as const) {
      if (
        !Array.isArray(values) ||
        values.length !== n ||
        !values.every((x) => typeof x === 'number' && Number.isFinite(x))
      ) {
        throw fail(`trainer.velocities.${part}[${l}] must be ${n} finite numbers`);
      }
    }
  });
}
