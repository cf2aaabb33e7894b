import type { Cost } from '@mlisp/costs';
import { Rng } from '@mlisp/tensor';
import { checkFlag, checkNumber, checkStepSettings, positiveInteger } from './checks.js';
import { checkThreads } from './fast/engine.js';
import type { EnginePath, WorkerFactory } from './fast/types.js';
import type {
  Dataset,
  EarlyStoppingOptions,
  Monitor,
  ScheduleOptions,
  TrainAsyncOptions,
  TrainOptions,
} from './types.js';

/** {@link TrainOptions} checked and with every default filled in. */
export interface ResolvedOptions {
  readonly cost: Cost;
  readonly eta: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lambda: number;
  readonly regularization: 'l2' | 'l1';
  readonly dropout: number;
  readonly momentum: number;
  readonly shuffle: boolean;
  readonly rng: Rng;
  readonly evaluationData: Dataset | null;
  readonly trainingCost: boolean;
  readonly trainingAccuracy: boolean;
  readonly evaluationCost: boolean;
  readonly evaluationAccuracy: boolean;
  readonly improvement: Monitor;
  readonly schedule: Required<ScheduleOptions> | null;
  readonly earlyStopping: EarlyStoppingOptions | null;
  readonly learningSpeedSamples: number;
  readonly evaluationChunk: number;
  /** The code asked for (see TrainOptions.engine). */
  readonly engine: 'auto' | 'matrix' | EnginePath;
  /** Threads asked for (trainInPlaceAsync; 1 for trainInPlace). */
  readonly threads: number | 'auto';
  readonly workerFactory: WorkerFactory | undefined;
}

const ENGINES = ['auto', 'matrix', 'wasm-simd', 'wasm-relaxed'] as const;

const MONITORS: readonly Monitor[] = [
  'evaluation-accuracy',
  'evaluation-cost',
  'training-accuracy',
  'training-cost',
];

/**
 * Checks every training option and fills in the defaults.
 * @throws TypeError naming the first bad option and what was expected
 */
export function resolveOptions(options: TrainAsyncOptions, cost: Cost): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const { eta, lambda, regularization, dropout, momentum, batchSize } = checkStepSettings(options);
  const epochs = checkNumber(
    'epochs',
    options.epochs,
    (v) => Number.isSafeInteger(v) && v >= 0,
    'an integer >= 0',
  );
  const shuffle = checkFlag('shuffle', options.shuffle, true);
  if (options.seed !== undefined && options.rng !== undefined) {
    throw new TypeError('give either seed or rng, not both');
  }
  if (options.rng !== undefined && !(options.rng instanceof Rng)) {
    throw new TypeError('rng must be an Rng from @mlisp/tensor');
  }
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const evaluationData = options.evaluationData ?? null;
  const hasEval = evaluationData !== null;
  const monitor = options.monitor ?? {};
  if (monitor === null || typeof monitor !== 'object') {
    throw new TypeError(`monitor must be an object, got ${String(monitor)}`);
  }
  const improvement = options.improvement ?? (hasEval ? 'evaluation-accuracy' : 'training-cost');
  if (!MONITORS.includes(improvement)) {
    throw new TypeError(
      `improvement must be one of ${MONITORS.join(', ')}, got ${String(improvement)}`,
    );
  }
  const schedule = resolveSchedule(options.schedule);
  const earlyStopping = resolveEarlyStopping(options.earlyStopping);
  // Only what is asked for is measured: the figure the schedule watches, and what monitor turns on.
  const watched = schedule !== null || earlyStopping !== null ? improvement : null;
  const trainingCost = checkFlag(
    'monitor.trainingCost',
    monitor.trainingCost,
    watched === 'training-cost',
  );
  const trainingAccuracy = checkFlag(
    'monitor.trainingAccuracy',
    monitor.trainingAccuracy,
    watched === 'training-accuracy',
  );
  const evaluationCost = checkFlag('monitor.evaluationCost', monitor.evaluationCost, hasEval);
  const evaluationAccuracy = checkFlag(
    'monitor.evaluationAccuracy',
    monitor.evaluationAccuracy,
    hasEval,
  );
  if ((evaluationCost || evaluationAccuracy) && !hasEval) {
    throw new TypeError('monitor.evaluationCost/evaluationAccuracy need evaluationData');
  }
  if (watched !== null) {
    const computed = {
      'evaluation-accuracy': evaluationAccuracy,
      'evaluation-cost': evaluationCost,
      'training-accuracy': trainingAccuracy,
      'training-cost': trainingCost,
    }[improvement];
    if (!computed) {
      throw new TypeError(
        `the schedule and early stopping watch ${improvement}, which is not computed: ${
          improvement.startsWith('evaluation') && !hasEval
            ? 'give evaluationData'
            : 'turn it on in monitor'
        } or choose another improvement`,
      );
    }
  }
  const learningSpeedSamples = checkNumber(
    'learningSpeedSamples',
    options.learningSpeedSamples ?? 0,
    (v) => Number.isSafeInteger(v) && v >= 0,
    'an integer >= 0',
  );
  const evaluationChunk = checkNumber(
    'evaluationChunk',
    options.evaluationChunk ?? 500,
    positiveInteger,
    'a positive integer',
  );
  for (const name of ['onEpoch', 'onBatch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`${name} must be a function, got ${typeof options[name]}`);
    }
  }
  if (
    options.signal !== undefined &&
    (options.signal === null || typeof options.signal.aborted !== 'boolean')
  ) {
    throw new TypeError('signal must be an AbortSignal');
  }
  const engine = options.engine ?? 'auto';
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new TypeError(`engine must be one of ${ENGINES.join(', ')}, got ${String(engine)}`);
  }
  const threads = options.threads === undefined ? 'auto' : options.threads;
  checkThreads(threads);
  const workerFactory = options.workerFactory;
  if (workerFactory !== undefined && typeof workerFactory !== 'function') {
    throw new TypeError(`workerFactory must be a function, got ${typeof workerFactory}`);
  }
  return {
    engine,
    threads,
    workerFactory,
    cost,
    eta,
    epochs,
    batchSize,
    lambda,
    regularization,
    dropout,
    momentum,
    shuffle,
    rng,
    evaluationData,
    trainingCost,
    trainingAccuracy,
    evaluationCost,
    evaluationAccuracy,
    improvement,
    schedule,
    earlyStopping,
    learningSpeedSamples,
    evaluationChunk,
  };
}

function resolveSchedule(schedule: ScheduleOptions | undefined): Required<ScheduleOptions> | null {
  if (schedule === undefined) return null;
  if (schedule === null || typeof schedule !== 'object') {
    throw new TypeError(
      `schedule must be an object { patience, maxHalvings, factor? }, got ${String(schedule)}`,
    );
  }
  return {
    patience: checkNumber(
      'schedule.patience',
      schedule.patience,
      positiveInteger,
      'a positive integer',
    ),
    maxHalvings: checkNumber(
      'schedule.maxHalvings',
      schedule.maxHalvings,
      positiveInteger,
      'a positive integer',
    ),
    factor: checkNumber(
      'schedule.factor',
      schedule.factor ?? 0.5,
      (v) => v > 0 && v < 1,
      'a number in (0, 1)',
    ),
  };
}

function resolveEarlyStopping(
  early: EarlyStoppingOptions | undefined,
): EarlyStoppingOptions | null {
  if (early === undefined) return null;
  if (early === null || typeof early !== 'object') {
    throw new TypeError(`earlyStopping must be an object { patience }, got ${String(early)}`);
  }
  return {
    patience: checkNumber(
      'earlyStopping.patience',
      early.patience,
      positiveInteger,
      'a positive integer',
    ),
  };
}
