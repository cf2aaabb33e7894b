import { backpropBp3Bp4 } from './backprop-bp3-bp4.js';
import { crossEntropyMinimum } from './cross-entropy-minimum.js';
import { learningSlowdown } from './learning-slowdown.js';
import { requireMnist } from './mnist-data.js';
import { nonDifferentiableCost } from './non-differentiable-cost.js';
import { oneHotToBinary } from './one-hot-to-binary.js';
import { perceptronInvariance } from './perceptron-invariance.js';
import { sigmoidLimit } from './sigmoid-limit.js';
import { steepestDescent } from './steepest-descent.js';
import type { Experiment, ExperimentOptions, ExperimentResult } from './types.js';
import { unstableGradients } from './unstable-gradients.js';
import { check, describeError, seedOf } from './util.js';

interface Entry {
  readonly id: string;
  readonly problem: number;
  readonly title: string;
  /** Problems 3 and 8 train or measure on MNIST digits. */
  readonly needsMnist?: boolean;
  readonly run: (options: ExperimentOptions) => ExperimentResult;
}

const ENTRIES: readonly Entry[] = [
  {
    id: 'perceptron-invariance',
    problem: 1,
    title: 'Invariance of a perceptron network',
    run: perceptronInvariance,
  },
  {
    id: 'sigmoid-limit',
    problem: 2,
    title: 'A sigmoid network tends to a perceptron network',
    run: sigmoidLimit,
  },
  {
    id: 'one-hot-to-binary',
    problem: 3,
    title: 'From one-hot to binary',
    needsMnist: true,
    run: oneHotToBinary,
  },
  {
    id: 'steepest-descent',
    problem: 4,
    title: 'The steepest descent direction',
    run: steepestDescent,
  },
  {
    id: 'backprop-bp3-bp4',
    problem: 5,
    title: 'Backpropagation equations BP3 and BP4',
    run: backpropBp3Bp4,
  },
  {
    id: 'cross-entropy-minimum',
    problem: 6,
    title: 'The minimum of the cross-entropy',
    run: crossEntropyMinimum,
  },
  {
    id: 'learning-slowdown',
    problem: 7,
    title: 'Cost functions and the learning slowdown',
    run: learningSlowdown,
  },
  {
    id: 'unstable-gradients',
    problem: 8,
    title: 'Unstable gradients',
    needsMnist: true,
    run: unstableGradients,
  },
  {
    id: 'non-differentiable-cost',
    problem: 10,
    title: 'A perceptron network cannot be trained by gradient descent',
    run: nonDifferentiableCost,
  },
];

/**
 * The entry's run, guarded: the options are checked first (a bad seed, or
 * missing MNIST digits for problems 3 and 8, throw a TypeError before any
 * work); after that an error thrown by the code under test becomes a failing
 * check, so a wrong implementation is reported, never thrown.
 */
function guarded(entry: Entry): Experiment['run'] {
  return (options: ExperimentOptions = {}) => {
    seedOf(options);
    if (entry.needsMnist === true) requireMnist(options, entry.problem);
    try {
      return entry.run(options);
    } catch (e) {
      return {
        id: entry.id,
        problem: entry.problem,
        title: entry.title,
        claim: 'The experiment stopped with an error before its checks ran to the end.',
        checks: [check('the experiment runs to the end', 'no error', describeError(e), false)],
        series: [],
      };
    }
  };
}

/**
 * Every experiment, in problem order (problems 1–8 and 10). Each `run` checks
 * its options first and throws a TypeError for bad ones; an error raised by
 * the code it checks becomes a failing check instead.
 */
export const experiments: readonly Experiment[] = Object.freeze(
  ENTRIES.map((e) =>
    Object.freeze({ id: e.id, problem: e.problem, title: e.title, run: guarded(e) }),
  ),
);

/**
 * The experiment of an id (`'steepest-descent'`) or a problem number (`'4'`).
 *
 * @param which - an id, or the problem's number as `experiment list` shows it
 * @returns the experiment, or undefined for neither
 */
export function findExperiment(which: string | number): Experiment | undefined {
  const key = String(which).trim();
  return experiments.find((e) => e.id === key || String(e.problem) === key);
}

/**
 * Runs one experiment by id.
 *
 * @param id - the experiment's id, e.g. `'perceptron-invariance'`, or its problem number, e.g. `'1'`
 * @param options - seed, quick mode, MNIST data (problems 3 and 8 need `mnist`)
 * @throws TypeError for an unknown id, listing the known ones
 */
export function runExperiment(id: string, options: ExperimentOptions = {}): ExperimentResult {
  const experiment = findExperiment(id);
  if (experiment === undefined) {
    throw new TypeError(
      `unknown experiment ${JSON.stringify(id)}; known experiments: ${experiments.map((e) => e.id).join(', ')}`,
    );
  }
  return experiment.run(options);
}

/**
 * Runs every experiment, in problem order, with the same options.
 *
 * @param options - seed, quick mode, MNIST data (problems 3 and 8 need `mnist`)
 */
export function runAll(options: ExperimentOptions = {}): ExperimentResult[] {
  return experiments.map((e) => e.run(options));
}

/**
 * True when every check of the result passed.
 *
 * @param result - an experiment's result
 */
export function allPassed(result: ExperimentResult): boolean {
  return result.checks.length > 0 && result.checks.every((c) => c.pass);
}
