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

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median seconds per call of each contender. After a warm-up, each contender
 * gets a batch size that lasts about `batchMs`; then the batches are
 * interleaved (contender order rotates every repetition) so that a noisy
 * neighbour or a frequency change hits every contender alike.
 */
export function measure(
  contenders: readonly Contender[],
  options: TimingOptions,
): Map<string, number> {
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
  const result = new Map<string, number>();
  contenders.forEach((c, i) => {
    result.set(c.name, median(samples[i] as number[]));
  });
  return result;
}
