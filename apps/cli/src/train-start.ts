/**
 * Where a `mlisp train` run starts: its settings, network (in the settings'
 * precision), random generator and, when resuming, the trainer state and the
 * CLI's records from the checkpoint.
 */
import { CLASSES, IMAGE_PIXELS } from '@mlisp/mnist';
import { cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import type { TrainerState } from '@mlisp/trainer';
import type { Checkpoint } from './checkpoint.js';
import { UsageError } from './errors.js';
import { readModel } from './model-file.js';
import type { Previous } from './train-run.js';
import { resolveSettings, type TrainFlags, type TrainSettings } from './train-settings.js';

/** What a run starts from. */
export interface Start {
  settings: TrainSettings;
  network: Network;
  rng: Rng;
  resumeFrom: TrainerState | undefined;
  previous: Previous;
}

const NOTHING_BEFORE: Previous = { records: [], best: null, partial: { costSum: 0, done: 0 } };

/** The network in the settings' precision (a copy when it is not already). */
function inPrecision(network: Network, settings: TrainSettings): Network {
  const dtype = settings.precision === 'f32' ? 'float32' : 'float64';
  const current = network.layers[0]?.weights.data instanceof Float32Array ? 'float32' : 'float64';
  return current === dtype ? network : cloneNetwork(network, dtype);
}

/**
 * The settings, network and generator of a new run, or those of the checkpoint resumed.
 *
 * @throws UsageError for flags that do not fit the checkpoint or the --init model
 */
export function prepareStart(flags: TrainFlags, resumed: Checkpoint | null): Start {
  let settings = resolveSettings(flags, resumed?.settings ?? null);
  if (resumed !== null) {
    // Equal is allowed: a run stopped after its last checkpoint but before saving
    // the model then only evaluates and writes --out.
    if (resumed.trainer.epoch > settings.epochs) {
      throw new UsageError(
        `invalid value for --epochs: '${settings.epochs}' (the checkpoint has already trained ${resumed.trainer.epoch} epochs; give a total of at least ${resumed.trainer.epoch} with --epochs)`,
      );
    }
    const best = resumed.previous.best;
    return {
      settings,
      network: inPrecision(resumed.model.network, settings),
      rng: Rng.fromState(resumed.trainer.rng),
      resumeFrom: resumed.trainer,
      previous: {
        ...resumed.previous,
        best: best === null ? null : { ...best, network: inPrecision(best.network, settings) },
      },
    };
  }
  const rng = new Rng(settings.seed);
  if (settings.init.kind === 'file') {
    const model = readModel(settings.init.path, '--init');
    const sizes = [...model.network.sizes];
    if (sizes[0] !== IMAGE_PIXELS || sizes[sizes.length - 1] !== CLASSES) {
      throw new UsageError(
        `--init: '${settings.init.path}' has sizes [${sizes.join(',')}], but digits need ${IMAGE_PIXELS} inputs and ${CLASSES} outputs`,
      );
    }
    if (flags.sizes !== undefined && flags.sizes.join(',') !== sizes.join(',')) {
      throw new UsageError(
        `--sizes ${flags.sizes.join(',')} does not match the model given with --init (${sizes.join(',')}); leave out --sizes to use the model's`,
      );
    }
    const names = model.network.layers.map((l) => l.activation.name);
    refuseInitConflicts(flags, names);
    settings = {
      ...settings,
      sizes,
      activation: (names.length > 1
        ? names[0]
        : settings.activation) as TrainSettings['activation'],
      output: names[names.length - 1] as TrainSettings['output'],
    };
    const network = inPrecision(model.network, settings);
    return { settings, network, rng, resumeFrom: undefined, previous: NOTHING_BEFORE };
  }
  const network = createNetwork(settings.sizes, {
    activation: settings.activation,
    outputActivation: settings.output,
    init: settings.init.name,
    rng,
    dtype: settings.precision === 'f32' ? 'float32' : 'float64',
  });
  return { settings, network, rng, resumeFrom: undefined, previous: NOTHING_BEFORE };
}

/** Refuses --activation / --output that differ from the layers of the --init model. */
function refuseInitConflicts(flags: TrainFlags, names: readonly string[]): void {
  const given = [
    ['--activation', flags.activation, names.length > 1 ? names[0] : undefined],
    ['--output', flags.output, names[names.length - 1]],
  ] as const;
  for (const [flag, value, model] of given) {
    if (value !== undefined && model !== undefined && value !== model) {
      throw new UsageError(
        `${flag} ${value} does not match the model given with --init (${model}); leave out ${flag} to use the model's`,
      );
    }
  }
}
