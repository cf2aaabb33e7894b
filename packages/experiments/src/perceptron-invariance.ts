import { feedforward, type Network, scale } from '@mlisp/neurons';
import type { Matrix } from '@mlisp/tensor';
import { randomNetwork, randomSizes, uniformBatch } from './forward.js';
import type { Check, ExperimentOptions, ExperimentResult } from './types.js';
import { check, fmt, rngOf } from './util.js';

/** How many outputs of two runs differ. */
export interface OutputComparison {
  /** Outputs that differ. */
  readonly changed: number;
  /** Outputs compared. */
  readonly total: number;
}

/**
 * Counts the outputs that differ between two runs of a network.
 *
 * @param outputsA - the outputs of the original network, flattened
 * @param outputsB - the outputs of the scaled network, in the same order
 */
export function compareOutputs(
  outputsA: ArrayLike<number>,
  outputsB: ArrayLike<number>,
): OutputComparison {
  if (outputsA.length !== outputsB.length) {
    throw new RangeError(
      `outputsA has ${outputsA.length} values but outputsB has ${outputsB.length}`,
    );
  }
  let changed = 0;
  for (let i = 0; i < outputsA.length; i++) if (outputsA[i] !== outputsB[i]) changed++;
  return { changed, total: outputsA.length };
}

/**
 * Problem 1's claim for one c > 0: every output is identical.
 *
 * @param outputsA - outputs of the original perceptron networks, flattened
 * @param outputsB - outputs of the networks scaled by c, in the same order
 * @param c - the factor, for the check's name
 */
export function checkInvariance(
  outputsA: ArrayLike<number>,
  outputsB: ArrayLike<number>,
  c = Number.NaN,
): Check {
  const { changed, total } = compareOutputs(outputsA, outputsB);
  return check(
    `outputs identical for c = ${fmt(c)}`,
    'identical outputs (0 changed)',
    `${changed} of ${total} outputs changed`,
    total > 0 && changed === 0,
  );
}

/**
 * The claim's boundary for one c ≤ 0: scaling by c changes outputs.
 *
 * @param outputsA - outputs of the original perceptron networks, flattened
 * @param outputsB - outputs of the networks scaled by c, in the same order
 * @param c - the factor, for the check's name
 */
export function checkBreaksInvariance(
  outputsA: ArrayLike<number>,
  outputsB: ArrayLike<number>,
  c = Number.NaN,
): Check {
  const { changed, total } = compareOutputs(outputsA, outputsB);
  return check(
    `c = ${fmt(c)} (not > 0) breaks invariance`,
    'outputs change',
    `fraction changed ${fmt(changed / total)} (${changed} of ${total})`,
    changed > 0,
  );
}

/** The factors c > 0 of problem 1. */
export const POSITIVE_FACTORS: readonly number[] = [1e-6, 0.01, 1, 100, 1e6];
/** The factors outside the claim (c ≤ 0). */
export const NON_POSITIVE_FACTORS: readonly number[] = [0, -1];

/**
 * With c = −1 every first-layer z changes sign, so every first-layer output
 * flips (none has z = 0 exactly); the network's outputs need not all flip.
 *
 * @param flipped - first-layer outputs that flipped
 * @param total - first-layer outputs compared
 * @param outputFraction - the fraction of the network's outputs that changed, for the report
 */
export function checkFirstLayerFlips(
  flipped: number,
  total: number,
  outputFraction: number,
): Check {
  return check(
    'c = −1: every first-layer output flips (the network outputs need not)',
    'all first-layer outputs flip',
    `${flipped} of ${total} first-layer outputs flip; ${fmt(100 * outputFraction)}% of network outputs change`,
    total > 0 && flipped === total,
  );
}

function firstLayerFlips(networks: readonly Network[], inputs: readonly Matrix[]): number[] {
  let flipped = 0;
  let total = 0;
  networks.forEach((net, i) => {
    const first: Network = { sizes: net.sizes.slice(0, 2), layers: net.layers.slice(0, 1) };
    const a = feedforward(first, inputs[i] as Matrix).data;
    const b = feedforward(scale(first, -1), inputs[i] as Matrix).data;
    for (let k = 0; k < a.length; k++) {
      total++;
      if (a[k] !== b[k] && (a[k] as number) + (b[k] as number) === 1) flipped++;
    }
  });
  return [flipped, total];
}

function outputsOf(networks: readonly Network[], inputs: readonly Matrix[], c: number): number[] {
  const out: number[] = [];
  networks.forEach((net, i) => {
    const a = feedforward(scale(net, c), inputs[i] as Matrix);
    for (const v of a.data) out.push(v);
  });
  return out;
}

/**
 * Problem 1: scaling every weight and bias of a perceptron network by c > 0
 * changes no output; c = 0 and c = −1 change them.
 *
 * @param options - seed and quick mode (quick: 20 networks x 50 inputs; else 100 x 200)
 */
export function perceptronInvariance(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 1);
  const count = options.quick ? 20 : 100;
  const m = options.quick ? 50 : 200;
  const networks: Network[] = [];
  const inputs: Matrix[] = [];
  for (let i = 0; i < count; i++) {
    const net = randomNetwork(rng, randomSizes(rng), 'step');
    networks.push(net);
    inputs.push(uniformBatch(rng, m, net.sizes[0] as number));
  }
  const base = outputsOf(networks, inputs, 1);
  const factors = [...NON_POSITIVE_FACTORS, ...POSITIVE_FACTORS];
  const fractions: number[] = [];
  const checks: Check[] = [];
  for (const c of factors) {
    const scaled = outputsOf(networks, inputs, c);
    const { changed, total } = compareOutputs(base, scaled);
    fractions.push(changed / total);
    checks.push(c > 0 ? checkInvariance(base, scaled, c) : checkBreaksInvariance(base, scaled, c));
  }
  const minusOne = fractions[factors.indexOf(-1)] as number;
  const [flipped, firstTotal] = firstLayerFlips(networks, inputs);
  checks.push(checkFirstLayerFlips(flipped as number, firstTotal as number, minusOne));
  return {
    id: 'perceptron-invariance',
    problem: 1,
    title: 'Invariance of a perceptron network',
    claim: `Multiplying every weight and bias of a perceptron network by a constant c > 0 changes no output (${count} random networks, ${m} inputs each). The claim needs c > 0, not c ≥ 0: c = 0 changes ${fmt(100 * (fractions[0] as number))}% of the outputs; c = −1 flips every first-layer output but changes only ${fmt(100 * minusOne)}% of the network's outputs.`,
    checks,
    series: [
      {
        name: 'c > 0 (the claim)',
        x: [...POSITIVE_FACTORS],
        y: fractions.slice(NON_POSITIVE_FACTORS.length),
        plot: 'changed',
        plotTitle: 'Fraction of outputs changed by scaling with c > 0',
        xLabel: 'c (log scale)',
        yLabel: 'fraction of outputs changed',
        xScale: 'log',
        mark: 'points',
      },
      {
        name: 'c ≤ 0 (outside the claim)',
        x: [...NON_POSITIVE_FACTORS].reverse(),
        y: fractions.slice(0, NON_POSITIVE_FACTORS.length).reverse(),
        plot: 'changed-non-positive',
        plotTitle: 'Fraction of outputs changed by c = 0 and c = −1',
        xLabel: 'c',
        yLabel: 'fraction of outputs changed',
        mark: 'bars',
      },
    ],
  };
}
