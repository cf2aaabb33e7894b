import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One thing to time: `run` does one unit of work (for example one GEMM call). */
export interface Contender {
  readonly name: string;
  readonly run: () => void;
}

/** How long and how often to measure. */
export interface TimingOptions {
  /** Wall time spent running each contender before measuring, in ms. */
  readonly warmupMs: number;
  /** A timed batch repeats `run` until it lasts at least this long, in ms. */
  readonly batchMs: number;
  /** Number of timed batches per contender; the median is reported. */
  readonly repetitions: number;
}

function runFor(c: Contender, ms: number): number {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < ms) {
    c.run();
    calls++;
  }
  return calls;
}

function timeBatch(c: Contender, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) c.run();
  return (performance.now() - start) / 1000;
}

/** The q-quantile (0..1) of a non-empty list, interpolating between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median seconds per call, and the interquartile range relative to it (the noise). */
export interface Timing {
  readonly seconds: number;
  readonly relativeIqr: number;
}

/**
 * Median seconds per call of each contender (and its spread). After a warm-up, each contender
 * gets a batch size that lasts about `batchMs`; then the batches are
 * interleaved (contender order rotates every repetition) so that a noisy
 * neighbour or a frequency change hits every contender alike.
 */
export function measure(
  contenders: readonly Contender[],
  options: TimingOptions,
): Map<string, Timing> {
  const calls = contenders.map((c) => {
    const warm = runFor(c, options.warmupMs);
    const perCall = options.warmupMs / Math.max(1, warm);
    return Math.max(1, Math.ceil(options.batchMs / perCall));
  });
  const samples: number[][] = contenders.map(() => []);
  for (let r = 0; r < options.repetitions; r++) {
    for (let t = 0; t < contenders.length; t++) {
      const idx = (r + t) % contenders.length;
      const n = calls[idx] as number;
      const seconds = timeBatch(contenders[idx] as Contender, n);
      (samples[idx] as number[]).push(seconds / n);
    }
  }
  const result = new Map<string, Timing>();
  contenders.forEach((c, i) => {
    const x = samples[i] as number[];
    const seconds = median(x);
    result.set(c.name, { seconds, relativeIqr: (quantile(x, 0.75) - quantile(x, 0.25)) / seconds });
  });
  return result;
}

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection (V8's `gc`, exposed on first use), then waits
 * `settleMs` for V8's background sweeper threads to finish, so that a
 * contender does not pay, inside its timed epoch, for the garbage the previous
 * one left (tfjs allocates tensors every mini-batch): on a 2-core machine the
 * sweepers would otherwise take the core a two-thread path runs on.
 */
export async function collectGarbage(settleMs = 60): Promise<void> {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}
