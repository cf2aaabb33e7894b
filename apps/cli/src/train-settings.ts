/**
 * The settings of a training run: defaults, then (when resuming) the
 * checkpoint's, then the flags; and the checks that they fit together and fit
 * the data.
 */
import { TRAINING_DEFAULTS as D } from '@mlisp/trainer';
import { UsageError } from './errors.js';
import type {
  CostName,
  DataChoice,
  FlagValues,
  HiddenActivation,
  InitChoice,
  OutputActivation,
} from './flags.js';

/** Everything that decides what a training run computes. */
export interface TrainSettings {
  sizes: number[];
  /** Activation of the hidden layers. */
  activation: HiddenActivation;
  /** Activation of the output layer. */
  output: OutputActivation;
  cost: CostName;
  eta: number;
  lambda: number;
  momentum: number;
  epochs: number;
  batch: number;
  seed: number;
  init: InitChoice;
  shuffle: boolean;
  data: DataChoice;
  /** Use the first N training samples (all when null). */
  train: number | null;
  /** Use the first N test samples (all when null). */
  test: number | null;
}

/** The README's main job, with @mlisp/trainer's TRAINING_DEFAULTS (the visualizer's too): [784,30,10], cross-entropy, η = 0.5, λ = 5, scaled init, m = 10, 30 epochs, seed 1. */
export const DEFAULT_SETTINGS: TrainSettings = {
  sizes: [...D.sizes],
  activation: D.activation,
  output: 'sigmoid',
  cost: D.cost,
  eta: D.eta,
  lambda: D.lambda,
  momentum: 0,
  epochs: D.epochs,
  batch: D.batchSize,
  seed: D.seed,
  init: { kind: 'named', name: D.init },
  shuffle: true,
  data: { kind: 'bundled' },
  train: null,
  test: null,
};

/** Flag values of `mlisp train` after parsing (undefined when not given). */
export type TrainFlags = Partial<
  Pick<
    FlagValues,
    | 'sizes'
    | 'activation'
    | 'output'
    | 'cost'
    | 'eta'
    | 'lambda'
    | 'momentum'
    | 'epochs'
    | 'batch'
    | 'seed'
    | 'init'
    | 'data'
    | 'train'
    | 'test'
  >
> & { shuffle?: boolean };

/** Settings a resumed run takes from its checkpoint and that the flags may not change. */
const FIXED_ON_RESUME = [
  'sizes',
  'activation',
  'output',
  'cost',
  'eta',
  'lambda',
  'momentum',
  'batch',
  'seed',
  'init',
  'shuffle',
] as const;

/**
 * Merges defaults, the checkpoint's settings (when resuming) and the flags.
 *
 * @throws UsageError when a flag would change a setting of a resumed run, or
 *   the output layer and the cost do not go together
 */
export function resolveSettings(flags: TrainFlags, resumed: TrainSettings | null): TrainSettings {
  if (resumed !== null) {
    for (const key of FIXED_ON_RESUME) {
      const given = flags[key];
      if (given !== undefined && JSON.stringify(given) !== JSON.stringify(resumed[key])) {
        const flag = key === 'shuffle' ? '--no-shuffle' : `--${key}`;
        throw new UsageError(
          `${flag} cannot change when resuming: the checkpoint was trained with ${key} ${JSON.stringify(resumed[key])}; only --epochs, --data, --train, --test, --out, --checkpoint and --threads may be given with --resume`,
        );
      }
    }
  }
  const base = resumed ?? DEFAULT_SETTINGS;
  const cost = flags.cost ?? base.cost;
  // log-likelihood goes with softmax outputs; the other costs with sigmoid ones.
  const output =
    flags.output ?? resumed?.output ?? (cost === 'log-likelihood' ? 'softmax' : 'sigmoid');
  if (output === 'softmax' && cost !== 'log-likelihood') {
    throw new UsageError(
      `--output softmax needs --cost log-likelihood (got --cost ${cost}); use --output sigmoid with ${cost}`,
    );
  }
  if (cost === 'log-likelihood' && output !== 'softmax') {
    throw new UsageError(`--cost log-likelihood needs --output softmax (got --output ${output})`);
  }
  return {
    sizes: flags.sizes ?? base.sizes,
    activation: flags.activation ?? base.activation,
    output,
    cost,
    eta: flags.eta ?? base.eta,
    lambda: flags.lambda ?? base.lambda,
    momentum: flags.momentum ?? base.momentum,
    epochs: flags.epochs ?? base.epochs,
    batch: flags.batch ?? base.batch,
    seed: flags.seed ?? base.seed,
    init: flags.init ?? base.init,
    shuffle: flags.shuffle ?? base.shuffle,
    data: flags.data ?? base.data,
    train: flags.train ?? base.train,
    test: flags.test ?? base.test,
  };
}

/**
 * Checks that the layer sizes fit the data (784 inputs, 10 outputs) and the
 * mini-batch fits the training set.
 */
export function checkFit(
  settings: TrainSettings,
  trainSize: number,
  inputs: number,
  classes: number,
): void {
  const { sizes } = settings;
  if (sizes[0] !== inputs) {
    throw new UsageError(
      `invalid value for --sizes: '${sizes.join(',')}' (the first layer must have ${inputs} neurons, one per pixel of a 28x28 digit, e.g. ${inputs},30,${classes})`,
    );
  }
  if (sizes[sizes.length - 1] !== classes) {
    throw new UsageError(
      `invalid value for --sizes: '${sizes.join(',')}' (the last layer must have ${classes} neurons, one per digit, e.g. ${inputs},30,${classes})`,
    );
  }
  if (settings.batch > trainSize) {
    throw new UsageError(
      `invalid value for --batch: '${settings.batch}' (larger than the ${trainSize} training samples)`,
    );
  }
}

/** A one-line description of the network and the hyper-parameters. */
export function describeSettings(s: TrainSettings): string {
  const layers =
    s.sizes.length > 2 ? `${s.activation} hidden, ${s.output} output` : `${s.output} output`;
  const init = s.init.kind === 'named' ? s.init.name : `weights of ${s.init.path}`;
  const parts = [
    `[${s.sizes.join(',')}] ${layers}`,
    `${s.cost} cost`,
    `η ${s.eta}`,
    `λ ${s.lambda}`,
    ...(s.momentum > 0 ? [`momentum ${s.momentum}`] : []),
    `mini-batch ${s.batch}`,
    `${s.epochs} epochs`,
    `${init} init`,
    `seed ${s.seed}`,
    ...(s.shuffle ? [] : ['no shuffle']),
  ];
  return parts.join(', ');
}
