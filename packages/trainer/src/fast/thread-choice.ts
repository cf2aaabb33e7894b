// How many threads run each engine call. The kernels give the same bits on
// any count, so the count can change between calls (chunks of mini-batches)
// without changing the training: `threads: 'auto'` measures which is faster
// on this machine now, since that depends on what else the cores are doing.

/** Picks the thread count of each engine call and learns from its timing. */
export interface ThreadChoice {
  /** Threads for the next call. */
  next(): number;
  /** The count the choice currently favours (for calls it does not time, such as evaluation). */
  favoured(): number;
  /** The call on `threads` threads took `seconds` for `work` units (rows). */
  record(threads: number, seconds: number, work: number): void;
}

/** Always `threads`. */
export function fixedThreads(threads: number): ThreadChoice {
  return { next: () => threads, favoured: () => threads, record: () => {} };
}

/** Calls at the start that alternate the counts (half each) before the first choice. */
const STARTING_CALLS = 8;
/** Calls between probes of the other count, at first. */
const FIRST_PROBE_GAP = 8;
/** The longest gap between probes, reached by doubling while the probes keep losing. */
const LAST_PROBE_GAP = 64;
/** Recent timings kept per count; their median is the count's speed (one preempted call does not move it). */
const WINDOW = 3;

/**
 * 1 thread or `most`, whichever the recent calls measured faster. The first
 * {@link STARTING_CALLS} calls alternate (most, 1, most, ...: the kernels
 * are still being optimised, so both see it); after that the faster runs,
 * and every so often a probe runs two calls on the other count: the first
 * wakes the other threads and moves the weights into their caches, the
 * second is timed. When it beats the median of the favoured count's last
 * {@link WINDOW} calls, the choice switches and probes come every
 * {@link FIRST_PROBE_GAP} calls; while probes lose, the gap doubles up to
 * {@link LAST_PROBE_GAP}. A machine whose other core gets busy (or free) is
 * followed within a few probes.
 */
export class FastestThreads implements ThreadChoice {
  private readonly times = new Map<number, number[]>();
  private calls = 0;
  private current: number;
  private gap = FIRST_PROBE_GAP;
  private sinceProbe = 0;
  /** Calls of the running probe still to come (2, then 1), or 0. */
  private probe = 0;

  constructor(private readonly most: number) {
    if (!Number.isInteger(most) || most < 2) {
      throw new RangeError(`FastestThreads needs at least 2 threads to choose from, got ${most}`);
    }
    this.current = most;
    this.times.set(1, []).set(most, []);
  }

  next(): number {
    if (this.calls < STARTING_CALLS) return this.calls % 2 === 0 ? this.most : 1;
    if (this.probe === 0 && this.sinceProbe >= this.gap) this.probe = 2;
    return this.probe > 0 ? this.other() : this.current;
  }

  favoured(): number {
    return this.current;
  }

  record(threads: number, seconds: number, work: number): void {
    const list = this.times.get(threads);
    if (list === undefined || !(seconds >= 0) || !(work > 0)) return;
    const rate = seconds / work;
    this.calls++;
    if (this.probe === 2) {
      this.probe = 1;
      return;
    }
    list.push(rate);
    if (list.length > WINDOW) list.shift();
    if (this.calls <= STARTING_CALLS) {
      if (this.calls === STARTING_CALLS) {
        this.current = this.speedOf(1) < this.speedOf(this.most) ? 1 : this.most;
      }
      return;
    }
    if (this.probe === 0) {
      this.sinceProbe++;
      return;
    }
    this.probe = 0;
    this.sinceProbe = 0;
    if (threads !== this.current && rate < this.speedOf(this.current)) {
      this.current = threads;
      this.gap = FIRST_PROBE_GAP;
    } else {
      this.gap = Math.min(LAST_PROBE_GAP, this.gap * 2);
    }
  }

  /** Median seconds per unit of work of the count's recent calls. */
  private speedOf(threads: number): number {
    const sorted = [...(this.times.get(threads) ?? [])].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.POSITIVE_INFINITY;
  }

  private other(): number {
    return this.current === 1 ? this.most : 1;
  }
}

/** Weight of the newest call when the shares move (the rest stays with the old shares). */
const SHARE_STEP = 0.5;

/**
 * How much of each layer every thread of a call takes, moved toward the
 * threads that waited at the barriers: cores can run at different speeds (a
 * laptop's performance and efficiency cores, a VM whose other vCPU shares
 * its core), and one split wastes the faster one's time at every barrier.
 * After each call, thread t's speed is its share over the time it did not
 * wait; the new shares are proportional to the speeds, averaged with the old.
 */
export class WorkShares {
  private current: number[];

  constructor(threads: number) {
    this.current = Array.from({ length: threads }, () => 1 / threads);
  }

  /** The shares, summing to 1. */
  get shares(): readonly number[] {
    return this.current;
  }

  /**
   * The call took `milliseconds`, thread t waiting `waits[t]` of them at
   * barriers and doing `done[t]` of the work (the shares rounded to whole
   * blocks of neurons; default: the shares).
   */
  record(
    milliseconds: number,
    waits: ArrayLike<number>,
    done: readonly number[] = this.current,
  ): void {
    const n = this.current.length;
    if (!(milliseconds > 0) || waits.length < n || done.length < n) return;
    const speeds = done.map((share, t) => {
      const busy = milliseconds - (waits[t] as number);
      return share / Math.max(busy, milliseconds * 0.05);
    });
    const total = speeds.reduce((a, b) => a + b, 0);
    if (!(total > 0) || !Number.isFinite(total)) return;
    this.current = this.current.map(
      (share, t) => (1 - SHARE_STEP) * share + (SHARE_STEP * (speeds[t] as number)) / total,
    );
  }
}
