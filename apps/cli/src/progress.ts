/**
 * What a person watches during training: a progress bar for the current epoch
 * (on stderr, only when it is a terminal) and one table row per finished epoch.
 */
import cliProgress from 'cli-progress';
import type { Colors, OutStream } from './output.js';

/** The figures a table row may show, in column order (as named in `EpochRecord`). */
export type FigureColumn =
  | 'batchCost'
  | 'validationCost'
  | 'validationAccuracy'
  | 'testCost'
  | 'testAccuracy';

/** One finished epoch's figures (see train-run.ts's EpochRecord). */
export type EpochFigures = { epoch: number; eta: number; seconds: number } & Partial<
  Record<FigureColumn, number>
>;

const TITLES: Record<FigureColumn, string> = {
  batchCost: 'batch cost',
  validationCost: 'val cost*',
  validationAccuracy: 'val acc',
  testCost: 'test cost*',
  testAccuracy: 'test acc',
};
const EPOCH_WIDTH = 9;
const FIGURE_WIDTH = 11;
const ETA_WIDTH = 8;
const TIME_WIDTH = 8;

function pad(text: string, width: number): string {
  // A value wider than its column still gets a space before it.
  return text.length >= width ? ` ${text}` : ' '.repeat(width - text.length) + text;
}

/** The footnote of the starred cost columns (`mlisp eval`'s cost has no L2 term). */
export const COST_NOTE =
  '* with the regularisation term (L2: (λ/2n)·Σw², L1: (λ/n)·Σ|w|), n the size of the set scored; mlisp eval reports the cost without it';

/** The header of the epoch table with these figure columns. */
export function epochHeader(columns: readonly FigureColumn[], color: Colors): string {
  const cells = [
    pad('epoch', EPOCH_WIDTH),
    ...columns.map((c) => pad(TITLES[c], FIGURE_WIDTH)),
    pad('η', ETA_WIDTH),
    pad('time', TIME_WIDTH),
  ];
  return color.dim(cells.join(''));
}

/** Formats a number of seconds as "0.8s", "12.3s", "2m05s" or "1h02m". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Formats a fraction in [0, 1] as a percentage with two decimals. */
export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

function formatCost(cost: number): string {
  if (!Number.isFinite(cost)) return String(cost);
  return Math.abs(cost) >= 1000 ? cost.toExponential(3) : cost.toFixed(4);
}

/**
 * One row of the epoch table: the figures of `columns` (accuracies in bold),
 * η and the training time.
 *
 * @param e - the epoch's figures
 * @param epochs - total epochs of the run (for "3/30")
 */
export function formatEpochLine(
  e: EpochFigures,
  epochs: number,
  columns: readonly FigureColumn[],
  color: Colors,
): string {
  const width = String(epochs).length;
  const figures = columns.map((c) => {
    const value = e[c] ?? Number.NaN;
    const cell = pad(
      c.endsWith('Accuracy') ? formatPercent(value) : formatCost(value),
      FIGURE_WIDTH,
    );
    return c.endsWith('Accuracy') ? color.bold(cell) : cell;
  });
  return [
    pad(`${String(e.epoch).padStart(width)}/${epochs}`, EPOCH_WIDTH),
    ...figures,
    pad(String(Number(e.eta.toPrecision(4))), ETA_WIDTH),
    pad(formatSeconds(e.seconds), TIME_WIDTH),
  ].join('');
}

/**
 * The progress bar of one epoch: samples done, samples per second and the time
 * left. Draws nothing unless `stream` is a terminal.
 */
export class EpochProgress {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;

  /**
   * @param stream - where to draw (stderr)
   * @param color - colours for that stream
   */
  constructor(
    private readonly stream: OutStream,
    private readonly color: Colors,
  ) {}

  /** True when a bar is drawn at all. */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** Starts the bar of epoch `epoch` of `epochs` over `total` samples. */
  start(epoch: number, epochs: number, total: number): void {
    if (!this.enabled) return;
    this.stop();
    const c = this.color;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: `${c.cyan(`epoch ${epoch}/${epochs}`)} {bar} {percentage}% | {value}/{total} | {rate} samples/s | {left} left`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 8,
      },
      cliProgress.Presets.shades_classic,
    );
    this.started = performance.now();
    this.bar.start(total, 0, { rate: '-', left: '-' });
  }

  /** Moves the bar to `done` samples of this epoch. */
  update(done: number): void {
    if (this.bar === null) return;
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const total = this.bar.getTotal();
    const left = rate > 0 ? formatSeconds((total - done) / rate) : '-';
    this.bar.update(done, {
      rate: rate > 0 ? Math.round(rate).toLocaleString('en-US') : '-',
      left,
    });
  }

  /** Removes the bar (before an epoch line is printed, and at the end). */
  stop(): void {
    if (this.bar === null) return;
    this.bar.stop();
    this.bar = null;
  }
}
