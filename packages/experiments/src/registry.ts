import { backpropBp3Bp4 } from './backprop-bp3-bp4.js';
import { crossEntropyMinimum } from './cross-entropy-minimum.js';
import { learningSlowdown } from './learning-slowdown.js';
import { nonDifferentiableCost } from './non-differentiable-cost.js';
import { oneHotToBinary } from './one-hot-to-binary.js';
import { perceptronInvariance } from './perceptron-invariance.js';
import { sigmoidLimit } from './sigmoid-limit.js';
import { steepestDescent } from './steepest-descent.js';
import type { Experiment, ExperimentOptions, ExperimentResult } from './types.js';
import { unstableGradients } from './unstable-gradients.js';

/** Every experiment, in problem order (problems 1–8 and 10). */
export const experiments: readonly Experiment[] = Object.freeze(
  [
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
    { id: 'one-hot-to-binary', problem: 3, title: 'From one-hot to binary', run: oneHotToBinary },
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
    { id: 'unstable-gradients', problem: 8, title: 'Unstable gradients', run: unstableGradients },
    {
      id: 'non-differentiable-cost',
      problem: 10,
      title: 'A perceptron network cannot be trained by gradient descent',
      run: nonDifferentiableCost,
    },
  ].map((e) => Object.freeze(e)),
);

/**
 * Runs one experiment by id.
 *
 * @param id - the experiment's id, e.g. `'perceptron-invariance'`
 * @param options - seed, quick mode, MNIST data (problems 3 and 8 need `mnist`)
 * @throws TypeError for an unknown id, listing the known ones
 */
export function runExperiment(id: string, options: ExperimentOptions = {}): ExperimentResult {
  const experiment = experiments.find((e) => e.id === id);
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
