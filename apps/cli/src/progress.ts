/**
 * What a person watches during training: a progress bar for the current epoch
 * (on stderr, only when it is a terminal) and one table row per finished epoch.
 */
import cliProgress from 'cli-progress';
import type { Colors, OutStream } from './output.js';

/** One finished epoch, as the CLI reports it. */
export interface EpochLine {
  epoch: number;
  /** Total epochs of the run (for "3/30"). */
  epochs: number;
  trainCost: number;
  testCost: number;
  /** Fraction in [0, 1]. */
  testAccuracy: number;
  eta: number;
  /** Training time of the epoch alone, evaluation excluded. */
  seconds: number;
}

const COLUMNS = ['epoch', 'train cost', 'test cost', 'accuracy', 'η', 'time'] as const;
const WIDTHS = [9, 11, 10, 9, 8, 8] as const;

function pad(text: string, width: number): string {
  // A value wider than its column still gets a space before it.
  return text.length >= width ? ` ${text}` : ' '.repeat(width - text.length) + text;
}

/** The header of the epoch table. */
export function epochHeader(color: Colors): string {
  return color.dim(COLUMNS.map((c, i) => pad(c, WIDTHS[i] as number)).join(''));
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

/** One row of the epoch table. */
export function formatEpochLine(e: EpochLine, color: Colors): string {
  const width = String(e.epochs).length;
  const cells = [
    `${String(e.epoch).padStart(width)}/${e.epochs}`,
    formatCost(e.trainCost),
    formatCost(e.testCost),
    formatPercent(e.testAccuracy),
    String(Number(e.eta.toPrecision(4))),
    formatSeconds(e.seconds),
  ];
  const padded = cells.map((c, i) => pad(c, WIDTHS[i] as number));
  padded[3] = color.bold(padded[3] as string);
  return padded.join('');
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
