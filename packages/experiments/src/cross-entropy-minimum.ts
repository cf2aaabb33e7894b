import { crossEntropy } from '@mlisp/costs';
import { zeros } from '@mlisp/tensor';
import type { Check, ExperimentOptions, ExperimentResult, Series } from './types.js';
import { check, fmt, linspace } from './util.js';

/** A per-output cost C(a) for a desired output y. */
export type OutputCost = (y: number, a: number) => number;

/** x·ln(t), taken as 0 when x = 0 (the limit x ln x → 0). The costs below negate with `0 − …` so a zero cost is +0, not −0. */
function xlog(x: number, t: number): number {
  return x === 0 ? 0 : x * Math.log(t);
}

/** The cross-entropy of one output, C(a) = −[y ln a + (1 − y) ln(1 − a)] (eq. 20 with the errata applied). */
export const crossEntropyOfOutput: OutputCost = (y, a) => 0 - (xlog(y, a) + xlog(1 - y, 1 - a));

/** Eq. 20 as printed, C(a) = −[y ln a + (1 − a) ln(1 − a)]: the typo the errata correct. */
export const misprintedCrossEntropy: OutputCost = (y, a) => 0 - (xlog(y, a) + xlog(1 - a, 1 - a));

/**
 * The claimed minimum −[y ln y + (1 − y) ln(1 − y)] (0 at y = 0 and y = 1).
 *
 * @param y - the desired output, in [0, 1]
 */
export function binaryEntropy(y: number): number {
  return 0 - (xlog(y, y) + xlog(1 - y, 1 - y));
}

/**
 * The minimiser of f on [low, high] by golden-section search on f's values alone.
 *
 * @param f - the function to minimise (unimodal on the interval)
 * @param low - left end
 * @param high - right end
 * @param tolerance - the bracket width at which to stop
 */
export function goldenSectionMinimum(
  f: (a: number) => number,
  low: number,
  high: number,
  tolerance = 1e-12,
): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  const mid = (a + b) / 2;
  const candidates = [low, mid, high];
  return candidates.reduce((best, x) => (f(x) < f(best) ? x : best), mid);
}

/** What the numerical search found for each y. */
export interface CostAnalysis {
  /** The desired outputs y. */
  readonly ys: number[];
  /** The numerically found minimiser a* for each y. */
  readonly minimisers: number[];
  /** C(a*) for each y. */
  readonly minima: number[];
  /** The grid of a on which the derivative is sampled (never equal to a y). */
  readonly grid: number[];
  /** derivatives[i][k]: central-difference dC/da at grid[k] for ys[i]. */
  readonly derivatives: number[][];
}

/**
 * Minimises C(a) numerically for each y and samples its derivative (central
 * differences) on a grid of a in (0, 1) — nothing here uses the claimed answer.
 *
 * @param cost - the per-output cost C(y, a)
 * @param ys - the desired outputs y in [0, 1]
 * @param gridSize - points of the derivative grid, a_k = (k + ½)/gridSize
 */
export function analyseCost(
  cost: OutputCost,
  ys: readonly number[],
  gridSize = 1000,
): CostAnalysis {
  const grid = Array.from({ length: gridSize }, (_, k) => (k + 0.5) / gridSize);
  const h = 1e-7;
  const minimisers = ys.map((y) => goldenSectionMinimum((a) => cost(y, a), 0, 1));
  return {
    ys: [...ys],
    minimisers,
    minima: ys.map((y, i) => cost(y, minimisers[i] as number)),
    grid,
    derivatives: ys.map((y) => grid.map((a) => (cost(y, a + h) - cost(y, a - h)) / (2 * h))),
  };
}

/**
 * The minimiser is a = y for every y (within `tolerance`).
 *
 * @param ys - the desired outputs
 * @param minimisers - the numerically found minimisers, one per y
 * @param tolerance - the largest |a* − y| allowed (default 1e−6)
 */
export function checkMinimisers(
  ys: readonly number[],
  minimisers: readonly number[],
  tolerance = 1e-6,
): Check {
  const errors = ys.map((y, i) => Math.abs((minimisers[i] as number) - y));
  const worst = errors.indexOf(Math.max(...errors));
  return check(
    `the minimiser of C(a) is a = y for ${ys.length} values of y in [0, 1]`,
    `|a* − y| ≤ ${fmt(tolerance)}`,
    `largest |a* − y| = ${fmt(errors[worst] as number)} (y = ${ys[worst]}, a* = ${fmt(minimisers[worst] as number, 8)})`,
    ys.length > 0 && (errors[worst] as number) <= tolerance,
  );
}

/**
 * The minimum value is −[y ln y + (1 − y) ln(1 − y)] for every y.
 *
 * @param ys - the desired outputs
 * @param minima - C(a*) for each y
 * @param tolerance - the largest absolute error allowed (default 1e−12)
 */
export function checkMinimumValues(
  ys: readonly number[],
  minima: readonly number[],
  tolerance = 1e-12,
): Check {
  const errors = ys.map((y, i) => Math.abs((minima[i] as number) - binaryEntropy(y)));
  const worst = errors.indexOf(Math.max(...errors));
  return check(
    'C(a*) = −[y ln y + (1 − y) ln(1 − y)]',
    `absolute error ≤ ${fmt(tolerance)}`,
    `largest error ${fmt(errors[worst] as number)} (y = ${ys[worst]})`,
    ys.length > 0 && (errors[worst] as number) <= tolerance,
  );
}

/** Where a sampled derivative changes sign: indices k with sign(d_k) ≠ sign(d_{k+1}). */
function signChanges(derivatives: readonly number[]): number[] {
  const changes: number[] = [];
  for (let k = 0; k + 1 < derivatives.length; k++) {
    if (Math.sign(derivatives[k] as number) !== Math.sign(derivatives[k + 1] as number))
      changes.push(k);
  }
  return changes;
}

/**
 * dC/da vanishes only at a = y: for 0 < y < 1 it changes sign exactly once,
 * between the grid points around y, from − to +; for y = 0 (y = 1) it is
 * positive (negative) everywhere, so the minimum is at the end a = y.
 *
 * @param ys - the desired outputs
 * @param grid - the grid of a
 * @param derivatives - derivatives[i][k] is dC/da at grid[k] for ys[i]
 */
export function checkSignChange(
  ys: readonly number[],
  grid: readonly number[],
  derivatives: readonly number[][],
): Check {
  const bad: number[] = [];
  ys.forEach((y, i) => {
    const d = derivatives[i] as number[];
    const changes = signChanges(d);
    const ok =
      y === 0
        ? d.every((v) => v > 0)
        : y === 1
          ? d.every((v) => v < 0)
          : changes.length === 1 &&
            (grid[changes[0] as number] as number) < y &&
            y < (grid[(changes[0] as number) + 1] as number) &&
            (d[0] as number) < 0;
    if (!ok) bad.push(y);
  });
  return check(
    'dC/da vanishes only at a = y (one sign change, − to +, at y)',
    `every y: a single sign change at a = y (none inside (0, 1) for y = 0 or 1)`,
    bad.length === 0 ? `all ${ys.length} values of y` : `fails for y = ${bad.join(', ')}`,
    ys.length > 0 && bad.length === 0,
  );
}

/**
 * The cross-entropy of `@mlisp/costs` as a per-output cost C(y, a): its
 * per-sample value `fn`, or its batch sum `sum` of a 1 x 1 batch.
 *
 * @param form - which of the library's two computations to use
 */
export function libraryCrossEntropy(form: 'fn' | 'sum'): OutputCost {
  const a1 = zeros(1, 1, { dtype: 'float64' });
  const y1 = zeros(1, 1, { dtype: 'float64' });
  return form === 'fn'
    ? (y, a) => crossEntropy.fn([a], [y])
    : (y, a) => {
        a1.data[0] = a;
        y1.data[0] = y;
        return crossEntropy.sum(a1, y1);
      };
}

function analysisChecks(analysis: CostAnalysis, what: string): Check[] {
  return [
    checkMinimisers(analysis.ys, analysis.minimisers),
    checkMinimumValues(analysis.ys, analysis.minima),
    checkSignChange(analysis.ys, analysis.grid, analysis.derivatives),
  ].map((c) => ({ ...c, name: `${what}: ${c.name}` }));
}

/**
 * Problem 6: the cross-entropy C(a) = −[y ln a + (1 − y) ln(1 − a)] is least at
 * a = y, where it is −[y ln y + (1 − y) ln(1 − y)].
 *
 * @param options - quick mode (quick: y in steps of 0.1; else 0.05)
 */
export function crossEntropyMinimum(options: ExperimentOptions = {}): ExperimentResult {
  const ys = linspace(0, 1, options.quick ? 11 : 21).map((y) => Number(y.toFixed(12)));
  const analysis = analyseCost(libraryCrossEntropy('fn'), ys);
  const batch = analyseCost(libraryCrossEntropy('sum'), ys);
  const a = linspace(0.001, 0.999, 499);
  const curves: Series[] = [0.1, 0.3, 0.5, 0.8].map((y) => ({
    name: `C(a), y = ${y}`,
    x: a,
    y: a.map((v) => libraryCrossEntropy('fn')(y, v)),
    plot: 'cost',
    plotTitle: 'The cross-entropy C(a) for several targets y',
    xLabel: 'a',
    yLabel: 'C(a)',
  }));
  return {
    id: 'cross-entropy-minimum',
    problem: 6,
    title: 'The minimum of the cross-entropy',
    claim: `For each desired output y in [0, 1] (${ys.length} values), the cross-entropy C(a) = −[y ln a + (1 − y) ln(1 − a)] (eq. 20 with its misprinted (1 − a) corrected to (1 − y)) is least at a = y, its value there is −[y ln y + (1 − y) ln(1 − y)], and its derivative vanishes nowhere else: checked on the library's cost (@mlisp/costs crossEntropy, per sample and summed over a batch), minimised by golden-section search on its values alone, its derivative sampled at ${analysis.grid.length} points of (0, 1).`,
    checks: [
      ...analysisChecks(analysis, 'crossEntropy.fn of @mlisp/costs'),
      ...analysisChecks(batch, 'crossEntropy.sum of @mlisp/costs'),
    ],
    series: [
      ...curves,
      {
        name: 'numerical minimiser a*',
        x: ys,
        y: analysis.minimisers,
        plot: 'minimiser',
        plotTitle: 'Where C(a) is least, against the target y',
        mark: 'points',
        xLabel: 'y',
        yLabel: 'a*',
      },
      {
        name: 'C(a*)',
        x: ys,
        y: analysis.minima,
        plot: 'minimum',
        plotTitle: 'The least value of C against the binary entropy of y',
        mark: 'points',
        xLabel: 'y',
        yLabel: 'min C',
      },
      {
        name: '−[y ln y + (1 − y) ln(1 − y)]',
        x: ys,
        y: ys.map(binaryEntropy),
        plot: 'minimum',
        plotTitle: 'The least value of C against the binary entropy of y',
        xLabel: 'y',
        yLabel: 'min C',
      },
    ],
  };
}
