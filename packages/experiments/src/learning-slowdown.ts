import type { CostName } from '@mlisp/costs';
import { createNetwork, feedforward, type Network, networkFromWeights } from '@mlisp/neurons';
import { type Matrix, zeros } from '@mlisp/tensor';
import { backprop, trainInPlace } from '@mlisp/trainer';
import { forwardTrace, uniformBatch } from './forward.js';
import { checkGradientsAgree } from './reference.js';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { attempt, check, fmt, rngOf, sigmaPrime } from './util.js';

/** The demonstration's learning rate η. */
export const NEURON_ETA = 0.15;
/** The demonstration's epochs. */
export const NEURON_EPOCHS = 300;
/** "Far more slowly": the quadratic cost needs at least this many times the epochs. */
export const SLOWDOWN_FACTOR = 3;

/** A starting point of the single-neuron demonstration. */
export interface NeuronStart {
  /** Initial weight w. */
  readonly w: number;
  /** Initial bias b. */
  readonly b: number;
}

/** The badly wrong start: output σ(4) ≈ 0.98 for target 0, deep in the sigmoid's flat part. */
export const BAD_START: NeuronStart = { w: 2, b: 2 };
/** The mildly wrong start: output σ(1.5) ≈ 0.82 for target 0. */
export const GOOD_START: NeuronStart = { w: 0.6, b: 0.9 };

/**
 * Problem 7's output-layer gradient ∂C/∂w^L_jk written out from the forward pass:
 * (1/n)·Σ_x a^{L−1}_k (a^L_j − y_j)·σ'(z^L_j) for the quadratic cost, and
 * (1/n)·Σ_x a^{L−1}_k (a^L_j − y_j) for the cross-entropy (no σ').
 *
 * @param network - a sigmoid network (read only)
 * @param inputs - the batch, one sample per row
 * @param targets - the desired outputs, one per row
 * @param cost - `'quadratic'` or `'cross-entropy'`
 * @returns the gradient, row-major (j, then k) like the output layer's weights
 */
export function outputWeightGradient(
  network: Network,
  inputs: Matrix,
  targets: Matrix,
  cost: 'quadratic' | 'cross-entropy',
): Float64Array {
  const { zs, activations } = forwardTrace(network, inputs);
  const L = network.layers.length;
  const z = zs[L - 1] as Matrix;
  const a = activations[L] as Matrix;
  const aPrev = activations[L - 1] as Matrix;
  const n = inputs.rows;
  const g = new Float64Array(z.cols * aPrev.cols);
  for (let x = 0; x < n; x++) {
    for (let j = 0; j < z.cols; j++) {
      const error =
        (a.data[x * a.cols + j] as number) - (targets.data[x * targets.cols + j] as number);
      const factor =
        cost === 'quadratic' ? error * sigmaPrime(z.data[x * z.cols + j] as number) : error;
      for (let k = 0; k < aPrev.cols; k++) {
        g[j * aPrev.cols + k] =
          (g[j * aPrev.cols + k] as number) +
          ((aPrev.data[x * aPrev.cols + k] as number) * factor) / n;
      }
    }
  }
  return g;
}

/** What one run of the single-neuron demonstration did. */
export interface NeuronRun {
  /** Cost after each epoch, epoch 0 (the start) first. */
  readonly costs: number[];
  /** The neuron's output after each epoch, epoch 0 first. */
  readonly outputs: number[];
  /** The code of the trainer that ran (`'matrix'` or an engine path). */
  readonly path: string;
}

/** Which code of the trainer trains: its matrix loop (the library's costs and backprop) or its default engine. */
export type NeuronEngine = 'matrix' | 'auto';

/**
 * Trains one sigmoid neuron (input 1, target 0) with the trainer, η = 0.15,
 * one sample per mini-batch, and records its cost and output each epoch. By
 * default on the trainer's matrix loop, which runs the library's
 * `@mlisp/costs` output error and `backprop`.
 *
 * @param start - the initial weight and bias
 * @param cost - the cost to train with
 * @param epochs - how many epochs (default 300)
 * @param engine - `'matrix'` (default) or `'auto'`, the trainer's default (its WebAssembly engine where it runs)
 */
export function trainNeuron(
  start: NeuronStart,
  cost: CostName,
  epochs = NEURON_EPOCHS,
  engine: NeuronEngine = 'matrix',
): NeuronRun {
  const neuron = networkFromWeights({
    weights: [[[start.w]]],
    biases: [[start.b]],
    activations: ['sigmoid'],
  });
  const data = { inputs: zeros(1, 1), targets: zeros(1, 1) };
  data.inputs.data[0] = 1;
  const output = () => feedforward(neuron, [1])[0] as number;
  const costOf = (a: number) => (cost === 'quadratic' ? 0.5 * a * a : -Math.log(1 - a));
  const outputs = [output()];
  const result = trainInPlace(neuron, data, {
    cost,
    eta: NEURON_ETA,
    epochs,
    batchSize: 1,
    shuffle: false,
    engine,
    monitor: { trainingCost: false, trainingAccuracy: false },
    learningSpeedSamples: 0,
    onEpoch: () => outputs.push(output()),
  });
  return { costs: outputs.map(costOf), outputs, path: result.path };
}

/**
 * The first epoch after which the output is below `level` (Infinity if never).
 *
 * @param run - the recorded run
 * @param level - the output level (default 0.5: the neuron has changed its mind)
 */
export function epochsToReach(run: NeuronRun, level = 0.5): number {
  const i = run.outputs.findIndex((a) => a < level);
  return i < 0 ? Number.POSITIVE_INFINITY : i;
}

/**
 * The quadratic cost learns far more slowly: it needs at least `factor` times
 * the epochs of the cross-entropy to bring the output below 0.5.
 *
 * @param quadraticEpochs - epochs the quadratic cost needed
 * @param crossEntropyEpochs - epochs the cross-entropy needed
 * @param factor - the least ratio that counts as "far more slowly" (default 3)
 */
export function checkSlowdown(
  quadraticEpochs: number,
  crossEntropyEpochs: number,
  factor = SLOWDOWN_FACTOR,
): Check {
  const ratio = quadraticEpochs / crossEntropyEpochs;
  return check(
    'from w = 2, b = 2, epochs until the output is below 0.5: quadratic vs cross-entropy',
    `quadratic ≥ ${factor}× cross-entropy`,
    `quadratic ${quadraticEpochs}, cross-entropy ${crossEntropyEpochs} (${fmt(ratio)}×)`,
    Number.isFinite(crossEntropyEpochs) && ratio >= factor,
  );
}

function formulaChecks(options: ExperimentOptions): Check[] {
  const rng = rngOf(options, 7);
  const network = createNetwork([5, 6, 3], { init: 'normal', rng });
  const inputs = uniformBatch(rng, 8, 5);
  const targets = zeros(8, 3);
  rng.fillUniform(targets.data);
  return (['quadratic', 'cross-entropy'] as const).map((cost) => {
    const formula = outputWeightGradient(network, inputs, targets, cost);
    const trainer = backprop(network, { inputs, targets }, cost).weights[1] as Matrix;
    const name =
      cost === 'quadratic'
        ? "quadratic: (1/n)Σ a_k (a_j − y_j) σ'(z_j) equals the trainer's ∂C/∂w^L"
        : "cross-entropy: (1/n)Σ a_k (a_j − y_j) equals the trainer's ∂C/∂w^L";
    return checkGradientsAgree(name, formula, trainer.data, 1e-12);
  });
}

function initialRatioCheck(): Check {
  const z = BAD_START.w + BAD_START.b;
  const net = networkFromWeights({
    weights: [[[BAD_START.w]]],
    biases: [[BAD_START.b]],
    activations: ['sigmoid'],
  });
  const batch = { inputs: zeros(1, 1), targets: zeros(1, 1) };
  batch.inputs.data[0] = 1;
  const gradientOf = (cost: CostName) =>
    (backprop(net, batch, cost).weights[0] as Matrix).data[0] as number;
  return checkDerivativeRatio(gradientOf('quadratic') / gradientOf('cross-entropy'), z);
}

/**
 * For one neuron the quadratic cost's ∂C/∂w is the cross-entropy's times σ'(z)
 * (relative 1e−12): the factor that makes a saturated neuron learn slowly.
 *
 * @param ratio - ∂C/∂w with the quadratic cost ÷ ∂C/∂w with the cross-entropy
 * @param z - the neuron's weighted input
 */
export function checkDerivativeRatio(ratio: number, z: number): Check {
  const expected = sigmaPrime(z);
  return check(
    `at z = ${fmt(z)}: ∂C/∂w quadratic ÷ cross-entropy = σ'(z)`,
    fmt(expected, 6),
    fmt(ratio, 6),
    Math.abs(ratio - expected) <= 1e-12 * expected,
  );
}

/** The starting outputs of the learning-speed sweep: a = σ(b) with w = 0, target 0. */
export const SWEEP_OUTPUTS: readonly number[] = Array.from(
  { length: 19 },
  (_, i) => 0.05 * (i + 1),
);

/**
 * The initial learning speed |∂C/∂w| of one neuron (input 1, target 0) whose
 * output is a, by the trainer's backprop with each cost.
 *
 * @param outputs - the starting outputs a (the neuron's bias is logit(a), weight 0)
 */
export function initialSpeeds(outputs: readonly number[]): {
  quadratic: number[];
  crossEntropy: number[];
} {
  const batch = { inputs: zeros(1, 1), targets: zeros(1, 1) };
  batch.inputs.data[0] = 1;
  const speed = (a: number, cost: CostName) => {
    const net = networkFromWeights({
      weights: [[[0]]],
      biases: [[Math.log(a / (1 - a))]],
      activations: ['sigmoid'],
    });
    return Math.abs((backprop(net, batch, cost).weights[0] as Matrix).data[0] as number);
  };
  return {
    quadratic: outputs.map((a) => speed(a, 'quadratic')),
    crossEntropy: outputs.map((a) => speed(a, 'cross-entropy')),
  };
}

/**
 * The book's point: with the cross-entropy the neuron learns faster the more
 * wrong it is — |∂C/∂w| = |a − y|·x, rising with the error — while with the
 * quadratic cost the most wrong outputs learn slowest (|∂C/∂w| = a·σ'(z)
 * falls for a > 2/3).
 *
 * @param outputs - the starting outputs a (target 0, so the error is a)
 * @param crossEntropySpeeds - |∂C/∂w| with the cross-entropy at each
 * @param quadraticSpeeds - |∂C/∂w| with the quadratic cost at each
 */
export function checkFasterWhenWrong(
  outputs: readonly number[],
  crossEntropySpeeds: readonly number[],
  quadraticSpeeds: readonly number[],
): Check {
  const rising = crossEntropySpeeds.every(
    (v, i) => i === 0 || v > (crossEntropySpeeds[i - 1] as number),
  );
  const equalsError = crossEntropySpeeds.every(
    (v, i) => Math.abs(v - (outputs[i] as number)) <= 1e-12 * (outputs[i] as number),
  );
  const peak = quadraticSpeeds.indexOf(Math.max(...quadraticSpeeds));
  const wrongest = outputs.length - 1;
  const quadraticFalls = peak < wrongest && (outputs[peak] as number) < 0.9;
  return check(
    `the more wrong, the faster: |∂C/∂w| at the start for outputs a = ${fmt(outputs[0] as number)} … ${fmt(outputs[wrongest] as number)} (target 0)`,
    'cross-entropy: rises with the error, equal to |a − y|; quadratic: falls for the most wrong outputs',
    `cross-entropy ${fmt(crossEntropySpeeds[0] as number)} … ${fmt(crossEntropySpeeds[wrongest] as number)} (${rising ? 'rising' : 'not rising'}, ${equalsError ? '= |a − y|' : '≠ |a − y|'}); quadratic peaks at a = ${fmt(outputs[peak] as number)} (${fmt(quadraticSpeeds[peak] as number)}) and falls to ${fmt(quadraticSpeeds[wrongest] as number)} at a = ${fmt(outputs[wrongest] as number)}`,
    outputs.length > 2 && rising && equalsError && quadraticFalls,
  );
}

/**
 * On the demonstration's runs: with the cross-entropy the badly wrong start
 * (a ≈ 0.98) lowers its cost more in the first epoch than the mildly wrong
 * one (a ≈ 0.82); with the quadratic cost it lowers it less.
 *
 * @param runs - the four runs (bad and good starts, each cost)
 */
export function checkFirstEpoch(runs: {
  badQuadratic: NeuronRun;
  badCross: NeuronRun;
  goodQuadratic: NeuronRun;
  goodCross: NeuronRun;
}): Check {
  const drop = (r: NeuronRun) => (r.costs[0] as number) - (r.costs[1] as number);
  const [bq, bc, gq, gc] = [
    runs.badQuadratic,
    runs.badCross,
    runs.goodQuadratic,
    runs.goodCross,
  ].map(drop) as [number, number, number, number];
  return check(
    'first epoch of the demonstration: cost decrease from w = 2, b = 2 (more wrong) vs w = 0.6, b = 0.9',
    'cross-entropy: larger from the more wrong start; quadratic: smaller',
    `cross-entropy ${fmt(bc)} vs ${fmt(gc)}; quadratic ${fmt(bq)} vs ${fmt(gq)}`,
    bc > gc && bq < gq,
  );
}

/**
 * The trainer's default engine trains the neuron as its matrix loop does
 * (outputs equal within 1e−9 over every epoch), for each cost.
 *
 * @param pairs - per cost: the matrix loop's run and the default engine's run
 */
export function checkEngineAgrees(
  pairs: readonly { cost: string; matrix: NeuronRun; engine: NeuronRun }[],
): Check {
  const diffs = pairs.map(({ matrix, engine }) =>
    matrix.outputs.reduce(
      (m, a, i) => Math.max(m, Math.abs(a - (engine.outputs[i] ?? Number.NaN))),
      0,
    ),
  );
  const ok =
    diffs.every((d) => d <= 1e-9) &&
    pairs.every((p) => p.matrix.outputs.length === p.engine.outputs.length);
  return check(
    "the trainer's default engine (what mlisp train runs) trains the neuron as the matrix loop does, from w = 2, b = 2",
    'outputs equal within 1e−9 at every epoch',
    pairs
      .map((p, i) => `${p.cost} on ${p.engine.path}: largest difference ${fmt(diffs[i] as number)}`)
      .join('; '),
    pairs.length > 0 && ok,
  );
}

function curve(
  name: string,
  plot: string,
  plotTitle: string,
  values: number[],
  yLabel: string,
): Series {
  return { name, x: values.map((_, i) => i), y: values, plot, plotTitle, xLabel: 'epoch', yLabel };
}

/**
 * Problem 7: the quadratic cost's output-layer gradient carries σ'(z), the
 * cross-entropy's does not; so a badly wrong sigmoid neuron learns slowly with
 * the quadratic cost and fast with the cross-entropy.
 *
 * @param options - seed (for the random network of the gradient checks); quick mode changes nothing here
 */
export function learningSlowdown(options: ExperimentOptions = {}): ExperimentResult {
  const runs = {
    badQuadratic: trainNeuron(BAD_START, 'quadratic'),
    badCross: trainNeuron(BAD_START, 'cross-entropy'),
    goodQuadratic: trainNeuron(GOOD_START, 'quadratic'),
    goodCross: trainNeuron(GOOD_START, 'cross-entropy'),
  };
  const badQ = epochsToReach(runs.badQuadratic);
  const speeds = initialSpeeds(SWEEP_OUTPUTS);
  const checks: Check[] = [
    ...formulaChecks(options),
    initialRatioCheck(),
    checkSlowdown(badQ, epochsToReach(runs.badCross)),
    checkFasterWhenWrong(SWEEP_OUTPUTS, speeds.crossEntropy, speeds.quadratic),
    checkFirstEpoch(runs),
    ...attempt("the trainer's default engine trains as the matrix loop", 'the same outputs', () =>
      checkEngineAgrees([
        {
          cost: 'cross-entropy',
          matrix: runs.badCross,
          engine: trainNeuron(BAD_START, 'cross-entropy', NEURON_EPOCHS, 'auto'),
        },
        {
          cost: 'quadratic',
          matrix: runs.badQuadratic,
          engine: trainNeuron(BAD_START, 'quadratic', NEURON_EPOCHS, 'auto'),
        },
      ]),
    ),
  ];
  const labels: [keyof typeof runs, string][] = [
    ['badQuadratic', 'quadratic cost, start w = 2, b = 2'],
    ['badCross', 'cross-entropy, start w = 2, b = 2'],
    ['goodQuadratic', 'quadratic cost, start w = 0.6, b = 0.9'],
    ['goodCross', 'cross-entropy, start w = 0.6, b = 0.9'],
  ];
  const speedCommon = {
    plot: 'speed',
    plotTitle: 'Initial learning speed against how wrong the neuron is',
    xLabel: 'starting output a (target 0)',
    yLabel: '|∂C/∂w|',
  };
  return {
    id: 'learning-slowdown',
    problem: 7,
    title: 'Cost functions and the learning slowdown',
    claim: `The output-layer gradient is (1/n)Σ a_k (a_j − y_j) σ'(z_j) for the quadratic cost and (1/n)Σ a_k (a_j − y_j) for the cross-entropy, so with the cross-entropy a sigmoid neuron learns faster the more wrong it is, while with the quadratic cost a saturated, badly wrong neuron learns slowly (one neuron, input 1, target 0, η = ${NEURON_ETA}, ${NEURON_EPOCHS} epochs on the trainer's matrix loop, i.e. @mlisp/costs and backprop; from w = 2, b = 2 the quadratic cost needs ${badQ} epochs to bring the output below 0.5, the cross-entropy ${epochsToReach(runs.badCross)}).`,
    checks,
    series: [
      ...labels.map(([key, name]) =>
        curve(name, 'cost', 'The cost during training', runs[key].costs, 'cost'),
      ),
      ...labels.map(([key, name]) =>
        curve(name, 'output', "The neuron's output during training", runs[key].outputs, 'output a'),
      ),
      { name: 'cross-entropy', x: [...SWEEP_OUTPUTS], y: speeds.crossEntropy, ...speedCommon },
      { name: 'quadratic cost', x: [...SWEEP_OUTPUTS], y: speeds.quadratic, ...speedCommon },
    ],
  };
}
