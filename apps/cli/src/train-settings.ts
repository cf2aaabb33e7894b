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
  Precision,
  Preset,
  Regularization,
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
  /** The regularisation term λ weighs: L2 (λ/2n)·Σw² or L1 (λ/n)·Σ|w|. */
  regularization: Regularization;
  /** Probability of dropping each hidden neuron while training (0: no dropout). */
  dropout: number;
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
  /** Number type the network trains in: float32 (fast) or float64 (the reference). */
  precision: Precision;
  /** Hold out the last N training samples as validation data (none when null). */
  validation: number | null;
  /** Stop after N epochs without a better watched accuracy; keep the best epoch's model (off when null). */
  earlyStop: number | null;
  /** Halve η after N epochs without a better watched accuracy, stop at η/128 (off when null). */
  etaSchedule: number | null;
  /** Score the test set after every epoch even with validation data. */
  monitorTest: boolean;
  /** Train on the book's expanded data: each image also shifted by one pixel in four directions. */
  expand: boolean;
}

/** The README's main job, with @mlisp/trainer's TRAINING_DEFAULTS (the visualizer's too): [784,30,10], cross-entropy, η = 0.5, λ = 5, scaled init, m = 10, 30 epochs, seed 1. */
export const DEFAULT_SETTINGS: TrainSettings = {
  sizes: [...D.sizes],
  activation: D.activation,
  output: 'sigmoid',
  cost: D.cost,
  eta: D.eta,
  lambda: D.lambda,
  regularization: 'l2',
  dropout: 0,
  momentum: 0,
  epochs: D.epochs,
  batch: D.batchSize,
  seed: D.seed,
  init: { kind: 'named', name: D.init },
  shuffle: true,
  data: { kind: 'bundled' },
  train: null,
  test: null,
  precision: 'f32',
  validation: null,
  earlyStop: null,
  etaSchedule: null,
  monitorTest: false,
  expand: false,
};

/**
 * The settings a checkpoint written before a setting existed was trained
 * with (float64 was the only precision then).
 */
const LEGACY: Partial<TrainSettings> = {
  regularization: 'l2',
  dropout: 0,
  precision: 'f64',
  validation: null,
  earlyStop: null,
  etaSchedule: null,
  monitorTest: false,
  expand: false,
};

/**
 * The book's settings (`--preset`): chapter 1's [784,30,10] quadratic-cost
 * network with η 3 and no regularisation, and chapter 3's [784,100,10]
 * cross-entropy network with η 0.5 and λ 5 (flags given with the preset win).
 */
export const PRESETS: Record<Preset, Partial<TrainSettings>> = {
  ch1: {
    sizes: [784, 30, 10],
    output: 'sigmoid',
    cost: 'quadratic',
    eta: 3,
    lambda: 0,
    init: { kind: 'named', name: 'normal' },
  },
  ch3: {
    sizes: [784, 100, 10],
    output: 'sigmoid',
    cost: 'cross-entropy',
    eta: 0.5,
    lambda: 5,
    init: { kind: 'named', name: 'scaled' },
  },
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
    | 'precision'
    | 'validation'
    | 'earlyStop'
    | 'etaSchedule'
    | 'preset'
    | 'regularization'
    | 'dropout'
  >
> & { shuffle?: boolean; monitorTest?: boolean; expand?: boolean };

const FLAG_OF: Partial<Record<keyof TrainSettings, string>> = {
  shuffle: '--no-shuffle',
  earlyStop: '--early-stop',
  etaSchedule: '--eta-schedule',
  monitorTest: '--monitor-test',
};

/** The flag that sets `key`. */
function flagOf(key: keyof TrainSettings): string {
  return FLAG_OF[key] ?? `--${key}`;
}

/** Settings a resumed run takes from its checkpoint and that the flags may not change. */
const FIXED_ON_RESUME = [
  'sizes',
  'activation',
  'output',
  'cost',
  'eta',
  'lambda',
  'regularization',
  'dropout',
  'momentum',
  'batch',
  'seed',
  'init',
  'shuffle',
  'precision',
  'validation',
  'earlyStop',
  'etaSchedule',
  'expand',
] as const;

/**
 * Merges defaults, the checkpoint's settings (when resuming) and the flags.
 *
 * @throws UsageError when a flag would change a setting of a resumed run, or
 *   the output layer and the cost do not go together
 */
export function resolveSettings(flags: TrainFlags, resumed: TrainSettings | null): TrainSettings {
  const saved =
    resumed === null ? null : ({ ...DEFAULT_SETTINGS, ...LEGACY, ...resumed } as TrainSettings);
  if (saved !== null) {
    if (flags.preset !== undefined) {
      throw new UsageError(
        '--preset cannot be given with --resume: the checkpoint already holds the settings',
      );
    }
    for (const key of FIXED_ON_RESUME) {
      const given = flags[key];
      if (given !== undefined && JSON.stringify(given) !== JSON.stringify(saved[key])) {
        throw new UsageError(
          `${flagOf(key)} cannot change when resuming: the checkpoint was trained with ${key} ${JSON.stringify(saved[key])}; only --epochs, --data, --train, --test, --out, --checkpoint, --history, --threads, --monitor-test and --quiet may be given with --resume`,
        );
      }
    }
  }
  const base: TrainSettings = saved ?? {
    ...DEFAULT_SETTINGS,
    ...(flags.preset === undefined ? {} : PRESETS[flags.preset]),
  };
  const { cost, output } = pairOutputAndCost(flags, base, saved !== null);
  const validation = flags.validation ?? base.validation;
  const earlyStop = flags.earlyStop ?? base.earlyStop;
  const etaSchedule = flags.etaSchedule ?? base.etaSchedule;
  return {
    sizes: flags.sizes ?? base.sizes,
    activation: flags.activation ?? base.activation,
    output,
    cost,
    eta: flags.eta ?? base.eta,
    lambda: flags.lambda ?? base.lambda,
    regularization: flags.regularization ?? base.regularization,
    dropout: flags.dropout ?? base.dropout,
    momentum: flags.momentum ?? base.momentum,
    epochs: flags.epochs ?? base.epochs,
    batch: flags.batch ?? base.batch,
    seed: flags.seed ?? base.seed,
    init: flags.init ?? base.init,
    shuffle: flags.shuffle ?? base.shuffle,
    data: flags.data ?? base.data,
    train: flags.train ?? base.train,
    test: flags.test ?? base.test,
    precision: flags.precision ?? base.precision,
    validation,
    earlyStop,
    etaSchedule,
    monitorTest: flags.monitorTest ?? base.monitorTest,
    expand: flags.expand ?? base.expand,
  };
}

/**
 * The output layer and the cost: softmax goes with log-likelihood and the
 * other costs with sigmoid outputs, so either flag alone picks its partner
 * (`--output softmax` alone means log-likelihood, `--cost log-likelihood`
 * alone a softmax output); a mismatched pair is refused.
 */
function pairOutputAndCost(
  flags: TrainFlags,
  base: TrainSettings,
  resumed: boolean,
): Pick<TrainSettings, 'cost' | 'output'> {
  const partner = (output: OutputActivation, cost: CostName) =>
    output === 'softmax' ? cost === 'log-likelihood' : cost !== 'log-likelihood';
  let cost = flags.cost ?? base.cost;
  let output = flags.output ?? base.output;
  if (!resumed && flags.cost === undefined && flags.output !== undefined) {
    if (!partner(output, cost)) cost = output === 'softmax' ? 'log-likelihood' : 'cross-entropy';
  } else if (!resumed && flags.output === undefined && flags.cost !== undefined) {
    if (!partner(output, cost)) output = cost === 'log-likelihood' ? 'softmax' : 'sigmoid';
  }
  if (output === 'softmax' && cost !== 'log-likelihood') {
    throw new UsageError(
      `--output softmax needs --cost log-likelihood (got --cost ${cost}); leave out --cost, or use --output sigmoid with ${cost}`,
    );
  }
  if (cost === 'log-likelihood' && output !== 'softmax') {
    throw new UsageError(
      `--cost log-likelihood needs --output softmax (got --output ${output}); leave out --output`,
    );
  }
  return { cost, output };
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
  if (settings.validation !== null && settings.validation >= trainSize) {
    throw new UsageError(
      `invalid value for --validation: '${settings.validation}' (it must leave training samples: the training set has ${trainSize})`,
    );
  }
  const training = trainSize - (settings.validation ?? 0);
  if (settings.batch > training) {
    throw new UsageError(
      `invalid value for --batch: '${settings.batch}' (larger than the ${training} training samples)`,
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
    `λ ${s.lambda}${s.regularization === 'l1' ? ' (L1)' : ''}`,
    ...(s.dropout > 0 ? [`dropout ${s.dropout}`] : []),
    ...(s.momentum > 0 ? [`momentum ${s.momentum}`] : []),
    `mini-batch ${s.batch}`,
    plural(s.epochs, 'epoch'),
    `${init} init`,
    `seed ${s.seed}`,
    s.precision === 'f32' ? 'float32' : 'float64',
    ...(s.shuffle ? [] : ['no shuffle']),
    ...(s.validation === null ? [] : [`${s.validation} validation samples`]),
    ...(s.expand ? ['expanded data'] : []),
    ...(s.earlyStop === null ? [] : [`early stop after ${plural(s.earlyStop, 'epoch')}`]),
    ...(s.etaSchedule === null
      ? []
      : [`η halved after ${plural(s.etaSchedule, 'epoch')} without progress`]),
  ];
  return parts.join(', ');
}

/** "1 epoch", "2 epochs". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
