import type { Rng } from '@mlisp/tensor';
import { checkFirstOrderChange, libraryGradient, SHAPES } from './steepest-library.js';
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
 * No direction of length ε gives a smaller ∇C·v than the steepest step: not
 * the random directions, and not the small rotations of the step itself (which
 * come within any tolerance of its value at every dimension n, so a step that
 * is not the minimiser is beaten by some of them however large n is).
 *
 * @param steepestValue - ∇C·v of the steepest step
 * @param randomValues - ∇C·v of the random directions and rotations
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
    `n = ${n}, ε = ${fmt(epsilon)}: ${randomValues.length} directions (random, and rotations of v by 10⁻⁶ to 1 rad) never beat v = −η∇C`,
    `every ∇C·v ≥ ${fmt(steepestValue, 8)}`,
    `smallest ∇C·v = ${fmt(least, 8)}`,
    randomValues.length > 0 && least >= steepestValue - slack,
  );
}

/**
 * The minimiser is unique: a direction at angle θ from v = −η∇C gives
 * ∇C·v_θ = −ε‖∇C‖cos θ, larger than the minimum by ε‖∇C‖(1 − cos θ) > 0.
 *
 * @param n - the dimension, for the name
 * @param angles - the angles θ of the rotations (≥ 1e−3 rad, where the gap is far above rounding)
 * @param gaps - ∇C·v_θ + ε‖∇C‖ measured for each, divided by ε‖∇C‖
 */
export function checkUnique(n: number, angles: readonly number[], gaps: readonly number[]): Check {
  let worst = 0;
  let positive = true;
  angles.forEach((t, i) => {
    const expected = 1 - Math.cos(t);
    const g = gaps[i] as number;
    if (!(g > 0)) positive = false;
    worst = Math.max(worst, Math.abs(g - expected) / expected);
  });
  return check(
    `n = ${n}: unique minimiser — ${angles.length} rotations of v by θ ∈ [10⁻³, 1] rad give ∇C·v larger by ε‖∇C‖(1 − cos θ)`,
    'every gap > 0 and equal to 1 − cos θ (relative error ≤ 1e−6)',
    `${positive ? 'every gap > 0' : 'some gap ≤ 0'}; largest relative error ${fmt(worst)}`,
    angles.length > 0 && positive && worst <= 1e-6,
  );
}

/** A unit vector at angle θ from the unit vector `v`, in a random plane through it. */
function rotated(rng: Rng, v: Float64Array, theta: number): Float64Array {
  const u = rng.fillNormal(new Float64Array(v.length));
  const along = dot(u, v);
  for (let i = 0; i < u.length; i++) u[i] = (u[i] as number) - along * (v[i] as number);
  const nu = norm(u);
  return Float64Array.from(
    v,
    (vi, i) => Math.cos(theta) * vi + (Math.sin(theta) * (u[i] as number)) / nu,
  );
}

/** ∇C·u of `count` random unit directions u (each a normal draw, rescaled). */
function unitDirectionValues(rng: Rng, gradient: Float64Array, count: number): Float64Array {
  const u = new Float64Array(gradient.length);
  const values = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    rng.fillNormal(u);
    values[t] = dot(gradient, u) / norm(u);
  }
  return values;
}

/** ∇C·u of unit directions at angles θ (log-uniform in [low, 1] rad) from the steepest direction. */
function rotationValues(
  rng: Rng,
  gradient: Float64Array,
  count: number,
  low: number,
): { angles: number[]; values: number[] } {
  const best = steepestStep(gradient, 1);
  const angles = Array.from({ length: count }, () => 10 ** rng.uniform(Math.log10(low), 0));
  return { angles, values: angles.map((t) => dot(gradient, rotated(rng, best, t))) };
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
  const common = {
    plot: 'circle',
    plotTitle: '∇C·v around the circle ‖v‖ = ε (two parameters)',
    xLabel: 'angle of v (radians)',
    yLabel: '∇C·v',
  };
  return [
    { name: '∇C·v for ‖v‖ = ε', x: theta, y: values, ...common },
    {
      name: 'v = −η∇C',
      x: [best < 0 ? best + 2 * Math.PI : best],
      y: [dot(gradient, v)],
      ...common,
      mark: 'points' as const,
    },
  ];
}

/**
 * Problem 4: among all v with ‖v‖ = ε, v = −η∇C with η = ε/‖∇C‖ gives the
 * least ∇C·v, namely −ε‖∇C‖, and no other v does. The gradients are those of
 * random networks' costs (`@mlisp/costs`), by the trainer's backprop.
 *
 * @param options - seed and quick mode (quick: 10³ directions, n ≤ 133; else 10⁴, n up to 830)
 */
export function steepestDescent(options: ExperimentOptions = {}): ExperimentResult {
  const rng = rngOf(options, 4);
  const shapes = options.quick ? SHAPES.slice(0, 4) : SHAPES;
  const count = options.quick ? 1000 : 10000;
  const epsilons = [1e-3, 1];
  const checks: Check[] = [];
  const dims: number[] = [];
  const gaps: Series = {
    name: 'best random direction',
    x: [],
    y: [],
    plot: 'gap',
    plotTitle: 'How close random directions come to the steepest value',
    xLabel: 'number of parameters n (log scale)',
    yLabel: 'min ∇C·v / (ε‖∇C‖)',
    xScale: 'log',
    mark: 'points',
  };
  let circle: Series[] = [];
  for (const shape of shapes) {
    const problem = libraryGradient(rng, shape);
    const { gradient } = problem;
    const n = gradient.length;
    dims.push(n);
    const unit = unitDirectionValues(rng, gradient, count);
    const near = rotationValues(rng, gradient, count / 10, 1e-6);
    const far = rotationValues(rng, gradient, 100, 1e-3);
    for (const epsilon of epsilons) {
      const v = steepestStep(gradient, epsilon);
      const values = [...unit, ...near.values].map((r) => epsilon * r);
      checks.push(checkSteepestValue(gradient, epsilon, v));
      checks.push(checkNoBetterDirection(dot(gradient, v), values, epsilon, n));
      if (epsilon === epsilons[0]) {
        gaps.x.push(n);
        gaps.y.push(Math.min(...unit) / norm(gradient));
      }
      if (n === 2 && circle.length === 0) circle = circleSeries(gradient, epsilon);
    }
    const bound = norm(gradient);
    checks.push(
      checkUnique(
        n,
        far.angles,
        far.values.map((r) => (r + bound) / bound),
      ),
    );
    checks.push(checkFirstOrderChange(problem));
  }
  return {
    id: 'steepest-descent',
    problem: 4,
    title: 'The steepest descent direction',
    claim: `Among all steps v of length ε, v = −η∇C with η = ε/‖∇C‖ gives the least ∇C·v, which is −ε‖∇C‖, and no other v does (gradients of random networks' costs by the trainer's backprop, n = ${dims.join(', ')} parameters, ε = ${epsilons.join(' and ')}, ${count} random directions and ${count / 10} rotations of v each); a small step along it changes the cost by −ε‖∇C‖ to first order.`,
    checks,
    series: [...circle, gaps],
  };
}
