import type { CostName } from '@mlisp/costs';
import { networkFromWeights } from '@mlisp/neurons';
import { type Matrix, zeros } from '@mlisp/tensor';
import { backprop } from '@mlisp/trainer';
import type { NeuronRun } from './learning-slowdown.js';
import type { Check } from './types.js';
import { check, fmt } from './util.js';

/*
 * Problem 7's point, as the book makes it: with the cross-entropy a neuron
 * learns faster the more wrong it is; and the trainer's default engine trains
 * the demonstration as its matrix loop does.
 */

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
