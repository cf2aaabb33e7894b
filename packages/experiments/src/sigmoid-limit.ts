import { feedforward, type Network, networkFromWeights, scale, sigmoid } from '@mlisp/neurons';
import { type Matrix, zeros } from '@mlisp/tensor';
import { forwardTrace, randomNetwork, randomSizes, uniformBatch } from './forward.js';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { check, fmt, linspace, maxAbsDiff, rngOf, sigma } from './util.js';

/** The factors c of problem 2's table. */
export const LIMIT_FACTORS: readonly number[] = [1, 10, 100, 1000];
/**
 * Every z (at every layer of the perceptron network) of an input the main checks
 * use is at least this far from 0. The margin must be large for the largest
 * difference to fall monotonically already from c = 1 to 10 to 100: a hidden
 * neuron with |z| = m is σ(−c·m) away from its limit, and that error, times the
 * next layer's weights, can flip the sign of a later z. With m = 0.02 the largest
 * difference is still about 1 at c = 10 and c = 100 (see the series).
 */
export const Z_MARGIN = 0.2;
/**
 * The small margin of the second series and check. A neuron with |z| = m is
 * σ(−1000·m) from its limit at c = 1000, so c = 1000 is below 1e−6 only for
 * m ≥ ln(10⁶)/1000 ≈ 0.0138 (at m = 0.01 it is still σ(−10) ≈ 4.5e−5).
 */
export const SMALL_Z_MARGIN = 0.02;
/** The largest difference allowed at c = 1000. */
export const LIMIT_TOLERANCE = 1e-6;

/**
 * The largest difference must fall strictly as c grows.
 *
 * @param factors - the factors c, increasing
 * @param maxDiffs - the largest |sigmoid − perceptron| at each c
 * @param margin - the smallest |z| of the inputs, for the name
 */
export function checkMonotoneDecrease(
  factors: readonly number[],
  maxDiffs: readonly number[],
  margin = Z_MARGIN,
): Check {
  const falls = maxDiffs.every((d, i) => i === 0 || d < (maxDiffs[i - 1] as number));
  return check(
    `max |sigmoid − perceptron| falls as c grows (c = ${factors.join(', ')}), every |z| ≥ ${margin}`,
    'strictly decreasing',
    maxDiffs.map((d) => fmt(d)).join(' > '),
    maxDiffs.length > 1 && falls,
  );
}

/**
 * The largest difference at the biggest c is below a tolerance.
 *
 * @param c - the factor
 * @param maxDiff - the largest |sigmoid − perceptron| at c
 * @param margin - the smallest |z| of the inputs, for the name
 * @param tolerance - the bound (default 1e−6)
 */
export function checkLimit(
  c: number,
  maxDiff: number,
  margin = Z_MARGIN,
  tolerance = LIMIT_TOLERANCE,
): Check {
  return check(
    `max |sigmoid − perceptron| at c = ${fmt(c)}, every |z| ≥ ${margin}`,
    `< ${fmt(tolerance)}`,
    fmt(maxDiff),
    maxDiff < tolerance,
  );
}

/**
 * At z = 0 the sigmoid neuron gives 0.5 for every c (the perceptron gives 0).
 *
 * @param factors - the factors c
 * @param sigmoidOutputs - the sigmoid neuron's output at each c
 * @param perceptronOutput - the perceptron's output at z = 0
 */
export function checkHalfAtZero(
  factors: readonly number[],
  sigmoidOutputs: readonly number[],
  perceptronOutput: number,
): Check {
  return check(
    `z = 0 exactly: sigmoid output for c = ${factors.join(', ')}; perceptron output`,
    'sigmoid 0.5 for every c; perceptron 0',
    `sigmoid ${sigmoidOutputs.map((v) => fmt(v)).join(', ')}; perceptron ${perceptronOutput}`,
    sigmoidOutputs.length > 0 && sigmoidOutputs.every((v) => v === 0.5) && perceptronOutput === 0,
  );
}

function withSigmoid(network: Network): Network {
  const layers = network.layers.map((l) => ({
    weights: l.weights,
    biases: l.biases,
    activation: sigmoid,
  }));
  return { sizes: network.sizes, layers };
}

/** The rows of x whose every z (at every layer of `network`) has |z| ≥ margin, and the smallest such |z|. */
function keepClearOfZero(
  network: Network,
  x: Matrix,
  margin: number,
): { kept: Matrix; minZ: number } {
  const { zs } = forwardTrace(network, x);
  const rows: number[] = [];
  let minZ = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.rows; i++) {
    let smallest = Number.POSITIVE_INFINITY;
    for (const z of zs) {
      for (let j = 0; j < z.cols; j++)
        smallest = Math.min(smallest, Math.abs(z.data[i * z.cols + j] as number));
    }
    if (smallest >= margin) {
      rows.push(i);
      minZ = Math.min(minZ, smallest);
    }
  }
  const kept = zeros(rows.length, x.cols);
  rows.forEach((r, i) => {
    kept.data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
  });
  return { kept, minZ };
}

/** A sigmoid neuron with z = 0 exactly (weights 1 and −1, bias 0, input (0.3, 0.3)) scaled by c. */
function zeroNeuronOutputs(factors: readonly number[]): {
  sigmoidOutputs: number[];
  perceptron: number;
} {
  const spec = { weights: [[[1, -1]]], biases: [[0]] };
  const neuron = networkFromWeights({ ...spec, activations: ['sigmoid'] });
  const perceptron = networkFromWeights({ ...spec, activations: ['step'] });
  const x = [0.3, 0.3];
  return {
    sigmoidOutputs: factors.map((c) => feedforward(scale(neuron, c), x)[0] as number),
    perceptron: feedforward(perceptron, x)[0] as number,
  };
}

/**
 * The [2, 2, 1] network of the z = 0 check: hidden neuron 1 has z = 0 exactly at
 * x = (0.25, 0.25) (weights 1, −1, bias 0), hidden neuron 2 has z = 0.3, and the
 * output neuron (weights 1, −0.75, bias 0.5) has z = −0.25 in the perceptron
 * network but c·0.25 in the sigmoid network, where neuron 1 gives 0.5.
 */
export const ZERO_NETWORK = {
  weights: [
    [
      [1, -1],
      [1, 1],
    ],
    [[1, -0.75]],
  ],
  biases: [[0, -0.2], [0.5]],
} as const;
/** The input of {@link ZERO_NETWORK} that puts hidden neuron 1 at z = 0. */
export const ZERO_INPUT: readonly number[] = [0.25, 0.25];

/**
 * A whole network with one z = 0 does not tend to the perceptron network: at
 * the largest c the output still differs by at least 1/2.
 *
 * @param factors - the factors c, increasing
 * @param differences - |sigmoid network − perceptron network| at each c
 */
export function checkNetworkAtZero(
  factors: readonly number[],
  differences: readonly number[],
): Check {
  const last = differences[differences.length - 1] as number;
  return check(
    `a [2, 2, 1] network with one hidden z = 0: |sigmoid net − perceptron net| for c = ${factors.map((c) => fmt(c)).join(', ')}`,
    'does not tend to 0 (≥ 0.5 at the largest c)',
    differences.map((d) => fmt(d)).join(', '),
    differences.length > 0 && last >= 0.5,
  );
}

function networkAtZero(factors: readonly number[]): number[] {
  const spec = { weights: ZERO_NETWORK.weights, biases: ZERO_NETWORK.biases };
  const sig = networkFromWeights({ ...spec, activations: ['sigmoid', 'sigmoid'] });
  const perceptron = networkFromWeights({ ...spec, activations: ['step', 'step'] });
  const target = feedforward(perceptron, ZERO_INPUT)[0] as number;
  return factors.map((c) =>
    Math.abs((feedforward(scale(sig, c), ZERO_INPUT)[0] as number) - target),
  );
}

function sigmoidCurves(): Series[] {
  const z = linspace(-1, 1, 201);
  const curves: Series[] = LIMIT_FACTORS.map((c) => ({
    name: `σ(${c}·z)`,
    x: z,
    y: z.map((v) => sigma(c * v)),
    plot: 'sigmoid-curves',
    plotTitle: 'σ(c·z) approaches the perceptron step as c grows',
    xLabel: 'z',
    yLabel: 'output',
  }));
  curves.push({
    name: 'perceptron step(z)',
    x: z,
    y: z.map((v) => (v > 0 ? 1 : 0)),
    plot: 'sigmoid-curves',
    plotTitle: 'σ(c·z) approaches the perceptron step as c grows',
    xLabel: 'z',
    yLabel: 'output',
  });
  return curves;
}

/** The largest difference at each c over the kept inputs of every network. */
interface LimitRun {
  readonly maxDiffs: number[];
  readonly kept: number;
  readonly drawn: number;
  readonly minZ: number;
}

function limitRun(pairs: readonly NetworkPair[], margin: number): LimitRun {
  const maxDiffs = LIMIT_FACTORS.map(() => 0);
  let kept = 0;
  let drawn = 0;
  let minZ = Number.POSITIVE_INFINITY;
  for (const { perceptron, sig, inputs } of pairs) {
    drawn += inputs.rows;
    const clear = keepClearOfZero(perceptron, inputs, margin);
    if (clear.kept.rows === 0) continue;
    kept += clear.kept.rows;
    minZ = Math.min(minZ, clear.minZ);
    const target = feedforward(perceptron, clear.kept).data;
    LIMIT_FACTORS.forEach((c, i) => {
      const d = maxAbsDiff(feedforward(scale(sig, c), clear.kept).data, target);
      maxDiffs[i] = Math.max(maxDiffs[i] as number, d);
    });
  }
  return { maxDiffs, kept, drawn, minZ };
}

interface NetworkPair {
  readonly perceptron: Network;
  readonly sig: Network;
  readonly inputs: Matrix;
}

/**
 * The inputs kept for a margin really have every |z| at least that far from 0.
 *
 * @param kept - inputs kept
 * @param drawn - inputs drawn
 * @param minZ - the smallest |z| (any layer) among the kept inputs
 * @param margin - the margin they were filtered with
 */
export function checkInputsKept(kept: number, drawn: number, minZ: number, margin: number): Check {
  return check(
    `inputs with every |z| ≥ ${margin} at every layer`,
    `some inputs, smallest |z| ≥ ${margin}`,
    `${kept} of ${drawn} inputs kept, smallest |z| ${fmt(minZ)}`,
    kept > 0 && minZ >= margin,
  );
}

function keptCheck(run: LimitRun, margin: number): Check {
  return checkInputsKept(run.kept, run.drawn, run.minZ, margin);
}

function differenceSeries(run: LimitRun, margin: number): Series {
  return {
    name: `max |sigmoid − perceptron|, every |z| ≥ ${margin}`,
    x: [...LIMIT_FACTORS],
    y: run.maxDiffs,
    plot: 'max-difference',
    plotTitle: 'Largest difference between the sigmoid and perceptron networks',
    xLabel: 'c',
    yLabel: 'max |sigmoid net − perceptron net|',
    xScale: 'log',
    yScale: 'log',
  };
}

/**
 * Problem 2: a sigmoid network with every weight and bias multiplied by c
 * tends to the perceptron network with the same weights as c → ∞, on inputs
 * where no z is 0; where z = 0 the sigmoid neuron stays at 0.5.
 *
 * @param options - seed and quick mode (quick: 5 networks x 200 candidate inputs; else 20 x 400)
 */
export function sigmoidLimit(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 2);
  const count = options.quick ? 5 : 20;
  const candidates = options.quick ? 200 : 400;
  const pairs: NetworkPair[] = [];
  for (let n = 0; n < count; n++) {
    const perceptron = randomNetwork(rng, randomSizes(rng), 'step');
    const inputs = uniformBatch(rng, candidates, perceptron.sizes[0] as number);
    pairs.push({ perceptron, sig: withSigmoid(perceptron), inputs });
  }
  const wide = limitRun(pairs, Z_MARGIN);
  const narrow = limitRun(pairs, SMALL_Z_MARGIN);
  const last = LIMIT_FACTORS[LIMIT_FACTORS.length - 1] as number;
  const zero = zeroNeuronOutputs([...LIMIT_FACTORS, 1e6]);
  const atZero = networkAtZero([...LIMIT_FACTORS, 1e6]);
  const checks: Check[] = [
    keptCheck(wide, Z_MARGIN),
    checkMonotoneDecrease(LIMIT_FACTORS, wide.maxDiffs),
    checkLimit(last, wide.maxDiffs[wide.maxDiffs.length - 1] as number),
    keptCheck(narrow, SMALL_Z_MARGIN),
    checkLimit(last, narrow.maxDiffs[narrow.maxDiffs.length - 1] as number, SMALL_Z_MARGIN),
    checkHalfAtZero([...LIMIT_FACTORS, 1e6], zero.sigmoidOutputs, zero.perceptron),
    checkNetworkAtZero([...LIMIT_FACTORS, 1e6], atZero),
  ];
  return {
    id: 'sigmoid-limit',
    problem: 2,
    title: 'A sigmoid network tends to a perceptron network',
    claim: `Multiplying every weight and bias of a sigmoid network by c > 0 makes it behave like the perceptron network with the same weights as c → ∞, wherever no z is 0 (${count} random networks, inputs kept when every |z| at every layer is ≥ ${Z_MARGIN}, or ≥ ${SMALL_Z_MARGIN}, where convergence starts at larger c); where z = 0 the sigmoid neuron gives 0.5 for every c, and one such neuron keeps a whole network from the perceptron network's output (a [2, 2, 1] network: still ${fmt(atZero[atZero.length - 1] as number)} apart at c = 10⁶).`,
    checks,
    series: [
      differenceSeries(wide, Z_MARGIN),
      differenceSeries(narrow, SMALL_Z_MARGIN),
      ...sigmoidCurves(),
    ],
  };
}
