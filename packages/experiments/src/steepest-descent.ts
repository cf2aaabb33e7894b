import type { Rng } from '@mlisp/tensor';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { check, fmt, linspace, rngOf } from './util.js';

/** Relative tolerance of the steepest value −ε‖∇C‖ (and of "never smaller"). */
export const STEEPEST_TOLERANCE = 1e-12;

/**
 * ∇C·v.
 *
 * @param gradient - ∇C
 * @param v - the step, as many values
 */
export function dot(gradient: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < gradient.length; i++) s += (gradient[i] as number) * (v[i] as number);
  return s;
}

/**
 * The Euclidean norm ‖x‖.
 *
 * @param x - the vector
 */
export function norm(x: ArrayLike<number>): number {
  return Math.sqrt(dot(x, x));
}

/**
 * The steepest-descent step of length ε: v = −η∇C with η = ε/‖∇C‖.
 *
 * @param gradient - ∇C (not all zero)
 * @param epsilon - the step length ε > 0
 */
export function steepestStep(gradient: ArrayLike<number>, epsilon: number): Float64Array {
  const eta = epsilon / norm(gradient);
  return Float64Array.from(gradient, (g) => -eta * g);
}

/**
 * The step is the minimiser's value: ∇C·v = −ε‖∇C‖ and ‖v‖ = ε (relative 1e−12).
 *
 * @param gradient - ∇C
 * @param epsilon - the step length ε
 * @param v - the step to check
 */
export function checkSteepestValue(
  gradient: ArrayLike<number>,
  epsilon: number,
  v: ArrayLike<number>,
): Check {
  const bound = epsilon * norm(gradient);
  const value = dot(gradient, v);
  const valueError = Math.abs(value + bound) / bound;
  const lengthError = Math.abs(norm(v) - epsilon) / epsilon;
  return check(
    `n = ${gradient.length}, ε = ${fmt(epsilon)}: ∇C·v of v = −η∇C equals −ε‖∇C‖`,
    `${fmt(-bound, 6)} (relative error ≤ ${fmt(STEEPEST_TOLERANCE)}, ‖v‖ = ε)`,
    `${fmt(value, 6)} (relative error ${fmt(valueError)}, ‖v‖ off by ${fmt(lengthError)})`,
    valueError <= STEEPEST_TOLERANCE && lengthError <= STEEPEST_TOLERANCE,
  );
}

/**
 * No random direction of length ε gives a smaller ∇C·v than the steepest step.
 *
 * @param steepestValue - ∇C·v of the steepest step
 * @param randomValues - ∇C·v of the random directions
 * @param epsilon - the step length ε, for the name
 * @param n - the dimension, for the name
 */
export function checkNoBetterDirection(
  steepestValue: number,
  randomValues: ArrayLike<number>,
  epsilon = Number.NaN,
  n = Number.NaN,
): Check {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < randomValues.length; i++) least = Math.min(least, randomValues[i] as number);
  const slack = STEEPEST_TOLERANCE * Math.abs(steepestValue);
  return check(
    `n = ${n}, ε = ${fmt(epsilon)}: ${randomValues.length} random directions never beat v = −η∇C`,
    `every ∇C·v ≥ ${fmt(steepestValue, 6)}`,
    `smallest random ∇C·v = ${fmt(least, 6)}`,
    randomValues.length > 0 && least >= steepestValue - slack,
  );
}

/** ∇C·u/‖u‖ of `count` random unit directions u (each a normal draw, rescaled). */
function unitDirectionValues(rng: Rng, gradient: Float64Array, count: number): Float64Array {
  const u = new Float64Array(gradient.length);
  const values = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    rng.fillNormal(u);
    values[t] = dot(gradient, u) / norm(u);
  }
  return values;
}

/** A random gradient: normal components times a log-uniform magnitude in [1e−3, 1e3]. */
function randomGradient(rng: Rng, n: number): Float64Array {
  const magnitude = 10 ** rng.uniform(-3, 3);
  return rng.fillNormal(new Float64Array(n), 0, magnitude);
}

/** ∇C·v around the circle ‖v‖ = ε for a 2-D gradient, with the steepest point. */
function circleSeries(gradient: Float64Array, epsilon: number): Series[] {
  const theta = linspace(0, 2 * Math.PI, 361);
  const values = theta.map(
    (t) =>
      epsilon * ((gradient[0] as number) * Math.cos(t) + (gradient[1] as number) * Math.sin(t)),
  );
  const v = steepestStep(gradient, epsilon);
  const best = Math.atan2(v[1] as number, v[0] as number);
  const common = { plot: 'circle', xLabel: 'angle of v (radians)', yLabel: '∇C·v' };
  return [
    { name: '∇C·v for ‖v‖ = ε', x: theta, y: values, ...common },
    {
      name: 'v = −η∇C',
      x: [best < 0 ? best + 2 * Math.PI : best],
      y: [dot(gradient, v)],
      ...common,
    },
  ];
}

/**
 * Problem 4: among all v with ‖v‖ = ε, v = −η∇C with η = ε/‖∇C‖ gives the
 * least ∇C·v, namely −ε‖∇C‖.
 *
 * @param options - seed and quick mode (quick: 10³ directions, n ≤ 100; else 10⁴, n up to 1000)
 */
export function steepestDescent(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 4);
  const dims = options.quick ? [2, 10, 100] : [2, 10, 100, 1000];
  const count = options.quick ? 1000 : 10000;
  const epsilons = [1e-3, 1];
  const checks: Check[] = [];
  const gaps: Series = {
    name: 'smallest random ∇C·v / (ε‖∇C‖)',
    x: [],
    y: [],
    plot: 'gap',
    xLabel: 'dimension n',
    yLabel: 'min ∇C·v / (ε‖∇C‖)',
    xScale: 'log',
  };
  let circle: Series[] = [];
  for (const n of dims) {
    const gradient = randomGradient(rng, n);
    const unit = unitDirectionValues(rng, gradient, count);
    for (const epsilon of epsilons) {
      const v = steepestStep(gradient, epsilon);
      const values = unit.map((r) => epsilon * r);
      checks.push(checkSteepestValue(gradient, epsilon, v));
      checks.push(checkNoBetterDirection(dot(gradient, v), values, epsilon, n));
      if (epsilon === epsilons[0]) {
        gaps.x.push(n);
        gaps.y.push(Math.min(...values) / (epsilon * norm(gradient)));
      }
      if (n === 2 && circle.length === 0) circle = circleSeries(gradient, epsilon);
    }
  }
  return {
    id: 'steepest-descent',
    problem: 4,
    title: 'The steepest descent direction',
    claim: `Among all steps v of length ε, v = −η∇C with η = ε/‖∇C‖ gives the least ∇C·v, which is −ε‖∇C‖ (random gradients of dimension ${dims.join(', ')}, ε = ${epsilons.join(' and ')}, ${count} random directions each).`,
    checks,
    series: [...circle, gaps],
  };
}
