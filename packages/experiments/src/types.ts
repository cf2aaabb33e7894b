import type { MnistSplit } from '@mlisp/mnist';

/**
 * One verdict of an experiment. `pass` is computed from what ran (never
 * written in); `expected` says what the claim predicts and `observed` what
 * was measured, each as a human-readable string or a number.
 */
export interface Check {
  /** What is checked, e.g. `'outputs identical for c = 100'`. */
  readonly name: string;
  /** What the claim predicts. */
  readonly expected: string | number;
  /** What was measured. */
  readonly observed: string | number;
  /** True when the observation bears the claim out. */
  readonly pass: boolean;
}

/**
 * Plain data for one curve of a plot: the points (x[i], y[i]). Series with the
 * same `plot` belong on the same chart, titled `plotTitle`; `xLabel`/`yLabel`
 * name its axes, `xScale`/`yScale` say whether an axis is best shown
 * logarithmically, and `mark` whether to join the points, draw them alone or
 * draw bars.
 */
export interface Series {
  /** The curve's legend, e.g. `'quadratic cost, w = 2, b = 2'`. */
  readonly name: string;
  /** x coordinates. */
  readonly x: number[];
  /** y coordinates, as many as x. */
  readonly y: number[];
  /** The chart this curve belongs to (an id within the experiment), e.g. `'cost'`. */
  readonly plot?: string;
  /** Label of the x axis. */
  readonly xLabel?: string;
  /** Label of the y axis. */
  readonly yLabel?: string;
  /** `'log'` when the x axis is best shown logarithmically. Default `'linear'`. */
  readonly xScale?: 'linear' | 'log';
  /** `'log'` when the y axis is best shown logarithmically. Default `'linear'`. */
  readonly yScale?: 'linear' | 'log';
  /**
   * The chart's title in words, e.g. `'Fraction of outputs changed by scaling'`
   * (every series of one `plot` carries the same title; `plot` is only an id).
   */
  readonly plotTitle?: string;
  /**
   * How to draw the series: `'line'` joins the points in order (default),
   * `'points'` draws each point alone (samples that are not a curve), `'bars'`
   * one bar per x from 0 to y (counts).
   */
  readonly mark?: 'line' | 'points' | 'bars';
}

/** What every experiment returns: plain, JSON-serialisable data. */
export interface ExperimentResult {
  /** Stable kebab-case id, e.g. `'perceptron-invariance'`. */
  readonly id: string;
  /** The problem's number in problem set 5. */
  readonly problem: number;
  /** A short title. */
  readonly title: string;
  /** The claim the experiment checks, in one or two sentences. */
  readonly claim: string;
  /** The verdicts, each computed from what ran. */
  readonly checks: Check[];
  /** Data for plots. */
  readonly series: Series[];
}

/** Options every experiment takes. */
export interface ExperimentOptions {
  /** Seed of every random draw (networks, inputs, directions). Same seed, same result. Default 1. */
  seed?: number;
  /**
   * A smaller, faster run (fewer networks, samples, directions and training
   * images) for tests, previews and slow devices. Default false: the sizes the
   * problem set's claims call for.
   */
  quick?: boolean;
  /**
   * The MNIST digits problems 3 and 8 train and measure on (the bundled split
   * of `@mlisp/mnist`). Required by those two; in Node, `withBundledMnist` of
   * `@mlisp/experiments/node` fills it in.
   */
  mnist?: MnistSplit;
}

/** An entry of the experiment list. */
export interface Experiment {
  /** Stable kebab-case id. */
  readonly id: string;
  /** The problem's number in problem set 5. */
  readonly problem: number;
  /** A short title. */
  readonly title: string;
  /**
   * Runs the experiment: a pure function of its options (same options, same result).
   * @param options - seed, quick mode, MNIST data
   */
  run(options?: ExperimentOptions): ExperimentResult;
}
